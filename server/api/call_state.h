// What the access-log interceptor (access_log.h) and the handler of one call
// share: the call's request id (chosen by the interceptor before the handler
// runs) and the actor the access check let through (recorded by
// ServiceGuard::Admit, read by the interceptor for the access-log line).
//
// The synchronous server runs a unary call's receive hooks, its handler and
// its send hooks on one thread, one call at a time, so the state lives in
// thread-local storage: no lock, and no allocation once a thread's strings
// have grown to an id's size. Each state is tagged with the interceptor that
// began it (`owner`), so a hook of another call on the same thread never
// reads a state that is not its own. Streams (the asynchronous
// WatchRatingChanges) begin no state: their hooks and handler run anywhere.
#ifndef ENVCREDIT_SERVER_API_CALL_STATE_H_
#define ENVCREDIT_SERVER_API_CALL_STATE_H_

#include "absl/strings/string_view.h"

namespace envcredit::api {

// Begins the call of `owner` (its interceptor) on this thread, with its
// request id; the actor is cleared.
void BeginCallOnThread(const void* owner, absl::string_view request_id);

// Ends it, if this thread still holds the state of `owner`.
void EndCallOnThread(const void* owner);

// The request id of the call this thread serves; "" outside a call (unit
// tests, background threads).
absl::string_view CurrentRequestId();

// Records the identity the access check admitted (its token label, or
// "anonymous") for the call this thread serves. Nothing outside a call.
void SetCurrentActor(absl::string_view actor);

// The actor recorded for `owner`'s call on this thread; "" when none was
// (an unauthenticated or refused call) or this thread serves another call.
absl::string_view CurrentActor(const void* owner);

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_CALL_STATE_H_
