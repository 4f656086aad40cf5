#include "server/storage/list_figures.h"

#include <optional>

#include "common/status_macros.h"

namespace envcredit::storage {

absl::StatusOr<ListFigures> ReadListFigures(Database& db) {
  ListFigures figures;
  RETURN_IF_ERROR(db.RunReads([&](Session& session) -> absl::Status {
    figures = ListFigures{};
    ASSIGN_OR_RETURN(std::vector<Row> rows,
                     session.Query("SELECT list_kind, state, COUNT(*) FROM publications "
                                   "GROUP BY list_kind, state"));
    for (const Row& row : rows) {
      figures.publications.push_back(
          {static_cast<domain::ListKind>(row.GetInt64(0)),
           static_cast<domain::PublicationState>(row.GetInt64(1)), row.GetInt64(2)});
    }
    ASSIGN_OR_RETURN(std::optional<Row> pending,
                     session.QueryRow("SELECT COUNT(*) FROM objections WHERE state = ?",
                                      {static_cast<int64_t>(domain::ObjectionState::kPending)}));
    if (pending) figures.pending_objections = pending->GetInt64(0);
    return absl::OkStatus();
  }));
  return figures;
}

}  // namespace envcredit::storage
