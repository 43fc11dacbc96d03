#include "storage/sqlite/user_ops.h"

#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/email.h"
#include "domain/enums.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/task_rows.h"

namespace taskshare {
namespace {

using sqlite::Connection;
using sqlite::ConnectionPool;
using sqlite::Statement;
using sqlite::Transaction;
using sqlite::TxMode;

// Runs a query of one parameter: true if it returns a row.
Result<bool> Exists(Connection& conn, std::string_view sql, std::string_view param) {
  Result<Statement> stmt = conn.Query(sql, param);
  if (!stmt.ok()) return stmt.status();
  return stmt->Step();
}

constexpr std::string_view kInsertApiKeySql =
    "INSERT INTO api_keys(key_hash, user_id, created_at, prefix) VALUES (?1, ?2, ?3, ?4)";
constexpr std::string_view kKeyTakenSql = "SELECT 1 FROM api_keys WHERE key_hash = ?1";

// Inside the caller's write transaction.
Status InsertKey(Connection& conn, std::string_view user_id, const StoredApiKey& key) {
  Result<bool> taken = Exists(conn, kKeyTakenSql, key.key_hash);
  if (!taken.ok()) return taken.status();
  if (*taken) return Status::AlreadyExists("API key already exists");
  return conn.Run(kInsertApiKeySql, key.key_hash, user_id, key.created_at, key.prefix);
}

// lower() folds ASCII letters at least (all of them, where SQLite is built with ICU), so an address
// stored before emails were normalised that differs from the new one only in case is found too.
constexpr std::string_view kEmailTakenSql = "SELECT 1 FROM users WHERE lower(email) = lower(?1)";
constexpr std::string_view kInsertUserSql =
    "INSERT INTO users(id, email, role, team, created_at) VALUES (?1, ?2, ?3, ?4, ?5)";

// One statement is its own consistent snapshot, so single-query reads need no explicit transaction.
Result<User> FindUser(ConnectionPool& pool, std::string_view sql, std::string_view param) {
  ConnectionPool::Lease conn = pool.Acquire();
  Result<Statement> stmt = conn->Query(sql, param);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("User not found");
  return ReadUserRow(*stmt);
}

constexpr std::string_view kUserByKeyHashSql =
    "SELECT u.id, u.email, u.role, u.team, u.created_at "
    "FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = ?1";
constexpr std::string_view kUserByEmailSql =
    "SELECT id, email, role, team, created_at FROM users WHERE email = ?1";
constexpr std::string_view kKeyOfUserExistsSql =
    "SELECT 1 FROM api_keys WHERE key_hash = ?1 AND user_id = ?2";
// Newest first; rowid breaks ties between keys made in the same microsecond.
constexpr std::string_view kKeyOfUserSql =
    "SELECT prefix, created_at FROM api_keys WHERE user_id = ?1 ORDER BY created_at DESC, rowid DESC "
    "LIMIT 1";
constexpr std::string_view kDeleteKeysOfUserSql = "DELETE FROM api_keys WHERE user_id = ?1";
// Changes the row only if the team or the role differs, so that Changes() tells whether either did.
constexpr std::string_view kSetAccessSql =
    "UPDATE users SET team = ?2, role = ?3 WHERE id = ?1 AND (team IS NOT ?2 OR role IS NOT ?3)";
constexpr std::string_view kUserExistsSql = "SELECT 1 FROM users WHERE id = ?1";
constexpr std::string_view kDeleteSessionsOfUserSql = "DELETE FROM sessions WHERE user_id = ?1";

}  // namespace

Status SqliteStore::CreateUser(const User& user, const StoredApiKey& key) {
  if (Status s = ValidateEmail(user.email); !s.ok()) return s;
  const std::string email = NormalizeEmail(user.email);
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<bool> taken = Exists(*conn, kEmailTakenSql, email);
  if (!taken.ok()) return taken.status();
  if (*taken) return Status::AlreadyExists("User already exists");
  Status s = conn->Run(kInsertUserSql, user.id, email, ToString(user.role), user.team, user.created_at);
  if (s.ok()) s = InsertKey(*conn, user.id, key);
  if (!s.ok()) return s;
  return tx->Commit();
}

Result<User> SqliteStore::FindUserByKeyHash(std::string_view key_hash) {
  return FindUser(*pool_, kUserByKeyHashSql, key_hash);
}

Result<User> SqliteStore::FindUserByEmail(std::string_view email) {
  Result<User> user = Status::NotFound("User not found");
  for (const std::string& spelling : EmailLookupOrder(email)) {
    user = FindUser(*pool_, kUserByEmailSql, spelling);
    if (user.ok() || user.status().code() != Code::kNotFound) break;
  }
  return user;
}

// Reports nothing to changes_: the shared cache holds only what anyone may read (public and unlisted
// views), which no team or role changes.
Result<bool> SqliteStore::UpdateUserAccess(std::string_view user_id, const std::optional<std::string>& team,
                                           Role role) {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  if (Status s = conn->Run(kSetAccessSql, user_id, team, ToString(role)); !s.ok()) return s;
  if (conn->Changes() == 0) {
    Result<bool> exists = Exists(*conn, kUserExistsSql, user_id);
    if (!exists.ok()) return exists.status();
    if (!*exists) return Status::NotFound("User not found");
    return false;
  }
  if (Status s = conn->Run(kDeleteSessionsOfUserSql, user_id); !s.ok()) return s;
  if (Status s = tx->Commit(); !s.ok()) return s;
  return true;
}

Result<ApiKeyInfo> SqliteStore::GetApiKey(std::string_view user_id) {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Statement> stmt = conn->Query(kKeyOfUserSql, user_id);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("API key not found");
  return ApiKeyInfo{stmt->ColumnOptionalText(0), stmt->ColumnInt64(1)};
}

Status SqliteStore::RotateApiKey(std::string_view user_id, std::optional<std::string_view> current_key_hash,
                                 const StoredApiKey& key) {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  if (current_key_hash) {
    Result<Statement> current = conn->Query(kKeyOfUserExistsSql, *current_key_hash, user_id);
    if (!current.ok()) return current.status();
    Result<bool> found = current->Step();
    if (!found.ok()) return found.status();
    if (!*found) return Status::NotFound("API key not found");
  }
  Status s = conn->Run(kDeleteKeysOfUserSql, user_id);
  if (s.ok()) s = InsertKey(*conn, user_id, key);
  if (!s.ok()) return s;
  return tx->Commit();
}

constexpr std::string_view kAllEmailsSql = "SELECT id, email FROM users";
constexpr std::string_view kSetEmailSql = "UPDATE users SET email = ?2 WHERE id = ?1";

Status sqlite::NormalizeStoredEmails(Connection& conn) {
  std::vector<std::pair<std::string, std::string>> users;  // (id, email)
  std::unordered_map<std::string, int> spellings;          // normal form -> users that have it
  {
    Result<Statement> all = conn.Prepare(kAllEmailsSql);
    if (!all.ok()) return all.status();
    for (;;) {
      Result<bool> row = all->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      users.emplace_back(all->ColumnText(0), all->ColumnText(1));
      ++spellings[NormalizeEmail(users.back().second)];
    }
  }
  for (const auto& [id, email] : users) {
    const std::string normal = NormalizeEmail(email);
    if (normal == email || spellings[normal] > 1) continue;
    if (Status s = conn.Run(kSetEmailSql, id, normal); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace taskshare
