// The issuing authority (发布机关) of the published lists, from the
// operator's configuration file (`lists export --issuer FILE`,
// $ENVCREDIT_ISSUER_FILE; doc/publication-folder.md "The issuer file").
// The pages name it as the publisher, give its address and contact, and say
// where objections and repair applications go.
//
// The file: UTF-8 text, one `key = value` per line; blank lines and lines
// starting with '#' are ignored; keys:
//   name               required  发布机关, e.g. 江苏省生态环境厅
//   name_en            optional  its English name
//   address            required  postal address
//   phone              required  a telephone number people can call
//   email              optional
//   website            optional  an https:// address
//   objection_channel  optional  how to file an objection or a repair
//                                application (where, in what form); a
//                                sentence built from address and phone
//                                when absent
//   legal_basis        optional  the rules the ratings and lists follow, in
//                                words (《…办法》); the national 2013 办法
//                                and 国办发〔2020〕49号 when absent
#ifndef ENVCREDIT_ADMIN_CLI_PUBLICATION_ISSUER_H_
#define ENVCREDIT_ADMIN_CLI_PUBLICATION_ISSUER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace envcredit::admin {

struct Issuer {
  std::string name;
  std::string name_en;
  std::string address;
  std::string phone;
  std::string email;
  std::string website;
  std::string objection_channel;
  std::string legal_basis;

  // Whether a file was given: pages without one say no authority is
  // configured instead of naming one.
  bool configured() const { return !name.empty(); }
};

// The default legal basis in words (when the file has none).
inline constexpr absl::string_view kDefaultLegalBasis =
    "《企业环境信用评价办法（试行）》（环发〔2013〕150号）及《国务院办公厅关于进一步完善"
    "失信约束制度构建诚信建设长效机制的指导意见》（国办发〔2020〕49号）";

// Parses the file's text. INVALID_ARGUMENT naming the line and key for an
// unknown or repeated key, a line without '=', a required key missing or
// empty, a value with a control character, or a website that is not
// https://.
absl::StatusOr<Issuer> ParseIssuer(absl::string_view text);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_PUBLICATION_ISSUER_H_
