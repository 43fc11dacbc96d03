#include "storage/sqlite/migrations.h"

#include <array>
#include <string>
#include <string_view>

#include "common/time.h"

namespace taskshare::sqlite {
namespace {

// Migration N is kMigrations[N - 1]. Append only.
//
// Version 1. Timestamps are Unix microseconds; enums hold their wire spelling. tasks.seq is
// AUTOINCREMENT so that a deleted task's seq is never reused: list cursors are (created_at, seq)
// positions and must keep meaning the same place. messages are numbered by position from 0 within
// their task; msg_key is the JSON text of a message's `id`, unique per task when present.
constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE users (
  id TEXT PRIMARY KEY NOT NULL,
  email TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  team TEXT,
  created_at INTEGER NOT NULL
);
CREATE TABLE api_keys (
  key_hash TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL
);
CREATE INDEX api_keys_by_user ON api_keys(user_id);
CREATE TABLE tasks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  owner_id TEXT NOT NULL REFERENCES users(id),
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  visibility TEXT NOT NULL,
  source TEXT NOT NULL,
  completion_delivery TEXT,
  is_isolated INTEGER NOT NULL,
  is_scheduled INTEGER NOT NULL,
  model TEXT,
  project_id TEXT,
  secret_names TEXT NOT NULL,
  schedule_info TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  message_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tasks_by_owner_newest ON tasks(owner_id, created_at DESC, seq DESC);
CREATE TABLE messages (
  task_seq INTEGER NOT NULL REFERENCES tasks(seq) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  msg_key TEXT,
  body TEXT NOT NULL,
  PRIMARY KEY (task_seq, position)
);
CREATE UNIQUE INDEX messages_by_key ON messages(task_seq, msg_key) WHERE msg_key IS NOT NULL;
)sql";

// Version 2. messages.checksum is XXH3-64 of body (as a signed 64-bit integer), written with the row
// and checked whenever the row is read, so that a body changed behind the store's back is refused as
// corrupt instead of served. Rows written before version 2 have none and are checked by parsing.
constexpr std::string_view kMigration2 = R"sql(
ALTER TABLE messages ADD COLUMN checksum INTEGER;
)sql";

constexpr std::array<std::string_view, 2> kMigrations = {kMigration1, kMigration2};

constexpr std::string_view kCreateMigrationsTableSql =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)";
constexpr std::string_view kNewestAppliedSql =
    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
constexpr std::string_view kIsAppliedSql = "SELECT 1 FROM schema_migrations WHERE version = ?1";
constexpr std::string_view kRecordAppliedSql =
    "INSERT INTO schema_migrations(version, applied_at) VALUES (?1, ?2)";

Result<bool> IsApplied(Connection& conn, int version) {
  Result<Statement> stmt = conn.Prepare(kIsAppliedSql);
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt64(1, version);
  return stmt->Step();
}

Result<int> NewestApplied(Connection& conn) {
  Result<Statement> stmt = conn.Prepare(kNewestAppliedSql);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  return *row ? static_cast<int>(stmt->ColumnInt64(0)) : 0;
}

// Applies migration `version` unless another process already did. The check runs after BEGIN
// IMMEDIATE has taken the write lock, so it cannot race with another process applying it.
Status ApplyOne(Connection& conn, int version) {
  Result<Transaction> tx = Transaction::Begin(conn, TxMode::kWrite);
  if (!tx.ok()) return tx.status();
  Result<bool> applied = IsApplied(conn, version);
  if (!applied.ok()) return applied.status();
  if (*applied) return Status::Ok();

  if (Status s = conn.ExecScript(kMigrations[version - 1]); !s.ok()) {
    return Status::Internal(
        "storage error", "schema migration " + std::to_string(version) + " failed: " + s.detail());
  }
  {
    Result<Statement> record = conn.Prepare(kRecordAppliedSql);
    if (!record.ok()) return record.status();
    record->BindInt64(1, version);
    record->BindInt64(2, NowMicros());
    if (Status s = record->Run(); !s.ok()) return s;
  }
  return tx->Commit();
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Status ApplyMigrations(Connection& conn) {
  if (Status s = conn.ExecScript(kCreateMigrationsTableSql); !s.ok()) return s;
  Result<int> newest = NewestApplied(conn);
  if (!newest.ok()) return newest.status();
  if (*newest > LatestSchemaVersion()) {
    return Status::Internal("storage error", "the database has schema version " +
                                                 std::to_string(*newest) +
                                                 " but this binary only knows up to " +
                                                 std::to_string(LatestSchemaVersion()));
  }
  for (int version = *newest + 1; version <= LatestSchemaVersion(); ++version) {
    if (Status s = ApplyOne(conn, version); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace taskshare::sqlite
