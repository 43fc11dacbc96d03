// Reading a task's snapshot (its row and every message, in one repeatable-read transaction) together
// with the task row's (seq, version), and checking such a read against the primary: the two halves of
// GetSnapshot through a read replica (storage/postgres/postgres_store.h).
//
// Why (seq, version) identifies what was read: every change to a task or to its messages updates the
// task's row in the same transaction, and the trigger of migration 2 (migrations.cc) bumps version on
// every update; seq comes from an identity sequence and is never reused, so a task deleted and
// imported again under the same id is told apart. Two reads with equal pairs saw the same task.
//
// Thread-safe as ConnectionPool is.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "domain/task.h"
#include "storage/postgres/pool.h"

namespace taskshare::postgres {

struct VersionedSnapshot {
  TaskSnapshot snapshot;
  std::int64_t seq = 0;
  std::int64_t version = 0;
};

// The snapshot of task `id` read from `pool`. kNotFound if there is no such task; kInternal "Failed to
// load snapshot" if a stored row is damaged; kUnavailable if the database cannot be reached.
Result<VersionedSnapshot> ReadSnapshot(ConnectionPool& pool, std::string_view id);

// True if the primary's row of task `id` has the (seq, version) of `read` now, with one lookup of the
// unique index on id; false if it has changed since. kNotFound if the primary has no such task;
// kUnavailable if it cannot be reached.
Result<bool> CurrentOnPrimary(ConnectionPool& primary, std::string_view id, const VersionedSnapshot& read);

}  // namespace taskshare::postgres
