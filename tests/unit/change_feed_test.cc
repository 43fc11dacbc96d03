// The change feed (storage/change_feed.h) and what goes with it: SQLite has none; the PostgreSQL feed
// reports appends, patches, share settings (each task of a revoke-all), deletes and writes of the kill
// switch committed by any store on the database (creates are not
// reported; rolled-back writes never are), is found lost when an administrator kills its connection
// and comes back by itself; database URLs are logged without their password. The PostgreSQL tests run
// when TASKSHARE_TEST_POSTGRES_URL names a server and are skipped otherwise.
#include "storage/change_feed.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "common/ids.h"
#include "recording_listener.h"
#include "storage/postgres/change_feed.h"
#include "storage/postgres/postgres_store.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

using std::chrono::milliseconds;

TEST(ChangeFeedTest, SqliteHasNoFeedAndNoReplica) {
  TempDir dir;
  RecordingListener listener;
  Result<std::unique_ptr<ChangeFeed>> feed =
      OpenChangeFeed(UrlOptions("sqlite:" + (dir.path() / "t.db").string()), listener);
  ASSERT_OK(feed);
  EXPECT_EQ(*feed, nullptr);
  EXPECT_TRUE(listener.events().empty());
  StoreOptions options = UrlOptions("sqlite:" + (dir.path() / "t.db").string());
  options.replica_url = "postgresql://127.0.0.1/replica";
  EXPECT_EQ(StatusOf(OpenStore(options)).code(), Code::kInvalidArgument);
}

class PostgresChangeFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (TestPostgresUrl().empty()) GTEST_SKIP() << "TASKSHARE_TEST_POSTGRES_URL is not set";
    db_ = std::make_unique<PostgresDatabase>(TestPostgresUrl());
    Result<std::unique_ptr<Store>> opened = OpenStore(UrlOptions(db_->url()));
    ASSERT_OK(opened);
    store_ = std::move(*opened);
    user_ = NewUser("feed@example.com");
    ASSERT_OK(store_->CreateUser(user_, KeyHash("h")));
  }

  PostgresOptions FeedOptions() const {
    PostgresOptions options;
    options.url = db_->url();
    options.feed_reconnect_min_ms = 20;
    return options;
  }

  std::string NewTask() {
    Task task;
    task.id = NewUuidV4();
    task.owner_id = user_.id;
    EXPECT_TRUE(store_->CreateTask(task, {Keyed("a")}).ok());
    return task.id;
  }

  std::unique_ptr<PostgresDatabase> db_;
  std::unique_ptr<Store> store_;
  User user_;
};

TEST_F(PostgresChangeFeedTest, ReportsCommittedChangesToTasks) {
  RecordingListener listener;
  Result<std::unique_ptr<ChangeFeed>> feed = OpenPostgresChangeFeed(FeedOptions(), listener);
  ASSERT_OK(feed);
  EXPECT_TRUE((*feed)->up());
  EXPECT_EQ(listener.events(), std::vector<std::string>{"restored"});

  const std::string created = NewTask();
  ASSERT_OK(store_->AppendMessages(created, {Keyed("b")}, 10));
  ASSERT_TRUE(listener.WaitFor("changed " + created));
  const std::string patched = NewTask();
  TaskPatch patch;
  patch.visibility = Visibility::kPrivate;
  ASSERT_OK(store_->UpdateTask(patched, patch, 20));
  ASSERT_TRUE(listener.WaitFor("changed " + patched));
  const std::string deleted = NewTask();
  ASSERT_OK(store_->DeleteTask(deleted));
  ASSERT_TRUE(listener.WaitFor("changed " + deleted));
  // Changes made outside the store (an operator's SQL) are reported too; a rolled-back one is not.
  const std::string by_hand = NewTask();
  const std::string rolled_back = NewTask();
  RawPostgres raw(db_->url());
  raw.Exec("BEGIN; UPDATE tasks SET title = 'x' WHERE id = '" + rolled_back + "'; ROLLBACK");
  raw.Exec("UPDATE tasks SET title = 'edited by hand' WHERE id = '" + by_hand + "'");
  ASSERT_TRUE(listener.WaitFor("changed " + by_hand));

  const std::vector<std::string> events = listener.events();
  EXPECT_EQ(std::count(events.begin(), events.end(), "changed " + rolled_back), 0);
  // Appends that store nothing change nothing; creating a task is not news.
  ASSERT_OK(store_->AppendMessages(created, {Keyed("b")}, 30));
  const std::string marker = NewTask();
  ASSERT_OK(store_->DeleteTask(marker));
  ASSERT_TRUE(listener.WaitFor("changed " + marker));
  const std::vector<std::string> after = listener.events();
  EXPECT_EQ(std::count(after.begin(), after.end(), "changed " + created), 1);
}

