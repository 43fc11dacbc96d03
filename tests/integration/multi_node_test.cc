// Two real taskshare nodes on one PostgreSQL database, each with its own response cache: a write
// through one node reaches the other's cache through LISTEN/NOTIFY. Measured: the delay from node A's
// acknowledgement of a revoke until node B's first 403, over many rounds (median and max are printed
// and recorded as test properties; the target is under 100 ms). Also: appends, deletes and a revoke-all
// (every task of it) propagate, and a node whose listening connection is killed bypasses its cache (no
// stale 200 after a revoke made while it was deaf) until it has resubscribed, then caches again. The kill
// switch set through one node holds on the other within the same bound, also for a node that was deaf
// when it was set, and never on a node started with --sharing off. Runs when
// TASKSHARE_TEST_POSTGRES_URL names a server (scripts/test.sh starts one), on a database of its own.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/nodes.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr auto kTarget = milliseconds(100);

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

class MultiNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (TestPostgresUrl().empty()) GTEST_SKIP() << "TASKSHARE_TEST_POSTGRES_URL is not set";
    db_ = std::make_unique<PostgresDatabase>(TestPostgresUrl());
  }
  void TearDown() override {
    for (auto* node : {b_.get(), a_.get()}) {
      if (node != nullptr) {
        EXPECT_FALSE(node->Exited()) << "a node died:\n" << node->Log();
      }
    }
  }

  // Starts node B, then node A (in that order, so that each one's listening connection is known).
  void StartNodes(std::vector<std::string> args = {}) {
    args.emplace_back("--metrics-public");
    b_ = std::make_unique<ServerProcess>(args, db_->url());
    b_->Start();
    a_ = std::make_unique<ServerProcess>(args, db_->url());
    a_->Start();
    key_ = a_->AddUser("owner@nodes.test", "red");
  }

  // Waits until node B answers `status` to the share request of `id`; how long after `since` it
  // first did (ms), or -1 if it did not within 5 s. Polls every 0.2 ms or so, pausing between
  // requests so that the poll does not take the CPU from the node and PostgreSQL on small machines.
  double WaitForStatusOnB(Connection& b, const std::string& id, int status, Clock::time_point since) {
    while (MillisSince(since) < 5000) {
      if (b.Get(SharePath(id)).status == status) return MillisSince(since);
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    return -1;
  }

  // Waits until `node` answers `status` at `path`; ms after `since`, or -1 if not within 5 s.
  static double WaitForStatus(Connection& node, const std::string& path, int status,
                              Clock::time_point since) {
    while (MillisSince(since) < 5000) {
      if (node.Get(path).status == status) return MillisSince(since);
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    return -1;
  }

  std::unique_ptr<PostgresDatabase> db_;
  std::unique_ptr<ServerProcess> b_;
  std::unique_ptr<ServerProcess> a_;
  std::string key_;
};

TEST_F(MultiNodeTest, RevokeOnOneNodeIsHonouredByTheOtherWithin100Ms) {
  StartNodes();
  const HttpClient a(a_->port());
  Connection b(b_->port());  // keep-alive: the poll measures the node, not connection set-up
  const std::string id = CreateTask(a_->port(), key_, "public");
  constexpr int kRounds = 20;
  std::vector<double> delays;
  for (int round = 0; round < kRounds; ++round) {
    const double changes = MetricValue(b_->port(), "taskshare_change_feed_changes_total");
    ASSERT_EQ(a.Patch("/api/v1/tasks/" + id, R"({"visibility":"public"})", Auth(key_)).status, 200);
    // Both nodes hold the 200 in their caches (B's second request is a hit), once B has heard of the
    // write (a response B read before that is not kept).
    while (MetricValue(b_->port(), "taskshare_change_feed_changes_total") == changes) {
      std::this_thread::sleep_for(milliseconds(1));
    }
    ASSERT_GE(WaitForStatusOnB(b, id, 200, Clock::now()), 0) << "B never served the public task";
    const double hits = MetricValue(b_->port(), "taskshare_cache_hits_total");
    ASSERT_EQ(b.Get(SharePath(id)).status, 200);
    ASSERT_EQ(MetricValue(b_->port(), "taskshare_cache_hits_total"), hits + 1)
        << "B did not serve from its cache";
    ASSERT_EQ(a.Get(SharePath(id)).status, 200);
    ASSERT_EQ(a.Get(SharePath(id)).status, 200);

    ASSERT_EQ(a.Patch("/api/v1/tasks/" + id, R"({"visibility":"private"})", Auth(key_)).status, 200);
    const Clock::time_point acknowledged = Clock::now();
    EXPECT_EQ(a.Get(SharePath(id)).status, 403) << "the writing node itself";
    const double delay = WaitForStatusOnB(b, id, 403, acknowledged);
    ASSERT_GE(delay, 0) << "B kept serving the revoked task for 5 s";
    delays.push_back(delay);
    for (int i = 0; i < 5; ++i) ASSERT_EQ(b.Get(SharePath(id)).status, 403) << "B served it again";
  }
  const double median = Median(delays);
  const double max = *std::max_element(delays.begin(), delays.end());
  std::printf("revoke propagation A -> B over %d rounds: median %.2f ms, max %.2f ms\n", kRounds, median,
              max);
  RecordProperty("revoke_propagation_median_us", static_cast<int>(median * 1000));
  RecordProperty("revoke_propagation_max_us", static_cast<int>(max * 1000));
  // The target holds for the typical revoke; a single slow round on a loaded machine (the poll, both
  // nodes and PostgreSQL share two cores) is reported above, and is still bounded by the 5 s checked
  // in every round.
  EXPECT_LT(median, static_cast<double>(kTarget.count()));
}

TEST_F(MultiNodeTest, AppendsAndDeletesPropagate) {
  StartNodes();
  const HttpClient a(a_->port());
  Connection b(b_->port());
  const std::string id = CreateTask(a_->port(), key_, "public");
  ASSERT_EQ(b.Get(SharePath(id)).status, 200);
  ASSERT_EQ(b.Get(SharePath(id)).status, 200);

  const std::string message = R"({"id":"m1","role":"assistant","content":"found an open port"})";
  const Response appended =
      a.Post("/api/v1/tasks/" + id + "/messages", R"({"messages":[)" + message + "]}", Auth(key_));
  ASSERT_EQ(appended.status, 200) << appended.body;
  const Clock::time_point acknowledged = Clock::now();
  double seen = -1;
  while (MillisSince(acknowledged) < 5000) {
    const Response r = b.Get(SharePath(id));
    ASSERT_EQ(r.status, 200);
    if (r.body.find("found an open port") != std::string::npos) {
      seen = MillisSince(acknowledged);
      break;
    }
  }
  ASSERT_GE(seen, 0) << "B never showed the appended message";
  EXPECT_EQ(json::parse(b.Get(SharePath(id)).body).at("messages").as_array().size(), 2U);

  // A title change too (any patch).
  ASSERT_EQ(a.Patch("/api/v1/tasks/" + id, R"({"title":"renamed on A"})", Auth(key_)).status, 200);
  const Clock::time_point renamed = Clock::now();
  while (b.Get(SharePath(id)).body.find("renamed on A") == std::string::npos && MillisSince(renamed) < 5000) {
  }
  const double renamed_ms = MillisSince(renamed);
  ASSERT_LT(renamed_ms, 5000.0) << "B never showed the new title";

  ASSERT_EQ(a.Delete("/api/v1/tasks/" + id, Auth(key_)).status, 204);
  const double gone = WaitForStatusOnB(b, id, 404, Clock::now());
  ASSERT_GE(gone, 0) << "B kept serving the deleted task";
  std::printf("propagation A -> B: append %.2f ms, patch %.2f ms, delete %.2f ms\n", seen, renamed_ms, gone);
}

TEST_F(MultiNodeTest, RevokeAllOnOneNodeReachesEveryTaskInTheOthersCache) {
  StartNodes();
  const HttpClient a(a_->port());
  Connection b(b_->port());
  std::vector<std::string> ids;
  for (const char* visibility : {"public", "unlisted", "public"})
    ids.push_back(CreateTask(a_->port(), key_, visibility));
  for (const std::string& id : ids) {
    ASSERT_EQ(b.Get(SharePath(id)).status, 200);
    ASSERT_EQ(b.Get(SharePath(id)).status, 200);  // a hit: B holds it
  }
  const Response revoked = a.Post("/api/v1/shares/revoke-all", "", Auth(key_));
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(json::parse(revoked.body).at("revoked").as_int64(), 3);
  const Clock::time_point acknowledged = Clock::now();
  for (const std::string& id : ids) {
    EXPECT_EQ(a.Get(SharePath(id)).status, 403) << "the writing node itself";
    EXPECT_GE(WaitForStatusOnB(b, id, 403, acknowledged), 0) << "B kept serving " << id;
  }
}

// A secret written through A evicts from B's cache only the views redacted with it: B's cached link of
// another owner stays a hit, the owner's link that names the secret is redacted on B within the feed's
// delay. A delete of a secret that does not exist announces nothing.
TEST_F(MultiNodeTest, ASecretWriteOnOneNodeEvictsOnlyTheViewsThatNameItOnTheOther) {
  TempDir keys;
  const std::string key_file = WritePrivateFile(
      keys.path() / "secrets.key", "5e2d8c1f0a7b4e9d3c6f2a1b0e8d7c5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d\n");
  StartNodes({"--secrets-key-file", key_file});
  const std::string other_key = a_->AddUser("other@nodes.test", "blue");
  const HttpClient a(a_->port());
  Connection b(b_->port());
  const std::string value = "node-secret-value-4711";
  const std::string named(
      ExpectJson(a.Post("/api/v1/tasks",
                        R"({"title": "t", "visibility": "public", "secrets": ["NODE_TOKEN"],)"
                        R"( "message": {"role": "tool", "content": "got )" +
                            value + R"("}})",
                        Auth(key_)),
                 202)
          .at("id")
          .as_string());
  const std::string others = CreateTask(a_->port(), other_key, "public");
  for (const std::string& id : {named, others}) {
    ASSERT_EQ(b.Get(SharePath(id)).status, 200);
    const double hits = MetricValue(b_->port(), "taskshare_cache_hits_total");
    ASSERT_EQ(b.Get(SharePath(id)).status, 200);
    ASSERT_EQ(MetricValue(b_->port(), "taskshare_cache_hits_total"), hits + 1) << "B did not cache " << id;
  }
  ASSERT_NE(b.Get(SharePath(named)).body.find(value), std::string::npos) << "no secret of that name yet";

  const double changes = MetricValue(b_->port(), "taskshare_change_feed_changes_total");
  ASSERT_EQ(a.Delete("/api/v1/secrets/NEVER_STORED", Auth(key_)).status, 404);
  const Response put =
      a.Post("/api/v1/secrets", R"({"name": "NODE_TOKEN", "value": ")" + value + R"("})", Auth(key_));
  ASSERT_EQ(put.status, 201) << put.body;
  const Clock::time_point acknowledged = Clock::now();
  bool redacted = false;
  while (!redacted && MillisSince(acknowledged) < 5000) {
    redacted = b.Get(SharePath(named)).body.find(value) == std::string::npos;
  }
  EXPECT_TRUE(redacted) << "B kept serving the value";
  EXPECT_EQ(MetricValue(b_->port(), "taskshare_change_feed_changes_total"), changes + 1)
      << "B heard of more than the one write";
  const double hits = MetricValue(b_->port(), "taskshare_cache_hits_total");
  ASSERT_EQ(b.Get(SharePath(others)).status, 200);
  EXPECT_EQ(MetricValue(b_->port(), "taskshare_cache_hits_total"), hits + 1)
      << "another owner's link was evicted from B's cache";
}

