#include "server/domain/enterprise.h"

#include "common/errors.h"
#include "gtest/gtest.h"

namespace envcredit::domain {
namespace {

Enterprise Valid() {
  Enterprise e;
  e.credit_code = "91320100MA1N2B3C8C";
  e.display_name = "（虚构）南京示例化工有限公司";
  e.region_code = "320100";
  e.industry = Industry::kChemicals;
  e.status = EnterpriseStatus::kOperating;
  return e;
}

TEST(EnterpriseTest, ValidEnterprisePasses) {
  EXPECT_TRUE(ValidateEnterprise(Valid(), "enterprise").ok());
}

TEST(EnterpriseTest, EachBadFieldIsNamed) {
  struct Case {
    void (*mutate)(Enterprise&);
    const char* field;
  };
  const Case cases[] = {
      {[](Enterprise& e) { e.credit_code = "91320100MA1N2B3C8D"; },
       "enterprise.credit_code"},
      {[](Enterprise& e) { e.display_name = ""; }, "enterprise.display_name"},
      {[](Enterprise& e) { e.region_code = "32010"; }, "enterprise.region_code"},
      {[](Enterprise& e) { e.region_code = "32010a"; },
       "enterprise.region_code"},
      {[](Enterprise& e) { e.industry = Industry::kUnspecified; },
       "enterprise.industry"},
      {[](Enterprise& e) { e.industry = static_cast<Industry>(42); },
       "enterprise.industry"},
      {[](Enterprise& e) { e.status = static_cast<EnterpriseStatus>(9); },
       "enterprise.status"},
      {[](Enterprise& e) { e.legal_representative = std::string(101, 'x'); },
       "enterprise.legal_representative"},
      {[](Enterprise& e) { e.address = "\xff"; }, "enterprise.address"},
  };
  for (const Case& c : cases) {
    Enterprise e = Valid();
    c.mutate(e);
    absl::Status status = ValidateEnterprise(e, "enterprise");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(ErrorField(status), c.field);
  }
}

// Issue 13 finding 8: published names that display as blank or carry a
// bidi override/isolate are INVALID_TEXT naming the field.
TEST(EnterpriseTest, BlankLookingOrBidiNamesAreRefused) {
  for (const char* name : {" ", "\u3000\u3000", "\u200b", "\u00a0", "\ufeff",
                           "\u202e司公限有工化例示京南", "南京\u2066示例\u2069化工"}) {
    Enterprise e = Valid();
    e.display_name = name;
    absl::Status status = ValidateEnterprise(e, "enterprise");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_EQ(ErrorReason(status), "INVALID_TEXT") << name;
    EXPECT_EQ(ErrorField(status), "enterprise.display_name") << name;
    e = Valid();
    e.legal_representative = name;
    status = ValidateEnterprise(e, "enterprise");
    EXPECT_EQ(ErrorReason(status), "INVALID_TEXT") << name;
    EXPECT_EQ(ErrorField(status), "enterprise.legal_representative") << name;
  }
  Enterprise e = Valid();
  e.legal_representative = "";  // optional
  EXPECT_TRUE(ValidateEnterprise(e, "enterprise").ok());
}

TEST(EnterpriseTest, PatchChangesOnlyNamedFields) {
  Enterprise e = Valid();
  EnterprisePatch patch;
  patch.address = "南京市示例路1号";
  ApplyPatch(patch, e);
  EXPECT_EQ(e.address, "南京市示例路1号");
  EXPECT_EQ(e.display_name, Valid().display_name);
  EXPECT_EQ(e.industry, Industry::kChemicals);
}

}  // namespace
}  // namespace envcredit::domain
