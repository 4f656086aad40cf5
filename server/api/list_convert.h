// Lists between domain/lists.h and envcredit.v1 messages (lists.proto).
#ifndef ENVCREDIT_SERVER_API_LIST_CONVERT_H_
#define ENVCREDIT_SERVER_API_LIST_CONVERT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "envcredit/v1/lists.pb.h"
#include "server/domain/lists.h"

namespace envcredit::api {

namespace v1 = ::envcredit::v1;

struct PublicationKey {
  domain::ListKind list = domain::ListKind::kUnspecified;
  int64_t id = 0;
};

// "lists/{honor|black}/publications/{id}"; INVALID_ARGUMENT
// (INVALID_RESOURCE_NAME) naming `field` otherwise.
absl::StatusOr<PublicationKey> ParsePublicationName(absl::string_view name,
                                                    absl::string_view field);
// ".../publications/{id}/objections/{objection_id}".
absl::StatusOr<std::pair<PublicationKey, int64_t>> ParseObjectionName(
    absl::string_view name, absl::string_view field);
// HONOR_LIST or BLACK_LIST; INVALID_ARGUMENT (INVALID_ENUM) naming `field`.
absl::StatusOr<domain::ListKind> ListKindFromProto(int value, absl::string_view field);

// The list a List method reads (ListPublications, ListEntries): `parent`
// ("lists/honor" or "lists/black") or, kept for existing clients, `list`
// (the enum; LIST_KIND_UNSPECIFIED = not given). INVALID_ARGUMENT naming
// `parent`: INVALID_RESOURCE_NAME for a malformed parent, CONFLICTING_PARENT
// when `list` names the other list; naming `list` (INVALID_ENUM) when it is
// an unknown value, or when neither is given.
absl::StatusOr<domain::ListKind> ListOfRequest(absl::string_view parent, int list);

struct ListEntryKey {
  domain::ListKind list = domain::ListKind::kUnspecified;
  std::string credit_code;
};

// "lists/{honor|black}/entries/{credit_code}"; INVALID_ARGUMENT naming
// `field`: INVALID_RESOURCE_NAME for another shape, INVALID_CREDIT_CODE
// (domain::ValidateUscc) for a code that fails its check.
absl::StatusOr<ListEntryKey> ParseListEntryName(absl::string_view name,
                                                absl::string_view field);

// "lists/black/entries/{credit_code}" (only black-list entries are
// repaired): the credit code. INVALID_ARGUMENT naming `field` as
// ParseListEntryName, and INVALID_RESOURCE_NAME for an honour-list entry.
absl::StatusOr<std::string> ParseBlackEntryName(absl::string_view name,
                                                absl::string_view field);

// ListRepairs' parent for the applications of every entry.
inline constexpr absl::string_view kEveryBlackEntry = "lists/black/entries/-";

struct RepairKey {
  std::string credit_code;
  int64_t id = 0;
};
// "lists/black/entries/{credit_code}/repairs/{id}"; INVALID_ARGUMENT
// (INVALID_RESOURCE_NAME, INVALID_CREDIT_CODE) naming `field`.
absl::StatusOr<RepairKey> ParseRepairName(absl::string_view name, absl::string_view field);

v1::PublicationEntry ToProto(const domain::ListEntry& entry);
// An entry of the current list (GetListEntry, ListEntries): with its
// `name` and the `publication` (id) it comes from.
v1::PublicationEntry CurrentEntryToProto(const domain::ListEntry& entry,
                                         domain::ListKind list,
                                         int64_t publication_id);
v1::Removal ToProto(const domain::Removal& removal);
// With (when published) the canonical content when `full`, and then the
// entries and removals too unless `with_rows` is false (view CONTENT).
v1::Publication ToProto(const domain::Publication& publication, bool full,
                        bool with_rows = true);
v1::Objection ToProto(const domain::Objection& objection);
v1::Repair ToProto(const domain::Repair& repair);

}  // namespace envcredit::api

#endif  // ENVCREDIT_SERVER_API_LIST_CONVERT_H_
