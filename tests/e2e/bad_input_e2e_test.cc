// Bad input end to end (SPEC §8, doc/api.md "Errors"): every RPC of every
// envcredit.v1 service, through the real server, with the kinds of bad input
// SPEC §8 names: invalid credit codes, unknown enum values, dates out of
// range or not on the calendar, negative and absurd amounts, text that is
// not UTF-8 or holds control characters, oversized fields, malformed and
// foreign page tokens, invalid filters, bad resource names, SQL-looking
// text. Each must be INVALID_ARGUMENT with google.rpc.ErrorInfo
// metadata["field"] and google.rpc.BadRequest naming the exact request
// field, and leave every table as it was (CHECKSUM TABLE before and after
// the whole table; audit_log gains only failures, request_log is not
// compared). SQL-looking text in free-text fields is valid text: it is
// stored and read back verbatim.
//
// The table is data: one row per case (method, what is wrong, how the
// request is spoiled, the field expected). Rows start from a valid request
// of the method (Base() below) aimed at real seeded resources, so a check
// the server forgot would change a table, which the checksum catches.
// Requests go over the wire as bytes (grpc::GenericStub), so a row can send
// a string field that is not UTF-8, which a generated stub would not encode
// (kNotUtf8 below).
//
// A row that the server currently fails carries a BUG(bad-input-N) id (see
// kBug* below and doc/reliability-bad-input.md): it is left out of the main
// test and run by KnownServerBugsTest, which is skipped unless
// ENVCREDIT_RUN_KNOWN_BUGS=1 (for whoever fixes the server). Run by hand:
//   ENVCREDIT_TEST_DB_ENV=<run>/db/db.env tests/e2e/bad_input_e2e_test
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "envcredit/v1/access.grpc.pb.h"
#include "envcredit/v1/audit.grpc.pb.h"
#include "envcredit/v1/enterprise.grpc.pb.h"
#include "envcredit/v1/lists.grpc.pb.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "envcredit/v1/records.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/api/access_control.h"
#include "server/api/page_token.h"
#include "server/domain/uscc.h"
#include "tests/e2e/authed_channel.h"
#include "tests/e2e/raw_call.h"
#include "tests/e2e/server_process.h"
#include "tests/support/test_database.h"
#include "tests/support/test_uscc.h"

