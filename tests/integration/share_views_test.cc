// View counts of share links against the real server: which requests count (anonymous 200s and 304s of
// the JSON endpoint and the page, cache hits included) and which do not, who may read the counts, and
// that a graceful shutdown saves what was not flushed yet. On PostgreSQL: two nodes' counts add up, and
// a secret written through one node is redacted by the other's next share response. Counts reach the
// database in batches, so tests poll (with a bound) rather than expect them at once.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "support/http_client.h"
#include "support/nodes.h"
#include "support/server_process.h"
#include "support/suite_server.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

constexpr char kOwner[] = "owner@views.test";

std::string Stats(const std::string& id) { return "/api/v1/tasks/" + id + "/share/stats"; }

// The task's stats once its view count is at least `at_least` (or after 20 s, whatever it is then).
json::value StatsOnce(int port, const std::string& key, const std::string& id, std::int64_t at_least) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    json::value stats = ExpectJson(HttpClient(port).Get(Stats(id), Auth(key)), 200);
    if (stats.at("views").as_int64() >= at_least || std::chrono::steady_clock::now() >= deadline)
      return stats;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

class ShareViewsTest : public SuiteServer {
 protected:
  static void SetUpTestSuite() { StartServer({}, kOwner); }

  static std::string NewTask(const std::string& visibility) {
    return std::string(
        ExpectJson(Client().Post("/api/v1/tasks",
                                 R"({"task": "Scan example.org", "visibility": ")" + visibility + "\"}",
                                 Auth(owner_key_)),
                   202)
            .at("id")
            .as_string());
  }
};

TEST_F(ShareViewsTest, AnonymousViewsCountAndTheOwnersToolsDoNot) {
  const std::string id = NewTask("unlisted");
  const std::string private_id = NewTask("private");
  EXPECT_EQ(ExpectJson(Client().Get(Stats(id), Auth(owner_key_)), 200),
            json::parse(R"({"views": 0, "last_viewed_at": null})"));

  // Not views: requests with credentials, HEAD, refusals. Made first, so that any flush that shows the
  // views below has them too.
  ASSERT_TRUE(HasStatus(Client().Get(Share(id), Auth(owner_key_)), 200));
  ASSERT_TRUE(HasStatus(Client().Get("/share/" + id, Auth(owner_key_, true)), 200));
  ASSERT_TRUE(HasStatus(Client().Request("HEAD", Share(id)), 200));
  ASSERT_TRUE(HasStatus(Client().Get(Share(private_id)), 403));
  ASSERT_TRUE(HasStatus(Client().Get("/share/" + private_id), 403));
  ASSERT_TRUE(HasStatus(Client().Get("/api/v1/tasks/" + id, Auth(owner_key_)), 200));

  // Views: a miss, cache hits, the page, gzip, and revalidations answered 304.
  int views = 0;
  std::string etag;
  for (int i = 0; i < 3; ++i, ++views) {
    const Response r = Client().Get(Share(id));
    ASSERT_TRUE(HasStatus(r, 200));
    etag = r.Header("etag");
  }
  for (int i = 0; i < 2; ++i, ++views) ASSERT_TRUE(HasStatus(Client().Get("/share/" + id), 200));
  ASSERT_TRUE(HasStatus(Client().Get(Share(id), {{"Accept-Encoding", "gzip"}}), 200));
  ++views;
  for (int i = 0; i < 2; ++i, ++views) {
    ASSERT_EQ(Client().Get(Share(id), {{"If-None-Match", etag}}).status, 304);
  }

  const json::value stats = StatsOnce(server_->port(), owner_key_, id, views);
  EXPECT_EQ(stats.at("views").as_int64(), views);
  EXPECT_TRUE(stats.at("last_viewed_at").is_string());
  EXPECT_EQ(ExpectJson(Client().Get(Stats(private_id), Auth(owner_key_)), 200).at("views"), 0);
}

