// The storage contract: the behaviour every Store backend must show, written once and run against
// each backend in Backends(). Tests specific to one backend follow the contract suite.
#include "storage/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/ids.h"
#include "storage/sqlite/sqlite_store.h"

namespace taskshare {
namespace {

namespace fs = std::filesystem;

std::string Describe(const Status& s) {
  return "code " + std::to_string(static_cast<int>(s.code())) + ": " + s.message() + " [" +
         s.detail() + "]";
}
Status StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.ok() ? Status::Ok() : r.status();
}
#define ASSERT_OK(expr)                                           \
  do {                                                            \
    const Status status_of_expr = StatusOf(expr);                 \
    ASSERT_TRUE(status_of_expr.ok()) << Describe(status_of_expr); \
  } while (false)

User NewUser(const std::string& email) {
  User user;
  user.id = NewUuidV4();
  user.email = email;
  return user;
}

TaskQuery OwnedBy(const std::string& owner_id, int limit = 20) {
  TaskQuery query;
  query.owner_id = owner_id;
  query.limit = limit;
  return query;
}

TaskQuery Filtered(const std::string& owner_id, std::optional<TaskStatus> status,
                   std::optional<Visibility> visibility, std::optional<bool> is_scheduled) {
  TaskQuery query = OwnedBy(owner_id);
  query.status = status;
  query.visibility = visibility;
  query.is_scheduled = is_scheduled;
  return query;
}

TaskPatch TitlePatch(const std::string& title) {
  TaskPatch patch;
  patch.title = title;
  return patch;
}

StoreOptions UrlOptions(const std::string& url, int connections = 4) {
  StoreOptions options;
  options.url = url;
  options.connections = connections;
  return options;
}

SqliteOptions SqliteAt(const std::string& path, int connections = 4, int busy_timeout_ms = 5000) {
  SqliteOptions options;
  options.path = path;
  options.connections = connections;
  options.busy_timeout_ms = busy_timeout_ms;
  return options;
}

// A directory removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "taskshare-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
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

// The database behind one test. Open() can be called again (after the previous store is destroyed)
// and reaches the same data; ExecRaw and QueryInt reach it without going through the store.
class TestDatabase {
 public:
  virtual ~TestDatabase() = default;
  virtual Result<std::unique_ptr<Store>> Open() = 0;
  virtual void ExecRaw(const std::string& sql) = 0;
  virtual std::int64_t QueryInt(const std::string& sql) = 0;
};

class SqliteTestDatabase final : public TestDatabase {
 public:
  Result<std::unique_ptr<Store>> Open() override {
    return OpenStore(UrlOptions("sqlite:" + Path()));
  }
  void ExecRaw(const std::string& sql) override { RawSqlite(Path()).Exec(sql); }
  std::int64_t QueryInt(const std::string& sql) override {
    return std::stoll(RawSqlite(Path()).QueryText(sql));
  }

 private:
  std::string Path() const { return (dir_.path() / "store.db").string(); }
  TempDir dir_;
};

struct Backend {
  std::string name;
  std::function<std::unique_ptr<TestDatabase>()> make;  // a fresh, empty database
};

void PrintTo(const Backend& backend, std::ostream* os) { *os << backend.name; }

// Backends that need a server join this list only when their environment variable names one.
std::vector<Backend> Backends() {
  std::vector<Backend> backends;
  backends.push_back({"Sqlite", [] { return std::make_unique<SqliteTestDatabase>(); }});
  return backends;
}

NewMessage Keyed(const std::string& key, const std::string& text = "hi") {
  return {R"({"id":")" + key + R"(","role":"user","content":")" + text + R"("})",
          "\"" + key + "\""};
}
NewMessage Unkeyed(const std::string& text) {
  return {R"({"role":"assistant","content":")" + text + R"("})", std::nullopt};
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = GetParam().make();
    Reopen();
  }

  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<Store>> store = db_->Open();
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
    const Status s = store().CreateUser(user, "hash-of-" + email);
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

