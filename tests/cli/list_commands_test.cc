// The `lists` and `keys` commands, run in-process through RunCli against
// FakeListClient (tests/cli/fake_list_client.h): output, requests and exit
// codes; export reproducibility and verify through the command line.
#include "admin-cli/commands/list_commands.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "admin-cli/cli.h"
#include "admin-cli/exit_codes.h"
#include "admin-cli/publication/signing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/fake_list_client.h"

namespace envcredit::admin {
namespace {

using ::envcredit::admin::testing::FakeListClient;
using ::envcredit::admin::testing::ForwardingListClient;
using ::testing::Contains;
using ::testing::Each;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kA[] = "91320100MA1W2X3Y6A";
constexpr char kB[] = "91320200MA1W2X3Y7B";
constexpr char kC[] = "91320300MA1W2X3Y8C";

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
  int clients_made = 0;
};

Result RunLists(const std::vector<std::string>& args, FakeListClient& fake) {
  std::ostringstream out, err;
  CliEnvironment env;
  env.retry.sleep = [](absl::Duration) {};  // the policy, without its waits
  env.out = &out;
  env.err = &err;
  Result r;
  env.make_list_client = [&](const GlobalOptions&) {
    ++r.clients_made;
    return std::make_unique<ForwardingListClient>(&fake);
  };
  r.exit_code = RunCli(args, env);
  r.out = out.str();
  r.err = err.str();
  return r;
}

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/list_cli_test.XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { std::system(absl::StrCat("rm -rf '", path_, "'").c_str()); }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const {
    return absl::StrCat(path_, "/", name);
  }

 private:
  std::string path_;
};

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}

class ListCommandsTest : public ::testing::Test {
 protected:
  // Publishes black 1 (A, B), then sets the candidates of the next
  // proposal to B (unchanged), C (added); A will be a removal.
  void PublishFirstBlackList() {
    first_ = fake_.PublishNow(
        v1::BLACK_LIST,
        {FakeListClient::BlackEntry(kA, "某某化工有限公司", "张三",
                                    "苏环罚〔2024〕12号"),
         FakeListClient::BlackEntry(kB, "Acme <Steel> & Co", "李四",
                                    "苏环罚〔2024〕15号")});
    ASSERT_EQ(first_.number(), 1);
    fake_.candidates[v1::BLACK_LIST] = {
        FakeListClient::BlackEntry(kB, "Acme <Steel> & Co", "李四",
                                   "苏环罚〔2024〕15号"),
        FakeListClient::BlackEntry(kC, "第三化纤厂", "王五",
                                   "锡环罚〔2025〕3号")};
  }

  // Publishes black 1 and 2 (with the candidates above).
  void PublishTwoBlackLists() {
    PublishFirstBlackList();
    second_ =
        fake_.PublishNow(v1::BLACK_LIST, fake_.candidates[v1::BLACK_LIST]);
    ASSERT_EQ(second_.number(), 2);
  }

  // A key pair in tmp_: key.pem / pub.pem.
  void MakeKeys() {
    ASSERT_EQ(
        RunLists({"keys", "generate", "--out-dir", tmp_.path(), "--name", "k"},
                 fake_)
            .exit_code,
        kExitOk);
    key_ = tmp_.File("k.key.pem");
    pub_ = tmp_.File("k.pub.pem");
  }

  FakeListClient fake_;
  TempDir tmp_;
  v1::Publication first_, second_;
  std::string key_, pub_;
};

TEST_F(ListCommandsTest, ProposePrintsTheDraftAndItsDifference) {
  PublishFirstBlackList();
  Result r =
      RunLists({"lists", "propose", "black", "--as-of", "2025-06-30"}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake_.proposals.size(), 2u);
  EXPECT_EQ(fake_.proposals[1].list(), v1::BLACK_LIST);
  EXPECT_EQ(fake_.proposals[1].as_of().month(), 6);
  // The proposal comes back without rows (as from the server): its content,
  // then its rows page by page.
  ASSERT_FALSE(fake_.gets.empty());
  EXPECT_EQ(fake_.gets.back().name(), "lists/black/publications/101");
  EXPECT_EQ(fake_.gets.back().view(), v1::PUBLICATION_CONTENT);
  EXPECT_THAT(fake_.row_pages, Contains("lists/black/publications/101"));
  EXPECT_THAT(r.out, HasSubstr("lists/black/publications/101"));
  EXPECT_THAT(r.out, HasSubstr("DRAFT"));
  EXPECT_THAT(r.out, HasSubstr("black (黑榜 Black list)"));
  EXPECT_THAT(r.out, ContainsRegex("as_of +2025-06-30"));
  EXPECT_THAT(r.out, ContainsRegex("entries +2"));
  EXPECT_THAT(r.out, ContainsRegex("added +1"));
  EXPECT_THAT(r.out, ContainsRegex("unchanged +1"));
  EXPECT_THAT(r.out, ContainsRegex("removed +1"));
  EXPECT_THAT(r.out, HasSubstr("ADDED    91320300MA1W2X3Y8C  第三化纤厂"));
  EXPECT_THAT(r.out, HasSubstr("锡环罚〔2025〕3号"));
  EXPECT_THAT(r.out,
              HasSubstr("REMOVED  91320100MA1W2X3Y6A  某某化工有限公司"));
  EXPECT_THAT(r.out, HasSubstr("EXPIRED: expired on 2027-03-01"));
  EXPECT_THAT(r.out, Not(HasSubstr("UNCHANGED")));

  fake_.publications.clear();
  fake_.created.clear();
  PublishFirstBlackList();
  r = RunLists({"lists", "propose", "black", "--all"}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("UNCHANGED  91320200MA1W2X3Y7B"));
}

