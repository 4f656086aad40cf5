#include "demo/demo_data.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <ostream>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

// ---------------------------------------------------------------------------
// Records: decisions, commitments, complaints and incidents.

// The one-character abbreviation a city's authority uses in document
// numbers (宁环罚〔2025〕12号), by city code.
std::string CityAbbreviation(const std::string& city_code) {
  static const auto* map = new std::map<std::string, std::string>{
      {"320100", "宁"}, {"320500", "苏"}, {"320200", "锡"}, {"320600", "通"},
      {"330100", "杭"}, {"330200", "甬"}, {"370200", "青"}, {"370300", "淄"},
      {"640100", "银"}, {"640200", "石"}, {"440100", "穗"}, {"441900", "莞"},
      {"130200", "唐"}, {"140100", "并"}};
  const auto it = map->find(city_code);
  return it == map->end() ? "环" : it->second;
}

const DemoRegion& RegionOf(const DemoEnterprise& e) {
  for (const DemoRegion& r : DemoRegions()) {
    if (r.code == e.region_code) return r;
  }
  return DemoRegions().front();  // not reached: every region is listed
}

// A decision shape for the enterprises without a scripted history: mostly
// the everyday cases, now and then a severe one.
struct DecisionTemplate {
  const char* violation;
  std::vector<std::string> measures;
  int fine_lo_wan;  // fine in units of 10,000 yuan; 0: no fine
  int fine_hi_wan;
  int weight;
  const char* note;
};

const std::vector<DecisionTemplate>& DecisionTemplates() {
  static const auto* v = new std::vector<DecisionTemplate>{
      {"EXCEEDING_DISCHARGE_STANDARDS",
       {"FINE", "ORDER_TO_CORRECT"},
       10,
       60,
       6,
       "废水排放口化学需氧量超标"},
      {"EXCEEDING_DISCHARGE_STANDARDS",
       {"FINE", "PRODUCTION_LIMIT"},
       20,
       80,
       2,
       "废气颗粒物排放浓度超标"},
      {"ABNORMAL_OPERATION_OF_FACILITIES",
       {"FINE", "ORDER_TO_CORRECT"},
       10,
       50,
       3,
       "废气处理设施未正常运行"},
      {"DISCHARGE_WITHOUT_PERMIT",
       {"FINE", "ORDER_TO_CORRECT"},
       20,
       100,
       2,
       "未取得排污许可证排放污染物"},
      {"BUILDING_WITHOUT_EIA_APPROVAL",
       {"FINE", "ORDER_TO_CORRECT"},
       5,
       40,
       2,
       "环评文件未经批准擅自开工建设"},
      {"OPERATING_BEFORE_ACCEPTANCE",
       {"FINE", "ORDER_TO_CORRECT"},
       20,
       100,
       1,
       "配套环保设施未经验收即投入生产"},
      {"VIOLATION_TYPE_OTHER",
       {"WARNING", "ORDER_TO_CORRECT"},
       0,
       0,
       3,
       "危险废物标识不规范"},
      {"VIOLATION_TYPE_OTHER", {"WARNING"}, 0, 0, 1, "未按规定公开环境信息"},
      {"TOTAL_LOAD_QUOTA_EXCEEDED",
       {"FINE", "PRODUCTION_LIMIT"},
       10,
       50,
       1,
       "二氧化硫排放超过重点污染物排放总量控制指标"},
      {"HIDDEN_PIPES_SEEPAGE_PITS_OR_BYPASSES",
       {"FINE", "SUSPENSION_FOR_RECTIFICATION"},
       20,
       100,
       1,
       "通过雨水管网暗管排放生产废水"},
  };
  return *v;
}

const std::vector<std::string>& CommitmentItemTexts() {
  static const auto* v =
      new std::vector<std::string>{"完成脱硫脱硝设施提标改造",
                                   "安装污染源自动监测设备并与生态环境部门联网",
                                   "建立危险废物管理台账并规范贮存",
                                   "完成雨污分流改造",
                                   "按排污许可证要求开展自行监测并公开",
                                   "落实堆场扬尘污染防治措施",
                                   "承诺期内不发生超标排放",
                                   "完成突发环境事件应急预案修订和备案"};
  return *v;
}

