// Test-only: writes a small published tree with the code `lists export`
// uses (admin-cli/publication/publication_folder.h) to the folder given as
// the only argument:
//   ROOT/black/1/, ROOT/black/2/   two black-list publications (Chinese
//                                  names, a mixed-case name with markup
//                                  characters, a removal, reasons in codes as
//                                  the server sends them)
//   ROOT/honor/1/                  an honour list
//   ROOT/index.html, ROOT/public-key.pem
// signed with a fresh key, with a configured issuer. tests/browser/
// index_search_test.py then opens the pages in headless Chromium.
//
// With two more arguments, LARGE_ROOT N, it also writes LARGE_ROOT/black/1/:
// one black-list publication of N entries (codes 9132010000AAAAAAAA-like,
// serial i in the last 8 characters; every entry whose serial is a multiple
// of 10007 is named "蓝鲸化工<serial>有限公司", the others
// "示例<serial>号环保科技有限公司"), 3 removals, the same issuer, and
// LARGE_ROOT/public-key.pem, to check the page of a list of 100,000+.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "admin-cli/publication/issuer.h"
#include "admin-cli/publication/publication_folder.h"
#include "admin-cli/publication/publication_html.h"
#include "admin-cli/publication/signing.h"
#include "envcredit/v1/lists.pb.h"

