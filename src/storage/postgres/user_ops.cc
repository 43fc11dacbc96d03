// The user and API key methods of PostgresStore (see storage/store.h for their contract). Each takes a
// connection from the pool (the primary: keys are never read from a replica) for the length of the
// call. Thread-safe as the pool is.
//
// RotateApiKey first locks the user's row (FOR UPDATE), so rotations of one user take turns: under
// read committed, each statement of a rotation that waited sees what the previous one committed, so it
// finds the key it was authorized by gone and changes nothing. Without the lock two rotations could
// both find that key, and the later DELETE (its snapshot taken before the other's insert committed)
// would miss the other's new key and leave two.
#include <optional>
#include <string>

#include "domain/email.h"
#include "domain/enums.h"
#include "storage/postgres/connection.h"
#include "storage/postgres/pool.h"
#include "storage/postgres/postgres_store.h"
#include "storage/postgres/task_rows.h"

namespace taskshare {
namespace {

using postgres::Connection;
using postgres::ConnectionPool;
using postgres::kUniqueViolation;
using postgres::ReadUserRow;
using postgres::Rows;
using postgres::Transaction;
using postgres::TxMode;

using Lease = ConnectionPool::Lease;

// lower() folds every letter the database's locale knows (ASCII at least), so an address stored before
// emails were normalised that differs from the new one only in case is found too.
constexpr std::string_view kEmailTakenSql = "SELECT 1 FROM users WHERE lower(email) = lower($1)";
constexpr std::string_view kInsertUserSql =
    "INSERT INTO users(id, email, role, team, created_at) VALUES ($1, $2, $3, $4, $5)";
constexpr std::string_view kInsertApiKeySql =
    "INSERT INTO api_keys(key_hash, user_id, created_at, prefix) VALUES ($1, $2, $3::bigint, $4)";
constexpr std::string_view kUserByKeyHashSql =
    "SELECT u.id, u.email, u.role, u.team, u.created_at "
    "FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = $1";
constexpr std::string_view kUserByEmailSql =
    "SELECT id, email, role, team, created_at FROM users WHERE email = $1";
// Newest first; the hash breaks ties so that the answer does not depend on the plan.
constexpr std::string_view kKeyOfUserSql =
    "SELECT prefix, created_at FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC, key_hash "
    "LIMIT 1";
constexpr std::string_view kLockUserSql = "SELECT 1 FROM users WHERE id = $1 FOR UPDATE";
constexpr std::string_view kKeyOfUserExistsSql =
    "SELECT 1 FROM api_keys WHERE key_hash = $1 AND user_id = $2";
constexpr std::string_view kDeleteKeysOfUserSql = "DELETE FROM api_keys WHERE user_id = $1";
// Changes the row only if the team or the role differs, so that the count of rows tells whether either
// did. A concurrent change of the same user makes it wait, then compare with what that one committed.
constexpr std::string_view kSetAccessSql =
    "UPDATE users SET team = $2::text, role = $3::text WHERE id = $1 "
    "AND (team IS DISTINCT FROM $2::text OR role IS DISTINCT FROM $3::text)";
constexpr std::string_view kUserExistsSql = "SELECT 1 FROM users WHERE id = $1";
constexpr std::string_view kDeleteSessionsOfUserSql = "DELETE FROM sessions WHERE user_id = $1";

// Inside the caller's transaction. A hash already stored is a unique violation of the primary key.
Status InsertKey(Connection& conn, std::string_view user_id, const StoredApiKey& key) {
  Result<Rows> inserted = conn.Query(kInsertApiKeySql, key.key_hash, user_id, key.created_at, key.prefix);
  if (inserted.ok()) return Status::Ok();
  if (conn.last_sqlstate() == kUniqueViolation) return Status::AlreadyExists("API key already exists");
  return inserted.status();
}

// One statement reads one consistent snapshot, so single-query reads need no explicit transaction.
Result<User> FindUser(ConnectionPool& pool, std::string_view sql, std::string_view param) {
  Result<Lease> conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(sql, param);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("User not found");
  return ReadUserRow(*rows, 0);
}

}  // namespace

Status PostgresStore::CreateUser(const User& user, const StoredApiKey& key) {
  if (Status s = ValidateEmail(user.email); !s.ok()) return s;
  const std::string email = NormalizeEmail(user.email);
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<Rows> taken = (*conn)->Query(kEmailTakenSql, email);
  if (!taken.ok()) return taken.status();
  if (!taken->empty()) return Status::AlreadyExists("User already exists");
  Result<Rows> inserted =
      (*conn)->Query(kInsertUserSql, user.id, email, ToString(user.role), user.team, user.created_at);
  if (!inserted.ok()) {
    // The check above does not stop a concurrent CreateUser of the same email from committing
    // first; its row then makes this insert wait and fail.
    if ((*conn)->last_sqlstate() == kUniqueViolation) return Status::AlreadyExists("User already exists");
    return inserted.status();
  }
  if (Status s = InsertKey(**conn, user.id, key); !s.ok()) return s;
  return tx->Commit();
}

Result<User> PostgresStore::FindUserByKeyHash(std::string_view key_hash) {
  return FindUser(*pool_, kUserByKeyHashSql, key_hash);
}

Result<User> PostgresStore::FindUserByEmail(std::string_view email) {
  Result<User> user = Status::NotFound("User not found");
  for (const std::string& spelling : EmailLookupOrder(email)) {
    user = FindUser(*pool_, kUserByEmailSql, spelling);
    if (user.ok() || user.status().code() != Code::kNotFound) break;
  }
  return user;
}

// Reports nothing to changes_, and no trigger announces it: the shared cache holds only what anyone may
// read (public and unlisted views), which no team or role changes.
Result<bool> PostgresStore::UpdateUserAccess(std::string_view user_id, const std::optional<std::string>& team,
                                             Role role) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<Rows> set = (*conn)->Query(kSetAccessSql, user_id, team, ToString(role));
  if (!set.ok()) return set.status();
  if (set->affected() == 0) {
    Result<Rows> user = (*conn)->Query(kUserExistsSql, user_id);
    if (!user.ok()) return user.status();
    if (user->empty()) return Status::NotFound("User not found");
    return false;
  }
  if (Result<Rows> deleted = (*conn)->Query(kDeleteSessionsOfUserSql, user_id); !deleted.ok()) {
    return deleted.status();
  }
  if (Status s = tx->Commit(); !s.ok()) return s;
  return true;
}

Result<ApiKeyInfo> PostgresStore::GetApiKey(std::string_view user_id) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(kKeyOfUserSql, user_id);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("API key not found");
  return ApiKeyInfo{rows->OptionalText(0, 0), rows->Int64(0, 1)};
}

Status PostgresStore::RotateApiKey(std::string_view user_id, std::optional<std::string_view> current_key_hash,
                                   const StoredApiKey& key) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<Rows> user = (*conn)->Query(kLockUserSql, user_id);
  if (!user.ok()) return user.status();
  if (user->empty()) return Status::NotFound("API key not found");
  if (current_key_hash) {
    Result<Rows> current = (*conn)->Query(kKeyOfUserExistsSql, *current_key_hash, user_id);
    if (!current.ok()) return current.status();
    if (current->empty()) return Status::NotFound("API key not found");
  }
  if (Result<Rows> deleted = (*conn)->Query(kDeleteKeysOfUserSql, user_id); !deleted.ok()) {
    return deleted.status();
  }
  if (Status s = InsertKey(**conn, user_id, key); !s.ok()) return s;
  return tx->Commit();
}

}  // namespace taskshare