const std::vector<std::string>& ComplaintSummaries() {
  static const auto* v = new std::vector<std::string>{
      "夜间异味扰民，疑似偷排", "排气筒冒黑烟",     "厂区噪声扰民",
      "厂区外河道出现异色废水", "堆场粉尘污染严重", "危险废物露天堆放"};
  return *v;
}

std::string YesNo(bool value) { return value ? "yes" : "no"; }

std::string Yuan(int64_t fen) {
  if (fen == 0) return "";
  char cents[4];
  std::snprintf(cents, sizeof cents, "%02d", static_cast<int>(fen % 100));
  return absl::StrCat(fen / 100, ".", cents);
}

std::string ShellQuote(const std::string& value) {
  std::string out = "'";
  for (const char c : value) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\'');
  return out;
}

constexpr int64_t kFenPerWan = 10000 * 100;  // 10,000 yuan in fen

// Makes the records of a dataset whose enterprises exist. The first eight
// enterprises (wrapping around in a smaller dataset) get scripted
// histories that together show every measure and violation type, a daily
// continuous penalty, tampering, a recurrence, complaints that led to
// decisions, kept and broken commitments, incidents of both grades and the
// decision to revoke; the others get random everyday histories.
class RecordGenerator {
 public:
  RecordGenerator(DemoRandom& rng, absl::CivilDay today, DemoDataset& dataset)
      : rng_(rng), today_(today), ds_(dataset) {}

  void Generate() {
    Scripted();
    for (size_t i = kScripted; i < ds_.enterprises.size(); ++i) {
      Random(ds_.enterprises[i]);
    }
  }

 private:
  static constexpr size_t kScripted = 8;

  const DemoEnterprise& Subject(size_t k) const {
    return ds_.enterprises[k % ds_.enterprises.size()];
  }

  absl::CivilDay DaysAgo(int64_t days) const { return today_ - days; }

  std::string Authority(const DemoEnterprise& e) const {
    return absl::StrCat(RegionOf(e).city, "生态环境局");
  }

  std::string NextNumber(std::map<std::string, int>& counters,
                         const DemoEnterprise& e, absl::CivilDay date,
                         const char* kind, int width) {
    const std::string abbreviation = CityAbbreviation(RegionOf(e).city_code);
    const std::string key = absl::StrCat(abbreviation, kind, date.year());
    int& counter = counters[key];
    counter += counter == 0 ? static_cast<int>(rng_.Between(10, 60))
                            : static_cast<int>(rng_.Between(1, 9));
    char digits[16];
    std::snprintf(digits, sizeof digits, "%0*d", width, counter);
    return absl::StrCat(abbreviation, kind, "〔", date.year(), "〕", digits,
                        "号");
  }

  // Returns the index of the new decision in ds_.decisions.
  size_t AddDecision(const DemoEnterprise& e, const std::string& violation,
                     int64_t days_ago, std::vector<std::string> measures,
                     int64_t fine_fen, std::string note, bool tampering = false,
                     const DemoDecision* recurrence_of = nullptr) {
    const absl::CivilDay date = DaysAgo(days_ago);
    DemoDecision d;
    d.credit_code = e.credit_code;
    d.enterprise_name = e.name;
    d.authority = Authority(e);
    d.decision_number = NextNumber(decision_numbers_, e, date, "环罚", 3);
    d.violation_type = violation;
    d.decision_date = FormatDay(date);
    d.measures = std::move(measures);
    d.fine_fen = fine_fen;
    d.tampering = tampering;
    if (recurrence_of != nullptr)
      d.recurrence_of = recurrence_of->decision_number;
    d.note = std::move(note);
    ds_.decisions.push_back(std::move(d));
    return ds_.decisions.size() - 1;
  }

  void AddComplaint(const DemoEnterprise& e, int64_t days_ago,
                    const std::string& channel, bool substantiated,
                    const std::string& summary,
                    const std::vector<size_t>& decisions) {
    const absl::CivilDay date = DaysAgo(days_ago);
    DemoComplaint c;
    c.credit_code = e.credit_code;
    c.enterprise_name = e.name;
    c.case_number = NextNumber(case_numbers_, e, date, "环信", 4);
    c.received_date = FormatDay(date);
    c.channel = channel;
    c.substantiated = substantiated;
    c.summary = summary;
    for (const size_t index : decisions) {
      c.decision_authority = ds_.decisions[index].authority;
      c.decision_numbers.push_back(ds_.decisions[index].decision_number);
    }
    ds_.complaints.push_back(std::move(c));
  }