// The kill switch is stored in the database: an admin's PUT on A reaches B through the change feed as
// fast as a revoke does, and a PUT on B reaches A.
TEST_F(MultiNodeTest, TheKillSwitchSetOnOneNodeReachesTheOtherWithin100Ms) {
  StartNodes();
  const std::string admin = a_->AddUser("admin@nodes.test", "", "admin");
  const std::string id = CreateTask(a_->port(), key_, "public");
  const std::string page = "/share/" + id;
  Connection a(a_->port());
  Connection b(b_->port());
  ASSERT_EQ(b.Get(SharePath(id)).status, 200);
  ASSERT_EQ(b.Get(SharePath(id)).status, 200);  // cached on B
  ASSERT_EQ(b.Get(page).status, 200);
  constexpr int kRounds = 5;
  std::vector<double> delays;
  for (int round = 0; round < kRounds; ++round) {
    const Response off = a.Request("PUT", "/api/v1/admin/sharing", R"({"enabled": false})", Auth(admin));
    ASSERT_EQ(off.status, 200) << off.body;
    const Clock::time_point switched_off = Clock::now();
    EXPECT_EQ(a.Get(SharePath(id)).status, 403) << "the writing node itself";
    const double off_delay = WaitForStatus(b, SharePath(id), 403, switched_off);
    ASSERT_GE(off_delay, 0) << "B kept serving share links for 5 s after the switch was turned off";
    delays.push_back(off_delay);
    EXPECT_TRUE(IsError(b.Get(SharePath(id)), 403, "Sharing is turned off on this server"));
    const Response refused_page = b.Get(page);
    EXPECT_EQ(refused_page.status, 403);
    EXPECT_NE(refused_page.body.find("Sharing is turned off on this server"), std::string::npos);
    EXPECT_EQ(json::parse(b.Get("/api/v1/admin/sharing", Auth(admin)).body),
              json::parse(R"({"enabled": false})"));

    const Response on = b.Request("PUT", "/api/v1/admin/sharing", R"({"enabled": true})", Auth(admin));
    ASSERT_EQ(on.status, 200) << on.body;
    const Clock::time_point switched_on = Clock::now();
    EXPECT_EQ(b.Get(SharePath(id)).status, 200) << "the writing node itself";
    const double on_delay = WaitForStatus(a, SharePath(id), 200, switched_on);
    ASSERT_GE(on_delay, 0) << "A kept refusing share links for 5 s after the switch was turned on";
    delays.push_back(on_delay);
    EXPECT_EQ(a.Get(page).status, 200);
  }
  const double median = Median(delays);
  const double max = *std::max_element(delays.begin(), delays.end());
  std::printf("kill switch propagation over %d changes: median %.2f ms, max %.2f ms\n", 2 * kRounds, median,
              max);
  EXPECT_LT(median, static_cast<double>(kTarget.count()));
}