namespace envcredit {
namespace {

// ---------------------------------------------------------------- constants

// The server's today (--today_file), fixed so date rows are reproducible.
const absl::CivilDay kToday(2025, 6, 16);

// Requests above this are refused by gRPC itself (--max_message_bytes).
constexpr int kMaxMessageBytes = 1 << 20;

// A string field set to kNotUtf8 goes over the wire as kNotUtf8Bytes
// instead: the same length, so every length prefix stays right. The bytes
// are a lone 0xFF, an overlong '/', a UTF-16 surrogate and a truncated
// sequence.
constexpr char kNotUtf8[] = "<not-utf-8!>";
const std::string kNotUtf8Bytes("\xff\xfe\xc0\xaf\xed\xa0\x80 ab\xe2\x82", 12);
static_assert(sizeof(kNotUtf8) - 1 == 12, "marker and bytes must match");

// SQL-looking text: valid text wherever free text is allowed.
const std::vector<std::string> kSqlTexts = {
    "'; DROP TABLE enterprises; --",
    "\" OR 1=1 --",
    "Robert'); DELETE FROM audit_log WHERE ('1'='1",
    "100%_纯\\净' /* `x` */ UNION SELECT * FROM access_tokens; #",
};
const std::string& kSql = kSqlTexts[0];

// ---------------------------------------------------------------- values

std::string Uscc(int serial) { return testing::TestUscc("BD", serial); }

// The same code with another (wrong) GB 32100 check character.
std::string WrongCheckCharacter(std::string code) {
  code[17] = code[17] == '0' ? '1' : '0';
  return code;
}

v1::Date Day(int year, int month, int day) {
  v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

v1::Date Day(absl::CivilDay day) {
  return Day(static_cast<int>(day.year()), day.month(), day.day());
}

std::string Repeat(const std::string& unit, int times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (int i = 0; i < times; ++i) out += unit;
  return out;
}

// `chars` characters of Chinese text (3 bytes each): lengths are counted in
// characters, so this is `chars` long, not 3 × `chars`.
std::string ChineseText(int chars) { return Repeat("污", chars); }

template <typename Enum>
Enum Unknown(int value = 999) {
  return static_cast<Enum>(value);
}

// ---------------------------------------------------------------- the world

// What the fixture seeded: valid resources every base request aims at.
struct World {
  std::string e1, e2;        // registered credit codes (region 320100)
  std::string fresh;         // a valid credit code nobody registered
  std::string commitment;    // of e1, one item due 2025-03-01, not checked
  std::string decision;      // of e1, FINE, decided 2025-02-01, in force
  std::string complaint;     // of e1
  std::string incident;      // of e1
  std::string publication;   // an honour-list DRAFT
  std::string token;         // a REGULATOR token's name ("tokens/2")
  // Page tokens the server issued, for reuse with other filters.
  std::string enterprises_page;  // ListEnterprises region_prefix "32"
  std::string commitments_page;  // ListCommitments of e1
  std::string decisions_page;    // ListPenaltyDecisions of e1, any state
  std::string ratings_page;      // ListRatings region_prefix "32"
  std::string history_page;      // GetRatingHistory of e1, with point changes
  std::string audit_page;        // ListAuditEntries, no filter
  std::string tokens_page;       // ListTokens
  std::string rescore_page;      // RescoreRatings page_size 1

  std::string E1() const { return "enterprises/" + e1; }
};

// A valid request of each method, aimed at the world. Every row of the table
// spoils one thing in it.
void Base(const World& w, v1::CreateEnterpriseRequest* r) {
  v1::Enterprise* e = r->mutable_enterprise();
  e->set_credit_code(w.fresh);
  e->set_display_name("（虚构）坏输入示例化工有限公司");
  e->set_industry(v1::CHEMICALS);
  e->set_legal_representative("王示例");
  e->set_address("南京市示例区示例路1号");
}
void Base(const World& w, v1::BatchCreateEnterprisesRequest* r) {
  Base(w, r->add_requests());
}
void Base(const World& w, v1::GetEnterpriseRequest* r) { r->set_name(w.E1()); }
void Base(const World&, v1::ListEnterprisesRequest*) {}
void Base(const World& w, v1::UpdateEnterpriseRequest* r) {
  r->mutable_enterprise()->set_name(w.E1());
  r->mutable_enterprise()->set_display_name("（虚构）改名示例有限公司");
  r->mutable_update_mask()->add_paths("display_name");
}
void Base(const World& w, v1::CreateCommitmentRequest* r) {
  r->set_parent(w.E1());
  v1::Commitment* c = r->mutable_commitment();
  c->set_kind(v1::CREDIT_COMMITMENT);
  c->set_signer("王示例");
  *c->mutable_signing_date() = Day(2025, 1, 10);
  c->set_public_(true);
  v1::CommitmentItem* item = c->add_items();
  item->set_description("按期完成整改");
  *item->mutable_due_date() = Day(2025, 3, 1);
}
void Base(const World& w, v1::GetCommitmentRequest* r) { r->set_name(w.commitment); }
void Base(const World& w, v1::ListCommitmentsRequest* r) { r->set_parent(w.E1()); }
void Base(const World& w, v1::CheckCommitmentItemRequest* r) {
  r->set_name(w.commitment);
  r->set_item_number(1);
  r->set_outcome(v1::KEPT);
  *r->mutable_check_date() = Day(2025, 3, 5);
  r->set_note("按期完成");
}
void Base(const World& w, v1::CreatePenaltyDecisionRequest* r) {
  r->set_parent(w.E1());
  v1::PenaltyDecision* d = r->mutable_penalty_decision();
  d->set_authority("南京市生态环境局");
  d->set_decision_number("宁环罚〔2025〕99号");
  d->set_violation_type(v1::EXCEEDING_DISCHARGE_STANDARDS);
  *d->mutable_decision_date() = Day(2025, 2, 1);
  d->add_measures(v1::FINE);
  d->add_measures(v1::ORDER_TO_CORRECT);
  d->set_fine_amount_fen(2000000);
}
void Base(const World& w, v1::BatchCreatePenaltyDecisionsRequest* r) {
  Base(w, r->add_requests());
}
void Base(const World& w, v1::GetPenaltyDecisionRequest* r) { r->set_name(w.decision); }
void Base(const World& w, v1::ListPenaltyDecisionsRequest* r) { r->set_parent(w.E1()); }
void Base(const World& w, v1::MarkPenaltyDecisionRectifiedRequest* r) {
  r->set_name(w.decision);
  *r->mutable_rectified_date() = Day(2025, 3, 1);
}
void Base(const World& w, v1::RevokePenaltyDecisionRequest* r) {
  r->set_name(w.decision);
  *r->mutable_revocation()->mutable_date() = Day(2025, 3, 1);
  r->mutable_revocation()->set_reason(v1::ADMINISTRATIVE_REVIEW);
  r->mutable_revocation()->set_note("复议撤销");
}
void Base(const World& w, v1::CreateComplaintRequest* r) {
  r->set_parent(w.E1());
  v1::Complaint* c = r->mutable_complaint();
  *c->mutable_received_date() = Day(2025, 2, 10);
  c->set_channel(v1::HOTLINE_12369);
  c->set_case_number("12369-2025-0099");
  c->set_substantiated(true);
  c->set_summary("夜间偷排");
}
void Base(const World& w, v1::GetComplaintRequest* r) { r->set_name(w.complaint); }
void Base(const World& w, v1::ListComplaintsRequest* r) { r->set_parent(w.E1()); }
void Base(const World& w, v1::CreateIncidentRequest* r) {
  r->set_parent(w.E1());
  *r->mutable_incident()->mutable_date() = Day(2025, 2, 20);
  r->mutable_incident()->set_grade(v1::GENERAL);
  r->mutable_incident()->set_description("废水外溢");
}
void Base(const World& w, v1::GetIncidentRequest* r) { r->set_name(w.incident); }
void Base(const World& w, v1::ListIncidentsRequest* r) { r->set_parent(w.E1()); }
void Base(const World& w, v1::GetRatingRequest* r) {
  r->set_name(w.E1() + "/rating");
}
void Base(const World& w, v1::BatchGetRatingsRequest* r) { r->add_credit_codes(w.e1); }
void Base(const World&, v1::ListRatingsRequest*) {}
void Base(const World& w, v1::GetRatingHistoryRequest* r) {
  r->set_name(w.E1() + "/rating");
}
void Base(const World&, v1::WatchRatingChangesRequest*) {}
void Base(const World&, v1::RollRatingsRequest* r) { *r->mutable_date() = Day(kToday); }
void Base(const World&, v1::RescoreRatingsRequest* r) { r->set_all(true); }
void Base(const World&, v1::ProposePublicationRequest* r) { r->set_list(v1::BLACK_LIST); }
void Base(const World& w, v1::GetPublicationRequest* r) { r->set_name(w.publication); }
void Base(const World&, v1::ListPublicationsRequest* r) { r->set_list(v1::HONOR_LIST); }
void Base(const World& w, v1::ListPublicationEntriesRequest* r) {
  r->set_parent(w.publication);
}
void Base(const World& w, v1::ListPublicationRemovalsRequest* r) {
  r->set_parent(w.publication);
}
void Base(const World& w, v1::StartNoticeRequest* r) { r->set_name(w.publication); }
void Base(const World& w, v1::FileObjectionRequest* r) {
  r->set_parent(w.publication);
  r->mutable_objection()->set_credit_code(w.e1);
  r->mutable_objection()->set_statement("处罚决定已被复议撤销");
}
void Base(const World& w, v1::DecideObjectionRequest* r) {
  r->set_name(w.publication + "/objections/1");
  r->set_decision(v1::OBJECTION_REJECTED);
  r->set_reason("经核实");
}
void Base(const World& w, v1::ListObjectionsRequest* r) { r->set_parent(w.publication); }
void Base(const World& w, v1::PublishPublicationRequest* r) { r->set_name(w.publication); }
void Base(const World&, v1::ListEntriesRequest* r) { r->set_list(v1::BLACK_LIST); }
void Base(const World& w, v1::GetListEntryRequest* r) {
  r->set_name("lists/black/entries/" + w.e1);
}
void Base(const World& w, v1::ApplyRepairRequest* r) {
  r->set_entry("lists/black/entries/" + w.e1);
  *r->mutable_evidence()->mutable_rectification_date() = Day(2025, 3, 1);
  r->mutable_evidence()->set_penalty_performed(true);
  r->mutable_evidence()->set_note("罚款已缴清");
}
void Base(const World& w, v1::DecideRepairRequest* r) {
  r->set_name("lists/black/entries/" + w.e1 + "/repairs/1");
  r->set_decision(v1::REPAIR_GRANTED);
  r->set_reason("整改到位");
}
void Base(const World& w, v1::ListRepairsRequest* r) {
  r->set_parent("lists/black/entries/" + w.e1);
}
void Base(const World& w, v1::LookupPublicRatingRequest* r) { r->set_credit_code(w.e1); }
void Base(const World&, v1::ListAuditEntriesRequest*) {}
void Base(const World&, v1::CreateTokenRequest* r) {
  r->mutable_token()->set_role(v1::REGULATOR);
  r->mutable_token()->set_label("bad-input-test");
}
void Base(const World&, v1::ListTokensRequest*) {}
void Base(const World& w, v1::RevokeTokenRequest* r) { r->set_name(w.token); }

// ---------------------------------------------------------------- the table

// The request as sent: its bytes, and whether kNotUtf8 was replaced in it.
struct Wire {
  std::string bytes;
  bool not_utf8 = false;
};

Wire ToWire(const google::protobuf::Message& request) {
  Wire wire{request.SerializeAsString(), false};
  size_t at = 0;
  while ((at = wire.bytes.find(kNotUtf8, at)) != std::string::npos) {
    wire.bytes.replace(at, kNotUtf8Bytes.size(), kNotUtf8Bytes);
    wire.not_utf8 = true;
    at += kNotUtf8Bytes.size();
  }
  return wire;
}

enum class Where {
  kCall,        // the call fails
  kFirstItem,   // the call succeeds; results[0] of the batch carries the error
};

struct Case {
  std::string method;  // "/envcredit.v1.EnterpriseService/CreateEnterprise"
  std::string what;    // what is wrong, for failure messages
  std::function<Wire()> request;
  std::string field;   // expected ErrorInfo metadata "field" and BadRequest field
  std::string reason;  // expected ErrorInfo reason
  Where where = Where::kCall;
  std::string bug;     // "BUG(bad-input-N): ..." when the server fails it today
};

enum class DateRule {
  kRecord,  // 1990-01-01 .. today + 1 (one day of clock skew)
  kAsOf,    // 1990-01-01 .. today
};

// The rows of one method. `add(what, spoil, field, reason)` adds one row;
// the helpers below add the usual rows for a kind of field.
template <typename Request>
class Rows {
 public:
  using Spoil = std::function<void(Request&)>;
  using SetText = std::function<void(Request&, const std::string&)>;
  using SetDate = std::function<void(Request&, const v1::Date&)>;

  Rows(std::vector<Case>* out, const World* world, const std::string& method)
      : out_(out), world_(world), method_("/envcredit.v1." + method) {}

  Rows& operator()(const std::string& what, Spoil spoil, const std::string& field,
                   const std::string& reason) {
    return Add(what, std::move(spoil), field, reason, Where::kCall, "");
  }
  // A batch whose only item is spoiled: per-item error, the call succeeds.
  Rows& Item(const std::string& what, Spoil spoil, const std::string& field,
             const std::string& reason) {
    return Add(what, std::move(spoil), field, reason, Where::kFirstItem, "");
  }
  // A row the server fails today; `bug` says how (see the report).
  Rows& Bug(const std::string& bug, const std::string& what, Spoil spoil,
            const std::string& field, const std::string& reason) {
    return Add(what, std::move(spoil), field, reason, Where::kCall, bug);
  }

  // A text field of min..max characters (UTF-8, no control characters).
  Rows& Text(const std::string& field, SetText set, int min, int max) {
    if (min > 0) {
      (*this)(field + ": empty (required)", [=](Request& r) { set(r, ""); }, field,
              "TEXT_LENGTH");
    }
    (*this)(absl::StrCat(field, ": ", max + 1, " characters"),
            [=](Request& r) { set(r, ChineseText(max + 1)); }, field, "TEXT_LENGTH");
    (*this)(field + ": 900,000 bytes",
            [=](Request& r) { set(r, std::string(900000, 'a')); }, field, "TEXT_LENGTH");
    (*this)(field + ": not UTF-8", [=](Request& r) { set(r, kNotUtf8); }, field,
            "INVALID_TEXT");
    (*this)(field + ": a control character",
            [=](Request& r) { set(r, "整改\x01完成"); }, field, "INVALID_TEXT");
    (*this)(field + ": a NUL byte",
            [=](Request& r) { set(r, std::string("a\0b", 3)); }, field, "INVALID_TEXT");
    return *this;
  }

  // An identifier of a unique key (issue 13 finding 3): Text, then
  // whitespace or an invisible character at either end (which the key's
  // PAD SPACE collation would ignore: SURROUNDING_WHITESPACE), and a bidi
  // override or isolate anywhere (INVALID_TEXT). The values are the
  // seeded decision number 宁环罚〔2025〕1号 so spoiled.
  Rows& Identifier(const std::string& field, SetText set, int min, int max) {
    Text(field, set, min, max);
    const std::vector<std::pair<std::string, std::string>> surrounding = {
        {"a trailing space", "宁环罚〔2025〕1号 "},
        {"a leading space", " 宁环罚〔2025〕1号"},
        {"a trailing U+3000", "宁环罚〔2025〕1号\u3000"},
        {"a leading U+00A0", "\u00a0宁环罚〔2025〕1号"},
        {"a trailing U+200B", "宁环罚〔2025〕1号\u200b"},
        {"a leading U+FEFF", "\ufeff宁环罚〔2025〕1号"},
    };
    for (const auto& row : surrounding) {
      const std::string value = row.second;
      (*this)(field + ": " + row.first, [=](Request& r) { set(r, value); }, field,
              "SURROUNDING_WHITESPACE");
    }
    (*this)(field + ": a bidi override (U+202E) inside",
            [=](Request& r) { set(r, "宁环罚\u202e〔2025〕1号"); }, field, "INVALID_TEXT");
    (*this)(field + ": a bidi isolate (U+2066..U+2069) inside",
            [=](Request& r) { set(r, "宁环罚\u2066〔2025〕\u20691号"); }, field, "INVALID_TEXT");
    return *this;
  }

  // A name that is published (issue 13 finding 8): Text, then names that
  // display as blank and names with a bidi override or isolate, all
  // INVALID_TEXT.
  Rows& PublishedName(const std::string& field, SetText set, int min, int max) {
    Text(field, set, min, max);
    const std::vector<std::pair<std::string, std::string>> names = {
        {"only spaces", "   "},
        {"only U+3000", "\u3000\u3000"},
        {"only U+200B", "\u200b"},
        {"only U+00A0", "\u00a0"},
        {"only U+FEFF", "\ufeff"},
        {"only blank characters, mixed", " \u3000\u200b\u00a0\ufeff"},
        {"a bidi override (U+202E..U+202C)", "（虚构）南京\u202e司公限有\u202c"},
        {"a bidi override (U+202D) first", "\u202d（虚构）示例有限公司"},
        {"a bidi isolate (U+2067..U+2069)", "（虚构）\u2067示例\u2069有限公司"},
    };
    for (const auto& row : names) {
      const std::string value = row.second;
      (*this)(field + ": " + row.first, [=](Request& r) { set(r, value); }, field,
              "INVALID_TEXT");
    }
    return *this;
  }

  // A credit code (USCC).
  Rows& CreditCode(const std::string& field, SetText set) {
    const std::string valid = world_->fresh;
    const std::string reason = "INVALID_CREDIT_CODE";
    std::string lower = absl::AsciiStrToLower(valid);
    std::string letter_i = valid;
    letter_i[0] = 'I';  // not in the 31-symbol alphabet
    std::string region = valid;
    region[4] = 'A';  // positions 3-8 are digits
    const std::vector<std::pair<std::string, std::string>> codes = {
        {"wrong check character", WrongCheckCharacter(valid)},
        {"lower case", lower},
        {"17 characters", valid.substr(0, 17)},
        {"19 characters", valid + "0"},
        {"empty", ""},
        {"a full-width digit (non-ASCII)", "９" + valid.substr(1)},
        {"Chinese", "统一社会信用代码示例"},
        {"letter I (outside the alphabet)", letter_i},
        {"a letter in the region digits", region},
        {"SQL-looking", kSql},
    };
    for (const auto& row : codes) {
      const std::string what = row.first, code = row.second;
      (*this)(field + ": " + what, [=](Request& r) { set(r, code); }, field, reason);
    }
    (*this)(field + ": not UTF-8", [=](Request& r) { set(r, kNotUtf8); }, field,
            "INVALID_TEXT");
    return *this;
  }

  // A resource name. `valid` is a well-formed name of the right kind;
  // `wrong` are malformed ones with the reason each gets.
  Rows& Name(const std::string& field, SetText set,
             const std::vector<std::pair<std::string, std::string>>& wrong) {
    for (const auto& row : wrong) {
      const std::string name = row.first, reason = row.second;
      const std::string shown =
          name.size() > 60 ? absl::StrCat(name.substr(0, 60), "… (", name.size(),
                                          " bytes)")
                           : name;
      (*this)(absl::StrCat(field, ": \"", shown, "\""),
              [=](Request& r) { set(r, name); }, field, reason);
    }
    (*this)(field + ": not UTF-8", [=](Request& r) { set(r, kNotUtf8); }, field,
            "INVALID_TEXT");
    return *this;
  }

  Rows& Date(const std::string& field, SetDate set, DateRule rule) {
    const absl::CivilDay future = kToday + (rule == DateRule::kRecord ? 2 : 1);
    const std::vector<std::tuple<std::string, v1::Date, std::string>> dates = {
        {"1989-12-31", Day(1989, 12, 31), "DATE_OUT_OF_RANGE"},
        {absl::FormatCivilTime(future) + " (the future)", Day(future),
         "DATE_OUT_OF_RANGE"},
        {"10000-01-01", Day(10000, 1, 1), "INVALID_DATE"},
        {"2025-02-30", Day(2025, 2, 30), "INVALID_DATE"},
        {"2024-13-01", Day(2024, 13, 1), "INVALID_DATE"},
        {"2024-01-00", Day(2024, 1, 0), "INVALID_DATE"},
        {"-2024-01-01", Day(-2024, 1, 1), "INVALID_DATE"},
        {"0000-00-00", Day(0, 0, 0), "INVALID_DATE"},
    };
    for (const auto& row : dates) {
      const std::string what = std::get<0>(row), reason = std::get<2>(row);
      const v1::Date date = std::get<1>(row);
      (*this)(field + ": " + what, [=](Request& r) { set(r, date); }, field, reason);
    }
    return *this;
  }

  // request_id: at most 64 printable ASCII characters without spaces.
  Rows& RequestId(SetText set) {
    const std::vector<std::pair<std::string, std::string>> ids = {
        {"65 characters", std::string(65, 'r')},
        {"a space", "retry 1"},
        {"non-ASCII", "请求-1"},
        {"a control character", "req\x7f"},
        {"SQL-looking (spaces)", kSql},
    };
    for (const auto& row : ids) {
      const std::string what = row.first, id = row.second;
      (*this)("request_id: " + what, [=](Request& r) { set(r, id); }, "request_id",
              "INVALID_REQUEST_ID");
    }
    (*this)("request_id: not UTF-8", [=](Request& r) { set(r, kNotUtf8); },
            "request_id", "INVALID_TEXT");
    return *this;
  }

  // page_size and page_token of a List method. `filter_key` is what the
  // server binds its tokens to, for a forged token that passes the digest
  // check but carries a key no page ever ends with.
  Rows& Paging(const std::string& filter_key) {
    (*this)("page_size: -1", [](Request& r) { r.set_page_size(-1); }, "page_size",
            "INVALID_PAGE_SIZE");
    (*this)("page_size: INT32_MIN",
            [](Request& r) { r.set_page_size(std::numeric_limits<int32_t>::min()); },
            "page_size", "INVALID_PAGE_SIZE");
    const std::vector<std::pair<std::string, std::string>> tokens = {
        {"not base64", "garbage!"},
        {"SQL-looking", kSql},
        {"too short", "AAAA"},
        {"10,000 characters", std::string(10000, 'A')},
        {"wrong version byte", "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA"},
        {"forged, SQL in the key",
         api::EncodePageToken("0' OR '1'='1", filter_key)},
        {"forged, for another filter",
         api::EncodePageToken("91320100MA0000001X", "another filter")},
    };
    for (const auto& row : tokens) {
      const std::string what = row.first, token = row.second;
      (*this)("page_token: " + what, [=](Request& r) { r.set_page_token(token); },
              "page_token", "INVALID_PAGE_TOKEN");
    }
    (*this)("page_token: not UTF-8", [](Request& r) { r.set_page_token(kNotUtf8); },
            "page_token", "INVALID_TEXT");
    return *this;
  }

 private:
  Rows& Add(const std::string& what, Spoil spoil, const std::string& field,
            const std::string& reason, Where where, const std::string& bug) {
    const World* world = world_;
    out_->push_back(Case{method_, what,
                         [world, spoil]() {
                           Request request;
                           Base(*world, &request);
                           spoil(request);
                           return ToWire(request);
                         },
                         field, reason, where, bug});
    return *this;
  }

  std::vector<Case>* out_;
  const World* world_;
  std::string method_;
};

// The server bugs the table found; each Bug() row names one. Details and
// proposed fixes: doc/reliability-bad-input.md.
//
// BUG(bad-input-1): the path of a non-UTF-8 string inside a repeated field
//   has no index: protobuf's parse error names the field, not the element.
// BUG(bad-input-2): ListObjections never reads page_token.
// BUG(bad-input-3): ApplyRepair's rectification date may lie in the future
//   (a listed entry then gets FAILED_PRECONDITION NOT_RECTIFIED).
// BUG(bad-input-4): ApplyRepair stores any text as evidence.commitment.
// BUG(bad-input-5): CreateComplaint's decision_references are not checked
//   as text (they end as NOT_FOUND PENALTY_DECISION_NOT_FOUND).
// BUG(bad-input-6): ListAuditEntries accepts any outcome text and an end
//   before the start (both match nothing, silently).
// BUG(bad-input-7): RevokeToken parses "tokens/{id}" with SimpleAtoi, so
//   "tokens/02" and "tokens/+2" revoke token 2.
// bad-input-1 is a documented limitation (doc/api.md): text that is not
// UTF-8 inside a repeated field is named without its index, because
// protobuf's parse error names the field, not the element.
const char kBugUtf8Index[] = "";
const char kBugObjectionsPaging[] = "";  // fixed
const char kBugRepairDate[] = "";  // fixed
const char kBugRepairCommitment[] = "";  // fixed
const char kBugDecisionReference[] = "";  // fixed
const char kBugTokenName[] = "";  // fixed
const char kBugAuditOutcome[] = "";  // fixed

// Every case, for the world `w` (which must outlive the cases).
std::vector<Case> BadInputCases(const World* w) {
  std::vector<Case> cases;
  const std::string e1 = w->e1;
  const std::string e2 = w->e2;

  // Malformed names of records of e1, for the Get/Check/Mark/... methods.
  auto record_names = [&](const std::string& collection) {
    const std::string base = "enterprises/" + e1 + "/" + collection + "/";
    return std::vector<std::pair<std::string, std::string>>{
        {"", "INVALID_RESOURCE_NAME"},
        {base + "0", "INVALID_RESOURCE_NAME"},
        {base + "-1", "INVALID_RESOURCE_NAME"},
        {base + "01", "INVALID_RESOURCE_NAME"},
        {base + "+1", "INVALID_RESOURCE_NAME"},
        {base + " 1", "INVALID_RESOURCE_NAME"},
        {base + "1 ", "INVALID_RESOURCE_NAME"},
        {base + "1.5", "INVALID_RESOURCE_NAME"},
        {base + "99999999999999999999", "INVALID_RESOURCE_NAME"},
        {base + "1 OR 1=1", "INVALID_RESOURCE_NAME"},
        {base + "1/extra", "INVALID_RESOURCE_NAME"},
        {"enterprises/" + e1 + "/" + collection + "s/1", "INVALID_RESOURCE_NAME"},
        {"enterprises/" + WrongCheckCharacter(e1) + "/" + collection + "/1",
         "INVALID_CREDIT_CODE"},
        {"enterprises/" + absl::AsciiStrToLower(e1) + "/" + collection + "/1",
         "INVALID_CREDIT_CODE"},
        {kSql, "INVALID_RESOURCE_NAME"},
        {base + std::string(100000, '9'), "INVALID_RESOURCE_NAME"},
    };
  };
  // Malformed enterprise names (parents).
  const std::vector<std::pair<std::string, std::string>> enterprise_names = {
      {"", "INVALID_RESOURCE_NAME"},
      {e1, "INVALID_RESOURCE_NAME"},
      {"enterprise/" + e1, "INVALID_RESOURCE_NAME"},
      {"Enterprises/" + e1, "INVALID_RESOURCE_NAME"},
      {"enterprises/" + WrongCheckCharacter(e1), "INVALID_CREDIT_CODE"},
      {"enterprises/" + absl::AsciiStrToLower(e1), "INVALID_CREDIT_CODE"},
      {"enterprises/" + e1 + "/", "INVALID_CREDIT_CODE"},
      {"enterprises/" + e1 + "/rating", "INVALID_CREDIT_CODE"},
      {"enterprises/" + kSql, "INVALID_CREDIT_CODE"},
      {kSql, "INVALID_RESOURCE_NAME"},
      {"enterprises/" + std::string(100000, 'A'), "INVALID_CREDIT_CODE"},
  };
  const std::vector<std::pair<std::string, std::string>> rating_names = {
      {"", "INVALID_RESOURCE_NAME"},
      {"enterprises/" + e1, "INVALID_RESOURCE_NAME"},
      {"enterprises//rating", "INVALID_RESOURCE_NAME"},
      {"enterprises/" + e1 + "/ratings", "INVALID_RESOURCE_NAME"},
      {"enterprises/" + e1 + "/rating/", "INVALID_RESOURCE_NAME"},
      {"enterprises/" + WrongCheckCharacter(e1) + "/rating", "INVALID_CREDIT_CODE"},
      {"enterprises/" + absl::AsciiStrToLower(e1) + "/rating", "INVALID_CREDIT_CODE"},
      {"enterprises/" + kSql + "/rating", "INVALID_CREDIT_CODE"},
  };
  const std::vector<std::pair<std::string, std::string>> publication_names = {
      {"", "INVALID_RESOURCE_NAME"},
      {"lists/red/publications/1", "INVALID_RESOURCE_NAME"},
      {"lists/HONOR/publications/1", "INVALID_RESOURCE_NAME"},
      {"lists/honor/publications/0", "INVALID_RESOURCE_NAME"},
      {"lists/honor/publications/-1", "INVALID_RESOURCE_NAME"},
      {"lists/honor/publications/x", "INVALID_RESOURCE_NAME"},
      {"lists/honor/publications/01", "INVALID_RESOURCE_NAME"},
      {"lists/honor/publications/+1", "INVALID_RESOURCE_NAME"},
      {"lists/honor/publications/ 1", "INVALID_RESOURCE_NAME"},
      {"lists/honor/publications/1/", "INVALID_RESOURCE_NAME"},
      {"lists/honor/1", "INVALID_RESOURCE_NAME"},
      {kSql, "INVALID_RESOURCE_NAME"},
      {"lists/honor/publications/1 OR 1=1", "INVALID_RESOURCE_NAME"},
  };
  const std::vector<std::pair<std::string, std::string>> objection_names = {
      {"", "INVALID_RESOURCE_NAME"},
      {w->publication, "INVALID_RESOURCE_NAME"},
      {w->publication + "/objections/0", "INVALID_RESOURCE_NAME"},
      {w->publication + "/objections/x", "INVALID_RESOURCE_NAME"},
      {w->publication + "/objections/01", "INVALID_RESOURCE_NAME"},
      {w->publication + "/objections/+1", "INVALID_RESOURCE_NAME"},
      {"lists/red/publications/1/objections/1", "INVALID_RESOURCE_NAME"},
      {w->publication + "/objections/1; DROP TABLE objections", "INVALID_RESOURCE_NAME"},
      {kSql, "INVALID_RESOURCE_NAME"},
  };

  // ------------------------------------------------------- EnterpriseService
  {
    Rows<v1::CreateEnterpriseRequest> add(&cases, w, "EnterpriseService/CreateEnterprise");
    add.CreditCode("enterprise.credit_code", [](auto& r, const std::string& v) {
      r.mutable_enterprise()->set_credit_code(v);
    });
    add.PublishedName("enterprise.display_name", [](auto& r, const std::string& v) {
      r.mutable_enterprise()->set_display_name(v);
    }, 1, 200);
    add.PublishedName("enterprise.legal_representative", [](auto& r, const std::string& v) {
      r.mutable_enterprise()->set_legal_representative(v);
    }, 0, 100);
    add.Text("enterprise.address", [](auto& r, const std::string& v) {
      r.mutable_enterprise()->set_address(v);
    }, 0, 500);
    for (const std::string region : {"32010", "3201000", "32O100", "32010a", "３２０１００", kSql.c_str()}) {
      add("enterprise.region_code: \"" + region + "\"",
          [=](auto& r) { r.mutable_enterprise()->set_region_code(region); },
          "enterprise.region_code", "INVALID_REGION_CODE");
    }
    add("enterprise.region_code: not UTF-8",
        [](auto& r) { r.mutable_enterprise()->set_region_code(kNotUtf8); },
        "enterprise.region_code", "INVALID_TEXT");
    add("enterprise.industry: unspecified",
        [](auto& r) { r.mutable_enterprise()->set_industry(v1::INDUSTRY_UNSPECIFIED); },
        "enterprise.industry", "INVALID_ENUM");
    add("enterprise.industry: 999",
        [](auto& r) { r.mutable_enterprise()->set_industry(Unknown<v1::Industry>()); },
        "enterprise.industry", "INVALID_ENUM");
    add("enterprise.industry: 17 (between MINING and OTHER)",
        [](auto& r) { r.mutable_enterprise()->set_industry(Unknown<v1::Industry>(17)); },
        "enterprise.industry", "INVALID_ENUM");
    add("enterprise.industry: -1 (set through reflection)",
        [](auto& r) {
          auto* e = r.mutable_enterprise();
          e->GetReflection()->SetEnumValue(
              e, e->GetDescriptor()->FindFieldByName("industry"), -1);
        },
        "enterprise.industry", "INVALID_ENUM");
    add("enterprise.status: 999",
        [](auto& r) { r.mutable_enterprise()->set_status(Unknown<v1::EnterpriseStatus>()); },
        "enterprise.status", "INVALID_ENUM");
    add.RequestId([](auto& r, const std::string& v) { r.set_request_id(v); });
  }
  {
    Rows<v1::BatchCreateEnterprisesRequest> add(&cases, w,
                                                "EnterpriseService/BatchCreateEnterprises");
    add("requests: none", [](auto& r) { r.clear_requests(); }, "requests",
        "INVALID_BATCH_SIZE");
    add("requests: 1,001 requests",
        [](auto& r) {
          for (int i = 1; i <= 1000; ++i) *r.add_requests() = r.requests(0);
        },
        "requests", "INVALID_BATCH_SIZE");
    // Per item: the error a CreateEnterprise would have returned.
    auto item = [](auto spoil) {
      return [spoil](v1::BatchCreateEnterprisesRequest& r) { spoil(*r.mutable_requests(0)); };
    };
    add.Item("requests[0].enterprise.credit_code: bad check character",
             item([](auto& i) { i.mutable_enterprise()->set_credit_code("91330106123456789A"); }),
             "enterprise.credit_code", "INVALID_CREDIT_CODE");
    add.Item("requests[0].enterprise.display_name: only U+3000",
             item([](auto& i) { i.mutable_enterprise()->set_display_name("\u3000\u3000"); }),
             "enterprise.display_name", "INVALID_TEXT");
    add.Item("requests[0].enterprise.industry: 999",
             item([](auto& i) { i.mutable_enterprise()->set_industry(Unknown<v1::Industry>()); }),
             "enterprise.industry", "INVALID_ENUM");
    add.Item("requests[0].request_id: 65 characters",
             item([](auto& i) { i.set_request_id(std::string(65, 'r')); }), "request_id",
             "INVALID_REQUEST_ID");
  }
  {
    Rows<v1::GetEnterpriseRequest> add(&cases, w, "EnterpriseService/GetEnterprise");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); },
             enterprise_names);
  }
  {
    Rows<v1::ListEnterprisesRequest> add(&cases, w, "EnterpriseService/ListEnterprises");
    add.Paging("32\x1f" "0\x1f" "0\x1f");
    add("page_token: issued for region_prefix 32, used with 33",
        [=](auto& r) {
          r.set_page_token(w->enterprises_page);
          r.set_region_prefix("33");
        },
        "page_token", "INVALID_PAGE_TOKEN");
    add("page_token: issued by ListRatings",
        [=](auto& r) {
          r.set_page_token(w->ratings_page);
          r.set_region_prefix("32");
        },
        "page_token", "INVALID_PAGE_TOKEN");
    for (const std::string prefix : {"3201001", "32a", "-32", "3 2", "%", "_", kSql.c_str()}) {
      add("region_prefix: \"" + prefix + "\"",
          [=](auto& r) { r.set_region_prefix(prefix); }, "region_prefix",
          "INVALID_REGION_CODE");
    }
    add("region_prefix: not UTF-8", [](auto& r) { r.set_region_prefix(kNotUtf8); },
        "region_prefix", "INVALID_TEXT");
    add("industry: 999", [](auto& r) { r.set_industry(Unknown<v1::Industry>()); },
        "industry", "INVALID_ENUM");
    add("industry: -5", [](auto& r) { r.set_industry(Unknown<v1::Industry>(-5)); },
        "industry", "INVALID_ENUM");
    add("status: 999", [](auto& r) { r.set_status(Unknown<v1::EnterpriseStatus>()); },
        "status", "INVALID_ENUM");
    add.Text("name_contains", [](auto& r, const std::string& v) { r.set_name_contains(v); },
             0, 100);
  }
  {
    Rows<v1::UpdateEnterpriseRequest> add(&cases, w, "EnterpriseService/UpdateEnterprise");
    add.Name("enterprise.name",
             [](auto& r, const std::string& v) { r.mutable_enterprise()->set_name(v); },
             enterprise_names);
    for (const std::string etag : {"abc", "\"\"", "\"0\"", "\"-1\"", "1", "\"1", kSql.c_str()}) {
      add("enterprise.etag: " + etag,
          [=](auto& r) { r.mutable_enterprise()->set_etag(etag); }, "enterprise.etag",
          "INVALID_ETAG");
    }
    add("update_mask: credit_code (immutable)",
        [](auto& r) { r.mutable_update_mask()->add_paths("credit_code"); },
        "update_mask", "FIELD_IMMUTABLE");
    add("update_mask: name (immutable)",
        [](auto& r) { r.mutable_update_mask()->add_paths("name"); }, "update_mask",
        "FIELD_IMMUTABLE");
    add("update_mask: update_time (output only)",
        [](auto& r) { r.mutable_update_mask()->add_paths("update_time"); },
        "update_mask", "FIELD_OUTPUT_ONLY");
    add("update_mask: an unknown field",
        [](auto& r) { r.mutable_update_mask()->add_paths("revenue"); }, "update_mask",
        "UNKNOWN_FIELD");
    add("update_mask: SQL-looking",
        [](auto& r) { r.mutable_update_mask()->add_paths(kSql); }, "update_mask",
        "UNKNOWN_FIELD");
    // BUG(bad-input-1)
    add.Bug(kBugUtf8Index, "update_mask.paths[1]: not UTF-8",
            [](auto& r) { r.mutable_update_mask()->add_paths(kNotUtf8); },
            "update_mask.paths", "INVALID_TEXT");
    auto masked = [](const std::string& path) {
      return [path](v1::UpdateEnterpriseRequest& r) {
        r.mutable_update_mask()->clear_paths();
        r.mutable_update_mask()->add_paths(path);
      };
    };
    add.PublishedName("enterprise.display_name", [=](auto& r, const std::string& v) {
      masked("display_name")(r);
      r.mutable_enterprise()->set_display_name(v);
    }, 1, 200);
    add.PublishedName("enterprise.legal_representative", [=](auto& r, const std::string& v) {
      masked("legal_representative")(r);
      r.mutable_enterprise()->set_legal_representative(v);
    }, 0, 100);
    add.Text("enterprise.address", [=](auto& r, const std::string& v) {
      masked("address")(r);
      r.mutable_enterprise()->set_address(v);
    }, 0, 500);
    for (const std::string region : {"3201", "ABCDEF", kSql.c_str()}) {
      add("enterprise.region_code: \"" + region + "\"",
          [=](auto& r) {
            masked("region_code")(r);
            r.mutable_enterprise()->set_region_code(region);
          },
          "enterprise.region_code", "INVALID_REGION_CODE");
    }
    add("enterprise.industry: 999",
        [=](auto& r) {
          masked("industry")(r);
          r.mutable_enterprise()->set_industry(Unknown<v1::Industry>());
        },
        "enterprise.industry", "INVALID_ENUM");
    add("enterprise.industry: unspecified",
        [=](auto& r) {
          masked("industry")(r);
          r.mutable_enterprise()->set_industry(v1::INDUSTRY_UNSPECIFIED);
        },
        "enterprise.industry", "INVALID_ENUM");
    add("enterprise.status: 999",
        [=](auto& r) {
          masked("status")(r);
          r.mutable_enterprise()->set_status(Unknown<v1::EnterpriseStatus>());
        },
        "enterprise.status", "INVALID_ENUM");
    add("update_mask: empty, and no updatable field set",
        [](auto& r) {
          r.mutable_update_mask()->clear_paths();
          r.mutable_enterprise()->clear_display_name();
        },
        "update_mask", "EMPTY_UPDATE");
    add.RequestId([](auto& r, const std::string& v) { r.set_request_id(v); });
  }

