// The secret and share-view methods of SqliteStore (see storage/store.h for their contract). Each takes
// a connection from the pool for the length of the call.
#include <string>
#include <vector>

#include "common/time.h"
#include "domain/quotas.h"
#include "storage/sqlite/db.h"
#include "storage/sqlite/sqlite_store.h"

namespace taskshare {
namespace {

using sqlite::ConnectionPool;
using sqlite::Statement;
using sqlite::Transaction;
using sqlite::TxMode;

// The upsert keeps created_at and returns the row as it now stands, in one statement.
constexpr std::string_view kPutSecretSql =
    "INSERT INTO secrets(owner_id, name, sealed, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4) "
    "ON CONFLICT(owner_id, name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at "
    "RETURNING created_at, updated_at";
constexpr std::string_view kListSecretsSql =
    "SELECT name, created_at, updated_at FROM secrets WHERE owner_id = ?1 ORDER BY name";
// The current value and the retired ones, each name's current one first, then its retired ones oldest
// first.
constexpr std::string_view kListSealedSecretsSql =
    "SELECT name, sealed, 0 AS retired, 0 AS seq FROM secrets WHERE owner_id = ?1 "
    "UNION ALL SELECT name, sealed, 1, rowid FROM retired_secrets WHERE owner_id = ?1 "
    "ORDER BY name, retired, seq";
constexpr std::string_view kDeleteSecretSql = "DELETE FROM secrets WHERE owner_id = ?1 AND name = ?2";

// The values a user's secrets hold and have held (domain/quotas.h, secret_values_per_user).
constexpr std::string_view kSecretValuesHeldSql =
    "SELECT (SELECT count(*) FROM secrets WHERE owner_id = ?1) + "
    "(SELECT count(*) FROM retired_secrets WHERE owner_id = ?1)";

// The value a put replaces is retired unless it is the very same sealed bytes. A new seal of the same
// value differs (a fresh nonce), and the store cannot tell it apart: it is retired too, harmlessly.
constexpr std::string_view kRetireReplacedSql =
    "INSERT INTO retired_secrets(owner_id, name, sealed, retired_at) "
    "SELECT owner_id, name, sealed, ?4 FROM secrets WHERE owner_id = ?1 AND name = ?2 AND sealed <> ?3";
constexpr std::string_view kRetireDeletedSql =
    "INSERT INTO retired_secrets(owner_id, name, sealed, retired_at) "
    "SELECT owner_id, name, sealed, ?3 FROM secrets WHERE owner_id = ?1 AND name = ?2";

// Adds to the task's count only while the task exists; the SELECT's WHERE also settles SQLite's
// parsing of ON CONFLICT after INSERT ... SELECT.
constexpr std::string_view kAddShareViewsSql =
    "INSERT INTO share_views(task_id, views, last_viewed_at) "
    "SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM tasks WHERE id = ?1) "
    "ON CONFLICT(task_id) DO UPDATE SET views = views + excluded.views, "
    "last_viewed_at = MAX(last_viewed_at, excluded.last_viewed_at)";
constexpr std::string_view kShareViewsSql =
    "SELECT views, last_viewed_at FROM share_views WHERE task_id = ?1";

// PutSecret's transaction.
Result<SecretInfo> UpsertSecret(ConnectionPool& pool, std::string_view owner_id, std::string_view name,
                                std::string_view sealed, UnixMicros now, const Quotas& quotas) {
  ConnectionPool::Lease conn = pool.Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  {
    Result<Statement> held = conn->Query(kSecretValuesHeldSql, owner_id);
    if (!held.ok()) return held.status();
    if (Result<bool> row = held->Step(); !row.ok()) return row.status();
    if (Status s = CheckNewSecretValue(quotas, held->ColumnInt64(0)); !s.ok()) return s;
  }
  if (Status s = conn->Run(kRetireReplacedSql, owner_id, name, sealed, now); !s.ok()) return s;
  SecretInfo info{std::string(name), 0, 0};
  {
    Result<Statement> stmt = conn->Query(kPutSecretSql, owner_id, name, sealed, now);
    if (!stmt.ok()) return stmt.status();
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Internal("storage error", "the secret upsert returned no row");
    info.created_at = stmt->ColumnInt64(0);
    info.updated_at = stmt->ColumnInt64(1);
    // RETURNING yields the row before the statement has finished; stepping to the end completes it.
    if (Result<bool> done = stmt->Step(); !done.ok()) return done.status();
  }
  if (Status s = tx->Commit(); !s.ok()) return s;
  return info;
}

}  // namespace

Result<SecretInfo> SqliteStore::PutSecret(std::string_view owner_id, std::string_view name,
                                          std::string_view sealed, UnixMicros now) {
  Result<SecretInfo> put = UpsertSecret(*pool_, owner_id, name, sealed, now, quotas_);
  changes_.Secret(owner_id, name, put.outcome());
  return put;
}

Result<std::vector<SecretInfo>> SqliteStore::ListSecrets(std::string_view owner_id) {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Statement> stmt = conn->Query(kListSecretsSql, owner_id);
  if (!stmt.ok()) return stmt.status();
  std::vector<SecretInfo> out;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({stmt->ColumnText(0), stmt->ColumnInt64(1), stmt->ColumnInt64(2)});
  }
  return out;
}

Result<std::vector<SealedSecret>> SqliteStore::ListSealedSecrets(std::string_view owner_id) {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Statement> stmt = conn->Query(kListSealedSecretsSql, owner_id);
  if (!stmt.ok()) return stmt.status();
  std::vector<SealedSecret> out;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({stmt->ColumnText(0), stmt->ColumnText(1), stmt->ColumnInt64(2) == 1});
  }
  return out;
}

Status SqliteStore::DeleteSecret(std::string_view owner_id, std::string_view name) {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  if (Status s = conn->Run(kRetireDeletedSql, owner_id, name, NowMicros()); !s.ok()) return s;
  if (Status s = conn->Run(kDeleteSecretSql, owner_id, name); !s.ok()) return s;
  // Nothing to delete: the retire above found nothing either, and the transaction rolls back.
  if (conn->Changes() == 0) return Status::NotFound("Secret not found");
  return tx->Commit();
}

Status SqliteStore::AddShareViews(const std::vector<ShareViewCount>& counts) {
  if (counts.empty()) return Status::Ok();
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  for (const ShareViewCount& c : counts) {
    if (Status s = conn->Run(kAddShareViewsSql, c.task_id, c.views, c.last_viewed_at); !s.ok()) return s;
  }
  return tx->Commit();
}

Result<ShareViews> SqliteStore::GetShareViews(std::string_view task_id) {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Statement> stmt = conn->Query(kShareViewsSql, task_id);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return ShareViews{};
  return ShareViews{stmt->ColumnInt64(0), stmt->ColumnInt64(1)};
}

}  // namespace taskshare
