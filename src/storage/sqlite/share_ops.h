// The share-settings operations of the SQLite backend (see storage/store.h for their contract), as
// functions over its connection pool, so that SqliteStore only forwards to them. Each takes a
// connection from `pool` for the length of the call and runs in one IMMEDIATE write transaction, so
// the message count a pin reads is the one appends have committed, and none can slip in between; and
// no schedule's run can slip between UnshareAll's change of the schedules and that of the tasks.
// Thread-safe as the pool is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/sqlite/db.h"
#include "storage/store.h"

namespace taskshare::sqlite {

Result<Task> ShareTask(ConnectionPool& pool, std::string_view id, const ShareRequest& request,
                       UnixMicros now);
Result<Task> UnshareTask(ConnectionPool& pool, std::string_view id, UnixMicros now);
Result<RevokedSharing> UnshareAll(ConnectionPool& pool, std::string_view owner_id, UnixMicros now);

}  // namespace taskshare::sqlite
