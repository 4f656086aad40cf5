#include "admin-cli/commands/record_commands.h"

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "admin-cli/base/record_enums.h"
#include "admin-cli/base/text.h"
#include "admin-cli/commands/runner.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/import/record_import.h"
#include "admin-cli/output/record_output.h"

namespace envcredit::admin {
namespace {

constexpr char kCode[] = "91320100MA1W2X3Y6A";

std::string Parent(const ParsedCommand& c) {
  const std::string flag = c.Get("credit-code");
  absl::string_view code = flag;
  absl::ConsumePrefix(&code, "enterprises/");
  return absl::StrCat("enterprises/", code);
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
  std::string next;
  const auto match = [&](v1::ListPenaltyDecisionsResponse& page) {
    for (const auto& d : page.penalty_decisions()) {
      if (d.decision_number() == c.Get("number") &&
          (!c.Has("authority") || d.authority() == c.Get("authority"))) {
        found.push_back(d.name());
      }
    }
    return true;
  };
  if (!FetchPages(c, io, client, &RecordClient::ListPenaltyDecisions, request,
                  match, &next, exit)) {
    return false;
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

// Splits "AUTHORITY:NUMBER" (or with a full-width colon) into its trimmed
// parts; false, leaving both as they are, when there is no colon.
bool SplitAuthorityNumber(const std::string& ref, std::string* authority,
                          std::string* number) {
  for (absl::string_view sep : {"：", ":"}) {
    const size_t at = ref.find(std::string(sep));
    if (at != std::string::npos) {
      *authority = std::string(TrimAscii(ref.substr(0, at)));
      *number = std::string(TrimAscii(ref.substr(at + sep.size())));
      return true;
    }
  }
  return false;
}

bool ReadDecision(const ParsedCommand& c, RecordClient& client, CommandIo io,
                  v1::CreatePenaltyDecisionRequest& request, int* exit) {
  request.set_parent(Parent(c));
  request.set_request_id(c.Get("request-id"));
  v1::PenaltyDecision* d = request.mutable_penalty_decision();
  d->set_authority(c.Get("authority"));
  d->set_decision_number(c.Get("number"));
  v1::ViolationType type;
  if (!ParseFlag(c, io, "violation-type", &ParseViolationType, &type, exit)) {
    return false;
  }
  d->set_violation_type(type);
  if (!DateFlag(c, io, "date", d->mutable_decision_date(), exit)) return false;
  std::vector<v1::Measure> measures;
  if (!ParseFlag(c, io, "measures", &ParseMeasureList, &measures, exit)) {
    return false;
  }
  for (const v1::Measure m : measures) d->add_measures(m);
  if (c.Has("fine-yuan") && c.Has("fine-fen")) {
    *exit = Usage(c, io, "give --fine-yuan or --fine-fen, not both");
    return false;
  }
  int64_t fen = 0;
  if (c.Has("fine-yuan")) {
    if (!ParseFlag(c, io, "fine-yuan", &ParseYuanAsFen, &fen, exit)) {
      return false;
    }
    d->set_fine_amount_fen(fen);
  }
  if (c.Has("fine-fen")) {
    if (!ParseFlag(c, io, "fine-fen", &ParseFen, &fen, exit)) return false;
    d->set_fine_amount_fen(fen);
  }
  d->set_tampering_with_monitoring_data(c.Has("tampering"));
  d->set_recurrence(c.Has("recurrence") || c.Has("recurrence-of"));
  if (!c.Has("recurrence-of")) return true;
  const std::string ref = c.Get("recurrence-of");
  if (absl::StartsWith(ref, "enterprises/")) {
    d->set_recurrence_of(ref);
    return true;
  }
  // A decision number (of --authority unless written AUTHORITY：NUMBER).
  ParsedCommand lookup = c;
  lookup.positional.clear();
  std::string authority = c.Get("authority"), number = ref;
  SplitAuthorityNumber(ref, &authority, &number);
  lookup.flags["number"] = number;
  lookup.flags["authority"] = authority;
  return DecisionName(lookup, client, io, d->mutable_recurrence_of(), exit);
}

int DecisionsCreate(const ParsedCommand& c, RecordClient& client,
                    CommandIo io) {
  return RunCall(c, io, client,
                 CallSpec(
                     &RecordClient::CreatePenaltyDecision,
                     [&](v1::CreatePenaltyDecisionRequest& r, int* exit) {
                       return ReadDecision(c, client, io, r, exit);
                     },
                     PrintOne(&RenderDecisions)));
}

int DecisionsGet(const ParsedCommand& c, RecordClient& client, CommandIo io) {
  return RunCall(c, io, client,
                 CallSpec(
                     &RecordClient::GetPenaltyDecision,
                     [&](v1::GetPenaltyDecisionRequest& r, int* exit) {
                       return DecisionName(c, client, io, r.mutable_name(),
                                           exit);
                     },
                     PrintOne(&RenderDecisions)));
}

bool ReadDecisionFilters(const ParsedCommand& c, CommandIo io,
                         v1::ListPenaltyDecisionsRequest& request, int* exit) {
  request.set_parent(Parent(c));
  if (!c.Has("state")) return true;
  v1::PenaltyDecisionState state;
  if (!ParseFlag(c, io, "state", &ParseDecisionState, &state, exit)) {
    return false;
  }
  request.set_state(state);
  return true;
}

int DecisionsRectify(const ParsedCommand& c, RecordClient& client,
                     CommandIo io) {
  using Request = v1::MarkPenaltyDecisionRectifiedRequest;
  return RunCall(
      c, io, client,
      CallSpec(
          &RecordClient::MarkPenaltyDecisionRectified,
          [&](Request& r, int* exit) {
            if (!DateFlag(c, io, "date", r.mutable_rectified_date(), exit) ||
                !DecisionName(c, client, io, r.mutable_name(), exit)) {
              return false;
            }
            r.set_request_id(c.Get("request-id"));
            return true;
          },
          PrintOne(&RenderDecisions)));
}

int DecisionsRevoke(const ParsedCommand& c, RecordClient& client,
                    CommandIo io) {
  return RunCall(
      c, io, client,
      CallSpec(
          &RecordClient::RevokePenaltyDecision,
          [&](v1::RevokePenaltyDecisionRequest& r, int* exit) {
            v1::Revocation* revocation = r.mutable_revocation();
            if (!DateFlag(c, io, "date", revocation->mutable_date(), exit)) {
              return false;
            }
            v1::RevocationReason reason;
            if (!ParseFlag(c, io, "reason", &ParseRevocationReason, &reason,
                           exit)) {
              return false;
            }
            revocation->set_reason(reason);
            revocation->set_note(c.Get("note"));
            if (!DecisionName(c, client, io, r.mutable_name(), exit)) {
              return false;
            }
            r.set_request_id(c.Get("request-id"));
            return true;
          },
          PrintOne(&RenderDecisions)));
}

// --- Commitments ------------------------------------------------------------

bool ReadCommitment(const ParsedCommand& c, CommandIo io,
                    v1::CreateCommitmentRequest& request, int* exit) {
  request.set_parent(Parent(c));
  request.set_request_id(c.Get("request-id"));
  v1::Commitment* m = request.mutable_commitment();
  v1::CommitmentKind kind;
  if (!ParseFlag(c, io, "kind", &ParseCommitmentKind, &kind, exit)) {
    return false;
  }
  m->set_kind(kind);
  m->set_signer(c.Get("signer"));
  if (!DateFlag(c, io, "signing-date", m->mutable_signing_date(), exit)) {
    return false;
  }
  m->set_public_(c.Has("public"));
  for (const std::string& item : c.GetAll("item")) {
    // "YYYY-MM-DD:description" (a date, then anything).
    const size_t colon = item.find(':');
    absl::StatusOr<v1::Date> due = colon == std::string::npos
                                       ? absl::InvalidArgumentError("no ':'")
                                       : ParseDate(item.substr(0, colon));
    if (!due.ok() || TrimAscii(item.substr(colon + 1)).empty()) {
      *exit = Usage(c, io,
                    absl::StrCat("--item must be DUE_DATE:DESCRIPTION, e.g. "
                                 "2025-06-30:完成脱硫设施改造, not '",
                                 item, "'"));
      return false;
    }
    v1::CommitmentItem* i = m->add_items();
    *i->mutable_due_date() = *due;
    i->set_description(std::string(TrimAscii(item.substr(colon + 1))));
  }
  return true;
}

bool ReadCheck(const ParsedCommand& c, CommandIo io,
               v1::CheckCommitmentItemRequest& request, int* exit) {
  request.set_name(c.positional);
  int item = 0;
  if (!absl::SimpleAtoi(c.Get("item"), &item) || item < 1) {
    *exit = Usage(c, io,
                  absl::StrCat("--item must be an item number (1, 2, ...), "
                               "not '",
                               c.Get("item"), "'"));
    return false;
  }
  request.set_item_number(item);
  v1::CommitmentItemState outcome;
  if (!ParseFlag(c, io, "outcome", &ParseCheckOutcome, &outcome, exit) ||
      !DateFlag(c, io, "date", request.mutable_check_date(), exit)) {
    return false;
  }
  request.set_outcome(outcome);
  request.set_note(c.Get("note"));
  request.set_request_id(c.Get("request-id"));
  return true;
}

// --- Complaints -------------------------------------------------------------

bool ReadComplaint(const ParsedCommand& c, CommandIo io,
                   v1::CreateComplaintRequest& request, int* exit) {
  request.set_parent(Parent(c));
  request.set_request_id(c.Get("request-id"));
  v1::Complaint* m = request.mutable_complaint();
  m->set_case_number(c.Get("case-number"));
  if (!DateFlag(c, io, "received-date", m->mutable_received_date(), exit)) {
    return false;
  }
  v1::ComplaintChannel channel;
  if (!ParseFlag(c, io, "channel", &ParseComplaintChannel, &channel, exit)) {
    return false;
  }
  m->set_channel(channel);
  m->set_substantiated(c.Has("substantiated"));
  m->set_summary(c.Get("summary"));
  for (const std::string& ref : c.GetAll("decision")) {
    if (absl::StartsWith(ref, "enterprises/")) {
      m->add_decisions(ref);
      continue;
    }
    std::string authority, number;
    SplitAuthorityNumber(ref, &authority, &number);
    if (authority.empty() || number.empty()) {
      *exit = Usage(c, io,
                    absl::StrCat("--decision must be a resource name or "
                                 "AUTHORITY:NUMBER, not '",
                                 ref, "'"));
      return false;
    }
    auto* r = m->add_decision_references();
    r->set_authority(authority);
    r->set_decision_number(number);
  }
  return true;
}

// --- Incidents --------------------------------------------------------------

bool ReadIncident(const ParsedCommand& c, CommandIo io,
                  v1::CreateIncidentRequest& request, int* exit) {
  request.set_parent(Parent(c));
  request.set_request_id(c.Get("request-id"));
  v1::Incident* m = request.mutable_incident();
  if (!DateFlag(c, io, "date", m->mutable_date(), exit)) return false;
  v1::IncidentGrade grade;
  if (!ParseFlag(c, io, "grade", &ParseIncidentGrade, &grade, exit)) {
    return false;
  }
  m->set_grade(grade);
  m->set_description(c.Get("description"));
  return true;
}

// --- The records as data ---------------------------------------------------

// The filter of a list of one enterprise's records: --credit-code.
template <typename Request>
bool ReadParent(const ParsedCommand& c, CommandIo, Request& request, int*) {
  request.set_parent(Parent(c));
  return true;
}

// The commands of the record groups, each a spec for the runner.
const CommandTable<RecordClient>& RecordTable(const std::string& group) {
  using R = RecordClient;
  static const auto* const kTables = new std::map<std::string,
                                                  CommandTable<RecordClient>>{
      {"decisions",
       {{"create", DecisionsCreate},
        {"get", DecisionsGet},
        {"list",
         ListCommand(
             &R::ListPenaltyDecisions,
             &v1::ListPenaltyDecisionsResponse::mutable_penalty_decisions,
             ReadDecisionFilters, PrintPage(&RenderDecisions))},
        {"rectify", DecisionsRectify},
        {"revoke", DecisionsRevoke}}},
      {"commitments",
       {{"create", CallCommand(&R::CreateCommitment, ReadCommitment,
                               PrintOne(&RenderCommitments))},
        {"get", GetCommand(&R::GetCommitment, PrintOne(&RenderCommitments))},
        {"list", ListCommand(&R::ListCommitments,
                             &v1::ListCommitmentsResponse::mutable_commitments,
                             ReadParent, PrintPage(&RenderCommitments))},
        {"check-item", CallCommand(&R::CheckCommitmentItem, ReadCheck,
                                   PrintOne(&RenderCommitments))}}},
      {"complaints",
       {{"create", CallCommand(&R::CreateComplaint, ReadComplaint,
                               PrintOne(&RenderComplaints))},
        {"get", GetCommand(&R::GetComplaint, PrintOne(&RenderComplaints))},
        {"list", ListCommand(&R::ListComplaints,
                             &v1::ListComplaintsResponse::mutable_complaints,
                             ReadParent, PrintPage(&RenderComplaints))}}},
      {"incidents",
       {{"create", CallCommand(&R::CreateIncident, ReadIncident,
                               PrintOne(&RenderIncidents))},
        {"get", GetCommand(&R::GetIncident, PrintOne(&RenderIncidents))},
        {"list", ListCommand(&R::ListIncidents,
                             &v1::ListIncidentsResponse::mutable_incidents,
                             ReadParent, PrintPage(&RenderIncidents))}}},
  };
  static const auto* const kNone = new CommandTable<RecordClient>();
  const auto it = kTables->find(group);
  return it == kTables->end() ? *kNone : it->second;
}

// --- Audit ------------------------------------------------------------------

int AuditList(const ParsedCommand& c, AuditClient& client, CommandIo io) {
  return RunList(
      c, io, client,
      ListSpec(
          &AuditClient::ListAuditEntries,
          &v1::ListAuditEntriesResponse::mutable_entries,
          [&](v1::ListAuditEntriesRequest& r, int* exit) {
            r.set_actor(c.Get("actor"));
            r.set_method(c.Get("method"));
            r.set_resource_prefix(c.Get("resource"));
            r.set_outcome(c.Get("outcome"));
            return (!c.Has("since") ||
                    TimeFlag(c, io, "since", /*end_of_day=*/false,
                             r.mutable_start_time(), exit)) &&
                   (!c.Has("until") ||
                    TimeFlag(c, io, "until", /*end_of_day=*/true,
                             r.mutable_end_time(), exit));
          },
          [](const std::vector<v1::AuditEntry>& list, OutputFormat f) {
            return RenderAuditEntries(list, f);
          }));
}

// --- Import -----------------------------------------------------------------

int Import(const ParsedCommand& c, const RecordClients& clients, CommandIo io) {
  const std::string& what = c.command->path[1];
  if (what == "enterprises") {
    return RunEnterpriseImport(c, clients.enterprises(), io);
  }
  int concurrency = 0;
  if (c.Has("concurrency") &&
      (!absl::SimpleAtoi(c.Get("concurrency"), &concurrency) ||
       concurrency < 1 || concurrency > 64)) {
    return Usage(c, io,
                 absl::StrCat("--concurrency must be 1..64, not '",
                              c.Get("concurrency"), "'"));
  }
  RecordImportOptions options;
  options.retry = RetryOf(io);
  ParseRecordKind(what, &options.kind);
  options.path = c.positional;
  options.show_progress = io.err_is_terminal;
  options.output = c.global.output;
  options.server = c.global.server;
  options.concurrency = concurrency;
  if (c.Has("batch-size")) {
    int64_t size = 0;
    int exit = kExitOk;
    if (!IntFlag(c, io, "batch-size", 1, 1000, &size, &exit)) return exit;
    options.batch_size = static_cast<int>(size);
  }
  if (c.Has("sort-window")) {
    int64_t rows = 0;
    int exit = kExitOk;
    if (!IntFlag(c, io, "sort-window", 1, 10000000, &rows, &exit)) return exit;
    options.sort_window = static_cast<int>(rows);
  }
  return RunRecordImport(options, clients.records(), io.out, io.err);
}

// --- Specs ------------------------------------------------------------------

FlagSpec CreditCodeFlag(bool required) {
  return {"credit-code", "CODE",
          "the enterprise's USCC (e.g. " + std::string(kCode) + ")", required};
}
std::vector<FlagSpec> DecisionLookupFlags() {
  return {CreditCodeFlag(false),
          {"number", "NUMBER",
           "instead of NAME: the decision number (with --credit-code)"},
          {"authority", "AUTHORITY",
           "with --number, when the enterprise has that number from several "
           "authorities"}};
}

}  // namespace

std::vector<CommandSpec> RecordCommandSpecs() {
  const std::string p = std::string(kProgramName);
  const std::string code = kCode;
  const std::string dname = "enterprises/" + code + "/penaltyDecisions/12";
  std::vector<CommandSpec> s;

  // Decisions.
  s.push_back(
      {{"decisions", "create"},
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
        {"number", "NUMBER", "decision number, e.g. 宁环罚〔2025〕12号", true},
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
        {"recurrence", "", "a re-inspection (回头看) found the problem back"},
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
  s.push_back(
      {{"decisions", "list"},
       "list an enterprise's penalty decisions",
       "Lists the decisions of one enterprise, oldest first.",
       "",
       "",
       false,
       With({CreditCodeFlag(true), {"state", "STATE", "IN_FORCE or REVOKED"}},
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
  s.push_back(
      {{"decisions", "revoke"},
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
  s.push_back(
      {{"commitments", "create"},
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
        {"item", "DUE:TEXT", "an item: due date, colon, description", false,
         true},
        RequestIdFlag()},
       {p + " commitments create --credit-code " + code +
        " --kind CREDIT_COMMITMENT --signer 张三 --signing-date "
        "2024-01-10 --public --item 2024-06-30:完成脱硫设施改造"}});
  s.push_back(
      {{"commitments", "get"},
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
  s.push_back(
      {{"commitments", "check-item"},
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
  s.push_back(
      {{"complaints", "create"},
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
  s.push_back({{"complaints", "get"},
               "show one complaint",
               "Shows one complaint.",
               "NAME",
               "enterprises/CODE/complaints/ID",
               true,
               {},
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
  s.push_back({{"incidents", "get"},
               "show one incident",
               "Shows one incident.",
               "NAME",
               "enterprises/CODE/incidents/ID",
               true,
               {},
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
            PageFlags(/*server_default=*/100)),
       {p + " audit list --resource enterprises/" + code +
        " --since 2025-01-01"}});

  // Import.
  const std::vector<FlagSpec> import_flags = {
      {"concurrency", "N",
       "calls in flight, 1..64 (default: 4 batches for decisions, 16 single "
       "creates for the others, 4 batches for enterprises)"}};
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
               "FILE.csv",
               "the CSV file",
               true,
               With(import_flags, {{"batch-size", "N",
                                    "rows per call, 1..1000 (default 500)"}}),
               {p + " import enterprises demo/sample-enterprises.csv"}});
  s.push_back(
      {{"import", "decisions"},
       "import penalty decisions from a CSV file",
       "Streams decisions to the server, 1,000 per "
       "BatchCreatePenaltyDecisions\n"
       "call with a few calls in flight. The rows are read 50,000 at a time\n"
       "(--sort-window) and sorted by credit code, and a batch holds all of\n"
       "an enterprise's rows of the window, so the calls in flight touch\n"
       "different enterprises. Rows whose recurrence_of names an earlier\n"
       "decision by number are sent after the others.\n" +
           import_text,
       "FILE.csv",
       "the CSV file",
       true,
       With(import_flags, {{"batch-size", "N",
                            "decisions per call, 1..1000 (default 1000)"},
                           {"sort-window", "N",
                            "rows sorted by credit code before they are cut "
                            "into batches, 1..10000000 (default 50000)"}}),
       {p + " import decisions demo/samples/decisions-zh.csv"}});
  s.push_back(
      {{"import", "commitments"},
       "import commitments (one row per item) from a CSV file",
       "One row per item; rows with the same credit_code and commitment_ref\n"
       "are one commitment. Items with item_state KEPT/BROKEN are checked\n"
       "after the commitment is created.\n" +
           import_text,
       "FILE.csv",
       "the CSV file",
       true,
       import_flags,
       {p + " import commitments demo/samples/commitments-en.csv"}});
  s.push_back(
      {{"import", "complaints"},
       "import complaints from a CSV file",
       "The decisions a complaint led to must be stored first.\n" + import_text,
       "FILE.csv",
       "the CSV file",
       true,
       import_flags,
       {p + " import complaints demo/samples/complaints-zh.csv"}});
  s.push_back({{"import", "incidents"},
               "import environmental incidents from a CSV file",
               import_text,
               "FILE.csv",
               "the CSV file",
               true,
               import_flags,
               {p + " import incidents incidents.csv"}});
  return s;
}

int RunRecordCommand(const ParsedCommand& c, const RecordClients& clients,
                     CommandIo io) {
  const std::string& group = c.command->path[0];
  if (group == "import") return Import(c, clients, io);
  if (group == "audit") return AuditList(c, clients.audit(), io);
  return RunFromTable(RecordTable(group), c, clients.records(), io);
}

}  // namespace envcredit::admin