  // Every page of `query`, following `next` to the end.
  std::vector<std::string> ListAllIds(TaskQuery query) {
    std::vector<std::string> ids;
    for (int pages = 0; pages < 1000; ++pages) {
      Result<TaskPage> page = store().ListTasks(query);
      EXPECT_TRUE(page.ok()) << Describe(StatusOf(page));
      if (!page.ok()) break;
      for (const Task& t : page->tasks) ids.push_back(t.id);
      if (!page->next) break;
      query.after = page->next;
    }
    return ids;
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

ScheduleInfo FullSchedule() {
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
  info.execution_info =
      ExecutionInfo{"9f0e3b2c-1d4a-4e5f-8a6b-7c8d9e0f1a2b", 1'767'225'600'000'000,
                    1'767'225'601'000'000, 1'767'225'700'123'456, ExecutionStatus::kFailed};
  return info;
}

void ExpectSameSchedule(const ScheduleInfo& a, const ScheduleInfo& b) {
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

TEST_P(StoreTest, CreateAndGetRoundTripsEveryField) {
  const User owner = AddUser("ana@example.com", "red-team");
  Task task = NewTask(owner, 1'767'225'600'123'456, "Audit \"api\" — ünïcode");
  task.status = TaskStatus::kSuspended;
  task.visibility = Visibility::kTeam;
  task.source = Source::kLinear;
  task.completion_delivery = CompletionDelivery::kArtifact;
  task.is_isolated = true;
  task.is_scheduled = true;
  task.model = "model-x";
  task.project_id = "5d9f3c0e-8b7a-4c6d-9e1f-2a3b4c5d6e7f";
  task.secret_names = {"GITHUB_TOKEN", "name with \"quotes\"", ""};
  task.schedule_info = FullSchedule();
  task.updated_at = task.created_at + 5;
  Create(task);

  Result<Task> got = store().GetTask(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->id, task.id);
  EXPECT_EQ(got->owner_id, owner.id);
  EXPECT_EQ(got->created_by, "ana@example.com");
  EXPECT_EQ(got->owner_team, "red-team");
  EXPECT_EQ(got->title, task.title);
  EXPECT_EQ(got->status, TaskStatus::kSuspended);
  EXPECT_EQ(got->visibility, Visibility::kTeam);
  EXPECT_EQ(got->source, Source::kLinear);
  EXPECT_EQ(got->completion_delivery, CompletionDelivery::kArtifact);
  EXPECT_TRUE(got->is_isolated);
  EXPECT_TRUE(got->is_scheduled);
  EXPECT_EQ(got->model, "model-x");
  EXPECT_EQ(got->project_id, task.project_id);
  EXPECT_EQ(got->secret_names, task.secret_names);
  ASSERT_TRUE(got->schedule_info.has_value());
  ExpectSameSchedule(*got->schedule_info, *task.schedule_info);
  EXPECT_EQ(got->created_at, task.created_at);
  EXPECT_EQ(got->updated_at, task.updated_at);
  EXPECT_GT(got->seq, 0);
}

TEST_P(StoreTest, AbsentOptionalsStayAbsent) {
  const User owner = AddUser("solo@example.com");
  const Task task = Create(NewTask(owner, 1000));
  Result<TaskSnapshot> got = store().GetSnapshot(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->task.owner_team, std::nullopt);
  EXPECT_EQ(got->task.completion_delivery, std::nullopt);
  EXPECT_EQ(got->task.model, std::nullopt);
  EXPECT_EQ(got->task.project_id, std::nullopt);
  EXPECT_FALSE(got->task.schedule_info.has_value());
  EXPECT_TRUE(got->task.secret_names.empty());
  EXPECT_FALSE(got->task.is_isolated);
  EXPECT_FALSE(got->task.is_scheduled);
  EXPECT_EQ(got->task.status, TaskStatus::kPending);
  EXPECT_EQ(got->task.visibility, Visibility::kPrivate);
  EXPECT_EQ(got->task.source, Source::kWeb);
  EXPECT_TRUE(got->messages.empty());
  EXPECT_EQ(store().GetTask(NewUuidV4()).status().code(), Code::kNotFound);
  EXPECT_EQ(store().GetSnapshot(NewUuidV4()).status().code(), Code::kNotFound);
}

TEST_P(StoreTest, CreateStoresInitialMessagesVerbatimSkippingRepeatedKeys) {
  const User owner = AddUser("a@example.com");
  const NewMessage odd{R"({"n":1.50,"e":"\u00e9","z":[],"id":null})", R"(null)"};
  const Task task = Create(NewTask(owner, 1),
                           {Keyed("m1"), odd, Keyed("m1", "again"), Unkeyed("x"), Unkeyed("x")});
  EXPECT_EQ(Messages(task.id), (std::vector<std::string>{Keyed("m1").json, odd.json,
                                                         Unkeyed("x").json, Unkeyed("x").json}));
  Result<AppendResult> again = store().AppendMessages(task.id, {Keyed("m1")}, 2);
  ASSERT_OK(again);
  EXPECT_EQ(again->appended, 0);
  EXPECT_EQ(again->message_count, 4);
}

TEST_P(StoreTest, DuplicateTaskIdIsAlreadyExistsAndChangesNothing) {
  const User owner = AddUser("a@example.com");
  const Task first = Create(NewTask(owner, 10, "first"), {Keyed("m1")});
  Task second = NewTask(owner, 20, "second");
  second.id = first.id;
  const Status s = store().CreateTask(second, {Keyed("m2"), Keyed("m3")});
  EXPECT_EQ(s.code(), Code::kAlreadyExists);
  EXPECT_EQ(s.message(), "Task already exists");
  Result<Task> got = store().GetTask(first.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->title, "first");
  EXPECT_EQ(Messages(first.id), std::vector<std::string>{Keyed("m1").json});
}

TEST_P(StoreTest, TaskOfUnknownOwnerIsNotFoundAndNotStored) {
  const User ghost = NewUser("ghost@example.com");
  const Task task = NewTask(ghost, 10);
  const Status s = store().CreateTask(task, {Keyed("m1")});
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(s.message(), "User not found");
  EXPECT_EQ(store().GetTask(task.id).status().code(), Code::kNotFound);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM messages"), 0);
}

TEST_P(StoreTest, UsersAreFoundByKeyHashAndEmail) {
  const User user = AddUser("sup@example.com", "blue", Role::kSupport);
  AddUser("other@example.com");
  for (const Result<User>& found : {store().FindUserByKeyHash("hash-of-sup@example.com"),
                                    store().FindUserByEmail("sup@example.com")}) {
    ASSERT_OK(found);
    EXPECT_EQ(found->id, user.id);
    EXPECT_EQ(found->email, "sup@example.com");
    EXPECT_EQ(found->role, Role::kSupport);
    EXPECT_EQ(found->team, "blue");
    EXPECT_EQ(found->created_at, user.created_at);
  }
  EXPECT_EQ(store().FindUserByKeyHash("no-such-hash").status().code(), Code::kNotFound);
  EXPECT_EQ(store().FindUserByEmail("nobody@example.com").status().code(), Code::kNotFound);
}

TEST_P(StoreTest, DuplicateEmailIsAlreadyExistsAndStoresNoKey) {
  AddUser("dup@example.com");
  const Status s = store().CreateUser(NewUser("dup@example.com"), "second-hash");
  EXPECT_EQ(s.code(), Code::kAlreadyExists);
  EXPECT_EQ(s.message(), "User already exists");
  EXPECT_EQ(store().FindUserByKeyHash("second-hash").status().code(), Code::kNotFound);
}

TEST_P(StoreTest, AppendKeepsOrderAndSetsUpdatedAt) {
  const User owner = AddUser("a@example.com");
  const Task task = Create(NewTask(owner, 100), {Keyed("m0")});
  Result<AppendResult> r =
      store().AppendMessages(task.id, {Keyed("m1"), Unkeyed("u"), Keyed("m2")}, 555);
  ASSERT_OK(r);
  EXPECT_EQ(r->appended, 3);
  EXPECT_EQ(r->message_count, 4);
  EXPECT_EQ(Messages(task.id), (std::vector<std::string>{Keyed("m0").json, Keyed("m1").json,
                                                         Unkeyed("u").json, Keyed("m2").json}));
  EXPECT_EQ(store().GetTask(task.id)->updated_at, 555);
  EXPECT_EQ(store().GetTask(task.id)->created_at, 100);
}

TEST_P(StoreTest, RetriedAppendIsIdempotent) {
  const User owner = AddUser("a@example.com");
  const Task task = Create(NewTask(owner, 100));
  const std::vector<NewMessage> batch = {Keyed("a"), Keyed("b"), Keyed("a", "dup"), Keyed("c")};
  Result<AppendResult> first = store().AppendMessages(task.id, batch, 200);
  ASSERT_OK(first);
  EXPECT_EQ(first->appended, 3);
  EXPECT_EQ(first->message_count, 3);
  Result<AppendResult> retry = store().AppendMessages(task.id, batch, 300);
  ASSERT_OK(retry);
  EXPECT_EQ(retry->appended, 0);
  EXPECT_EQ(retry->message_count, 3);
  EXPECT_EQ(store().GetTask(task.id)->updated_at, 200);  // nothing appended, nothing changed
  Result<AppendResult> mixed = store().AppendMessages(task.id, {Keyed("c"), Keyed("d")}, 400);
  ASSERT_OK(mixed);
  EXPECT_EQ(mixed->appended, 1);
  EXPECT_EQ(mixed->message_count, 4);
  EXPECT_EQ(Messages(task.id), (std::vector<std::string>{Keyed("a").json, Keyed("b").json,
                                                         Keyed("c").json, Keyed("d").json}));
}

TEST_P(StoreTest, AppendToMissingTaskIsNotFoundAndStoresNothing) {
  const User owner = AddUser("a@example.com");
  Create(NewTask(owner, 100));
  Result<AppendResult> r = store().AppendMessages(NewUuidV4(), {Keyed("a"), Unkeyed("b")}, 200);
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_EQ(r.status().message(), "Task not found");
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM messages"), 0);
}

TEST_P(StoreTest, UpdateTaskAppliesOnlyThePatchedFields) {
  const User owner = AddUser("a@example.com");
  Task task = NewTask(owner, 100, "old title");
  task.model = "m1";
  task.visibility = Visibility::kPublic;
  Create(task, {Keyed("k")});

  Result<Task> updated = store().UpdateTask(task.id, TitlePatch("new title"), 700);
  ASSERT_OK(updated);
  EXPECT_EQ(updated->title, "new title");
  EXPECT_EQ(updated->model, "m1");
  EXPECT_EQ(updated->visibility, Visibility::kPublic);
  EXPECT_EQ(updated->status, TaskStatus::kPending);
  EXPECT_EQ(updated->updated_at, 700);
  EXPECT_EQ(updated->created_at, 100);
  EXPECT_EQ(updated->created_by, "a@example.com");

  TaskPatch patch;
  patch.status = TaskStatus::kCompleted;
  patch.visibility = Visibility::kPrivate;
  patch.model = "m2";
  updated = store().UpdateTask(task.id, patch, 800);
  ASSERT_OK(updated);
  Result<TaskSnapshot> got = store().GetSnapshot(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->task.title, "new title");
  EXPECT_EQ(got->task.status, TaskStatus::kCompleted);
  EXPECT_EQ(got->task.visibility, Visibility::kPrivate);
  EXPECT_EQ(got->task.model, "m2");
  EXPECT_EQ(got->task.updated_at, 800);
  EXPECT_EQ(got->messages.size(), 1U);

  EXPECT_EQ(store().UpdateTask(NewUuidV4(), TitlePatch("x"), 900).status().code(), Code::kNotFound);
}

TEST_P(StoreTest, DeleteTaskRemovesTaskAndMessages) {
  const User owner = AddUser("a@example.com");
  const Task doomed = Create(NewTask(owner, 100), {Keyed("a"), Keyed("b")});
  const Task kept = Create(NewTask(owner, 200), {Keyed("a")});
  ASSERT_OK(store().DeleteTask(doomed.id));
  EXPECT_EQ(store().GetTask(doomed.id).status().code(), Code::kNotFound);
  EXPECT_EQ(store().GetSnapshot(doomed.id).status().code(), Code::kNotFound);
  EXPECT_EQ(store().AppendMessages(doomed.id, {Keyed("c")}, 300).status().code(), Code::kNotFound);
  EXPECT_EQ(store().DeleteTask(doomed.id).code(), Code::kNotFound);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM messages"), 1);
  EXPECT_EQ(Messages(kept.id).size(), 1U);
  EXPECT_EQ(ListAllIds(OwnedBy(owner.id)), std::vector<std::string>{kept.id});
}

TEST_P(StoreTest, ListIsNewestFirstWithTiesInReverseCreationOrder) {
  const User owner = AddUser("a@example.com");
  const User other = AddUser("b@example.com");
  const Task old = Create(NewTask(owner, 100));
  const Task tie1 = Create(NewTask(owner, 500));
  Create(NewTask(other, 400));
  const Task tie2 = Create(NewTask(owner, 500));
  const Task mid = Create(NewTask(owner, 300));
  Result<TaskPage> page = store().ListTasks(OwnedBy(owner.id, 10));
  ASSERT_OK(page);
  std::vector<std::string> ids;
  for (const Task& t : page->tasks) ids.push_back(t.id);
  EXPECT_EQ(ids, (std::vector<std::string>{tie2.id, tie1.id, mid.id, old.id}));
  EXPECT_FALSE(page->next.has_value());
  EXPECT_EQ(page->tasks[0].created_by, "a@example.com");
}

TEST_P(StoreTest, ListFilters) {
  const User owner = AddUser("a@example.com");
  Task a = NewTask(owner, 1);
  a.status = TaskStatus::kActive;
  a.visibility = Visibility::kPublic;
  Task b = NewTask(owner, 2);
  b.status = TaskStatus::kActive;
  b.is_scheduled = true;
  Task c = NewTask(owner, 3);
  c.visibility = Visibility::kPublic;
  c.is_scheduled = true;
  Create(a);
  Create(b);
  Create(c);
  const std::string& o = owner.id;
  EXPECT_EQ(ListAllIds(Filtered(o, TaskStatus::kActive, {}, {})),
            (std::vector<std::string>{b.id, a.id}));
  EXPECT_EQ(ListAllIds(Filtered(o, {}, Visibility::kPublic, {})),
            (std::vector<std::string>{c.id, a.id}));
  EXPECT_EQ(ListAllIds(Filtered(o, {}, {}, true)), (std::vector<std::string>{c.id, b.id}));
  EXPECT_EQ(ListAllIds(Filtered(o, {}, {}, false)), std::vector<std::string>{a.id});
  EXPECT_EQ(ListAllIds(Filtered(o, TaskStatus::kActive, {}, true)), std::vector<std::string>{b.id});
  EXPECT_TRUE(ListAllIds(Filtered(o, TaskStatus::kError, {}, {})).empty());
  EXPECT_TRUE(ListAllIds(OwnedBy(NewUuidV4())).empty());
}

TEST_P(StoreTest, PagingNeitherRepeatsNorSkipsWhileTasksAreCreated) {
  const User owner = AddUser("a@example.com");
  std::vector<std::string> expected;  // newest first
  for (int i = 0; i < 11; ++i)
    expected.insert(expected.begin(), Create(NewTask(owner, 1000 + i / 3)).id);

  std::vector<std::string> seen;
  TaskQuery query = OwnedBy(owner.id, 3);
  for (int page_number = 0;; ++page_number) {
    ASSERT_LT(page_number, 10);
    Result<TaskPage> page = store().ListTasks(query);
    ASSERT_OK(page);
    EXPECT_LE(page->tasks.size(), 3U);
    for (const Task& t : page->tasks) seen.push_back(t.id);
    if (!page->next) break;
    EXPECT_EQ(page->next->created_at, page->tasks.back().created_at);
    EXPECT_EQ(page->next->seq, page->tasks.back().seq);
    // Created between pages: newer tasks, and one that ties with the page's last created_at.
    Create(NewTask(owner, 5000 + page_number));
    Create(NewTask(owner, page->next->created_at));
    query.after = page->next;
  }
  EXPECT_EQ(seen, expected);

  // A final page that is exactly full has no next.
  Result<TaskPage> exact = store().ListTasks(OwnedBy(owner.id, 100));
  ASSERT_OK(exact);
  const auto total = exact->tasks.size();
  Result<TaskPage> full = store().ListTasks(OwnedBy(owner.id, static_cast<int>(total)));
  ASSERT_OK(full);
  EXPECT_EQ(full->tasks.size(), total);
  EXPECT_FALSE(full->next.has_value());
}

TEST_P(StoreTest, CorruptRowIsInternalFailedToLoadSnapshot) {
  const User owner = AddUser("a@example.com");
  const std::vector<std::pair<std::string, std::string>> corruptions = {
      {"status", "'exploded'"},
      {"visibility", "'Public'"},
      {"completion_delivery", "'x'"},
      {"secret_names", "'not json'"},
      {"schedule_info", "'{\"schedule_id\":1}'"},
  };
  for (const auto& [column, value] : corruptions) {
    SCOPED_TRACE(column);
    const Task task = Create(NewTask(owner, 100), {Keyed("a")});
    db_->ExecRaw("UPDATE tasks SET " + column + " = " + value + " WHERE id = '" + task.id + "'");
    const Status get = StatusOf(store().GetTask(task.id));
    const Status snapshot = StatusOf(store().GetSnapshot(task.id));
    const Status list = StatusOf(store().ListTasks(OwnedBy(owner.id)));
    for (const Status& s : {get, snapshot, list}) {
      EXPECT_EQ(s.code(), Code::kInternal);
      EXPECT_EQ(s.message(), "Failed to load snapshot");
      EXPECT_NE(s.detail().find(task.id), std::string::npos) << s.detail();
      EXPECT_NE(s.detail().find(column), std::string::npos) << s.detail();
    }
    ASSERT_OK(store().DeleteTask(task.id));
  }
}

TEST_P(StoreTest, DataSurvivesReopening) {
  const User owner = AddUser("a@example.com", "t");
  Task task = NewTask(owner, 100);
  task.schedule_info = FullSchedule();
  Create(task, {Keyed("a")});
  ASSERT_OK(store().AppendMessages(task.id, {Keyed("b")}, 200));
  ASSERT_OK(store().UpdateTask(task.id, TitlePatch("renamed"), 300));
  Reopen();
  Result<TaskSnapshot> got = store().GetSnapshot(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->task.title, "renamed");
  EXPECT_EQ(got->task.updated_at, 300);
  EXPECT_EQ(got->task.owner_team, "t");
  EXPECT_TRUE(got->task.schedule_info.has_value());
  EXPECT_EQ(got->messages, (std::vector<std::string>{Keyed("a").json, Keyed("b").json}));
  ASSERT_OK(store().FindUserByKeyHash("hash-of-a@example.com"));
}

TEST_P(StoreTest, ConcurrentAppendsLandExactlyOnce) {
  const User owner = AddUser("a@example.com");
  const Task task = Create(NewTask(owner, 100));
  constexpr int kThreads = 8;
  constexpr int kBatches = 10;
  std::atomic<bool> failed{false};
  std::atomic<bool> writing{true};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        // Each batch is sent twice, and every thread also sends the same shared keys.
        const std::vector<NewMessage> batch = {
            Keyed("t" + std::to_string(t) + "-" + std::to_string(b)),
            Keyed("shared-" + std::to_string(b))};
        for (int attempt = 0; attempt < 2; ++attempt) {
          if (!store().AppendMessages(task.id, batch, 200 + b).ok()) failed = true;
        }
      }
    });
  }
  std::thread reader([&] {
    while (writing) {
      if (!store().GetSnapshot(task.id).ok()) failed = true;
    }
  });
  for (std::thread& thread : threads) thread.join();
  writing = false;
  reader.join();
  EXPECT_FALSE(failed);

