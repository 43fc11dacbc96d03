// Behaviour of the PostgreSQL backend beyond the storage contract: database URLs, an unreachable
// server, migrations under concurrent opens, schema versions, lock timeouts, connections the server
// drops, and failures inside a write. Tests that need a server run when TASKSHARE_TEST_POSTGRES_URL
// names one (scripts/test.sh starts one) and are skipped otherwise.
#include "storage/postgres/postgres_store.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/ids.h"
#include "storage/postgres/migrations.h"
#include "storage/store.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

using std::chrono::steady_clock;

// A loopback port that nothing listens on: bound, then released.
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("cannot find a free port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(OpenStoreTest, PostgresUrlOfAnUnreachableServerIsUnavailable) {
  const std::string address = "127.0.0.1:" + std::to_string(ClosedPort());
  for (const std::string& url : {"postgresql://u:secret@" + address + "/db", "postgres://" + address + "/db",
                                 "PostgreSQL://" + address}) {
    SCOPED_TRACE(url);
    const auto start = steady_clock::now();
    const Status s = StatusOf(OpenStore(UrlOptions(url)));
    EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(5));
    EXPECT_EQ(s.code(), Code::kUnavailable);
    EXPECT_EQ(s.message(), "service unavailable");
    EXPECT_NE(s.detail().find(address.substr(10)), std::string::npos) << s.detail();
    EXPECT_EQ(s.detail().find("secret"), std::string::npos) << s.detail();
  }
}

TEST(OpenStoreTest, MalformedPostgresUrlIsInvalidArgument) {
  for (const char* url : {"postgresql://[::1/db", "postgresql://h/db?no_such_parameter=1"}) {
    const Status s = StatusOf(OpenStore(UrlOptions(url)));
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << url << ": " << Describe(s);
  }
  EXPECT_EQ(StatusOf(OpenStore(UrlOptions("postgresql://127.0.0.1/db", 0))).code(), Code::kInvalidArgument);
}

// Tests on a fresh database of the test server.
class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (TestPostgresUrl().empty()) GTEST_SKIP() << "TASKSHARE_TEST_POSTGRES_URL is not set";
    db_ = std::make_unique<PostgresDatabase>(TestPostgresUrl());
  }

  PostgresOptions Options(int connections = 2) const {
    PostgresOptions options;
    options.url = db_->url();
    options.connections = connections;
    return options;
  }
  RawPostgres Raw() const { return RawPostgres(db_->url()); }

  // Opens a store and gives it a user and a task holding one message.
  void OpenWithOneTask(const PostgresOptions& options) {
    Result<std::unique_ptr<Store>> store = OpenPostgresStore(options);
    ASSERT_OK(store);
    store_ = std::move(*store);
    const User user = NewUser("a@example.com");
    ASSERT_OK(store_->CreateUser(user, KeyHash("h")));
    task_.id = NewUuidV4();
    task_.owner_id = user.id;
    task_.updated_at = 10;
    ASSERT_OK(store_->CreateTask(task_, {Keyed("a")}));
  }

  // The pid of the session of this database that waits for a lock, once there is one.
  std::string WaitingSession() {
    RawPostgres raw = Raw();
    for (int i = 0; i < 500; ++i) {
      const std::string pid = raw.QueryText(
          "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
          "AND wait_event_type = 'Lock'");
      if (!pid.empty()) return pid;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("no session waits for the lock");
  }

  std::unique_ptr<PostgresDatabase> db_;
  std::unique_ptr<Store> store_;
  Task task_;
};

