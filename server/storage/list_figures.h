// Counts of the list procedure for the metrics endpoint: publications by
// list and state, and objections still waiting for a decision.
#ifndef ENVCREDIT_SERVER_STORAGE_LIST_FIGURES_H_
#define ENVCREDIT_SERVER_STORAGE_LIST_FIGURES_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "server/domain/lists.h"
#include "server/storage/database.h"

namespace envcredit::storage {

struct ListFigures {
  struct Publications {
    domain::ListKind list;
    domain::PublicationState state;
    int64_t count;
  };
  std::vector<Publications> publications;
  int64_t pending_objections = 0;
};

// Two small prepared reads in autocommit (RunReads).
absl::StatusOr<ListFigures> ReadListFigures(Database& db);

}  // namespace envcredit::storage

#endif  // ENVCREDIT_SERVER_STORAGE_LIST_FIGURES_H_
