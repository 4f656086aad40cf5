// A server interceptor that writes one access-log line per call:
//   ... INFO access method=/envcredit.v1.EnterpriseService/GetEnterprise
//            code=NOT_FOUND duration_ms=0.412 request_id=3f2a...
// The request id is the client's `x-request-id` metadata when it sent one
// (up to 64 printable characters), else one the server makes; either way it
// is echoed back in the response's initial metadata, so a caller can quote
// it when reporting a problem. It also turns gRPC's answer to a request that
// could not be parsed into INVALID_ARGUMENT (see malformed_request.h).
#ifndef ENVCREDIT_SERVER_API_ACCESS_LOG_H_
#define ENVCREDIT_SERVER_API_ACCESS_LOG_H_

#include "grpcpp/support/server_interceptor.h"

namespace envcredit::api {

inline constexpr char kRequestIdHeader[] = "x-request-id";

class AccessLogInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_ACCESS_LOG_H_