  struct ItemSpec {
    std::string description;
    int64_t due_after_signing;  // days
    std::string outcome;        // "", KEPT, BROKEN
    std::string note;
  };

  void AddCommitment(const DemoEnterprise& e, const std::string& kind,
                     int64_t signing_days_ago, bool is_public,
                     const std::vector<ItemSpec>& items) {
    const absl::CivilDay signing = DaysAgo(signing_days_ago);
    DemoCommitment c;
    c.credit_code = e.credit_code;
    c.enterprise_name = e.name;
    char ref[16];
    std::snprintf(ref, sizeof ref, "CN-%04d", ++commitment_count_);
    c.commitment_ref = ref;
    c.kind = kind;
    c.signer = e.legal_representative;
    c.signing_date = FormatDay(signing);
    c.is_public = is_public;
    for (const ItemSpec& spec : items) {
      DemoCommitmentItem item;
      item.description = spec.description;
      const absl::CivilDay due = signing + spec.due_after_signing;
      item.due_date = FormatDay(due);
      // Only a due item can be checked; the check is never in the future.
      if (!spec.outcome.empty() && due < today_) {
        item.state = spec.outcome;
        const absl::CivilDay check =
            std::min(due + rng_.Between(1, 15), today_);
        item.check_date = FormatDay(check);
        item.check_note = spec.note;
      }
      c.items.push_back(std::move(item));
    }
    ds_.commitments.push_back(std::move(c));
  }

  void AddIncident(const DemoEnterprise& e, int64_t days_ago,
                   const std::string& grade, const std::string& description) {
    ds_.incidents.push_back(DemoIncident{e.credit_code, e.name,
                                         FormatDay(DaysAgo(days_ago)), grade,
                                         description});
  }

