// What the server does with a refused call (doc/access.md "Denials"): a log
// line and an audit entry — bounded per peer, so a flood of bad tokens cannot
// fill the log and the audit table or slow down everyone else's calls.
//
// Each peer (the client's address, without its port) has a budget of denied
// calls (a token bucket: `per_peer_per_second`, `per_peer_burst`). Within it
// a denial is logged and audited on its own, as it happens:
//   ... WARNING denied peer=127.0.0.1 method=/envcredit.v1.X/Y
//       actor=unknown-token code=UNAUTHENTICATED reason=TOKEN_UNKNOWN
// Beyond it the denial is only counted; every `summary_interval` a thread of
// its own writes one line and one audit entry per (peer, code, reason) that
// was counted:
//   ... WARNING denied-summary peer=127.0.0.1 method=* code=UNAUTHENTICATED
//       reason=TOKEN_UNKNOWN count=3127 interval_s=10
// with the audit entry {actor "peer:127.0.0.1", method (or "*" when several),
// resource "denied_calls/3127", outcome, reason}. No token label can look
// like that actor (labels have no ':'). A peer over its budget is also
// refused any token that would need a database read (AccessControl).
#ifndef ENVCREDIT_SERVER_API_DENIAL_LOG_H_
#define ENVCREDIT_SERVER_API_DENIAL_LOG_H_

#include <cstdint>
#include <string>
#include <thread>
#include <tuple>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/domain/audit.h"

namespace envcredit::api {

// A refused call.
struct Denial {
  std::string peer;    // address, e.g. "127.0.0.1"
  std::string actor;   // token label, or "anonymous" / "unknown-token"
  std::string method;  // full gRPC method
  absl::StatusCode code = absl::StatusCode::kUnauthenticated;
  std::string reason;  // e.g. TOKEN_REVOKED
};

struct DenialLogOptions {
  // Denied calls per peer logged and audited one by one: sustained rate and
  // burst. Beyond them, denials are counted into summaries.
  double per_peer_per_second = 10;
  double per_peer_burst = 50;
  // How often the summaries of counted denials are written.
  absl::Duration summary_interval = absl::Seconds(10);
  // Peers tracked at most; denials of further peers are counted under the
  // peer "*" (memory stays bounded whatever the number of addresses).
  int max_peers = 100000;
};

// Thread-safe. Start() runs the summary thread; Stop() (or the destructor)
// ends it after writing the last summaries.
class DenialLog {
 public:
  // `audit` may be null (log lines only); it must outlive this.
  DenialLog(domain::AuditLog* audit, DenialLogOptions options);
  ~DenialLog();
  DenialLog(const DenialLog&) = delete;
  DenialLog& operator=(const DenialLog&) = delete;

  void Start();
  void Stop();

  // Whether `peer` has spent its budget: its next denial would be counted,
  // not written.
  bool OverBudget(absl::string_view peer);

  // Writes `denial` (log line, audit entry) when its peer is within budget;
  // else counts it into the peer's next summary. A failure to audit is
  // logged, never returned.
  void Record(const Denial& denial);

  // Writes the summaries of everything counted so far (the thread does this
  // every interval; tests and Stop call it directly).
  void Flush();

 private:
  struct Peer {
    double level = 0;
    absl::Time updated;
  };
  struct Counted {
    std::string method;  // "*" when several
    int64_t count = 0;
  };
  // peer, code, reason -> counted
  using CountKey = std::tuple<std::string, absl::StatusCode, std::string>;

  // Refills the peer's bucket to `now`; creates it (full) when new.
  Peer& Refill(const std::string& peer, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Run();

  domain::AuditLog* const audit_;
  const DenialLogOptions options_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Peer> peers_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<CountKey, Counted> counted_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_DENIAL_LOG_H_
