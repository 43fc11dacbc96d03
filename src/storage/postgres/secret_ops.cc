// The secret and share-view methods of PostgresStore (see storage/store.h for their contract), on the
// primary. Each takes a connection from the pool for the length of the call. Thread-safe as the pool is.
//
// A put is announced to other nodes, naming the owner and the secret, by the row trigger of migration 12
// (migrations.cc); once its transaction has ended, it also reports the secret to this process
// (ChangeReports::Secret). A delete announces nothing: the value is retired and stays redacted.
// View counts from several nodes add up: each flush is an upsert that adds, taking the rows' locks in
// task id order so that two nodes flushing at once cannot deadlock.
#include <algorithm>
#include <string>
#include <vector>

#include "common/time.h"
#include "domain/quotas.h"
#include "storage/postgres/connection.h"
#include "storage/postgres/pool.h"
#include "storage/postgres/postgres_store.h"

namespace taskshare {
namespace {

using postgres::ConnectionPool;
using postgres::Rows;
using postgres::Transaction;
using postgres::TxMode;

using Lease = ConnectionPool::Lease;

// Names are compared byte by byte (COLLATE "C"), as SQLite does, whatever the database's collation.
constexpr std::string_view kPutSecretSql =
    "INSERT INTO secrets(owner_id, name, sealed, created_at, updated_at) "
    "VALUES ($1::text, $2::text, $3::text, $4::bigint, $4::bigint) "
    "ON CONFLICT (owner_id, name) DO UPDATE SET sealed = EXCLUDED.sealed, updated_at = EXCLUDED.updated_at "
    "RETURNING created_at, updated_at";
constexpr std::string_view kListSecretsSql =
    "SELECT name, created_at, updated_at FROM secrets WHERE owner_id = $1 ORDER BY name COLLATE \"C\"";
// The current value and the retired ones, each name's current one first, then its retired ones oldest
// first.
constexpr std::string_view kListSealedSecretsSql =
    "SELECT name, sealed, retired FROM ("
    "SELECT name, sealed, 0 AS retired, 0::bigint AS seq FROM secrets WHERE owner_id = $1 "
    "UNION ALL SELECT name, sealed, 1, seq FROM retired_secrets WHERE owner_id = $1) v "
    "ORDER BY name COLLATE \"C\", retired, seq";

// Puts of one user's secrets take turns on the user's row, so that the value a put retires is the one
// it replaces: two puts of one name would otherwise both read the value before either, and the first
// one's value would be overwritten without being retired (also when neither finds a row and the
// second's insert becomes an update). FOR NO KEY UPDATE leaves the foreign-key checks of other writes
// that name the user free.
constexpr std::string_view kLockOwnerSql = "SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE";
// The values a user's secrets hold and have held (domain/quotas.h, secret_values_per_user), counted
// once the owner's row is locked, so that racing puts count one after the other.
constexpr std::string_view kSecretValuesHeldSql =
    "SELECT (SELECT count(*) FROM secrets WHERE owner_id = $1) + "
    "(SELECT count(*) FROM retired_secrets WHERE owner_id = $1)";
// The value a put replaces is retired unless it is the very same sealed bytes. A new seal of the same
// value differs (a fresh nonce), and the store cannot tell it apart: it is retired too, harmlessly.
constexpr std::string_view kRetireReplacedSql =
    "INSERT INTO retired_secrets(owner_id, name, sealed, retired_at) "
    "SELECT owner_id, name, sealed, $4::bigint FROM secrets "
    "WHERE owner_id = $1::text AND name = $2::text AND sealed <> $3::text";
// The delete and the retirement of the deleted value are one statement; its count of rows is that of
// the values retired. A put racing with it either is replaced by the delete, which then retires the
// put's value, or inserts afresh after it.
constexpr std::string_view kDeleteSecretSql =
    "WITH gone AS (DELETE FROM secrets WHERE owner_id = $1 AND name = $2 RETURNING owner_id, name, sealed) "
    "INSERT INTO retired_secrets(owner_id, name, sealed, retired_at) "
    "SELECT owner_id, name, sealed, $3::bigint FROM gone";

constexpr std::string_view kAddShareViewsSql =
    "INSERT INTO share_views(task_id, views, last_viewed_at) "
    "SELECT $1::text, $2::bigint, $3::bigint WHERE EXISTS (SELECT 1 FROM tasks WHERE id = $1::text) "
    "ON CONFLICT (task_id) DO UPDATE SET views = share_views.views + EXCLUDED.views, "
    "last_viewed_at = GREATEST(share_views.last_viewed_at, EXCLUDED.last_viewed_at)";
constexpr std::string_view kShareViewsSql =
    "SELECT views, last_viewed_at FROM share_views WHERE task_id = $1";

// PutSecret's write, which PostgresStore::PutSecret reports.
Result<SecretInfo> UpsertSecret(ConnectionPool& pool, std::string_view owner_id, std::string_view name,
                                std::string_view sealed, UnixMicros now, const Quotas& quotas) {
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  if (Result<Rows> locked = (*conn)->Query(kLockOwnerSql, owner_id); !locked.ok()) return locked.status();
  {
    Result<Rows> held = (*conn)->Query(kSecretValuesHeldSql, owner_id);
    if (!held.ok()) return held.status();
    if (Status s = CheckNewSecretValue(quotas, held->Int64(0, 0)); !s.ok()) return s;
  }
  Result<Rows> retired = (*conn)->Query(kRetireReplacedSql, owner_id, name, sealed, now);
  if (!retired.ok()) return retired.status();
  Result<Rows> rows = (*conn)->Query(kPutSecretSql, owner_id, name, sealed, now);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::Internal("storage error", "the secret upsert returned no row");
  SecretInfo info{std::string(name), rows->Int64(0, 0), rows->Int64(0, 1)};
  if (Status s = tx->Commit(); !s.ok()) return s;
  return info;
}

}  // namespace

Result<SecretInfo> PostgresStore::PutSecret(std::string_view owner_id, std::string_view name,
                                            std::string_view sealed, UnixMicros now) {
  Result<SecretInfo> r = UpsertSecret(*pool_, owner_id, name, sealed, now, quotas_);
  changes_.Secret(owner_id, name, r.outcome());
  return r;
}

Result<std::vector<SecretInfo>> PostgresStore::ListSecrets(std::string_view owner_id) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(kListSecretsSql, owner_id);
  if (!rows.ok()) return rows.status();
  std::vector<SecretInfo> out;
  for (int i = 0; i < rows->size(); ++i)
    out.push_back({rows->Text(i, 0), rows->Int64(i, 1), rows->Int64(i, 2)});
  return out;
}

