#include "storage/sqlite/migrations.h"

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/time.h"
#include "domain/messages.h"
#include "storage/migration_runner.h"
#include "storage/sqlite/message_rows.h"
#include "storage/sqlite/user_ops.h"

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

// Version 3. Schedules and their executions (domain/schedule.h). A deleted schedule keeps its row,
// with deleted_at set and no next_execution_at, because the tasks it created still show its values in
// their schedule_info. next_execution_at is set exactly when the schedule is active and not deleted, so
// the scheduler's query for due schedules reads schedules_due alone. An execution keeps its row when
// its task is deleted (task_id becomes NULL); each task has at most one execution.
constexpr std::string_view kMigration3 = R"sql(
CREATE TABLE schedules (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  owner_id TEXT NOT NULL REFERENCES users(id),
  name TEXT,
  task_message TEXT NOT NULL,
  schedule_type TEXT NOT NULL,
  scan_frequency TEXT,
  start_time TEXT,
  anchor_at INTEGER,
  run_at INTEGER,
  visibility TEXT NOT NULL,
  model TEXT,
  secret_names TEXT NOT NULL,
  project_id TEXT,
  status TEXT NOT NULL,
  execution_count INTEGER NOT NULL DEFAULT 0,
  last_executed_at INTEGER,
  next_execution_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE INDEX schedules_by_owner_newest ON schedules(owner_id, created_at DESC, seq DESC);
CREATE INDEX schedules_due ON schedules(next_execution_at, seq) WHERE next_execution_at IS NOT NULL;
CREATE TABLE schedule_executions (
  id TEXT PRIMARY KEY NOT NULL,
  schedule_id TEXT NOT NULL REFERENCES schedules(id),
  task_id TEXT UNIQUE REFERENCES tasks(id) ON DELETE SET NULL,
  scheduled_at INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  completed_at INTEGER,
  status TEXT NOT NULL
);
CREATE INDEX schedule_executions_by_schedule ON schedule_executions(schedule_id, started_at DESC);
)sql";

// Version 4. api_keys.prefix is the key's first characters (common/ids.h ApiKeyPrefix), kept so that
// a user can recognise a key without it being stored; keys made before version 4 have none.
constexpr std::string_view kMigration4 = R"sql(
ALTER TABLE api_keys ADD COLUMN prefix TEXT;
)sql";

// Version 5. A task's share settings (domain/task.h, ShareSettings), on the task's row so that every
// read of the task has them and every change to them is a change to the row. share_pinned_messages and
// share_pinned_at are set exactly when share_mode is 'pinned'. The defaults are the settings of a
// task shared before there were any: live, no expiry, no creator shown, credentials redacted.
constexpr std::string_view kMigration5 = R"sql(
ALTER TABLE tasks ADD COLUMN share_mode TEXT NOT NULL DEFAULT 'live';
ALTER TABLE tasks ADD COLUMN share_pinned_messages INTEGER;
ALTER TABLE tasks ADD COLUMN share_pinned_at INTEGER;
ALTER TABLE tasks ADD COLUMN share_expires_at INTEGER;
ALTER TABLE tasks ADD COLUMN share_show_creator INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN share_redact INTEGER NOT NULL DEFAULT 1;
)sql";

// Version 6. Users' secrets and the view counts of share links. A secret's value is stored only sealed
// (secrets/secret_box.h: encrypted and bound to its owner and name); the store never sees it. A task's
// view count goes with the task.
constexpr std::string_view kMigration6 = R"sql(
CREATE TABLE secrets (
  owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  sealed TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (owner_id, name)
);
CREATE TABLE share_views (
  task_id TEXT PRIMARY KEY NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  views INTEGER NOT NULL,
  last_viewed_at INTEGER NOT NULL
);
)sql";

// Version 7. messages.redaction_verdict: whether the built-in redaction rules leave the body unchanged,
// as a hash of the body under the rules' version (storage/task_codec.h); NULL when they do not, or when
// it is not known (rows written before this version, or by a node of an earlier version still running
// while others are upgraded), and such bodies are scanned whenever a share view shows them.
constexpr std::string_view kMigration7 = R"sql(
ALTER TABLE messages ADD COLUMN redaction_verdict INTEGER;
)sql";

// Version 8. share_views becomes a WITHOUT ROWID table: one B-tree keyed by task id instead of a rowid
// table and an index of its key, so a flush of view counts (sorted by task id) writes one page where it
// wrote two.
constexpr std::string_view kMigration8 = R"sql(
CREATE TABLE share_views_by_task (
  task_id TEXT PRIMARY KEY NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  views INTEGER NOT NULL,
  last_viewed_at INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO share_views_by_task(task_id, views, last_viewed_at)
  SELECT task_id, views, last_viewed_at FROM share_views;
DROP TABLE share_views;
ALTER TABLE share_views_by_task RENAME TO share_views;
)sql";