// Issue 13 finding 11: a new proposal supersedes a DRAFT (the help says
// so); one in NOTICE refuses it.
TEST_F(ListCommandsTest, ProposeSupersedesADraftAndIsAConflictDuringNotice) {
  fake_.candidates[v1::BLACK_LIST] = {
      FakeListClient::BlackEntry(kA, "甲", "张三", "罚1")};
  ASSERT_EQ(RunLists({"lists", "propose", "black"}, fake_).exit_code, kExitOk);
  ASSERT_EQ(RunLists({"lists", "propose", "black"}, fake_).exit_code, kExitOk);
  int drafts = 0, superseded = 0;
  std::string draft;
  for (const auto& [name, p] : fake_.publications) {
    if (p.state() == v1::PUBLICATION_DRAFT) ++drafts, draft = name;
    if (p.state() == v1::PUBLICATION_SUPERSEDED) ++superseded;
  }
  EXPECT_EQ(drafts, 1);
  EXPECT_EQ(superseded, 1);
  ASSERT_EQ(RunLists({"lists", "notice", "black"}, fake_).exit_code, kExitOk);
  EXPECT_EQ(fake_.notices.back().name(), draft);
  const Result r = RunLists({"lists", "propose", "black"}, fake_);
  EXPECT_EQ(r.exit_code, kExitConflict);
  EXPECT_THAT(r.err, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(r.err, HasSubstr("PUBLICATION_IN_PROGRESS"));
  EXPECT_THAT(r.err, HasSubstr("lists show black"));
}

TEST_F(ListCommandsTest, BadListOrDateIsAUsageErrorAndNothingIsSent) {
  Result r = RunLists({"lists", "propose", "red"}, fake_);
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("use honor (红榜) or black (黑榜)"));
  r = RunLists({"lists", "propose", "honor", "--as-of", "2025-13-01"}, fake_);
  EXPECT_EQ(r.exit_code, kExitUsage);
  r = RunLists({"lists", "show", "black", "zero"}, fake_);
  EXPECT_EQ(r.exit_code, kExitUsage);
  r = RunLists({"lists", "show", "lists/black/publications/1", "2"}, fake_);
  EXPECT_EQ(r.exit_code, kExitUsage);
  r = RunLists({"lists", "show", "lists/red/publications/1"}, fake_);
  EXPECT_EQ(r.exit_code, kExitUsage);
  r = RunLists({"lists", "show", "black", "3", "4"}, fake_);
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("'lists show' takes at most 2 arguments"));
  r = RunLists({"lists", "entries", "black", "3"}, fake_);
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("takes one LIST, got '3' as well"));
  EXPECT_EQ(fake_.calls, 0);
}

TEST_F(ListCommandsTest, ShowFindsTheLatestANumberOrAName) {
  PublishTwoBlackLists();
  Result r = RunLists({"lists", "show", "black"}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr(second_.name()));
  EXPECT_THAT(r.out, HasSubstr("PUBLISHED"));
  EXPECT_THAT(r.out,
              ContainsRegex("content_sha256 +" + second_.content_sha256()));
  EXPECT_THAT(r.out, HasSubstr("CREDIT_CODE         ENTERPRISE"));
  EXPECT_THAT(r.out, HasSubstr("91320300MA1W2X3Y8C  第三化纤厂"));
  EXPECT_THAT(r.out, HasSubstr("removals:"));
  EXPECT_EQ(fake_.gets.back().view(), v1::PUBLICATION_CONTENT);

  // Number 1 is on the second page (one publication per page, newest
  // first, published only).
  fake_.page_size_cap = 1;
  fake_.candidates[v1::BLACK_LIST] = {};
  ASSERT_EQ(RunLists({"lists", "propose", "black"}, fake_).exit_code, kExitOk);
  r = RunLists({"lists", "show", "black", "1"}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr(first_.name()));
  EXPECT_TRUE(fake_.list_requests.back().published_only());

  r = RunLists({"lists", "show", first_.name()}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, ContainsRegex("number +1"));

  // LIST alone is the newest of any state: the new draft.
  r = RunLists({"lists", "show", "black"}, fake_);
  EXPECT_THAT(r.out, HasSubstr("DRAFT"));

  r = RunLists({"--output", "json", "lists", "show", "black", "2"}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk);
  EXPECT_THAT(r.out, HasSubstr("\"content_sha256\": \"" +
                               second_.content_sha256() + "\""));
  r = RunLists({"--output", "csv", "lists", "show", "black", "2"}, fake_);
  EXPECT_THAT(r.out, HasSubstr("credit_code,enterprise_name,"));
  EXPECT_THAT(r.out, HasSubstr("91320300MA1W2X3Y8C,第三化纤厂,王五,"));
}

TEST_F(ListCommandsTest, ShowWhatIsNotThereIsNotFound) {
  PublishFirstBlackList();
  Result r = RunLists({"lists", "show", "black", "7"}, fake_);
  EXPECT_EQ(r.exit_code, kExitNotFound);
  EXPECT_THAT(r.err, HasSubstr("no published publication number 7"));
  r = RunLists({"lists", "show", "honor"}, fake_);
  EXPECT_EQ(r.exit_code, kExitNotFound);
  EXPECT_THAT(r.err, HasSubstr("the honor list has no publication yet"));
  r = RunLists({"lists", "show", "lists/black/publications/999"}, fake_);
  EXPECT_EQ(r.exit_code, kExitNotFound);
  EXPECT_THAT(r.err, HasSubstr("PUBLICATION_NOT_FOUND"));
}

TEST_F(ListCommandsTest, DiffPrintsOnlyTheDifference) {
  PublishTwoBlackLists();
  Result r = RunLists({"lists", "diff", "black", "2"}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat(second_.name(),
                                            " (black 2) "
                                            "against ",
                                            first_.name(),
                                            ": 1 added, 1 removed, 1 "
                                            "unchanged")));
  EXPECT_THAT(r.out, HasSubstr("ADDED    91320300MA1W2X3Y8C"));
  EXPECT_THAT(r.out, HasSubstr("REMOVED  91320100MA1W2X3Y6A"));
  EXPECT_THAT(r.out, Not(HasSubstr(kB)));
  r = RunLists({"--output", "json", "lists", "diff", "black", "2"}, fake_);
  EXPECT_THAT(r.out, HasSubstr("\"previous_publication\": \"" + first_.name()));
  EXPECT_THAT(r.out, HasSubstr("\"credit_code\":\"91320300MA1W2X3Y8C\""));
}

