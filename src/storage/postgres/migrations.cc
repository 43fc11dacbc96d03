#include "storage/postgres/migrations.h"

#include <array>
#include <string>
#include <string_view>

#include "common/time.h"
#include "storage/migration_runner.h"

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

// Version 2: what other nodes need to know about changes. Every UPDATE or DELETE of a task row runs
// taskshare_task_changed() in its own transaction, which (a) sends NOTIFY on the channel
// taskshare_task_changed (kTaskChangedChannel in migrations.h) with the task's id as payload, delivered
// to listening nodes only when the transaction commits, and (b) on UPDATE bumps tasks.version, the
// task's change counter that a read replica's copy is checked against. Every write that changes what a
// viewer of a task sees (an append, which updates message_count; a patch; a delete; anything added
// later) changes the task's row, so none can be missed, whatever part of the code makes it. Inserts
// are not reported: nothing is cached about a task that did not exist.
constexpr std::string_view kMigration2 = R"sql(
ALTER TABLE tasks ADD COLUMN version bigint NOT NULL DEFAULT 0;
CREATE FUNCTION taskshare_task_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('taskshare_task_changed', OLD.id);
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  NEW.version := OLD.version + 1;
  RETURN NEW;
END
$$;
CREATE TRIGGER tasks_changed BEFORE UPDATE OR DELETE ON tasks
  FOR EACH ROW EXECUTE FUNCTION taskshare_task_changed();
)sql";

// Version 3: schedules and their executions (domain/schedule.h), as SQLite's version 3. A deleted
// schedule keeps its row, with deleted_at set and no next_execution_at, because the tasks it created
// still show its values in their schedule_info. next_execution_at is set exactly when the schedule is
// active and not deleted, so the scheduler's query for due schedules reads schedules_due alone. An
// execution keeps its row when its task is deleted (task_id becomes NULL); each task has at most one.
constexpr std::string_view kMigrationSchedules = R"sql(
CREATE TABLE schedules (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  owner_id text NOT NULL REFERENCES users(id),
  name text,
  task_message text NOT NULL,
  schedule_type text NOT NULL,
  scan_frequency text,
  start_time text,
  anchor_at bigint,
  run_at bigint,
  visibility text NOT NULL,
  model text,
  secret_names text NOT NULL,
  project_id text,
  status text NOT NULL,
  execution_count bigint NOT NULL DEFAULT 0,
  last_executed_at bigint,
  next_execution_at bigint,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  deleted_at bigint
);
CREATE INDEX schedules_by_owner_newest ON schedules(owner_id, created_at DESC, seq DESC);
CREATE INDEX schedules_due ON schedules(next_execution_at, seq) WHERE next_execution_at IS NOT NULL;
CREATE TABLE schedule_executions (
  id text PRIMARY KEY,
  schedule_id text NOT NULL REFERENCES schedules(id),
  task_id text UNIQUE REFERENCES tasks(id) ON DELETE SET NULL,
  scheduled_at bigint NOT NULL,
  started_at bigint NOT NULL,
  completed_at bigint,
  status text NOT NULL
);
CREATE INDEX schedule_executions_by_schedule ON schedule_executions(schedule_id, started_at DESC);
)sql";

// Version 4: api_keys.prefix, as SQLite's version 4: the key's first characters (common/ids.h
// ApiKeyPrefix), so that a user can recognise a key without it being stored; NULL for older keys.
constexpr std::string_view kMigrationKeyPrefix = R"sql(
ALTER TABLE api_keys ADD COLUMN prefix text;
)sql";

// Version 5: a task's share settings, as SQLite's version 5. They live on the task's row, so every
// change to them fires the trigger of version 2 (one NOTIFY per task, also for a statement that
// unshares many tasks at once) and bumps the version a replica's copy is checked against.
constexpr std::string_view kMigrationShareSettings = R"sql(
ALTER TABLE tasks ADD COLUMN share_mode text NOT NULL DEFAULT 'live';
ALTER TABLE tasks ADD COLUMN share_pinned_messages bigint;
ALTER TABLE tasks ADD COLUMN share_pinned_at bigint;
ALTER TABLE tasks ADD COLUMN share_expires_at bigint;
ALTER TABLE tasks ADD COLUMN share_show_creator boolean NOT NULL DEFAULT false;
ALTER TABLE tasks ADD COLUMN share_redact boolean NOT NULL DEFAULT true;
)sql";

