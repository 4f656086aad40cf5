// Hot backup and restore (issue 17 item 4; doc/operations.md "Backup and
// restore"): scripts/backup.sh takes a backup of the private database while
// the real server takes writes, scripts/restore.sh puts it into a new run
// folder, and a server started on the restored database has
//   - every write acknowledged before the backup began (enterprise by credit
//     code, penalty decision by decision number, both by request id), each
//     with its audit entry (AuditService.ListAuditEntries on the restored
//     server);
//   - nothing half-applied: each restored decision with its enterprise, its
//     request_log row and its audit entry, the same counts all round, and no
//     write the clients never sent;
//   - the black-list publication made before the backup: the same
//     content_sha256 as the signed folder exported before, a fresh export
//     from the restored server finding every file identical, and
//     `envcredit-admin lists verify --chain` passing.
// Then the same for an incremental backup taken after more writes: the chain
// (full + incremental) restored holds every write acknowledged before the
// incremental began — restored from the incremental's prepared/ folder, and
// again with that folder deleted, restore.sh preparing the chain itself. Asserts counts, never
// timings; the load runs for about 10 s plus the two backups.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "envcredit/v1/audit.grpc.pb.h"
#include "envcredit/v1/enterprise.grpc.pb.h"
#include "envcredit/v1/lists.grpc.pb.h"
#include "envcredit/v1/records.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/e2e/authed_channel.h"
#include "tests/faults/fault_support.h"

#ifndef ENVCREDIT_ADMIN_BIN
#error "ENVCREDIT_ADMIN_BIN must name the envcredit-admin binary"
#endif

namespace envcredit::faults {
namespace {

const absl::CivilDay kStart(2024, 1, 1);
constexpr int kBlack = 20;   // enterprises on the published black list
constexpr int kWriters = 3;  // threads writing during the backups
constexpr char kAuthority[] = "南京市生态环境局";

// One writer iteration: an enterprise, then a penalty decision on it. A time
// is set only when the call was acknowledged (OK).
struct Write {
  std::string credit_code;
  std::string enterprise_request_id;
  std::optional<absl::Time> enterprise_acked;
  std::string decision_number;
  std::string decision_request_id;
  std::optional<absl::Time> decision_acked;
};

// Writers creating enterprises and decisions until stopped; thread-safe.
class Writers {
 public:
  explicit Writers(std::shared_ptr<grpc::Channel> channel) : channel_(std::move(channel)) {}
  ~Writers() { Stop(); }

  void Start() {
    for (int t = 0; t < kWriters; ++t) threads_.emplace_back([this, t]() { Run(t); });
  }
  void Stop() {
    stop_.store(true);
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }
  // After Stop.
  const std::vector<Write>& writes() const { return writes_; }
  int failures() const { return failures_.load(); }
  std::string first_failure() {
    std::lock_guard<std::mutex> lock(mu_);
    return first_failure_;
  }

