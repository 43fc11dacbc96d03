// The SQLite backend of Store (see storage/store.h for the contract).
//
// One database file in WAL mode with synchronous=FULL and foreign keys on; a fixed pool of
// connections, each with its own cache of prepared statements; write transactions begin IMMEDIATE so
// that concurrent writers queue on the busy timeout instead of failing on a lock upgrade.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "domain/quotas.h"
#include "storage/store.h"

namespace taskshare {

struct SqliteOptions {
  std::string path = "taskshare.db";  // created if missing
  int connections = 4;                // pool size
  int busy_timeout_ms = 5000;         // how long a call waits for a lock before failing
  Quotas quotas;                      // the limits the store enforces (StoreOptions::quotas)
};

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace taskshare