TEST_F(ShareViewsTest, OnlyTheOwnerReadsTheStats) {
  const std::string id = NewTask("public");
  const std::string other = server_->AddUser("other@views.test", "red");
  EXPECT_TRUE(IsError(Client().Get(Stats(id), Auth(other)), 403));
  EXPECT_TRUE(IsError(Client().Get(Stats(id)), 401));
  EXPECT_TRUE(IsError(Client().Get(Stats("00000000-0000-4000-8000-000000000000"), Auth(owner_key_)), 404,
                      "Task not found"));
  EXPECT_TRUE(IsError(Client().Get(Stats("not-a-uuid"), Auth(owner_key_)), 400));
  EXPECT_TRUE(IsError(Client().Post(Stats(id), "{}", Auth(owner_key_)), 405));
}

TEST(ShareViewsShutdownTest, AGracefulShutdownSavesCountsNotYetFlushed) {
  // Flushes a day apart: only the one at shutdown can save these counts.
  ServerProcess server({"--view-flush-ms", "86400000"});
  server.Start();
  const std::string key = server.AddUser(kOwner);
  HttpClient client(server.port());
  const std::string id(
      ExpectJson(client.Post("/api/v1/tasks", R"({"task": "t", "visibility": "public"})", Auth(key)), 202)
          .at("id")
          .as_string());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(HasStatus(client.Get("/api/v1/tasks/" + id + "/share"), 200));
  EXPECT_EQ(ExpectJson(client.Get(Stats(id), Auth(key)), 200).at("views"), 0) << "not flushed yet";
  ASSERT_EQ(server.Stop(), 0);
  server.Start();
  EXPECT_EQ(ExpectJson(HttpClient(server.port()).Get(Stats(id), Auth(key)), 200).at("views"), 5);
}

class ShareViewsNodesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (TestPostgresUrl().empty()) GTEST_SKIP() << "TASKSHARE_TEST_POSTGRES_URL is not set";
    db_ = std::make_unique<PostgresDatabase>(TestPostgresUrl());
    const std::string key_file = WritePrivateFile(
        keys_.path() / "key", "7a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9\n");
    const std::vector<std::string> args{"--metrics-public", "--secrets-key-file", key_file};
    b_ = std::make_unique<ServerProcess>(args, db_->url());
    b_->Start();
    a_ = std::make_unique<ServerProcess>(args, db_->url());
    a_->Start();
    key_ = a_->AddUser(kOwner, "red");
  }

  TempDir keys_;
  std::unique_ptr<PostgresDatabase> db_;
  std::unique_ptr<ServerProcess> b_;
  std::unique_ptr<ServerProcess> a_;
  std::string key_;
};

TEST_F(ShareViewsNodesTest, CountsFromTwoNodesAddUp) {
  const std::string id = CreateTask(a_->port(), key_, "public");
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(HasStatus(HttpClient(a_->port()).Get(SharePath(id)), 200));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(HasStatus(HttpClient(b_->port()).Get("/share/" + id), 200));
  EXPECT_EQ(StatsOnce(b_->port(), key_, id, 7).at("views"), 7);
}

TEST_F(ShareViewsNodesTest, ASecretWrittenOnOneNodeIsRedactedByTheOther) {
  const std::string value = "cross-node-secret-value-31";
  const std::string body = R"({"title": "with )" + value + R"(", "visibility": "public", "secrets": ["XN"]})";
  const std::string id(
      ExpectJson(HttpClient(a_->port()).Post("/api/v1/tasks", body, Auth(key_)), 202).at("id").as_string());
  for (int i = 0; i < 2; ++i) {  // cached on node B with the value shown
    ASSERT_NE(HttpClient(b_->port()).Get(SharePath(id)).body.find(value), std::string::npos);
  }
  ASSERT_TRUE(
      HasStatus(HttpClient(a_->port())
                    .Post("/api/v1/secrets", R"({"name": "XN", "value": ")" + value + "\"}", Auth(key_)),
                201));
  EXPECT_EQ(HttpClient(a_->port()).Get(SharePath(id)).body.find(value), std::string::npos);
  // Node B hears of it through the change feed: bounded wait, no assertion on how long it took.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string seen;
  do {
    seen = HttpClient(b_->port()).Get(SharePath(id)).body;
  } while (seen.find(value) != std::string::npos && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(seen.find(value), std::string::npos) << seen;
  EXPECT_NE(seen.find("[REDACTED:secret]"), std::string::npos) << seen;
}

}  // namespace
}  // namespace taskshare::testing
