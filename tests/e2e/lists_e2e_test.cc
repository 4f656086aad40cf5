// The honour and black lists end to end through the real server, its date
// stepped with --today_file: the whole due process (propose, notice,
// objections, publish), each reason a publication is blocked, an objection
// after the notice period, retried publishing, the SHA-256 chain, expiry,
// a repair refused with every unmet condition and one granted, and the list
// events of the change feed.
//
// By hand from SPEC §5.1: a transfer for criminal investigation deducts 12
// for 12 months (9 − 12 = −3: BLACK); a public credit commitment signed three
// years before, with no breach, gives +1 and +2 clean years: 12, GREEN, and
// clean for 24 months: on the honour list. Black-list periods: repair from
// listing + 12 months, expiry at listing + 36 months; notice 15 days.
#include <openssl/sha.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "envcredit/v1/access.grpc.pb.h"
#include "envcredit/v1/enterprise.grpc.pb.h"
#include "envcredit/v1/lists.grpc.pb.h"
#include "envcredit/v1/ratings.grpc.pb.h"
#include "envcredit/v1/records.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "server/domain/records.h"
#include "server/domain/uscc.h"
#include "tests/e2e/authed_channel.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/test_values.h"
#include "tests/support/test_database.h"

namespace envcredit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

std::string Uscc(int serial) { return testing::TestUscc("LT", serial); }

v1::Date Day(absl::CivilDay day) { return testing::DateOf(day); }

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  std::string out;
  char hex[3];
  for (unsigned char b : digest) {
    snprintf(hex, sizeof(hex), "%02x", b);
    out += hex;
  }
  return out;
}

// The PreconditionFailure violation types of a failed call.
std::vector<std::string> Blockers(const grpc::Status& status) {
  std::vector<std::string> types;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return types;
  for (const auto& any : details.details()) {
    google::rpc::PreconditionFailure failure;
    if (any.UnpackTo(&failure)) {
      for (const auto& v : failure.violations()) types.push_back(v.type());
    }
  }
  return types;
}