  // ----------------------------------------------------------- RecordService
  {
    Rows<v1::CreateCommitmentRequest> add(&cases, w, "RecordService/CreateCommitment");
    add.Name("parent", [](auto& r, const std::string& v) { r.set_parent(v); },
             enterprise_names);
    add("commitment.kind: unspecified",
        [](auto& r) { r.mutable_commitment()->set_kind(v1::COMMITMENT_KIND_UNSPECIFIED); },
        "commitment.kind", "INVALID_ENUM");
    add("commitment.kind: 999",
        [](auto& r) { r.mutable_commitment()->set_kind(Unknown<v1::CommitmentKind>()); },
        "commitment.kind", "INVALID_ENUM");
    add.PublishedName("commitment.signer", [](auto& r, const std::string& v) {
      r.mutable_commitment()->set_signer(v);
    }, 1, 100);
    add.Date("commitment.signing_date", [](auto& r, const v1::Date& d) {
      *r.mutable_commitment()->mutable_signing_date() = d;
    }, DateRule::kRecord);
    add("commitment.items[0].description: empty",
        [](auto& r) { r.mutable_commitment()->mutable_items(0)->set_description(""); },
        "commitment.items[0].description", "TEXT_LENGTH");
    add("commitment.items[0].description: 501 characters",
        [](auto& r) {
          r.mutable_commitment()->mutable_items(0)->set_description(ChineseText(501));
        },
        "commitment.items[0].description", "TEXT_LENGTH");
    add("commitment.items[1].description: a control character",
        [](auto& r) {
          auto* item = r.mutable_commitment()->add_items();
          *item = r.commitment().items(0);
          item->set_description("整改\t完成");
        },
        "commitment.items[1].description", "INVALID_TEXT");
    // BUG(bad-input-1)
    add.Bug(kBugUtf8Index, "commitment.items[0].description: not UTF-8",
            [](auto& r) { r.mutable_commitment()->mutable_items(0)->set_description(kNotUtf8); },
            "commitment.items.description", "INVALID_TEXT");
    add("commitment.items[0].due_date: before the signing date",
        [](auto& r) {
          *r.mutable_commitment()->mutable_items(0)->mutable_due_date() = Day(2025, 1, 9);
        },
        "commitment.items[0].due_date", "DATE_OUT_OF_RANGE");
    add("commitment.items[0].due_date: 2101-01-01",
        [](auto& r) {
          *r.mutable_commitment()->mutable_items(0)->mutable_due_date() = Day(2101, 1, 1);
        },
        "commitment.items[0].due_date", "DATE_OUT_OF_RANGE");
    add("commitment.items[0].due_date: 2025-02-29 (not a leap year)",
        [](auto& r) {
          *r.mutable_commitment()->mutable_items(0)->mutable_due_date() = Day(2025, 2, 29);
        },
        "commitment.items[0].due_date", "INVALID_DATE");
    add("commitment.items[0].due_date: 10000-01-01",
        [](auto& r) {
          *r.mutable_commitment()->mutable_items(0)->mutable_due_date() = Day(10000, 1, 1);
        },
        "commitment.items[0].due_date", "INVALID_DATE");
    add("commitment.items: 101 items",
        [](auto& r) {
          for (int i = 0; i < 100; ++i) {
            *r.mutable_commitment()->add_items() = r.commitment().items(0);
          }
        },
        "commitment.items", "TOO_MANY_ITEMS");
    add.RequestId([](auto& r, const std::string& v) { r.set_request_id(v); });
  }
  {
    Rows<v1::GetCommitmentRequest> add(&cases, w, "RecordService/GetCommitment");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); },
             record_names("commitments"));
    add("name: a penalty decision's name",
        [=](auto& r) { r.set_name(w->decision); }, "name", "INVALID_RESOURCE_NAME");
  }
  {
    Rows<v1::ListCommitmentsRequest> add(&cases, w, "RecordService/ListCommitments");
    add.Name("parent", [](auto& r, const std::string& v) { r.set_parent(v); },
             enterprise_names);
    add.Paging("enterprises/" + e1);
    add("page_token: issued for e1, used for e2",
        [=](auto& r) {
          r.set_page_token(w->commitments_page);
          r.set_parent("enterprises/" + e2);
        },
        "page_token", "INVALID_PAGE_TOKEN");
    add("page_token: issued by ListEnterprises",
        [=](auto& r) { r.set_page_token(w->enterprises_page); }, "page_token",
        "INVALID_PAGE_TOKEN");
  }
  {
    Rows<v1::CheckCommitmentItemRequest> add(&cases, w, "RecordService/CheckCommitmentItem");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); },
             record_names("commitments"));
    add("item_number: 0", [](auto& r) { r.set_item_number(0); }, "item_number",
        "INVALID_ITEM_NUMBER");
    add("item_number: -1", [](auto& r) { r.set_item_number(-1); }, "item_number",
        "INVALID_ITEM_NUMBER");
    add("outcome: unspecified",
        [](auto& r) { r.set_outcome(v1::COMMITMENT_ITEM_STATE_UNSPECIFIED); }, "outcome",
        "INVALID_ENUM");
    add("outcome: PENDING", [](auto& r) { r.set_outcome(v1::PENDING); }, "outcome",
        "INVALID_ENUM");
    add("outcome: 999",
        [](auto& r) { r.set_outcome(Unknown<v1::CommitmentItemState>()); }, "outcome",
        "INVALID_ENUM");
    add.Date("check_date", [](auto& r, const v1::Date& d) { *r.mutable_check_date() = d; },
             DateRule::kRecord);
    add.Text("note", [](auto& r, const std::string& v) { r.set_note(v); }, 0, 500);
    add.RequestId([](auto& r, const std::string& v) { r.set_request_id(v); });
  }
  {
    Rows<v1::CreatePenaltyDecisionRequest> add(&cases, w, "RecordService/CreatePenaltyDecision");
    add.Name("parent", [](auto& r, const std::string& v) { r.set_parent(v); },
             enterprise_names);
    add.Identifier("penalty_decision.authority", [](auto& r, const std::string& v) {
      r.mutable_penalty_decision()->set_authority(v);
    }, 1, 100);
    add.Identifier("penalty_decision.decision_number", [](auto& r, const std::string& v) {
      r.mutable_penalty_decision()->set_decision_number(v);
    }, 1, 100);
    add("penalty_decision.violation_type: unspecified",
        [](auto& r) {
          r.mutable_penalty_decision()->set_violation_type(v1::VIOLATION_TYPE_UNSPECIFIED);
        },
        "penalty_decision.violation_type", "INVALID_ENUM");
    add("penalty_decision.violation_type: 999",
        [](auto& r) {
          r.mutable_penalty_decision()->set_violation_type(Unknown<v1::ViolationType>());
        },
        "penalty_decision.violation_type", "INVALID_ENUM");
    add("penalty_decision.violation_type: 7 (a gap in the numbering)",
        [](auto& r) {
          r.mutable_penalty_decision()->set_violation_type(Unknown<v1::ViolationType>(7));
        },
        "penalty_decision.violation_type", "INVALID_ENUM");
    add.Date("penalty_decision.decision_date", [](auto& r, const v1::Date& d) {
      *r.mutable_penalty_decision()->mutable_decision_date() = d;
    }, DateRule::kRecord);
    add("penalty_decision.measures: none",
        [](auto& r) {
          r.mutable_penalty_decision()->clear_measures();
          r.mutable_penalty_decision()->set_fine_amount_fen(0);
        },
        "penalty_decision.measures", "MEASURES_EMPTY");
    add("penalty_decision.measures[2]: 999",
        [](auto& r) { r.mutable_penalty_decision()->add_measures(Unknown<v1::Measure>()); },
        "penalty_decision.measures[2]", "INVALID_ENUM");
    add("penalty_decision.measures[2]: unspecified",
        [](auto& r) { r.mutable_penalty_decision()->add_measures(v1::MEASURE_UNSPECIFIED); },
        "penalty_decision.measures[2]", "INVALID_ENUM");
    add("penalty_decision.measures[0]: -1",
        [](auto& r) {
          r.mutable_penalty_decision()->set_measures(0, Unknown<v1::Measure>(-1));
        },
        "penalty_decision.measures[0]", "INVALID_ENUM");
    add("penalty_decision.measures[2]: FINE twice",
        [](auto& r) { r.mutable_penalty_decision()->add_measures(v1::FINE); },
        "penalty_decision.measures[2]", "DUPLICATE_MEASURE");
    for (const int64_t fen : {int64_t{-1}, int64_t{-2000000},
                              std::numeric_limits<int64_t>::min(),
                              int64_t{1'000'000'000'001},
                              std::numeric_limits<int64_t>::max()}) {
      add(absl::StrCat("penalty_decision.fine_amount_fen: ", fen),
          [=](auto& r) { r.mutable_penalty_decision()->set_fine_amount_fen(fen); },
          "penalty_decision.fine_amount_fen", "FINE_AMOUNT_OUT_OF_RANGE");
    }
    add("penalty_decision.fine_amount_fen: 0 with FINE",
        [](auto& r) { r.mutable_penalty_decision()->set_fine_amount_fen(0); },
        "penalty_decision.fine_amount_fen", "FINE_AMOUNT_REQUIRED");
    add("penalty_decision.fine_amount_fen: set without FINE",
        [](auto& r) {
          r.mutable_penalty_decision()->clear_measures();
          r.mutable_penalty_decision()->add_measures(v1::WARNING);
        },
        "penalty_decision.fine_amount_fen", "FINE_AMOUNT_NOT_ALLOWED");
    add("penalty_decision.recurrence_of: malformed",
        [](auto& r) {
          r.mutable_penalty_decision()->set_recurrence(true);
          r.mutable_penalty_decision()->set_recurrence_of(kSql);
        },
        "penalty_decision.recurrence_of", "INVALID_RESOURCE_NAME");
    add("penalty_decision.recurrence_of: a decision of another enterprise",
        [=](auto& r) {
          r.mutable_penalty_decision()->set_recurrence(true);
          r.mutable_penalty_decision()->set_recurrence_of("enterprises/" + e2 +
                                                          "/penaltyDecisions/1");
        },
        "penalty_decision.recurrence_of", "INVALID_RESOURCE_NAME");
    add("penalty_decision.recurrence_of: a commitment",
        [=](auto& r) {
          r.mutable_penalty_decision()->set_recurrence(true);
          r.mutable_penalty_decision()->set_recurrence_of(w->commitment);
        },
        "penalty_decision.recurrence_of", "INVALID_RESOURCE_NAME");
    add("penalty_decision.recurrence_of: without recurrence",
        [=](auto& r) { r.mutable_penalty_decision()->set_recurrence_of(w->decision); },
        "penalty_decision.recurrence_of", "RECURRENCE_NOT_SET");
    add.RequestId([](auto& r, const std::string& v) { r.set_request_id(v); });
  }
  {
    Rows<v1::BatchCreatePenaltyDecisionsRequest> add(
        &cases, w, "RecordService/BatchCreatePenaltyDecisions");
    add("requests: none", [](auto& r) { r.clear_requests(); }, "requests",
        "INVALID_BATCH_SIZE");
    add("requests: 1,001 valid requests",
        [](auto& r) {
          for (int i = 1; i <= 1000; ++i) {
            v1::CreatePenaltyDecisionRequest* item = r.add_requests();
            *item = r.requests(0);
            item->mutable_penalty_decision()->set_decision_number(
                absl::StrCat("宁环罚〔2025〕", 1000 + i, "号"));
          }
        },
        "requests", "INVALID_BATCH_SIZE");
    // Per item: the error a CreatePenaltyDecision would have returned.
    auto item = [](auto spoil) {
      return [spoil](v1::BatchCreatePenaltyDecisionsRequest& r) {
        spoil(*r.mutable_requests(0));
      };
    };
    add.Item("requests[0].parent: lower case",
             item([=](auto& i) { i.set_parent("enterprises/" + absl::AsciiStrToLower(e1)); }),
             "parent", "INVALID_CREDIT_CODE");
    add.Item("requests[0].penalty_decision.fine_amount_fen: -1",
             item([](auto& i) { i.mutable_penalty_decision()->set_fine_amount_fen(-1); }),
             "penalty_decision.fine_amount_fen", "FINE_AMOUNT_OUT_OF_RANGE");
    add.Item("requests[0].penalty_decision.violation_type: 999",
             item([](auto& i) {
               i.mutable_penalty_decision()->set_violation_type(Unknown<v1::ViolationType>());
             }),
             "penalty_decision.violation_type", "INVALID_ENUM");
    add.Item("requests[0].penalty_decision.decision_date: 1989-12-31",
             item([](auto& i) {
               *i.mutable_penalty_decision()->mutable_decision_date() = Day(1989, 12, 31);
             }),
             "penalty_decision.decision_date", "DATE_OUT_OF_RANGE");
    add.Item("requests[0].penalty_decision.decision_date: 2025-02-30",
             item([](auto& i) {
               *i.mutable_penalty_decision()->mutable_decision_date() = Day(2025, 2, 30);
             }),
             "penalty_decision.decision_date", "INVALID_DATE");
    add.Item("requests[0].penalty_decision.authority: 101 characters",
             item([](auto& i) { i.mutable_penalty_decision()->set_authority(ChineseText(101)); }),
             "penalty_decision.authority", "TEXT_LENGTH");
    // Issue 13 finding 3: beside the stored 宁环罚〔2025〕1号 of the same
    // authority, this was ABORTED DB_CONFLICT for the whole call.
    add.Item("requests[0].penalty_decision.decision_number: a trailing space, beside the "
             "stored one",
             item([](auto& i) {
               i.mutable_penalty_decision()->set_decision_number("宁环罚〔2025〕1号 ");
             }),
             "penalty_decision.decision_number", "SURROUNDING_WHITESPACE");
    add.Item("requests[0].penalty_decision.authority: a trailing U+3000",
             item([](auto& i) {
               i.mutable_penalty_decision()->set_authority(
                   i.penalty_decision().authority() + "\u3000");
             }),
             "penalty_decision.authority", "SURROUNDING_WHITESPACE");
    add.Item("requests[0].request_id: a space",
             item([](auto& i) { i.set_request_id("retry 1"); }), "request_id",
             "INVALID_REQUEST_ID");
    // BUG(bad-input-1)
    add.Bug(kBugUtf8Index, "requests[0].penalty_decision.authority: not UTF-8",
            item([](auto& i) { i.mutable_penalty_decision()->set_authority(kNotUtf8); }),
            "requests.penalty_decision.authority", "INVALID_TEXT");
  }
  {
    Rows<v1::GetPenaltyDecisionRequest> add(&cases, w, "RecordService/GetPenaltyDecision");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); },
             record_names("penaltyDecisions"));
    add("name: a complaint's name", [=](auto& r) { r.set_name(w->complaint); }, "name",
        "INVALID_RESOURCE_NAME");
  }
  {
    Rows<v1::ListPenaltyDecisionsRequest> add(&cases, w, "RecordService/ListPenaltyDecisions");
    add.Name("parent", [](auto& r, const std::string& v) { r.set_parent(v); },
             enterprise_names);
    add.Paging("enterprises/" + e1 + "\x1f" "0");
    add("page_token: issued for any state, used for IN_FORCE",
        [=](auto& r) {
          r.set_page_token(w->decisions_page);
          r.set_state(v1::IN_FORCE);
        },
        "page_token", "INVALID_PAGE_TOKEN");
    add("state: 999", [](auto& r) { r.set_state(Unknown<v1::PenaltyDecisionState>()); },
        "state", "INVALID_ENUM");
    add("state: -1", [](auto& r) { r.set_state(Unknown<v1::PenaltyDecisionState>(-1)); },
        "state", "INVALID_ENUM");
  }
  {
    Rows<v1::MarkPenaltyDecisionRectifiedRequest> add(
        &cases, w, "RecordService/MarkPenaltyDecisionRectified");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); },
             record_names("penaltyDecisions"));
    add.Date("rectified_date",
             [](auto& r, const v1::Date& d) { *r.mutable_rectified_date() = d; },
             DateRule::kRecord);
    add("rectified_date: absent", [](auto& r) { r.clear_rectified_date(); },
        "rectified_date", "INVALID_DATE");
    add("rectified_date: before the decision",
        [](auto& r) { *r.mutable_rectified_date() = Day(2025, 1, 31); }, "rectified_date",
        "RECTIFIED_BEFORE_DECISION");
    add.RequestId([](auto& r, const std::string& v) { r.set_request_id(v); });
  }
  {
    Rows<v1::RevokePenaltyDecisionRequest> add(&cases, w, "RecordService/RevokePenaltyDecision");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); },
             record_names("penaltyDecisions"));
    add.Date("revocation.date", [](auto& r, const v1::Date& d) {
      *r.mutable_revocation()->mutable_date() = d;
    }, DateRule::kRecord);
    add("revocation.date: before the decision",
        [](auto& r) { *r.mutable_revocation()->mutable_date() = Day(2025, 1, 31); },
        "revocation.date", "REVOKED_BEFORE_DECISION");
    add("revocation.reason: unspecified",
        [](auto& r) { r.mutable_revocation()->set_reason(v1::REVOCATION_REASON_UNSPECIFIED); },
        "revocation.reason", "INVALID_ENUM");
    add("revocation.reason: 999",
        [](auto& r) { r.mutable_revocation()->set_reason(Unknown<v1::RevocationReason>()); },
        "revocation.reason", "INVALID_ENUM");
    add.Text("revocation.note", [](auto& r, const std::string& v) {
      r.mutable_revocation()->set_note(v);
    }, 0, 500);
    add.RequestId([](auto& r, const std::string& v) { r.set_request_id(v); });
  }
  {
    Rows<v1::CreateComplaintRequest> add(&cases, w, "RecordService/CreateComplaint");
    add.Name("parent", [](auto& r, const std::string& v) { r.set_parent(v); },
             enterprise_names);
    add.Date("complaint.received_date", [](auto& r, const v1::Date& d) {
      *r.mutable_complaint()->mutable_received_date() = d;
    }, DateRule::kRecord);
    add("complaint.channel: unspecified",
        [](auto& r) { r.mutable_complaint()->set_channel(v1::COMPLAINT_CHANNEL_UNSPECIFIED); },
        "complaint.channel", "INVALID_ENUM");
    add("complaint.channel: 999",
        [](auto& r) { r.mutable_complaint()->set_channel(Unknown<v1::ComplaintChannel>()); },
        "complaint.channel", "INVALID_ENUM");
    add.Identifier("complaint.case_number", [](auto& r, const std::string& v) {
      r.mutable_complaint()->set_case_number(v);
    }, 1, 100);
    add.Text("complaint.summary", [](auto& r, const std::string& v) {
      r.mutable_complaint()->set_summary(v);
    }, 0, 1000);
    add("complaint.decisions[0]: malformed",
        [](auto& r) { r.mutable_complaint()->add_decisions(kSql); }, "complaint.decisions[0]",
        "INVALID_RESOURCE_NAME");
    add("complaint.decisions[1]: a decision of another enterprise",
        [=](auto& r) {
          r.mutable_complaint()->add_decisions(w->decision);
          r.mutable_complaint()->add_decisions("enterprises/" + e2 + "/penaltyDecisions/1");
        },
        "complaint.decisions[1]", "INVALID_RESOURCE_NAME");
    add("complaint.decisions[1]: the same decision twice",
        [=](auto& r) {
          r.mutable_complaint()->add_decisions(w->decision);
          r.mutable_complaint()->add_decisions(w->decision);
        },
        "complaint.decisions[1]", "DUPLICATE_DECISION_LINK");
    add("complaint.decisions: 51 decisions",
        [=](auto& r) {
          for (int i = 1; i <= 51; ++i) {
            r.mutable_complaint()->add_decisions(
                absl::StrCat("enterprises/", e1, "/penaltyDecisions/", i));
          }
        },
        "complaint.decisions", "TOO_MANY_DECISIONS");
    // BUG(bad-input-1)
    add.Bug(kBugUtf8Index, "complaint.decisions[0]: not UTF-8",
            [](auto& r) { r.mutable_complaint()->add_decisions(kNotUtf8); },
            "complaint.decisions", "INVALID_TEXT");
    add("complaint.decision_references[0]: no authority",
        [](auto& r) {
          r.mutable_complaint()->add_decision_references()->set_decision_number("宁环罚〔2025〕1号");
        },
        "complaint.decision_references[0]", "INVALID_DECISION_REFERENCE");
    add("complaint.decision_references[0]: no decision number",
        [](auto& r) {
          r.mutable_complaint()->add_decision_references()->set_authority("南京市生态环境局");
        },
        "complaint.decision_references[0]", "INVALID_DECISION_REFERENCE");
    // BUG(bad-input-5)
    add.Bug(kBugDecisionReference, "complaint.decision_references[0].authority: 101 characters",
            [](auto& r) {
              auto* ref = r.mutable_complaint()->add_decision_references();
              ref->set_authority(ChineseText(101));
              ref->set_decision_number("宁环罚〔2025〕1号");
            },
            "complaint.decision_references[0].authority", "TEXT_LENGTH");
    // BUG(bad-input-5)
    add.Bug(kBugDecisionReference,
            "complaint.decision_references[0].decision_number: a control character",
            [](auto& r) {
              auto* ref = r.mutable_complaint()->add_decision_references();
              ref->set_authority("南京市生态环境局");
              ref->set_decision_number("宁环罚\x01");
            },
            "complaint.decision_references[0].decision_number", "INVALID_TEXT");
    add("complaint.decision_references[0].decision_number: a trailing space",
        [](auto& r) {
          auto* ref = r.mutable_complaint()->add_decision_references();
          ref->set_authority("南京市生态环境局");
          ref->set_decision_number("宁环罚〔2025〕1号 ");
        },
        "complaint.decision_references[0].decision_number", "SURROUNDING_WHITESPACE");
    add("complaint.decision_references[0].authority: a bidi override",
        [](auto& r) {
          auto* ref = r.mutable_complaint()->add_decision_references();
          ref->set_authority("南京市\u202e局境环态生");
          ref->set_decision_number("宁环罚〔2025〕1号");
        },
        "complaint.decision_references[0].authority", "INVALID_TEXT");
    // BUG(bad-input-1)
    add.Bug(kBugUtf8Index, "complaint.decision_references[0].authority: not UTF-8",
            [](auto& r) {
              auto* ref = r.mutable_complaint()->add_decision_references();
              ref->set_authority(kNotUtf8);
              ref->set_decision_number("宁环罚〔2025〕1号");
            },
            "complaint.decision_references.authority", "INVALID_TEXT");
    add.RequestId([](auto& r, const std::string& v) { r.set_request_id(v); });
  }
  {
    Rows<v1::GetComplaintRequest> add(&cases, w, "RecordService/GetComplaint");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); },
             record_names("complaints"));
  }
  {
    Rows<v1::ListComplaintsRequest> add(&cases, w, "RecordService/ListComplaints");
    add.Name("parent", [](auto& r, const std::string& v) { r.set_parent(v); },
             enterprise_names);
    add.Paging("enterprises/" + e1);
    add("page_token: issued by ListCommitments of e1, used for e2",
        [=](auto& r) {
          r.set_page_token(w->commitments_page);
          r.set_parent("enterprises/" + e2);
        },
        "page_token", "INVALID_PAGE_TOKEN");
  }
  {
    Rows<v1::CreateIncidentRequest> add(&cases, w, "RecordService/CreateIncident");
    add.Name("parent", [](auto& r, const std::string& v) { r.set_parent(v); },
             enterprise_names);
    add.Date("incident.date",
             [](auto& r, const v1::Date& d) { *r.mutable_incident()->mutable_date() = d; },
             DateRule::kRecord);
    add("incident.grade: unspecified",
        [](auto& r) { r.mutable_incident()->set_grade(v1::INCIDENT_GRADE_UNSPECIFIED); },
        "incident.grade", "INVALID_ENUM");
    add("incident.grade: 999",
        [](auto& r) { r.mutable_incident()->set_grade(Unknown<v1::IncidentGrade>()); },
        "incident.grade", "INVALID_ENUM");
    add.Text("incident.description", [](auto& r, const std::string& v) {
      r.mutable_incident()->set_description(v);
    }, 0, 1000);
    add.RequestId([](auto& r, const std::string& v) { r.set_request_id(v); });
  }
  {
    Rows<v1::GetIncidentRequest> add(&cases, w, "RecordService/GetIncident");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); },
             record_names("incidents"));
  }
  {
    Rows<v1::ListIncidentsRequest> add(&cases, w, "RecordService/ListIncidents");
    add.Name("parent", [](auto& r, const std::string& v) { r.set_parent(v); },
             enterprise_names);
    add.Paging("enterprises/" + e1);
  }

  // ----------------------------------------------------------- RatingService
  {
    Rows<v1::GetRatingRequest> add(&cases, w, "RatingService/GetRating");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); }, rating_names);
    add.Date("as_of", [](auto& r, const v1::Date& d) { *r.mutable_as_of() = d; },
             DateRule::kAsOf);
    add("view: 999", [](auto& r) { r.set_view(Unknown<v1::RatingView>()); }, "view",
        "INVALID_ENUM");
    add("view: -1", [](auto& r) { r.set_view(Unknown<v1::RatingView>(-1)); }, "view",
        "INVALID_ENUM");
  }
  {
    Rows<v1::BatchGetRatingsRequest> add(&cases, w, "RatingService/BatchGetRatings");
    add("credit_codes: none", [](auto& r) { r.clear_credit_codes(); }, "credit_codes",
        "INVALID_BATCH_SIZE");
    add("credit_codes: 1,001",
        [=](auto& r) {
          for (int i = 0; i < 1000; ++i) r.add_credit_codes(e1);
        },
        "credit_codes", "INVALID_BATCH_SIZE");
    add.Date("as_of", [](auto& r, const v1::Date& d) { *r.mutable_as_of() = d; },
             DateRule::kAsOf);
    add("view: 999", [](auto& r) { r.set_view(Unknown<v1::RatingView>()); }, "view",
        "INVALID_ENUM");
    // Per code: an error in the code's own result.
    const std::string fresh = w->fresh;
    const std::vector<std::pair<std::string, std::string>> codes = {
        {"wrong check character", WrongCheckCharacter(e1)},
        {"lower case", absl::AsciiStrToLower(e1)},
        {"17 characters", e1.substr(0, 17)},
        {"a full-width digit", "９" + e1.substr(1)},
        {"SQL-looking", kSql},
        {"empty", ""},
    };
    for (const auto& row : codes) {
      const std::string what = row.first, code = row.second;
      add.Item("credit_codes[0]: " + what, [=](auto& r) { r.set_credit_codes(0, code); },
               "credit_codes[0]", "INVALID_CREDIT_CODE");
    }
    // BUG(bad-input-1)
    add.Bug(kBugUtf8Index, "credit_codes[0]: not UTF-8",
            [](auto& r) { r.set_credit_codes(0, kNotUtf8); }, "credit_codes",
            "INVALID_TEXT");
  }
  {
    Rows<v1::ListRatingsRequest> add(&cases, w, "RatingService/ListRatings");
    add.Paging("levels=;region=;policy=;flags=0");
    add("page_token: issued for region_prefix 32, used with levels [BLUE]",
        [=](auto& r) {
          r.set_page_token(w->ratings_page);
          r.set_region_prefix("32");
          r.add_levels(v1::BLUE);
        },
        "page_token", "INVALID_PAGE_TOKEN");
    add("levels[0]: 999", [](auto& r) { r.add_levels(Unknown<v1::RatingLevel>()); },
        "levels[0]", "INVALID_ENUM");
    add("levels[1]: unspecified",
        [](auto& r) {
          r.add_levels(v1::GREEN);
          r.add_levels(v1::RATING_LEVEL_UNSPECIFIED);
        },
        "levels[1]", "INVALID_ENUM");
    add("levels[0]: -1", [](auto& r) { r.add_levels(Unknown<v1::RatingLevel>(-1)); },
        "levels[0]", "INVALID_ENUM");
    add("flags[0]: 999", [](auto& r) { r.add_flags(Unknown<v1::RatingFlag>()); },
        "flags[0]", "INVALID_ENUM");
    add("flags[1]: unspecified",
        [](auto& r) {
          r.add_flags(v1::VETO);
          r.add_flags(v1::RATING_FLAG_UNSPECIFIED);
        },
        "flags[1]", "INVALID_ENUM");
    for (const std::string prefix : {"3201001", "32a", "%", "3_", kSql.c_str()}) {
      add("region_prefix: \"" + prefix + "\"",
          [=](auto& r) { r.set_region_prefix(prefix); }, "region_prefix",
          "INVALID_REGION_PREFIX");
    }
    add("region_prefix: not UTF-8", [](auto& r) { r.set_region_prefix(kNotUtf8); },
        "region_prefix", "INVALID_TEXT");
    for (const std::string& policy : std::vector<std::string>{
             "Jiangsu-2024", "jiangsu 2024", "jiangsu_2024", "江苏",
             std::string(65, 'a'), kSql, std::string("a\0b", 3)}) {
      add("policy_id: \"" + policy.substr(0, 20) + "\"",
          [=](auto& r) { r.set_policy_id(policy); }, "policy_id", "INVALID_POLICY_ID");
    }
    add("policy_id: not UTF-8", [](auto& r) { r.set_policy_id(kNotUtf8); }, "policy_id",
        "INVALID_TEXT");
  }
  {
    Rows<v1::GetRatingHistoryRequest> add(&cases, w, "RatingService/GetRatingHistory");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); }, rating_names);
    add.Paging(e1 + ";all=0");
    add("page_token: issued with point changes, used without",
        [=](auto& r) { r.set_page_token(w->history_page); }, "page_token",
        "INVALID_PAGE_TOKEN");
    add("page_token: issued for e1, used for e2",
        [=](auto& r) {
          r.set_page_token(w->history_page);
          r.set_include_point_changes(true);
          r.set_name("enterprises/" + e2 + "/rating");
        },
        "page_token", "INVALID_PAGE_TOKEN");
  }
  {
    Rows<v1::WatchRatingChangesRequest> add(&cases, w, "RatingService/WatchRatingChanges");
    add("after_cursor: -1", [](auto& r) { r.set_after_cursor(-1); }, "after_cursor",
        "INVALID_CURSOR");
    add("after_cursor: INT64_MIN",
        [](auto& r) { r.set_after_cursor(std::numeric_limits<int64_t>::min()); },
        "after_cursor", "INVALID_CURSOR");
    add("after_cursor: never issued",
        [](auto& r) { r.set_after_cursor(std::numeric_limits<int64_t>::max()); },
        "after_cursor", "CURSOR_AHEAD");
    add("start_at_end and start_at_oldest",
        [](auto& r) {
          r.set_start_at_end(true);
          r.set_start_at_oldest(true);
        },
        "start_at_oldest", "CONFLICTING_START");
  }
  {
    Rows<v1::RollRatingsRequest> add(&cases, w, "RatingService/RollRatings");
    add.Date("date", [](auto& r, const v1::Date& d) { *r.mutable_date() = d; },
             DateRule::kAsOf);
  }
  {
    Rows<v1::RescoreRatingsRequest> add(&cases, w, "RatingService/RescoreRatings");
    add("all: false", [](auto& r) { r.set_all(false); }, "all", "RESCORE_SCOPE_REQUIRED");
    add("page_size: -1", [](auto& r) { r.set_page_size(-1); }, "page_size",
        "INVALID_PAGE_SIZE");
    add("page_size: 10,001", [](auto& r) { r.set_page_size(10001); }, "page_size",
        "INVALID_PAGE_SIZE");
    const std::vector<std::pair<std::string, std::string>> tokens = {
        {"not base64", "garbage!"},
        {"SQL-looking", kSql},
        {"issued by ListEnterprises", w->enterprises_page},
        {"forged, a key that is not last/total/done",
         api::EncodePageToken("1/2", "rescore")},
        {"forged, SQL in the key", api::EncodePageToken("1/2/3' OR 1=1", "rescore")},
    };
    for (const auto& row : tokens) {
      const std::string what = row.first, token = row.second;
      add("page_token: " + what, [=](auto& r) { r.set_page_token(token); }, "page_token",
          "INVALID_PAGE_TOKEN");
    }
    add("page_token: not UTF-8", [](auto& r) { r.set_page_token(kNotUtf8); }, "page_token",
        "INVALID_TEXT");
  }

  // ------------------------------------------------------------- ListService
  {
    Rows<v1::ProposePublicationRequest> add(&cases, w, "ListService/ProposePublication");
    add("list: unspecified", [](auto& r) { r.set_list(v1::LIST_KIND_UNSPECIFIED); }, "list",
        "INVALID_ENUM");
    add("list: 999", [](auto& r) { r.set_list(Unknown<v1::ListKind>()); }, "list",
        "INVALID_ENUM");
    add.Date("as_of", [](auto& r, const v1::Date& d) { *r.mutable_as_of() = d; },
             DateRule::kAsOf);
    add.RequestId([](auto& r, const std::string& v) { r.set_request_id(v); });
  }
  {
    Rows<v1::GetPublicationRequest> add(&cases, w, "ListService/GetPublication");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); },
             publication_names);
    add("view: 999", [](auto& r) { r.set_view(Unknown<v1::PublicationView>()); }, "view",
        "INVALID_ENUM");
    add("view: -1", [](auto& r) { r.set_view(Unknown<v1::PublicationView>(-1)); }, "view",
        "INVALID_ENUM");
  }
  {
    Rows<v1::ListPublicationEntriesRequest> add(&cases, w,
                                                "ListService/ListPublicationEntries");
    add.Name("parent", [](auto& r, const std::string& v) { r.set_parent(v); },
             publication_names);
    add.Paging("pub-entries;1;1");
    add("view: 999", [](auto& r) { r.set_view(Unknown<v1::PublicationEntryView>()); }, "view",
        "INVALID_ENUM");
  }
  {
    Rows<v1::ListPublicationRemovalsRequest> add(&cases, w,
                                                 "ListService/ListPublicationRemovals");
    add.Name("parent", [](auto& r, const std::string& v) { r.set_parent(v); },
             publication_names);
    add.Paging("pub-removals;1;1");
  }
  {
    Rows<v1::ListPublicationsRequest> add(&cases, w, "ListService/ListPublications");
    add("list: unspecified", [](auto& r) { r.set_list(v1::LIST_KIND_UNSPECIFIED); }, "list",
        "INVALID_ENUM");
    add("list: 999", [](auto& r) { r.set_list(Unknown<v1::ListKind>()); }, "list",
        "INVALID_ENUM");
    add.Paging("1;0");
    add("parent: \"lists/honour\"", [](auto& r) { r.set_parent("lists/honour"); },
        "parent", "INVALID_RESOURCE_NAME");
    add("parent: \"lists/black\" with list HONOR_LIST",
        [](auto& r) { r.set_parent("lists/black"); }, "parent", "CONFLICTING_PARENT");
  }
  {
    Rows<v1::StartNoticeRequest> add(&cases, w, "ListService/StartNotice");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); },
             publication_names);
    add.RequestId([](auto& r, const std::string& v) { r.set_request_id(v); });
  }
  {
    Rows<v1::FileObjectionRequest> add(&cases, w, "ListService/FileObjection");
    add.Name("parent", [](auto& r, const std::string& v) { r.set_parent(v); },
             publication_names);
    add.CreditCode("objection.credit_code", [](auto& r, const std::string& v) {
      r.mutable_objection()->set_credit_code(v);
    });
    add.Text("objection.statement", [](auto& r, const std::string& v) {
      r.mutable_objection()->set_statement(v);
    }, 1, 2000);
    add("objection.evidence[0]: empty",
        [](auto& r) { r.mutable_objection()->add_evidence(""); }, "objection.evidence[0]",
        "TEXT_LENGTH");
    add("objection.evidence[0]: 501 characters",
        [](auto& r) { r.mutable_objection()->add_evidence(ChineseText(501)); },
        "objection.evidence[0]", "TEXT_LENGTH");
    add("objection.evidence[1]: a line break",
        [](auto& r) {
          r.mutable_objection()->add_evidence("复议申请书");
          r.mutable_objection()->add_evidence("第一页\n第二页");
        },
        "objection.evidence[1]", "INVALID_TEXT");
    // gRPC's parser names a repeated field without the element's index.
    add("objection.evidence: not UTF-8",
        [](auto& r) { r.mutable_objection()->add_evidence(kNotUtf8); }, "objection.evidence",
        "INVALID_TEXT");
    add("objection.evidence: 11 references",
        [](auto& r) {
          for (int i = 0; i < 11; ++i) r.mutable_objection()->add_evidence("复议申请书");
        },
        "objection.evidence", "TOO_MANY_ITEMS");
    add.RequestId([](auto& r, const std::string& v) { r.set_request_id(v); });
  }
  {
    Rows<v1::DecideObjectionRequest> add(&cases, w, "ListService/DecideObjection");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); }, objection_names);
    add("decision: unspecified",
        [](auto& r) { r.set_decision(v1::OBJECTION_STATE_UNSPECIFIED); }, "decision",
        "INVALID_ENUM");
    add("decision: OBJECTION_PENDING",
        [](auto& r) { r.set_decision(v1::OBJECTION_PENDING); }, "decision", "INVALID_ENUM");
    add("decision: 999", [](auto& r) { r.set_decision(Unknown<v1::ObjectionState>()); },
        "decision", "INVALID_ENUM");
    add.Text("reason", [](auto& r, const std::string& v) { r.set_reason(v); }, 1, 2000);
    add.RequestId([](auto& r, const std::string& v) { r.set_request_id(v); });
  }
  {
    Rows<v1::ListObjectionsRequest> add(&cases, w, "ListService/ListObjections");
    add.Name("parent", [](auto& r, const std::string& v) { r.set_parent(v); },
             publication_names);
    // Empty means every enterprise's: only a code that fails its check is refused.
    add("credit_code: wrong check character",
        [=](auto& r) { r.set_credit_code(WrongCheckCharacter(e1)); }, "credit_code",
        "INVALID_CREDIT_CODE");
    add("credit_code: SQL-looking", [](auto& r) { r.set_credit_code(kSql); }, "credit_code",
        "INVALID_CREDIT_CODE");
    add("page_size: -1", [](auto& r) { r.set_page_size(-1); }, "page_size",
        "INVALID_PAGE_SIZE");
    // BUG(bad-input-2)
    add.Bug(kBugObjectionsPaging, "page_token: not base64",
            [](auto& r) { r.set_page_token("garbage!"); }, "page_token",
            "INVALID_PAGE_TOKEN");
    // BUG(bad-input-2)
    add.Bug(kBugObjectionsPaging, "page_token: SQL-looking",
            [](auto& r) { r.set_page_token(kSql); }, "page_token", "INVALID_PAGE_TOKEN");
    add("page_token: not UTF-8", [](auto& r) { r.set_page_token(kNotUtf8); }, "page_token",
        "INVALID_TEXT");
  }
  {
    Rows<v1::PublishPublicationRequest> add(&cases, w, "ListService/PublishPublication");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); },
             publication_names);
    add.RequestId([](auto& r, const std::string& v) { r.set_request_id(v); });
  }
  {
    Rows<v1::ListEntriesRequest> add(&cases, w, "ListService/ListEntries");
    add("list: unspecified", [](auto& r) { r.set_list(v1::LIST_KIND_UNSPECIFIED); }, "list",
        "INVALID_ENUM");
    add("list: 999", [](auto& r) { r.set_list(Unknown<v1::ListKind>()); }, "list",
        "INVALID_ENUM");
    add.Paging("entries;2");
    add("parent: \"lists/red\"", [](auto& r) { r.set_parent("lists/red"); }, "parent",
        "INVALID_RESOURCE_NAME");
    add("parent: \"lists/black/entries\"",
        [](auto& r) { r.set_parent("lists/black/entries"); }, "parent",
        "INVALID_RESOURCE_NAME");
    add("parent: SQL-looking", [](auto& r) { r.set_parent(kSql); }, "parent",
        "INVALID_RESOURCE_NAME");
    add("parent: \"lists/honor\" with list BLACK_LIST",
        [](auto& r) { r.set_parent("lists/honor"); }, "parent", "CONFLICTING_PARENT");
    add("parent: not UTF-8", [](auto& r) { r.set_parent(kNotUtf8); }, "parent",
        "INVALID_TEXT");
  }
  {
    Rows<v1::GetListEntryRequest> add(&cases, w, "ListService/GetListEntry");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); },
             {{"", "INVALID_RESOURCE_NAME"},
              {"lists/red/entries/" + e1, "INVALID_RESOURCE_NAME"},
              {"lists/BLACK/entries/" + e1, "INVALID_RESOURCE_NAME"},
              {"lists/black/" + e1, "INVALID_RESOURCE_NAME"},
              {"lists/black/entries/" + e1 + "/", "INVALID_RESOURCE_NAME"},
              {"enterprises/" + e1, "INVALID_RESOURCE_NAME"},
              {"lists/black/entries/", "INVALID_CREDIT_CODE"},
              {"lists/black/entries/" + absl::AsciiStrToLower(e1), "INVALID_CREDIT_CODE"},
              {"lists/honor/entries/" + WrongCheckCharacter(e1), "INVALID_CREDIT_CODE"},
              {"lists/black/entries/" + kSql, "INVALID_CREDIT_CODE"},
              {kSql, "INVALID_RESOURCE_NAME"}});
  }
  {
    Rows<v1::ApplyRepairRequest> add(&cases, w, "ListService/ApplyRepair");
    add.Name("entry", [](auto& r, const std::string& v) { r.set_entry(v); },
             {{"", "INVALID_RESOURCE_NAME"},
              {"lists/honor/entries/" + e1, "INVALID_RESOURCE_NAME"},
              {"lists/black/" + e1, "INVALID_RESOURCE_NAME"},
              {"enterprises/" + e1, "INVALID_RESOURCE_NAME"},
              {"lists/black/entries/" + absl::AsciiStrToLower(e1), "INVALID_CREDIT_CODE"},
              {"lists/black/entries/" + WrongCheckCharacter(e1), "INVALID_CREDIT_CODE"},
              {"lists/black/entries/" + kSql, "INVALID_CREDIT_CODE"},
              {kSql, "INVALID_RESOURCE_NAME"}});
    add("evidence.rectification_date: 1989-12-31",
        [](auto& r) { *r.mutable_evidence()->mutable_rectification_date() = Day(1989, 12, 31); },
        "evidence.rectification_date", "DATE_OUT_OF_RANGE");
    add("evidence.rectification_date: 2025-02-30",
        [](auto& r) { *r.mutable_evidence()->mutable_rectification_date() = Day(2025, 2, 30); },
        "evidence.rectification_date", "INVALID_DATE");
    add("evidence.rectification_date: 10000-01-01",
        [](auto& r) { *r.mutable_evidence()->mutable_rectification_date() = Day(10000, 1, 1); },
        "evidence.rectification_date", "INVALID_DATE");
    add("evidence.rectification_date: 0000-00-00 (present)",
        [](auto& r) { *r.mutable_evidence()->mutable_rectification_date() = Day(0, 0, 0); },
        "evidence.rectification_date", "INVALID_DATE");
    // BUG(bad-input-3)
    add.Bug(kBugRepairDate, "evidence.rectification_date: 2030-01-01 (the future)",
            [](auto& r) {
              *r.mutable_evidence()->mutable_rectification_date() = Day(2030, 1, 1);
            },
            "evidence.rectification_date", "DATE_OUT_OF_RANGE");
    add("evidence.commitment: 256 characters",
        [](auto& r) { r.mutable_evidence()->set_commitment(ChineseText(256)); },
        "evidence.commitment", "TEXT_LENGTH");
    add("evidence.commitment: not UTF-8",
        [](auto& r) { r.mutable_evidence()->set_commitment(kNotUtf8); },
        "evidence.commitment", "INVALID_TEXT");
    // BUG(bad-input-4)
    add.Bug(kBugRepairCommitment, "evidence.commitment: SQL-looking (not a name)",
            [](auto& r) { r.mutable_evidence()->set_commitment(kSql); },
            "evidence.commitment", "INVALID_RESOURCE_NAME");
    // BUG(bad-input-4)
    add.Bug(kBugRepairCommitment, "evidence.commitment: another enterprise's commitment",
            [=](auto& r) {
              r.mutable_evidence()->set_commitment("enterprises/" + e2 + "/commitments/1");
            },
            "evidence.commitment", "INVALID_RESOURCE_NAME");
    add.Text("evidence.note", [](auto& r, const std::string& v) {
      r.mutable_evidence()->set_note(v);
    }, 0, 2000);
    add.RequestId([](auto& r, const std::string& v) { r.set_request_id(v); });
  }

  {
    Rows<v1::DecideRepairRequest> add(&cases, w, "ListService/DecideRepair");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); },
             {{"", "INVALID_RESOURCE_NAME"},
              {"lists/black/entries/" + e1, "INVALID_RESOURCE_NAME"},
              {"lists/black/entries/" + e1 + "/repairs/0", "INVALID_RESOURCE_NAME"},
              {"lists/black/entries/" + e1 + "/repairs/01", "INVALID_RESOURCE_NAME"},
              {"lists/honor/entries/" + e1 + "/repairs/1", "INVALID_RESOURCE_NAME"},
              {"lists/black/entries/" + WrongCheckCharacter(e1) + "/repairs/1",
               "INVALID_CREDIT_CODE"},
              {kSql, "INVALID_RESOURCE_NAME"}});
    add("decision: REPAIR_PENDING", [](auto& r) { r.set_decision(v1::REPAIR_PENDING); },
        "decision", "INVALID_ENUM");
    add("decision: unspecified", [](auto& r) { r.set_decision(v1::REPAIR_STATE_UNSPECIFIED); },
        "decision", "INVALID_ENUM");
    add.Text("reason", [](auto& r, const std::string& v) { r.set_reason(v); }, 1, 2000);
    add.RequestId([](auto& r, const std::string& v) { r.set_request_id(v); });
  }
  {
    Rows<v1::ListRepairsRequest> add(&cases, w, "ListService/ListRepairs");
    add.Name("parent", [](auto& r, const std::string& v) { r.set_parent(v); },
             {{"", "INVALID_RESOURCE_NAME"},
              {"lists/black/entries", "INVALID_RESOURCE_NAME"},
              {"lists/honor/entries/" + e1, "INVALID_RESOURCE_NAME"},
              {"lists/black/entries/" + WrongCheckCharacter(e1), "INVALID_CREDIT_CODE"},
              {kSql, "INVALID_RESOURCE_NAME"}});
    add.Paging(absl::StrCat("repairs;lists/black/entries/", e1, ";0"));
  }
  {
    Rows<v1::LookupPublicRatingRequest> add(&cases, w, "RatingService/LookupPublicRating");
    add.CreditCode("credit_code", [](auto& r, const std::string& v) { r.set_credit_code(v); });
    add.PublishedName("registered_name",
                      [](auto& r, const std::string& v) { r.set_registered_name(v); }, 1, 200);
    add("neither credit_code nor registered_name", [](auto& r) { r.clear_key(); },
        "credit_code", "LOOKUP_KEY_REQUIRED");
  }

  // ------------------------------------------------------------ AuditService
  {
    Rows<v1::ListAuditEntriesRequest> add(&cases, w, "AuditService/ListAuditEntries");
    add("page_size: -1", [](auto& r) { r.set_page_size(-1); }, "page_size",
        "INVALID_PAGE_SIZE");
    const std::vector<std::pair<std::string, std::string>> tokens = {
        {"not base64", "garbage!"},
        {"SQL-looking", kSql},
        {"10,000 characters", std::string(10000, 'A')},
        {"issued by ListTokens", w->tokens_page},
        {"forged, SQL in the key", api::EncodePageToken("1 OR 1=1", "")},
    };
    for (const auto& row : tokens) {
      const std::string what = row.first, token = row.second;
      add("page_token: " + what, [=](auto& r) { r.set_page_token(token); }, "page_token",
          "INVALID_PAGE_TOKEN");
    }
    add("page_token: issued without filters, used with actor",
        [=](auto& r) {
          r.set_page_token(w->audit_page);
          r.set_actor("bootstrap-admin");
        },
        "page_token", "INVALID_PAGE_TOKEN");
    add.Text("actor", [](auto& r, const std::string& v) { r.set_actor(v); }, 0, 100);
    add.Text("method", [](auto& r, const std::string& v) { r.set_method(v); }, 0, 150);
    add.Text("resource_prefix",
             [](auto& r, const std::string& v) { r.set_resource_prefix(v); }, 0, 255);
    add.Text("outcome", [](auto& r, const std::string& v) { r.set_outcome(v); }, 0, 32);
    // BUG(bad-input-6)
    add.Bug(kBugAuditOutcome, "outcome: not a status code name",
            [](auto& r) { r.set_outcome(kSql); }, "outcome", "INVALID_ENUM");
    using TimeField = std::function<google::protobuf::Timestamp*(v1::ListAuditEntriesRequest&)>;
    const std::vector<std::pair<std::string, TimeField>> times = {
        {"start_time", [](auto& r) { return r.mutable_start_time(); }},
        {"end_time", [](auto& r) { return r.mutable_end_time(); }}};
    for (const auto& row : times) {
      const std::string field = row.first;
      const TimeField time = row.second;
      add(field + ": nanos -1", [=](auto& r) { time(r)->set_nanos(-1); }, field,
          "INVALID_TIME");
      add(field + ": nanos 1,000,000,000",
          [=](auto& r) { time(r)->set_nanos(1000000000); }, field, "INVALID_TIME");
      add(field + ": before 1970", [=](auto& r) { time(r)->set_seconds(-1); }, field,
          "INVALID_TIME");
      add(field + ": year 10000",
          [=](auto& r) { time(r)->set_seconds(253402300800); }, field, "INVALID_TIME");
    }
    // BUG(bad-input-6)
    add.Bug(kBugAuditOutcome, "end_time before start_time",
            [](auto& r) {
              r.mutable_start_time()->set_seconds(1750000000);
              r.mutable_end_time()->set_seconds(1700000000);
            },
            "end_time", "INVALID_TIME");
  }

  // ------------------------------------------------------------ TokenService
  {
    Rows<v1::CreateTokenRequest> add(&cases, w, "TokenService/CreateToken");
    add("token.role: unspecified",
        [](auto& r) { r.mutable_token()->set_role(v1::ROLE_UNSPECIFIED); }, "token.role",
        "INVALID_ENUM");
    add("token.role: 999", [](auto& r) { r.mutable_token()->set_role(Unknown<v1::Role>()); },
        "token.role", "INVALID_ENUM");
    add("token.role: -1", [](auto& r) { r.mutable_token()->set_role(Unknown<v1::Role>(-1)); },
        "token.role", "INVALID_ENUM");
    add.Text("token.label", [](auto& r, const std::string& v) {
      r.mutable_token()->set_label(v);
    }, 1, 100);
    add("token.expire_time: in the past",
        [](auto& r) { r.mutable_token()->mutable_expire_time()->set_seconds(1600000000); },
        "token.expire_time", "INVALID_TIME");
    add("token.expire_time: 0 (1970, present)",
        [](auto& r) { r.mutable_token()->mutable_expire_time(); }, "token.expire_time",
        "INVALID_TIME");
    add("token.expire_time: nanos -1",
        [](auto& r) {
          r.mutable_token()->mutable_expire_time()->set_seconds(4000000000);
          r.mutable_token()->mutable_expire_time()->set_nanos(-1);
        },
        "token.expire_time", "INVALID_TIME");
    add("token.expire_time: year 10000",
        [](auto& r) { r.mutable_token()->mutable_expire_time()->set_seconds(253402300800); },
        "token.expire_time", "INVALID_TIME");
  }
  {
    Rows<v1::ListTokensRequest> add(&cases, w, "TokenService/ListTokens");
    add.Paging("tokens");
    add("page_token: issued by ListAuditEntries",
        [=](auto& r) { r.set_page_token(w->audit_page); }, "page_token",
        "INVALID_PAGE_TOKEN");
  }
  {
    Rows<v1::RevokeTokenRequest> add(&cases, w, "TokenService/RevokeToken");
    add.Name("name", [](auto& r, const std::string& v) { r.set_name(v); },
             {{"", "INVALID_RESOURCE_NAME"},
              {"tokens/0", "INVALID_RESOURCE_NAME"},
              {"tokens/-2", "INVALID_RESOURCE_NAME"},
              {"tokens/x", "INVALID_RESOURCE_NAME"},
              {"token/2", "INVALID_RESOURCE_NAME"},
              {"tokens/2/", "INVALID_RESOURCE_NAME"},
              {"tokens/99999999999999999999", "INVALID_RESOURCE_NAME"},
              {"tokens/2 OR 1=1", "INVALID_RESOURCE_NAME"},
              {kSql, "INVALID_RESOURCE_NAME"}});
    // BUG(bad-input-7)
    add.Bug(kBugTokenName, "name: \"tokens/02\" (not canonical)",
            [=](auto& r) { r.set_name(absl::StrCat("tokens/0", w->token.substr(7))); },
            "name", "INVALID_RESOURCE_NAME");
    // BUG(bad-input-7)
    add.Bug(kBugTokenName, "name: \"tokens/+2\" (not canonical)",
            [=](auto& r) { r.set_name(absl::StrCat("tokens/+", w->token.substr(7))); },
            "name", "INVALID_RESOURCE_NAME");
  }
  return cases;
}