namespace {

using envcredit::v1::Date;
using envcredit::v1::Publication;
using envcredit::v1::PublicationEntry;
namespace admin = envcredit::admin;

Date D(int y, int m, int d) {
  Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

void AddBlackEntry(Publication* p, const std::string& code,
                   const std::string& name, const std::string& legal_rep,
                   const std::string& decision) {
  PublicationEntry* e = p->add_entries();
  e->set_credit_code(code);
  e->set_enterprise_name(name);
  e->set_legal_representative(legal_rep);
  e->set_region_code(code.substr(2, 6));
  e->set_level(envcredit::v1::BLACK);
  e->set_points(-3);
  envcredit::v1::ListReason* r = e->add_reasons();
  r->set_kind("penalty_decision");
  r->set_reference(decision);
  r->set_authority("苏州市生态环境局");
  *r->mutable_date() = D(2024, 3, 1);
  r->set_description(
      "EXCEEDING_DISCHARGE_STANDARDS: FINE, TRANSFER_FOR_CRIMINAL_INVESTIGATION");
  r->set_points(-12);
  *e->mutable_listing_date() = D(2024, 3, 1);
  *e->mutable_earliest_repair_date() = D(2025, 3, 1);
  *e->mutable_expiry_date() = D(2027, 3, 1);
  e->set_change(envcredit::v1::ENTRY_ADDED);
}

// Content and its hash as the server would send them for `p`.
void Seal(Publication* p, const std::string& previous_content_sha256) {
  p->set_state(envcredit::v1::PUBLICATION_PUBLISHED);
  p->set_canonical_content(p->name() + "\n");
  p->set_content_sha256(admin::Sha256Hex(p->canonical_content()));
  p->set_previous_content_sha256(previous_content_sha256);
}

Publication Black(int number) {
  Publication p;
  p.set_name("lists/black/publications/" + std::to_string(40 + number));
  p.set_list(envcredit::v1::BLACK_LIST);
  p.set_number(number);
  *p.mutable_as_of() = D(2025, number * 3, 30);
  p.mutable_publish_time()->set_seconds(1752631200 + number * 86400);
  *p.mutable_notice_start_date() = D(2025, number * 3, 1);
  *p.mutable_notice_end_date() = D(2025, number * 3, 15);
  p.set_policy_id("default");
  p.set_policy_version(1);
  return p;
}

bool Write(const std::string& root, const Publication& p,
           const std::string& previous_manifest, const std::string& key,
           const admin::Issuer& issuer) {
  auto files = admin::BuildPublicationFolder(p, previous_manifest, key, issuer);
  if (!files.ok()) {
    std::fprintf(stderr, "%s\n", files.status().ToString().c_str());
    return false;
  }
  const std::string dir = admin::PublicationFolderPath(
      root, admin::ListSlug(p.list()), p.number());
  auto written = admin::WritePublicationFolder(dir, *files);
  if (!written.ok()) {
    std::fprintf(stderr, "%s\n", written.status().ToString().c_str());
    return false;
  }
  return true;
}

// LARGE_ROOT/black/1 with `count` entries (see the top of the file).
bool WriteLarge(const std::string& root, int count, const std::string& key,
                const admin::Issuer& issuer) {
  Publication p = Black(1);
  p.mutable_entries()->Reserve(count);
  char code[32];
  for (int i = 1; i <= count; ++i) {
    std::snprintf(code, sizeof(code), "9132010000%08d", i);
    const std::string name =
        i % 10007 == 0 ? "蓝鲸化工" + std::to_string(i) + "有限公司"
                       : "示例" + std::to_string(i) + "号环保科技有限公司";
    AddBlackEntry(&p, code, name, "法人" + std::to_string(i % 1000),
                  "苏环罚〔2024〕" + std::to_string(i) + "号");
  }
  for (int i = 1; i <= 3; ++i) {
    envcredit::v1::Removal* removal = p.add_removals();
    std::snprintf(code, sizeof(code), "9132059900%08d", i);
    removal->set_credit_code(code);
    removal->set_enterprise_name("旧厂" + std::to_string(i));
    removal->set_reason(envcredit::v1::REMOVAL_EXPIRED);
    removal->set_detail("listing period ended on 2025-06-01");
  }
  Seal(&p, "");
  if (!Write(root, p, "", key, issuer)) return false;
  if (auto s = admin::WriteRootPages(root, issuer, key); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 4) {
    std::fprintf(stderr, "usage: %s ROOT [LARGE_ROOT ENTRIES]\n", argv[0]);
    return 2;
  }
  const std::string root = argv[1];
  auto keys = admin::GenerateEd25519KeyPair();
  auto issuer = admin::ParseIssuer(
      "name = 示例市生态环境局\n"
      "name_en = Example Municipal Ecology and Environment Bureau\n"
      "address = 示例市人民路 1 号 信用管理科\n"
      "phone = 0512-12369000\n"
      "email = credit@example.gov.cn\n");
  if (!keys.ok() || !issuer.ok()) {
    std::fprintf(stderr, "sample key or issuer failed\n");
    return 1;
  }

  Publication first = Black(1);
  AddBlackEntry(&first, "91320100MA1W2X3Y6A", "苏州某某化工有限公司", "张三",
                "苏环罚〔2024〕12号");
  Seal(&first, "");

  Publication second = Black(2);
  AddBlackEntry(&second, "91320100MA1W2X3Y6A", "苏州某某化工有限公司", "张三",
                "苏环罚〔2024〕12号");
  AddBlackEntry(&second, "91320200MA1W2X3Y7B", "无锡蓝天印染有限公司", "李四",
                "锡环罚〔2024〕15号");
  AddBlackEntry(&second,
                "91320300MA1W2X3Y8C",
                "徐州Acme钢铁集团 <Steel> & Co with a very long Latin name "
                "that must wrap on a phone",
                "王五", "徐环罚〔2025〕3号");
  envcredit::v1::Removal* removal = second.add_removals();
  removal->set_credit_code("91320500MA1W2X3Y9D");
  removal->set_enterprise_name("常州旧化肥厂");
  removal->set_reason(envcredit::v1::REMOVAL_EXPIRED);
  removal->set_detail("listing period ended on 2025-06-01");
  second.set_previous_publication(first.name());
  Seal(&second, first.content_sha256());

  Publication honor;
  honor.set_name("lists/honor/publications/7");
  honor.set_list(envcredit::v1::HONOR_LIST);
  honor.set_number(1);
  *honor.mutable_as_of() = D(2025, 6, 30);
  honor.mutable_publish_time()->set_seconds(1752631200);
  honor.set_policy_id("default");
  honor.set_policy_version(1);
  PublicationEntry* green = honor.add_entries();
  green->set_credit_code("91320600MA1W2X3YXE");
  green->set_enterprise_name("南通绿水纺织有限公司");
  green->set_legal_representative("赵六");
  green->set_level(envcredit::v1::GREEN);
  green->set_points(12);
  *green->mutable_listing_date() = D(2025, 6, 30);
  Seal(&honor, "");

  if (!Write(root, first, "", keys->private_pem, *issuer)) return 1;
  auto previous = admin::PreviousManifestSha256(root, second);
  if (!previous.ok() ||
      !Write(root, second, *previous, keys->private_pem, *issuer) ||
      !Write(root, honor, "", keys->private_pem, *issuer)) {
    return 1;
  }
  if (auto s = admin::WriteRootPages(root, *issuer, keys->private_pem);
      !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  if (argc == 4 &&
      !WriteLarge(argv[2], std::atoi(argv[3]), keys->private_pem, *issuer)) {
    return 1;
  }
  return 0;
}