 private:
  void Run(int t) {
    auto enterprises = v1::EnterpriseService::NewStub(channel_);
    auto records = v1::RecordService::NewStub(channel_);
    const std::string tag = std::string("B") + static_cast<char>('A' + t);  // BA, BB, BC
    for (int i = 1; !stop_.load() && i < 100000; ++i) {
      Write w;
      w.credit_code = Uscc(tag, i);
      w.enterprise_request_id = absl::StrCat("bk-e-", t, "-", i);
      w.decision_number = absl::StrCat("宁环罚〔2024〕备份", t, "-", i, "号");
      w.decision_request_id = absl::StrCat("bk-d-", t, "-", i);
      {
        v1::CreateEnterpriseRequest request;
        request.mutable_enterprise()->set_credit_code(w.credit_code);
        request.mutable_enterprise()->set_display_name(
            absl::StrCat("（虚构）备份测试示例企业", t, "-", i, "号"));
        request.mutable_enterprise()->set_legal_representative("王示例");
        request.mutable_enterprise()->set_industry(v1::CHEMICALS);
        request.set_request_id(w.enterprise_request_id);
        v1::Enterprise out;
        auto context = ContextWithDeadline(absl::Seconds(30));
        grpc::Status status = enterprises->CreateEnterprise(context.get(), request, &out);
        if (status.ok())
          w.enterprise_acked = absl::Now();
        else
          Fail("CreateEnterprise", status);
      }
      if (w.enterprise_acked) {
        v1::CreatePenaltyDecisionRequest request;
        request.set_parent(absl::StrCat("enterprises/", w.credit_code));
        request.set_request_id(w.decision_request_id);
        v1::PenaltyDecision* d = request.mutable_penalty_decision();
        d->set_authority(kAuthority);
        d->set_decision_number(w.decision_number);
        d->set_violation_type(v1::EXCEEDING_DISCHARGE_STANDARDS);
        *d->mutable_decision_date() = Day(kStart);
        d->add_measures(v1::WARNING);
        v1::PenaltyDecision out;
        auto context = ContextWithDeadline(absl::Seconds(30));
        grpc::Status status = records->CreatePenaltyDecision(context.get(), request, &out);
        if (status.ok())
          w.decision_acked = absl::Now();
        else
          Fail("CreatePenaltyDecision", status);
      }
      std::lock_guard<std::mutex> lock(mu_);
      writes_.push_back(std::move(w));
    }
  }
  void Fail(const char* what, const grpc::Status& status) {
    ++failures_;
    std::lock_guard<std::mutex> lock(mu_);
    if (first_failure_.empty()) first_failure_ = absl::StrCat(what, ": ", Describe(status));
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::atomic<bool> stop_{false};
  std::atomic<int> failures_{0};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::vector<Write> writes_;  // guarded by mu_ while running
  std::string first_failure_;
};

// Runs a command, printing its output when it fails; its exit code (-1 when
// it could not run or timed out).
int RunTool(const std::vector<std::string>& argv, std::string* output,
            absl::Duration timeout = absl::Seconds(120)) {
  absl::StatusOr<int> code = RunCommand(argv, timeout, output);
  if (!code.ok()) {
    ADD_FAILURE() << argv[0] << " " << (argv.size() > 1 ? argv[1] : "") << ": " << code.status();
    return -1;
  }
  return *code;
}

class BackupRestoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto env = FaultEnvironment::Create("backup", kStart);
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = env->release();
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(env_, nullptr) << "environment did not start"; }

