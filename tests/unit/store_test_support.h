// Shared pieces of the storage tests: status assertions, builders of users, messages and queries,
// temporary directories, raw SQLite and PostgreSQL access that bypasses the store, and the StoreTest
// fixture that runs the storage contract (store_test.cc) against every backend listed in Backends():
// SQLite always, PostgreSQL when TASKSHARE_TEST_POSTGRES_URL names a server (scripts/test.sh starts
// one with scripts/pg-test-cluster.sh), each test then on a database of its own.
//
// Everything here is used from the test's own thread, except the Store that StoreTest opens, which
// is as thread-safe as storage/store.h promises. Harness failures (a temporary directory or a raw
// SQLite or libpq call that cannot be made) are thrown as std::runtime_error, which GoogleTest
// reports as a test failure.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#include "common/ids.h"
#include "postgres_test_support.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/store.h"

namespace taskshare::testing {

// ---- Status assertions ----

inline std::string Describe(const Status& s) {
  return "code " + std::to_string(static_cast<int>(s.code())) + ": " + s.message() + " [" + s.detail() + "]";
}
inline Status StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.ok() ? Status::Ok() : r.status();
}
// Asserts that a Status or a Result is ok, printing its code, message and detail if not.
#define ASSERT_OK(expr)                                           \
  do {                                                            \
    const Status status_of_expr = StatusOf(expr);                 \
    ASSERT_TRUE(status_of_expr.ok()) << Describe(status_of_expr); \
  } while (false)

// ---- Values ----

// A stored key of which only the hash matters, as for keys made before prefixes were stored.
// The message blocks Store::GetShareSnapshot gives for `id`; kInternal if it gave rows instead (a
// backend that keeps no blocks).
inline Result<PackedSnapshot> PackedOf(Store& store, std::string_view id) {
  Result<ShareSnapshot> read = store.GetShareSnapshot(id);
  if (!read.ok()) return read.status();
  if (auto* packed = std::get_if<PackedSnapshot>(&*read)) return std::move(*packed);
  return Status::Internal("rows, not blocks");
}

inline StoredApiKey KeyHash(std::string hash) {
  return {.key_hash = std::move(hash), .prefix = std::nullopt, .created_at = 0};
}

// A user with a fresh id and the default role, team and creation time.
inline User NewUser(const std::string& email) {
  User user;
  user.id = NewUuidV4();
  user.email = email;
  return user;
}

// A message with the idempotency key `key`, and one without a key.
inline NewMessage Keyed(const std::string& key, const std::string& text = "hi") {
  return {R"({"id":")" + key + R"(","role":"user","content":")" + text + R"("})", "\"" + key + "\""};
}
inline NewMessage Unkeyed(const std::string& text) {
  return {R"({"role":"assistant","content":")" + text + R"("})", std::nullopt};
}

// SQL that takes away what the migration of the quota counts added (SQLite 16, PostgreSQL 14), for
// tests that put a database back in an older shape and let the store migrate it again: that migration
// cannot be applied twice.
inline std::string UndoQuotaCountsSql(const std::string& backend) {
  const std::string columns =
      "ALTER TABLE tasks DROP COLUMN message_bytes; ALTER TABLE users DROP COLUMN task_count; ";
  if (backend == "Sqlite") return "DROP TRIGGER tasks_counted_in; DROP TRIGGER tasks_counted_out; " + columns;
  return "DROP TRIGGER tasks_counted ON tasks; DROP FUNCTION taskshare_count_tasks(); " + columns;
}

inline StoreOptions UrlOptions(const std::string& url, int connections = 4, const Quotas& quotas = {},
                               ChangeListener* changes = nullptr) {
  StoreOptions options;
  options.url = url;
  options.connections = connections;
  options.quotas = quotas;
  options.changes = changes;
  return options;
}

inline TaskQuery OwnedBy(const std::string& owner_id, int limit = 20) {
  TaskQuery query;
  query.owner_id = owner_id;
  query.limit = limit;
  return query;
}

inline TaskQuery Filtered(const std::string& owner_id, std::optional<TaskStatus> status,
                          std::optional<Visibility> visibility, std::optional<bool> is_scheduled) {
  TaskQuery query = OwnedBy(owner_id);
  query.status = status;
  query.visibility = visibility;
  query.is_scheduled = is_scheduled;
  return query;
}

