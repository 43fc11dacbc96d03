#include "storage/postgres/key_check_ops.h"

#include <optional>

#include "storage/postgres/connection.h"

namespace taskshare::postgres {
namespace {

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

Result<std::string> ClaimSecretsKeyCheck(ConnectionPool& pool, std::string_view check) {
  Result<ConnectionPool::Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<std::optional<std::string>> stored = StoredCheck(**conn);
  if (!stored.ok() || *stored) return stored.ok() ? Result<std::string>(**stored) : stored.status();
  if (Result<Rows> claimed = (*conn)->Query(kStoreCheckSql, check); !claimed.ok()) return claimed.status();
  stored = StoredCheck(**conn);
  if (!stored.ok()) return stored.status();
  if (!*stored) return Status::Internal("storage error", "the secrets key check value was not stored");
  return **stored;
}

}  // namespace taskshare::postgres
