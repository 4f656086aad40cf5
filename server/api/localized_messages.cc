#include "server/api/localized_messages.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace envcredit::api {
namespace {

using Sentences = absl::flat_hash_map<absl::string_view, absl::string_view>;

// One sentence per reason of doc/api.md "Errors" (tests/docs/check_docs.py
// fails when a reason listed there has none here).
const Sentences& ReasonSentences() {
  static const auto* table = new Sentences{
      // Input.
      {"INVALID_CREDIT_CODE", "统一社会信用代码无效（长度、字符、行政区划码或校验位不符合 GB 32100）"},
      {"INVALID_RESOURCE_NAME", "资源名称格式不正确"},
      {"INVALID_TEXT", "文本无效：不是 UTF-8、含控制字符或双向控制符，或去掉空白后为空"},
      {"SURROUNDING_WHITESPACE", "标识符首尾不能有空白或不可见字符"},
      {"TEXT_LENGTH", "文本为空或超过长度限制（按字符计）"},
      {"INVALID_ENUM", "取值不在允许范围内"},
      {"INVALID_REGION_CODE", "行政区划代码应为 6 位数字"},
      {"INVALID_REGION_PREFIX", "行政区划代码前缀应为 0 至 6 位数字"},
      {"INVALID_PAGE_SIZE", "每页条数无效"},
      {"INVALID_PAGE_TOKEN", "分页令牌无效或不属于本次查询"},
      {"INVALID_REQUEST_ID", "请求编号（request_id）格式无效"},
      {"REQUEST_ID_REUSED", "该请求编号已用于另一个不同的请求"},
      {"INVALID_ETAG", "etag 格式无效"},
      {"UNKNOWN_FIELD", "更新掩码中有未知字段"},
      {"FIELD_IMMUTABLE", "该字段创建后不可修改"},
      {"FIELD_OUTPUT_ONLY", "该字段由服务器生成，不可设置"},
      {"EMPTY_UPDATE", "更新请求未指定任何要修改的字段"},
      {"INVALID_DATE", "日期不是有效的公历日期"},
      {"DATE_OUT_OF_RANGE", "日期超出允许范围"},
      {"INVALID_TIME", "时间无效"},
      {"MEASURES_EMPTY", "处罚决定至少须有一项处罚措施"},
      {"DUPLICATE_MEASURE", "处罚措施重复"},
      {"FINE_AMOUNT_REQUIRED", "含罚款的处罚决定须填写罚款金额"},
      {"FINE_AMOUNT_NOT_ALLOWED", "不含罚款的处罚决定不能填写罚款金额"},
      {"FINE_AMOUNT_OUT_OF_RANGE", "罚款金额超出允许范围"},
      {"RECURRENCE_NOT_SET", "按日连续处罚须关联原处罚决定"},
      {"RECTIFIED_BEFORE_DECISION", "整改完成日期不能早于处罚决定日期"},
      {"REVOKED_BEFORE_DECISION", "撤销日期不能早于处罚决定日期"},
      {"TOO_MANY_ITEMS", "条目过多"},
      {"TOO_MANY_DECISIONS", "关联的处罚决定过多"},
      {"DUPLICATE_DECISION_LINK", "关联的处罚决定重复"},
      {"INVALID_DECISION_REFERENCE", "关联的处罚决定无效"},
      {"INVALID_ITEM_NUMBER", "承诺事项编号无效"},
      {"INVALID_BATCH_SIZE", "批量请求的条数须为 1 至 1000"},
      {"MALFORMED_REQUEST", "请求数据无法解析"},
      {"INVALID_POLICY_ID", "评价办法编号无效"},
      {"CURSOR_AHEAD", "游标超前：变更流从未发出该游标"},
      {"INVALID_CURSOR", "游标无效"},
      {"CONFLICTING_START", "起始位置参数互相冲突，只能指定一个"},
      {"CONFLICTING_PARENT", "parent 与 list 指定的名单不一致"},
      {"RESCORE_SCOPE_REQUIRED", "重新评价须明确范围（all）"},
      {"INVALID_TOKEN_LABEL", "令牌标签须为标识符"},
      {"RESERVED_TOKEN_LABEL", "该令牌标签由服务器保留"},
      // Not found.
      {"ENTERPRISE_NOT_FOUND", "企业不存在"},
      {"COMMITMENT_NOT_FOUND", "信用承诺不存在"},
      {"COMMITMENT_ITEM_NOT_FOUND", "承诺事项不存在"},
      {"PENALTY_DECISION_NOT_FOUND", "行政处罚决定不存在"},
      {"COMPLAINT_NOT_FOUND", "信访投诉记录不存在"},
      {"INCIDENT_NOT_FOUND", "突发环境事件记录不存在"},
      {"TOKEN_NOT_FOUND", "令牌不存在"},
      {"PUBLICATION_NOT_FOUND", "名单发布不存在"},
      {"OBJECTION_NOT_FOUND", "异议不存在"},
      {"ENTRY_NOT_FOUND", "该企业不在名单上"},
      // Already exists.
      {"ENTERPRISE_ALREADY_EXISTS", "该统一社会信用代码已登记"},
      {"PENALTY_DECISION_ALREADY_EXISTS", "该机关的处罚决定书文号已被另一份内容不同的决定使用"},
      {"COMPLAINT_ALREADY_EXISTS", "该企业已有此案件编号的信访投诉"},
      {"TOKEN_LABEL_EXISTS", "已有使用该标签的有效令牌"},
      {"DB_DUPLICATE_KEY", "数据重复（服务器缺陷，请报告）"},
      // State.
      {"COMMITMENT_ITEM_NOT_DUE", "承诺事项尚未到期，不能核查"},
      {"COMMITMENT_ITEM_ALREADY_CHECKED", "承诺事项已核查过"},
      {"PENALTY_DECISION_ALREADY_REVOKED", "处罚决定已撤销"},
      {"PENALTY_DECISION_REVOKED", "处罚决定已撤销，不能再登记整改"},
      {"TOKEN_ALREADY_REVOKED", "令牌已吊销"},
      {"PUBLICATION_IN_PROGRESS", "已有一份名单草案或公示正在进行"},
      {"PUBLICATION_TOO_LARGE", "该期名单条目过多，完整视图无法一次返回：请使用 CONTENT 视图并分页读取条目和移出记录"},
      {"PUBLICATION_NOT_DRAFT", "名单不是草案状态"},
      {"PUBLICATION_NOT_IN_NOTICE", "名单不在公示期"},
      {"NOTICE_PERIOD_OVER", "公示期已结束，不再受理异议"},
      {"OBJECTION_ALREADY_DECIDED", "异议已处理"},
      {"PUBLICATION_BLOCKED", "名单尚不能发布（公示未结束或有未处理的异议）"},
      {"REPAIR_ALREADY_GRANTED", "信用修复已批准过"},
      {"REPAIR_PENDING_EXISTS", "该列入期已有一份信用修复申请在等待审核"},
      {"REPAIR_NOT_PENDING", "该信用修复申请已审核，不能再次审核"},
      {"REPAIR_NOT_FOUND", "信用修复申请不存在"},
      {"PUBLIC_LOOKUP_LIMITED", "来自该地址的查询过于频繁，请稍后再试"},
      {"LOOKUP_KEY_REQUIRED", "请提供统一社会信用代码或登记名称"},
      {"UNEXPECTED_FIELD", "该字段在此情况下不应填写"},
      {"REPAIR_CONDITIONS_UNMET", "不符合信用修复条件"},
      // Concurrency and the database.
      {"ETAG_MISMATCH", "数据已被他人修改，请重新读取后再提交"},
      {"DB_CONFLICT", "数据库并发冲突，请用同一请求编号重试"},
      {"DB_UNAVAILABLE", "数据库暂不可用，请稍后重试"},
      {"DB_POOL_EXHAUSTED", "服务器繁忙，请稍后重试"},
      {"DB_NOT_PRIMARY", "数据库集群节点暂不可用，请稍后重试"},
      {"SERVER_STARTING", "服务器正在启动，请稍后重试"},
      {"SERVER_STOPPING", "服务器正在停止，请从返回的游标处重新订阅"},
      {"INTERNAL", "服务器内部错误，详情见服务器日志"},
      {"DB_ERROR", "服务器内部错误，详情见服务器日志"},
      // Access.
      {"TOKEN_MISSING", "缺少访问令牌"},
      {"TOKEN_DUPLICATED", "请求携带了多个访问令牌"},
      {"TOKEN_MALFORMED", "访问令牌格式无效"},
      {"TOKEN_UNKNOWN", "访问令牌无效"},
      {"TOKEN_REVOKED", "访问令牌已吊销"},
      {"TOKEN_EXPIRED", "访问令牌已过期"},
      {"ROLE_NOT_ALLOWED", "当前角色无权调用该方法"},
      {"NOT_OWN_ENTERPRISE", "企业令牌只能访问本企业的数据"},
      {"TOKEN_ROLE_NOT_ALLOWED", "监管人员只能签发企业令牌"},
      {"METHOD_NOT_ALLOWED", "该方法不对此令牌开放"},
      {"RATE_LIMITED", "请求过于频繁，请按提示的时间后重试"},
      {"TOO_MANY_DENIALS", "来自该地址的被拒请求过多，请稍后重试"},
      // The change feed.
      {"CURSOR_EXPIRED", "游标已过期：其后的变更已被清理，请从最早的游标重新开始"},
      {"WATCHER_TOO_SLOW", "订阅读取过慢，已落后太多，请从返回的游标处重新订阅"},
  };
  return *table;
}

absl::string_view CodeSentence(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument: return "请求参数无效";
    case absl::StatusCode::kNotFound: return "资源不存在";
    case absl::StatusCode::kAlreadyExists: return "资源已存在";
    case absl::StatusCode::kFailedPrecondition: return "当前状态下不能执行该操作";
    case absl::StatusCode::kAborted: return "操作因冲突中止，请重试";
    case absl::StatusCode::kUnavailable: return "服务暂不可用，请稍后重试";
    case absl::StatusCode::kUnauthenticated: return "身份验证失败";
    case absl::StatusCode::kPermissionDenied: return "无权执行该操作";
    case absl::StatusCode::kResourceExhausted: return "资源耗尽或请求过于频繁，请稍后重试";
    case absl::StatusCode::kOutOfRange: return "超出范围";
    case absl::StatusCode::kDeadlineExceeded: return "请求超时";
    case absl::StatusCode::kCancelled: return "请求已取消";
    case absl::StatusCode::kUnimplemented: return "服务器没有该方法";
    default: return "服务器内部错误，详情见服务器日志";
  }
}

}  // namespace

bool HasChineseSentence(absl::string_view reason) {
  return ReasonSentences().contains(reason);
}

std::string ChineseMessage(absl::StatusCode code, absl::string_view reason,
                           absl::string_view field) {
  const auto found = ReasonSentences().find(reason);
  const absl::string_view sentence =
      found != ReasonSentences().end() ? found->second : CodeSentence(code);
  if (field.empty()) return std::string(sentence);
  return absl::StrCat("字段 ", field, "：", sentence);
}

}  // namespace envcredit::api