// A node started with --sharing off refuses share links whatever the stored switch says.
TEST_F(MultiNodeTest, ANodeStartedWithSharingOffIgnoresTheStoredSwitch) {
  b_ = std::make_unique<ServerProcess>(std::vector<std::string>{"--metrics-public", "--sharing", "off"},
                                       db_->url());
  b_->Start();
  a_ = std::make_unique<ServerProcess>(std::vector<std::string>{"--metrics-public"}, db_->url());
  a_->Start();
  key_ = a_->AddUser("owner@nodes.test", "red");
  const std::string admin = a_->AddUser("admin@nodes.test", "", "admin");
  const std::string id = CreateTask(a_->port(), key_, "public");
  Connection a(a_->port());
  Connection b(b_->port());
  ASSERT_EQ(a.Get(SharePath(id)).status, 200);
  ASSERT_TRUE(IsError(b.Get(SharePath(id)), 403, "Sharing is turned off on this server"));

  ASSERT_EQ(a.Request("PUT", "/api/v1/admin/sharing", R"({"enabled": false})", Auth(admin)).status, 200);
  ASSERT_GE(WaitForStatus(a, SharePath(id), 403, Clock::now()), 0);
  const Response on = a.Request("PUT", "/api/v1/admin/sharing", R"({"enabled": true})", Auth(admin));
  ASSERT_EQ(on.status, 200);
  EXPECT_EQ(json::parse(on.body), json::parse(R"({"enabled": true})"));
  EXPECT_EQ(a.Get(SharePath(id)).status, 200);
  // B has heard of the write (its feed carries a later change too) and still refuses.
  const double changes = MetricValue(b_->port(), "taskshare_change_feed_changes_total");
  ASSERT_EQ(HttpClient(a_->port()).Patch("/api/v1/tasks/" + id, R"({"title":"renamed"})", Auth(key_)).status,
            200);
  while (MetricValue(b_->port(), "taskshare_change_feed_changes_total") == changes) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  EXPECT_TRUE(IsError(b.Get(SharePath(id)), 403, "Sharing is turned off on this server"));
  EXPECT_EQ(b.Get("/share/" + id).status, 403);
  EXPECT_EQ(json::parse(b.Get("/api/v1/admin/sharing", Auth(admin)).body),
            json::parse(R"({"enabled": false})"));
  // A PUT on B itself stores the switch but leaves B off, and says so.
  const Response on_b = b.Request("PUT", "/api/v1/admin/sharing", R"({"enabled": true})", Auth(admin));
  ASSERT_EQ(on_b.status, 200);
  EXPECT_EQ(json::parse(on_b.body), json::parse(R"({"enabled": false})"));
  EXPECT_TRUE(IsError(b.Get(SharePath(id)), 403, "Sharing is turned off on this server"));
  EXPECT_EQ(a.Get(SharePath(id)).status, 200);
}