// Version 6: users' secrets and the view counts of share links, as SQLite's version 6. A secret's value
// is stored only sealed (secrets/secret_box.h). Every statement that writes secrets sends NOTIFY on
// taskshare_task_changed with the payload "*" (kEveryTask in storage/change_feed.h), delivered when its
// transaction commits: the redaction of every share view of the owner's tasks may have changed, and
// listening nodes drop their cached share responses. A task's view count goes with the task.
constexpr std::string_view kMigrationSecrets = R"sql(
CREATE TABLE secrets (
  owner_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name text NOT NULL,
  sealed text NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (owner_id, name)
);
CREATE FUNCTION taskshare_secrets_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('taskshare_task_changed', '*');
  RETURN NULL;
END
$$;
CREATE TRIGGER secrets_changed AFTER INSERT OR UPDATE OR DELETE ON secrets
  FOR EACH STATEMENT EXECUTE FUNCTION taskshare_secrets_changed();
CREATE TABLE share_views (
  task_id text PRIMARY KEY REFERENCES tasks(id) ON DELETE CASCADE,
  views bigint NOT NULL,
  last_viewed_at bigint NOT NULL
);
)sql";

// Version 7: messages.redaction_verdict, as SQLite's version 7 (storage/task_codec.h). Adding a column
// with no default rewrites no rows.
constexpr std::string_view kMigrationRedactionVerdict = R"sql(
ALTER TABLE messages ADD COLUMN redaction_verdict bigint;
)sql";

// Version 8: instance_settings, as SQLite's version 11: one row (id 1) of settings that hold for every
// node on the database, so far the share-link kill switch (api/admin_api.h); no row means sharing is
// on. Every statement that writes the table sends NOTIFY on taskshare_task_changed with the payload
// "sharing" (kSharingChanged in storage/change_feed.h), delivered when its transaction commits, on
// which each listening node re-reads the switch.
constexpr std::string_view kMigrationInstanceSettings = R"sql(
CREATE TABLE instance_settings (
  id integer PRIMARY KEY CHECK (id = 1),
  sharing_enabled boolean NOT NULL
);
CREATE FUNCTION taskshare_settings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('taskshare_task_changed', 'sharing');
  RETURN NULL;
END
$$;
CREATE TRIGGER instance_settings_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON instance_settings
  FOR EACH STATEMENT EXECUTE FUNCTION taskshare_settings_changed();
)sql";

// Version 9: the ids of deleted tasks, kept for ever, as SQLite's version 12: a deleted task's links
// have been handed out, so its id must never name another task. DeleteTask writes the row in the
// statement that deletes the task. The trigger refuses every insert of such an id into tasks, whichever
// code makes it, with unique_violation. It runs AFTER the insert on purpose: an insert of an id whose
// row a concurrent transaction is deleting waits, in the unique index, for that transaction to end, and
// only then does the trigger's query (a fresh snapshot, as every query of a volatile function in a
// read-committed transaction) look for the id here, so it sees the committed delete's row. A check
// made before the insert could read the table before that delete committed. Ids of tasks deleted
// before this version are not known.
constexpr std::string_view kMigrationDeletedTasks = R"sql(
CREATE TABLE deleted_tasks (
  id text PRIMARY KEY,
  deleted_at bigint NOT NULL
);
CREATE FUNCTION taskshare_task_id_unused() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM deleted_tasks d WHERE d.id = NEW.id) THEN
    RAISE EXCEPTION 'the id % of a deleted task is never used again', NEW.id
      USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER tasks_never_reuse_a_deleted_id AFTER INSERT ON tasks
  FOR EACH ROW EXECUTE FUNCTION taskshare_task_id_unused();
)sql";

// Version 10: retired secret values, as SQLite's version 13: each sealed value a secret had before a put
// replaced it or a delete removed it, moved here as it was, in the transaction of that put or delete,
// so that share views keep redacting it. seq orders one name's values oldest first. Rows are written
// only together with a write to secrets, whose trigger (version 6) already announces it.
constexpr std::string_view kMigrationRetiredSecrets = R"sql(
CREATE TABLE retired_secrets (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name text NOT NULL,
  sealed text NOT NULL,
  retired_at bigint NOT NULL
);
CREATE INDEX retired_secrets_by_owner ON retired_secrets(owner_id, name);
)sql";