// Version 9. Each message's rowid becomes task_seq * 2^24 + position (storage/sqlite/task_rows.h,
// MessageRowid; 2^24 is 16777216), so that a task's messages are one range of the table's B-tree and
// are read without a lookup per message through the (task_seq, position) index. The table is rebuilt
// in that order; the index stays for appends, deletes and the foreign key's cascade.
constexpr std::string_view kMigration9 = R"sql(
CREATE TABLE messages_by_rowid (
  task_seq INTEGER NOT NULL REFERENCES tasks(seq) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  msg_key TEXT,
  body TEXT NOT NULL,
  checksum INTEGER,
  redaction_verdict INTEGER,
  PRIMARY KEY (task_seq, position)
);
INSERT INTO messages_by_rowid(rowid, task_seq, position, msg_key, body, checksum, redaction_verdict)
  SELECT task_seq * 16777216 + position, task_seq, position, msg_key, body, checksum, redaction_verdict
  FROM messages ORDER BY task_seq, position;
DROP TABLE messages;
ALTER TABLE messages_by_rowid RENAME TO messages;
CREATE UNIQUE INDEX messages_by_key ON messages(task_seq, msg_key) WHERE msg_key IS NOT NULL;
)sql";

// Version 10: message blocks (storage/message_blocks.h), the share response's messages packed in
// LZ4-compressed runs, written beside the message rows by every write (storage/sqlite/message_rows.h).
// A block's id is the MessageRowid of its first message, so a task's blocks are one range of ids. The
// index serves the foreign key's cascade. The messages already stored are packed by the migration's
// code step, PackStoredMessages.
constexpr std::string_view kMigration10 = R"sql(
CREATE TABLE message_blocks (
  id INTEGER PRIMARY KEY,
  task_seq INTEGER NOT NULL REFERENCES tasks(seq) ON DELETE CASCADE,
  first_position INTEGER NOT NULL,
  message_count INTEGER NOT NULL,
  raw_bytes INTEGER NOT NULL,
  data BLOB NOT NULL,
  checksum INTEGER NOT NULL,
  redaction_verdict INTEGER
);
CREATE INDEX message_blocks_by_task ON message_blocks(task_seq);
)sql";

// Version 11: instance_settings, one row (id 1) of settings that hold for the whole database, so far the
// share-link kill switch (api/admin_api.h); no row means sharing is on.
constexpr std::string_view kMigration11 = R"sql(
CREATE TABLE instance_settings (
  id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
  sharing_enabled INTEGER NOT NULL
);
)sql";

// Version 12. The ids of deleted tasks, kept for ever: a deleted task's links have been handed out, so
// its id must never name another task. DeleteTask writes the row in the transaction that deletes the
// task, and the trigger refuses every insert of such an id into tasks, whichever code makes it (an
// API create, an import, a schedule's run); CreateTask checks first, to answer kAlreadyExists. Writers
// take turns on SQLite's write lock, so no insert can slip between a delete and its row here. Ids of
// tasks deleted before this version are not known.
constexpr std::string_view kMigration12 = R"sql(
CREATE TABLE deleted_tasks (
  id TEXT PRIMARY KEY NOT NULL,
  deleted_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER tasks_never_reuse_a_deleted_id BEFORE INSERT ON tasks
  WHEN EXISTS (SELECT 1 FROM deleted_tasks WHERE id = NEW.id)
BEGIN
  SELECT RAISE(ABORT, 'the id of a deleted task is never used again');
END;
)sql";

// Version 13. Retired secret values: each sealed value a secret had before a put replaced it or a
// delete removed it, moved here as it was, in the transaction of that put or delete. Its seal is bound
// to the owner and the name, which the row keeps, so it still opens; share views keep redacting it
// from transcripts that may still hold it. A retired value goes with its user.
constexpr std::string_view kMigration13 = R"sql(
CREATE TABLE retired_secrets (
  owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  sealed TEXT NOT NULL,
  retired_at INTEGER NOT NULL
);
CREATE INDEX retired_secrets_by_owner ON retired_secrets(owner_id, name);
)sql";