TEST_F(PostgresChangeFeedTest, ReportsShareSettingsAndEveryTaskOfARevokeAll) {
  RecordingListener listener;
  Result<std::unique_ptr<ChangeFeed>> feed = OpenPostgresChangeFeed(FeedOptions(), listener);
  ASSERT_OK(feed);
  ShareRequest pinned;
  pinned.visibility = Visibility::kPublic;
  pinned.mode = ShareMode::kPinned;
  const std::string shared = NewTask();
  ASSERT_OK(store_->ShareTask(shared, pinned, 10));
  ASSERT_TRUE(listener.WaitFor("changed " + shared));
  const std::string unshared = NewTask();
  ASSERT_OK(store_->ShareTask(unshared, pinned, 10));
  ASSERT_OK(store_->UnshareTask(unshared, 20));
  ASSERT_TRUE(listener.WaitFor("changed " + unshared));

  // One statement changes many rows; each task is announced, since the trigger fires per row.
  std::vector<std::string> revoked = {shared};
  for (int i = 0; i < 5; ++i) {
    revoked.push_back(NewTask());
    ASSERT_OK(store_->ShareTask(revoked.back(), pinned, 30));
  }
  listener.Clear();
  Result<RevokedSharing> ids = store_->UnshareAll(user_.id, 40);
  ASSERT_OK(ids);
  EXPECT_EQ(ids->task_ids.size(), revoked.size());
  for (const std::string& id : revoked) EXPECT_TRUE(listener.WaitFor("changed " + id)) << id;
  const std::vector<std::string> events = listener.events();
  EXPECT_EQ(std::count(events.begin(), events.end(), "changed " + unshared), 0)
      << "a private task is untouched";
}

// Every committed write of the kill switch is announced as such (not as a task), also one made by hand;
// a rolled-back one is not.
TEST_F(PostgresChangeFeedTest, ReportsWritesOfTheKillSwitch) {
  RecordingListener listener;
  Result<std::unique_ptr<ChangeFeed>> feed = OpenPostgresChangeFeed(FeedOptions(), listener);
  ASSERT_OK(feed);
  listener.Clear();
  ASSERT_OK(store_->SetSharingEnabled(false));
  ASSERT_TRUE(listener.WaitFor("sharing changed"));
  EXPECT_EQ(listener.events(), std::vector<std::string>{"sharing changed"});

  RawPostgres raw(db_->url());
  raw.Exec("BEGIN; UPDATE instance_settings SET sharing_enabled = true; ROLLBACK");
  const std::string marker = NewTask();
  ASSERT_OK(store_->DeleteTask(marker));
  ASSERT_TRUE(listener.WaitFor("changed " + marker));
  EXPECT_EQ(listener.events(), (std::vector<std::string>{"sharing changed", "changed " + marker}));
  listener.Clear();
  raw.Exec("UPDATE instance_settings SET sharing_enabled = true");
  ASSERT_TRUE(listener.WaitFor("sharing changed"));
  Result<bool> enabled = store_->GetSharingEnabled();
  ASSERT_OK(enabled);
  EXPECT_TRUE(*enabled);
}

// A put of a secret is announced as that secret of that owner, and nothing else; a delete (the value
// is retired and stays redacted), a delete of nothing and a rolled-back put are not announced.
TEST_F(PostgresChangeFeedTest, ReportsEachWrittenSecretAndNothingElse) {
  RecordingListener listener;
  Result<std::unique_ptr<ChangeFeed>> feed = OpenPostgresChangeFeed(FeedOptions(), listener);
  ASSERT_OK(feed);
  listener.Clear();
  ASSERT_OK(store_->PutSecret(user_.id, "API_TOKEN", "sealed-1", 10));
  ASSERT_TRUE(listener.WaitFor("secret " + user_.id + " API_TOKEN"));
  ASSERT_OK(store_->PutSecret(user_.id, "API_TOKEN", "sealed-2", 20));
  ASSERT_EQ(store_->DeleteSecret(user_.id, "NEVER_STORED").code(), Code::kNotFound);
  ASSERT_OK(store_->DeleteSecret(user_.id, "API_TOKEN"));
  RawPostgres raw(db_->url());
  raw.Exec("BEGIN; INSERT INTO secrets(owner_id, name, sealed, created_at, updated_at) VALUES ('" + user_.id +
           "', 'ROLLED_BACK', 's', 1, 1); ROLLBACK");
  const std::string marker = NewTask();
  ASSERT_OK(store_->DeleteTask(marker));
  ASSERT_TRUE(listener.WaitFor("changed " + marker));
  EXPECT_EQ(listener.events(),
            (std::vector<std::string>{"secret " + user_.id + " API_TOKEN",
                                      "secret " + user_.id + " API_TOKEN", "changed " + marker}));
}

TEST_F(PostgresChangeFeedTest, AKilledConnectionIsLostThenRestoredByItself) {
  RecordingListener listener;
  Result<std::unique_ptr<ChangeFeed>> feed = OpenPostgresChangeFeed(FeedOptions(), listener);
  ASSERT_OK(feed);
  RawPostgres raw(db_->url());
  const std::string killed = raw.QueryText(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE application_name = 'taskshare-listen' AND datname = current_database()");
  ASSERT_EQ(killed, "1");
  ASSERT_TRUE(listener.WaitFor("lost"));
  // Restored after the loss, and listening again.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    const std::vector<std::string> events = listener.events();
    if (std::count(events.begin(), events.end(), "restored") >= 2 ||
        std::chrono::steady_clock::now() >= deadline) {
      break;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(listener.events(), (std::vector<std::string>{"restored", "lost", "restored"}));
  EXPECT_TRUE((*feed)->up());
  const std::string id = NewTask();
  ASSERT_OK(store_->DeleteTask(id));
  EXPECT_TRUE(listener.WaitFor("changed " + id));
}

TEST_F(PostgresChangeFeedTest, AnUnreachableServerFailsToOpen) {
  RecordingListener listener;
  PostgresOptions options = FeedOptions();
  options.url = PostgresUrlWithDatabase(db_->url(), "no_such_database");
  EXPECT_EQ(StatusOf(OpenPostgresChangeFeed(options, listener)).code(), Code::kUnavailable);
  EXPECT_TRUE(listener.events().empty());
}

}  // namespace
}  // namespace taskshare::testing
