// The shape every backend's migration runner shares: versions 1..latest, applied in order, each once,
// from the newest the database records; a database newer than the binary is refused rather than used;
// a migration that fails stops the start with its version named. How a version is applied (its
// transaction, its lock, where it is recorded) is the backend's (storage/sqlite/migrations.h,
// storage/postgres/migrations.h).
#pragma once

#include <functional>

#include "common/status.h"

namespace taskshare {

// Applies each version from newest + 1 to latest with apply(version), in order, stopping at the first
// that fails and returning MigrationFailed(version, its status). kInternal naming both versions, with
// nothing applied, if newest > latest (a database migrated by a newer binary).
Status ApplyPendingMigrations(int newest, int latest, const std::function<Status(int version)>& apply);

// What a failure of migration `version` is reported as: kUnavailable as it is (the database went away;
// retrying may work), anything else kInternal "storage error" with the version and the cause's detail.
Status MigrationFailed(int version, const Status& cause);

}  // namespace taskshare
