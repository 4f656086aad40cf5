// The one retry policy of envcredit-admin: which failed calls are worth
// sending again, how long to wait before each new attempt, and how many
// attempts there are. Both importers (import/enterprise_import.h,
// import/record_import.h) send every write through CallWithRetry, and so
// does every one-shot command (Call in commands/runner.h): the policy comes
// from one place (CliEnvironment::retry), and a person reads an error only
// when a retry cannot cure it or the attempts are spent.
//
// A retry is safe only because every write carries a request_id (the
// importers derive it from the row, a one-shot command makes a fresh one
// unless --request-id names it; a create without such a field, CreateToken,
// is sent once): the server answers the retry of a write
// that did commit with the stored result instead of doing it again
// (doc/api.md "Retries"). A retried call therefore sends the very same
// request; only its x-request-id header (one per attempt, for the logs) is
// new.
//
// Retried:
//   UNAVAILABLE          the server, or its database, could not be reached
//   DEADLINE_EXCEEDED    no answer within --timeout: the call may still be
//                        running in the server, or may have committed (a
//                        batch of 1,000 decisions on a loaded server can
//                        take longer than the default 10 s). The resend
//                        carries the same request ids: the server answers
//                        it with what the first attempt stored once that
//                        commits, or does the work if it rolled back
//   ABORTED DB_CONFLICT  a deadlock or lock wait; the transaction was rolled
//                        back (ABORTED ETAG_MISMATCH is not: it needs a
//                        fresh read first)
//   RESOURCE_EXHAUSTED   over the token's rate
// Nothing else: the other codes say the request itself, or the state of the
// data, must change first.
//
// The wait before attempt n + 1 is the google.rpc.RetryInfo delay of the
// failure when the server sent one (at most `max_delay`), else
// initial_backoff * 2^(n-1): 400 ms, then 800 ms.
#ifndef ENVCREDIT_ADMIN_CLI_RETRY_H_
#define ENVCREDIT_ADMIN_CLI_RETRY_H_

#include <functional>
#include <optional>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace envcredit::admin {

// The ErrorInfo reason of an ABORTED that is worth retrying.
inline constexpr char kDbConflictReason[] = "DB_CONFLICT";

struct RetryPolicy {
  int max_attempts = 3;  // the first call included
  absl::Duration initial_backoff = absl::Milliseconds(400);
  absl::Duration max_delay = absl::Seconds(30);  // caps a RetryInfo delay
  // Waits between attempts; a test passes one that records the delay.
  std::function<void(absl::Duration)> sleep = [](absl::Duration d) {
    absl::SleepFor(d);
  };
};

// True when a call that failed with `status` is worth sending again.
bool IsRetryable(const grpc::Status& status);

// The retry_delay of a google.rpc.RetryInfo packed in the status details
// (a serialized google.rpc.Status); nullopt when there is none or the
// details do not parse.
std::optional<absl::Duration> RetryInfoDelay(const grpc::Status& status);

// How long to wait after the failed attempt number `attempt` (1-based).
absl::Duration RetryDelay(const RetryPolicy& policy, const grpc::Status& failed,
                          int attempt);

// Runs `attempt` until it returns OK or a status not worth retrying, or
// `policy.max_attempts` attempts were made, waiting RetryDelay() between
// two; returns the last status. `attempt` must send the same request each
// time. `give_up`, when set, is asked before each wait: true ends the
// retries at once (e.g. another worker found the server unreachable).
grpc::Status CallWithRetry(const RetryPolicy& policy,
                           const std::function<grpc::Status()>& attempt,
                           const std::function<bool()>& give_up = nullptr);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_RETRY_H_