inline TaskPatch TitlePatch(const std::string& title) {
  TaskPatch patch;
  patch.title = title;
  return patch;
}

// A schedule with every field set to a value other than its default.
inline ScheduleInfo FullSchedule() {
  ScheduleInfo info;
  info.schedule_id = "0b6c1a52-4c37-4b7e-9d41-6c2c8a3f1e20";
  info.schedule_name = "nightly \"scan\"";
  info.schedule_type = ScheduleType::kOneTime;
  info.schedule_status = ScheduleStatus::kPaused;
  info.execution_count = 7;
  info.last_executed_at = 1'767'225'600'250'000;
  info.next_execution_at = 1'767'312'000'000'001;
  info.scan_frequency = ScanFrequency::kWeekly;
  info.start_time = "02:30";
  info.execution_info = ExecutionInfo{"9f0e3b2c-1d4a-4e5f-8a6b-7c8d9e0f1a2b", 1'767'225'600'000'000,
                                      1'767'225'601'000'000, 1'767'225'700'123'456, ExecutionStatus::kFailed};
  return info;
}

inline void ExpectSameSchedule(const ScheduleInfo& a, const ScheduleInfo& b) {
  EXPECT_EQ(a.schedule_id, b.schedule_id);
  EXPECT_EQ(a.schedule_name, b.schedule_name);
  EXPECT_EQ(a.schedule_type, b.schedule_type);
  EXPECT_EQ(a.schedule_status, b.schedule_status);
  EXPECT_EQ(a.execution_count, b.execution_count);
  EXPECT_EQ(a.last_executed_at, b.last_executed_at);
  EXPECT_EQ(a.next_execution_at, b.next_execution_at);
  EXPECT_EQ(a.scan_frequency, b.scan_frequency);
  EXPECT_EQ(a.start_time, b.start_time);
  ASSERT_EQ(a.execution_info.has_value(), b.execution_info.has_value());
  if (!a.execution_info) return;
  EXPECT_EQ(a.execution_info->execution_id, b.execution_info->execution_id);
  EXPECT_EQ(a.execution_info->scheduled_at, b.execution_info->scheduled_at);
  EXPECT_EQ(a.execution_info->started_at, b.execution_info->started_at);
  EXPECT_EQ(a.execution_info->completed_at, b.execution_info->completed_at);
  EXPECT_EQ(a.execution_info->status, b.execution_info->status);
}

// ---- Files ----

// A directory removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "taskshare-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Raw access to a SQLite file, bypassing the store.
class RawSqlite {
 public:
  explicit RawSqlite(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("sqlite3_open");
    sqlite3_busy_timeout(db_, 5000);
  }
  RawSqlite(const RawSqlite&) = delete;
  RawSqlite& operator=(const RawSqlite&) = delete;
  ~RawSqlite() { sqlite3_close(db_); }

  void Exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      const std::string message = error != nullptr ? error : "?";
      sqlite3_free(error);
      throw std::runtime_error(message + " in: " + sql);
    }
  }
  // The first column of the first row as text; empty if there is no row or the value is NULL.
  std::string QueryText(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string(sqlite3_errmsg(db_)) + " in: " + sql);
    }
    std::string value;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

// ---- The contract fixture ----

// The database behind one test. Open() can be called again (after the previous store is destroyed)
// and reaches the same data, with the default quotas or `quotas`; ExecRaw and QueryInt reach it
// without going through the store.
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  Result<std::unique_ptr<Store>> Open(const Quotas& quotas = {}) { return Open(quotas, nullptr); }
  // `changes` (may be null) hears of the store's writes (StoreOptions::changes).
  virtual Result<std::unique_ptr<Store>> Open(const Quotas& quotas, ChangeListener* changes) = 0;
  virtual void ExecRaw(const std::string& sql) = 0;
  virtual std::int64_t QueryInt(const std::string& sql) = 0;
};

class SqliteTestDatabase final : public TestDatabase {
 public:
  Result<std::unique_ptr<Store>> Open(const Quotas& quotas, ChangeListener* changes) override {
    return OpenStore(UrlOptions("sqlite:" + Path(), 4, quotas, changes));
  }
  void ExecRaw(const std::string& sql) override { RawSqlite(Path()).Exec(sql); }
  std::int64_t QueryInt(const std::string& sql) override {
    return std::stoll(RawSqlite(Path()).QueryText(sql));
  }