  void Scripted() {
    // 0: a fine and an order to correct after a 12369 complaint, a
    // rectification commitment (one item kept, one broken), and the
    // re-inspection (回头看) that finds the problem back: a recurrence.
    {
      const DemoEnterprise& e = Subject(0);
      const size_t first = AddDecision(
          e, "EXCEEDING_DISCHARGE_STANDARDS", 420, {"FINE", "ORDER_TO_CORRECT"},
          20 * kFenPerWan, "废水总排口化学需氧量超标1.8倍");
      AddComplaint(e, 430, "HOTLINE_12369", true,
                   "夜间排放口有刺鼻异味，疑似超标排放", {first});
      AddCommitment(
          e, "RECTIFICATION_COMMITMENT", 410, true,
          {{"完成污水处理站提标改造", 90, "KEPT", "现场核查已完成并验收"},
           {"废水总排口安装在线监测设备并联网", 120, "BROKEN", "逾期未联网"}});
      AddDecision(e, "EXCEEDING_DISCHARGE_STANDARDS", 150,
                  {"FINE", "PRODUCTION_LIMIT"}, 35 * kFenPerWan,
                  "回头看复查发现超标问题反弹", false, &ds_.decisions[first]);
    }
    // 1: an order to correct that is ignored, the daily continuous penalty
    // that follows, and court enforcement of the unpaid fine.
    {
      const DemoEnterprise& e = Subject(1);
      AddDecision(e, "EXCEEDING_DISCHARGE_STANDARDS", 300,
                  {"FINE", "ORDER_TO_CORRECT"}, 10 * kFenPerWan,
                  "废气氮氧化物排放超标");
      AddDecision(e, "EXCEEDING_DISCHARGE_STANDARDS", 265,
                  {"DAILY_CONTINUOUS_PENALTY"}, 21 * 10 * kFenPerWan,
                  "拒不改正，按日连续处罚21日，每日10万元");
      AddDecision(e, "EXCEEDING_DISCHARGE_STANDARDS", 200,
                  {"COURT_ENFORCEMENT"}, 0,
                  "逾期不缴纳罚款，申请人民法院强制执行");
    }
    // 2: tampering with monitoring data, found after an inspection team's
    // referral; transferred for administrative detention.
    {
      const DemoEnterprise& e = Subject(2);
      const size_t d = AddDecision(
          e, "TAMPERING_WITH_MONITORING_DATA", 240,
          {"FINE", "TRANSFER_FOR_ADMINISTRATIVE_DETENTION"}, 15 * kFenPerWan,
          "干扰自动监测设施采样，篡改监测数据", true);
      AddComplaint(e, 250, "INSPECTION_TEAM", true,
                   "督察组转办：自动监测数据长期异常平稳", {d});
    }
    // 3: illegal dumping of hazardous waste: a larger incident, seizure and
    // transfer for criminal investigation.
    {
      const DemoEnterprise& e = Subject(3);
      AddIncident(e, 520, "LARGER_OR_ABOVE",
                  "危险废物非法倾倒导致河道污染，较大突发环境事件");
      AddDecision(
          e, "ILLEGAL_HAZARDOUS_WASTE_DISPOSAL", 510,
          {"FINE", "SEAL_OR_SEIZURE", "TRANSFER_FOR_CRIMINAL_INVESTIGATION"},
          100 * kFenPerWan, "非法倾倒废矿物油约30吨");
    }
    // 4: a bypass pipe found after a visit; suspension for rectification;
    // later a major change without approval and the licence revoked.
    {
      const DemoEnterprise& e = Subject(4);
      const size_t d =
          AddDecision(e, "HIDDEN_PIPES_SEEPAGE_PITS_OR_BYPASSES", 360,
                      {"FINE", "SUSPENSION_FOR_RECTIFICATION"}, 80 * kFenPerWan,
                      "设置暗管排放生产废水");
      AddComplaint(e, 370, "VISIT", true, "群众来访反映厂区后墙有暗管排水",
                   {d});
      AddDecision(e, "MAJOR_CHANGE_WITHOUT_NEW_APPROVAL", 90,
                  {"FINE", "LICENCE_REVOCATION"}, 50 * kFenPerWan,
                  "生产规模扩大一倍未重新报批环评文件");
    }
    // 5: the decision the demo revokes (administrative review), a warning,
    // and a complaint that was not substantiated.
    {
      const DemoEnterprise& e = Subject(5);
      const size_t d = AddDecision(
          e, "BUILDING_WITHOUT_EIA_APPROVAL", 220, {"FINE", "ORDER_TO_CORRECT"},
          30 * kFenPerWan, "新建生产线环评文件未经批准擅自开工");
      const DemoDecision& revoked = ds_.decisions[d];
      ds_.revocation = DemoRevocation{
          revoked.credit_code,     revoked.authority,
          revoked.decision_number, FormatDay(DaysAgo(145)),
          "ADMINISTRATIVE_REVIEW", "行政复议决定撤销：认定事实不清"};
      AddDecision(e, "OPERATING_BEFORE_ACCEPTANCE", 60,
                  {"WARNING", "ORDER_TO_CORRECT"}, 0,
                  "配套环保设施未经验收即投入试生产，情节轻微");
      AddComplaint(e, 100, "ONLINE", false,
                   "网络反映厂区噪声扰民（经核查不属实）", {});
    }
    // 6: a good record: a public credit commitment kept, a responsibility
    // letter still pending, a general incident and one total-load decision.
    {
      const DemoEnterprise& e = Subject(6);
      AddCommitment(
          e, "CREDIT_COMMITMENT", 700, true,
          {{"按排污许可证要求开展自行监测并公开", 180, "KEPT",
            "材料审核符合要求"},
           {"完成突发环境事件应急预案修订和备案", 90, "KEPT", "已备案"}});
      AddCommitment(e, "RESPONSIBILITY_LETTER", 40, false,
                    {{"承诺期内不发生超标排放", 365, "", ""}});
      AddIncident(e, 180, "GENERAL",
                  "储罐阀门渗漏，现场及时处置，未造成外环境影响");
      AddDecision(e, "TOTAL_LOAD_QUOTA_EXCEEDED", 330,
                  {"FINE", "PRODUCTION_LIMIT"}, 15 * kFenPerWan,
                  "二氧化硫排放超过总量控制指标");
    }
    // 7: a letter that led to two decisions; an old warning.
    {
      const DemoEnterprise& e = Subject(7);
      AddDecision(e, "VIOLATION_TYPE_OTHER", 700, {"WARNING"}, 0,
                  "未按规定公开环境信息");
      const size_t a =
          AddDecision(e, "ABNORMAL_OPERATION_OF_FACILITIES", 480,
                      {"FINE", "ORDER_TO_CORRECT"}, 10 * kFenPerWan,
                      "活性炭吸附装置未按规定更换");
      const size_t b = AddDecision(
          e, "DISCHARGE_WITHOUT_PERMIT", 45, {"FINE", "ORDER_TO_CORRECT"},
          20 * kFenPerWan, "排污许可证过期后继续排放污染物");
      AddComplaint(e, 490, "LETTER", true, "来信反映废气处理设施长期停运",
                   {a, b});
    }
  }