// The switch turned off through A while B's feed is down never reaches B as news; B re-reads the stored
// switch when its feed is restored. (Set-up as in the test below: the connections each node needs exist
// before new ones are refused.)
TEST_F(MultiNodeTest, ANodeRereadsTheSwitchWhenItsFeedIsRestored) {
  RawPostgres server(TestPostgresUrl());
  const std::vector<std::string> args = {"--metrics-public", "--read-threads", "1", "--write-threads", "1"};
  b_ = std::make_unique<ServerProcess>(args, db_->url());
  b_->Start();
  const std::set<std::string> b_listen = WaitForListenBackends(server, db_->name(), 1);
  ASSERT_EQ(b_listen.size(), 1U);
  a_ = std::make_unique<ServerProcess>(args, db_->url());
  a_->Start();
  ASSERT_EQ(WaitForListenBackends(server, db_->name(), 2).size(), 2U);
  key_ = a_->AddUser("owner@nodes.test", "red");
  const std::string admin = a_->AddUser("admin@nodes.test", "", "admin");
  const std::string id = CreateTask(a_->port(), key_, "public");
  Connection a(a_->port());
  Connection b(b_->port());
  ASSERT_EQ(b.Get(SharePath(id)).status, 200);

  const std::string database = server.Identifier(db_->name());
  server.Exec("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS false");
  server.Exec("SELECT pg_terminate_backend(" + *b_listen.begin() + ")");
  ASSERT_TRUE(WaitForFeed(b_->port(), false)) << b_->Log();
  const Response off = a.Request("PUT", "/api/v1/admin/sharing", R"({"enabled": false})", Auth(admin));
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(a.Get(SharePath(id)).status, 403);
  EXPECT_EQ(b.Get(SharePath(id)).status, 200) << "B cannot have heard of the switch while deaf";

  server.Exec("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS true");
  ASSERT_TRUE(WaitForFeed(b_->port(), true)) << "B did not resubscribe:\n" << b_->Log();
  EXPECT_GE(WaitForStatus(b, SharePath(id), 403, Clock::now()), 0) << "B did not re-read the switch";
  EXPECT_TRUE(IsError(b.Get(SharePath(id)), 403, "Sharing is turned off on this server"));
}