  const std::vector<std::string> messages = Messages(task.id);
  const std::set<std::string> distinct(messages.begin(), messages.end());
  EXPECT_EQ(messages.size(), static_cast<std::size_t>(kThreads * kBatches + kBatches));
  EXPECT_EQ(distinct.size(), messages.size());
  Result<AppendResult> count = store().AppendMessages(task.id, {Keyed("shared-0")}, 999);
  ASSERT_OK(count);
  EXPECT_EQ(count->message_count, static_cast<std::int64_t>(messages.size()));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param.name;
                         });

// ---- SQLite only ----

TEST(OpenStoreTest, ParsesDatabaseUrls) {
  TempDir dir;
  const std::string path = (dir.path() / "a.db").string();
  ASSERT_OK(OpenStore(UrlOptions("sqlite:" + path)));
  ASSERT_OK(OpenStore(UrlOptions(path)));
  for (const char* url : {"postgresql://u@localhost/db", "postgres://localhost/db"}) {
    const Status s = StatusOf(OpenStore(UrlOptions(url)));
    EXPECT_EQ(s.code(), Code::kInvalidArgument);
    EXPECT_EQ(s.message(), "PostgreSQL is not supported yet");
  }
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
      if (!OpenSqliteStore(SqliteAt(path, 2)).ok()) ++failures;
    });
  }
  for (std::thread& t : openers) t.join();
  EXPECT_EQ(failures, 0);
  ASSERT_OK(OpenSqliteStore(SqliteAt(path)));
  RawSqlite raw(path);
  EXPECT_EQ(raw.QueryText("SELECT COUNT(*) FROM schema_migrations"), "1");
  EXPECT_EQ(raw.QueryText("SELECT version FROM schema_migrations"), "1");
  EXPECT_EQ(raw.QueryText("PRAGMA journal_mode"), "wal");
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
  ASSERT_OK((*store)->CreateUser(user, "h"));
  RawSqlite locker(path);
  locker.Exec("BEGIN IMMEDIATE");
  const Status s = (*store)->CreateUser(NewUser("b@example.com"), "h2");
  EXPECT_EQ(s.code(), Code::kUnavailable);
  EXPECT_EQ(s.message(), "database is busy");
  ASSERT_OK((*store)->FindUserByEmail("a@example.com"));  // WAL readers are not blocked
  locker.Exec("ROLLBACK");
  ASSERT_OK((*store)->CreateUser(NewUser("b@example.com"), "h2"));
}

