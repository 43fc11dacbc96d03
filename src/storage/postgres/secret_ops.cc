#include "storage/postgres/secret_ops.h"

#include <algorithm>

#include "storage/postgres/connection.h"

namespace taskshare::postgres {
namespace {

using Lease = ConnectionPool::Lease;

// Names are compared byte by byte (COLLATE "C"), as SQLite does, whatever the database's collation.
constexpr std::string_view kPutSecretSql =
    "INSERT INTO secrets(owner_id, name, sealed, created_at, updated_at) "
    "VALUES ($1::text, $2::text, $3::text, $4::bigint, $4::bigint) "
    "ON CONFLICT (owner_id, name) DO UPDATE SET sealed = EXCLUDED.sealed, updated_at = EXCLUDED.updated_at "
    "RETURNING created_at, updated_at";
constexpr std::string_view kListSecretsSql =
    "SELECT name, created_at, updated_at FROM secrets WHERE owner_id = $1 ORDER BY name COLLATE \"C\"";
constexpr std::string_view kListSealedSecretsSql =
    "SELECT name, sealed FROM secrets WHERE owner_id = $1 ORDER BY name COLLATE \"C\"";
constexpr std::string_view kDeleteSecretSql = "DELETE FROM secrets WHERE owner_id = $1 AND name = $2";

constexpr std::string_view kAddShareViewsSql =
    "INSERT INTO share_views(task_id, views, last_viewed_at) "
    "SELECT $1::text, $2::bigint, $3::bigint WHERE EXISTS (SELECT 1 FROM tasks WHERE id = $1::text) "
    "ON CONFLICT (task_id) DO UPDATE SET views = share_views.views + EXCLUDED.views, "
    "last_viewed_at = GREATEST(share_views.last_viewed_at, EXCLUDED.last_viewed_at)";
constexpr std::string_view kShareViewsSql =
    "SELECT views, last_viewed_at FROM share_views WHERE task_id = $1";

}  // namespace

Result<SecretInfo> PutSecret(ConnectionPool& pool, std::string_view owner_id, std::string_view name,
                             std::string_view sealed, UnixMicros now) {
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(kPutSecretSql, owner_id, name, sealed, now);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::Internal("storage error", "the secret upsert returned no row");
  return SecretInfo{std::string(name), rows->Int64(0, 0), rows->Int64(0, 1)};
}

Result<std::vector<SecretInfo>> ListSecrets(ConnectionPool& pool, std::string_view owner_id) {
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(kListSecretsSql, owner_id);
  if (!rows.ok()) return rows.status();
  std::vector<SecretInfo> out;
  for (int i = 0; i < rows->size(); ++i)
    out.push_back({rows->Text(i, 0), rows->Int64(i, 1), rows->Int64(i, 2)});
  return out;
}

Result<std::vector<SealedSecret>> ListSealedSecrets(ConnectionPool& pool, std::string_view owner_id) {
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(kListSealedSecretsSql, owner_id);
  if (!rows.ok()) return rows.status();
  std::vector<SealedSecret> out;
  for (int i = 0; i < rows->size(); ++i) out.push_back({rows->Text(i, 0), rows->Text(i, 1)});
  return out;
}

Status DeleteSecret(ConnectionPool& pool, std::string_view owner_id, std::string_view name) {
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(kDeleteSecretSql, owner_id, name);
  if (!rows.ok()) return rows.status();
  if (rows->affected() == 0) return Status::NotFound("Secret not found");
  return Status::Ok();
}

Status AddShareViews(ConnectionPool& pool, const std::vector<ShareViewCount>& counts) {
  if (counts.empty()) return Status::Ok();
  std::vector<const ShareViewCount*> ordered;
  ordered.reserve(counts.size());
  for (const ShareViewCount& c : counts) ordered.push_back(&c);
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->task_id < b->task_id; });
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  for (const ShareViewCount* c : ordered) {
    Result<Rows> rows = (*conn)->Query(kAddShareViewsSql, c->task_id, c->views, c->last_viewed_at);
    if (!rows.ok()) return rows.status();
  }
  return tx->Commit();
}

Result<ShareViews> GetShareViews(ConnectionPool& pool, std::string_view task_id) {
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(kShareViewsSql, task_id);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return ShareViews{};
  return ShareViews{rows->Int64(0, 0), rows->Int64(0, 1)};
}

}  // namespace taskshare::postgres