// ---------------------------------------------------------------- calling

using testing::CallRaw;
using testing::Reply;

// What a client sees of an error: code, message and the AIP-193 details.
struct SeenError {
  int code = 0;
  std::string message;
  std::string reason;
  std::string domain;
  std::string field;              // ErrorInfo metadata "field"
  std::vector<std::string> bad_request_fields;
};

SeenError FromRpcStatus(const google::rpc::Status& status) {
  SeenError seen;
  seen.code = status.code();
  seen.message = status.message();
  for (const auto& any : status.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad_request;
    if (any.UnpackTo(&info)) {
      seen.reason = info.reason();
      seen.domain = info.domain();
      auto it = info.metadata().find("field");
      if (it != info.metadata().end()) seen.field = it->second;
    } else if (any.UnpackTo(&bad_request)) {
      for (const auto& v : bad_request.field_violations()) {
        seen.bad_request_fields.push_back(v.field());
      }
    }
  }
  return seen;
}

SeenError FromGrpcStatus(const grpc::Status& status) {
  google::rpc::Status details;
  details.ParseFromString(status.error_details());
  SeenError seen = FromRpcStatus(details);
  seen.code = status.error_code();
  seen.message = status.error_message();
  return seen;
}

// The error in results[0] of a batch-create answer (server/api/batch.h).
template <typename Response>
SeenError FirstCreateError(const std::string& body) {
  SeenError seen;
  Response response;
  if (!response.ParseFromString(body) || response.results_size() == 0) return seen;
  const auto& result = response.results(0);
  seen.code = result.code();
  seen.message = result.message();
  seen.reason = result.reason();
  seen.field = result.field();
  seen.domain = "envcredit.v1";  // the result has no domain of its own
  seen.bad_request_fields = {result.field()};  // nor a BadRequest
  return seen;
}