  static std::vector<std::string> Admin(const std::string& address, std::vector<std::string> args) {
    std::vector<std::string> argv = {ENVCREDIT_ADMIN_BIN, "--server=" + address,
                                     "--token=" + env_->admin_token()};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  // kBlack BLACK enterprises, their black list proposed, noticed and
  // published (the date stepped past the notice); the publication's name.
  static std::string PublishBlackList() {
    std::vector<std::string> codes;
    for (int i = 0; i < kBlack; ++i) codes.push_back(Uscc("BL", i + 1));
    EXPECT_TRUE(CreateEnterprises(env_->Channel(), codes).ok());
    auto records = v1::RecordService::NewStub(env_->Channel());
    v1::BatchCreatePenaltyDecisionsRequest batch;
    for (int i = 0; i < kBlack; ++i) {
      v1::CreatePenaltyDecisionRequest* r = batch.add_requests();
      r->set_parent(absl::StrCat("enterprises/", codes[i]));
      r->set_request_id(absl::StrCat("black-", i));
      v1::PenaltyDecision* d = r->mutable_penalty_decision();
      d->set_authority(kAuthority);
      d->set_decision_number(absl::StrCat("宁环罚〔2024〕移送", i + 1, "号"));
      d->set_violation_type(v1::EXCEEDING_DISCHARGE_STANDARDS);
      *d->mutable_decision_date() = Day(kStart);
      d->add_measures(v1::TRANSFER_FOR_CRIMINAL_INVESTIGATION);
    }
    {
      v1::BatchCreatePenaltyDecisionsResponse response;
      auto context = ContextWithDeadline(absl::Seconds(60));
      grpc::Status status = records->BatchCreatePenaltyDecisions(context.get(), batch, &response);
      EXPECT_TRUE(status.ok()) << Describe(status);
    }
    absl::StatusOr<v1::Publication> draft = ProposeAndNotice(*env_, v1::BLACK_LIST);
    EXPECT_TRUE(draft.ok()) << draft.status();
    if (!draft.ok()) return "";
    EXPECT_EQ(draft->entry_count(), kBlack);
    auto lists = v1::ListService::NewStub(env_->Channel());
    v1::Publication published;
    {
      v1::PublishPublicationRequest request;
      request.set_name(draft->name());
      request.set_request_id("publish-black");
      auto context = ContextWithDeadline(absl::Seconds(60));
      grpc::Status status = lists->PublishPublication(context.get(), request, &published);
      EXPECT_TRUE(status.ok()) << Describe(status);
      EXPECT_EQ(published.state(), v1::PUBLICATION_PUBLISHED);
    }
    return draft->name();
  }

  // Every OK audit entry of `method` on the server behind `channel`, by
  // request id (ListAuditEntries, every page).
  static std::set<std::string> AuditedRequestIds(const std::shared_ptr<grpc::Channel>& channel,
                                                 const std::string& method) {
    std::set<std::string> ids;
    auto audit = v1::AuditService::NewStub(channel);
    std::string token;
    for (int page = 0; page < 1000; ++page) {
      v1::ListAuditEntriesRequest request;
      request.set_method(method);
      request.set_outcome("OK");
      request.set_page_size(1000);
      request.set_page_token(token);
      v1::ListAuditEntriesResponse response;
      auto context = ContextWithDeadline(absl::Seconds(30));
      grpc::Status status = audit->ListAuditEntries(context.get(), request, &response);
      EXPECT_TRUE(status.ok()) << Describe(status);
      if (!status.ok()) break;
      for (const v1::AuditEntry& entry : response.entries()) ids.insert(entry.request_id());
      token = response.next_page_token();
      if (token.empty()) break;
    }
    return ids;
  }

  // Restores `backup` into a new run folder, starts it and a server on it,
  // and checks it against the writes acknowledged before `began` (when that
  // backup began) and the exported black list under `lists_root`.
  static void RestoreAndCheck(const std::string& label, const std::string& backup, absl::Time began,
                              const std::vector<Write>& writes, const std::string& publication,
                              const std::string& lists_root, const std::string& public_key,
                              const std::string& private_key) {
    absl::StatusOr<std::string> dir = PrivateDatabase::NewRunDir("backup-restored");
    ASSERT_TRUE(dir.ok()) << dir.status();
    std::string output;
    const absl::Time restore_start = absl::Now();
    ASSERT_EQ(RunTool({"/bin/bash", SourcePath("scripts/restore.sh"), backup, *dir}, &output), 0)
        << output;
    const absl::Duration restore_took = absl::Now() - restore_start;
    absl::StatusOr<std::unique_ptr<PrivateDatabase>> db = PrivateDatabase::StartIn(*dir);
    ASSERT_TRUE(db.ok()) << db.status();
    auto server = testing::ServerProcess::Start(
        (*db)->server_config(), {"--today_file=" + env_->today_file(), "--feed_poll_ms=50",
                                 "--rate_limit_per_second=1000000", "--rate_limit_burst=1000000"});
    ASSERT_TRUE(server.ok()) << server.status();
    std::shared_ptr<grpc::Channel> channel =
        testing::AuthedChannel((*server)->address(), env_->admin_token());

    // 1. What the restored database holds of the writers' work.
    std::set<std::string> codes, numbers, orphan_numbers, logged;
    for (const storage::Row& row : (*db)->Query("SELECT credit_code FROM enterprises")) {
      codes.insert(row.GetString(0));
    }
    for (const storage::Row& row :
         (*db)->Query("SELECT d.decision_number, e.id IS NULL FROM penalty_decisions d "
                      "LEFT JOIN enterprises e ON e.id = d.enterprise_id WHERE "
                      "d.authority = ?",
                      {std::string(kAuthority)})) {
      numbers.insert(row.GetString(0));
      if (row.GetInt64(1) != 0) orphan_numbers.insert(row.GetString(0));
    }
    for (const storage::Row& row :
         (*db)->Query("SELECT request_id FROM request_log WHERE request_id "
                      "LIKE 'bk-%'")) {
      logged.insert(row.GetString(0));
    }
    const std::set<std::string> audited_enterprises =
        AuditedRequestIds(channel, "/envcredit.v1.EnterpriseService/CreateEnterprise");
    const std::set<std::string> audited_decisions =
        AuditedRequestIds(channel, "/envcredit.v1.RecordService/CreatePenaltyDecision");

    // 2. Every write acknowledged before the backup began is there, with its
    //    audit entry; count what is missing.
    int acked_before = 0, missing = 0, missing_audit = 0, restored_writes = 0;
    int sent_decisions_restored = 0;
    std::string first_missing;
    std::set<std::string> sent_numbers, sent_request_ids;
    for (const Write& w : writes) {
      sent_numbers.insert(w.decision_number);
      sent_request_ids.insert(w.enterprise_request_id);
      sent_request_ids.insert(w.decision_request_id);
      if (numbers.count(w.decision_number)) ++sent_decisions_restored;
      if (codes.count(w.credit_code)) ++restored_writes;
      if (numbers.count(w.decision_number)) ++restored_writes;
      for (int step = 0; step < 2; ++step) {
        const std::optional<absl::Time>& acked = step == 0 ? w.enterprise_acked : w.decision_acked;
        if (!acked || *acked >= began) continue;
        ++acked_before;
        const std::string& request_id = step == 0 ? w.enterprise_request_id : w.decision_request_id;
        const bool present =
            step == 0 ? codes.count(w.credit_code) > 0 : numbers.count(w.decision_number) > 0;
        if (!present || !logged.count(request_id)) {
          ++missing;
          if (first_missing.empty()) first_missing = request_id;
        }
        const std::set<std::string>& audited = step == 0 ? audited_enterprises : audited_decisions;
        if (!audited.count(request_id)) ++missing_audit;
      }
    }

    // 3. Nothing half-applied, nothing that was never sent.
    int unknown_numbers = 0, unknown_logged = 0;
    for (const std::string& n : numbers) {
      if (!sent_numbers.count(n) && !absl::StrContains(n, "移送")) ++unknown_numbers;
    }
    for (const std::string& id : logged) {
      if (!sent_request_ids.count(id)) ++unknown_logged;
    }
    int decisions_logged = 0, decisions_audited = 0, enterprises_logged = 0,
        enterprises_audited = 0;
    for (const std::string& id : logged) {
      if (absl::StartsWith(id, "bk-d-")) ++decisions_logged;
      if (absl::StartsWith(id, "bk-e-")) ++enterprises_logged;
    }
    for (const std::string& id : audited_decisions)
      decisions_audited += absl::StartsWith(id, "bk-d-");
    for (const std::string& id : audited_enterprises) {
      enterprises_audited += absl::StartsWith(id, "bk-e-");
    }
    int writer_enterprises = 0;
    for (const Write& w : writes) writer_enterprises += codes.count(w.credit_code);

    std::printf(
        "[ backup ] %s: restored in %s; %d acknowledged writes before the "
        "backup "
        "began, %d missing, %d without audit entry; restored %d writer rows "
        "(enterprises %d, decisions %d)\n",
        label.c_str(), absl::FormatDuration(restore_took).c_str(), acked_before, missing,
        missing_audit, restored_writes, writer_enterprises, sent_decisions_restored);
    EXPECT_GT(acked_before, 0) << label << ": no write before the backup: the test did not test";
    EXPECT_EQ(missing, 0) << label << ": acknowledged before the backup but not restored, e.g. "
                          << first_missing;
    EXPECT_EQ(missing_audit, 0) << label;
    EXPECT_TRUE(orphan_numbers.empty()) << label << ": decisions without their enterprise";
    EXPECT_EQ(unknown_numbers, 0) << label;
    EXPECT_EQ(unknown_logged, 0) << label;
    // The decision, its request_log row and its audit entry commit together.
    EXPECT_EQ(decisions_logged, sent_decisions_restored) << label;
    EXPECT_EQ(decisions_audited, sent_decisions_restored) << label;
    EXPECT_EQ(enterprises_logged, writer_enterprises) << label;
    EXPECT_EQ(enterprises_audited, writer_enterprises) << label;

    // 4. The publication: same hash as the signed folder, an identical
    //    fresh export, and the chain verifies.
    {
      auto lists = v1::ListService::NewStub(channel);
      v1::GetPublicationRequest request;
      request.set_name(publication);
      v1::Publication got;
      auto context = ContextWithDeadline(absl::Seconds(30));
      grpc::Status status = lists->GetPublication(context.get(), request, &got);
      ASSERT_TRUE(status.ok()) << Describe(status);
      EXPECT_EQ(got.state(), v1::PUBLICATION_PUBLISHED);
      const std::string manifest = ReadFileOrEmpty(lists_root + "/black/1/manifest.json");
      EXPECT_TRUE(absl::StrContains(
          manifest, absl::StrCat("\"content_sha256\": \"", got.content_sha256(), "\"")))
          << label << ": restored content_sha256 " << got.content_sha256() << ", manifest:\n"
          << manifest;
    }
    EXPECT_EQ(RunTool(Admin((*server)->address(), {"lists", "export", "black", "--out", lists_root,
                                                   "--key", private_key}),
                      &output),
              0)
        << output;
    EXPECT_TRUE(absl::StrContains(output, "unchanged")) << output;
    EXPECT_FALSE(absl::StrContains(output, "written")) << output;
    EXPECT_EQ(RunTool({ENVCREDIT_ADMIN_BIN, "lists", "verify", lists_root + "/black", "--chain",
                       "--public-key", public_key},
                      &output),
              0)
        << output;

    if (::testing::Test::HasFailure()) {
      std::printf("%s\n", InterestingLines((*server)->Log()).c_str());
    }
    ASSERT_TRUE((*server)->Stop(SIGTERM, absl::Seconds(15)).ok());
  }

  static FaultEnvironment* env_;
};

FaultEnvironment* BackupRestoreTest::env_ = nullptr;

TEST_F(BackupRestoreTest, RestoredBackupsHoldEveryWriteAcknowledgedBeforeTheyBegan) {
  const std::string work = env_->database().dir() + "/work";
  const std::string lists_root = work + "/lists";
  const std::string keys = work + "/keys";
  const std::string private_key = keys + "/envcredit.key.pem";
  const std::string public_key = keys + "/envcredit.pub.pem";
  std::string output;
  std::error_code error;
  std::filesystem::create_directories(work, error);
  ASSERT_FALSE(error) << work << ": " << error.message();

  // 1. A published, exported and verified black list.
  const std::string publication = PublishBlackList();
  ASSERT_FALSE(HasFailure());
  ASSERT_EQ(RunTool({ENVCREDIT_ADMIN_BIN, "keys", "generate", "--out-dir", keys}, &output), 0)
      << output;
  ASSERT_EQ(RunTool(Admin(env_->server()->address(),
                          {"lists", "export", "black", "--out", lists_root, "--key", private_key}),
                    &output),
            0)
      << output;
  ASSERT_EQ(RunTool({ENVCREDIT_ADMIN_BIN, "lists", "verify", lists_root + "/black", "--chain",
                     "--public-key", public_key},
                    &output),
            0)
      << output;

  // 2. Writers; a full backup, then an incremental one, while they write.
  Writers writers(env_->Channel());
  writers.Start();
  absl::SleepFor(absl::Seconds(4));
  const std::string full = work + "/backup-full";
  const absl::Time full_began = absl::Now();
  const int full_code = RunTool(
      {"/bin/bash", SourcePath("scripts/backup.sh"), env_->database().dir(), full}, &output);
  const absl::Duration full_took = absl::Now() - full_began;
  EXPECT_EQ(full_code, 0) << output;
  std::printf("[ backup ] full backup in %s:\n%s\n", absl::FormatDuration(full_took).c_str(),
              ReadFileOrEmpty(full + "/envcredit-backup.txt").c_str());
  absl::SleepFor(absl::Seconds(3));
  const std::string incremental = work + "/backup-incremental";
  const absl::Time incremental_began = absl::Now();
  const int incremental_code =
      RunTool({"/bin/bash", SourcePath("scripts/backup.sh"), env_->database().dir(), incremental,
               "--incremental-from", full},
              &output);
  const absl::Duration incremental_took = absl::Now() - incremental_began;
  EXPECT_EQ(incremental_code, 0) << output;
  std::printf("[ backup ] incremental backup in %s:\n%s\n",
              absl::FormatDuration(incremental_took).c_str(),
              ReadFileOrEmpty(incremental + "/envcredit-backup.txt").c_str());
  absl::SleepFor(absl::Seconds(2));
  writers.Stop();
  int acked = 0;
  for (const Write& w : writers.writes())
    acked += w.enterprise_acked.has_value() + w.decision_acked.has_value();
  std::printf(
      "[ backup ] %zu writer iterations, %d acknowledged writes, %d failed "
      "calls\n",
      writers.writes().size(), acked, writers.failures());
  // A hot backup must not make writes fail (the commit lock is short).
  EXPECT_EQ(writers.failures(), 0) << writers.first_failure();
  ASSERT_EQ(full_code, 0);
  ASSERT_EQ(incremental_code, 0);

  // 3. Refusals: DEST exists; restoring onto an existing database.
  EXPECT_EQ(RunTool({"/bin/bash", SourcePath("scripts/backup.sh"), env_->database().dir(), full},
                    &output),
            2)
      << output;
  EXPECT_EQ(RunTool({"/bin/bash", SourcePath("scripts/restore.sh"), full, env_->database().dir()},
                    &output),
            2)
      << output;

  // 4. Restore each and check.
  RestoreAndCheck("full", full, full_began, writers.writes(), publication, lists_root, public_key,
                  private_key);
  RestoreAndCheck("full + incremental", incremental, incremental_began, writers.writes(),
                  publication, lists_root, public_key, private_key);
  // Without its prepared/ folder restore.sh prepares the chain itself: the
  // full backup's prepared/ with the incremental's raw/ applied.
  std::filesystem::remove_all(incremental + "/prepared", error);
  ASSERT_FALSE(error) << error.message();
  RestoreAndCheck("chain prepared by restore.sh", incremental, incremental_began, writers.writes(),
                  publication, lists_root, public_key, private_key);
  if (HasFailure()) std::printf("%s\n", InterestingLines(env_->AllServerLogs()).c_str());
}

}  // namespace
}  // namespace envcredit::faults
