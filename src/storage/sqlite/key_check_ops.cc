// The secrets key's check value of the SQLite backend (see Store::ClaimSecretsKeyCheck in
// storage/store.h), a column of instance_settings' one row (migration 14). Takes a connection from the
// pool for the call. The read and the write run in one IMMEDIATE transaction, under the database's
// write lock, so two processes claiming at once take turns and the second reads what the first stored.
#include <string>

#include "storage/sqlite/db.h"
#include "storage/sqlite/sqlite_store.h"

namespace taskshare {
namespace {

using sqlite::ConnectionPool;
using sqlite::Statement;
using sqlite::Transaction;
using sqlite::TxMode;

constexpr std::string_view kStoredCheckSql = "SELECT secrets_key_check FROM instance_settings WHERE id = 1";
// A row made here has sharing on, as no row means (migration 11).
constexpr std::string_view kStoreCheckSql =
    "INSERT INTO instance_settings(id, sharing_enabled, secrets_key_check) VALUES (1, 1, ?1) "
    "ON CONFLICT(id) DO UPDATE SET secrets_key_check = excluded.secrets_key_check";

}  // namespace

Result<std::string> SqliteStore::ClaimSecretsKeyCheck(std::string_view check) {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  {
    Result<Statement> stored = conn->Prepare(kStoredCheckSql);
    if (!stored.ok()) return stored.status();
    Result<bool> row = stored->Step();
    if (!row.ok()) return row.status();
    if (*row && !stored->IsNull(0)) return stored->ColumnText(0);
  }
  if (Status s = conn->Run(kStoreCheckSql, check); !s.ok()) return s;
  if (Status s = tx->Commit(); !s.ok()) return s;
  return std::string(check);
}

}  // namespace taskshare