// Version 14. instance_settings.secrets_key_check: the check value of the secrets key (secrets/
// secret_box.h, KeyCheck) that the database's secrets are sealed with, stored by the first server
// started on it with a key; a server with another key refuses to start (cli/secrets_key.h). NULL until
// then, and in a row made by the kill switch. The code step, NormalizeStoredEmails
// (storage/sqlite/user_ops.h), puts stored emails in their normal form (domain/email.h) where no other
// user's email differs from them only in case.
constexpr std::string_view kMigration14 = R"sql(
ALTER TABLE instance_settings ADD COLUMN secrets_key_check TEXT;
)sql";

// Version 15. The list of a user's tasks filtered by status, visibility, shared or is_scheduled reads
// an index of that filter (storage/task_filters.h), so a filter that matches few tasks, or none, costs
// what it returns instead of a walk through all the owner's tasks. `shared` is indexed as the expression
// the list statements spell (domain/access.h, IsShared). And message keys keep their id's JSON type
// (domain/messages.h, MessageKey): msg_key was the value of a string id but the JSON text of any other,
// so the ids 1 and "1" had one key; the code step, RekeyStringIds, rewrites the key of every message
// whose id is a string as that string's JSON text. Both steps can be applied again.
constexpr std::string_view kMigration15 = R"sql(
CREATE INDEX IF NOT EXISTS tasks_by_owner_status ON tasks(owner_id, status, created_at DESC, seq DESC);
CREATE INDEX IF NOT EXISTS tasks_by_owner_visibility ON tasks(owner_id, visibility, created_at DESC, seq DESC);
CREATE INDEX IF NOT EXISTS tasks_by_owner_shared
  ON tasks(owner_id, (visibility IN ('public', 'unlisted')), created_at DESC, seq DESC);
CREATE INDEX IF NOT EXISTS tasks_by_owner_scheduled ON tasks(owner_id, is_scheduled, created_at DESC, seq DESC);
)sql";

// The keys are recomputed from the bodies by MessageKey itself, so they are exactly those an append of
// the same message now makes (a repeated "id" member counts by its last value, as the parser keeps it).
// New keys are collected first and written in two statements, all cleared then all set, because a new
// key could equal the old key of a row not yet rewritten (a string id that itself begins with a quote)
// and the unique index checks each row as it is written. A body that no longer parses keeps its key;
// reading it reports it as corrupt anyway.
constexpr std::string_view kKeyedMessagesSql =
    "SELECT rowid, msg_key, body FROM messages WHERE msg_key IS NOT NULL";
constexpr std::string_view kCreateRekeyedSql =
    "CREATE TEMP TABLE rekeyed (id INTEGER PRIMARY KEY, msg_key TEXT NOT NULL)";
constexpr std::string_view kAddRekeyedSql = "INSERT INTO temp.rekeyed(id, msg_key) VALUES (?1, ?2)";
constexpr std::string_view kClearRekeyedSql =
    "UPDATE messages SET msg_key = NULL WHERE rowid IN (SELECT id FROM temp.rekeyed)";
constexpr std::string_view kSetRekeyedSql =
    "UPDATE messages SET msg_key = (SELECT r.msg_key FROM temp.rekeyed r WHERE r.id = messages.rowid) "
    "WHERE rowid IN (SELECT id FROM temp.rekeyed)";
constexpr std::string_view kDropRekeyedSql = "DROP TABLE temp.rekeyed";

Status RekeyStringIds(Connection& conn) {
  if (Status s = conn.ExecScript(kCreateRekeyedSql); !s.ok()) return s;
  {
    Result<Statement> keyed = conn.Prepare(kKeyedMessagesSql);
    if (!keyed.ok()) return keyed.status();
    for (;;) {
      Result<bool> row = keyed->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      boost::system::error_code ec;
      const boost::json::value body = boost::json::parse(keyed->ColumnText(2), ec);
      if (ec || !body.is_object()) continue;
      const std::optional<std::string> key = MessageKey(body.get_object());
      if (!key || *key == keyed->ColumnText(1)) continue;
      if (Status s = conn.Run(kAddRekeyedSql, keyed->ColumnInt64(0), *key); !s.ok()) return s;
    }
  }
  for (const std::string_view sql : {kClearRekeyedSql, kSetRekeyedSql, kDropRekeyedSql}) {
    if (Status s = conn.ExecScript(sql); !s.ok()) return s;
  }
  return Status::Ok();
}

