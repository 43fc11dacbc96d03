// Behaviour of the SQLite backend beyond the storage contract: database URLs, WAL and migrations
// under concurrent opens, schema versions, lock timeouts and failures inside a write.
#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/ids.h"
#include "storage/sqlite/migrations.h"
#include "storage/store.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

// Undoes migration 15's indexes, for tests that take a database back to an earlier version.
const std::string kDropListIndexes =
    "DROP INDEX tasks_by_owner_status; DROP INDEX tasks_by_owner_visibility; "
    "DROP INDEX tasks_by_owner_shared; DROP INDEX tasks_by_owner_scheduled; ";

SqliteOptions SqliteAt(const std::string& path, int connections = 4, int busy_timeout_ms = 5000) {
  SqliteOptions options;
  options.path = path;
  options.connections = connections;
  options.busy_timeout_ms = busy_timeout_ms;
  return options;
}

TEST(OpenStoreTest, ParsesDatabaseUrls) {
  TempDir dir;
  const std::string path = (dir.path() / "a.db").string();
  ASSERT_OK(OpenStore(UrlOptions("sqlite:" + path)));
  ASSERT_OK(OpenStore(UrlOptions(path)));
  const Status mysql = StatusOf(OpenStore(UrlOptions("mysql://localhost/db")));
  EXPECT_EQ(mysql.code(), Code::kInvalidArgument);
  EXPECT_NE(mysql.message().find("mysql"), std::string::npos) << mysql.message();
  EXPECT_EQ(StatusOf(OpenStore(UrlOptions("sqlite:"))).code(), Code::kInvalidArgument);
  EXPECT_EQ(StatusOf(OpenStore(UrlOptions(path, 0))).code(), Code::kInvalidArgument);
}

