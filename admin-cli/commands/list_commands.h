// The `lists` command group (ListService, proto/envcredit/v1/lists.proto;
// doc/admin-cli.md "Lists") and the `keys` group:
//   lists propose     a DRAFT of a list as of a date, with its difference
//   lists show        a publication: state, dates, counts, entries
//   lists diff        only its difference to the previous publication
//   lists notice      start the public notice; --export DIR writes the
//                     printable notices (告知书) of the black-list candidates
//   lists objection   file an objection (`lists objection file NAME ...`)
//   lists objections  the objections to a publication
//   lists decide      decide an objection (upheld or rejected)
//   lists publish     publish; every blocker listed when it cannot be yet
//   lists export      write the signed publication folder(s)
//                     (publication/publication_folder.h,
//                     doc/publication-folder.md)
//   lists verify      check a folder, or a chain of folders, offline
//   lists entries     the entries as last published
//   lists entry       one enterprise's entry on the list, as last published
//   lists repair      credit repair of a black-list entry
//   keys generate     an Ed25519 key pair for signing publication folders
// Lists are named `honor` and `black` on the command line. A publication is
// given as its resource name (lists/black/publications/ID), as LIST (the
// newest publication of the list; for `export`, the newest PUBLISHED one) or
// as LIST NUMBER (the published publication with that number).
//
// Each command turns its flags into requests, calls the server through a
// ListClient, prints the result on `out` in the --output format and
// failures on `err` as the other groups do, and returns the exit code
// (exit_codes.h). `verify` and `keys` never call the server.
#ifndef ENVCREDIT_ADMIN_CLI_COMMANDS_LIST_COMMANDS_H_
#define ENVCREDIT_ADMIN_CLI_COMMANDS_LIST_COMMANDS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "admin-cli/args.h"
#include "admin-cli/clients/list_client.h"
#include "admin-cli/commands/flags.h"
#include "envcredit/v1/lists.pb.h"

namespace envcredit::admin {

// The specs of both groups (`lists` and `keys`), for the parser and help.
std::vector<CommandSpec> ListCommandSpecs();

// Gives the ListClient the first time a command needs one (`verify` never
// does), and the same one after that.
using ListClientSource = std::function<ListClient&()>;

// Runs `command` (one of ListCommandSpecs() in the `lists` group).
int RunListCommand(const ParsedCommand& command, const ListClientSource& client,
                   CommandIo io);

// Runs `command` (one of ListCommandSpecs() in the `keys` group); no server.
int RunKeyCommand(const ParsedCommand& command, CommandIo io);

// `honor` (also `honour`, `红榜`, `HONOR_LIST`) or `black` (`黑榜`,
// `BLACK_LIST`), in any letter case. INVALID_ARGUMENT naming the allowed
// names otherwise.
absl::StatusOr<envcredit::v1::ListKind> ParseListKind(absl::string_view text);

// A publication as given on the command line.
struct PublicationRef {
  std::string name;  // the resource name, when one was given
  envcredit::v1::ListKind list = envcredit::v1::LIST_KIND_UNSPECIFIED;
  int64_t number = 0;  // > 0: the published publication with that number
};

// Reads NAME, LIST or LIST NUMBER. A NAME must be
// lists/{honor|black}/publications/{id}; its list is filled in too.
// INVALID_ARGUMENT saying what is wrong otherwise.
absl::StatusOr<PublicationRef> ParsePublicationRef(
    const std::vector<std::string>& args);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_COMMANDS_LIST_COMMANDS_H_
