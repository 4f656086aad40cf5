// Test-only: writes the index.html of a small, fixed black-list publication
// (Chinese names, a mixed-case name, a removal) to the path given as the
// only argument, with the same renderer `lists export` uses
// (admin-cli/publication/publication_html.h). tests/browser/index_search_test.py then
// drives headless Chromium over it.
#include <cstdio>
#include <fstream>
#include <string>

#include "admin-cli/publication/publication_html.h"
#include "admin-cli/publication/signing.h"
#include "envcredit/v1/lists.pb.h"

namespace {

using envcredit::v1::Date;
using envcredit::v1::Publication;
using envcredit::v1::PublicationEntry;

Date D(int y, int m, int d) {
  Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

void AddEntry(Publication* p, const std::string& code, const std::string& name,
              const std::string& legal_rep, const std::string& decision) {
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
  r->set_description("移送公安机关");
  r->set_points(-12);
  *e->mutable_listing_date() = D(2024, 3, 1);
  *e->mutable_earliest_repair_date() = D(2025, 3, 1);
  *e->mutable_expiry_date() = D(2027, 3, 1);
  e->set_change(envcredit::v1::ENTRY_ADDED);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.html\n", argv[0]);
    return 2;
  }
  Publication p;
  p.set_name("lists/black/publications/42");
  p.set_list(envcredit::v1::BLACK_LIST);
  p.set_state(envcredit::v1::PUBLICATION_PUBLISHED);
  p.set_number(3);
  *p.mutable_as_of() = D(2025, 6, 30);
  p.mutable_publish_time()->set_seconds(1752631200);
  p.set_policy_id("jiangsu-2019");
  p.set_policy_version(2);
  AddEntry(&p, "91320100MA1W2X3Y6A", "苏州某某化工有限公司", "张三",
           "苏环罚〔2024〕12号");
  AddEntry(&p, "91320200MA1W2X3Y7B", "无锡蓝天印染有限公司", "李四",
           "锡环罚〔2024〕15号");
  AddEntry(&p, "91320300MA1W2X3Y8C", "徐州Acme钢铁集团 <Steel> & Co", "王五",
           "徐环罚〔2025〕3号");
  envcredit::v1::Removal* removal = p.add_removals();
  removal->set_credit_code("91320500MA1W2X3Y9D");
  removal->set_enterprise_name("常州旧化肥厂");
  removal->set_reason(envcredit::v1::REMOVAL_EXPIRED);
  removal->set_detail("expired on 2025-06-01");
  p.set_canonical_content("sample\n");
  p.set_content_sha256(envcredit::admin::Sha256Hex(p.canonical_content()));
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out << envcredit::admin::RenderIndexHtml(p);
  out.close();
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", argv[1]);
    return 1;
  }
  return 0;
}