// Version 11, as SQLite's version 14: instance_settings.secrets_key_check, the check value of the
// secrets key the database's secrets are sealed with (cli/secrets_key.h); and stored emails put in
// their normal form (domain/email.h, NormalizeEmail: ASCII letters lower-cased, which translate() does
// here whatever the database's locale) where no other user's email differs from them only in case.
constexpr std::string_view kMigrationKeyCheckAndEmails = R"sql(
ALTER TABLE instance_settings ADD COLUMN secrets_key_check text;
UPDATE users u
  SET email = translate(u.email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
  WHERE u.email <> translate(u.email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
    AND NOT EXISTS (
      SELECT 1 FROM users o
      WHERE o.id <> u.id
        AND translate(o.email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') =
            translate(u.email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'));
)sql";

// Version 12: a write of a secret announces that secret alone, so that nodes evict only the views
// redacted with it: a put (insert, or update of the value) sends NOTIFY on taskshare_task_changed with
// the payload "secret:" OWNER ":" NAME (kSecretChangedPrefix in storage/change_feed.h) in place of
// version 6's "*" for every statement, even one that wrote nothing. A delete announces nothing: the
// value moves to retired_secrets and stays redacted, so no view changes. Written so that it can be
// applied again.
constexpr std::string_view kMigrationScopedSecretNews = R"sql(
DROP TRIGGER IF EXISTS secrets_changed ON secrets;
DROP FUNCTION IF EXISTS taskshare_secrets_changed();
CREATE OR REPLACE FUNCTION taskshare_secret_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('taskshare_task_changed', 'secret:' || NEW.owner_id || ':' || NEW.name);
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS secret_written ON secrets;
CREATE TRIGGER secret_written AFTER INSERT OR UPDATE ON secrets
  FOR EACH ROW EXECUTE FUNCTION taskshare_secret_written();
)sql";

// Version 13, as SQLite's version 15: the indexes of the filters of a task list (storage/task_filters.h),
// so that a filter that matches few tasks, or none, costs what it returns instead of a walk through
// all the owner's tasks; `shared` is indexed as the expression the list statements spell. And message
// keys keep their id's JSON type (domain/messages.h, MessageKey): msg_key was the value of a string id
// but the JSON text of any other, so the ids 1 and "1" had one key. Each key whose message's id is a
// string becomes that string's JSON text: to_json escapes exactly as Boost.JSON does (\", \\, \b,
// \f, \n, \r, \t, other control characters as \u00xx, nothing else), and json's -> takes the last
// of repeated members, as Boost.JSON's parser keeps it. A body may hold the escape \u0000, which json
// refuses to look into (it decodes strings to text); each \u0000 (chr(92) is the backslash) becomes
// \u0001 for the look, which leaves the body valid JSON with the same structure and the same type of
// id (old keys never held a NUL: PostgreSQL refused them). The keys are cleared, then set, in two
// statements, because a new key could equal the old key of a row not yet rewritten (a string id that
// itself begins with a quote) and the unique index checks each row as it is written. It can be applied
// again: the indexes are made if missing, and a key that already is its id's JSON text is left alone
// (for an id holding U+0000 that holds only if its look above found it).
constexpr std::string_view kMigrationListIndexesAndTypedKeys = R"sql(
CREATE INDEX IF NOT EXISTS tasks_by_owner_status ON tasks(owner_id, status, created_at DESC, seq DESC);
CREATE INDEX IF NOT EXISTS tasks_by_owner_visibility ON tasks(owner_id, visibility, created_at DESC, seq DESC);
CREATE INDEX IF NOT EXISTS tasks_by_owner_shared
  ON tasks(owner_id, (visibility IN ('public', 'unlisted')), created_at DESC, seq DESC);
CREATE INDEX IF NOT EXISTS tasks_by_owner_scheduled ON tasks(owner_id, is_scheduled, created_at DESC, seq DESC);
CREATE TEMP TABLE rekeyed AS
  SELECT task_seq, position, to_json(msg_key)::text AS msg_key FROM messages
  WHERE msg_key IS NOT NULL
    AND json_typeof(replace(body, chr(92) || 'u0000', chr(92) || 'u0001')::json -> 'id') = 'string'
    AND msg_key IS DISTINCT FROM
        to_json(replace(body, chr(92) || 'u0000', chr(92) || 'u0001')::json ->> 'id')::text;
UPDATE messages m SET msg_key = NULL FROM rekeyed r
  WHERE m.task_seq = r.task_seq AND m.position = r.position;
UPDATE messages m SET msg_key = r.msg_key FROM rekeyed r
  WHERE m.task_seq = r.task_seq AND m.position = r.position;
DROP TABLE rekeyed;
)sql";

// Version 14: what the quotas of domain/quotas.h count, as SQLite's version 16. tasks.message_bytes is
// the length of the JSON text of the task's messages, maintained by every write of messages
// (storage/postgres/message_rows.h) and computed here for the tasks already stored; the task trigger of
// version 2 is off while it is, since no viewer sees anything change (no NOTIFY, no new version).
// users.task_count is the number of tasks the user holds, maintained by the trigger whichever code
// inserts or deletes a task, and counted here for the tasks already stored. The trigger's update holds
// the owner's row until the transaction ends, so the creates of one user take turns from their insert
// on, and CreateTask reads a count no concurrent create can change before it commits.
constexpr std::string_view kMigrationQuotaCounts = R"sql(
ALTER TABLE tasks ADD COLUMN message_bytes bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks DISABLE TRIGGER tasks_changed;
UPDATE tasks t SET message_bytes = m.bytes
  FROM (SELECT task_seq, sum(octet_length(body))::bigint AS bytes FROM messages GROUP BY task_seq) m
  WHERE m.task_seq = t.seq;
ALTER TABLE tasks ENABLE TRIGGER tasks_changed;
ALTER TABLE users ADD COLUMN task_count bigint NOT NULL DEFAULT 0;
UPDATE users u SET task_count = c.tasks
  FROM (SELECT owner_id, count(*) AS tasks FROM tasks GROUP BY owner_id) c
  WHERE c.owner_id = u.id;
CREATE FUNCTION taskshare_count_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE users SET task_count = task_count + 1 WHERE id = NEW.owner_id;
  ELSE
    UPDATE users SET task_count = task_count - 1 WHERE id = OLD.owner_id;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER tasks_counted AFTER INSERT OR DELETE ON tasks
  FOR EACH ROW EXECUTE FUNCTION taskshare_count_tasks();
)sql";

// Version 15: browser sessions and sign-in attempts (domain/session.h), as SQLite's version 17. A
// session is kept by the SHA-256 of its cookie's id, never the id, and goes with its user; user_id is
// indexed for sign-out everywhere and for a change of the user's team or role, which end every session
// of the user. An attempt is kept by the hash of its state until its callback takes it. Expired rows
// are deleted by each CreateSession. No trigger: nothing cached depends on them. Written so that it can
// be applied again.
constexpr std::string_view kMigrationSessions = R"sql(
CREATE TABLE IF NOT EXISTS sessions (
  id_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at bigint NOT NULL,
  idle_expires_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(user_id);
CREATE TABLE IF NOT EXISTS sign_in_attempts (
  state_hash text PRIMARY KEY,
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  return_to text NOT NULL,
  expires_at bigint NOT NULL
);
)sql";

// Version 16, as SQLite's version 18: the index of the team and support tasks (domain/access.h), newest
// first for each visibility, that ListReadableTasks walks; partial, so that private, public and
// unlisted tasks are neither in it nor maintained in it. Written so that it can be applied again.
constexpr std::string_view kMigrationReadableIndex = R"sql(
CREATE INDEX IF NOT EXISTS tasks_by_readable_visibility ON tasks(visibility, created_at DESC, seq DESC)
  WHERE visibility IN ('team', 'support');
)sql";

