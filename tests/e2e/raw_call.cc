#include "tests/e2e/raw_call.h"

#include <condition_variable>
#include <mutex>
#include <vector>

#include "grpcpp/generic/generic_stub.h"

namespace envcredit::testing {

Reply CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
              const std::string& request, std::chrono::seconds timeout) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  grpc::Slice slice(request);
  grpc::ByteBuffer buffer(&slice, 1);
  grpc::ByteBuffer response;
  std::mutex mu;
  std::condition_variable done_cv;
  bool done = false;
  Reply reply;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &buffer, &response,
                 [&](grpc::Status status) {
                   std::lock_guard<std::mutex> lock(mu);
                   reply.status = std::move(status);
                   done = true;
                   done_cv.notify_one();
                 });
  std::unique_lock<std::mutex> lock(mu);
  done_cv.wait(lock, [&] { return done; });
  if (reply.status.ok()) {
    std::vector<grpc::Slice> slices;
    if (response.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) {
        reply.body.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
  }
  return reply;
}

}  // namespace envcredit::testing
