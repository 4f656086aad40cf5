// grpc.reflection.v1.ServerReflection, beside the v1alpha service Debian's
// gRPC 1.51 provides (grpc++_reflection). Generic clients ask for v1 first
// (grpcurl, Postman) and fall back to v1alpha only on UNIMPLEMENTED; this
// answers v1 from the same place v1alpha does: the descriptors compiled
// into the server (protobuf's generated pool). No access check: reflection
// is public, as v1alpha is (doc/access.md).
#ifndef ENVCREDIT_SERVER_API_REFLECTION_V1_SERVICE_H_
#define ENVCREDIT_SERVER_API_REFLECTION_V1_SERVICE_H_

#include <string>
#include <vector>

#include "grpc/reflection/v1/reflection.grpc.pb.h"

namespace envcredit::api {

class ReflectionV1Service final : public grpc::reflection::v1::ServerReflection::Service {
 public:
  // `services`: the full names list_services answers.
  explicit ReflectionV1Service(std::vector<std::string> services)
      : services_(std::move(services)) {}

  grpc::Status ServerReflectionInfo(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<grpc::reflection::v1::ServerReflectionResponse,
                               grpc::reflection::v1::ServerReflectionRequest>* stream) override;

  // The answer to one request (public for tests).
  grpc::reflection::v1::ServerReflectionResponse Answer(
      const grpc::reflection::v1::ServerReflectionRequest& request) const;

 private:
  const std::vector<std::string> services_;
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_REFLECTION_V1_SERVICE_H_