 private:
  std::string Path() const { return (dir_.path() / "store.db").string(); }
  TempDir dir_;
};

// A database of its own on the PostgreSQL test server, dropped when the test ends.
class PostgresTestDatabase final : public TestDatabase {
 public:
  explicit PostgresTestDatabase(std::string server_url) : db_(std::move(server_url)) {}
  Result<std::unique_ptr<Store>> Open(const Quotas& quotas, ChangeListener* changes) override {
    return OpenStore(UrlOptions(db_.url(), 4, quotas, changes));
  }
  void ExecRaw(const std::string& sql) override { RawPostgres(db_.url()).Exec(sql); }
  std::int64_t QueryInt(const std::string& sql) override {
    return std::stoll(RawPostgres(db_.url()).QueryText(sql));
  }

 private:
  PostgresDatabase db_;
};

struct Backend {
  std::string name;
  std::function<std::unique_ptr<TestDatabase>()> make;  // a fresh, empty database
};

inline void PrintTo(const Backend& backend, std::ostream* os) { *os << backend.name; }

// Backends that need a server join this list only when their environment variable names one.
inline std::vector<Backend> Backends() {
  std::vector<Backend> backends;
  backends.push_back({"Sqlite", [] { return std::make_unique<SqliteTestDatabase>(); }});
  if (const std::string url = TestPostgresUrl(); !url.empty()) {
    backends.push_back({"Postgres", [url] { return std::make_unique<PostgresTestDatabase>(url); }});
  }
  return backends;
}

// Each test gets a fresh, empty database of the backend it is instantiated with, and a store open
// on it.
class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = GetParam().make();
    Reopen();
  }

  // Closes the store and opens a new one on the same database, held to `quotas`, that tells `changes`
  // (may be null) of its writes.
  void Reopen(const Quotas& quotas = {}, ChangeListener* changes = nullptr) {
    store_.reset();
    Result<std::unique_ptr<Store>> store = db_->Open(quotas, changes);
    ASSERT_OK(store);
    store_ = std::move(*store);
  }

  Store& store() { return *store_; }

  User AddUser(const std::string& email, std::optional<std::string> team = std::nullopt,
               Role role = Role::kUser) {
    User user = NewUser(email);
    user.role = role;
    user.team = std::move(team);
    user.created_at = 1'700'000'000'000'001;
    const Status s = store().CreateUser(
        user, {.key_hash = "hash-of-" + email, .prefix = std::nullopt, .created_at = user.created_at});
    EXPECT_TRUE(s.ok()) << Describe(s);
    return user;
  }

  static Task NewTask(const User& owner, UnixMicros created_at, std::string title = "a task") {
    Task task;
    task.id = NewUuidV4();
    task.owner_id = owner.id;
    task.title = std::move(title);
    task.created_at = created_at;
    task.updated_at = created_at;
    return task;
  }

  Task Create(const Task& task, const std::vector<NewMessage>& messages = {}) {
    const Status s = store().CreateTask(task, messages);
    EXPECT_TRUE(s.ok()) << Describe(s);
    return task;
  }

  std::vector<std::string> Messages(const std::string& id) {
    Result<TaskSnapshot> snapshot = store().GetSnapshot(id);
    EXPECT_TRUE(snapshot.ok()) << Describe(StatusOf(snapshot));
    return snapshot.ok() ? snapshot->messages : std::vector<std::string>{};
  }

  // Every page of `query` (a TaskQuery for ListTasks, a ReadableQuery for ListReadableTasks),
  // following `next` to the end.
  template <typename Query>
  std::vector<std::string> ListAllIds(Query query) {
    std::vector<std::string> ids;
    for (int pages = 0; pages < 1000; ++pages) {
      Result<TaskPage> page = ListPage(query);
      EXPECT_TRUE(page.ok()) << Describe(StatusOf(page));
      if (!page.ok()) break;
      for (const Task& t : page->tasks) ids.push_back(t.id);
      if (!page->next) break;
      query.after = page->next;
    }
    return ids;
  }
  Result<TaskPage> ListPage(const TaskQuery& query) { return store().ListTasks(query); }
  Result<TaskPage> ListPage(const ReadableQuery& query) { return store().ListReadableTasks(query); }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

}  // namespace taskshare::testing
