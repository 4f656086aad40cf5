#include "admin-cli/record_commands.h"

#include <ostream>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/importer.h"
#include "admin-cli/record_enums.h"
#include "admin-cli/record_import.h"
#include "admin-cli/record_output.h"
#include "admin-cli/rpc_errors.h"
#include "admin-cli/text.h"

namespace envcredit::admin {
namespace {

constexpr char kCode[] = "91320100MA1W2X3Y6A";

int Usage(const ParsedCommand& c, CommandIo io, absl::string_view message) {
  io.err << UsageErrorText(
      message, absl::StrCat(c.command->path[0], " ", c.command->path[1]));
  return kExitUsage;
}

int Failed(const ParsedCommand& c, CommandIo io, const grpc::Status& status,
           const std::string& call_id) {
  io.err << DescribeRpcError(status, call_id, c.global.server);
  return ExitCodeForStatus(status.error_code());
}

std::string Parent(const ParsedCommand& c) {
  const std::string flag = c.Get("credit-code");
  absl::string_view code = flag;
  absl::ConsumePrefix(&code, "enterprises/");
  return absl::StrCat("enterprises/", code);
}

// Parses --page-size into *size; false after printing a usage error.
bool PageSize(const ParsedCommand& c, CommandIo io, int* size, int* exit) {
  if (!c.Has("page-size")) return true;
  if (!absl::SimpleAtoi(c.Get("page-size"), size) || *size < 1 ||
      *size > 1000) {
    *exit = Usage(c, io,
                  absl::StrCat("--page-size must be 1..1000, not '",
                               c.Get("page-size"), "'"));
    return false;
  }
  return true;
}

// Fetches one page, or every page with --all. `call` makes one call and
// returns (status, next token); it appends the items itself.
template <typename Request, typename Call>
int ListPages(const ParsedCommand& c, CommandIo io, Request& request,
              Call call) {
  std::set<std::string> seen;
  std::string next;
  const bool all = c.Has("all");
  for (;;) {
    const std::string call_id = NewRequestId();
    grpc::Status status = call(call_id, request, &next);
    if (!status.ok()) return Failed(c, io, status, call_id);
    if (!all || next.empty()) break;
    if (!seen.insert(next).second) {
      io.err << kProgramName
             << ": the server returned the same page token twice; stopping\n";
      return kExitFailure;
    }
    request.set_page_token(next);
  }
  if (!all && !next.empty()) {
    io.err << "more results: run again with --page-token " << next
           << " (or use --all)\n";
  }
  return -1;  // go on and print
}

template <typename T>
bool ParseFlag(const ParsedCommand& c, CommandIo io, const std::string& flag,
               absl::StatusOr<T> (*parse)(absl::string_view), T* value,
               int* exit) {
  absl::StatusOr<T> parsed = parse(c.Get(flag));
  if (!parsed.ok()) {
    *exit = Usage(c, io, absl::StrCat("--", flag, ": ",
                                      parsed.status().message()));
    return false;
  }
  *value = *parsed;
  return true;
}

bool DateFlag(const ParsedCommand& c, CommandIo io, const std::string& flag,
              v1::Date* date, int* exit) {
  return ParseFlag(c, io, flag, &ParseDate, date, exit);
}

// --- Decisions --------------------------------------------------------------

// The decision a command is about: the NAME argument, or --credit-code with
// --number (and --authority when the number is not unique) looked up by
// listing the enterprise's decisions.
bool DecisionName(const ParsedCommand& c, RecordClient& client, CommandIo io,
                  std::string* name, int* exit) {
  if (!c.positional.empty()) {
    if (!absl::StartsWith(c.positional, "enterprises/")) {
      *exit = Usage(c, io,
                    "NAME must be a resource name "
                    "enterprises/CODE/penaltyDecisions/ID (or give "
                    "--credit-code and --number)");
      return false;
    }
    *name = c.positional;
    return true;
  }
  if (!c.Has("credit-code") || !c.Has("number")) {
    *exit = Usage(c, io,
                  "name the decision: NAME, or --credit-code and --number "
                  "(with --authority when needed)");
    return false;
  }
  v1::ListPenaltyDecisionsRequest request;
  request.set_parent(Parent(c));
  request.set_page_size(1000);
  std::vector<std::string> found;
  for (;;) {
    const std::string call_id = NewRequestId();
    v1::ListPenaltyDecisionsResponse response;
    const grpc::Status status =
        client.ListPenaltyDecisions(call_id, request, &response);
    if (!status.ok()) {
      *exit = Failed(c, io, status, call_id);
      return false;
    }
    for (const auto& d : response.penalty_decisions()) {
      if (d.decision_number() == c.Get("number") &&
          (!c.Has("authority") || d.authority() == c.Get("authority"))) {
        found.push_back(d.name());
      }
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  if (found.size() != 1) {
    io.err << kProgramName << ": "
           << (found.empty() ? "NOT_FOUND: no decision numbered "
                             : "several decisions numbered ")
           << c.Get("number") << " for " << Parent(c)
           << (found.empty() ? "" : "; add --authority") << "\n";
    *exit = found.empty() ? kExitNotFound : kExitUsage;
    return false;
  }
  *name = found[0];
  return true;
}

int DecisionsCreate(const ParsedCommand& c, RecordClient& client,
                    CommandIo io) {
  int exit = kExitOk;
  v1::CreatePenaltyDecisionRequest request;
  request.set_parent(Parent(c));
  request.set_request_id(c.Get("request-id"));
  v1::PenaltyDecision* d = request.mutable_penalty_decision();
  d->set_authority(c.Get("authority"));
  d->set_decision_number(c.Get("number"));
  v1::ViolationType type;
  if (!ParseFlag(c, io, "violation-type", &ParseViolationType, &type, &exit))
    return exit;
  d->set_violation_type(type);
  if (!DateFlag(c, io, "date", d->mutable_decision_date(), &exit)) return exit;
  std::vector<v1::Measure> measures;
  if (!ParseFlag(c, io, "measures", &ParseMeasureList, &measures, &exit))
    return exit;
  for (const v1::Measure m : measures) d->add_measures(m);
  if (c.Has("fine-yuan") && c.Has("fine-fen")) {
    return Usage(c, io, "give --fine-yuan or --fine-fen, not both");
  }
  if (c.Has("fine-yuan")) {
    int64_t fen = 0;
    if (!ParseFlag(c, io, "fine-yuan", &ParseYuanAsFen, &fen, &exit))
      return exit;
    d->set_fine_amount_fen(fen);
  }
  if (c.Has("fine-fen")) {
    int64_t fen = 0;
    if (!ParseFlag(c, io, "fine-fen", &ParseFen, &fen, &exit)) return exit;
    d->set_fine_amount_fen(fen);
  }
  d->set_tampering_with_monitoring_data(c.Has("tampering"));
  d->set_recurrence(c.Has("recurrence") || c.Has("recurrence-of"));
  if (c.Has("recurrence-of")) {
    const std::string ref = c.Get("recurrence-of");
    if (absl::StartsWith(ref, "enterprises/")) {
      d->set_recurrence_of(ref);
    } else {
      // A decision number (of --authority unless written AUTHORITY：NUMBER).
      ParsedCommand lookup = c;
      lookup.positional.clear();
      std::string authority = c.Get("authority"), number = ref;
      for (absl::string_view sep : {"：", ":"}) {
        const size_t at = ref.find(std::string(sep));
        if (at != std::string::npos) {
          authority = std::string(TrimAscii(ref.substr(0, at)));
          number = std::string(TrimAscii(ref.substr(at + sep.size())));
          break;
        }
      }
      lookup.flags["number"] = number;
      lookup.flags["authority"] = authority;
      std::string name;
      if (!DecisionName(lookup, client, io, &name, &exit)) return exit;
      d->set_recurrence_of(name);
    }
  }
  const std::string call_id = NewRequestId();
  v1::PenaltyDecision response;
  const grpc::Status status =
      client.CreatePenaltyDecision(call_id, request, &response);
  if (!status.ok()) return Failed(c, io, status, call_id);
  io.out << RenderDecisions({response}, c.global.output, true);
  return kExitOk;
}

int DecisionsGet(const ParsedCommand& c, RecordClient& client, CommandIo io) {
  int exit = kExitOk;
  std::string name;
  if (!DecisionName(c, client, io, &name, &exit)) return exit;
  v1::GetPenaltyDecisionRequest request;
  request.set_name(name);
  const std::string call_id = NewRequestId();
  v1::PenaltyDecision response;
  const grpc::Status status =
      client.GetPenaltyDecision(call_id, request, &response);
  if (!status.ok()) return Failed(c, io, status, call_id);
  io.out << RenderDecisions({response}, c.global.output, true);
  return kExitOk;
}

int DecisionsList(const ParsedCommand& c, RecordClient& client, CommandIo io) {
  int exit = kExitOk;
  v1::ListPenaltyDecisionsRequest request;
  request.set_parent(Parent(c));
  int size = 0;
  if (!PageSize(c, io, &size, &exit)) return exit;
  request.set_page_size(size);
  request.set_page_token(c.Get("page-token"));
  if (c.Has("state")) {
    v1::PenaltyDecisionState state;
    if (!ParseFlag(c, io, "state", &ParseDecisionState, &state, &exit))
      return exit;
    request.set_state(state);
  }
  std::vector<v1::PenaltyDecision> items;
  exit = ListPages(c, io, request,
                   [&](const std::string& id, const auto& r, std::string* next) {
                     v1::ListPenaltyDecisionsResponse response;
                     grpc::Status s =
                         client.ListPenaltyDecisions(id, r, &response);
                     for (auto& d : *response.mutable_penalty_decisions())
                       items.push_back(std::move(d));
                     *next = response.next_page_token();
                     return s;
                   });
  if (exit >= 0) return exit;
  io.out << RenderDecisions(items, c.global.output, false);
  return kExitOk;
}

int DecisionsRectify(const ParsedCommand& c, RecordClient& client,
                     CommandIo io) {
  int exit = kExitOk;
  v1::MarkPenaltyDecisionRectifiedRequest request;
  if (!DateFlag(c, io, "date", request.mutable_rectified_date(), &exit))
    return exit;
  std::string name;
  if (!DecisionName(c, client, io, &name, &exit)) return exit;
  request.set_name(name);
  request.set_request_id(c.Get("request-id"));
  const std::string call_id = NewRequestId();
  v1::PenaltyDecision response;
  const grpc::Status status =
      client.MarkPenaltyDecisionRectified(call_id, request, &response);
  if (!status.ok()) return Failed(c, io, status, call_id);
  io.out << RenderDecisions({response}, c.global.output, true);
  return kExitOk;
}

int DecisionsRevoke(const ParsedCommand& c, RecordClient& client,
                    CommandIo io) {
  int exit = kExitOk;
  v1::RevokePenaltyDecisionRequest request;
  v1::Revocation* r = request.mutable_revocation();
  if (!DateFlag(c, io, "date", r->mutable_date(), &exit)) return exit;
  v1::RevocationReason reason;
  if (!ParseFlag(c, io, "reason", &ParseRevocationReason, &reason, &exit))
    return exit;
  r->set_reason(reason);
  r->set_note(c.Get("note"));
  std::string name;
  if (!DecisionName(c, client, io, &name, &exit)) return exit;
  request.set_name(name);
  request.set_request_id(c.Get("request-id"));
  const std::string call_id = NewRequestId();
  v1::PenaltyDecision response;
  const grpc::Status status =
      client.RevokePenaltyDecision(call_id, request, &response);
  if (!status.ok()) return Failed(c, io, status, call_id);
  io.out << RenderDecisions({response}, c.global.output, true);
  return kExitOk;
}

// --- Commitments ------------------------------------------------------------

int CommitmentsCreate(const ParsedCommand& c, RecordClient& client,
                      CommandIo io) {
  int exit = kExitOk;
  v1::CreateCommitmentRequest request;
  request.set_parent(Parent(c));
  request.set_request_id(c.Get("request-id"));
  v1::Commitment* m = request.mutable_commitment();
  v1::CommitmentKind kind;
  if (!ParseFlag(c, io, "kind", &ParseCommitmentKind, &kind, &exit))
    return exit;
  m->set_kind(kind);
  m->set_signer(c.Get("signer"));
  if (!DateFlag(c, io, "signing-date", m->mutable_signing_date(), &exit))
    return exit;
  m->set_public_(c.Has("public"));
  for (const std::string& item : c.GetAll("item")) {
    // "YYYY-MM-DD:description" (a date, then anything).
    const size_t colon = item.find(':');
    absl::StatusOr<v1::Date> due =
        colon == std::string::npos
            ? absl::InvalidArgumentError("no ':'")
            : ParseDate(item.substr(0, colon));
    if (!due.ok() || TrimAscii(item.substr(colon + 1)).empty()) {
      return Usage(c, io,
                   absl::StrCat("--item must be DUE_DATE:DESCRIPTION, e.g. "
                                "2025-06-30:完成脱硫设施改造, not '",
                                item, "'"));
    }
    v1::CommitmentItem* i = m->add_items();
    *i->mutable_due_date() = *due;
    i->set_description(std::string(TrimAscii(item.substr(colon + 1))));
  }
  const std::string call_id = NewRequestId();
  v1::Commitment response;
  const grpc::Status status =
      client.CreateCommitment(call_id, request, &response);
  if (!status.ok()) return Failed(c, io, status, call_id);
  io.out << RenderCommitments({response}, c.global.output, true);
  return kExitOk;
}

int CommitmentsGet(const ParsedCommand& c, RecordClient& client,
                   CommandIo io) {
  v1::GetCommitmentRequest request;
  request.set_name(c.positional);
  const std::string call_id = NewRequestId();
  v1::Commitment response;
  const grpc::Status status = client.GetCommitment(call_id, request, &response);
  if (!status.ok()) return Failed(c, io, status, call_id);
  io.out << RenderCommitments({response}, c.global.output, true);
  return kExitOk;
}

int CommitmentsList(const ParsedCommand& c, RecordClient& client,
                    CommandIo io) {
  int exit = kExitOk;
  v1::ListCommitmentsRequest request;
  request.set_parent(Parent(c));
  int size = 0;
  if (!PageSize(c, io, &size, &exit)) return exit;
  request.set_page_size(size);
  request.set_page_token(c.Get("page-token"));
  std::vector<v1::Commitment> items;
  exit = ListPages(c, io, request,
                   [&](const std::string& id, const auto& r, std::string* next) {
                     v1::ListCommitmentsResponse response;
                     grpc::Status s = client.ListCommitments(id, r, &response);
                     for (auto& x : *response.mutable_commitments())
                       items.push_back(std::move(x));
                     *next = response.next_page_token();
                     return s;
                   });
  if (exit >= 0) return exit;
  io.out << RenderCommitments(items, c.global.output, false);
  return kExitOk;
}

int CommitmentsCheckItem(const ParsedCommand& c, RecordClient& client,
                         CommandIo io) {
  int exit = kExitOk;
  v1::CheckCommitmentItemRequest request;
  request.set_name(c.positional);
  int item = 0;
  if (!absl::SimpleAtoi(c.Get("item"), &item) || item < 1) {
    return Usage(c, io, absl::StrCat("--item must be an item number (1, 2, "
                                     "...), not '",
                                     c.Get("item"), "'"));
  }
  request.set_item_number(item);
  v1::CommitmentItemState outcome;
  if (!ParseFlag(c, io, "outcome", &ParseCheckOutcome, &outcome, &exit))
    return exit;
  request.set_outcome(outcome);
  if (!DateFlag(c, io, "date", request.mutable_check_date(), &exit))
    return exit;
  request.set_note(c.Get("note"));
  request.set_request_id(c.Get("request-id"));
  const std::string call_id = NewRequestId();
  v1::Commitment response;
  const grpc::Status status =
      client.CheckCommitmentItem(call_id, request, &response);
  if (!status.ok()) return Failed(c, io, status, call_id);
  io.out << RenderCommitments({response}, c.global.output, true);
  return kExitOk;
}

// --- Complaints -------------------------------------------------------------

int ComplaintsCreate(const ParsedCommand& c, RecordClient& client,
                     CommandIo io) {
  int exit = kExitOk;
  v1::CreateComplaintRequest request;
  request.set_parent(Parent(c));
  request.set_request_id(c.Get("request-id"));
  v1::Complaint* m = request.mutable_complaint();
  m->set_case_number(c.Get("case-number"));
  if (!DateFlag(c, io, "received-date", m->mutable_received_date(), &exit))
    return exit;
  v1::ComplaintChannel channel;
  if (!ParseFlag(c, io, "channel", &ParseComplaintChannel, &channel, &exit))
    return exit;
  m->set_channel(channel);
  m->set_substantiated(c.Has("substantiated"));
  m->set_summary(c.Get("summary"));
  for (const std::string& ref : c.GetAll("decision")) {
    if (absl::StartsWith(ref, "enterprises/")) {
      m->add_decisions(ref);
      continue;
    }
    std::string authority, number;
    for (absl::string_view sep : {"：", ":"}) {
      const size_t at = ref.find(std::string(sep));
      if (at != std::string::npos) {
        authority = std::string(TrimAscii(ref.substr(0, at)));
        number = std::string(TrimAscii(ref.substr(at + sep.size())));
        break;
      }
    }
    if (authority.empty() || number.empty()) {
      return Usage(c, io,
                   absl::StrCat("--decision must be a resource name or "
                                "AUTHORITY:NUMBER, not '",
                                ref, "'"));
    }
    auto* r = m->add_decision_references();
    r->set_authority(authority);
    r->set_decision_number(number);
  }
  const std::string call_id = NewRequestId();
  v1::Complaint response;
  const grpc::Status status =
      client.CreateComplaint(call_id, request, &response);
  if (!status.ok()) return Failed(c, io, status, call_id);
  io.out << RenderComplaints({response}, c.global.output, true);
  return kExitOk;
}

int ComplaintsGet(const ParsedCommand& c, RecordClient& client, CommandIo io) {
  v1::GetComplaintRequest request;
  request.set_name(c.positional);
  const std::string call_id = NewRequestId();
  v1::Complaint response;
  const grpc::Status status = client.GetComplaint(call_id, request, &response);
  if (!status.ok()) return Failed(c, io, status, call_id);
  io.out << RenderComplaints({response}, c.global.output, true);
  return kExitOk;
}

int ComplaintsList(const ParsedCommand& c, RecordClient& client,
                   CommandIo io) {
  int exit = kExitOk;
  v1::ListComplaintsRequest request;
  request.set_parent(Parent(c));
  int size = 0;
  if (!PageSize(c, io, &size, &exit)) return exit;
  request.set_page_size(size);
  request.set_page_token(c.Get("page-token"));
  std::vector<v1::Complaint> items;
  exit = ListPages(c, io, request,
                   [&](const std::string& id, const auto& r, std::string* next) {
                     v1::ListComplaintsResponse response;
                     grpc::Status s = client.ListComplaints(id, r, &response);
                     for (auto& x : *response.mutable_complaints())
                       items.push_back(std::move(x));
                     *next = response.next_page_token();
                     return s;
                   });
  if (exit >= 0) return exit;
  io.out << RenderComplaints(items, c.global.output, false);
  return kExitOk;
}

// --- Incidents --------------------------------------------------------------

int IncidentsCreate(const ParsedCommand& c, RecordClient& client,
                    CommandIo io) {
  int exit = kExitOk;
  v1::CreateIncidentRequest request;
  request.set_parent(Parent(c));
  request.set_request_id(c.Get("request-id"));
  v1::Incident* m = request.mutable_incident();
  if (!DateFlag(c, io, "date", m->mutable_date(), &exit)) return exit;
  v1::IncidentGrade grade;
  if (!ParseFlag(c, io, "grade", &ParseIncidentGrade, &grade, &exit))
    return exit;
  m->set_grade(grade);
  m->set_description(c.Get("description"));
  const std::string call_id = NewRequestId();
  v1::Incident response;
  const grpc::Status status = client.CreateIncident(call_id, request, &response);
  if (!status.ok()) return Failed(c, io, status, call_id);
  io.out << RenderIncidents({response}, c.global.output, true);
  return kExitOk;
}

int IncidentsGet(const ParsedCommand& c, RecordClient& client, CommandIo io) {
  v1::GetIncidentRequest request;
  request.set_name(c.positional);
  const std::string call_id = NewRequestId();
  v1::Incident response;
  const grpc::Status status = client.GetIncident(call_id, request, &response);
  if (!status.ok()) return Failed(c, io, status, call_id);
  io.out << RenderIncidents({response}, c.global.output, true);
  return kExitOk;
}

int IncidentsList(const ParsedCommand& c, RecordClient& client, CommandIo io) {
  int exit = kExitOk;
  v1::ListIncidentsRequest request;
  request.set_parent(Parent(c));
  int size = 0;
  if (!PageSize(c, io, &size, &exit)) return exit;
  request.set_page_size(size);
  request.set_page_token(c.Get("page-token"));
  std::vector<v1::Incident> items;
  exit = ListPages(c, io, request,
                   [&](const std::string& id, const auto& r, std::string* next) {
                     v1::ListIncidentsResponse response;
                     grpc::Status s = client.ListIncidents(id, r, &response);
                     for (auto& x : *response.mutable_incidents())
                       items.push_back(std::move(x));
                     *next = response.next_page_token();
                     return s;
                   });
  if (exit >= 0) return exit;
  io.out << RenderIncidents(items, c.global.output, false);
  return kExitOk;
}

// --- Audit ------------------------------------------------------------------

// "2025-01-31" (midnight, UTC+8 — China Standard Time, the zone of the
// records) or an RFC 3339 time "2025-01-31T08:00:00Z". `end_of_day` moves a
// bare date to the next midnight, so --until includes that day.
bool TimeFlag(const ParsedCommand& c, CommandIo io, const std::string& flag,
              bool end_of_day, google::protobuf::Timestamp* out, int* exit) {
  const std::string text = c.Get(flag);
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    absl::StatusOr<v1::Date> date = ParseDate(text);
    if (!date.ok()) {
      *exit = Usage(c, io,
                    absl::StrCat("--", flag,
                                 " must be YYYY-MM-DD or an RFC 3339 time, "
                                 "not '",
                                 text, "'"));
      return false;
    }
    const absl::TimeZone china = absl::FixedTimeZone(8 * 3600);
    t = absl::FromCivil(
        absl::CivilDay(date->year(), date->month(), date->day()), china);
    if (end_of_day) t += absl::Hours(24);
  }
  out->set_seconds(absl::ToUnixSeconds(t));
  out->set_nanos(static_cast<int32_t>(
      (t - absl::FromUnixSeconds(absl::ToUnixSeconds(t))) /
      absl::Nanoseconds(1)));
  return true;
}

int AuditList(const ParsedCommand& c, AuditClient& client, CommandIo io) {
  int exit = kExitOk;
  v1::ListAuditEntriesRequest request;
  request.set_actor(c.Get("actor"));
  request.set_method(c.Get("method"));
  request.set_resource_prefix(c.Get("resource"));
  request.set_outcome(c.Get("outcome"));
  if (c.Has("since") &&
      !TimeFlag(c, io, "since", false, request.mutable_start_time(), &exit))
    return exit;
  if (c.Has("until") &&
      !TimeFlag(c, io, "until", true, request.mutable_end_time(), &exit))
    return exit;
  int size = 0;
  if (!PageSize(c, io, &size, &exit)) return exit;
  request.set_page_size(size);
  request.set_page_token(c.Get("page-token"));
  std::vector<v1::AuditEntry> items;
  exit = ListPages(c, io, request,
                   [&](const std::string& id, const auto& r, std::string* next) {
                     v1::ListAuditEntriesResponse response;
                     grpc::Status s = client.ListAuditEntries(id, r, &response);
                     for (auto& x : *response.mutable_entries())
                       items.push_back(std::move(x));
                     *next = response.next_page_token();
                     return s;
                   });
  if (exit >= 0) return exit;
  io.out << RenderAuditEntries(items, c.global.output);
  return kExitOk;
}

// --- Import -----------------------------------------------------------------

int Import(const ParsedCommand& c, const RecordClients& clients,
           CommandIo io) {
  const std::string& what = c.command->path[1];
  int concurrency = 0;
  if (c.Has("concurrency") &&
      (!absl::SimpleAtoi(c.Get("concurrency"), &concurrency) ||
       concurrency < 1 || concurrency > 64)) {
    return Usage(c, io, absl::StrCat("--concurrency must be 1..64, not '",
                                     c.Get("concurrency"), "'"));
  }
  if (what == "enterprises") {
    ImportOptions options;
    options.path = c.positional;
    options.show_progress = io.err_is_terminal;
    options.output = c.global.output;
    options.server = c.global.server;
    if (concurrency > 0) options.concurrency = concurrency;
    return RunImport(options, clients.enterprises(), io.out, io.err);
  }
  RecordImportOptions options;
  ParseRecordKind(what, &options.kind);
  options.path = c.positional;
  options.show_progress = io.err_is_terminal;
  options.output = c.global.output;
  options.server = c.global.server;
  options.concurrency = concurrency;
  if (c.Has("batch-size") &&
      (!absl::SimpleAtoi(c.Get("batch-size"), &options.batch_size) ||
       options.batch_size < 1 || options.batch_size > 1000)) {
    return Usage(c, io, absl::StrCat("--batch-size must be 1..1000, not '",
                                     c.Get("batch-size"), "'"));
  }
  return RunRecordImport(options, clients.records(), io.out, io.err);
}

// --- Specs ------------------------------------------------------------------

FlagSpec CreditCodeFlag(bool required) {
  return {"credit-code", "CODE", "the enterprise's USCC (e.g. " +
                                     std::string(kCode) + ")",
          required};
}
FlagSpec RequestIdFlag() {
  return {"request-id", "ID",
          "makes a retry safe: up to 64 printable ASCII characters"};
}
std::vector<FlagSpec> PageFlags() {
  return {{"page-size", "N", "1..1000 per page (server default 50)"},
          {"page-token", "TOKEN", "continue from a previous page"},
          {"all", "", "follow next_page_token to the last page"}};
}
std::vector<FlagSpec> DecisionLookupFlags() {
  return {CreditCodeFlag(false),
          {"number", "NUMBER",
           "instead of NAME: the decision number (with --credit-code)"},
          {"authority", "AUTHORITY",
           "with --number, when the enterprise has that number from several "
           "authorities"}};
}
std::vector<FlagSpec> With(std::vector<FlagSpec> a,
                           const std::vector<FlagSpec>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

std::vector<CommandSpec> RecordCommandSpecs() {
  const std::string p = std::string(kProgramName);
  const std::string code = kCode;
  const std::string dname = "enterprises/" + code + "/penaltyDecisions/12";
  std::vector<CommandSpec> s;

  // Decisions.
  s.push_back({{"decisions", "create"},
               "record a penalty decision (行政处罚决定)",
               "Records a penalty decision. Idempotent by authority + decision\n"
               "number: the same content again returns the stored decision;\n"
               "other content under a taken number is ALREADY_EXISTS (exit 6).\n"
               "A fine amount is required exactly when FINE or\n"
               "DAILY_CONTINUOUS_PENALTY is among the measures.",
               "",
               "",
               false,
               {CreditCodeFlag(true),
                {"authority", "AUTHORITY", "issuing authority, e.g. 南京市生态环境局",
                 true},
                {"number", "NUMBER", "decision number, e.g. 宁环罚〔2025〕12号",
                 true},
                {"violation-type", "TYPE",
                 "one of " + AllowedViolationTypes() +
                     " (any case, or the Chinese label, e.g. 超标排放)",
                 true},
                {"date", "YYYY-MM-DD", "decision date", true},
                {"measures", "LIST",
                 "comma list of " + AllowedMeasures() +
                     " (any case, or Chinese labels)",
                 true},
                {"fine-yuan", "AMOUNT", "fine in yuan, up to 2 decimals"},
                {"fine-fen", "FEN", "fine in fen (1/100 yuan)"},
                {"tampering", "", "tampering with monitoring data (篡改监测数据)"},
                {"recurrence", "",
                 "a re-inspection (回头看) found the problem back"},
                {"recurrence-of", "DECISION",
                 "the earlier decision: its resource name, its number (of "
                 "--authority) or AUTHORITY:NUMBER; implies --recurrence"},
                RequestIdFlag()},
               {p + " decisions create --credit-code " + code +
                    " --authority 南京市生态环境局 --number '宁环罚〔2025〕12号' "
                    "--violation-type EXCEEDING_DISCHARGE_STANDARDS --date "
                    "2025-03-05 --measures FINE,ORDER_TO_CORRECT --fine-yuan "
                    "200000"}});
  s.push_back({{"decisions", "get"},
               "show one penalty decision",
               "Shows one decision, by NAME or by --credit-code and --number.\n"
               "NOT_FOUND (exit 4) when there is none.",
               "NAME",
               "enterprises/CODE/penaltyDecisions/ID",
               false,
               DecisionLookupFlags(),
               {p + " decisions get " + dname,
                p + " decisions get --credit-code " + code +
                    " --number '宁环罚〔2025〕12号'"}});
  s.push_back({{"decisions", "list"},
               "list an enterprise's penalty decisions",
               "Lists the decisions of one enterprise, oldest first.",
               "",
               "",
               false,
               With({CreditCodeFlag(true),
                     {"state", "STATE", "IN_FORCE or REVOKED"}},
                    PageFlags()),
               {p + " decisions list --credit-code " + code + " --all"}});
  s.push_back({{"decisions", "rectify"},
               "record that a decision's violation was rectified",
               "Records the rectification date (整改完成). A revoked decision\n"
               "cannot be marked (FAILED_PRECONDITION, exit 6).",
               "NAME",
               "enterprises/CODE/penaltyDecisions/ID (or use --credit-code "
               "and --number)",
               false,
               With({{"date", "YYYY-MM-DD", "rectification date", true},
                     RequestIdFlag()},
                    DecisionLookupFlags()),
               {p + " decisions rectify " + dname + " --date 2025-04-01"}});
  s.push_back({{"decisions", "revoke"},
               "revoke a decision after review or a court ruling",
               "Revokes a decision: it stays visible with state REVOKED and stops\n"
               "counting in ratings. Revoking twice is FAILED_PRECONDITION (exit "
               "6).",
               "NAME",
               "enterprises/CODE/penaltyDecisions/ID (or use --credit-code "
               "and --number)",
               false,
               With({{"date", "YYYY-MM-DD", "revocation date", true},
                     {"reason", "REASON",
                      "ADMINISTRATIVE_REVIEW (review, 行政复议) or COURT_RULING "
                      "(court, 行政诉讼)",
                      true},
                     {"note", "TEXT", "0..500 characters"},
                     RequestIdFlag()},
                    DecisionLookupFlags()),
               {p + " decisions revoke --credit-code " + code +
                    " --number '宁环罚〔2025〕12号' --date 2025-06-01 --reason "
                    "review"}});

  // Commitments.
  s.push_back({{"commitments", "create"},
               "record a commitment (承诺) and its items",
               "Records a commitment with its items (each --item is\n"
               "DUE_DATE:DESCRIPTION; repeat it for several items, numbered 1, "
               "2, ...).",
               "",
               "",
               false,
               {CreditCodeFlag(true),
                {"kind", "KIND",
                 AllowedCommitmentKinds() + " (or 信用承诺书/责任书/整改承诺)", true},
                {"signer", "PERSON", "who signed", true},
                {"signing-date", "YYYY-MM-DD", "when it was signed", true},
                {"public", "", "published (亮诺)"},
                {"item", "DUE:TEXT", "an item: due date, colon, description",
                 false, true},
                RequestIdFlag()},
               {p + " commitments create --credit-code " + code +
                    " --kind CREDIT_COMMITMENT --signer 张三 --signing-date "
                    "2024-01-10 --public --item 2024-06-30:完成脱硫设施改造"}});
  s.push_back({{"commitments", "get"},
               "show one commitment with its items",
               "Shows one commitment. NOT_FOUND (exit 4) when there is none.",
               "NAME",
               "enterprises/CODE/commitments/ID",
               true,
               {},
               {p + " commitments get enterprises/" + code + "/commitments/3"}});
  s.push_back({{"commitments", "list"},
               "list an enterprise's commitments",
               "Lists the commitments of one enterprise, oldest first.",
               "",
               "",
               false,
               With({CreditCodeFlag(true)}, PageFlags()),
               {p + " commitments list --credit-code " + code}});
  s.push_back({{"commitments", "check-item"},
               "record the check of an item: kept (践诺) or broken (违诺)",
               "Records the check of one item. Only a due, unchecked item can be\n"
               "checked (FAILED_PRECONDITION, exit 6, otherwise). A broken item\n"
               "is a breach the rating counts.",
               "NAME",
               "enterprises/CODE/commitments/ID",
               true,
               {{"item", "N", "the item number (1, 2, ...)", true},
                {"outcome", "OUTCOME", "KEPT (践诺) or BROKEN (违诺)", true},
                {"date", "YYYY-MM-DD", "check date", true},
                {"note", "TEXT", "the inspector's note"},
                RequestIdFlag()},
               {p + " commitments check-item enterprises/" + code +
                    "/commitments/3 --item 1 --outcome kept --date 2024-07-02"}});

  // Complaints.
  s.push_back({{"complaints", "create"},
               "record a complaint (信访)",
               "Records a complaint and the decisions it led to (each --decision\n"
               "is a resource name or AUTHORITY:NUMBER; repeat for several).",
               "",
               "",
               false,
               {CreditCodeFlag(true),
                {"case-number", "NUMBER", "unique per enterprise", true},
                {"received-date", "YYYY-MM-DD", "when it was received", true},
                {"channel", "CHANNEL",
                 AllowedComplaintChannels() + " (or 12369/来信/来访/网络/督察组转办)",
                 true},
                {"substantiated", "", "found true (属实)"},
                {"summary", "TEXT", "0..1000 characters"},
                {"decision", "DECISION", "a decision it led to", false, true},
                RequestIdFlag()},
               {p + " complaints create --credit-code " + code +
                    " --case-number XF2025-0012 --received-date 2025-02-20 "
                    "--channel 12369 --substantiated --decision "
                    "'南京市生态环境局:宁环罚〔2025〕12号'"}});
  s.push_back({{"complaints", "get"}, "show one complaint",
               "Shows one complaint.", "NAME",
               "enterprises/CODE/complaints/ID", true, {},
               {p + " complaints get enterprises/" + code + "/complaints/4"}});
  s.push_back({{"complaints", "list"},
               "list an enterprise's complaints",
               "Lists the complaints of one enterprise, oldest first.",
               "",
               "",
               false,
               With({CreditCodeFlag(true)}, PageFlags()),
               {p + " complaints list --credit-code " + code}});

  // Incidents.
  s.push_back({{"incidents", "create"},
               "record an environmental incident (突发环境事件)",
               "Records an incident.",
               "",
               "",
               false,
               {CreditCodeFlag(true),
                {"date", "YYYY-MM-DD", "when it happened", true},
                {"grade", "GRADE",
                 "GENERAL (一般) or LARGER_OR_ABOVE (较大及以上)", true},
                {"description", "TEXT", "0..1000 characters"},
                RequestIdFlag()},
               {p + " incidents create --credit-code " + code +
                    " --date 2024-08-09 --grade general --description "
                    "储罐泄漏"}});
  s.push_back({{"incidents", "get"}, "show one incident", "Shows one incident.",
               "NAME", "enterprises/CODE/incidents/ID", true, {},
               {p + " incidents get enterprises/" + code + "/incidents/5"}});
  s.push_back({{"incidents", "list"},
               "list an enterprise's incidents",
               "Lists the incidents of one enterprise, oldest first.",
               "",
               "",
               false,
               With({CreditCodeFlag(true)}, PageFlags()),
               {p + " incidents list --credit-code " + code}});

  // Audit.
  s.push_back(
      {{"audit", "list"},
       "list audit entries (who wrote what, when)",
       "Lists audit entries, newest first, with filters (ANDed). --since and\n"
       "--until take YYYY-MM-DD (China Standard Time; --until includes that\n"
       "day) or an RFC 3339 time.",
       "",
       "",
       false,
       With({{"actor", "ACTOR", "exact actor (a token's label)"},
             {"method", "METHOD",
              "method name (CreatePenaltyDecision) or full path"},
             {"resource", "PREFIX",
              "resource names starting with this (enterprises/CODE)"},
             {"outcome", "CODE", "OK, INVALID_ARGUMENT, ..."},
             {"since", "WHEN", "entries at or after"},
             {"until", "WHEN", "entries before (a date: up to its end)"}},
            PageFlags()),
       {p + " audit list --resource enterprises/" + code +
            " --since 2025-01-01"}});

  // Import.
  const std::vector<FlagSpec> import_flags = {
      {"concurrency", "N",
       "calls in flight, 1..64 (default: 4 batches for decisions, 16 single "
       "creates for the others, 8 for enterprises)"}};
  const std::string import_text =
      "The header names the columns in any order, in English or Chinese\n"
      "(doc/import.md). UTF-8 with or without BOM; RFC 4180 quoting. Every\n"
      "valid row is stored; each failed row goes to FILE.errors.csv beside\n"
      "the input (line, column, code, reason, message, the row). Re-running\n"
      "a file stores nothing twice. Exit 0 when no row failed; else the exit\n"
      "code the failures share (3 invalid rows, 5 server unreachable), else "
      "1.";
  s.push_back({{"import", "enterprises"},
               "register every enterprise in a CSV file",
               "Same as 'enterprises import'.\n" + import_text,
               "FILE.csv", "the CSV file", true, import_flags,
               {p + " import enterprises demo/sample-enterprises.csv"}});
  s.push_back(
      {{"import", "decisions"},
       "import penalty decisions from a CSV file",
       "Streams decisions to the server, 1,000 per BatchCreatePenaltyDecisions\n"
       "call with a few calls in flight. Rows whose recurrence_of names an\n"
       "earlier decision by number are sent after the others.\n" +
           import_text,
       "FILE.csv", "the CSV file", true,
       With(import_flags,
            {{"batch-size", "N", "decisions per call, 1..1000 (default 1000)"}}),
       {p + " import decisions demo/samples/decisions-zh.csv"}});
  s.push_back(
      {{"import", "commitments"},
       "import commitments (one row per item) from a CSV file",
       "One row per item; rows with the same credit_code and commitment_ref\n"
       "are one commitment. Items with item_state KEPT/BROKEN are checked\n"
       "after the commitment is created.\n" +
           import_text,
       "FILE.csv", "the CSV file", true, import_flags,
       {p + " import commitments demo/samples/commitments-en.csv"}});
  s.push_back({{"import", "complaints"},
               "import complaints from a CSV file",
               "The decisions a complaint led to must be stored first.\n" +
                   import_text,
               "FILE.csv", "the CSV file", true, import_flags,
               {p + " import complaints demo/samples/complaints-zh.csv"}});
  s.push_back({{"import", "incidents"},
               "import environmental incidents from a CSV file",
               import_text, "FILE.csv", "the CSV file", true, import_flags,
               {p + " import incidents incidents.csv"}});
  return s;
}

int RunRecordCommand(const ParsedCommand& c, const RecordClients& clients,
                     CommandIo io) {
  const std::string& group = c.command->path[0];
  const std::string& name = c.command->path[1];
  if (group == "import") return Import(c, clients, io);
  if (group == "audit") return AuditList(c, clients.audit(), io);
  RecordClient& r = clients.records();
  if (group == "decisions") {
    if (name == "create") return DecisionsCreate(c, r, io);
    if (name == "get") return DecisionsGet(c, r, io);
    if (name == "list") return DecisionsList(c, r, io);
    if (name == "rectify") return DecisionsRectify(c, r, io);
    if (name == "revoke") return DecisionsRevoke(c, r, io);
  } else if (group == "commitments") {
    if (name == "create") return CommitmentsCreate(c, r, io);
    if (name == "get") return CommitmentsGet(c, r, io);
    if (name == "list") return CommitmentsList(c, r, io);
    if (name == "check-item") return CommitmentsCheckItem(c, r, io);
  } else if (group == "complaints") {
    if (name == "create") return ComplaintsCreate(c, r, io);
    if (name == "get") return ComplaintsGet(c, r, io);
    if (name == "list") return ComplaintsList(c, r, io);
  } else if (group == "incidents") {
    if (name == "create") return IncidentsCreate(c, r, io);
    if (name == "get") return IncidentsGet(c, r, io);
    if (name == "list") return IncidentsList(c, r, io);
  }
  io.err << kProgramName << ": internal error: no handler for " << group << " "
         << name << "\n";
  return kExitFailure;
}

}  // namespace envcredit::admin
