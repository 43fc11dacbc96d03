// The secrets key's check value of the PostgreSQL backend (see Store::ClaimSecretsKeyCheck in
// storage/store.h), a column of instance_settings' one row (migration 11), on the primary. Thread-safe
// as the pool is.
//
// A claim reads the value and, when there is none, stores its own with one upsert that changes nothing
// when a value is already there, then reads again. Two nodes claiming at once: the second's upsert waits
// on the first's row and, once it commits, finds a value and leaves it; its read then returns the
// first's value. Each upsert also announces kSharingChanged (the table's trigger), on which other
// nodes re-read the unchanged kill switch: once, at a node's first start on the database.
#include <optional>
#include <string>

#include "storage/postgres/connection.h"
#include "storage/postgres/pool.h"
#include "storage/postgres/postgres_store.h"

namespace taskshare {
namespace {

using postgres::Connection;
using postgres::ConnectionPool;
using postgres::Rows;

constexpr std::string_view kStoredCheckSql = "SELECT secrets_key_check FROM instance_settings WHERE id = 1";
// A row made here has sharing on, as no row means (migration 8).
constexpr std::string_view kStoreCheckSql =
    "INSERT INTO instance_settings(id, sharing_enabled, secrets_key_check) VALUES (1, true, $1) "
    "ON CONFLICT (id) DO UPDATE SET secrets_key_check = EXCLUDED.secrets_key_check "
    "WHERE instance_settings.secrets_key_check IS NULL";

Result<std::optional<std::string>> StoredCheck(Connection& conn) {
  Result<Rows> rows = conn.Query(kStoredCheckSql);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<std::string>();
  return rows->OptionalText(0, 0);
}

}  // namespace

Result<std::string> PostgresStore::ClaimSecretsKeyCheck(std::string_view check) {
  Result<ConnectionPool::Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<std::optional<std::string>> stored = StoredCheck(**conn);
  if (!stored.ok() || *stored) return stored.ok() ? Result<std::string>(**stored) : stored.status();
  if (Result<Rows> claimed = (*conn)->Query(kStoreCheckSql, check); !claimed.ok()) return claimed.status();
  stored = StoredCheck(**conn);
  if (!stored.ok()) return stored.status();
  if (!*stored) return Status::Internal("storage error", "the secrets key check value was not stored");
  return **stored;
}

}  // namespace taskshare