Result<std::vector<SealedSecret>> PostgresStore::ListSealedSecrets(std::string_view owner_id) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(kListSealedSecretsSql, owner_id);
  if (!rows.ok()) return rows.status();
  std::vector<SealedSecret> out;
  for (int i = 0; i < rows->size(); ++i)
    out.push_back({rows->Text(i, 0), rows->Text(i, 1), rows->Int64(i, 2) == 1});
  return out;
}

Status PostgresStore::DeleteSecret(std::string_view owner_id, std::string_view name) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(kDeleteSecretSql, owner_id, name, NowMicros());
  if (!rows.ok()) return rows.status();
  if (rows->affected() == 0) return Status::NotFound("Secret not found");
  return Status::Ok();
}

Status PostgresStore::AddShareViews(const std::vector<ShareViewCount>& counts) {
  if (counts.empty()) return Status::Ok();
  std::vector<const ShareViewCount*> ordered;
  ordered.reserve(counts.size());
  for (const ShareViewCount& c : counts) ordered.push_back(&c);
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->task_id < b->task_id; });
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  for (const ShareViewCount* c : ordered) {
    Result<Rows> rows = (*conn)->Query(kAddShareViewsSql, c->task_id, c->views, c->last_viewed_at);
    if (!rows.ok()) return rows.status();
  }
  return tx->Commit();
}

Result<ShareViews> PostgresStore::GetShareViews(std::string_view task_id) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(kShareViewsSql, task_id);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return ShareViews{};
  return ShareViews{rows->Int64(0, 0), rows->Int64(0, 1)};
}

}  // namespace taskshare
