// The PostgreSQL backend across a restart of its server: calls fail fast with kUnavailable while the
// server is down, and succeed again, on the same store, once it is back, with every acknowledged write
// kept. The test runs a private cluster of its own (PrivateCluster), since stopping the shared test
// server would disturb the tests running beside it; it runs when
// TASKSHARE_TEST_POSTGRES_URL is set, which says that PostgreSQL is installed.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/ids.h"
#include "storage/postgres/postgres_store.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

using std::chrono::steady_clock;

TEST(PostgresRestartTest, ServiceResumesByItselfAfterTheServerRestarts) {
  if (TestPostgresUrl().empty()) GTEST_SKIP() << "TASKSHARE_TEST_POSTGRES_URL is not set";
  TempDir dir;
  PrivateCluster cluster(dir.path());
  PostgresOptions options;
  options.url = cluster.url();
  options.connections = 2;
  options.connect_timeout_s = 2;
  Result<std::unique_ptr<Store>> opened = OpenPostgresStore(options);
  ASSERT_OK(opened);
  Store& store = **opened;
  const User user = NewUser("a@example.com");
  ASSERT_OK(store.CreateUser(user, KeyHash("h")));
  Task task;
  task.id = NewUuidV4();
  task.owner_id = user.id;
  ASSERT_OK(store.CreateTask(task, {Keyed("a")}));
  ASSERT_OK(store.AppendMessages(task.id, {Keyed("b")}, 20));

  cluster.Stop();
  for (int i = 0; i < 3; ++i) {
    const auto start = steady_clock::now();
    const Status read = StatusOf(store.GetSnapshot(task.id));
    const Status write = StatusOf(store.AppendMessages(task.id, {Keyed("lost")}, 30));
    EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(3));
    for (const Status& s : {read, write}) {
      EXPECT_EQ(s.code(), Code::kUnavailable) << Describe(s);
      EXPECT_EQ(s.message(), "service unavailable");
    }
  }

  cluster.Start();
  Result<TaskSnapshot> got = store.GetSnapshot(task.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->messages, (std::vector<std::string>{Keyed("a").json, Keyed("b").json}));
  Result<AppendResult> appended = store.AppendMessages(task.id, {Keyed("c")}, 40);
  ASSERT_OK(appended);
  EXPECT_EQ(appended->message_count, 3);
}

}  // namespace
}  // namespace taskshare::testing