// The error in results[0] of a batch answer.
SeenError FirstItemError(const std::string& method, const std::string& body) {
  SeenError seen;
  if (absl::EndsWith(method, "/BatchCreateEnterprises")) {
    seen = FirstCreateError<v1::BatchCreateEnterprisesResponse>(body);
  } else if (absl::EndsWith(method, "/BatchCreatePenaltyDecisions")) {
    seen = FirstCreateError<v1::BatchCreatePenaltyDecisionsResponse>(body);
  } else {
    v1::BatchGetRatingsResponse response;
    if (!response.ParseFromString(body) || response.results_size() == 0) return seen;
    seen = FromRpcStatus(response.results(0).error());
  }
  return seen;
}

// Read methods are not audited; every other call is a write.
// The server's own list of writes (audited whatever their outcome).
bool IsWrite(const std::string& method) { return api::IsWriteMethod(method); }

// ---------------------------------------------------------------- fixture

class BadInputE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::TestDatabase::Create("e2e_bad_input");
    ASSERT_TRUE(db.ok()) << db.status();
    database_ = std::move(*db);
    char dir[] = "/tmp/envcredit-bad-input-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    today_file_ = dir_ + "/today";
    SetToday(kToday);
    auto server = testing::ServerProcess::Start(
        database_->config(),
        // The table calls LookupPublicRating far more often than its
        // per-address limit allows (PublicLookupLimitTest tests the limit).
        {"--today_file=" + today_file_, "--feed_poll_ms=50",
         "--public_lookups_per_peer_burst=100000",
         absl::StrCat("--max_message_bytes=", kMaxMessageBytes)});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = testing::AuthedChannel(server_->address(), server_->admin_token());
    enterprises_ = v1::EnterpriseService::NewStub(channel_);
    records_ = v1::RecordService::NewStub(channel_);
    ratings_ = v1::RatingService::NewStub(channel_);
    lists_ = v1::ListService::NewStub(channel_);
    audit_ = v1::AuditService::NewStub(channel_);
    tokens_ = v1::TokenService::NewStub(channel_);
    ASSERT_NO_FATAL_FAILURE(Seed());
  }

  void TearDown() override {
    server_.reset();
    database_.reset();
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  void SetToday(absl::CivilDay day) {
    const std::string tmp = today_file_ + ".tmp";
    std::ofstream(tmp) << absl::FormatCivilTime(day) << "\n";
    std::rename(tmp.c_str(), today_file_.c_str());
  }

  // Calls `call` on a fresh context and fails the test unless it is OK.
  template <typename Response, typename Call>
  Response Must(Call call) {
    grpc::ClientContext context;
    Response response;
    grpc::Status status = call(&context, &response);
    EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
    return response;
  }

  v1::Enterprise Register(const std::string& code, const std::string& display_name) {
    v1::CreateEnterpriseRequest request;
    request.mutable_enterprise()->set_credit_code(code);
    request.mutable_enterprise()->set_display_name(display_name);
    request.mutable_enterprise()->set_industry(v1::CHEMICALS);
    return Must<v1::Enterprise>([&](auto* c, auto* out) {
      return enterprises_->CreateEnterprise(c, request, out);
    });
  }

  void Seed() {
    world_.e1 = Uscc(1);
    world_.e2 = Uscc(2);
    world_.fresh = Uscc(900);
    Register(world_.e1, "（虚构）南京坏输入示例一有限公司");
    Register(world_.e2, "（虚构）南京坏输入示例二有限公司");
    for (int i = 0; i < 2; ++i) {
      v1::CreateCommitmentRequest request;
      Base(world_, &request);
      v1::Commitment c = Must<v1::Commitment>([&](auto* ctx, auto* out) {
        return records_->CreateCommitment(ctx, request, out);
      });
      if (i == 0) world_.commitment = c.name();
    }
    for (int i = 0; i < 2; ++i) {
      v1::CreatePenaltyDecisionRequest request;
      Base(world_, &request);
      request.mutable_penalty_decision()->set_decision_number(
          absl::StrCat("宁环罚〔2025〕", i + 1, "号"));
      v1::PenaltyDecision d = Must<v1::PenaltyDecision>([&](auto* ctx, auto* out) {
        return records_->CreatePenaltyDecision(ctx, request, out);
      });
      if (i == 0) world_.decision = d.name();
    }
    {
      v1::CreateComplaintRequest request;
      Base(world_, &request);
      world_.complaint = Must<v1::Complaint>([&](auto* ctx, auto* out) {
                           return records_->CreateComplaint(ctx, request, out);
                         }).name();
    }
    {
      v1::CreateIncidentRequest request;
      Base(world_, &request);
      world_.incident = Must<v1::Incident>([&](auto* ctx, auto* out) {
                          return records_->CreateIncident(ctx, request, out);
                        }).name();
    }
    {
      v1::ProposePublicationRequest request;
      request.set_list(v1::HONOR_LIST);
      world_.publication = Must<v1::Publication>([&](auto* ctx, auto* out) {
                             return lists_->ProposePublication(ctx, request, out);
                           }).name();
    }
    {
      v1::CreateTokenRequest request;
      Base(world_, &request);
      world_.token = Must<v1::CreateTokenResponse>([&](auto* ctx, auto* out) {
                       return tokens_->CreateToken(ctx, request, out);
                     }).token().name();
    }
    // Page tokens the server issued.
    {
      v1::ListEnterprisesRequest request;
      request.set_page_size(1);
      request.set_region_prefix("32");
      world_.enterprises_page = Must<v1::ListEnterprisesResponse>([&](auto* ctx, auto* out) {
                                  return enterprises_->ListEnterprises(ctx, request, out);
                                }).next_page_token();
    }
    {
      v1::ListCommitmentsRequest request;
      request.set_parent(world_.E1());
      request.set_page_size(1);
      world_.commitments_page = Must<v1::ListCommitmentsResponse>([&](auto* ctx, auto* out) {
                                  return records_->ListCommitments(ctx, request, out);
                                }).next_page_token();
    }
    {
      v1::ListPenaltyDecisionsRequest request;
      request.set_parent(world_.E1());
      request.set_page_size(1);
      world_.decisions_page =
          Must<v1::ListPenaltyDecisionsResponse>([&](auto* ctx, auto* out) {
            return records_->ListPenaltyDecisions(ctx, request, out);
          }).next_page_token();
    }
    {
      v1::ListRatingsRequest request;
      request.set_page_size(1);
      request.set_region_prefix("32");
      world_.ratings_page = Must<v1::ListRatingsResponse>([&](auto* ctx, auto* out) {
                              return ratings_->ListRatings(ctx, request, out);
                            }).next_page_token();
    }
    {
      v1::GetRatingHistoryRequest request;
      request.set_name(world_.E1() + "/rating");
      request.set_page_size(1);
      request.set_include_point_changes(true);
      world_.history_page = Must<v1::GetRatingHistoryResponse>([&](auto* ctx, auto* out) {
                              return ratings_->GetRatingHistory(ctx, request, out);
                            }).next_page_token();
    }
    {
      v1::ListAuditEntriesRequest request;
      request.set_page_size(1);
      world_.audit_page = Must<v1::ListAuditEntriesResponse>([&](auto* ctx, auto* out) {
                            return audit_->ListAuditEntries(ctx, request, out);
                          }).next_page_token();
    }
    {
      v1::ListTokensRequest request;
      request.set_page_size(1);
      world_.tokens_page = Must<v1::ListTokensResponse>([&](auto* ctx, auto* out) {
                             return tokens_->ListTokens(ctx, request, out);
                           }).next_page_token();
    }
    for (const std::string* token :
         {&world_.enterprises_page, &world_.commitments_page, &world_.decisions_page,
          &world_.ratings_page, &world_.history_page, &world_.audit_page,
          &world_.tokens_page}) {
      ASSERT_FALSE(token->empty()) << "seeding must leave more than one page";
    }
  }

  // CHECKSUM TABLE of every table but audit_log and request_log, by name.
  std::map<std::string, std::string> Checksums() {
    std::map<std::string, std::string> out;
    auto session = database_->db().Checkout();
    EXPECT_TRUE(session.ok()) << session.status();
    if (!session.ok()) return out;
    auto tables = session->Query("SHOW TABLES");
    EXPECT_TRUE(tables.ok()) << tables.status();
    if (!tables.ok()) return out;
    std::vector<std::string> names;
    for (const storage::Row& row : *tables) {
      const std::string& name = row.GetString(0);
      if (name == "audit_log" || name == "request_log") continue;
      names.push_back(absl::StrCat("`", name, "`"));
    }
    EXPECT_GE(names.size(), 15u);
    auto sums = session->Query(absl::StrCat("CHECKSUM TABLE ", absl::StrJoin(names, ", ")));
    EXPECT_TRUE(sums.ok()) << sums.status();
    if (!sums.ok()) return out;
    for (const storage::Row& row : *sums) {
      EXPECT_FALSE(row.IsNull(1)) << row.GetString(0) << ": no checksum";
      out[row.GetString(0)] = row.GetString(1);
    }
    return out;
  }

  // The tables whose checksum is no longer the one in `before`.
  std::vector<std::string> ChangedTables(const std::map<std::string, std::string>& before) {
    std::vector<std::string> changed;
    const std::map<std::string, std::string> now = Checksums();
    for (const auto& table : now) {
      auto it = before.find(table.first);
      if (it == before.end() || it->second != table.second) changed.push_back(table.first);
    }
    for (const auto& table : before) {
      if (!now.count(table.first)) changed.push_back(table.first + " (gone)");
    }
    return changed;
  }

  struct AuditRow {
    int64_t id;
    std::string method, outcome, reason, field;
  };
  std::vector<AuditRow> AuditAfter(int64_t id) {
    std::vector<AuditRow> out;
    auto session = database_->db().Checkout();
    EXPECT_TRUE(session.ok()) << session.status();
    if (!session.ok()) return out;
    auto rows = session->Query(
        "SELECT id, method, outcome, reason, field FROM audit_log WHERE id > ? "
        "ORDER BY id",
        {id});
    EXPECT_TRUE(rows.ok()) << rows.status();
    if (!rows.ok()) return out;
    for (const storage::Row& row : *rows) {
      out.push_back(AuditRow{row.GetInt64(0), row.GetString(1), row.GetString(2),
                             row.GetString(3), row.GetString(4)});
    }
    return out;
  }
  int64_t LastAuditId() {
    auto session = database_->db().Checkout();
    EXPECT_TRUE(session.ok()) << session.status();
    if (!session.ok()) return 0;
    auto row = session->QueryRow("SELECT COALESCE(MAX(id), 0) FROM audit_log");
    EXPECT_TRUE(row.ok() && row->has_value());
    return row.ok() && row->has_value() ? (*row)->GetInt64(0) : 0;
  }

  // Runs `c` and checks the answer, and the audit entry of a write. Each
  // check compares one line, so a failing row reads as expected/actual.
  void Run(const Case& c) {
    SCOPED_TRACE(absl::StrCat(c.method, " — ", c.what));
    const Wire wire = c.request();
    const int64_t audit_before = LastAuditId();
    const Reply reply = CallRaw(channel_, c.method, wire.bytes);
    SeenError seen;
    if (c.where == Where::kCall) {
      seen = FromGrpcStatus(reply.status);
    } else {
      ASSERT_TRUE(reply.status.ok())
          << reply.status.error_code() << " " << reply.status.error_message();
      seen = FirstItemError(c.method, reply.body);
    }
    auto line = [](int code, const std::string& reason, const std::string& field,
                   const std::string& bad_request, const std::string& domain) {
      return absl::StrCat(
          absl::StatusCodeToString(static_cast<absl::StatusCode>(code)),
          " reason=", reason, " field=", field, " bad_request=[", bad_request,
          "] domain=", domain);
    };
    EXPECT_EQ(line(seen.code, seen.reason, seen.field,
                   absl::StrJoin(seen.bad_request_fields, ","), seen.domain),
              line(grpc::StatusCode::INVALID_ARGUMENT, c.reason, c.field, c.field,
                   "envcredit.v1"))
        << "message: " << seen.message;
    EXPECT_FALSE(seen.message.empty());
    EXPECT_THAT(seen.message,
                ::testing::Not(::testing::ContainsRegex("SQL|MariaDB|MySQL|syntax")));

    // A write is audited: one entry (per failed item of a batch) naming the
    // field — also a request that cannot be parsed (not UTF-8), which never
    // reaches a handler: the access-log interceptor audits it (issue 13,
    // finding 12).
    std::vector<std::string> audited;
    for (const AuditRow& row : AuditAfter(audit_before)) {
      audited.push_back(absl::StrCat(row.method, " ", row.outcome, " reason=",
                                     row.reason, " field=", row.field));
    }
    if (!IsWrite(c.method)) {
      EXPECT_THAT(audited, ::testing::IsEmpty()) << "a read was audited";
    } else {
      EXPECT_THAT(audited, ::testing::ElementsAre(absl::StrCat(
                               c.method, " INVALID_ARGUMENT reason=", c.reason,
                               " field=", c.field)))
          << (wire.not_utf8 ? "(unparsable request)" : "");
    }
  }

  World world_;
  std::unique_ptr<testing::TestDatabase> database_;
  std::unique_ptr<testing::ServerProcess> server_;
  std::string dir_;
  std::string today_file_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::EnterpriseService::Stub> enterprises_;
  std::unique_ptr<v1::RecordService::Stub> records_;
  std::unique_ptr<v1::RatingService::Stub> ratings_;
  std::unique_ptr<v1::ListService::Stub> lists_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
  std::unique_ptr<v1::TokenService::Stub> tokens_;
};

