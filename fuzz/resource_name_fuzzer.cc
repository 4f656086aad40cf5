// Fuzzes the resource-name parsers of the gRPC layer (AIP-122 names):
// ParseEnterpriseName, ParseRatingName, ParseRecordName (every collection),
// ParsePublicationName, ParseObjectionName and ParseListEntryName.
//
// Properties, besides "no crash, no sanitizer report":
//  - a refusal is INVALID_ARGUMENT naming the field it was given, with
//    reason INVALID_RESOURCE_NAME (or INVALID_CREDIT_CODE from the USCC
//    check);
//  - names are canonical: a name that parses is exactly the name the server
//    writes for what it parsed to (EnterpriseName, RatingName, RecordName,
//    PublicationName, ListEntryName), so one resource never has two accepted
//    spellings (no "+5", " 5", "05" ids), and the ids are >= 1;
//  - every name the server writes parses back to its parts: names are built
//    from the input (a valid credit code from MakeUscc over input bytes, an
//    id from input bytes) and parsed.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/errors.h"
#include "fuzz/fuzz_check.h"
#include "server/api/enterprise_convert.h"
#include "server/api/list_convert.h"
#include "server/api/rating_convert.h"
#include "server/api/record_convert.h"
#include "server/domain/lists.h"
#include "server/domain/records.h"
#include "server/domain/uscc.h"

namespace {

namespace api = ::envcredit::api;
namespace domain = ::envcredit::domain;
using ::envcredit::fuzz::Quote;

constexpr const char* kCollections[] = {
    domain::kCommitments, domain::kPenaltyDecisions, domain::kComplaints,
    domain::kIncidents};

void CheckRefusal(const absl::Status& status, absl::string_view field,
                  absl::string_view name, bool credit_code_reason) {
  const std::string reason = envcredit::ErrorReason(status);
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument &&
                 envcredit::ErrorField(status) == field &&
                 (reason == "INVALID_RESOURCE_NAME" ||
                  (credit_code_reason && reason == "INVALID_CREDIT_CODE")),
             absl::StrCat(Quote(name), ": ", status.ToString()));
}

// Names that parse are canonical.
void CheckParse(absl::string_view name) {
  if (auto code = api::ParseEnterpriseName(name, "name"); code.ok()) {
    FUZZ_CHECK(domain::ValidateUscc(*code).ok(), Quote(name));
    FUZZ_CHECK(api::EnterpriseName(*code) == name, Quote(name));
  } else {
    CheckRefusal(code.status(), "name", name, true);
  }
  if (auto code = api::ParseRatingName(name, "name"); code.ok()) {
    FUZZ_CHECK(domain::ValidateUscc(*code).ok(), Quote(name));
    FUZZ_CHECK(api::RatingName(*code) == name, Quote(name));
  } else {
    CheckRefusal(code.status(), "name", name, true);
  }
  for (const char* collection : kCollections) {
    if (auto key = api::ParseRecordName(name, collection, "parent"); key.ok()) {
      FUZZ_CHECK(key->id >= 1, Quote(name));
      FUZZ_CHECK(domain::ValidateUscc(key->credit_code).ok(), Quote(name));
      FUZZ_CHECK(
          domain::RecordName(key->credit_code, collection, key->id) == name,
          absl::StrCat(Quote(name), " parsed as ", key->credit_code, " / ",
                       key->id));
      FUZZ_CHECK(domain::IdOfRecordName(name) == key->id, Quote(name));
    } else {
      CheckRefusal(key.status(), "parent", name, true);
    }
  }
  if (auto key = api::ParsePublicationName(name, "name"); key.ok()) {
    FUZZ_CHECK(key->id >= 1, Quote(name));
    FUZZ_CHECK(domain::PublicationName(key->list, key->id) == name,
               absl::StrCat(Quote(name), " parsed as ",
                            domain::ListSlug(key->list), " / ", key->id));
  } else {
    CheckRefusal(key.status(), "name", name, false);
  }
  if (auto key = api::ParseListEntryName(name, "name"); key.ok()) {
    FUZZ_CHECK(domain::ValidateUscc(key->credit_code).ok(), Quote(name));
    FUZZ_CHECK(
        domain::ListEntryName(key->list, key->credit_code) == name,
        absl::StrCat(Quote(name), " parsed as ", domain::ListSlug(key->list),
                     " / ", key->credit_code));
  } else {
    CheckRefusal(key.status(), "name", name, true);
  }
  if (auto key = api::ParseObjectionName(name, "name"); key.ok()) {
    FUZZ_CHECK(key->first.id >= 1 && key->second >= 1, Quote(name));
    FUZZ_CHECK(
        absl::StrCat(domain::PublicationName(key->first.list, key->first.id),
                     "/objections/", key->second) == name,
        absl::StrCat(Quote(name), " parsed as ",
                     domain::ListSlug(key->first.list), " / ", key->first.id,
                     " / ", key->second));
  } else {
    CheckRefusal(key.status(), "name", name, false);
  }
}

// Names the server writes parse back.
void CheckIssued(absl::string_view input) {
  if (input.size() < 24) return;
  constexpr absl::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  std::string parts(16, '0');
  for (size_t i = 0; i < 16; ++i) {
    const auto b = static_cast<unsigned char>(input[i]);
    parts[i] = (i >= 2 && i < 8) ? static_cast<char>('0' + b % 10)
                                 : kAlphabet[b % kAlphabet.size()];
  }
  absl::StatusOr<std::string> code = domain::MakeUscc(
      parts.substr(0, 2), parts.substr(2, 6), parts.substr(8, 8));
  FUZZ_CHECK(code.ok(), parts);
  uint64_t bits = 0;
  std::memcpy(&bits, input.data() + 16, sizeof(bits));
  // 1 .. INT64_MAX.
  const int64_t id = static_cast<int64_t>(bits >> 1) == 0
                         ? 1
                         : static_cast<int64_t>(bits >> 1);

  auto enterprise = api::ParseEnterpriseName(api::EnterpriseName(*code), "n");
  FUZZ_CHECK(enterprise.ok() && *enterprise == *code, *code);
  auto rating = api::ParseRatingName(api::RatingName(*code), "n");
  FUZZ_CHECK(rating.ok() && *rating == *code, *code);
  for (const char* collection : kCollections) {
    const std::string name = domain::RecordName(*code, collection, id);
    auto key = api::ParseRecordName(name, collection, "n");
    FUZZ_CHECK(key.ok() && key->credit_code == *code && key->id == id, name);
  }
  for (domain::ListKind list :
       {domain::ListKind::kHonorList, domain::ListKind::kBlackList}) {
    const std::string name = domain::PublicationName(list, id);
    auto key = api::ParsePublicationName(name, "n");
    FUZZ_CHECK(key.ok() && key->list == list && key->id == id, name);
    const std::string objection = absl::StrCat(name, "/objections/", id);
    auto parsed = api::ParseObjectionName(objection, "n");
    FUZZ_CHECK(parsed.ok() && parsed->first.list == list &&
                   parsed->first.id == id && parsed->second == id,
               objection);
    const std::string entry = domain::ListEntryName(list, *code);
    auto entry_key = api::ParseListEntryName(entry, "n");
    FUZZ_CHECK(entry_key.ok() && entry_key->list == list &&
                   entry_key->credit_code == *code,
               entry);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  CheckParse(input);
  CheckIssued(input);
  return 0;
}
