#include "storage/postgres/migrations.h"

#include <array>
#include <string>
#include <string_view>

#include "common/time.h"

namespace taskshare::postgres {
namespace {

// Migration N is kMigrations[N - 1]. Append only.
//
// Version 1: the schema of SQLite's versions 1 and 2 in PostgreSQL's types. Timestamps are Unix
// microseconds in bigint, so that they round-trip exactly as SQLite's do; enums hold their wire
// spelling as text, checked when read (a value the domain does not know is reported as corrupt, not
// refused by a constraint, as on SQLite). tasks.seq comes from an identity sequence, which never
// hands out a number twice, so list cursors (created_at, seq) keep meaning the same place after a
// delete. messages are numbered by position from 0 within their task; msg_key is the JSON text of a
// message's `id`, unique per task when present. Message bodies are text, never jsonb, so they come
// back byte for byte; checksum is MessageChecksum of the body (storage/task_codec.h), written with
// the row and checked whenever it is read.
constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE users (
  id text PRIMARY KEY,
  email text NOT NULL UNIQUE,
  role text NOT NULL,
  team text,
  created_at bigint NOT NULL
);
CREATE TABLE api_keys (
  key_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at bigint NOT NULL
);
CREATE INDEX api_keys_by_user ON api_keys(user_id);
CREATE TABLE tasks (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  owner_id text NOT NULL REFERENCES users(id),
  title text NOT NULL,
  status text NOT NULL,
  visibility text NOT NULL,
  source text NOT NULL,
  completion_delivery text,
  is_isolated boolean NOT NULL,
  is_scheduled boolean NOT NULL,
  model text,
  project_id text,
  secret_names text NOT NULL,
  schedule_info text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  message_count bigint NOT NULL DEFAULT 0
);
CREATE INDEX tasks_by_owner_newest ON tasks(owner_id, created_at DESC, seq DESC);
CREATE TABLE messages (
  task_seq bigint NOT NULL REFERENCES tasks(seq) ON DELETE CASCADE,
  position bigint NOT NULL,
  msg_key text,
  body text NOT NULL,
  checksum bigint NOT NULL,
  PRIMARY KEY (task_seq, position)
);
CREATE UNIQUE INDEX messages_by_key ON messages(task_seq, msg_key) WHERE msg_key IS NOT NULL;
)sql";

constexpr std::array<std::string_view, 1> kMigrations = {kMigration1};

// The advisory lock that serializes migrations: one 64-bit key ("tasksha" "M" in ASCII) that no
// other part of taskshare takes. Advisory locks are scoped to the database, so stores on other
// databases of the same server never wait for it.
constexpr std::int64_t kMigrationLockKey = 0x7461736b7368614d;

constexpr std::string_view kLockSql = "SELECT pg_advisory_xact_lock($1::bigint)";
constexpr std::string_view kCreateMigrationsTableSql =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version integer PRIMARY KEY, applied_at bigint NOT NULL)";
constexpr std::string_view kNewestAppliedSql = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
constexpr std::string_view kRecordAppliedSql =
    "INSERT INTO schema_migrations(version, applied_at) VALUES ($1::integer, $2::bigint)";

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Status ApplyMigrations(Connection& conn) {
  Result<Transaction> tx = Transaction::Begin(conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  // Everything below, even creating schema_migrations, runs under the lock: two sessions running
  // CREATE TABLE IF NOT EXISTS at once can both try to create it, and one then fails.
  if (Result<Rows> locked = conn.Query(kLockSql, kMigrationLockKey); !locked.ok()) {
    return locked.status();
  }
  if (Status s = conn.ExecScript(kCreateMigrationsTableSql); !s.ok()) return s;
  Result<Rows> newest_rows = conn.Query(kNewestAppliedSql);
  if (!newest_rows.ok()) return newest_rows.status();
  const auto newest = static_cast<int>(newest_rows->Int64(0, 0));
  if (newest > LatestSchemaVersion()) {
    return Status::Internal("storage error", "the database has schema version " + std::to_string(newest) +
                                                 " but this binary only knows up to " +
                                                 std::to_string(LatestSchemaVersion()));
  }
  for (int version = newest + 1; version <= LatestSchemaVersion(); ++version) {
    if (Status s = conn.ExecScript(kMigrations[version - 1]); !s.ok()) {
      if (s.code() == Code::kUnavailable) return s;
      return Status::Internal("storage error",
                              "schema migration " + std::to_string(version) + " failed: " + s.detail());
    }
    if (Result<Rows> r = conn.Query(kRecordAppliedSql, version, NowMicros()); !r.ok()) {
      return r.status();
    }
  }
  return tx->Commit();
}

}  // namespace taskshare::postgres