// Every method of every envcredit.v1 service, from the descriptors.
std::set<std::string> EveryApiMethod() {
  std::set<std::string> methods;
  const google::protobuf::FileDescriptor* files[] = {
      v1::Enterprise::descriptor()->file(), v1::PenaltyDecision::descriptor()->file(),
      v1::Rating::descriptor()->file(),     v1::Publication::descriptor()->file(),
      v1::AuditEntry::descriptor()->file(), v1::Token::descriptor()->file()};
  for (const auto* file : files) {
    for (int s = 0; s < file->service_count(); ++s) {
      const auto* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        methods.insert(
            absl::StrCat("/", service->full_name(), "/", service->method(m)->name()));
      }
    }
  }
  return methods;
}

// A world with the names the fixture's would have, for looking at the table
// without a server.
World OfflineWorld() {
  World world;
  world.e1 = Uscc(1);
  world.e2 = Uscc(2);
  world.fresh = Uscc(900);
  world.commitment = "enterprises/" + world.e1 + "/commitments/1";
  world.decision = "enterprises/" + world.e1 + "/penaltyDecisions/1";
  world.complaint = "enterprises/" + world.e1 + "/complaints/1";
  world.incident = "enterprises/" + world.e1 + "/incidents/1";
  world.publication = "lists/honor/publications/1";
  world.token = "tokens/2";
  return world;
}

