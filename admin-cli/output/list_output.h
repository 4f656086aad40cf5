// How the `lists` commands print publications, their differences,
// objections and the published entries (commands/list_commands.h): table
// (FIELD/VALUE summaries, then rows), csv (every field) or json (the proto3
// JSON; the diff as {name, previousPublication, added, removed}).
#ifndef ENVCREDIT_ADMIN_CLI_OUTPUT_LIST_OUTPUT_H_
#define ENVCREDIT_ADMIN_CLI_OUTPUT_LIST_OUTPUT_H_

#include <string>
#include <vector>

#include "admin-cli/args.h"
#include "envcredit/v1/lists.pb.h"

namespace envcredit::admin {

// "DRAFT", "NOTICE", "PUBLISHED" (without PUBLICATION_); "" for 0.
std::string PublicationStateName(int state);

// A publication with its difference (`diff`, for propose; the unchanged
// entries too with `all`) or its entries and removals (show).
std::string RenderPublication(const envcredit::v1::Publication& p,
                              OutputFormat format, bool diff, bool all);

// The fields of a publication without its rows (notice, publish).
std::string RenderPublicationSummary(const envcredit::v1::Publication& p,
                                     OutputFormat format);

// Only the difference to the previous publication (`lists diff`).
std::string RenderDiff(const envcredit::v1::Publication& p,
                       OutputFormat format);

// Applications for credit repair (`lists repairs`, `lists repair`, `lists
// decide-repair`): one record when `single`, else a table.
std::string RenderRepairs(const std::vector<envcredit::v1::Repair>& repairs,
                          OutputFormat format, bool single);

std::string RenderObjection(const envcredit::v1::Objection& o,
                            OutputFormat format);
// The objections to `publication` (named in the table form when there are
// none).
std::string RenderObjections(const std::vector<envcredit::v1::Objection>& list,
                             const std::string& publication,
                             OutputFormat format);

// The entries of a list as last published (`lists entries`).
std::string RenderEntries(const envcredit::v1::ListEntriesResponse& entries,
                          OutputFormat format);

// One entry of the current list (`lists entry`): the row `lists entries`
// prints for it (table, csv), or the entry's proto3 JSON with its name and
// publication.
std::string RenderEntry(const envcredit::v1::PublicationEntry& entry,
                        OutputFormat format);

}  // namespace envcredit::admin

#endif  // ENVCREDIT_ADMIN_CLI_OUTPUT_LIST_OUTPUT_H_
