// The SQLite backend of Store (see storage/store.h for the contract).
//
// One database file in WAL mode with synchronous=FULL and foreign keys on; a fixed pool of
// connections, each with its own cache of prepared statements; write transactions begin IMMEDIATE so
// that concurrent writers queue on the busy timeout instead of failing on a lock upgrade.
//
// SqliteStore's methods are defined by topic: tasks and the sharing switch in sqlite_store.cc, the
// share settings in share_ops.cc, schedules in schedule_ops.cc, secrets and share views in
// secret_ops.cc, users and keys in user_ops.cc, browser sessions and sign-in attempts in
// session_ops.cc, the secrets key's check value in key_check_ops.cc and the list of tasks in
// task_list.cc. This header does not include the SQLite driver.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "domain/quotas.h"
#include "storage/change_reports.h"
#include "storage/sqlite/group_commit.h"
#include "storage/store.h"

namespace taskshare {

namespace sqlite {
class ConnectionPool;  // storage/sqlite/db.h
struct PendingAppend;  // sqlite_store.cc
}  // namespace sqlite

struct SqliteOptions {
  std::string path = "taskshare.db";  // created if missing
  int connections = 4;                // pool size
  int busy_timeout_ms = 5000;         // how long a call waits for a lock before failing
  Quotas quotas;                      // the limits the store enforces (StoreOptions::quotas)
  // Optional, must outlive the store: told what each write through this store changed, before the write
  // returns (storage/change_reports.h). Null: nobody is told.
  ChangeListener* changes = nullptr;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<sqlite::ConnectionPool> pool, const Quotas& quotas, ChangeListener* changes);
  ~SqliteStore() override;

  TASKSHARE_STORE_OVERRIDES;

  // GetShareSnapshot's read: the task and its message blocks, in one snapshot.
  Result<PackedSnapshot> GetPackedSnapshot(std::string_view id);

 private:
  std::unique_ptr<sqlite::ConnectionPool> pool_;
  const Quotas quotas_;          // task_bytes, tasks_per_user and secret_values_per_user are enforced here
  const ChangeReports changes_;  // told what each write changed, once its transaction has ended
  sqlite::GroupCommit<sqlite::PendingAppend> appends_;
};

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace taskshare