// ---------------------------------------------------------------- tests

// The table covers every RPC: each method of the descriptors and of the
// server's role table has rows the server passes today.
TEST(BadInputTableTest, EveryRpcHasCases) {
  const World world = OfflineWorld();
  const std::vector<Case> cases = BadInputCases(&world);
  std::map<std::string, int> passing, bugs;
  std::set<std::string> whats;
  for (const Case& c : cases) {
    (c.bug.empty() ? passing : bugs)[c.method]++;
    EXPECT_TRUE(whats.insert(c.method + " " + c.what).second)
        << "two rows named " << c.method << " " << c.what;
    EXPECT_FALSE(c.field.empty()) << c.what;
    EXPECT_FALSE(c.reason.empty()) << c.what;
  }
  std::set<std::string> role_table;
  for (const std::string& method : api::MethodsInRoleTable()) {
    if (absl::StartsWith(method, "/envcredit.v1.")) role_table.insert(method);
  }
  const std::set<std::string> methods = EveryApiMethod();
  EXPECT_EQ(methods, role_table);
  EXPECT_EQ(methods.size(), 48u);
  for (const std::string& method : methods) {
    EXPECT_GE(passing[method], 1) << method << " has no bad-input case";
    // In the XML report only (--gtest_output=xml): cases per RPC.
    ::testing::Test::RecordProperty(
        method.substr(method.rfind('.') + 1),
        absl::StrCat(passing[method], " + ", bugs[method], " known bugs"));
  }
  for (const auto& [method, n] : passing) {
    EXPECT_TRUE(methods.count(method)) << method << " is no envcredit.v1 RPC";
  }
}

TEST_F(BadInputE2eTest, EveryRpcRefusesBadInputNamingTheFieldAndChangesNothing) {
  const std::vector<Case> cases = BadInputCases(&world_);
  const std::map<std::string, std::string> before = Checksums();
  ASSERT_FALSE(before.empty());
  const int64_t audit_before = LastAuditId();

  for (const Case& c : cases) {
    if (!c.bug.empty()) continue;  // KnownServerBugsTest
    Run(c);
  }

  // Every table as it was; the audit log gained failures only; no call was
  // an internal error or went unaudited for a database error.
  EXPECT_THAT(ChangedTables(before), ::testing::IsEmpty());
  const std::string log = server_->Log();
  for (const char* sign : {"code=INTERNAL", "code=UNKNOWN", "internal error",
                           "cannot audit"}) {
    EXPECT_THAT(log, ::testing::Not(::testing::HasSubstr(sign)));
  }
  for (const AuditRow& row : AuditAfter(audit_before)) {
    EXPECT_NE(row.outcome, "OK") << row.method << " (audit entry " << row.id << ")";
  }
  // Still serving, with the seeded data.
  v1::GetEnterpriseRequest get;
  get.set_name(world_.E1());
  const v1::Enterprise e1 = Must<v1::Enterprise>(
      [&](auto* ctx, auto* out) { return enterprises_->GetEnterprise(ctx, get, out); });
  EXPECT_EQ(e1.display_name(), "（虚构）南京坏输入示例一有限公司");
}

