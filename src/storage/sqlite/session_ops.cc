// The browser session and sign-in attempt methods of SqliteStore (see storage/store.h for their
// contract), on the tables of migration 17. Each takes a connection from the pool for the length of the
// call. None reports to changes_: no cached response depends on a session or an attempt.
//
// CreateSession, SaveSignInAttempt and TakeSignInAttempt begin IMMEDIATE, under the database's write
// lock, so no other writer comes between a check and the write it allows, and of several takes of one
// attempt the first deletes it and the others find nothing.
#include <string>
#include <utility>

#include "storage/sqlite/db.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/task_rows.h"

namespace taskshare {
namespace {

using sqlite::ConnectionPool;
using sqlite::ReadUserRow;
using sqlite::Statement;
using sqlite::Transaction;
using sqlite::TxMode;

// A scan of the whole table, once per sign-in; it holds the live sessions and those that expired since
// the last sign-in.
constexpr std::string_view kSweepSessionsSql =
    "DELETE FROM sessions WHERE idle_expires_at <= ?1 OR expires_at <= ?1";
constexpr std::string_view kSweepAttemptsSql = "DELETE FROM sign_in_attempts WHERE expires_at <= ?1";
constexpr std::string_view kUserExistsSql = "SELECT 1 FROM users WHERE id = ?1";
constexpr std::string_view kSessionTakenSql = "SELECT 1 FROM sessions WHERE id_hash = ?1";
constexpr std::string_view kInsertSessionSql =
    "INSERT INTO sessions(id_hash, user_id, created_at, idle_expires_at, expires_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
// The user's columns first, as ReadUserRow reads them.
constexpr std::string_view kFindSessionSql =
    "SELECT u.id, u.email, u.role, u.team, u.created_at, s.created_at, s.idle_expires_at, s.expires_at "
    "FROM sessions s JOIN users u ON u.id = s.user_id "
    "WHERE s.id_hash = ?1 AND s.idle_expires_at > ?2 AND s.expires_at > ?2";
constexpr std::string_view kTouchSessionSql =
    "UPDATE sessions SET idle_expires_at = MIN(?2, expires_at) WHERE id_hash = ?1";
constexpr std::string_view kDeleteSessionSql = "DELETE FROM sessions WHERE id_hash = ?1";
constexpr std::string_view kDeleteUserSessionsSql = "DELETE FROM sessions WHERE user_id = ?1";
constexpr std::string_view kAttemptTakenSql = "SELECT 1 FROM sign_in_attempts WHERE state_hash = ?1";
constexpr std::string_view kInsertAttemptSql =
    "INSERT INTO sign_in_attempts(state_hash, nonce, code_verifier, return_to, expires_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr std::string_view kTakeAttemptSql =
    "DELETE FROM sign_in_attempts WHERE state_hash = ?1 "
    "RETURNING nonce, code_verifier, return_to, expires_at";

// Runs a query: true if it returns a row.
template <typename... Args>
Result<bool> Exists(sqlite::Connection& conn, std::string_view sql, const Args&... args) {
  Result<Statement> stmt = conn.Query(sql, args...);
  if (!stmt.ok()) return stmt.status();
  return stmt->Step();
}

}  // namespace

Status SqliteStore::CreateSession(const Session& session) {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  if (Status s = conn->Run(kSweepSessionsSql, session.created_at); !s.ok()) return s;
  if (Status s = conn->Run(kSweepAttemptsSql, session.created_at); !s.ok()) return s;
  Result<bool> user = Exists(*conn, kUserExistsSql, session.user_id);
  if (!user.ok()) return user.status();
  if (!*user) return Status::NotFound("User not found");
  Result<bool> taken = Exists(*conn, kSessionTakenSql, session.id_hash);
  if (!taken.ok()) return taken.status();
  if (*taken) return Status::AlreadyExists("Session already exists");
  if (Status s = conn->Run(kInsertSessionSql, session.id_hash, session.user_id, session.created_at,
                           session.idle_expires_at, session.expires_at);
      !s.ok()) {
    return s;
  }
  return tx->Commit();
}

Result<SessionUser> SqliteStore::FindSession(std::string_view id_hash, UnixMicros now) {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Statement> stmt = conn->Query(kFindSessionSql, id_hash, now);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("Session not found");
  Result<User> user = ReadUserRow(*stmt);
  if (!user.ok()) return user.status();
  SessionUser found{.session = {.id_hash = std::string(id_hash),
                                .user_id = user->id,
                                .created_at = stmt->ColumnInt64(5),
                                .idle_expires_at = stmt->ColumnInt64(6),
                                .expires_at = stmt->ColumnInt64(7)},
                    .user = std::move(*user)};
  return found;
}

Status SqliteStore::TouchSession(std::string_view id_hash, UnixMicros idle_expires_at) {
  ConnectionPool::Lease conn = pool_->Acquire();
  if (Status s = conn->Run(kTouchSessionSql, id_hash, idle_expires_at); !s.ok()) return s;
  if (conn->Changes() == 0) return Status::NotFound("Session not found");
  return Status::Ok();
}

Status SqliteStore::DeleteSession(std::string_view id_hash) {
  ConnectionPool::Lease conn = pool_->Acquire();
  if (Status s = conn->Run(kDeleteSessionSql, id_hash); !s.ok()) return s;
  if (conn->Changes() == 0) return Status::NotFound("Session not found");
  return Status::Ok();
}

Result<int> SqliteStore::DeleteUserSessions(std::string_view user_id) {
  ConnectionPool::Lease conn = pool_->Acquire();
  if (Status s = conn->Run(kDeleteUserSessionsSql, user_id); !s.ok()) return s;
  return static_cast<int>(conn->Changes());
}

Status SqliteStore::SaveSignInAttempt(const SignInAttempt& attempt) {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<bool> taken = Exists(*conn, kAttemptTakenSql, attempt.state_hash);
  if (!taken.ok()) return taken.status();
  if (*taken) return Status::AlreadyExists("Sign-in attempt already exists");
  if (Status s = conn->Run(kInsertAttemptSql, attempt.state_hash, attempt.nonce, attempt.code_verifier,
                           attempt.return_to, attempt.expires_at);
      !s.ok()) {
    return s;
  }
  return tx->Commit();
}

// In a transaction of its own, so that a failure to commit the delete is reported rather than lost in
// the statement's reset, and the attempt is returned only once its delete is on disk.
Result<SignInAttempt> SqliteStore::TakeSignInAttempt(std::string_view state_hash, UnixMicros now) {
  ConnectionPool::Lease conn = pool_->Acquire();
  Result<Transaction> tx = Transaction::Begin(*conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  SignInAttempt attempt;
  {
    Result<Statement> taken = conn->Query(kTakeAttemptSql, state_hash);
    if (!taken.ok()) return taken.status();
    Result<bool> row = taken->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("Sign-in attempt not found");
    attempt = {.state_hash = std::string(state_hash),
               .nonce = taken->ColumnText(0),
               .code_verifier = taken->ColumnText(1),
               .return_to = taken->ColumnText(2),
               .expires_at = taken->ColumnInt64(3)};
  }
  if (Status s = tx->Commit(); !s.ok()) return s;
  if (attempt.expires_at <= now) return Status::NotFound("Sign-in attempt not found");
  return attempt;
}

}  // namespace taskshare
