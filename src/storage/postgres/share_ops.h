// The share-settings operations of the PostgreSQL backend (see storage/store.h for their contract), as
// functions over its connection pool (the primary), so that PostgresStore only forwards to them. Each
// is one transaction: the UPDATE locks the task rows it changes, so a pin reads the message count of
// every append committed before it (appends lock the same row first), and the trigger of migration 2
// announces each changed task to the other nodes when it commits. UnshareAll updates the owner's
// schedules before their tasks (see share_ops.cc for why). Thread-safe as the pool is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/postgres/pool.h"
#include "storage/store.h"

namespace taskshare::postgres {

Result<Task> ShareTask(ConnectionPool& pool, std::string_view id, const ShareRequest& request,
                       UnixMicros now);
Result<Task> UnshareTask(ConnectionPool& pool, std::string_view id, UnixMicros now);
Result<RevokedSharing> UnshareAll(ConnectionPool& pool, std::string_view owner_id, UnixMicros now);

}  // namespace taskshare::postgres