constexpr std::array<std::string_view, 16> kMigrations = {kMigration1,
                                                          kMigration2,
                                                          kMigrationSchedules,
                                                          kMigrationKeyPrefix,
                                                          kMigrationShareSettings,
                                                          kMigrationSecrets,
                                                          kMigrationRedactionVerdict,
                                                          kMigrationInstanceSettings,
                                                          kMigrationDeletedTasks,
                                                          kMigrationRetiredSecrets,
                                                          kMigrationKeyCheckAndEmails,
                                                          kMigrationScopedSecretNews,
                                                          kMigrationListIndexesAndTypedKeys,
                                                          kMigrationQuotaCounts,
                                                          kMigrationSessions,
                                                          kMigrationReadableIndex};

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
  // Every version in this one transaction, under the lock (storage/migration_runner.h has the rest of
  // the shape).
  const Status applied = ApplyPendingMigrations(
      static_cast<int>(newest_rows->Int64(0, 0)), LatestSchemaVersion(), [&conn](int version) -> Status {
        if (Status s = conn.ExecScript(kMigrations[version - 1]); !s.ok()) return s;
        return conn.Query(kRecordAppliedSql, version, NowMicros()).outcome();
      });
  if (!applied.ok()) return applied;
  return tx->Commit();
}

}  // namespace taskshare::postgres
