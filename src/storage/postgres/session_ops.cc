// The browser session and sign-in attempt methods of PostgresStore (see storage/store.h for their
// contract), on the tables of migration 15. Each takes a connection from the pool for the length of the
// call, always the primary's: an ended session must find no one on any node at once, which a replica
// that lags would not promise. None reports to changes_, and no trigger announces them: no cached
// response depends on a session or an attempt. Thread-safe as the pool is.
//
// A take is one DELETE ... RETURNING: of several concurrent takes of one attempt, the first deletes
// the row and the others, which waited for its lock, find it gone and get nothing. CreateSession's
// sweep of expired rows skips the rows another transaction has locked (a take, a sign-out, a touch,
// another sign-in's sweep): it never waits, so it can neither slow a sign-in down nor deadlock with
// a delete that locks the same rows in another order, and what it skips the next sign-in sweeps.
#include <string>
#include <utility>

#include "storage/postgres/connection.h"
#include "storage/postgres/pool.h"
#include "storage/postgres/postgres_store.h"
#include "storage/postgres/task_rows.h"

namespace taskshare {
namespace {

using postgres::ConnectionPool;
using postgres::kUniqueViolation;
using postgres::ReadUserRow;
using postgres::Rows;
using postgres::Transaction;
using postgres::TxMode;

using Lease = ConnectionPool::Lease;

constexpr std::string_view kSweepSessionsSql =
    "DELETE FROM sessions WHERE id_hash IN (SELECT id_hash FROM sessions "
    "WHERE idle_expires_at <= $1::bigint OR expires_at <= $1::bigint FOR UPDATE SKIP LOCKED)";
constexpr std::string_view kSweepAttemptsSql =
    "DELETE FROM sign_in_attempts WHERE state_hash IN (SELECT state_hash FROM sign_in_attempts "
    "WHERE expires_at <= $1::bigint FOR UPDATE SKIP LOCKED)";
// Inserts nothing when there is no such user.
constexpr std::string_view kInsertSessionSql =
    "INSERT INTO sessions(id_hash, user_id, created_at, idle_expires_at, expires_at) "
    "SELECT $1::text, id, $3::bigint, $4::bigint, $5::bigint FROM users WHERE id = $2::text";
// The user's columns first, as ReadUserRow reads them.
constexpr std::string_view kFindSessionSql =
    "SELECT u.id, u.email, u.role, u.team, u.created_at, s.created_at, s.idle_expires_at, s.expires_at "
    "FROM sessions s JOIN users u ON u.id = s.user_id "
    "WHERE s.id_hash = $1 AND s.idle_expires_at > $2::bigint AND s.expires_at > $2::bigint";
constexpr std::string_view kTouchSessionSql =
    "UPDATE sessions SET idle_expires_at = LEAST($2::bigint, expires_at) WHERE id_hash = $1";
constexpr std::string_view kDeleteSessionSql = "DELETE FROM sessions WHERE id_hash = $1";
constexpr std::string_view kDeleteUserSessionsSql = "DELETE FROM sessions WHERE user_id = $1";
constexpr std::string_view kInsertAttemptSql =
    "INSERT INTO sign_in_attempts(state_hash, nonce, code_verifier, return_to, expires_at) "
    "VALUES ($1, $2, $3, $4, $5::bigint)";
constexpr std::string_view kTakeAttemptSql =
    "DELETE FROM sign_in_attempts WHERE state_hash = $1 "
    "RETURNING nonce, code_verifier, return_to, expires_at";

}  // namespace

Status PostgresStore::CreateSession(const Session& session) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Transaction> tx = Transaction::Begin(**conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  for (const std::string_view sweep : {kSweepSessionsSql, kSweepAttemptsSql}) {
    if (Result<Rows> swept = (*conn)->Query(sweep, session.created_at); !swept.ok()) return swept.status();
  }
  Result<Rows> inserted = (*conn)->Query(kInsertSessionSql, session.id_hash, session.user_id,
                                         session.created_at, session.idle_expires_at, session.expires_at);
  if (!inserted.ok()) {
    if ((*conn)->last_sqlstate() == kUniqueViolation) return Status::AlreadyExists("Session already exists");
    return inserted.status();
  }
  if (inserted->affected() == 0) return Status::NotFound("User not found");
  return tx->Commit();
}

Result<SessionUser> PostgresStore::FindSession(std::string_view id_hash, UnixMicros now) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> rows = (*conn)->Query(kFindSessionSql, id_hash, now);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("Session not found");
  Result<User> user = ReadUserRow(*rows, 0);
  if (!user.ok()) return user.status();
  SessionUser found{.session = {.id_hash = std::string(id_hash),
                                .user_id = user->id,
                                .created_at = rows->Int64(0, 5),
                                .idle_expires_at = rows->Int64(0, 6),
                                .expires_at = rows->Int64(0, 7)},
                    .user = std::move(*user)};
  return found;
}

Status PostgresStore::TouchSession(std::string_view id_hash, UnixMicros idle_expires_at) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> touched = (*conn)->Query(kTouchSessionSql, id_hash, idle_expires_at);
  if (!touched.ok()) return touched.status();
  if (touched->affected() == 0) return Status::NotFound("Session not found");
  return Status::Ok();
}

Status PostgresStore::DeleteSession(std::string_view id_hash) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> deleted = (*conn)->Query(kDeleteSessionSql, id_hash);
  if (!deleted.ok()) return deleted.status();
  if (deleted->affected() == 0) return Status::NotFound("Session not found");
  return Status::Ok();
}

Result<int> PostgresStore::DeleteUserSessions(std::string_view user_id) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> deleted = (*conn)->Query(kDeleteUserSessionsSql, user_id);
  if (!deleted.ok()) return deleted.status();
  return static_cast<int>(deleted->affected());
}

Status PostgresStore::SaveSignInAttempt(const SignInAttempt& attempt) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> inserted = (*conn)->Query(kInsertAttemptSql, attempt.state_hash, attempt.nonce,
                                         attempt.code_verifier, attempt.return_to, attempt.expires_at);
  if (inserted.ok()) return Status::Ok();
  if ((*conn)->last_sqlstate() == kUniqueViolation) {
    return Status::AlreadyExists("Sign-in attempt already exists");
  }
  return inserted.status();
}

Result<SignInAttempt> PostgresStore::TakeSignInAttempt(std::string_view state_hash, UnixMicros now) {
  Result<Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  Result<Rows> taken = (*conn)->Query(kTakeAttemptSql, state_hash);
  if (!taken.ok()) return taken.status();
  if (taken->empty()) return Status::NotFound("Sign-in attempt not found");
  SignInAttempt attempt{.state_hash = std::string(state_hash),
                        .nonce = taken->Text(0, 0),
                        .code_verifier = taken->Text(0, 1),
                        .return_to = taken->Text(0, 2),
                        .expires_at = taken->Int64(0, 3)};
  if (attempt.expires_at <= now) return Status::NotFound("Sign-in attempt not found");
  return attempt;
}

}  // namespace taskshare