TEST_F(ListCommandsTest, NoticeStartsThePublicNotice) {
  fake_.candidates[v1::BLACK_LIST] = {
      FakeListClient::BlackEntry(kA, "甲", "张三", "罚1")};
  ASSERT_EQ(RunLists({"lists", "propose", "black"}, fake_).exit_code, kExitOk);
  const Result r = RunLists({"lists", "notice", "black"}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake_.notices.size(), 1u);
  EXPECT_EQ(fake_.notices[0].name(), "lists/black/publications/100");
  EXPECT_THAT(r.out, HasSubstr("NOTICE"));
  EXPECT_THAT(r.out, HasSubstr("2025-07-01 .. 2025-07-15"));
  // Again: the server refuses (not a draft).
  EXPECT_EQ(RunLists({"lists", "notice", "black"}, fake_).exit_code,
            kExitConflict);
}

TEST_F(ListCommandsTest, NoticeExportWritesOnePrintablePagePerCandidate) {
  fake_.candidates[v1::BLACK_LIST] = {
      FakeListClient::BlackEntry(kA, "某某化工有限公司", "张三",
                                 "苏环罚〔2024〕12号"),
      FakeListClient::BlackEntry(kB, "<b>Acme</b>", "李四",
                                 "苏环罚〔2024〕15号")};
  ASSERT_EQ(RunLists({"lists", "propose", "black"}, fake_).exit_code, kExitOk);
  const std::string dir = tmp_.File("notices");
  // Still a DRAFT: the notice is started first.
  Result r = RunLists({"lists", "notice", "black", "--export", dir}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(fake_.notices.size(), 1u);
  EXPECT_THAT(r.out, HasSubstr("notices           2"));
  EXPECT_THAT(r.out, HasSubstr("objections_until  2025-07-15"));
  const std::string html = Read(dir + "/notices.html");
  EXPECT_THAT(html, HasSubstr("page-break-after: always"));
  EXPECT_THAT(html, HasSubstr("某某化工有限公司"));
  EXPECT_THAT(html, HasSubstr("&lt;b&gt;Acme&lt;/b&gt;"));
  EXPECT_THAT(html, HasSubstr("苏环罚〔2024〕15号"));
  EXPECT_THAT(html, HasSubstr("<strong>2025-07-15</strong>"));
  EXPECT_THAT(html, HasSubstr("企业名称 / <span class=\"en\">Enterprise"));
  // In NOTICE: printed again, no second StartNotice.
  r = RunLists({"lists", "notice", "black", "--export", dir}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(fake_.notices.size(), 1u);
}

TEST_F(ListCommandsTest, NoticeExportOfTheHonourListIsAUsageError) {
  const Result r =
      RunLists({"lists", "notice", "honor", "--export", tmp_.File("n")}, fake_);
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("black-list candidates only"));
  EXPECT_EQ(fake_.calls, 0);
}

TEST_F(ListCommandsTest, ObjectionsAreFiledListedAndDecided) {
  fake_.candidates[v1::BLACK_LIST] = {
      FakeListClient::BlackEntry(kA, "甲", "张三", "罚1"),
      FakeListClient::BlackEntry(kB, "乙", "李四", "罚2")};
  ASSERT_EQ(RunLists({"lists", "propose", "black"}, fake_).exit_code, kExitOk);
  ASSERT_EQ(RunLists({"lists", "notice", "black"}, fake_).exit_code, kExitOk);
  Result r =
      RunLists({"lists", "objection", "file", "black", "--credit-code", kA,
                "--statement", "处罚决定已被撤销", "--request-id", "obj-1"},
               fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake_.filed.size(), 1u);
  EXPECT_EQ(fake_.filed[0].parent(), "lists/black/publications/100");
  EXPECT_EQ(fake_.filed[0].objection().credit_code(), kA);
  EXPECT_EQ(fake_.filed[0].request_id(), "obj-1");
  EXPECT_THAT(r.out, HasSubstr("lists/black/publications/100/objections/1"));
  EXPECT_THAT(r.out, HasSubstr("PENDING"));

  r = RunLists({"lists", "objection", "file", "black", "--credit-code", kC,
                "--statement", "x"},
               fake_);
  EXPECT_EQ(r.exit_code, kExitNotFound);
  EXPECT_THAT(r.err, HasSubstr("ENTRY_NOT_FOUND"));

  for (int k = 0; k < 2; ++k) {
    ASSERT_EQ(
        RunLists({"lists", "objection", "file", "lists/black/publications/100",
                  "--credit-code", kB, "--statement", "异议"},
                 fake_)
            .exit_code,
        kExitOk);
  }
  // One page by default, like every list command, and how to go on.
  r = RunLists({"lists", "objections", "black"}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("objections/3")));
  EXPECT_THAT(r.err, HasSubstr("more results: run again with --page-token"));
  r = RunLists({"lists", "objections", "black", "--all"}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("objections/3"));  // from the second page
  EXPECT_THAT(r.err, HasSubstr("3 objections, 3 pending"));

  r = RunLists({"lists", "decide", "lists/black/publications/100/objections/1",
                "--upheld", "--reason", "复议撤销"},
               fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(fake_.decisions[0].decision(), v1::OBJECTION_UPHELD);
  EXPECT_THAT(r.out, HasSubstr("UPHELD"));
  r = RunLists({"lists", "decide", "lists/black/publications/100/objections/1",
                "--rejected", "--reason", "again"},
               fake_);
  EXPECT_EQ(r.exit_code, kExitConflict);
  // The upheld entry is now a removal of the publication.
  r = RunLists({"lists", "diff", "black"}, fake_);
  EXPECT_THAT(r.out, HasSubstr("REMOVED  91320100MA1W2X3Y6A  甲"));
  EXPECT_THAT(r.out, HasSubstr("OBJECTION_UPHELD: 复议撤销"));
}

TEST_F(ListCommandsTest, ObjectionAndDecideCheckTheirArguments) {
  Result r = RunLists({"lists", "objection", "add", "black", "--credit-code",
                       kA, "--statement", "s"},
                      fake_);
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("the only action is 'file'"));
  r = RunLists({"lists", "objection", "file", "black"}, fake_);
  EXPECT_EQ(r.exit_code, kExitUsage);  // --credit-code and --statement
  r = RunLists({"lists", "decide", "lists/black/publications/1/objections/1",
                "--reason", "r"},
               fake_);
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--upheld or --rejected"));
  r = RunLists({"lists", "decide", "lists/black/publications/1/objections/1",
                "--upheld", "--rejected", "--reason", "r"},
               fake_);
  EXPECT_EQ(r.exit_code, kExitUsage);
  r = RunLists({"lists", "decide", "objections/1", "--upheld", "--reason", "r"},
               fake_);
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(fake_.calls, 0);
}

