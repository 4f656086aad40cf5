#include "server/api/call_state.h"

#include <string>

namespace envcredit::api {
namespace {

struct CallState {
  const void* owner = nullptr;
  std::string request_id;
  std::string actor;
};

thread_local CallState state;

}  // namespace

void BeginCallOnThread(const void* owner, absl::string_view request_id) {
  state.owner = owner;
  state.request_id.assign(request_id.data(), request_id.size());
  state.actor.clear();
}

void EndCallOnThread(const void* owner) {
  if (state.owner != owner) return;
  state.owner = nullptr;
  state.request_id.clear();
  state.actor.clear();
}

absl::string_view CurrentRequestId() {
  return state.owner == nullptr ? absl::string_view() : state.request_id;
}

void SetCurrentActor(absl::string_view actor) {
  if (state.owner != nullptr) state.actor.assign(actor.data(), actor.size());
}

absl::string_view CurrentActor(const void* owner) {
  return owner != nullptr && state.owner == owner
             ? absl::string_view(state.actor)
             : absl::string_view();
}

}  // namespace envcredit::api
