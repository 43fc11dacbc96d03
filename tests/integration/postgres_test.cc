// The real binary on PostgreSQL: `taskshare user add` and `taskshare serve` with
// --db postgresql://..., then a create, append, share and revoke round trip over HTTP, and the
// password of the URL kept out of the log. Runs when TASKSHARE_TEST_POSTGRES_URL names a server
// (scripts/test.sh starts one), on a database of its own.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "../unit/postgres_test_support.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

TEST(PostgresServerTest, CreateAppendShareAndRevokeRoundTrip) {
  if (TestPostgresUrl().empty()) GTEST_SKIP() << "TASKSHARE_TEST_POSTGRES_URL is not set";
  const PostgresDatabase db(TestPostgresUrl());
  ServerProcess server({}, db.url());
  const std::string key = server.AddUser("pg@example.com", "red");
  server.Start();
  const HttpClient client(server.port());

  const std::string first = R"({"role":"user","content":"scan \"example.com\" — ünïcode","n":1.50})";
  const Response created = client.Post(
      "/api/v1/tasks", R"({"title":"on postgres","visibility":"public","message":)" + first + "}", Auth(key));
  ASSERT_EQ(created.status, 202) << created.body;
  const std::string id(json::parse(created.body).at("id").as_string());

  const std::string second = R"({"id":"m2","role":"assistant","content":"found 2 issues"})";
  for (int attempt = 0; attempt < 2; ++attempt) {  // a retried append stores nothing twice
    const Response appended =
        client.Post("/api/v1/tasks/" + id + "/messages", R"({"messages":[)" + second + "]}", Auth(key));
    ASSERT_EQ(appended.status, 200) << appended.body;
    EXPECT_EQ(json::parse(appended.body).at("appended"), attempt == 0 ? 1 : 0);
    EXPECT_EQ(json::parse(appended.body).at("message_count"), 2);
  }

  const Response shared = client.Get("/api/v1/tasks/" + id + "/share");
  ASSERT_EQ(shared.status, 200) << shared.body;
  // Messages come back with the exact text they were sent with.
  EXPECT_NE(shared.body.find(first), std::string::npos) << shared.body;
  EXPECT_NE(shared.body.find(second), std::string::npos) << shared.body;
  EXPECT_EQ(json::parse(shared.body).at("task").at("title"), "on postgres");

  const Response revoked = client.Patch("/api/v1/tasks/" + id, R"({"visibility":"private"})", Auth(key));
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(client.Get("/api/v1/tasks/" + id + "/share").status, 403);
  const Response listed = client.Get("/api/v1/tasks", Auth(key));
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(json::parse(listed.body).at("tasks").as_array().size(), 1U);
  EXPECT_FALSE(server.Exited()) << server.Log();
}

// The URL's password never reaches the log.
TEST(PostgresServerTest, LogsTheDatabaseUrlWithoutItsPassword) {
  if (TestPostgresUrl().empty()) GTEST_SKIP() << "TASKSHARE_TEST_POSTGRES_URL is not set";
  const PostgresDatabase db(TestPostgresUrl());
  const std::string url = db.url();
  const std::size_t at = url.find('@');
  const std::size_t colon = url.find(':', url.find("://") + 3);
  ASSERT_TRUE(at != std::string::npos && colon < at) << "the test URL has no password";
  const std::string password = url.substr(colon + 1, at - colon - 1);
  ServerProcess server({}, url);
  server.Start();
  EXPECT_NE(server.Log().find("postgresql://postgres:***@"), std::string::npos) << server.Log();
  EXPECT_EQ(server.Log().find(password), std::string::npos) << server.Log();
  server.Stop();
  // A failure to open names the database without the password too.
  const CommandResult refused = RunTaskshare(
      {"serve", "--listen", "127.0.0.1:0", "--db", url.substr(0, url.rfind('/')) + "/no_such_db"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find(":***@"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find(password), std::string::npos) << refused.err;
}

// Two nodes on one database: a key rotated through one is refused by the other on the very next
// request, since no node caches authentication; racing rotations through both leave one new key.
TEST(PostgresServerTest, ARotatedKeyIsRefusedByEveryNodeAtOnce) {
  if (TestPostgresUrl().empty()) GTEST_SKIP() << "TASKSHARE_TEST_POSTGRES_URL is not set";
  const PostgresDatabase db(TestPostgresUrl());
  ServerProcess a({}, db.url());
  ServerProcess b({}, db.url());
  const std::string key = a.AddUser("keys@example.com", "red");
  a.Start();
  b.Start();
  const HttpClient on_a(a.port());
  const HttpClient on_b(b.port());
  ASSERT_EQ(on_b.Get("/api/v1/user/apikey", Auth(key)).status, 200);

  const Response rotated = on_a.Post("/api/v1/user/apikey/rotate", "", Auth(key));
  ASSERT_EQ(rotated.status, 201) << rotated.body;
  const std::string fresh(json::parse(rotated.body).at("api_key").as_string());
  EXPECT_TRUE(IsError(on_b.Get("/api/v1/tasks", Auth(key)), 401));
  EXPECT_TRUE(IsError(on_a.Get("/api/v1/tasks", Auth(key)), 401));
  const Response shown = on_b.Get("/api/v1/user/apikey", Auth(fresh));
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(json::parse(shown.body).at("prefix").as_string(), fresh.substr(0, 12));

  std::vector<Response> racing(6);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < racing.size(); ++i) {
    threads.emplace_back([&, i] {
      racing[i] = (i % 2 == 0 ? on_a : on_b).Post("/api/v1/user/apikey/rotate", "", Auth(fresh));
    });
  }
  for (auto& t : threads) t.join();
  std::vector<std::string> issued;
  for (const Response& r : racing) {
    if (r.status == 201) {
      issued.emplace_back(json::parse(r.body).at("api_key").as_string());
    } else {
      EXPECT_TRUE(IsError(r, 401));
    }
  }
  ASSERT_EQ(issued.size(), 1U);
  EXPECT_EQ(on_a.Get("/api/v1/tasks", Auth(issued[0])).status, 200);
  EXPECT_EQ(on_b.Get("/api/v1/tasks", Auth(issued[0])).status, 200);
  EXPECT_EQ(on_b.Get("/api/v1/tasks", Auth(fresh)).status, 401);
  EXPECT_FALSE(a.Exited()) << a.Log();
  EXPECT_FALSE(b.Exited()) << b.Log();
}

}  // namespace
}  // namespace taskshare::testing