TEST(SqliteStoreTest, AppendIsAllOrNothingWhenAnInsertFails) {
  TempDir dir;
  const std::string path = (dir.path() / "f.db").string();
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(SqliteAt(path));
  ASSERT_OK(store);
  const User user = NewUser("a@example.com");
  ASSERT_OK((*store)->CreateUser(user, "h"));
  Task task;
  task.id = NewUuidV4();
  task.owner_id = user.id;
  task.updated_at = 10;
  ASSERT_OK((*store)->CreateTask(task, {Keyed("a")}));
  RawSqlite(path).Exec(
      "CREATE TRIGGER refuse_boom BEFORE INSERT ON messages WHEN NEW.msg_key = '\"boom\"' "
      "BEGIN SELECT RAISE(ABORT, 'refused'); END");
  const Status s = StatusOf((*store)->AppendMessages(task.id, {Keyed("b"), Keyed("boom")}, 20));
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_EQ(s.message(), "storage error");
  Result<TaskSnapshot> got = (*store)->GetSnapshot(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->messages, std::vector<std::string>{Keyed("a").json});
  EXPECT_EQ(got->task.updated_at, 10);
  // The connection is usable again afterwards.
  Result<AppendResult> ok = (*store)->AppendMessages(task.id, {Keyed("b")}, 30);
  ASSERT_OK(ok);
  EXPECT_EQ(ok->message_count, 2);
}

}  // namespace
}  // namespace taskshare