TEST_F(ListCommandsTest, PublishPrintsEveryBlockerAndExitsWithConflict) {
  fake_.candidates[v1::BLACK_LIST] = {
      FakeListClient::BlackEntry(kA, "甲", "张三", "罚1")};
  ASSERT_EQ(RunLists({"lists", "propose", "black"}, fake_).exit_code, kExitOk);
  Result r = RunLists({"lists", "publish", "black"}, fake_);
  EXPECT_EQ(r.exit_code, kExitConflict);
  EXPECT_THAT(r.err, HasSubstr("cannot be published yet; blockers (1):"));
  EXPECT_THAT(r.err, HasSubstr("  NOT_IN_NOTICE: the publication is "
                               "PUBLICATION_DRAFT"));

  ASSERT_EQ(RunLists({"lists", "notice", "black"}, fake_).exit_code, kExitOk);
  ASSERT_EQ(RunLists({"lists", "objection", "file", "black", "--credit-code",
                      kA, "--statement", "s"},
                     fake_)
                .exit_code,
            kExitOk);
  r = RunLists({"lists", "publish", "black"}, fake_);
  EXPECT_EQ(r.exit_code, kExitConflict);
  EXPECT_THAT(r.err, HasSubstr("FAILED_PRECONDITION: the publication cannot "
                               "be published"));
  EXPECT_THAT(r.err, HasSubstr("blockers (2):\n"
                               "  NOTICE_NOT_ENDED: the notice period ends on "
                               "2025-07-15\n"
                               "  OBJECTIONS_PENDING: 1 objection(s) not "
                               "decided\n"));
  // Listed once, not also as the generic "precondition:" lines.
  EXPECT_THAT(r.err, Not(HasSubstr("precondition:")));
  EXPECT_THAT(r.err, HasSubstr("reason: NOTICE_NOT_ENDED"));
}