TEST(SqliteStoreTest, UsesWalAndAppliesEachMigrationOnceUnderConcurrentOpens) {
  TempDir dir;
  const std::string path = (dir.path() / "m.db").string();
  std::vector<std::thread> openers;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    openers.emplace_back([&] {
      auto opened = OpenSqliteStore(SqliteAt(path, 2));
      if (!opened.ok()) {
        ++failures;
        ADD_FAILURE() << opened.status().message() << " " << opened.status().detail();
      }
    });
  }
  for (std::thread& t : openers) t.join();
  EXPECT_EQ(failures, 0);
  ASSERT_OK(OpenSqliteStore(SqliteAt(path)));
  RawSqlite raw(path);
  EXPECT_EQ(raw.QueryText("SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(sqlite::LatestSchemaVersion()));
  std::string every_version = "1";
  for (int v = 2; v <= sqlite::LatestSchemaVersion(); ++v) every_version += "," + std::to_string(v);
  EXPECT_EQ(
      raw.QueryText("SELECT group_concat(version) FROM (SELECT version FROM schema_migrations ORDER BY 1)"),
      every_version);
  EXPECT_EQ(raw.QueryText("PRAGMA journal_mode"), "wal");
}

// What migration 16 added, taken away again to put a database back in an older shape.
constexpr std::string_view kUndoMigration16 =
    "DROP TRIGGER tasks_counted_in; DROP TRIGGER tasks_counted_out; "
    "ALTER TABLE tasks DROP COLUMN message_bytes; ALTER TABLE users DROP COLUMN task_count; ";

// Migration 8 rebuilds share_views as a WITHOUT ROWID table: the counts of a version-7 database (its
// table put back in the version-7 shape, and the records of the migrations since removed) come through it.
TEST(SqliteStoreTest, ShareViewCountsSurviveTheTablesRebuild) {
  TempDir dir;
  const std::string path = (dir.path() / "v.db").string();
  Task task;
  {
    auto store = OpenSqliteStore(SqliteAt(path));
    ASSERT_OK(store);
    const User ana = NewUser("ana@views.test");
    const StoredApiKey key{.key_hash = "hash-of-ana", .prefix = std::nullopt, .created_at = 1};
    ASSERT_OK((*store)->CreateUser(ana, key));
    task.id = NewUuidV4();
    task.owner_id = ana.id;
    task.title = "viewed";
    task.created_at = task.updated_at = 1000;
    ASSERT_OK((*store)->CreateTask(task, {}));
  }
  RawSqlite(path).Exec(
      "DROP TABLE share_views; "
      "CREATE TABLE share_views (task_id TEXT PRIMARY KEY NOT NULL REFERENCES tasks(id) ON DELETE CASCADE, "
      "views INTEGER NOT NULL, last_viewed_at INTEGER NOT NULL); "
      "INSERT INTO share_views VALUES ('" +
      task.id +
      "', 41, 5000); "
      "DROP TABLE message_blocks; DROP TABLE instance_settings; DROP TRIGGER tasks_never_reuse_a_deleted_id; "
      "DROP TABLE deleted_tasks; DROP TABLE retired_secrets; " +
      kDropListIndexes + std::string(kUndoMigration16) + "DELETE FROM schema_migrations WHERE version >= 8");

  auto store = OpenSqliteStore(SqliteAt(path));
  ASSERT_OK(store);
  RawSqlite raw(path);
  EXPECT_NE(raw.QueryText("SELECT sql FROM sqlite_schema WHERE name = 'share_views'").find("WITHOUT ROWID"),
            std::string::npos);
  ASSERT_OK((*store)->AddShareViews({{task.id, 1, 6000}}));
  auto views = (*store)->GetShareViews(task.id);
  ASSERT_OK(views);
  EXPECT_EQ(views->views, 42);
  EXPECT_EQ(views->last_viewed_at, 6000);
  ASSERT_OK((*store)->DeleteTask(task.id));
  EXPECT_EQ(raw.QueryText("SELECT COUNT(*) FROM share_views"), "0") << "the rebuilt table still cascades";
}

// Migration 9 renumbers message rows by task and position. A version-8 table (rows numbered in the
// order they arrived, two tasks' messages interleaved) comes through it whole, in order, and appends
// carry on after it.
TEST(SqliteStoreTest, MessagesKeepTheirOrderThroughTheirRenumbering) {
  TempDir dir;
  const std::string path = (dir.path() / "m.db").string();
  Task first, second;
  {
    auto store = OpenSqliteStore(SqliteAt(path));
    ASSERT_OK(store);
    const User ana = NewUser("ana@rows.test");
    const StoredApiKey key{.key_hash = "hash-of-ana", .prefix = std::nullopt, .created_at = 1};
    ASSERT_OK((*store)->CreateUser(ana, key));
    for (Task* t : {&first, &second}) {
      t->id = NewUuidV4();
      t->owner_id = ana.id;
      t->title = "rows";
      t->created_at = t->updated_at = 1000;
      ASSERT_OK((*store)->CreateTask(*t, {Unkeyed("n0")}));
    }
    ASSERT_OK((*store)->AppendMessages(first.id, {Keyed("a", "first 1"), Unkeyed("n2")}, 2000));
    ASSERT_OK((*store)->AppendMessages(second.id, {Unkeyed("n1")}, 2000));
  }
  RawSqlite(path).Exec(
      "CREATE TABLE old_messages (task_seq INTEGER NOT NULL REFERENCES tasks(seq) ON DELETE CASCADE, "
      "position INTEGER NOT NULL, msg_key TEXT, body TEXT NOT NULL, checksum INTEGER, "
      "redaction_verdict INTEGER, PRIMARY KEY (task_seq, position)); "
      "INSERT INTO old_messages(task_seq, position, msg_key, body, checksum, redaction_verdict) "
      "SELECT task_seq, position, msg_key, body, checksum, redaction_verdict FROM messages "
      "ORDER BY position, task_seq; "
      "DROP TABLE messages; ALTER TABLE old_messages RENAME TO messages; "
      "CREATE UNIQUE INDEX messages_by_key ON messages(task_seq, msg_key) WHERE msg_key IS NOT NULL; "
      "DROP TABLE message_blocks; DROP TABLE instance_settings; DROP TRIGGER tasks_never_reuse_a_deleted_id; "
      "DROP TABLE deleted_tasks; DROP TABLE retired_secrets; " +
      kDropListIndexes + std::string(kUndoMigration16) + "DELETE FROM schema_migrations WHERE version >= 9");
  RawSqlite old(path);
  ASSERT_EQ(old.QueryText("SELECT MAX(rowid) FROM messages"), "5") << "the rows are numbered as they came";

  auto store = OpenSqliteStore(SqliteAt(path));
  ASSERT_OK(store);
  RawSqlite raw(path);
  EXPECT_EQ(raw.QueryText("SELECT COUNT(*) FROM messages WHERE rowid != task_seq * 16777216 + position"),
            "0");
  EXPECT_EQ(raw.QueryText("SELECT COUNT(*) FROM messages"), "5");
  Result<TaskSnapshot> got = (*store)->GetSnapshot(first.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->messages,
            (std::vector<std::string>{Unkeyed("n0").json, Keyed("a", "first 1").json, Unkeyed("n2").json}));
  Result<AppendResult> more = (*store)->AppendMessages(first.id, {Keyed("a", "again"), Unkeyed("n3")}, 3000);
  ASSERT_OK(more);
  EXPECT_EQ(more->appended, 1) << "keys stored before the renumbering are still known";
  EXPECT_EQ(raw.QueryText("SELECT COUNT(*) FROM messages WHERE rowid != task_seq * 16777216 + position"), "0")
      << "rows written since are numbered as the migration numbered the others";
  got = (*store)->GetSnapshot(second.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->messages, (std::vector<std::string>{Unkeyed("n0").json, Unkeyed("n1").json}));
  ASSERT_OK((*store)->DeleteTask(first.id));
  EXPECT_EQ(raw.QueryText("SELECT COUNT(*) FROM messages"), "2") << "the cascade still finds a task's rows";
}

TEST(SqliteStoreTest, RefusesASchemaNewerThanItKnows) {
  TempDir dir;
  const std::string path = (dir.path() / "n.db").string();
  ASSERT_OK(OpenSqliteStore(SqliteAt(path)));
  RawSqlite(path).Exec("INSERT INTO schema_migrations(version, applied_at) VALUES (999, 0)");
  EXPECT_EQ(StatusOf(OpenSqliteStore(SqliteAt(path))).code(), Code::kInternal);
}

TEST(SqliteStoreTest, LockedDatabaseIsUnavailable) {
  TempDir dir;
  const std::string path = (dir.path() / "b.db").string();
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(SqliteAt(path, 1, 50));
  ASSERT_OK(store);
  const User user = NewUser("a@example.com");
  ASSERT_OK((*store)->CreateUser(user, KeyHash("h")));
  RawSqlite locker(path);
  locker.Exec("BEGIN IMMEDIATE");
  const Status s = (*store)->CreateUser(NewUser("b@example.com"), KeyHash("h2"));
  EXPECT_EQ(s.code(), Code::kUnavailable);
  EXPECT_EQ(s.message(), "database is busy");
  ASSERT_OK((*store)->FindUserByEmail("a@example.com"));  // WAL readers are not blocked
  locker.Exec("ROLLBACK");
  ASSERT_OK((*store)->CreateUser(NewUser("b@example.com"), KeyHash("h2")));
}

// A store on a fresh file that holds one task with `messages`.
struct OneTask {
  TempDir dir;
  std::string path = (dir.path() / "f.db").string();
  std::unique_ptr<Store> store;
  Task task;
};

void OpenWithOneTask(OneTask& t, const std::vector<NewMessage>& messages, UnixMicros updated_at) {
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(SqliteAt(t.path));
  ASSERT_OK(store);
  t.store = std::move(*store);
  const User user = NewUser("a@example.com");
  ASSERT_OK(t.store->CreateUser(user, KeyHash("h")));
  t.task.id = NewUuidV4();
  t.task.owner_id = user.id;
  t.task.updated_at = updated_at;
  ASSERT_OK(t.store->CreateTask(t.task, messages));
}

TEST(SqliteStoreTest, AppendIsAllOrNothingWhenAnInsertFails) {
  OneTask t;
  ASSERT_NO_FATAL_FAILURE(OpenWithOneTask(t, {Keyed("a")}, 10));
  Store* store = t.store.get();
  const Task& task = t.task;
  RawSqlite(t.path).Exec(
      "CREATE TRIGGER refuse_boom BEFORE INSERT ON messages WHEN NEW.msg_key = '\"boom\"' "
      "BEGIN SELECT RAISE(ABORT, 'refused'); END");
  const Status s = StatusOf(store->AppendMessages(task.id, {Keyed("b"), Keyed("boom")}, 20));
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_EQ(s.message(), "storage error");
  Result<TaskSnapshot> got = store->GetSnapshot(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->messages, std::vector<std::string>{Keyed("a").json});
  EXPECT_EQ(got->task.updated_at, 10);
  // The connection is usable again afterwards.
  Result<AppendResult> ok = store->AppendMessages(task.id, {Keyed("b")}, 30);
  ASSERT_OK(ok);
  EXPECT_EQ(ok->message_count, 2);
}

TEST(SqliteStoreTest, AMessageBodyChangedBehindTheStoresBackIsRefused) {
  OneTask t;
  ASSERT_NO_FATAL_FAILURE(OpenWithOneTask(t, {Keyed("a"), Keyed("b")}, 0));
  Store* store = t.store.get();
  const Task& task = t.task;
  RawSqlite raw(t.path);

  // Still valid JSON, but not the bytes that were stored: the checksum catches it.
  raw.Exec(R"(UPDATE messages SET body = '{"id":"b","text":"hi!"}' WHERE position = 1)");
  const Status changed = StatusOf(store->GetSnapshot(task.id));
  EXPECT_EQ(changed.code(), Code::kInternal);
  EXPECT_EQ(changed.message(), "Failed to load snapshot");

  // A row without a checksum (written before schema version 2) is checked by parsing instead.
  raw.Exec(R"(UPDATE messages SET checksum = NULL WHERE position = 1)");
  ASSERT_OK(store->GetSnapshot(task.id));
  raw.Exec(R"(UPDATE messages SET body = '{broken' WHERE position = 1)");
  EXPECT_EQ(StatusOf(store->GetSnapshot(task.id)).code(), Code::kInternal);
}

}  // namespace
}  // namespace taskshare::testing