TEST_F(PostgresStoreTest, AppliesEachMigrationOnceUnderConcurrentOpens) {
  std::vector<std::thread> openers;
  std::atomic<int> failures{0};
  for (int i = 0; i < 6; ++i) {
    openers.emplace_back([&] {
      Result<std::unique_ptr<Store>> opened = OpenStore(UrlOptions(db_->url(), 2));
      if (!opened.ok()) {
        ++failures;
        ADD_FAILURE() << Describe(opened.status());
      }
    });
  }
  for (std::thread& t : openers) t.join();
  EXPECT_EQ(failures, 0);
  ASSERT_OK(OpenPostgresStore(Options()));
  RawPostgres raw = Raw();
  EXPECT_EQ(raw.QueryText("SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(postgres::LatestSchemaVersion()));
  std::string every_version = "1";
  for (int v = 2; v <= postgres::LatestSchemaVersion(); ++v) every_version += "," + std::to_string(v);
  EXPECT_EQ(raw.QueryText("SELECT string_agg(version::text, ',' ORDER BY version) "
                          "FROM schema_migrations"),
            every_version);
}

TEST_F(PostgresStoreTest, RefusesASchemaNewerThanItKnows) {
  ASSERT_OK(OpenPostgresStore(Options()));
  Raw().Exec("INSERT INTO schema_migrations(version, applied_at) VALUES (999, 0)");
  const Status s = StatusOf(OpenPostgresStore(Options()));
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_NE(s.detail().find("999"), std::string::npos) << s.detail();
}

TEST_F(PostgresStoreTest, ARowLockHeldPastLockTimeoutIsBusy) {
  PostgresOptions options = Options(1);
  options.lock_timeout_ms = 100;
  ASSERT_NO_FATAL_FAILURE(OpenWithOneTask(options));
  RawPostgres locker = Raw();
  locker.Exec("BEGIN");
  locker.Exec("SELECT 1 FROM tasks FOR UPDATE");
  const Status s = StatusOf(store_->AppendMessages(task_.id, {Keyed("b")}, 20));
  EXPECT_EQ(s.code(), Code::kUnavailable);
  EXPECT_EQ(s.message(), "database is busy");
  ASSERT_OK(store_->GetSnapshot(task_.id));  // readers are not blocked
  locker.Exec("ROLLBACK");
  Result<AppendResult> ok = store_->AppendMessages(task_.id, {Keyed("b")}, 30);
  ASSERT_OK(ok);
  EXPECT_EQ(ok->message_count, 2);
}

// A schedule's run holds its owner's row (counting its new task) when it touches the tasks the
// schedule made before. A delete of one of those tasks takes the owner's row before the task's, so the
// two take turns instead of deadlocking. The raw session stands for the run.
TEST_F(PostgresStoreTest, ADeleteRacingWithAWriteThatHoldsTheOwnerDoesNotDeadlock) {
  ASSERT_NO_FATAL_FAILURE(OpenWithOneTask(Options(2)));
  RawPostgres run = Raw();
  run.Exec("BEGIN");
  run.Exec("UPDATE users SET task_count = task_count");
  std::future<Status> deleted = std::async(std::launch::async, [&] { return store_->DeleteTask(task_.id); });
  WaitingSession();  // the delete waits for the owner's row
  run.Exec("SET LOCAL lock_timeout = 3000");
  run.Exec("UPDATE tasks SET title = title WHERE id = '" + task_.id + "'");
  run.Exec("COMMIT");
  ASSERT_OK(deleted.get());
  EXPECT_EQ(store_->GetTask(task_.id).status().code(), Code::kNotFound);
  EXPECT_EQ(Raw().QueryText("SELECT task_count FROM users"), "0");
}

// What a client sees when the server restarts: every pooled connection is closed by the server.
TEST_F(PostgresStoreTest, ConnectionsTheServerClosedAreReplaced) {
  ASSERT_NO_FATAL_FAILURE(OpenWithOneTask(Options(3)));
  // Use every connection of the pool at once, so that all three are open.
  std::vector<std::future<Status>> reads;
  for (int i = 0; i < 6; ++i) {
    reads.push_back(std::async(std::launch::async, [&] { return StatusOf(store_->GetSnapshot(task_.id)); }));
  }
  for (auto& read : reads) ASSERT_OK(read.get());

  RawPostgres raw = Raw();
  const std::string others =
      "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
  EXPECT_EQ(raw.QueryText("SELECT COUNT(*) " + others), "3");
  raw.Exec("SELECT pg_terminate_backend(pid) " + others);
  for (int i = 0; i < 500 && raw.QueryText("SELECT COUNT(*) " + others) != "0"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Each session sent its FATAL before it left pg_stat_activity: every stale connection is found
  // out before it is used, and replaced.

  for (int i = 0; i < 6; ++i) {
    Result<AppendResult> r = store_->AppendMessages(task_.id, {Keyed("m" + std::to_string(i))}, 20 + i);
    ASSERT_OK(r);
    EXPECT_EQ(r->message_count, 2 + i);
  }
}

TEST_F(PostgresStoreTest, ACallWhoseConnectionIsLostIsUnavailableAndTheNextOneReconnects) {
  ASSERT_NO_FATAL_FAILURE(OpenWithOneTask(Options(1)));
  RawPostgres locker = Raw();
  locker.Exec("BEGIN");
  locker.Exec("SELECT 1 FROM tasks FOR UPDATE");
  // The append waits for the lock; its session is then ended under it.
  std::future<Result<AppendResult>> append =
      std::async(std::launch::async, [&] { return store_->AppendMessages(task_.id, {Keyed("lost")}, 20); });
  Raw().Exec("SELECT pg_terminate_backend(" + WaitingSession() + ")");
  const Status lost = StatusOf(append.get());
  EXPECT_EQ(lost.code(), Code::kUnavailable);
  EXPECT_EQ(lost.message(), "service unavailable");
  locker.Exec("ROLLBACK");

  Result<AppendResult> next = store_->AppendMessages(task_.id, {Keyed("b")}, 30);
  ASSERT_OK(next);
  EXPECT_EQ(next->message_count, 2);
  Result<TaskSnapshot> got = store_->GetSnapshot(task_.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->messages, (std::vector<std::string>{Keyed("a").json, Keyed("b").json}));
}

TEST_F(PostgresStoreTest, AppendIsAllOrNothingWhenAnInsertFails) {
  ASSERT_NO_FATAL_FAILURE(OpenWithOneTask(Options(1)));
  Raw().Exec(R"sql(
    CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.msg_key = '"boom"' THEN RAISE EXCEPTION 'refused'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER refuse_boom BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION refuse_boom();
  )sql");
  const Status s = StatusOf(store_->AppendMessages(task_.id, {Keyed("b"), Keyed("boom")}, 20));
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_EQ(s.message(), "storage error");
  EXPECT_NE(s.detail().find("refused"), std::string::npos) << s.detail();
  Result<TaskSnapshot> got = store_->GetSnapshot(task_.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->messages, std::vector<std::string>{Keyed("a").json});
  EXPECT_EQ(got->task.updated_at, 10);
  // The connection is usable again afterwards.
  Result<AppendResult> ok = store_->AppendMessages(task_.id, {Keyed("b")}, 30);
  ASSERT_OK(ok);
  EXPECT_EQ(ok->message_count, 2);
}

TEST_F(PostgresStoreTest, BodiesAreStoredAsTextAndCommitsAreSynchronous) {
  ASSERT_NO_FATAL_FAILURE(OpenWithOneTask(Options(1)));
  RawPostgres raw = Raw();
  EXPECT_EQ(raw.QueryText("SELECT data_type FROM information_schema.columns "
                          "WHERE table_name = 'messages' AND column_name = 'body'"),
            "text");
  EXPECT_EQ(raw.QueryText("SELECT body FROM messages"), Keyed("a").json);
  // The store names its sessions, and leaves synchronous_commit at the server's default, on.
  EXPECT_EQ(raw.QueryText("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                          "AND application_name = 'taskshare'"),
            "1");
  EXPECT_EQ(raw.QueryText("SHOW synchronous_commit"), "on");
}

}  // namespace
}  // namespace taskshare::testing