TEST_F(ListCommandsTest, PublishNumbersThePublication) {
  fake_.candidates[v1::BLACK_LIST] = {
      FakeListClient::BlackEntry(kA, "甲", "张三", "罚1")};
  ASSERT_EQ(RunLists({"lists", "propose", "black"}, fake_).exit_code, kExitOk);
  ASSERT_EQ(RunLists({"lists", "notice", "black"}, fake_).exit_code, kExitOk);
  fake_.today = FakeListClient::MakeDate(2025, 7, 16);
  Result r = RunLists({"lists", "publish", "lists/black/publications/100",
                       "--request-id", "pub-1"},
                      fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(fake_.publishes.back().request_id(), "pub-1");
  EXPECT_THAT(r.out, HasSubstr("PUBLISHED"));
  EXPECT_THAT(r.out, ContainsRegex("number +1"));
  EXPECT_THAT(r.out, ContainsRegex("publish_time +2025-01-02T02:00:00Z"));
  // A retry returns it unchanged.
  r = RunLists({"lists", "publish", "lists/black/publications/100"}, fake_);
  EXPECT_EQ(r.exit_code, kExitOk);
}

TEST_F(ListCommandsTest, ExportIsReproducibleAndExportsThePreviousFirst) {
  PublishTwoBlackLists();
  MakeKeys();
  const std::string root1 = tmp_.File("public1");
  const std::string root2 = tmp_.File("public2");
  Result r = RunLists(
      {"lists", "export", "black", "--out", root1, "--key", key_}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  // The entries came page by page, without the notices no file holds.
  EXPECT_THAT(fake_.entry_views, Not(IsEmpty()));
  EXPECT_THAT(fake_.entry_views, Each(v1::PUBLICATION_ENTRY_WITHOUT_NOTICE));
  // black 1's folder was missing: exported first.
  EXPECT_THAT(r.out,
              HasSubstr(root1 + "/black/1  " + first_.name() + "  written"));
  EXPECT_THAT(r.out,
              HasSubstr(root1 + "/black/2  " + second_.name() + "  written"));
  r = RunLists({"lists", "export", "black", "2", "--out", root2, "--key", key_},
               fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  for (const char* folder : {"black/1", "black/2"}) {
    for (const char* file :
         {"index.html", "publication.txt", "manifest.json", "manifest.sig"}) {
      const std::string a = Read(absl::StrCat(root1, "/", folder, "/", file));
      ASSERT_FALSE(a.empty()) << folder << "/" << file;
      EXPECT_EQ(a, Read(absl::StrCat(root2, "/", folder, "/", file)))
          << folder << "/" << file;
    }
  }
  EXPECT_EQ(Read(root1 + "/black/2/black-2.csv"),
            Read(root2 + "/black/2/black-2.csv"));
  EXPECT_EQ(Read(root1 + "/black/1/black-1.json"),
            Read(root2 + "/black/1/black-1.json"));
  EXPECT_EQ(Read(root1 + "/black/2/publication.txt"),
            second_.canonical_content());
  EXPECT_THAT(
      Read(root1 + "/black/2/manifest.json"),
      HasSubstr("\"previous_manifest_sha256\": \"" +
                Sha256Hex(Read(root1 + "/black/1/manifest.json")) + "\""));
  EXPECT_THAT(Read(root1 + "/black/2/manifest.json"),
              HasSubstr("\"publish_time\": \"2025-01-03T02:00:00Z\""));

  // Again into the same root: nothing written.
  r = RunLists({"lists", "export", "black", "--out", root1, "--key", key_},
               fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("unchanged (identical)"));

  r = RunLists(
      {"lists", "verify", root1 + "/black", "--chain", "--public-key", pub_},
      fake_);
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("OK"));
  EXPECT_EQ(r.clients_made, 0);  // verify needs no server
}

// The pages name the issuer of --issuer; ROOT/index.html lists every
// publication and ROOT/public-key.pem is the key the pages link to, never
// replaced by another one.
TEST_F(ListCommandsTest, ExportWritesTheRootPagesAndNamesTheIssuer) {
  PublishTwoBlackLists();
  MakeKeys();
  const std::string root = tmp_.File("public");
  const std::string issuer = tmp_.File("issuer.conf");
  std::ofstream(issuer) << "# the bureau\nname = 示例市生态环境局\n"
                           "address = 人民路 1 号\nphone = 0512-12369000\n";
  Result r = RunLists({"lists", "export", "black", "--out", root, "--key",
                       key_, "--issuer", issuer},
                      fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("warning")));
  EXPECT_THAT(Read(root + "/black/2/index.html"),
              HasSubstr("<p class=\"issuer\">示例市生态环境局</p>"));
  EXPECT_EQ(Read(root + "/public-key.pem"), Read(pub_));
  const std::string index = Read(root + "/index.html");
  EXPECT_THAT(index, HasSubstr("<a href=\"black/2/index.html\">"));
  EXPECT_THAT(index, HasSubstr("<a href=\"black/1/index.html\">"));
  EXPECT_THAT(index, HasSubstr(Sha256Hex(Read(pub_))));
  // The root pages are not in any folder: the chain still verifies.
  r = RunLists(
      {"lists", "verify", root + "/black", "--chain", "--public-key", pub_},
      fake_);
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;

  // Without --issuer: the export works and says what the pages lack.
  const std::string bare = tmp_.File("bare");
  r = RunLists({"lists", "export", "black", "--out", bare, "--key", key_},
               fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.err, HasSubstr("warning: no --issuer FILE"));
  EXPECT_THAT(Read(bare + "/black/2/index.html"), HasSubstr("发布机关：未配置"));

  // A bad issuer file names the flag and the line, and writes nothing.
  const std::string broken = tmp_.File("broken.conf");
  std::ofstream(broken) << "name = 局\nfax = 1\n";
  const std::string untouched = tmp_.File("untouched");
  r = RunLists({"lists", "export", "black", "--out", untouched, "--key", key_,
                "--issuer", broken},
               fake_);
  EXPECT_EQ(r.exit_code, kExitInvalidInput);
  EXPECT_THAT(r.err, HasSubstr("--issuer " + broken +
                               ": issuer file line 2: unknown key 'fax'"));
  EXPECT_FALSE(Exists(untouched));

  // Another key into a root that publishes this key: refused before any
  // folder is written, and the published key stays.
  ASSERT_EQ(
      RunLists({"keys", "generate", "--out-dir", tmp_.path(), "--name", "k2"},
               fake_)
          .exit_code,
      kExitOk);
  const std::string other = tmp_.File("other");
  ASSERT_EQ(RunLists({"lists", "export", "black", "1", "--out", other, "--key",
                      key_},
                     fake_)
                .exit_code,
            kExitOk);
  r = RunLists({"lists", "export", "black", "--out", other, "--key",
                tmp_.File("k2.key.pem"), "--issuer", issuer},
               fake_);
  EXPECT_EQ(r.exit_code, kExitConflict);
  EXPECT_THAT(r.err, HasSubstr("holds another public key"));
  EXPECT_FALSE(Exists(other + "/black/2"));
  EXPECT_EQ(Read(other + "/public-key.pem"), Read(pub_));
}

TEST_F(ListCommandsTest, ExportRefusesWhatIsNotPublishedOrDoesNotHash) {
  PublishFirstBlackList();
  MakeKeys();
  ASSERT_EQ(RunLists({"lists", "propose", "black"}, fake_).exit_code, kExitOk);
  const std::string root = tmp_.File("public");
  Result r = RunLists({"lists", "export", "lists/black/publications/101",
                       "--out", root, "--key", key_},
                      fake_);
  EXPECT_EQ(r.exit_code, kExitConflict);
  EXPECT_THAT(r.err, HasSubstr("is DRAFT; only PUBLISHED"));
  EXPECT_FALSE(Exists(root));

  fake_.publications[first_.name()].set_canonical_content("tampered\n");
  r = RunLists({"lists", "export", "black", "--out", root, "--key", key_},
               fake_);
  EXPECT_EQ(r.exit_code, kExitVerifyFailed);
  EXPECT_THAT(r.err, HasSubstr("SHA-256 of canonical_content"));
  EXPECT_FALSE(Exists(root + "/black/1"));

  r = RunLists({"lists", "export", "black", "--out", root, "--key", pub_},
               fake_);
  EXPECT_EQ(r.exit_code, kExitInvalidInput);
  EXPECT_THAT(r.err, HasSubstr("--key"));
}

TEST_F(ListCommandsTest, VerifyNamesTheProblemAndExitsWith8) {
  PublishFirstBlackList();
  MakeKeys();
  const std::string root = tmp_.File("public");
  ASSERT_EQ(RunLists({"lists", "export", "black", "--out", root, "--key", key_},
                     fake_)
                .exit_code,
            kExitOk);
  const std::string dir = root + "/black/1";
  Result r = RunLists({"lists", "verify", dir, "--public-key", pub_}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;

  std::string csv = Read(dir + "/black-1.csv");
  csv[10] ^= 0x20;
  std::ofstream(dir + "/black-1.csv", std::ios::binary | std::ios::trunc)
      << csv;
  r = RunLists({"lists", "verify", dir, "--public-key", pub_}, fake_);
  EXPECT_EQ(r.exit_code, kExitVerifyFailed);
  EXPECT_THAT(r.err, HasSubstr("verification FAILED (1 problem)"));
  EXPECT_THAT(r.err, HasSubstr("black-1.csv: SHA-256 differs"));
  EXPECT_THAT(r.out, HasSubstr("FAILED"));

  r = RunLists({"lists", "verify", dir, "--public-key", key_ + ".missing"},
               fake_);
  EXPECT_EQ(r.exit_code, kExitInvalidInput);
  r = RunLists({"lists", "verify", tmp_.File("nothing"), "--public-key", pub_},
               fake_);
  EXPECT_EQ(r.exit_code, kExitVerifyFailed);
}

// Issue 13 finding 6: a folder is bound to the place its path names.
TEST_F(ListCommandsTest, VerifyRefusesTheHonourFolderCopiedIntoBlack1) {
  PublishFirstBlackList();
  fake_.PublishNow(v1::HONOR_LIST,
                   {FakeListClient::HonorEntry(kC, "绿色印染有限公司")});
  MakeKeys();
  const std::string root = tmp_.File("public");
  for (const char* list : {"black", "honor"}) {
    ASSERT_EQ(
        RunLists({"lists", "export", list, "--out", root, "--key", key_}, fake_)
            .exit_code,
        kExitOk);
  }
  ASSERT_EQ(std::system(absl::StrCat("rm -rf '", root, "/black/1' && cp -r '",
                                     root, "/honor/1' '", root, "/black/1'")
                            .c_str()),
            0);
  // The copied folder is whole and signed: only its place gives it away.
  Result r = RunLists(
      {"lists", "verify", root + "/honor/1", "--public-key", pub_}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  r = RunLists({"lists", "verify", root + "/black/1", "--public-key", pub_},
               fake_);
  EXPECT_EQ(r.exit_code, kExitVerifyFailed);
  EXPECT_THAT(r.err, HasSubstr("black/1 holds honor list publication 1"));
  EXPECT_THAT(r.out, HasSubstr("FAILED"));
  EXPECT_THAT(r.out, ContainsRegex("list +honor"));
  EXPECT_THAT(r.out, HasSubstr("black/1, does NOT match the manifest"));
}

TEST_F(ListCommandsTest, VerifyRefusesBlack1RenamedBlack2) {
  PublishFirstBlackList();
  MakeKeys();
  const std::string root = tmp_.File("public");
  ASSERT_EQ(RunLists({"lists", "export", "black", "--out", root, "--key", key_},
                     fake_)
                .exit_code,
            kExitOk);
  ASSERT_EQ(::rename((root + "/black/1").c_str(), (root + "/black/2").c_str()),
            0);
  Result r = RunLists(
      {"lists", "verify", root + "/black/2", "--public-key", pub_}, fake_);
  EXPECT_EQ(r.exit_code, kExitVerifyFailed);
  EXPECT_THAT(r.err, HasSubstr("black/2 holds black list publication 1"));
  // The same with a trailing slash and with a path through "..".
  r = RunLists({"lists", "verify", root + "/black/2/", "--public-key", pub_},
               fake_);
  EXPECT_EQ(r.exit_code, kExitVerifyFailed);
  r = RunLists(
      {"lists", "verify", root + "/black/../black/2/.", "--public-key", pub_},
      fake_);
  EXPECT_EQ(r.exit_code, kExitVerifyFailed);
  EXPECT_THAT(r.err, HasSubstr("black/2 holds black list publication 1"));
}

TEST_F(ListCommandsTest, VerifySaysWhichListAndNumberItVerified) {
  PublishFirstBlackList();
  MakeKeys();
  const std::string root = tmp_.File("public");
  ASSERT_EQ(RunLists({"lists", "export", "black", "--out", root, "--key", key_},
                     fake_)
                .exit_code,
            kExitOk);
  Result r = RunLists(
      {"lists", "verify", root + "/black/1", "--public-key", pub_}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.err, HasSubstr("verified: black list, publication 1 (the "
                               "folder's path names black/1)"));
  EXPECT_THAT(r.out, ContainsRegex("list +black"));
  EXPECT_THAT(r.out, ContainsRegex("number +1"));
  EXPECT_THAT(r.out, HasSubstr("black/1, matches the path"));

  // Copied out of the layout: the content verifies, and says so loudly.
  const std::string copy = tmp_.File("x");
  ASSERT_EQ(
      std::system(
          absl::StrCat("cp -r '", root, "/black/1' '", copy, "'").c_str()),
      0);
  r = RunLists({"lists", "verify", copy, "--public-key", pub_}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.err,
              HasSubstr("verified: black list, publication 1 — the folder's "
                        "path does not name a list and number"));
  EXPECT_THAT(r.err, HasSubstr("so it was not checked against one"));
  EXPECT_THAT(r.out, ContainsRegex("number +1"));
  EXPECT_THAT(r.out, HasSubstr("not checked"));
}

TEST_F(ListCommandsTest, VerifyChainRefusesAnExtraFileAtTheListRoot) {
  PublishTwoBlackLists();
  MakeKeys();
  const std::string root = tmp_.File("public");
  ASSERT_EQ(RunLists({"lists", "export", "black", "--out", root, "--key", key_},
                     fake_)
                .exit_code,
            kExitOk);
  const std::vector<std::string> verify = {
      "lists", "verify", root + "/black", "--chain", "--public-key", pub_};
  Result r = RunLists(verify, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.err, HasSubstr("verified: black list, publications 1..2"));

  std::ofstream(root + "/black/notes.txt") << "not signed\n";
  std::ofstream(root + "/black/.hidden") << "not signed either\n";
  std::ofstream(root + "/black/3") << "a file where folder 3 would be\n";
  r = RunLists(verify, fake_);
  EXPECT_EQ(r.exit_code, kExitVerifyFailed);
  EXPECT_THAT(r.err, HasSubstr("verification FAILED (3 problems)"));
  EXPECT_THAT(r.err, HasSubstr("extra file notes.txt at the list root"));
  EXPECT_THAT(r.err, HasSubstr("extra file .hidden at the list root"));
  EXPECT_THAT(r.err, HasSubstr("extra file 3 at the list root (a publication "
                               "is a folder, not a file)"));

  // Untouched again: verifies.
  ASSERT_EQ(::unlink((root + "/black/notes.txt").c_str()), 0);
  ASSERT_EQ(::unlink((root + "/black/.hidden").c_str()), 0);
  ASSERT_EQ(::unlink((root + "/black/3").c_str()), 0);
  EXPECT_EQ(RunLists(verify, fake_).exit_code, kExitOk);
}

TEST_F(ListCommandsTest, VerifyChainRefusesAnExtraFolderAtTheListRoot) {
  PublishTwoBlackLists();
  MakeKeys();
  const std::string root = tmp_.File("public");
  ASSERT_EQ(RunLists({"lists", "export", "black", "--out", root, "--key", key_},
                     fake_)
                .exit_code,
            kExitOk);
  const std::vector<std::string> verify = {
      "lists", "verify", root + "/black", "--chain", "--public-key", pub_};
  ASSERT_EQ(RunLists(verify, fake_).exit_code, kExitOk);

  // "x", and "01": a whole, signed copy of 1 under a non-canonical name.
  ASSERT_EQ(::mkdir((root + "/black/x").c_str(), 0755), 0);
  ASSERT_EQ(std::system(
                absl::StrCat("cp -r '", root, "/black/1' '", root, "/black/01'")
                    .c_str()),
            0);
  Result r = RunLists(verify, fake_);
  EXPECT_EQ(r.exit_code, kExitVerifyFailed);
  EXPECT_THAT(r.err, HasSubstr("verification FAILED (2 problems)"));
  EXPECT_THAT(r.err, HasSubstr("extra folder x at the list root"));
  EXPECT_THAT(r.err, HasSubstr("extra folder 01 at the list root (not a "
                               "publication number"));

  ASSERT_EQ(std::system(absl::StrCat("rm -rf '", root, "/black/x' '", root,
                                     "/black/01'")
                            .c_str()),
            0);
  EXPECT_EQ(RunLists(verify, fake_).exit_code, kExitOk);
}

TEST_F(ListCommandsTest, EntriesFollowsEveryPage) {
  fake_.PublishNow(v1::BLACK_LIST,
                   {FakeListClient::BlackEntry(kA, "甲", "张三", "罚1"),
                    FakeListClient::BlackEntry(kB, "乙", "李四", "罚2"),
                    FakeListClient::BlackEntry(kC, "丙", "王五", "罚3")});
  Result r = RunLists({"lists", "entries", "black", "--all"}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr(kA));
  EXPECT_THAT(r.out, HasSubstr(kC));
  EXPECT_THAT(r.err, HasSubstr("3 entries shown of the black list, as "
                               "published in lists/black/publications/100"));
  // The same paging flags as every list command: one page, then the token.
  // (the fake serves two entries a page)
  r = RunLists({"lists", "entries", "black"}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr(kA));
  EXPECT_THAT(r.out, Not(HasSubstr(kC)));
  EXPECT_THAT(r.err, HasSubstr("more results: run again with --page-token"));
  r = RunLists({"--output", "json", "lists", "entries", "black"}, fake_);
  EXPECT_THAT(r.out,
              HasSubstr("\"publication\": \"lists/black/publications/100\""));
  r = RunLists({"lists", "entries", "honor"}, fake_);
  EXPECT_EQ(r.exit_code, kExitOk);
  EXPECT_THAT(r.err, HasSubstr("nothing published yet"));
}

TEST_F(ListCommandsTest, ListCallsSendParentAndList) {
  fake_.PublishNow(v1::BLACK_LIST,
                   {FakeListClient::BlackEntry(kA, "甲", "张三", "罚1")});
  ASSERT_EQ(RunLists({"lists", "entries", "black"}, fake_).exit_code, kExitOk);
  ASSERT_FALSE(fake_.entry_lists.empty());
  EXPECT_EQ(fake_.entry_lists.back().parent(), "lists/black");
  EXPECT_EQ(fake_.entry_lists.back().list(), v1::BLACK_LIST);
  ASSERT_EQ(RunLists({"lists", "show", "black"}, fake_).exit_code, kExitOk);
  ASSERT_FALSE(fake_.list_requests.empty());
  EXPECT_EQ(fake_.list_requests.back().parent(), "lists/black");
  EXPECT_EQ(fake_.list_requests.back().list(), v1::BLACK_LIST);
}

TEST_F(ListCommandsTest, EntryPrintsTheEntryOnTheCurrentListOrIsNotFound) {
  fake_.PublishNow(v1::BLACK_LIST,
                   {FakeListClient::BlackEntry(kA, "甲", "张三", "罚1"),
                    FakeListClient::BlackEntry(kB, "乙", "李四", "罚2")});
  Result r = RunLists({"lists", "entry", kA, "--list", "black"}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  ASSERT_EQ(fake_.entry_gets.size(), 1u);
  EXPECT_EQ(fake_.entry_gets[0].name(),
            absl::StrCat("lists/black/entries/", kA));
  EXPECT_THAT(r.out, HasSubstr(kA));
  EXPECT_THAT(r.out, HasSubstr("甲"));
  EXPECT_THAT(r.out, HasSubstr("罚1"));
  EXPECT_THAT(r.out, Not(HasSubstr(kB)));
  EXPECT_THAT(r.err,
              HasSubstr(absl::StrCat(kA,
                                     " is on the black list, as published in "
                                     "lists/black/publications/100")));

  r = RunLists({"--output", "json", "lists", "entry", kA, "--list", "黑榜"},
               fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("\"name\": \"lists/black/entries/",
                                            kA, "\"")));
  EXPECT_THAT(r.out,
              HasSubstr("\"publication\": \"lists/black/publications/100\""));
  EXPECT_THAT(r.err, IsEmpty());

  r = RunLists({"--output", "csv", "lists", "entry", kB, "--list", "black"},
               fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("credit_code,enterprise_name"));
  EXPECT_THAT(r.out, HasSubstr(kB));

  // Not on the list, or a list never published: NOT_FOUND, exit 4.
  r = RunLists({"lists", "entry", kC, "--list", "black"}, fake_);
  EXPECT_EQ(r.exit_code, kExitNotFound);
  EXPECT_THAT(r.err, HasSubstr("ENTRY_NOT_FOUND"));
  EXPECT_THAT(r.out, IsEmpty());
  r = RunLists({"lists", "entry", kA, "--list", "honor"}, fake_);
  EXPECT_EQ(r.exit_code, kExitNotFound);
  EXPECT_EQ(fake_.entry_gets.back().name(),
            absl::StrCat("lists/honor/entries/", kA));

  // Usage errors send nothing.
  const size_t sent = fake_.entry_gets.size();
  EXPECT_EQ(RunLists({"lists", "entry", kA}, fake_).exit_code, kExitUsage);
  EXPECT_EQ(RunLists({"lists", "entry", kA, "--list", "red"}, fake_).exit_code,
            kExitUsage);
  EXPECT_EQ(
      RunLists({"lists", "entry", absl::StrCat("lists/black/entries/", kA),
                "--list", "black"},
               fake_)
          .exit_code,
      kExitUsage);
  EXPECT_EQ(RunLists({"lists", "entry", "--list", "black"}, fake_).exit_code,
            kExitUsage);
  EXPECT_EQ(fake_.entry_gets.size(), sent);
}

TEST_F(ListCommandsTest, RepairPrintsEveryUnmetCondition) {
  fake_.repair_blockers = {
      {"REPAIR_TOO_EARLY", "repair is possible from 2025-03-01"},
      {"NO_CREDIT_COMMITMENT", "no public credit commitment on file"}};
  Result r =
      RunLists({"lists", "repair", kA, "--rectified-on", "2024-12-01"}, fake_);
  EXPECT_EQ(r.exit_code, kExitConflict);
  EXPECT_THAT(r.err, HasSubstr(absl::StrCat("credit repair of ", kA,
                                            " refused; unmet conditions (2):\n"
                                            "  REPAIR_TOO_EARLY: repair is "
                                            "possible from 2025-03-01\n"
                                            "  NO_CREDIT_COMMITMENT: no public "
                                            "credit commitment on file\n")));
  ASSERT_EQ(fake_.repairs.size(), 1u);
  EXPECT_EQ(fake_.repairs[0].entry(), absl::StrCat("lists/black/entries/", kA));
  EXPECT_FALSE(fake_.repairs[0].evidence().penalty_performed());

  fake_.repair_blockers.clear();
  r = RunLists({"lists", "repair", absl::StrCat("lists/black/entries/", kA),
                "--rectified-on", "2025-03-01", "--penalty-performed",
                "--commitment", "enterprises/X/commitments/1", "--note", "ok"},
               fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_TRUE(fake_.repairs[1].evidence().penalty_performed());
  EXPECT_EQ(fake_.repairs[1].evidence().rectification_date().month(), 3);
  EXPECT_THAT(r.out, HasSubstr("state               GRANTED"));

  r = RunLists({"lists", "repair", kA}, fake_);
  EXPECT_EQ(r.exit_code, kExitUsage);  // --rectified-on is required
}

TEST_F(ListCommandsTest, AnUnreachableServerIsExit5) {
  fake_.unavailable = true;
  const Result r = RunLists({"lists", "show", "black"}, fake_);
  EXPECT_EQ(r.exit_code, kExitUnavailable);
  EXPECT_THAT(r.err, HasSubstr("UNAVAILABLE"));
}

TEST_F(ListCommandsTest, KeysGenerateRefusesToOverwriteAndIs0600) {
  const std::string dir = tmp_.File("keys");
  Result r = RunLists({"keys", "generate", "--out-dir", dir}, fake_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.clients_made, 0);
  struct stat st;
  ASSERT_EQ(::stat((dir + "/envcredit.key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string pub = Read(dir + "/envcredit.pub.pem");
  EXPECT_THAT(r.out, HasSubstr(Sha256Hex(pub)));
  const std::string key = Read(dir + "/envcredit.key.pem");
  r = RunLists({"keys", "generate", "--out-dir", dir}, fake_);
  EXPECT_EQ(r.exit_code, kExitConflict);
  EXPECT_THAT(r.err, HasSubstr("already exists"));
  EXPECT_EQ(Read(dir + "/envcredit.key.pem"), key);
  r = RunLists({"keys", "generate", "--out-dir", dir, "--name", "../x"}, fake_);
  EXPECT_EQ(r.exit_code, kExitUsage);
}

TEST_F(ListCommandsTest, HelpListsTheCommandsAndExitCode8) {
  Result r = RunLists({"--help"}, fake_);
  EXPECT_THAT(r.out, HasSubstr("lists export"));
  EXPECT_THAT(r.out, HasSubstr("keys generate"));
  EXPECT_THAT(r.out, HasSubstr("8  verification failed"));
  r = RunLists({"lists", "objection", "--help"}, fake_);
  EXPECT_EQ(r.exit_code, kExitOk);
  EXPECT_THAT(r.out, HasSubstr("lists objection file NAME | file LIST"));
}

}  // namespace
}  // namespace envcredit::admin
