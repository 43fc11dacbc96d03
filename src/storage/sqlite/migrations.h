// The versioned schema of the SQLite backend.
//
// Migrations are numbered from 1 in the order they are listed in migrations.cc and are never edited
// once released: a schema change is a new migration appended to the list. Applied versions are
// recorded in schema_migrations(version, applied_at).
#pragma once

#include "common/status.h"
#include "storage/sqlite/db.h"

namespace taskshare::sqlite {

// Applies every pending migration, each in its own BEGIN IMMEDIATE transaction together with its
// schema_migrations row, so that several processes opening the same file at once apply each
// migration exactly once (the others wait on the busy timeout, then find it recorded). kInternal if
// a migration fails or the file records a version newer than this binary knows; kUnavailable if the
// database stays locked past the busy timeout. `conn` must not be inside a transaction.
Status ApplyMigrations(Connection& conn);

// The newest schema version this binary knows.
int LatestSchemaVersion();

}  // namespace taskshare::sqlite