  const DecisionTemplate& PickTemplate() {
    int total = 0;
    for (const DecisionTemplate& t : DecisionTemplates()) total += t.weight;
    int roll = static_cast<int>(rng_.Below(total));
    for (const DecisionTemplate& t : DecisionTemplates()) {
      if (roll < t.weight) return t;
      roll -= t.weight;
    }
    return DecisionTemplates().front();
  }

  std::string PickChannel() {
    const uint64_t roll = rng_.Below(100);
    if (roll < 40) return "HOTLINE_12369";
    if (roll < 65) return "ONLINE";
    if (roll < 80) return "LETTER";
    if (roll < 90) return "VISIT";
    return "INSPECTION_TEAM";
  }

  void Random(const DemoEnterprise& e) {
    // Draws happen in a fixed order, so the records of a seed are stable.
    const bool has_decisions = rng_.Percent(25);
    const bool has_commitment = rng_.Percent(15);
    const bool has_complaint = rng_.Percent(6);
    const bool has_incident = rng_.Percent(3);
    if (has_decisions) {
      const int n = static_cast<int>(rng_.Between(1, 2));
      size_t first = 0;
      for (int k = 0; k < n; ++k) {
        const DecisionTemplate& t = PickTemplate();
        int64_t fine = 0;
        if (t.fine_hi_wan > 0) {
          fine = rng_.Between(t.fine_lo_wan, t.fine_hi_wan) * kFenPerWan +
                 rng_.Between(0, 9) * 1000 * 100;
        }
        const size_t index = AddDecision(e, t.violation, rng_.Between(30, 1000),
                                         t.measures, fine, t.note);
        if (k == 0) first = index;
      }
      if (rng_.Percent(30)) {
        const DemoDecision& d = ds_.decisions[first];
        const int64_t days_ago =
            (today_ - ParseDay(d.decision_date)) + rng_.Between(3, 30);
        AddComplaint(e, days_ago, PickChannel(), true,
                     rng_.Pick(ComplaintSummaries()), {first});
      }
    }
    if (has_commitment) {
      const uint64_t roll = rng_.Below(100);
      const std::string kind = roll < 60   ? "CREDIT_COMMITMENT"
                               : roll < 85 ? "RESPONSIBILITY_LETTER"
                                           : "RECTIFICATION_COMMITMENT";
      const bool is_public = kind == "CREDIT_COMMITMENT" && rng_.Percent(80);
      std::vector<ItemSpec> items;
      const int n = static_cast<int>(rng_.Between(1, 3));
      std::set<std::string> used;
      for (int k = 0; k < n; ++k) {
        const std::string& text = rng_.Pick(CommitmentItemTexts());
        const int64_t due = rng_.Between(60, 365);
        const bool kept = rng_.Percent(80);
        if (!used.insert(text).second) continue;
        items.push_back({text, due, kept ? "KEPT" : "BROKEN",
                         kept ? "现场核查已落实" : "逾期未完成"});
      }
      AddCommitment(e, kind, rng_.Between(20, 900), is_public, items);
    }
    if (has_complaint) {
      AddComplaint(e, rng_.Between(10, 900), PickChannel(), rng_.Percent(50),
                   rng_.Pick(ComplaintSummaries()), {});
    }
    if (has_incident) {
      const bool larger = rng_.Percent(10);
      AddIncident(e, rng_.Between(10, 1000),
                  larger ? "LARGER_OR_ABOVE" : "GENERAL",
                  larger ? "危险化学品泄漏进入河道，较大突发环境事件"
                         : "废气处理设施故障导致短时超标排放，已及时处置");
    }
  }

  static absl::CivilDay ParseDay(const std::string& text) {
    absl::CivilDay day;
    absl::ParseCivilTime(text, &day);
    return day;
  }

  DemoRandom& rng_;
  const absl::CivilDay today_;
  DemoDataset& ds_;
  std::map<std::string, int> decision_numbers_;
  std::map<std::string, int> case_numbers_;
  int commitment_count_ = 0;
};

}  // namespace