// Version 16. What the quotas of domain/quotas.h count, kept where a write can read it in its own
// transaction. tasks.message_bytes is the length of the JSON text of the task's messages, maintained by
// every write of messages (storage/sqlite/message_rows.h) and computed here for the tasks already
// stored (their rowid range, MessageRowid: seq * 2^24 to seq * 2^24 + 2^24 - 1). users.task_count is
// the number of tasks the user holds, maintained by the two triggers whichever code inserts or deletes
// a task (an API create, an import, a schedule's run, a delete), and counted here for the tasks
// already stored.
constexpr std::string_view kMigration16 = R"sql(
ALTER TABLE tasks ADD COLUMN message_bytes INTEGER NOT NULL DEFAULT 0;
UPDATE tasks SET message_bytes = (
  SELECT COALESCE(SUM(length(CAST(m.body AS BLOB))), 0) FROM messages m
  WHERE m.rowid BETWEEN tasks.seq * 16777216 AND tasks.seq * 16777216 + 16777215)
WHERE message_count > 0;
ALTER TABLE users ADD COLUMN task_count INTEGER NOT NULL DEFAULT 0;
UPDATE users SET task_count = (SELECT COUNT(*) FROM tasks t WHERE t.owner_id = users.id);
CREATE TRIGGER tasks_counted_in AFTER INSERT ON tasks
BEGIN
  UPDATE users SET task_count = task_count + 1 WHERE id = NEW.owner_id;
END;
CREATE TRIGGER tasks_counted_out AFTER DELETE ON tasks
BEGIN
  UPDATE users SET task_count = task_count - 1 WHERE id = OLD.owner_id;
END;
)sql";

// Version 17. Browser sessions and sign-in attempts (domain/session.h). A session is kept by the
// SHA-256 of its cookie's id, never the id, and goes with its user; user_id is indexed for sign-out
// everywhere and for a change of the user's team or role, which end every session of the user. An
// attempt is kept by the hash of its state until its callback takes it. Both are keyed by text and
// looked up by the key alone, so WITHOUT ROWID, as share_views: one B-tree each. Expired rows are
// deleted by each CreateSession. Written so that it can be applied again.
constexpr std::string_view kMigration17 = R"sql(
CREATE TABLE IF NOT EXISTS sessions (
  id_hash TEXT PRIMARY KEY NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  idle_expires_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(user_id);
CREATE TABLE IF NOT EXISTS sign_in_attempts (
  state_hash TEXT PRIMARY KEY NOT NULL,
  nonce TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  return_to TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 18. The tasks that users other than their owner read because of who they are (domain/
// access.h: team and support; storage/task_filters.h), newest first for each visibility, so that
// ListReadableTasks walks the tasks of one visibility in order instead of every task there is. Partial:
// private, public and unlisted tasks, most of them, are neither in it nor maintained in it. Written so
// that it can be applied again.
constexpr std::string_view kMigration18 = R"sql(
CREATE INDEX IF NOT EXISTS tasks_by_readable_visibility ON tasks(visibility, created_at DESC, seq DESC)
  WHERE visibility IN ('team', 'support');
)sql";

// A migration: its SQL script, then, if set, a step of code in the same transaction.
struct Migration {
  std::string_view sql;
  Status (*code)(Connection& conn) = nullptr;
};

constexpr std::array<Migration, 18> kMigrations = {{{kMigration1},
                                                    {kMigration2},
                                                    {kMigration3},
                                                    {kMigration4},
                                                    {kMigration5},
                                                    {kMigration6},
                                                    {kMigration7},
                                                    {kMigration8},
                                                    {kMigration9},
                                                    {kMigration10, PackStoredMessages},
                                                    {kMigration11},
                                                    {kMigration12},
                                                    {kMigration13},
                                                    {kMigration14, NormalizeStoredEmails},
                                                    {kMigration15, RekeyStringIds},
                                                    {kMigration16},
                                                    {kMigration17},
                                                    {kMigration18}}};

constexpr std::string_view kCreateMigrationsTableSql =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL)";
constexpr std::string_view kNewestAppliedSql = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
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

  const Migration& migration = kMigrations[version - 1];
  if (Status s = conn.ExecScript(migration.sql); !s.ok()) return s;
  if (migration.code != nullptr) {
    if (Status s = migration.code(conn); !s.ok()) return s;
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

// Each version in a transaction of its own (storage/migration_runner.h has the rest of the shape).
Status ApplyMigrations(Connection& conn) {
  if (Status s = conn.ExecScript(kCreateMigrationsTableSql); !s.ok()) return s;
  Result<int> newest = NewestApplied(conn);
  if (!newest.ok()) return newest.status();
  return ApplyPendingMigrations(*newest, LatestSchemaVersion(),
                                [&conn](int version) { return ApplyOne(conn, version); });
}

}  // namespace taskshare::sqlite
