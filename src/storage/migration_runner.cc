#include "storage/migration_runner.h"

#include <string>

namespace taskshare {

Status ApplyPendingMigrations(int newest, int latest, const std::function<Status(int version)>& apply) {
  if (newest > latest) {
    return Status::Internal("storage error", "the database has schema version " + std::to_string(newest) +
                                                 " but this binary only knows up to " +
                                                 std::to_string(latest));
  }
  for (int version = newest + 1; version <= latest; ++version) {
    if (Status s = apply(version); !s.ok()) return MigrationFailed(version, s);
  }
  return Status::Ok();
}

Status MigrationFailed(int version, const Status& cause) {
  if (cause.code() == Code::kUnavailable) return cause;
  return Status::Internal("storage error", "schema migration " + std::to_string(version) + " failed: " +
                                               (cause.detail().empty() ? cause.message() : cause.detail()));
}

}  // namespace taskshare