// gRPC refuses a request above --max_message_bytes before the server's
// code sees it: RESOURCE_EXHAUSTED, with no ErrorInfo (gRPC's own status),
// and nothing written, not even an audit entry. A field far above its
// maximum in a message under the limit is the handler's INVALID_ARGUMENT.
TEST_F(BadInputE2eTest, OversizedMessageIsResourceExhaustedAndChangesNothing) {
  const std::map<std::string, std::string> before = Checksums();
  const int64_t audit_before = LastAuditId();

  v1::CreateEnterpriseRequest request;
  Base(world_, &request);
  request.mutable_enterprise()->set_address(std::string(kMaxMessageBytes + 1000, 'a'));
  const std::string method = "/envcredit.v1.EnterpriseService/CreateEnterprise";
  Reply reply = CallRaw(channel_, method, request.SerializeAsString());
  EXPECT_EQ(reply.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << reply.status.error_message();
  const SeenError seen = FromGrpcStatus(reply.status);
  EXPECT_EQ(seen.reason, "");
  EXPECT_EQ(seen.field, "");

  request.mutable_enterprise()->set_address(std::string(kMaxMessageBytes - 1000, 'a'));
  reply = CallRaw(channel_, method, request.SerializeAsString());
  EXPECT_EQ(reply.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FromGrpcStatus(reply.status).field, "enterprise.address");

  EXPECT_THAT(ChangedTables(before), ::testing::IsEmpty());
  const std::vector<AuditRow> audited = AuditAfter(audit_before);
  ASSERT_EQ(audited.size(), 1u);  // the second call only
  EXPECT_EQ(audited[0].field, "enterprise.address");
  // The server serves on.
  v1::GetEnterpriseRequest get;
  get.set_name(world_.E1());
  Must<v1::Enterprise>(
      [&](auto* ctx, auto* out) { return enterprises_->GetEnterprise(ctx, get, out); });
}

// SQL-looking text is text: every free-text field stores it verbatim and
// reads it back; filters match it literally; it is refused only where the
// field's charset forbids it (resource names, codes, request ids with
// spaces, tokens), which the main table checks.
TEST_F(BadInputE2eTest, SqlLookingTextIsStoredVerbatim) {
  int serial = 100;
  for (const std::string& sql : kSqlTexts) {
    SCOPED_TRACE(sql);
    const std::string code = Uscc(++serial);
    const std::string name = "enterprises/" + code;
    // Enterprise: display_name, legal_representative, address.
    {
      v1::CreateEnterpriseRequest create;
      create.mutable_enterprise()->set_credit_code(code);
      create.mutable_enterprise()->set_display_name(sql);
      create.mutable_enterprise()->set_legal_representative(sql);
      create.mutable_enterprise()->set_address(sql + " " + sql);
      create.mutable_enterprise()->set_industry(v1::OTHER);
      Must<v1::Enterprise>([&](auto* ctx, auto* out) {
        return enterprises_->CreateEnterprise(ctx, create, out);
      });
      v1::GetEnterpriseRequest get;
      get.set_name(name);
      v1::Enterprise got = Must<v1::Enterprise>(
          [&](auto* ctx, auto* out) { return enterprises_->GetEnterprise(ctx, get, out); });
      EXPECT_EQ(got.display_name(), sql);
      EXPECT_EQ(got.legal_representative(), sql);
      EXPECT_EQ(got.address(), sql + " " + sql);
      // name_contains matches the text literally: '%', '_' and '\' are no
      // wildcards, quotes end nothing.
      v1::ListEnterprisesRequest list;
      list.set_name_contains(sql);
      v1::ListEnterprisesResponse found = Must<v1::ListEnterprisesResponse>(
          [&](auto* ctx, auto* out) { return enterprises_->ListEnterprises(ctx, list, out); });
      ASSERT_EQ(found.enterprises_size(), 1);
      EXPECT_EQ(found.enterprises(0).credit_code(), code);

      v1::UpdateEnterpriseRequest update;
      update.mutable_enterprise()->set_name(name);
      update.mutable_enterprise()->set_display_name(sql + "（更新）");
      update.mutable_enterprise()->set_address(sql);
      update.mutable_update_mask()->add_paths("display_name");
      update.mutable_update_mask()->add_paths("address");
      Must<v1::Enterprise>([&](auto* ctx, auto* out) {
        return enterprises_->UpdateEnterprise(ctx, update, out);
      });
      got = Must<v1::Enterprise>(
          [&](auto* ctx, auto* out) { return enterprises_->GetEnterprise(ctx, get, out); });
      EXPECT_EQ(got.display_name(), sql + "（更新）");
      EXPECT_EQ(got.address(), sql);
    }
    // Commitment: signer, item description; the check's note.
    {
      v1::CreateCommitmentRequest create;
      Base(world_, &create);
      create.set_parent(name);
      create.mutable_commitment()->set_signer(sql);
      create.mutable_commitment()->mutable_items(0)->set_description(sql);
      const v1::Commitment c = Must<v1::Commitment>(
          [&](auto* ctx, auto* out) { return records_->CreateCommitment(ctx, create, out); });
      v1::CheckCommitmentItemRequest check;
      Base(world_, &check);
      check.set_name(c.name());
      check.set_note(sql);
      Must<v1::Commitment>([&](auto* ctx, auto* out) {
        return records_->CheckCommitmentItem(ctx, check, out);
      });
      v1::GetCommitmentRequest get;
      get.set_name(c.name());
      const v1::Commitment got = Must<v1::Commitment>(
          [&](auto* ctx, auto* out) { return records_->GetCommitment(ctx, get, out); });
      EXPECT_EQ(got.signer(), sql);
      ASSERT_EQ(got.items_size(), 1);
      EXPECT_EQ(got.items(0).description(), sql);
      EXPECT_EQ(got.items(0).check_note(), sql);
    }
    // Penalty decisions: authority, decision number, revocation note; a
    // complaint links one by that natural key.
    std::string linked;
    for (const std::string suffix : {"", "-2"}) {
      v1::CreatePenaltyDecisionRequest create;
      Base(world_, &create);
      create.set_parent(name);
      create.mutable_penalty_decision()->set_authority(sql);
      create.mutable_penalty_decision()->set_decision_number(sql + suffix);
      const v1::PenaltyDecision d = Must<v1::PenaltyDecision>([&](auto* ctx, auto* out) {
        return records_->CreatePenaltyDecision(ctx, create, out);
      });
      v1::GetPenaltyDecisionRequest get;
      get.set_name(d.name());
      v1::PenaltyDecision got = Must<v1::PenaltyDecision>(
          [&](auto* ctx, auto* out) { return records_->GetPenaltyDecision(ctx, get, out); });
      EXPECT_EQ(got.authority(), sql);
      EXPECT_EQ(got.decision_number(), sql + suffix);
      if (!std::string(suffix).empty()) {
        linked = d.name();
        continue;
      }
      v1::RevokePenaltyDecisionRequest revoke;
      Base(world_, &revoke);
      revoke.set_name(d.name());
      revoke.mutable_revocation()->set_note(sql);
      Must<v1::PenaltyDecision>([&](auto* ctx, auto* out) {
        return records_->RevokePenaltyDecision(ctx, revoke, out);
      });
      got = Must<v1::PenaltyDecision>(
          [&](auto* ctx, auto* out) { return records_->GetPenaltyDecision(ctx, get, out); });
      EXPECT_EQ(got.revocation().note(), sql);
    }
    // Complaint: case number, summary, a decision by (authority, number).
    {
      v1::CreateComplaintRequest create;
      Base(world_, &create);
      create.set_parent(name);
      create.mutable_complaint()->set_case_number(sql);
      create.mutable_complaint()->set_summary(sql);
      auto* ref = create.mutable_complaint()->add_decision_references();
      ref->set_authority(sql);
      ref->set_decision_number(sql + "-2");
      const v1::Complaint c = Must<v1::Complaint>(
          [&](auto* ctx, auto* out) { return records_->CreateComplaint(ctx, create, out); });
      v1::GetComplaintRequest get;
      get.set_name(c.name());
      const v1::Complaint got = Must<v1::Complaint>(
          [&](auto* ctx, auto* out) { return records_->GetComplaint(ctx, get, out); });
      EXPECT_EQ(got.case_number(), sql);
      EXPECT_EQ(got.summary(), sql);
      EXPECT_THAT(got.decisions(), ::testing::ElementsAre(linked));
    }
    // Incident: description.
    {
      v1::CreateIncidentRequest create;
      Base(world_, &create);
      create.set_parent(name);
      create.mutable_incident()->set_description(sql);
      const v1::Incident i = Must<v1::Incident>(
          [&](auto* ctx, auto* out) { return records_->CreateIncident(ctx, create, out); });
      v1::GetIncidentRequest get;
      get.set_name(i.name());
      EXPECT_EQ(Must<v1::Incident>([&](auto* ctx, auto* out) {
                  return records_->GetIncident(ctx, get, out);
                }).description(),
                sql);
    }
    // Token: label, which becomes the actor of its audit entries.
    {
      v1::CreateTokenRequest create;
      create.mutable_token()->set_role(v1::REGULATOR);
      create.mutable_token()->set_label(sql);
      // A label is an identifier since issue 13 (finding 10: it is the audit
      // actor and appears in log lines): SQL-looking text is refused, naming
      // the field, and nothing is stored.
      grpc::ClientContext context;
      v1::CreateTokenResponse token;
      const grpc::Status status = tokens_->CreateToken(&context, create, &token);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_THAT(status.error_message(), ::testing::HasSubstr("token.label"));
      v1::ListTokensRequest list;
      list.set_page_size(1000);
      const v1::ListTokensResponse listed = Must<v1::ListTokensResponse>(
          [&](auto* ctx, auto* out) { return tokens_->ListTokens(ctx, list, out); });
      for (const v1::Token& t : listed.tokens()) EXPECT_NE(t.label(), sql);
    }
    // Audit filters: SQL-looking text matches nothing (no resource starts
    // with it, no method ends with it, no outcome is it).
    {
      v1::ListAuditEntriesRequest audit;
      audit.set_method(sql);
      audit.set_resource_prefix(sql);
      EXPECT_EQ(Must<v1::ListAuditEntriesResponse>([&](auto* ctx, auto* out) {
                  return audit_->ListAuditEntries(ctx, audit, out);
                }).entries_size(),
                0);
    }
  }
  {  // Lengths count characters: 200 Chinese characters (600 bytes) fit.
    v1::CreateEnterpriseRequest create;
    create.mutable_enterprise()->set_credit_code(Uscc(199));
    create.mutable_enterprise()->set_display_name(ChineseText(200));
    create.mutable_enterprise()->set_industry(v1::OTHER);
    EXPECT_EQ(Must<v1::Enterprise>([&](auto* ctx, auto* out) {
                return enterprises_->CreateEnterprise(ctx, create, out);
              }).display_name(),
              ChineseText(200));
  }
  {  // A SQL-looking request id without spaces is a valid id: a retry returns
     // the first result, nothing is stored twice.
    v1::CreateIncidentRequest create;
    Base(world_, &create);
    create.set_request_id("';DROP_TABLE_request_log;--");
    const std::string first = Must<v1::Incident>([&](auto* ctx, auto* out) {
                                return records_->CreateIncident(ctx, create, out);
                              }).name();
    const std::string again = Must<v1::Incident>([&](auto* ctx, auto* out) {
                                return records_->CreateIncident(ctx, create, out);
                              }).name();
    EXPECT_EQ(again, first);
  }

  // Lists: objection statement, decision reason and repair note, through
  // the due process of a BLACK enterprise (SPEC §6).
  const std::string all_sql = absl::StrJoin(kSqlTexts, " ");
  const std::string black = Uscc(300);
  Register(black, all_sql);
  {
    v1::CreatePenaltyDecisionRequest create;
    Base(world_, &create);
    create.set_parent("enterprises/" + black);
    create.mutable_penalty_decision()->set_authority(kSqlTexts[1]);
    create.mutable_penalty_decision()->set_decision_number(kSqlTexts[0]);
    *create.mutable_penalty_decision()->mutable_decision_date() = Day(kToday);
    create.mutable_penalty_decision()->clear_measures();
    create.mutable_penalty_decision()->add_measures(v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION);
    create.mutable_penalty_decision()->set_fine_amount_fen(0);
    Must<v1::PenaltyDecision>([&](auto* ctx, auto* out) {
      return records_->CreatePenaltyDecision(ctx, create, out);
    });
  }
  v1::ProposePublicationRequest propose;
  propose.set_list(v1::BLACK_LIST);
  const v1::Publication draft = Must<v1::Publication>(
      [&](auto* ctx, auto* out) { return lists_->ProposePublication(ctx, propose, out); });
  v1::StartNoticeRequest notice;
  notice.set_name(draft.name());
  const v1::Publication noticed = Must<v1::Publication>(
      [&](auto* ctx, auto* out) { return lists_->StartNotice(ctx, notice, out); });
  v1::FileObjectionRequest object;
  object.set_parent(draft.name());
  object.mutable_objection()->set_credit_code(black);
  object.mutable_objection()->set_statement(all_sql);
  const v1::Objection objection = Must<v1::Objection>(
      [&](auto* ctx, auto* out) { return lists_->FileObjection(ctx, object, out); });
  EXPECT_EQ(objection.statement(), all_sql);
  v1::DecideObjectionRequest decide;
  decide.set_name(objection.name());
  decide.set_decision(v1::OBJECTION_REJECTED);
  decide.set_reason(all_sql);
  Must<v1::Objection>(
      [&](auto* ctx, auto* out) { return lists_->DecideObjection(ctx, decide, out); });
  v1::ListObjectionsRequest objections;
  objections.set_parent(draft.name());
  const v1::ListObjectionsResponse listed = Must<v1::ListObjectionsResponse>(
      [&](auto* ctx, auto* out) { return lists_->ListObjections(ctx, objections, out); });
  ASSERT_EQ(listed.objections_size(), 1);
  EXPECT_EQ(listed.objections(0).statement(), all_sql);
  EXPECT_EQ(listed.objections(0).decision_reason(), all_sql);

  const absl::CivilDay notice_end(noticed.notice_end_date().year(),
                                  noticed.notice_end_date().month(),
                                  noticed.notice_end_date().day());
  SetToday(notice_end + 1);
  v1::PublishPublicationRequest publish;
  publish.set_name(draft.name());
  const v1::Publication published = Must<v1::Publication>(
      [&](auto* ctx, auto* out) { return lists_->PublishPublication(ctx, publish, out); });
  v1::GetPublicationRequest get_publication;
  get_publication.set_name(published.name());
  get_publication.set_view(v1::PUBLICATION_FULL);
  const v1::Publication full = Must<v1::Publication>([&](auto* ctx, auto* out) {
    return lists_->GetPublication(ctx, get_publication, out);
  });
  const v1::PublicationEntry* entry = nullptr;
  for (const auto& e : full.entries()) {
    if (e.credit_code() == black) entry = &e;
  }
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->enterprise_name(), all_sql);
  EXPECT_THAT(full.canonical_content(), ::testing::HasSubstr(all_sql));

  // A year later: rectified, penalty performed, a public commitment: the
  // repair is granted with the note as given.
  const absl::CivilDay later = kToday + 400;
  SetToday(later);
  v1::CreateCommitmentRequest commit;
  Base(world_, &commit);
  commit.set_parent("enterprises/" + black);
  *commit.mutable_commitment()->mutable_signing_date() = Day(later);
  *commit.mutable_commitment()->mutable_items(0)->mutable_due_date() = Day(later + 30);
  const v1::Commitment commitment = Must<v1::Commitment>(
      [&](auto* ctx, auto* out) { return records_->CreateCommitment(ctx, commit, out); });
  v1::ApplyRepairRequest repair;
  repair.set_entry("lists/black/entries/" + black);
  *repair.mutable_evidence()->mutable_rectification_date() = Day(kToday + 100);
  repair.mutable_evidence()->set_penalty_performed(true);
  repair.mutable_evidence()->set_commitment(commitment.name());
  repair.mutable_evidence()->set_note(all_sql);
  const v1::Repair granted = Must<v1::Repair>(
      [&](auto* ctx, auto* out) { return lists_->ApplyRepair(ctx, repair, out); });
  EXPECT_EQ(granted.state(), v1::REPAIR_GRANTED);
  EXPECT_EQ(granted.evidence().note(), all_sql);

  // Nothing was dropped or emptied along the way.
  auto session = database_->db().Checkout();
  ASSERT_TRUE(session.ok());
  auto count = session->QueryRow("SELECT COUNT(*) FROM enterprises");
  ASSERT_TRUE(count.ok() && count->has_value()) << count.status();
  EXPECT_EQ((*count)->GetInt64(0), 2 + static_cast<int>(kSqlTexts.size()) + 2);
}

// The rows the server fails today (BUG ids). Skipped unless
// ENVCREDIT_RUN_KNOWN_BUGS=1, so whoever fixes one can watch it pass and
// then drop its BUG id, which moves it into the main table.
class KnownServerBugsTest : public BadInputE2eTest {
 protected:
  void SetUp() override {
    const char* run = std::getenv("ENVCREDIT_RUN_KNOWN_BUGS");
    if (run == nullptr || std::string(run) != "1") {
      const World world = OfflineWorld();
      std::set<std::string> ids;
      int rows = 0;
      for (const Case& c : BadInputCases(&world)) {
        if (c.bug.empty()) continue;
        ++rows;
        ids.insert(c.bug.substr(0, c.bug.find(':')));
      }
      GTEST_SKIP() << rows << " rows wait for server fixes: " << absl::StrJoin(ids, ", ")
                   << " (ENVCREDIT_RUN_KNOWN_BUGS=1 runs them)";
    }
    BadInputE2eTest::SetUp();
  }
  void TearDown() override { BadInputE2eTest::TearDown(); }
};

TEST_F(KnownServerBugsTest, RowsThatFailToday) {
  const std::map<std::string, std::string> before = Checksums();
  for (const Case& c : BadInputCases(&world_)) {
    if (c.bug.empty()) continue;
    SCOPED_TRACE(c.bug);
    Run(c);
  }
  EXPECT_THAT(ChangedTables(before), ::testing::IsEmpty());
}

}  // namespace
}  // namespace envcredit
