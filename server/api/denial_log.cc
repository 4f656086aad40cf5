#include "server/api/denial_log.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "server/api/call_state.h"
#include "server/api/log_value.h"

namespace envcredit::api {
namespace {

constexpr char kOtherPeers[] = "*";

domain::AuditEntry EntryOf(const Denial& denial) {
  domain::AuditEntry entry;
  entry.actor = denial.actor;
  entry.method = denial.method;
  entry.outcome = absl::StatusCodeToString(denial.code);
  entry.reason = denial.reason;
  return entry;
}

}  // namespace

DenialLog::DenialLog(domain::AuditLog* audit, DenialLogOptions options)
    : audit_(audit), options_(options) {}

DenialLog::~DenialLog() { Stop(); }

void DenialLog::Start() {
  absl::MutexLock lock(&mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void DenialLog::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  Flush();
}

void DenialLog::Run() {
  absl::MutexLock lock(&mu_);
  for (;;) {
    const absl::Time until = absl::Now() + options_.summary_interval;
    while (!stopping_ && absl::Now() < until) {
      mu_.AwaitWithDeadline(absl::Condition(&stopping_), until);
    }
    if (stopping_) return;
    mu_.Unlock();
    Flush();
    mu_.Lock();
  }
}

DenialLog::Peer& DenialLog::Refill(const std::string& peer, absl::Time now) {
  auto found = peers_.find(peer);
  if (found == peers_.end()) {
    const std::string& key =
        static_cast<int>(peers_.size()) < options_.max_peers ? peer : kOtherPeers;
    found = peers_.try_emplace(key, Peer{options_.per_peer_burst, now}).first;
  }
  Peer& state = found->second;
  state.level = std::min(options_.per_peer_burst,
                         state.level + absl::ToDoubleSeconds(now - state.updated) *
                                           options_.per_peer_per_second);
  state.updated = now;
  return state;
}

bool DenialLog::OverBudget(absl::string_view peer) {
  absl::MutexLock lock(&mu_);
  return Refill(std::string(peer), absl::Now()).level < 1;
}

void DenialLog::Record(const Denial& denial) {
  {
    absl::MutexLock lock(&mu_);
    Peer& peer = Refill(denial.peer, absl::Now());
    if (peer.level < 1) {
      const std::string& peer_key =
          peers_.contains(denial.peer) ? denial.peer : std::string(kOtherPeers);
      Counted& counted = counted_[CountKey{peer_key, denial.code, denial.reason}];
      if (counted.count == 0) {
        counted.method = denial.method;
      } else if (counted.method != denial.method) {
        counted.method = "*";
      }
      ++counted.count;
      return;
    }
    peer.level -= 1;
  }
  LogWarning(absl::StrCat("denied peer=", LogValue(denial.peer),
                          " method=", LogValue(denial.method),
                          " actor=", LogValue(denial.actor),
                          " code=", absl::StatusCodeToString(denial.code),
                          " reason=", LogValue(denial.reason)));
  if (audit_ == nullptr) return;
  // Best effort: a denial must not fail with the database.
  domain::AuditEntry entry = EntryOf(denial);
  // Record runs on the refused call's thread: its request id (call_state.h).
  entry.request_id = std::string(CurrentRequestId());
  if (absl::Status status = audit_->Append(entry); !status.ok()) {
    LogLimited(LogSeverity::kWarning, "denial not audited",
               absl::StrCat("denial not audited: ", status.ToString()));
  }
}

void DenialLog::Flush() {
  absl::flat_hash_map<CountKey, Counted> counted;
  {
    absl::MutexLock lock(&mu_);
    counted.swap(counted_);
    // Forget peers whose budget is whole again: they cost nothing to
    // recreate, and memory stays proportional to the active peers.
    const absl::Time now = absl::Now();
    for (auto it = peers_.begin(); it != peers_.end();) {
      auto current = it++;
      const double level =
          current->second.level +
          absl::ToDoubleSeconds(now - current->second.updated) *
              options_.per_peer_per_second;
      if (level >= options_.per_peer_burst) peers_.erase(current);
    }
  }
  if (counted.empty()) return;
  std::vector<domain::AuditEntry> entries;
  for (const auto& [key, value] : counted) {
    const auto& [peer, code, reason] = key;
    LogWarning(absl::StrCat(
        "denied-summary peer=", LogValue(peer), " method=", LogValue(value.method),
        " code=", absl::StatusCodeToString(code), " reason=", LogValue(reason),
        " count=", value.count, " interval_s=",
        absl::ToDoubleSeconds(options_.summary_interval)));
    domain::AuditEntry entry;
    entry.actor = absl::StrCat("peer:", peer);
    entry.method = value.method;
    entry.resource = absl::StrCat("denied_calls/", value.count);
    entry.outcome = absl::StatusCodeToString(code);
    entry.reason = reason;
    entries.push_back(std::move(entry));
  }
  if (audit_ == nullptr) return;
  if (absl::Status status = audit_->AppendAll(entries); !status.ok()) {
    LogWarning(absl::StrCat(entries.size(),
                            " denial summaries not audited: ", status.ToString()));
  }
}

}  // namespace envcredit::api
