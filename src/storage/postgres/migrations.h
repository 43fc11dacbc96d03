// The versioned schema of the PostgreSQL backend.
//
// Migrations are numbered from 1 in the order they are listed in migrations.cc and are never edited
// once released: a schema change is a new migration appended to the list. Applied versions are
// recorded in schema_migrations(version, applied_at).
#pragma once

#include <string_view>

#include "common/status.h"
#include "storage/postgres/connection.h"

namespace taskshare::postgres {

// The NOTIFY channel on which every committed change to a task is announced, with the task's id as
// payload (sent by a trigger that migration 2 creates; see migrations.cc); also "*" for a write to
// secrets and "sharing" for a write to the kill switch (storage/change_feed.h).
inline constexpr std::string_view kTaskChangedChannel = "taskshare_task_changed";

// Applies every pending migration in one transaction that first takes a transaction-level advisory
// lock (pg_advisory_xact_lock) private to taskshare's schema, so that several processes starting at
// once on the same database apply each migration exactly once: the first applies them, the others
// wait for its commit, then find them recorded. kInternal if a migration fails or the database
// records a version newer than this binary knows; kUnavailable if the server cannot be reached or
// the lock is not granted within lock_timeout. `conn` must not be inside a transaction.
Status ApplyMigrations(Connection& conn);

// The newest schema version this binary knows.
int LatestSchemaVersion();

}  // namespace taskshare::postgres
