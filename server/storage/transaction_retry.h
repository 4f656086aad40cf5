// The server's one retry policy for transactions (doc/database.md
// "Retries"). A transaction that failed in a way that rolled it back and
// that may pass a moment later — a deadlock or lock-wait timeout (1213,
// 1205; a Galera certification failure arrives as 1213) or a node that is
// not ready or not in the primary component (1047, 1180) — is run again by
// Database::RunInTransaction, bounded in attempts and time, after a jittered
// backoff. Every write is safe to run again: its transaction rolled back as
// a whole, and its request_id makes a repeat find what an earlier attempt
// stored. Only when the policy gives up does the caller see ABORTED or
// UNAVAILABLE, with a retry delay (google.rpc.RetryInfo) for the client.
//
// A COMMIT whose outcome is unknown (the connection was lost while
// committing) is never run again here: the client retries it with the same
// request_id.
//
// Thread-safety: plain values and pure functions.
#ifndef ENVCREDIT_SERVER_STORAGE_TRANSACTION_RETRY_H_
#define ENVCREDIT_SERVER_STORAGE_TRANSACTION_RETRY_H_

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace envcredit::storage {

struct TransactionRetryPolicy {
  // Attempts in all for transient failures (1 runs once, never again).
  int max_attempts = 6;
  // Backoff before retry n (0-based): uniform in [0, min(max_backoff,
  // first_backoff * 2^n)] ("full jitter": colliding writers spread out).
  absl::Duration first_backoff = absl::Milliseconds(10);
  absl::Duration max_backoff = absl::Milliseconds(400);
  // No new attempt starts later than this after the first one started.
  absl::Duration budget = absl::Seconds(3);
  // The delay a client is told to wait (RetryInfo) when the policy gave up.
  absl::Duration client_retry_delay = absl::Seconds(1);
};

// Why a failed attempt may be run again.
enum class TransientCause {
  kNone,          // not transient: return the error
  kConflict,      // ABORTED, reason DB_CONFLICT (1213, 1205)
  kNodeNotReady,  // UNAVAILABLE, reason DB_NOT_PRIMARY (1047, 1180)
};

TransientCause TransientCauseOf(const absl::Status& status);

// The backoff before retry `retry` (0 for the first retry); `unit` is a
// uniform random number in [0, 1).
absl::Duration RetryBackoff(const TransactionRetryPolicy& policy, int retry, double unit);

// INVALID_ARGUMENT naming the setting when `policy` cannot be used.
absl::Status ValidateRetryPolicy(const TransactionRetryPolicy& policy);

}  // namespace envcredit::storage

#endif  // ENVCREDIT_SERVER_STORAGE_TRANSACTION_RETRY_H_
