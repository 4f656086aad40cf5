// RequestFingerprint: the digest of a request without its request_id. The
// stored request_log rows hold digests made by copying the request, clearing
// request_id and serialising the copy deterministically; the fingerprint must
// keep giving exactly those bytes, or every stored request would stop
// replaying (doc/records.md "Request ids").
#include "server/api/request_digest.h"

#include <memory>
#include <string>

#include "envcredit/v1/enterprise.pb.h"
#include "envcredit/v1/records.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "gtest/gtest.h"

namespace envcredit::api {
namespace {

// The definition the stored fingerprints were made with.
std::string ByClearedCopy(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  if (const auto* field = copy->GetDescriptor()->FindFieldByName("request_id")) {
    copy->GetReflection()->ClearField(copy.get(), field);
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  return Sha256(bytes);
}

v1::CreatePenaltyDecisionRequest Decision() {
  v1::CreatePenaltyDecisionRequest r;
  r.set_parent("enterprises/91320000MA1X0001X5");
  v1::PenaltyDecision* d = r.mutable_penalty_decision();
  d->set_authority("苏州市生态环境局");
  d->set_decision_number("苏环罚〔2025〕17号");
  d->set_violation_type(v1::OPERATING_BEFORE_ACCEPTANCE);
  d->mutable_decision_date()->set_year(2025);
  d->mutable_decision_date()->set_month(3);
  d->mutable_decision_date()->set_day(14);
  d->add_measures(v1::FINE);
  d->add_measures(v1::WARNING);
  d->set_fine_amount_fen(12'000'000);
  d->set_recurrence(true);
  d->set_recurrence_of("enterprises/91320000MA1X0001X5/penaltyDecisions/9");
  return r;
}

TEST(RequestFingerprintTest, IsTheDigestOfTheRequestWithItsIdCleared) {
  v1::CreatePenaltyDecisionRequest r = Decision();
  r.set_request_id("0b7f3c1e-5d2a-4c8e-9f00-1a2b3c4d5e6f");
  EXPECT_EQ(RequestFingerprint(r), ByClearedCopy(r));

  v1::CreateEnterpriseRequest e;
  e.mutable_enterprise()->set_credit_code("91320000MA1X0001X5");
  e.mutable_enterprise()->set_display_name("苏州某化工有限公司");
  e.set_request_id("import-line-7");
  EXPECT_EQ(RequestFingerprint(e), ByClearedCopy(e));
}

TEST(RequestFingerprintTest, IgnoresOnlyTheRequestId) {
  v1::CreatePenaltyDecisionRequest a = Decision();
  v1::CreatePenaltyDecisionRequest b = Decision();
  a.set_request_id("first");
  b.set_request_id("a retry under another id");
  EXPECT_EQ(RequestFingerprint(a), RequestFingerprint(b));
  v1::CreatePenaltyDecisionRequest without_id = Decision();
  EXPECT_EQ(RequestFingerprint(a), RequestFingerprint(without_id));
  EXPECT_EQ(RequestFingerprint(without_id), ByClearedCopy(without_id));

  b.mutable_penalty_decision()->set_fine_amount_fen(12'000'001);
  EXPECT_NE(RequestFingerprint(a), RequestFingerprint(b));
  b = Decision();
  b.set_parent("enterprises/91320000MA1X0002X3");
  EXPECT_NE(RequestFingerprint(a), RequestFingerprint(b));
}

TEST(RequestFingerprintTest, KeepsUnknownFieldsLikeTheCopyDid) {
  // A newer client's field this server does not know is part of the request.
  v1::CreatePenaltyDecisionRequest r = Decision();
  r.set_request_id("with-an-unknown-field");
  r.GetReflection()->MutableUnknownFields(&r)->AddVarint(99, 7);
  EXPECT_EQ(RequestFingerprint(r), ByClearedCopy(r));
  v1::CreatePenaltyDecisionRequest plain = Decision();
  EXPECT_NE(RequestFingerprint(r), RequestFingerprint(plain));
}

TEST(RequestFingerprintTest, AMessageWithoutARequestIdIsDigestedWhole) {
  v1::PenaltyDecision d = Decision().penalty_decision();
  EXPECT_EQ(RequestFingerprint(d), ByClearedCopy(d));
}

}  // namespace
}  // namespace envcredit::api
