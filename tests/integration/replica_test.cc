// --db-replica with a real streaming replica: a private cluster and a hot standby made from it with
// pg_basebackup -R (scripts/pg-test-cluster.sh replica). Share reads that miss the cache go to the
// replica, and its copy is served only when the primary confirms it is current: with the replica's
// replay paused (a replica lagging as far behind as one likes), a revoke, an append and a delete made
// on the primary are honoured by the very next request, and a replica that is down only costs reads
// on the primary. Runs when TASKSHARE_TEST_POSTGRES_URL is set, which says that PostgreSQL is
// installed.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "support/http_client.h"
#include "support/nodes.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

// Waits up to 10 s until the replica has replayed everything the primary has written so far.
void WaitForReplay(RawPostgres& primary, RawPostgres& replica) {
  const std::string lsn = primary.QueryText("SELECT pg_current_wal_lsn()");
  for (int i = 0; i < 1000; ++i) {
    if (replica.QueryText("SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn") == "t") return;
    std::this_thread::sleep_for(milliseconds(10));
  }
  throw std::runtime_error("the replica did not catch up with " + lsn);
}

TEST(ReplicaTest, ALaggingReplicaNeverShowsARevokedChangedOrDeletedTask) {
  if (TestPostgresUrl().empty()) GTEST_SKIP() << "TASKSHARE_TEST_POSTGRES_URL is not set";
  TempDir primary_dir;
  TempDir replica_dir;
  PrivateCluster primary(primary_dir.path());
  PrivateCluster replica(replica_dir.path(), &primary);
  RawPostgres on_primary(primary.url());
  RawPostgres on_replica(replica.url());
  ASSERT_EQ(on_replica.QueryText("SELECT pg_is_in_recovery()"), "t");

  // No response cache: every share request reads the store, so each one exercises the replica rule.
  ServerProcess node({"--db-replica", replica.url(), "--cache-bytes", "0"}, primary.url());
  const std::string key = node.AddUser("owner@replica.test", "red");
  node.Start();
  const HttpClient client(node.port());
  const std::string id = CreateTask(node.port(), key, "public", "original title");
  WaitForReplay(on_primary, on_replica);
  ASSERT_EQ(client.Get(SharePath(id)).status, 200);

  // Reads come from the replica when it is current: an edit made on the primary behind the store's
  // back, with the trigger that bumps the task's version switched off, is invisible to the check, so
  // the answer shows which server it was read from.
  on_replica.Exec("SELECT pg_wal_replay_pause()");
  on_primary.Exec("ALTER TABLE tasks DISABLE TRIGGER tasks_changed");
  on_primary.Exec("UPDATE tasks SET title = 'primary only' WHERE id = '" + id + "'");
  on_primary.Exec("ALTER TABLE tasks ENABLE TRIGGER tasks_changed");
  EXPECT_EQ(ExpectJson(client.Get(SharePath(id)), 200).at("task").at("title"), "original title")
      << "the share read did not come from the replica";
  on_primary.Exec("UPDATE tasks SET title = 'original title' WHERE id = '" + id + "'");  // bumps the version

  // With replay paused, every write below leaves the replica behind; the next request must not be.
  ASSERT_EQ(client.Patch("/api/v1/tasks/" + id, R"({"visibility":"private"})", Auth(key)).status, 200);
  EXPECT_EQ(client.Get(SharePath(id)).status, 403);
  EXPECT_EQ(on_replica.QueryText("SELECT visibility FROM tasks WHERE id = '" + id + "'"), "public")
      << "the replica was not lagging";

  ASSERT_EQ(client.Patch("/api/v1/tasks/" + id, R"({"visibility":"unlisted"})", Auth(key)).status, 200);
  const Response appended =
      client.Post("/api/v1/tasks/" + id + "/messages",
                  R"({"messages":[{"id":"m1","role":"assistant","content":"new"}]})", Auth(key));
  ASSERT_EQ(appended.status, 200) << appended.body;
  const json::value shared = ExpectJson(client.Get(SharePath(id)), 200);
  EXPECT_EQ(shared.at("messages").as_array().size(), 2U);
  EXPECT_EQ(shared.at("task").at("visibility"), "unlisted");

  ASSERT_EQ(client.Delete("/api/v1/tasks/" + id, Auth(key)).status, 204);
  EXPECT_EQ(client.Get(SharePath(id)).status, 404);
  EXPECT_EQ(on_replica.QueryText("SELECT count(*) FROM tasks WHERE id = '" + id + "'"), "1");

  // A task the replica has never seen is read from the primary.
  const std::string fresh = CreateTask(node.port(), key, "public", "made while the replica lagged");
  EXPECT_EQ(client.Get(SharePath(fresh)).status, 200);

  on_replica.Exec("SELECT pg_wal_replay_resume()");
  WaitForReplay(on_primary, on_replica);
  EXPECT_EQ(client.Get(SharePath(fresh)).status, 200);
  EXPECT_EQ(client.Get(SharePath(id)).status, 404);

  // A replica that is down costs only reads on the primary.
  replica.Stop();
  EXPECT_EQ(client.Get(SharePath(fresh)).status, 200);
  EXPECT_EQ(client.Get("/readyz").status, 200);
  EXPECT_FALSE(node.Exited()) << node.Log();
}

}  // namespace
}  // namespace taskshare::testing