class ListsE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto db = testing::TestDatabase::Create("e2e_lists");
    ASSERT_TRUE(db.ok()) << db.status();
    database_ = db->release();
    char dir[] = "/tmp/envcredit-lists-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    today_file_ = new std::string(absl::StrCat(dir, "/today"));
    SetToday(absl::CivilDay(2024, 1, 1));
    auto server = testing::ServerProcess::Start(
        database_->config(),
        {absl::StrCat("--today_file=", *today_file_), "--feed_poll_ms=50"});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete database_;
    database_ = nullptr;
  }
  // The stored notice rows of `code` in publication `name` (…/publications/ID).
  static int64_t NoticeRows(const std::string& name, const std::string& code) {
    const int64_t id = domain::IdOfRecordName(name);
    EXPECT_GT(id, 0) << name;
    auto session = database_->db().Checkout();
    EXPECT_TRUE(session.ok()) << session.status();
    if (!session.ok()) return -1;
    auto row = session->QueryRow(
        "SELECT COUNT(*) FROM publication_notices WHERE publication_id = ? AND credit_code = ?",
        {id, code});
    EXPECT_TRUE(row.ok() && row->has_value()) << row.status();
    return row.ok() && row->has_value() ? (*row)->GetInt64(0) : -1;
  }
  static void SetToday(absl::CivilDay day) {
    const std::string tmp = *today_file_ + ".tmp";
    std::ofstream(tmp) << absl::FormatCivilTime(day) << "\n";
    std::rename(tmp.c_str(), today_file_->c_str());
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    auto channel = testing::AuthedChannel(server_->address(), server_->admin_token());
    enterprises_ = v1::EnterpriseService::NewStub(channel);
    records_ = v1::RecordService::NewStub(channel);
    lists_ = v1::ListService::NewStub(channel);
    ratings_ = v1::RatingService::NewStub(channel);
  }

  void Register(const std::string& code, const std::string& name) {
    grpc::ClientContext context;
    v1::CreateEnterpriseRequest request;
    request.mutable_enterprise()->set_credit_code(code);
    request.mutable_enterprise()->set_display_name(name);
    request.mutable_enterprise()->set_legal_representative("王示例");
    request.mutable_enterprise()->set_industry(v1::CHEMICALS);
    v1::Enterprise out;
    grpc::Status status = enterprises_->CreateEnterprise(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void Decide(const std::string& code, const std::string& number, absl::CivilDay date,
              v1::Measure measure) {
    grpc::ClientContext context;
    v1::CreatePenaltyDecisionRequest request;
    request.set_parent(absl::StrCat("enterprises/", code));
    v1::PenaltyDecision* d = request.mutable_penalty_decision();
    d->set_authority("南京市生态环境局");
    d->set_decision_number(number);
    d->set_violation_type(v1::EXCEEDING_DISCHARGE_STANDARDS);
    *d->mutable_decision_date() = Day(date);
    d->add_measures(measure);
    v1::PenaltyDecision out;
    grpc::Status status = records_->CreatePenaltyDecision(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void Commit(const std::string& code, absl::CivilDay date) {
    grpc::ClientContext context;
    v1::CreateCommitmentRequest request;
    request.set_parent(absl::StrCat("enterprises/", code));
    request.mutable_commitment()->set_kind(v1::CREDIT_COMMITMENT);
    request.mutable_commitment()->set_signer("王示例");
    *request.mutable_commitment()->mutable_signing_date() = Day(date);
    request.mutable_commitment()->set_public_(true);
    v1::Commitment out;
    grpc::Status status = records_->CreateCommitment(&context, request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status Propose(v1::ListKind list, v1::Publication* out) {
    grpc::ClientContext context;
    v1::ProposePublicationRequest request;
    request.set_list(list);
    return lists_->ProposePublication(&context, request, out);
  }
  v1::Publication Get(const std::string& name) {
    grpc::ClientContext context;
    v1::GetPublicationRequest request;
    request.set_name(name);
    request.set_view(v1::PUBLICATION_FULL);
    v1::Publication out;
    grpc::Status status = lists_->GetPublication(&context, request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }
  grpc::Status Notice(const std::string& name, v1::Publication* out) {
    grpc::ClientContext context;
    v1::StartNoticeRequest request;
    request.set_name(name);
    return lists_->StartNotice(&context, request, out);
  }
  grpc::Status Publish(const std::string& name, v1::Publication* out,
                       const std::string& request_id = "") {
    grpc::ClientContext context;
    v1::PublishPublicationRequest request;
    request.set_name(name);
    request.set_request_id(request_id);
    return lists_->PublishPublication(&context, request, out);
  }
  grpc::Status Object(const std::string& name, const std::string& code,
                      v1::Objection* out) {
    grpc::ClientContext context;
    v1::FileObjectionRequest request;
    request.set_parent(name);
    request.mutable_objection()->set_credit_code(code);
    request.mutable_objection()->set_statement("处罚决定已被复议撤销，请核实 / the decision is under review");
    return lists_->FileObjection(&context, request, out);
  }
  grpc::Status DecideObjection(const std::string& name, v1::ObjectionState decision,
                               v1::Objection* out) {
    grpc::ClientContext context;
    v1::DecideObjectionRequest request;
    request.set_name(name);
    request.set_decision(decision);
    request.set_reason("经核实 / checked");
    return lists_->DecideObjection(&context, request, out);
  }
  grpc::Status Repair(const std::string& code, bool complete, v1::Repair* out) {
    grpc::ClientContext context;
    v1::ApplyRepairRequest request;
    request.set_entry(absl::StrCat("lists/black/entries/", code));
    if (complete) {
      *request.mutable_evidence()->mutable_rectification_date() =
          Day(absl::CivilDay(2024, 3, 1));
      request.mutable_evidence()->set_penalty_performed(true);
    }
    return lists_->ApplyRepair(&context, request, out);
  }

  // Publishes `name` (in NOTICE) once its notice period is over.
  v1::Publication PublishAfterNotice(const v1::Publication& noticed) {
    const absl::CivilDay end(noticed.notice_end_date().year(),
                             noticed.notice_end_date().month(),
                             noticed.notice_end_date().day());
    SetToday(end + 1);
    v1::Publication out;
    grpc::Status status = Publish(noticed.name(), &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  // A ListService stub acting with a new token of `role`.
  std::unique_ptr<v1::ListService::Stub> ListsAs(v1::Role role, const std::string& label) {
    auto tokens = v1::TokenService::NewStub(
        testing::AuthedChannel(server_->address(), server_->admin_token()));
    grpc::ClientContext context;
    v1::CreateTokenRequest request;
    request.mutable_token()->set_role(role);
    request.mutable_token()->set_label(label);
    v1::CreateTokenResponse response;
    grpc::Status status = tokens->CreateToken(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return v1::ListService::NewStub(
        testing::AuthedChannel(server_->address(), response.secret()));
  }

  // The names of the publications of `list` `stub` is shown, every page.
  static std::vector<std::string> Listed(v1::ListService::Stub& stub, v1::ListKind list) {
    std::vector<std::string> names;
    std::string token;
    do {
      grpc::ClientContext context;
      v1::ListPublicationsRequest request;
      request.set_list(list);
      request.set_page_size(1);
      request.set_page_token(token);
      v1::ListPublicationsResponse response;
      grpc::Status status = stub.ListPublications(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& p : response.publications()) names.push_back(p.name());
      token = response.next_page_token();
    } while (!token.empty());
    return names;
  }

  static grpc::Status GetAs(v1::ListService::Stub& stub, const std::string& name,
                            v1::Publication* out) {
    grpc::ClientContext context;
    v1::GetPublicationRequest request;
    request.set_name(name);
    request.set_view(v1::PUBLICATION_FULL);
    return stub.GetPublication(&context, request, out);
  }

  static grpc::Status GetEntry(v1::ListService::Stub& stub, const std::string& name,
                               v1::PublicationEntry* out) {
    grpc::ClientContext context;
    v1::GetListEntryRequest request;
    request.set_name(name);
    return stub.GetListEntry(&context, request, out);
  }

  static grpc::Status Entries(v1::ListService::Stub& stub, v1::ListKind list,
                              const std::string& parent, v1::ListEntriesResponse* out) {
    grpc::ClientContext context;
    v1::ListEntriesRequest request;
    request.set_list(list);
    request.set_parent(parent);
    return stub.ListEntries(&context, request, out);
  }

  static std::vector<std::string> Codes(const v1::Publication& p) {
    std::vector<std::string> codes;
    for (const auto& e : p.entries()) codes.push_back(e.credit_code());
    return codes;
  }

  static testing::TestDatabase* database_;
  static testing::ServerProcess* server_;
  static std::string* today_file_;
  std::unique_ptr<v1::EnterpriseService::Stub> enterprises_;
  std::unique_ptr<v1::RecordService::Stub> records_;
  std::unique_ptr<v1::ListService::Stub> lists_;
  std::unique_ptr<v1::RatingService::Stub> ratings_;
};

testing::TestDatabase* ListsE2eTest::database_ = nullptr;
testing::ServerProcess* ListsE2eTest::server_ = nullptr;
std::string* ListsE2eTest::today_file_ = nullptr;

TEST_F(ListsE2eTest, DueProcessFromProposalToChainedPublicationsExpiryAndRepair) {
  const absl::CivilDay start(2024, 1, 1);
  SetToday(start);
  const std::string black = Uscc(1), other_black = Uscc(2), green = Uscc(3),
                    plain = Uscc(4), objected = Uscc(5);
  Register(black, "（虚构）南京黑榜示例化工有限公司");
  Register(other_black, "（虚构）南京到期示例有限公司");
  Register(green, "（虚构）南京红榜示例有限公司");
  Register(plain, "（虚构）南京普通示例有限公司");
  Register(objected, "（虚构）南京异议示例有限公司");
  Decide(black, "宁环罚〔2024〕1号", start, v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION);
  Decide(other_black, "宁环罚〔2024〕2号", start, v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION);
  Commit(green, absl::CivilDay(2021, 1, 1));

  // The feed from here on.
  int64_t feed_start = 0;
  {
    grpc::ClientContext context;
    v1::WatchRatingChangesRequest request;
    request.set_start_at_end(true);
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    auto reader = ratings_->WatchRatingChanges(&context, request);
    v1::WatchRatingChangesResponse first;
    ASSERT_TRUE(reader->Read(&first));
    feed_start = first.cursor();
    context.TryCancel();
    reader->Finish();
  }

  // 1. Propose: a DRAFT with both BLACK enterprises, ADDED, with periods.
  v1::Publication draft;
  ASSERT_TRUE(Propose(v1::BLACK_LIST, &draft).ok());
  EXPECT_EQ(draft.state(), v1::PUBLICATION_DRAFT);
  EXPECT_EQ(draft.added_count(), 2);
  draft = Get(draft.name());
  ASSERT_THAT(Codes(draft), UnorderedElementsAre(black, other_black));
  const v1::PublicationEntry& entry = draft.entries(0);
  EXPECT_EQ(entry.change(), v1::ENTRY_ADDED);
  EXPECT_EQ(entry.legal_representative(), "王示例");
  EXPECT_EQ(entry.earliest_repair_date().year(), 2025);
  EXPECT_EQ(entry.expiry_date().year(), 2027);
  ASSERT_EQ(entry.reasons_size(), 1);
  EXPECT_THAT(entry.reasons(0).reference(), HasSubstr("宁环罚〔2024〕"));
  // Proposed, not published: on no current list yet (nothing published).
  {
    v1::PublicationEntry none;
    const grpc::Status nothing =
        GetEntry(*lists_, absl::StrCat("lists/black/entries/", black), &none);
    EXPECT_EQ(nothing.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(testing::DetailsOf(nothing).reason, "ENTRY_NOT_FOUND");
  }

  // 2. Publishing a draft is blocked: it has had no notice.
  v1::Publication out;
  grpc::Status status = Publish(draft.name(), &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(Blockers(status), ElementsAre("NOT_IN_NOTICE"));

  // 3. Notice: 15 days, a notice text per candidate.
  v1::Publication noticed;
  ASSERT_TRUE(Notice(draft.name(), &noticed).ok());
  EXPECT_EQ(noticed.state(), v1::PUBLICATION_NOTICE);
  EXPECT_EQ(noticed.notice_end_date().day(), 15);
  const v1::Publication with_notices = Get(draft.name());
  EXPECT_THAT(with_notices.entries(0).notice_text(), HasSubstr("2024-01-15"));
  EXPECT_THAT(with_notices.entries(0).notice_text(), HasSubstr("宁环罚〔2024〕"));
  // A second proposal while in notice is refused.
  v1::Publication second;
  EXPECT_EQ(Propose(v1::BLACK_LIST, &second).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // 4. During the notice: blocked by the period; an objection is filed.
  status = Publish(draft.name(), &out);
  EXPECT_THAT(Blockers(status), ElementsAre("NOTICE_NOT_ENDED"));
  v1::Objection objection;
  ASSERT_TRUE(Object(draft.name(), black, &objection).ok());
  EXPECT_EQ(objection.state(), v1::OBJECTION_PENDING);
  EXPECT_EQ(Object(draft.name(), plain, &objection).error_code(),
            grpc::StatusCode::NOT_FOUND);  // not on the list
  status = Publish(draft.name(), &out);
  EXPECT_THAT(Blockers(status), ElementsAre("NOTICE_NOT_ENDED", "OBJECTIONS_PENDING"));

  // 5. After the period: too late to object; blocked only by the objection.
  SetToday(absl::CivilDay(2024, 1, 16));
  v1::Objection late;
  status = Object(draft.name(), other_black, &late);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(testing::DetailsOf(status).reason, "NOTICE_PERIOD_OVER");
  status = Publish(draft.name(), &out);
  EXPECT_THAT(Blockers(status), ElementsAre("OBJECTIONS_PENDING"));
  {
    grpc::ClientContext context;
    v1::ListObjectionsRequest request;
    request.set_parent(draft.name());
    v1::ListObjectionsResponse objections;
    ASSERT_TRUE(lists_->ListObjections(&context, request, &objections).ok());
    ASSERT_EQ(objections.objections_size(), 1);
    v1::Objection decided;
    ASSERT_TRUE(DecideObjection(objections.objections(0).name(), v1::OBJECTION_REJECTED,
                                &decided)
                    .ok());
    EXPECT_EQ(decided.state(), v1::OBJECTION_REJECTED);
    EXPECT_EQ(DecideObjection(objections.objections(0).name(), v1::OBJECTION_UPHELD,
                              &decided)
                  .error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);  // decided once only
  }

  // 6. Publish: number 1, content hash over the canonical content.
  v1::Publication first;
  ASSERT_TRUE(Publish(draft.name(), &first, "publish-black-1").ok());
  EXPECT_EQ(first.state(), v1::PUBLICATION_PUBLISHED);
  EXPECT_EQ(first.number(), 1);
  EXPECT_TRUE(first.previous_content_sha256().empty());
  const v1::Publication first_full = Get(first.name());
  EXPECT_EQ(Sha256Hex(first_full.canonical_content()), first.content_sha256());
  EXPECT_THAT(first_full.canonical_content(), HasSubstr(black));
  // Retries publish nothing twice: same request id, another id, no id.
  v1::Publication again;
  ASSERT_TRUE(Publish(draft.name(), &again, "publish-black-1").ok());
  EXPECT_EQ(again.number(), 1);
  ASSERT_TRUE(Publish(draft.name(), &again, "publish-black-1-retry").ok());
  EXPECT_EQ(again.number(), 1);
  EXPECT_EQ(again.content_sha256(), first.content_sha256());

  // 7. The honour list: the green enterprise.
  v1::Publication honor;
  ASSERT_TRUE(Propose(v1::HONOR_LIST, &honor).ok());
  EXPECT_THAT(Codes(Get(honor.name())), ElementsAre(green));
  ASSERT_TRUE(Notice(honor.name(), &honor).ok());
  const v1::Publication honor_published = PublishAfterNotice(honor);
  EXPECT_EQ(honor_published.number(), 1);

  // 8. A repair too early, with nothing shown: every unmet condition.
  SetToday(absl::CivilDay(2024, 6, 1));
  v1::Repair repair;
  status = Repair(black, /*complete=*/false, &repair);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(Blockers(status),
              ElementsAre("REPAIR_TOO_EARLY", "NOT_RECTIFIED", "PENALTY_NOT_PERFORMED",
                          "NO_CREDIT_COMMITMENT"));
  // Granted after the minimum period, rectified, penalty performed, and a
  // public credit commitment on file.
  SetToday(absl::CivilDay(2025, 2, 1));
  Commit(black, absl::CivilDay(2025, 2, 1));
  ASSERT_TRUE(Repair(black, /*complete=*/true, &repair).ok());
  EXPECT_EQ(repair.state(), v1::REPAIR_GRANTED);
  {
    grpc::ClientContext context;
    v1::ListEntriesRequest request;
    request.set_list(v1::BLACK_LIST);
    v1::ListEntriesResponse entries;
    ASSERT_TRUE(lists_->ListEntries(&context, request, &entries).ok());
    std::vector<std::string> listed;
    for (const auto& e : entries.entries()) listed.push_back(e.credit_code());
    EXPECT_THAT(listed, ElementsAre(other_black));  // the repaired one is gone
  }
  // GetListEntry agrees: the repaired entry is no longer on the list.
  {
    v1::PublicationEntry found;
    const grpc::Status repaired =
        GetEntry(*lists_, absl::StrCat("lists/black/entries/", black), &found);
    EXPECT_EQ(repaired.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(testing::DetailsOf(repaired).reason, "ENTRY_NOT_FOUND");
    ASSERT_TRUE(
        GetEntry(*lists_, absl::StrCat("lists/black/entries/", other_black), &found).ok());
    EXPECT_EQ(found.publication(), first.name());
  }

  // 9. The next black list: the repaired entry leaves (REPAIRED); a new
  //    BLACK enterprise is proposed, objected to and the objection upheld.
  Decide(objected, "宁环罚〔2025〕3号", absl::CivilDay(2025, 2, 1),
         v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION);
  v1::Publication next;
  ASSERT_TRUE(Propose(v1::BLACK_LIST, &next).ok());
  v1::Publication next_full = Get(next.name());
  ASSERT_EQ(next_full.removals_size(), 1);
  EXPECT_EQ(next_full.removals(0).credit_code(), black);
  EXPECT_EQ(next_full.removals(0).reason(), v1::REMOVAL_REPAIRED);
  EXPECT_THAT(Codes(next_full), UnorderedElementsAre(other_black, objected));
  ASSERT_TRUE(Notice(next.name(), &next).ok());
  ASSERT_TRUE(Object(next.name(), objected, &objection).ok());
  v1::Objection upheld;
  ASSERT_TRUE(DecideObjection(objection.name(), v1::OBJECTION_UPHELD, &upheld).ok());
  const v1::Publication second_published = PublishAfterNotice(next);
  EXPECT_EQ(second_published.number(), 2);
  EXPECT_EQ(second_published.previous_content_sha256(), first.content_sha256());
  next_full = Get(next.name());
  EXPECT_THAT(Codes(next_full), ElementsAre(other_black));
  // The entry that stayed keeps its notice; the upheld one's notice left
  // with its entry (notices are rows of their own, publication_notices).
  EXPECT_THAT(next_full.entries(0).notice_text(), HasSubstr(next_full.entries(0).enterprise_name()));
  EXPECT_EQ(NoticeRows(next.name(), other_black), 1);
  EXPECT_EQ(NoticeRows(next.name(), objected), 0);
  std::set<std::string> removal_reasons;
  for (const auto& r : next_full.removals()) {
    removal_reasons.insert(v1::RemovalReason_Name(r.reason()));
  }
  EXPECT_THAT(removal_reasons,
              UnorderedElementsAre("REMOVAL_REPAIRED", "REMOVAL_OBJECTION_UPHELD"));
  EXPECT_EQ(Sha256Hex(next_full.canonical_content()), second_published.content_sha256());

  // 10. Expiry: 36 months after listing, the other entry leaves by itself.
  SetToday(absl::CivilDay(2027, 1, 2));
  v1::Publication expiring;
  ASSERT_TRUE(Propose(v1::BLACK_LIST, &expiring).ok());
  const v1::Publication expiring_full = Get(expiring.name());
  EXPECT_TRUE(Codes(expiring_full).empty());
  ASSERT_EQ(expiring_full.removals_size(), 1);
  EXPECT_EQ(expiring_full.removals(0).credit_code(), other_black);
  EXPECT_EQ(expiring_full.removals(0).reason(), v1::REMOVAL_EXPIRED);

  // 11. The feed carried the additions, removals and the repair.
  {
    grpc::ClientContext context;
    v1::WatchRatingChangesRequest request;
    request.set_after_cursor(feed_start);
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(3)));
    auto reader = ratings_->WatchRatingChanges(&context, request);
    std::vector<std::string> seen;
    v1::WatchRatingChangesResponse response;
    while (reader->Read(&response)) {
      for (const auto& c : response.list_changes()) {
        seen.push_back(absl::StrCat(v1::ListKind_Name(c.list()), " ",
                                    v1::ListChangeKind_Name(c.kind()), " ",
                                    c.credit_code()));
      }
    }
    EXPECT_THAT(seen, ::testing::IsSupersetOf({
                          absl::StrCat("BLACK_LIST LIST_ENTRY_ADDED ", black),
                          absl::StrCat("BLACK_LIST LIST_ENTRY_ADDED ", other_black),
                          absl::StrCat("HONOR_LIST LIST_ENTRY_ADDED ", green),
                          absl::StrCat("BLACK_LIST LIST_ENTRY_REPAIRED ", black),
                          absl::StrCat("BLACK_LIST LIST_ENTRY_REMOVED ", black),
                      }));
    // Never published, so never removed from a list.
    EXPECT_THAT(seen, ::testing::Not(::testing::Contains(
                          absl::StrCat("BLACK_LIST LIST_ENTRY_REMOVED ", objected))));
  }
}

}  // namespace
}  // namespace envcredit

namespace envcredit {
namespace {

// Issue 13, findings 2 and 11. A DRAFT is the bureau's working paper: names,
// legal representatives and decision numbers of candidates not yet noticed.
// PUBLIC and INTEGRATOR tokens see the notice (NOTICE) and the issues
// (PUBLISHED) only; a hidden proposal is NOT_FOUND to them, exactly as a
// missing one. A second proposal supersedes a DRAFT; one in NOTICE refuses
// a new proposal (PUBLICATION_IN_PROGRESS).
TEST_F(ListsE2eTest, OnlyRegulatorsSeeProposalsThePublicSeesNoticesAndIssues) {
  // Runs on whatever day the suite left (it never steps back in time).
  auto public_lists = ListsAs(v1::PUBLIC, "citizen-portal");
  auto bank_lists = ListsAs(v1::INTEGRATOR, "bank-of-drafts");
  auto regulator_lists = ListsAs(v1::REGULATOR, "drafts.regulator");
  const std::vector<std::string> public_before = Listed(*public_lists, v1::HONOR_LIST);

  // Two proposals of the honour list: the first is SUPERSEDED by the second.
  v1::Publication first, second;
  ASSERT_TRUE(Propose(v1::HONOR_LIST, &first).ok());
  ASSERT_TRUE(Propose(v1::HONOR_LIST, &second).ok());
  EXPECT_EQ(Get(first.name()).state(), v1::PUBLICATION_SUPERSEDED);
  EXPECT_EQ(Get(second.name()).state(), v1::PUBLICATION_DRAFT);

  // The public and a bank see neither; a regulator sees both.
  for (auto* stub : {public_lists.get(), bank_lists.get()}) {
    for (const std::string& name : {first.name(), second.name()}) {
      v1::Publication out;
      const grpc::Status status = GetAs(*stub, name, &out);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << name;
      EXPECT_EQ(testing::DetailsOf(status).reason, "PUBLICATION_NOT_FOUND");
      EXPECT_TRUE(out.entries().empty());
    }
    const std::vector<std::string> listed = Listed(*stub, v1::HONOR_LIST);
    EXPECT_THAT(listed, ::testing::Not(::testing::Contains(first.name())));
    EXPECT_THAT(listed, ::testing::Not(::testing::Contains(second.name())));
  }
  EXPECT_EQ(Listed(*public_lists, v1::HONOR_LIST), public_before);
  const std::vector<std::string> seen_by_regulator =
      Listed(*regulator_lists, v1::HONOR_LIST);
  EXPECT_THAT(seen_by_regulator, ::testing::IsSupersetOf({first.name(), second.name()}));
  v1::Publication out;
  EXPECT_TRUE(GetAs(*regulator_lists, first.name(), &out).ok());

  // Once in NOTICE the proposal is public; a new proposal is refused.
  v1::Publication noticed;
  ASSERT_TRUE(Notice(second.name(), &noticed).ok());
  v1::Publication refused;
  const grpc::Status again = Propose(v1::HONOR_LIST, &refused);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(testing::DetailsOf(again).reason, "PUBLICATION_IN_PROGRESS");
  for (auto* stub : {public_lists.get(), bank_lists.get()}) {
    v1::Publication seen;
    ASSERT_TRUE(GetAs(*stub, second.name(), &seen).ok());
    EXPECT_EQ(seen.state(), v1::PUBLICATION_NOTICE);
    EXPECT_THAT(Listed(*stub, v1::HONOR_LIST), ::testing::Contains(second.name()));
    EXPECT_EQ(GetAs(*stub, first.name(), &seen).error_code(), grpc::StatusCode::NOT_FOUND);
  }

  // Published: still public; the superseded draft stays hidden.
  const v1::Publication issued = PublishAfterNotice(noticed);
  EXPECT_EQ(issued.state(), v1::PUBLICATION_PUBLISHED);
  const std::vector<std::string> after = Listed(*public_lists, v1::HONOR_LIST);
  EXPECT_THAT(after, ::testing::Contains(second.name()));
  EXPECT_THAT(after, ::testing::Not(::testing::Contains(first.name())));
}

// Issue 18: GetListEntry, the direct "is this enterprise on the current
// list?", and `parent` on the List methods beside the `list` enum.
TEST_F(ListsE2eTest, GetListEntryAnswersFromTheCurrentListAndParentNamesTheList) {
  // Later than any day the other tests reach (the suite never steps back).
  const absl::CivilDay start(2028, 1, 1);
  SetToday(start);
  const std::string listed = Uscc(21), unlisted = Uscc(22);
  Register(listed, "（虚构）南京查询示例化工有限公司");
  Register(unlisted, "（虚构）南京未上榜示例有限公司");
  Decide(listed, "宁环罚〔2028〕1号", start, v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION);
  v1::Publication draft, noticed;
  ASSERT_TRUE(Propose(v1::BLACK_LIST, &draft).ok());
  ASSERT_TRUE(Notice(draft.name(), &noticed).ok());
  const v1::Publication published = PublishAfterNotice(noticed);
  ASSERT_EQ(published.state(), v1::PUBLICATION_PUBLISHED);

  // A listed enterprise: its entry, named, with the publication it is in.
  const std::string entry_name = absl::StrCat("lists/black/entries/", listed);
  v1::PublicationEntry entry;
  grpc::Status status = GetEntry(*lists_, entry_name, &entry);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(entry.name(), entry_name);
  EXPECT_EQ(entry.publication(), published.name());
  EXPECT_EQ(entry.credit_code(), listed);
  EXPECT_EQ(entry.enterprise_name(), "（虚构）南京查询示例化工有限公司");
  EXPECT_EQ(entry.level(), v1::BLACK);
  EXPECT_EQ(entry.listing_date().year(), 2028);
  ASSERT_EQ(entry.reasons_size(), 1);
  EXPECT_EQ(entry.reasons(0).reference(), "宁环罚〔2028〕1号");
  // The public reads it as ListEntries: the same answer.
  auto public_lists = ListsAs(v1::PUBLIC, "entry-lookup-portal");
  v1::PublicationEntry seen;
  ASSERT_TRUE(GetEntry(*public_lists, entry_name, &seen).ok());
  EXPECT_EQ(seen.SerializeAsString(), entry.SerializeAsString());

  // Not on the list: NOT_FOUND, ENTRY_NOT_FOUND, naming `name`; on the black
  // list is not on the honour list.
  for (const std::string& name : {absl::StrCat("lists/black/entries/", unlisted),
                                  absl::StrCat("lists/honor/entries/", listed)}) {
    SCOPED_TRACE(name);
    v1::PublicationEntry none;
    status = GetEntry(*lists_, name, &none);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(testing::DetailsOf(status).reason, "ENTRY_NOT_FOUND");
    EXPECT_EQ(testing::DetailsOf(status).field, "name");
    EXPECT_FALSE(none.has_listing_date());
  }

  // Malformed names and credit codes: INVALID_ARGUMENT naming `name`.
  std::string lower = listed;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::vector<std::pair<std::string, std::string>> malformed = {
      {"", "INVALID_RESOURCE_NAME"},
      {absl::StrCat("lists/red/entries/", listed), "INVALID_RESOURCE_NAME"},
      {absl::StrCat("lists/black/", listed), "INVALID_RESOURCE_NAME"},
      {absl::StrCat("enterprises/", listed), "INVALID_RESOURCE_NAME"},
      {absl::StrCat("lists/black/entries/", lower), "INVALID_CREDIT_CODE"},
      {absl::StrCat("lists/black/entries/", listed.substr(0, 17)), "INVALID_CREDIT_CODE"},
  };
  for (const auto& [name, reason] : malformed) {
    SCOPED_TRACE(name);
    v1::PublicationEntry none;
    status = GetEntry(*lists_, name, &none);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(testing::DetailsOf(status).reason, reason);
    EXPECT_EQ(testing::DetailsOf(status).field, "name");
  }

  // ListEntries: `parent`, `list`, or both agreeing, give the same answer;
  // every entry named, with its publication.
  v1::ListEntriesResponse by_list, by_parent, by_both;
  ASSERT_TRUE(Entries(*lists_, v1::BLACK_LIST, "", &by_list).ok());
  ASSERT_TRUE(Entries(*lists_, v1::LIST_KIND_UNSPECIFIED, "lists/black", &by_parent).ok());
  ASSERT_TRUE(Entries(*lists_, v1::BLACK_LIST, "lists/black", &by_both).ok());
  EXPECT_EQ(by_parent.SerializeAsString(), by_list.SerializeAsString());
  EXPECT_EQ(by_both.SerializeAsString(), by_list.SerializeAsString());
  EXPECT_EQ(by_list.publication(), published.name());
  bool found = false;
  for (const v1::PublicationEntry& e : by_list.entries()) {
    EXPECT_EQ(e.name(), absl::StrCat("lists/black/entries/", e.credit_code()));
    EXPECT_EQ(e.publication(), published.name());
    if (e.credit_code() == listed) {
      found = true;
      EXPECT_EQ(e.SerializeAsString(), entry.SerializeAsString());
    }
  }
  EXPECT_TRUE(found);
  // Disagreeing, or a parent that is no list: INVALID_ARGUMENT naming parent.
  v1::ListEntriesResponse refused;
  status = Entries(*lists_, v1::HONOR_LIST, "lists/black", &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::DetailsOf(status).field, "parent");
  EXPECT_EQ(testing::DetailsOf(status).reason, "CONFLICTING_PARENT");
  status = Entries(*lists_, v1::LIST_KIND_UNSPECIFIED, "lists/red", &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::DetailsOf(status).field, "parent");
  EXPECT_EQ(testing::DetailsOf(status).reason, "INVALID_RESOURCE_NAME");

  // ListPublications the same, a page token carrying over from one form to
  // the other (both name the same list).
  grpc::ClientContext list_context;
  v1::ListPublicationsRequest request;
  request.set_list(v1::BLACK_LIST);
  request.set_page_size(1);
  v1::ListPublicationsResponse first_page;
  ASSERT_TRUE(lists_->ListPublications(&list_context, request, &first_page).ok());
  ASSERT_EQ(first_page.publications_size(), 1);
  grpc::ClientContext parent_context;
  request.clear_list();
  request.set_parent("lists/black");
  v1::ListPublicationsResponse same_page;
  ASSERT_TRUE(lists_->ListPublications(&parent_context, request, &same_page).ok());
  EXPECT_EQ(same_page.SerializeAsString(), first_page.SerializeAsString());
  if (!first_page.next_page_token().empty()) {
    grpc::ClientContext next_context;
    request.set_page_token(first_page.next_page_token());
    v1::ListPublicationsResponse next_page;
    EXPECT_TRUE(lists_->ListPublications(&next_context, request, &next_page).ok());
  }
  grpc::ClientContext conflict_context;
  request.clear_page_token();
  request.set_list(v1::HONOR_LIST);
  v1::ListPublicationsResponse none;
  status = lists_->ListPublications(&conflict_context, request, &none);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(testing::DetailsOf(status).field, "parent");
}

// Issue 15 item 5: a publication's entries and removals in pages
// (ListPublicationEntries / ListPublicationRemovals), GetPublication view
// CONTENT, and the notices StartNotice writes a page of entries at a time.
TEST_F(ListsE2eTest, PublicationRowsComeInPagesBoundToTheirPublication) {
  // Later than any day the other tests reach (the suite never steps back).
  const absl::CivilDay start(2029, 1, 1);
  SetToday(start);
  std::vector<std::string> mine;
  for (int k = 0; k < 5; ++k) {
    mine.push_back(Uscc(31 + k));
    Register(mine.back(), absl::StrCat("（虚构）南京分页示例", k, "化工有限公司"));
    Decide(mine.back(), absl::StrCat("宁环罚〔2029〕", 10 + k, "号"), start,
           v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION);
  }
  v1::Publication draft;
  ASSERT_TRUE(Propose(v1::BLACK_LIST, &draft).ok());
  const v1::Publication full = Get(draft.name());
  ASSERT_GE(full.entries_size(), 5);
  for (const std::string& code : mine) EXPECT_THAT(Codes(full), ::testing::Contains(code));

  // Every page of 2, in order: the same entries as view FULL.
  auto page = [&](v1::ListService::Stub& stub, const std::string& parent, int size,
                  const std::string& token, v1::ListPublicationEntriesResponse* out) {
    grpc::ClientContext context;
    v1::ListPublicationEntriesRequest request;
    request.set_parent(parent);
    request.set_page_size(size);
    request.set_page_token(token);
    return stub.ListPublicationEntries(&context, request, out);
  };
  auto all_pages = [&](const std::string& parent) {
    std::vector<v1::PublicationEntry> entries;
    std::string token;
    int pages = 0;
    do {
      v1::ListPublicationEntriesResponse response;
      const grpc::Status status = page(*lists_, parent, 2, token, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      EXPECT_LE(response.entries_size(), 2);
      for (const auto& e : response.entries()) entries.push_back(e);
      token = response.next_page_token();
      ++pages;
    } while (!token.empty() && pages < 100);
    return entries;
  };
  std::vector<v1::PublicationEntry> paged = all_pages(draft.name());
  ASSERT_EQ(static_cast<int>(paged.size()), full.entries_size());
  for (size_t k = 0; k < paged.size(); ++k) {
    EXPECT_EQ(paged[k].SerializeAsString(), full.entries(static_cast<int>(k)).SerializeAsString())
        << k;
  }

  // A draft is the regulators' alone, page by page as whole.
  auto public_lists = ListsAs(v1::PUBLIC, "citizen-pages");
  v1::ListPublicationEntriesResponse hidden;
  grpc::Status status = page(*public_lists, draft.name(), 2, "", &hidden);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(testing::DetailsOf(status).reason, "PUBLICATION_NOT_FOUND");
  EXPECT_TRUE(hidden.entries().empty());

  // Bad input names its field.
  v1::ListPublicationEntriesResponse first;
  ASSERT_TRUE(page(*lists_, draft.name(), 2, "", &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  struct Bad {
    std::string parent;
    int size;
    std::string token;
    std::string field;
  };
  for (const Bad& bad : std::vector<Bad>{
           {draft.name(), -1, "", "page_size"},
           {"lists/black/publications/x", 2, "", "parent"},
           {"lists/red/publications/1", 2, "", "parent"},
           // another publication's token (checked before the publication)
           {"lists/black/publications/999999", 2, first.next_page_token(), "page_token"},
           {draft.name(), 2, "not-a-token", "page_token"}}) {
    v1::ListPublicationEntriesResponse out;
    status = page(*lists_, bad.parent, bad.size, bad.token, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad.field;
    EXPECT_EQ(testing::DetailsOf(status).field, bad.field);
  }
  {  // nor does an entries token continue the removals
    grpc::ClientContext context;
    v1::ListPublicationRemovalsRequest request;
    request.set_parent(draft.name());
    request.set_page_token(first.next_page_token());
    v1::ListPublicationRemovalsResponse out;
    status = lists_->ListPublicationRemovals(&context, request, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(testing::DetailsOf(status).field, "page_token");
  }

  // The notice: every entry gets its own, written a page at a time.
  v1::Publication noticed;
  ASSERT_TRUE(Notice(draft.name(), &noticed).ok());
  paged = all_pages(draft.name());
  ASSERT_EQ(static_cast<int>(paged.size()), full.entries_size());
  for (const auto& e : paged) {
    EXPECT_THAT(e.notice_text(), ::testing::HasSubstr(e.enterprise_name())) << e.credit_code();
  }
  {  // what an export asks for: the same entries without their notices
    grpc::ClientContext context;
    v1::ListPublicationEntriesRequest request;
    request.set_parent(draft.name());
    request.set_page_size(1000);
    request.set_view(v1::PUBLICATION_ENTRY_WITHOUT_NOTICE);
    v1::ListPublicationEntriesResponse lean;
    ASSERT_TRUE(lists_->ListPublicationEntries(&context, request, &lean).ok());
    ASSERT_EQ(lean.entries_size(), static_cast<int>(paged.size()));
    for (int k = 0; k < lean.entries_size(); ++k) {
      v1::PublicationEntry expected = paged[k];
      expected.clear_notice_text();
      EXPECT_EQ(lean.entries(k).SerializeAsString(), expected.SerializeAsString()) << k;
    }
  }

  // Published: view CONTENT has the content its hash covers and no rows.
  const v1::Publication published = PublishAfterNotice(noticed);
  grpc::ClientContext context;
  v1::GetPublicationRequest request;
  request.set_name(draft.name());
  request.set_view(v1::PUBLICATION_CONTENT);
  v1::Publication content;
  ASSERT_TRUE(lists_->GetPublication(&context, request, &content).ok());
  EXPECT_TRUE(content.entries().empty());
  EXPECT_TRUE(content.removals().empty());
  EXPECT_EQ(content.entry_count(), full.entries_size());
  EXPECT_EQ(Sha256Hex(content.canonical_content()), published.content_sha256());
  EXPECT_EQ(content.canonical_content(), Get(draft.name()).canonical_content());
  for (const std::string& code : mine) {
    EXPECT_THAT(content.canonical_content(), ::testing::HasSubstr("entry\t" + code));
  }
}


// A proposal reads the records of the black-list entries that stay (period
// not ended, not repaired) without the decisions' numbers and authorities
// (doc/decisions.md "Lists at a million"): such an entry still takes its
// current level and points, and one whose period ended and that is BLACK
// again is listed anew with its reasons in full.
TEST_F(ListsE2eTest, StayingEntriesTakeTheirCurrentRatingAndRelistedOnesTheirReasons) {
  // Later than any day the other tests reach (the suite never steps back).
  const absl::CivilDay start(2031, 1, 1);
  SetToday(start);
  const std::string again = Uscc(41), once = Uscc(42);
  Register(again, "（虚构）南京再上榜示例化工有限公司");
  Register(once, "（虚构）南京一次示例化工有限公司");
  Decide(again, "宁环罚〔2031〕1号", start, v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION);
  Decide(once, "宁环罚〔2031〕2号", start, v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION);
  auto entry_of = [](const v1::Publication& p, const std::string& code) {
    for (const v1::PublicationEntry& e : p.entries()) {
      if (e.credit_code() == code) return e;
    }
    ADD_FAILURE() << code << " is not in " << p.name();
    return v1::PublicationEntry();
  };
  v1::Publication draft, noticed;
  ASSERT_TRUE(Propose(v1::BLACK_LIST, &draft).ok());
  ASSERT_TRUE(Notice(draft.name(), &noticed).ok());
  ASSERT_EQ(PublishAfterNotice(noticed).state(), v1::PUBLICATION_PUBLISHED);
  const v1::PublicationEntry first = entry_of(Get(draft.name()), again);
  EXPECT_EQ(first.change(), v1::ENTRY_ADDED);

  // A second decision lowers its points: the entry stays, with its first
  // listing and reasons, and takes the points of its current rating.
  const absl::CivilDay later(2031, 6, 1);
  SetToday(later);
  Decide(again, "宁环罚〔2031〕3号", later, v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION);
  v1::Rating rating;
  {
    grpc::ClientContext context;
    v1::GetRatingRequest request;
    request.set_name(absl::StrCat("enterprises/", again, "/rating"));
    const grpc::Status status = ratings_->GetRating(&context, request, &rating);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_LT(rating.points(), first.points());
  v1::Publication kept;
  ASSERT_TRUE(Propose(v1::BLACK_LIST, &kept).ok());
  const v1::PublicationEntry stayed = entry_of(Get(kept.name()), again);
  EXPECT_EQ(stayed.change(), v1::ENTRY_UNCHANGED);
  EXPECT_EQ(stayed.points(), rating.points());
  EXPECT_EQ(stayed.level(), v1::BLACK);
  EXPECT_EQ(stayed.listing_date().SerializeAsString(), first.listing_date().SerializeAsString());
  ASSERT_EQ(stayed.reasons_size(), 1);
  EXPECT_EQ(stayed.reasons(0).reference(), "宁环罚〔2031〕1号");
  ASSERT_TRUE(Notice(kept.name(), &noticed).ok());
  ASSERT_EQ(PublishAfterNotice(noticed).state(), v1::PUBLICATION_PUBLISHED);

  // 36 months on, both periods have ended: `again`, BLACK by a new
  // decision, is listed anew with that decision's number and authority;
  // `once` leaves (EXPIRED).
  const absl::CivilDay recent(2033, 12, 20), expired(2034, 1, 2);
  SetToday(recent);
  Decide(again, "宁环罚〔2033〕4号", recent, v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION);
  SetToday(expired);
  v1::Publication relisted;
  ASSERT_TRUE(Propose(v1::BLACK_LIST, &relisted).ok());
  const v1::Publication relisted_full = Get(relisted.name());
  const v1::PublicationEntry anew = entry_of(relisted_full, again);
  EXPECT_EQ(anew.change(), v1::ENTRY_ADDED);
  EXPECT_EQ(anew.listing_date().year(), 2034);
  ASSERT_EQ(anew.reasons_size(), 1);
  EXPECT_EQ(anew.reasons(0).reference(), "宁环罚〔2033〕4号");
  EXPECT_EQ(anew.reasons(0).authority(), "南京市生态环境局");
  EXPECT_THAT(anew.reasons(0).description(), HasSubstr("TRANSFER_FOR_CRIMINAL_INVESTIGATION"));
  bool once_left = false;
  for (const auto& r : relisted_full.removals()) {
    if (r.credit_code() == once) {
      once_left = true;
      EXPECT_EQ(r.reason(), v1::REMOVAL_EXPIRED);
    }
  }
  EXPECT_TRUE(once_left);
}

}  // namespace
}  // namespace envcredit