std::string FormatDay(absl::CivilDay day) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d",
                static_cast<int>(day.year()), day.month(), day.day());
  return text;
}

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
  RecordGenerator(rng, options.today, dataset).Generate();
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

namespace {
constexpr char kBom[] = "\xEF\xBB\xBF";
}  // namespace

void WriteDecisionsCsv(const std::vector<DemoDecision>& decisions,
                       std::ostream& out) {
  out << kBom
      << "credit_code,authority,decision_number,violation_type,decision_date,"
         "measures,fine_yuan,tampering,recurrence_of,enterprise_name,note\r\n";
  for (const DemoDecision& d : decisions) {
    out << CsvField(d.credit_code) << ',' << CsvField(d.authority) << ','
        << CsvField(d.decision_number) << ',' << CsvField(d.violation_type)
        << ',' << CsvField(d.decision_date) << ','
        << CsvField(absl::StrJoin(d.measures, ";")) << ','
        << CsvField(Yuan(d.fine_fen)) << ',' << YesNo(d.tampering) << ','
        << CsvField(d.recurrence_of) << ',' << CsvField(d.enterprise_name)
        << ',' << CsvField(d.note) << "\r\n";
  }
}

void WriteCommitmentsCsv(const std::vector<DemoCommitment>& commitments,
                         std::ostream& out) {
  out << kBom
      << "credit_code,commitment_ref,kind,signer,signing_date,public,"
         "item_description,item_due_date,item_state,item_check_date,"
         "item_check_note,enterprise_name\r\n";
  for (const DemoCommitment& c : commitments) {
    const std::string head =
        absl::StrCat(CsvField(c.credit_code), ",", CsvField(c.commitment_ref),
                     ",", CsvField(c.kind), ",", CsvField(c.signer), ",",
                     CsvField(c.signing_date), ",", YesNo(c.is_public), ",");
    if (c.items.empty()) {
      out << head << ",,,,," << CsvField(c.enterprise_name) << "\r\n";
    }
    for (const DemoCommitmentItem& item : c.items) {
      out << head << CsvField(item.description) << ','
          << CsvField(item.due_date) << ',' << CsvField(item.state) << ','
          << CsvField(item.check_date) << ',' << CsvField(item.check_note)
          << ',' << CsvField(c.enterprise_name) << "\r\n";
    }
  }
}

void WriteComplaintsCsv(const std::vector<DemoComplaint>& complaints,
                        std::ostream& out) {
  out << kBom
      << "credit_code,case_number,received_date,channel,substantiated,summary,"
         "decision_authority,decision_numbers,enterprise_name\r\n";
  for (const DemoComplaint& c : complaints) {
    out << CsvField(c.credit_code) << ',' << CsvField(c.case_number) << ','
        << CsvField(c.received_date) << ',' << CsvField(c.channel) << ','
        << YesNo(c.substantiated) << ',' << CsvField(c.summary) << ','
        << CsvField(c.decision_authority) << ','
        << CsvField(absl::StrJoin(c.decision_numbers, ";")) << ','
        << CsvField(c.enterprise_name) << "\r\n";
  }
}

void WriteIncidentsCsv(const std::vector<DemoIncident>& incidents,
                       std::ostream& out) {
  out << kBom << "credit_code,date,grade,description,enterprise_name\r\n";
  for (const DemoIncident& i : incidents) {
    out << CsvField(i.credit_code) << ',' << CsvField(i.date) << ','
        << CsvField(i.grade) << ',' << CsvField(i.description) << ','
        << CsvField(i.enterprise_name) << "\r\n";
  }
}

void WriteRevocation(const DemoRevocation& r, std::ostream& out) {
  out << "# The demo decision to revoke (envcredit-demo-data)\n"
      << "REVOKE_CREDIT_CODE=" << ShellQuote(r.credit_code) << "\n"
      << "REVOKE_AUTHORITY=" << ShellQuote(r.authority) << "\n"
      << "REVOKE_NUMBER=" << ShellQuote(r.decision_number) << "\n"
      << "REVOKE_DATE=" << ShellQuote(r.date) << "\n"
      << "REVOKE_REASON=" << ShellQuote(r.reason) << "\n"
      << "REVOKE_NOTE=" << ShellQuote(r.note) << "\n";
}

}  // namespace envcredit::demo
