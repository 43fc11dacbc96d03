#include "storage/sqlite/user_ops.h"

#include "domain/enums.h"
#include "storage/sqlite/task_rows.h"

namespace taskshare::sqlite {
namespace {

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

constexpr std::string_view kEmailTakenSql = "SELECT 1 FROM users WHERE email = ?1";
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

}  // namespace

Status CreateUser(ConnectionPool& pool, const User& user, const StoredApiKey& key) {
  ConnectionPool::Lease conn = pool.Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<bool> taken = Exists(*conn, kEmailTakenSql, user.email);
  if (!taken.ok()) return taken.status();
  if (*taken) return Status::AlreadyExists("User already exists");
  Status s = conn->Run(kInsertUserSql, user.id, user.email, ToString(user.role), user.team, user.created_at);
  if (s.ok()) s = InsertKey(*conn, user.id, key);
  if (!s.ok()) return s;
  return tx->Commit();
}

Result<User> FindUserByKeyHash(ConnectionPool& pool, std::string_view key_hash) {
  return FindUser(pool, kUserByKeyHashSql, key_hash);
}

Result<User> FindUserByEmail(ConnectionPool& pool, std::string_view email) {
  return FindUser(pool, kUserByEmailSql, email);
}

Result<ApiKeyInfo> GetApiKey(ConnectionPool& pool, std::string_view user_id) {
  ConnectionPool::Lease conn = pool.Acquire();
  Result<Statement> stmt = conn->Query(kKeyOfUserSql, user_id);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("API key not found");
  return ApiKeyInfo{stmt->ColumnOptionalText(0), stmt->ColumnInt64(1)};
}

Status RotateApiKey(ConnectionPool& pool, std::string_view user_id, std::string_view current_key_hash,
                    const StoredApiKey& key) {
  ConnectionPool::Lease conn = pool.Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  {
    Result<Statement> current = conn->Query(kKeyOfUserExistsSql, current_key_hash, user_id);
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

}  // namespace taskshare::sqlite
