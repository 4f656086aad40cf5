#include "demo/demo_data.h"

#include <ostream>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "demo/demo_random.h"
#include "server/domain/uscc.h"

namespace envcredit::demo {
namespace {

// The 31 symbols of a USCC (GB 32100): no I, O, S, V, Z.
constexpr char kUsccAlphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kUsccAlphabetSize = 31;

struct IndustryWords {
  std::string industry;            // enum name
  std::vector<std::string> words;  // what the trade is called in a name
};

const std::vector<IndustryWords>& HeavyPollutionIndustries() {
  static const auto* list = new std::vector<IndustryWords>{
      {"THERMAL_POWER", {"热电", "发电", "能源"}},
      {"STEEL", {"钢铁", "特钢", "钢业"}},
      {"CEMENT", {"水泥", "建材水泥"}},
      {"ELECTROLYTIC_ALUMINIUM", {"铝业", "电解铝"}},
      {"COAL", {"煤业", "煤炭"}},
      {"METALLURGY", {"冶金", "有色金属"}},
      {"CHEMICALS", {"化工", "精细化工", "化学"}},
      {"PETROCHEMICALS", {"石化", "石油化工"}},
      {"BUILDING_MATERIALS", {"建材", "新型建材", "陶瓷"}},
      {"PAPER", {"纸业", "造纸"}},
      {"BREWING", {"酒业", "酿造"}},
      {"PHARMACEUTICALS", {"制药", "药业"}},
      {"FERMENTATION", {"生物发酵", "发酵"}},
      {"TEXTILES", {"纺织", "印染"}},
      {"TANNING", {"皮革", "制革"}},
      {"MINING", {"矿业", "采矿"}},
  };
  return *list;
}

const IndustryWords& OtherIndustry() {
  static const auto* other =
      new IndustryWords{"OTHER", {"电子", "机械", "食品", "包装", "物流"}};
  return *other;
}

const std::vector<std::string>& TradeFirst() {
  static const auto* v = new std::vector<std::string>{
      "恒", "泰", "华", "鑫", "宏", "永", "瑞", "盛", "兴", "金", "新", "德",
      "隆", "利", "达", "昌", "丰", "源", "嘉", "润", "中", "东", "明", "安"};
  return *v;
}

const std::vector<std::string>& TradeSecond() {
  static const auto* v = new std::vector<std::string>{
      "泰", "达", "源", "通", "辉", "诚", "信", "和", "宇", "邦", "汇", "远",
      "晟", "锦", "峰", "海", "川", "成", "力", "拓", "科", "阳", "光", "业"};
  return *v;
}

const std::vector<std::string>& CompanyForms() {
  static const auto* v = new std::vector<std::string>{
      "有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司"};
  return *v;
}

const std::vector<std::string>& Surnames() {
  static const auto* v = new std::vector<std::string>{
      "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴",   "周",  "徐",
      "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",   "郑",  "梁",
      "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "欧阳", "司马"};
  return *v;
}

const std::vector<std::string>& GivenNameChars() {
  static const auto* v = new std::vector<std::string>{
      "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
      "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华",
      "建", "国", "文", "志", "红", "玉", "海", "波", "宁", "晨", "宇", "浩"};
  return *v;
}

// A supplementary-plane character (U+20BB7, four bytes in UTF-8), used now
// and then so the dataset exercises utf8mb4 end to end.
constexpr char kFourByteChar[] = "\xF0\xA0\xAE\xB7";

const std::vector<std::string>& Roads() {
  static const auto* v = new std::vector<std::string>{
      "工业大道", "创业路", "经一路", "纬二路",   "滨江大道", "园区大道",
      "化工园路", "科技路", "港城路", "新材料路", "环保路",   "发展大道"};
  return *v;
}

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// An 8-character GB 11714 organisation-code body: mostly the "MA" form of
// codes issued since 2015, sometimes the older all-digit form.
std::string OrganisationBody(DemoRandom& rng) {
  std::string body;
  if (rng.Percent(70)) {
    body = "MA";
    body.push_back(kUsccAlphabet[rng.Below(10)]);
    while (body.size() < 8) {
      body.push_back(kUsccAlphabet[rng.Below(kUsccAlphabetSize)]);
    }
  } else {
    while (body.size() < 8) body.push_back(kUsccAlphabet[rng.Below(10)]);
  }
  return body;
}

std::string PersonName(DemoRandom& rng) {
  std::string name = rng.Pick(Surnames());
  if (rng.Percent(2)) return name + kFourByteChar;
  name += rng.Pick(GivenNameChars());
  if (rng.Percent(65)) name += rng.Pick(GivenNameChars());
  return name;
}

std::string StatusFor(DemoRandom& rng) {
  const uint64_t roll = rng.Below(100);
  if (roll < 90) return "OPERATING";
  if (roll < 96) return "SUSPENDED";
  return "CLOSED";
}

}  // namespace

const std::vector<DemoRegion>& DemoRegions() {
  static const auto* regions = new std::vector<DemoRegion>{
      {"320102", "320100", "江苏省", "南京市", "玄武区", "南京"},
      {"320115", "320100", "江苏省", "南京市", "江宁区", "南京"},
      {"320116", "320100", "江苏省", "南京市", "六合区", "南京"},
      {"320505", "320500", "江苏省", "苏州市", "虎丘区", "苏州"},
      {"320585", "320500", "江苏省", "苏州市", "太仓市", "太仓"},
      {"320282", "320200", "江苏省", "无锡市", "宜兴市", "宜兴"},
      {"320612", "320600", "江苏省", "南通市", "通州区", "南通"},
      {"330106", "330100", "浙江省", "杭州市", "西湖区", "杭州"},
      {"330211", "330200", "浙江省", "宁波市", "镇海区", "宁波"},
      {"370211", "370200", "山东省", "青岛市", "黄岛区", "青岛"},
      {"370305", "370300", "山东省", "淄博市", "临淄区", "淄博"},
      {"640104", "640100", "宁夏回族自治区", "银川市", "兴庆区", "银川"},
      {"640202", "640200", "宁夏回族自治区", "石嘴山市", "大武口区", "石嘴山"},
      {"440112", "440100", "广东省", "广州市", "黄埔区", "广州"},
      {"441900", "441900", "广东省", "东莞市", "", "东莞"},
      {"130209", "130200", "河北省", "唐山市", "曹妃甸区", "唐山"},
      {"140105", "140100", "山西省", "太原市", "小店区", "太原"},
  };
  return *regions;
}

absl::StatusOr<DemoDataset> GenerateDemoDataset(const DemoOptions& options) {
  if (options.count < 1 || options.count > kMaxCount) {
    return absl::InvalidArgumentError(
        absl::StrCat("count must be 1..", kMaxCount, ", not ", options.count));
  }
  DemoRandom rng(options.seed);
  DemoDataset dataset;
  std::set<std::string> codes;
  std::set<std::string> names;
  while (static_cast<int>(dataset.enterprises.size()) < options.count) {
    DemoEnterprise e;
    const DemoRegion& region = rng.Pick(DemoRegions());
    const IndustryWords& industry = rng.Percent(15)
                                        ? OtherIndustry()
                                        : rng.Pick(HeavyPollutionIndustries());
    // Half are registered by the city's authority, so the USCC carries the
    // city code while the enterprise sits in a district (region_code).
    const std::string& authority =
        rng.Percent(50) ? region.city_code : region.code;
    absl::StatusOr<std::string> code =
        domain::MakeUscc("91", authority, OrganisationBody(rng));
    if (!code.ok()) {
      return absl::InternalError(absl::StrCat("cannot build a credit code: ",
                                              code.status().message()));
    }
    e.credit_code = *std::move(code);
    e.name = absl::StrCat(kFictionalPrefix, region.short_city,
                          rng.Pick(TradeFirst()), rng.Pick(TradeSecond()),
                          kSampleMarker, rng.Pick(industry.words),
                          rng.Pick(CompanyForms()));
    e.industry = industry.industry;
    e.region_code = region.code;
    e.legal_representative = PersonName(rng);
    e.address = absl::StrCat(region.province, region.city, region.district,
                             rng.Pick(Roads()), rng.Between(1, 999), "号");
    e.status = StatusFor(rng);
    // Draws above happen whether or not the row is kept, so a rejected
    // duplicate only shifts the stream, deterministically.
    if (codes.count(e.credit_code) > 0 || names.count(e.name) > 0) continue;
    codes.insert(e.credit_code);
    names.insert(e.name);
    dataset.enterprises.push_back(std::move(e));
  }
  return dataset;
}

void WriteEnterprisesCsv(const std::vector<DemoEnterprise>& enterprises,
                         std::ostream& out) {
  out << "\xEF\xBB\xBF"
      << "credit_code,name,industry,region_code,legal_representative,address,"
         "status\r\n";
  for (const DemoEnterprise& e : enterprises) {
    out << CsvField(e.credit_code) << ',' << CsvField(e.name) << ','
        << CsvField(e.industry) << ',' << CsvField(e.region_code) << ','
        << CsvField(e.legal_representative) << ',' << CsvField(e.address) << ','
        << CsvField(e.status) << "\r\n";
  }
}

}  // namespace envcredit::demo