// B's listening connection is killed and kept from reconnecting (the database refuses new connections;
// the nodes keep the ones they have). A revoke made through A meanwhile is never announced to B, and B
// must not serve its cached 200: it bypasses its cache until it has resubscribed, then caches again.
TEST_F(MultiNodeTest, ANodeThatLostItsFeedBypassesItsCacheUntilItResubscribes) {
  // One connection per pool thread is opened on first use; with one of each and requests in turn, the
  // connections each node needs exist before new ones are refused.
  RawPostgres server(TestPostgresUrl());
  b_ = std::make_unique<ServerProcess>(
      std::vector<std::string>{"--metrics-public", "--read-threads", "1", "--write-threads", "1"},
      db_->url());
  b_->Start();
  const std::set<std::string> b_listen = WaitForListenBackends(server, db_->name(), 1);
  ASSERT_EQ(b_listen.size(), 1U);
  a_ = std::make_unique<ServerProcess>(
      std::vector<std::string>{"--metrics-public", "--read-threads", "1", "--write-threads", "1"},
      db_->url());
  a_->Start();
  ASSERT_EQ(WaitForListenBackends(server, db_->name(), 2).size(), 2U);
  key_ = a_->AddUser("owner@nodes.test", "red");
  const HttpClient a(a_->port());
  Connection b(b_->port());
  const std::string id = CreateTask(a_->port(), key_, "public");
  ASSERT_EQ(b.Get(SharePath(id)).status, 200);
  const double hits = MetricValue(b_->port(), "taskshare_cache_hits_total");
  ASSERT_EQ(b.Get(SharePath(id)).status, 200);
  ASSERT_EQ(MetricValue(b_->port(), "taskshare_cache_hits_total"), hits + 1);

  const std::string database = server.Identifier(db_->name());
  server.Exec("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS false");
  server.Exec("SELECT pg_terminate_backend(" + *b_listen.begin() + ")");
  ASSERT_TRUE(WaitForFeed(b_->port(), false)) << b_->Log();
  EXPECT_TRUE(WaitForFeed(a_->port(), true)) << "A's feed should be untouched";

  ASSERT_EQ(a.Patch("/api/v1/tasks/" + id, R"({"visibility":"private"})", Auth(key_)).status, 200);
  const double hits_before = MetricValue(b_->port(), "taskshare_cache_hits_total");
  // 403 from the database; or 503 when the read needed a connection the database now refuses: a view
  // whose first build was costly (the redactors' first compile, slow under a sanitizer) is read again
  // on the costly reads' pool, whose connection is opened on first use. Never the stale 200.
  for (int i = 0; i < 20; ++i) {
    const int status = b.Get(SharePath(id)).status;
    ASSERT_TRUE(status == 403 || status == 503) << status << ": a stale 200 from B's cache";
  }
  EXPECT_EQ(MetricValue(b_->port(), "taskshare_cache_hits_total"), hits_before)
      << "B used its cache while deaf";
  EXPECT_EQ(MetricValue(b_->port(), "taskshare_change_feed_up"), 0);

  server.Exec("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS true");
  ASSERT_TRUE(WaitForFeed(b_->port(), true)) << "B did not resubscribe:\n" << b_->Log();
  EXPECT_GE(MetricValue(b_->port(), "taskshare_change_feed_losses_total"), 1);

  // Caching again, and hearing A again. B's fill waits for the news of A's write: a response B read
  // before that news arrived is dropped (its ticket is older than the eviction), by design.
  const double changes = MetricValue(b_->port(), "taskshare_change_feed_changes_total");
  ASSERT_EQ(a.Patch("/api/v1/tasks/" + id, R"({"visibility":"public"})", Auth(key_)).status, 200);
  while (MetricValue(b_->port(), "taskshare_change_feed_changes_total") == changes) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  ASSERT_GE(WaitForStatusOnB(b, id, 200, Clock::now()), 0);
  const double hits_after = MetricValue(b_->port(), "taskshare_cache_hits_total");
  ASSERT_EQ(b.Get(SharePath(id)).status, 200);
  EXPECT_EQ(MetricValue(b_->port(), "taskshare_cache_hits_total"), hits_after + 1)
      << "B does not cache again";
  ASSERT_EQ(a.Patch("/api/v1/tasks/" + id, R"({"visibility":"private"})", Auth(key_)).status, 200);
  // (The delay itself is measured over many rounds by the test above; one sample on a busy machine
  // says little.)
  EXPECT_GE(WaitForStatusOnB(b, id, 403, Clock::now()), 0) << "B no longer hears A";
}

}  // namespace
}  // namespace taskshare::testing
