// What survives a crash and a restart, concurrent writers, the `import` command, and the
// unauthenticated service endpoints, against the real server.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <memory>
#include <numeric>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/ids.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

// Each test gets a server and a database of its own, since they kill and restart it.
class DurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Start();
    key_ = server_.AddUser("owner@durable.test", "red");
  }
  void TearDown() override { EXPECT_FALSE(server_.Exited()) << "the server died:\n" << server_.Log(); }

  HttpClient Client() const { return HttpClient(server_.port()); }
  std::string Create(const std::string& body) const {
    return std::string(
        ExpectJson(Client().Post("/api/v1/tasks", body, Auth(key_)), 202).at("id").as_string());
  }
  json::object Details(const std::string& id) const {
    return ExpectJson(Client().Get("/api/v1/tasks/" + id, Auth(key_)), 200).as_object();
  }
  Response Append(const std::string& id, const std::string& messages) const {
    return Client().Post("/api/v1/tasks/" + id + "/messages", R"({"messages": )" + messages + "}",
                         Auth(key_));
  }

  ServerProcess server_;
  std::string key_;
};

TEST_F(DurabilityTest, HealthAndOpenApiNeedNoCredentials) {
  const Response health = Client().Get("/healthz");
  ASSERT_TRUE(HasStatus(health, 200));
  EXPECT_EQ(health.Header("content-type").rfind("application/json", 0), 0u);
  EXPECT_EQ(JsonBody(health), json::parse(R"({"status": "ok"})"));

  const Response openapi = Client().Get("/api/openapi.json");
  ASSERT_TRUE(HasStatus(openapi, 200));
  const json::value doc = JsonBody(openapi);
  EXPECT_EQ(doc.at("openapi").as_string().subview(0, 3), "3.1") << doc.at("openapi");
  EXPECT_TRUE(doc.at("paths").as_object().contains("/api/v1/tasks/{id}/share"));
}

TEST_F(DurabilityTest, AcknowledgedWritesSurviveKill9) {
  const std::string id = Create(R"({"task": "durable"})");
  std::string batch = "[";
  for (int i = 0; i < 200; ++i) {
    batch += (i ? "," : "") + std::string(R"({"id": "m)") + std::to_string(i) + R"(", "payload": ")" +
             std::string(100, 'a' + i % 26) + "\"}";
  }
  batch += "]";
  const Response appended = Append(id, batch);
  ASSERT_TRUE(HasStatus(appended, 200));
  server_.Kill();
  server_.Start();

  json::array expected = json::parse(R"([{"role": "user", "content": "durable"}])").as_array();
  const json::value parsed = json::parse(batch);
  for (const auto& m : parsed.as_array()) expected.push_back(m);
  EXPECT_EQ(Details(id).at("messages"), expected);

  for (int i = 0; i < 20; ++i) {
    const std::string one = R"([{"id": "single)" + std::to_string(i) + "\"}]";
    ASSERT_TRUE(HasStatus(Append(id, one), 200));
    expected.push_back(json::parse(one).as_array().front());
  }
  const std::string deleted = Create(R"({"task": "to delete"})");
  ASSERT_TRUE(
      HasStatus(Client().Patch("/api/v1/tasks/" + id, R"({"visibility": "public"})", Auth(key_)), 200));
  ASSERT_TRUE(HasStatus(Client().Delete("/api/v1/tasks/" + deleted, Auth(key_)), 204));
  server_.Kill();
  server_.Start();

  const json::object details = Details(id);
  EXPECT_EQ(details.at("messages"), expected);
  EXPECT_EQ(details.at("task").at("visibility"), "public");
  EXPECT_TRUE(HasStatus(Client().Get("/api/v1/tasks/" + id + "/share"), 200));
  EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks/" + deleted, Auth(key_)), 404));
  EXPECT_EQ(ExpectJson(Append(id, R"([{"id": "m0"}, {"id": "single19"}])"), 200),
            json::parse(R"({"appended": 0, "message_count": 221})"));
}

TEST_F(DurabilityTest, SigtermStopsCleanlyAndARestartKeepsEverything) {
  const std::string id = Create(R"({"task": "kept", "visibility": "unlisted"})");
  const json::object before = Details(id);
  const std::string migrations = "SELECT version FROM schema_migrations ORDER BY version";
  const auto applied = server_.Sql(migrations);
  EXPECT_FALSE(applied.empty());

  EXPECT_EQ(server_.Stop(), 0) << server_.Log();
  EXPECT_EQ(server_.Sql("PRAGMA journal_mode"), (std::vector<std::vector<std::string>>{{"wal"}}));
  server_.Start();
  EXPECT_EQ(Details(id), before);
  EXPECT_TRUE(HasStatus(Client().Get("/api/v1/tasks/" + id + "/share"), 200));
  EXPECT_EQ(server_.Sql(migrations), applied);
}

TEST_F(DurabilityTest, ConcurrentAppendsLoseNothing) {
  const std::string id = Create(R"({"title": "busy"})");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string m = R"([{"id": ")" + std::to_string(t) + "-" + std::to_string(i) + R"(", "t": )" +
                              std::to_string(t) + ", \"i\": " + std::to_string(i) + "}]";
        if (Append(id, m).status != 200) ++failures[t];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;

  const json::array messages = Details(id).at("messages").as_array();
  ASSERT_EQ(messages.size(), static_cast<size_t>(kThreads * kPerThread));
  std::vector<int64_t> next(kThreads, 0);
  for (const auto& m : messages) {
    const auto t = m.at("t").as_int64();
    EXPECT_EQ(m.at("i").as_int64(), next[t]++) << "thread " << t << "'s appends out of order";
  }
}

TEST_F(DurabilityTest, RacingWritersOfOneIdOrOneBatchStoreItOnce) {
  constexpr int kThreads = 8;
  const std::string id = NewUuidV4();
  const std::string batch = R"([{"id": "r1"}, {"id": "r2"}, {"id": "r3"}])";
  std::vector<int> created(kThreads, 0);
  std::vector<int64_t> appended(kThreads, -1);
  auto race = [&](auto&& body) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) threads.emplace_back(body, t);
    for (auto& t : threads) t.join();
  };
  race([&](int t) {
    const Response r =
        Client().Post("/api/v1/tasks", R"({"title": "race", "id": ")" + id + "\"}", Auth(key_));
    created[t] = r.status;
  });
  EXPECT_EQ(std::count(created.begin(), created.end(), 202), 1);
  EXPECT_EQ(std::count(created.begin(), created.end(), 409), kThreads - 1);

  race([&](int t) {
    const Response r = Append(id, batch);
    if (r.status == 200) appended[t] = JsonBody(r).at("appended").as_int64();
  });
  for (int t = 0; t < kThreads; ++t) EXPECT_GE(appended[t], 0) << "thread " << t << " failed";
  EXPECT_EQ(std::accumulate(appended.begin(), appended.end(), int64_t{0}), 3);
  EXPECT_EQ(Details(id).at("messages"), json::parse(batch));
}

TEST_F(DurabilityTest, ImportStoresATaskWholeOrNotAtAll) {
  server_.AddUser("creator@durable.test");
  const std::string id = NewUuidV4();
  const std::string details_shaped = R"({"task": {"id": ")" + id + R"(", "title": "Imported",
      "status": "completed", "visibility": "public", "created_by": "creator@durable.test",
      "created_at": "2026-01-02T03:04:05.000006Z", "updated_at": "2026-01-02T03:04:05.000006Z"},
      "messages": [{"id": 1, "n": 1.50}, {"role": "assistant", "content": "done"}]})";
  EXPECT_EQ(server_.Import(details_shaped), id);
  const json::value shared = ExpectJson(Client().Get("/api/v1/tasks/" + id + "/share"), 200);
  EXPECT_EQ(shared.at("task").at("title"), "Imported");
  EXPECT_EQ(shared.at("task").at("created_at"), "2026-01-02T03:04:05.000006Z");
  EXPECT_EQ(shared.at("messages").as_array().size(), 2u);
  EXPECT_NE(Client().Get("/api/v1/tasks/" + id + "/share").body.find(R"("n":1.50)"), std::string::npos);

  const auto file = server_.dir() / "again.json";
  std::vector<std::pair<std::string, std::vector<std::string>>> refused = {
      {details_shaped, {}},
      {R"({"task": {"id": "@NEW@", "title": "t", "status": "pending", "visibility": "private",
          "created_at": "2026-01-02T03:04:05Z"}, "messages": []})",
       {"--owner", "nobody@durable.test"}},
      {R"({"task": {"id": "@NEW@", "title": "t", "status": "running", "visibility": "private",
          "created_at": "2026-01-02T03:04:05Z"}, "messages": []})",
       {"--owner", "owner@durable.test"}},
      {R"({"task": {"id": "@NEW@", "title": "t", "status": "pending", "visibility": "private",
          "created_at": "2026-01-02T03:04:05Z", "colour": "red"}, "messages": []})",
       {"--owner", "owner@durable.test"}},
      {R"({"task": {"id": "@NEW@", "title": "t", "status": "pending", "visibility": "private",
          "created_at": "2026-01-02T03:04:05Z"}, "messages": [{"ok": 1}, 42]})",
       {"--owner", "owner@durable.test"}},
      {R"({"task": {"id": "@NEW@", "title": "t", "status": "pending", "visibility": "private"},
          "messages": []})",
       {"--owner", "owner@durable.test"}},
  };
  for (auto& [text, owner] : refused) {
    const std::string fresh = NewUuidV4();
    if (const auto at = text.find("@NEW@"); at != std::string::npos) text.replace(at, 5, fresh);
    SCOPED_TRACE(text);
    { std::ofstream(file) << text; }
    std::vector<std::string> args{"import", file.string()};
    args.insert(args.end(), owner.begin(), owner.end());
    const CommandResult r = server_.RunCli(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err, "");
    EXPECT_EQ(r.out, "");
    EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks/" + fresh + "/share"), 404));
  }
  EXPECT_EQ(ExpectJson(Client().Get("/api/v1/tasks/" + id + "/share"), 200), shared);
}

// An import keeps the file's id, so it must not bring a deleted task's links back to life either.
TEST_F(DurabilityTest, AnImportCannotTakeTheIdOfADeletedTask) {
  const std::string id = NewUuidV4();
  const std::string text = R"({"task": {"id": ")" + id + R"(", "title": "Imported", "status": "completed",
      "visibility": "public", "created_at": "2026-01-02T03:04:05Z"}, "messages": []})";
  EXPECT_EQ(server_.Import(text, "owner@durable.test"), id);
  ASSERT_TRUE(HasStatus(Client().Delete("/api/v1/tasks/" + id, Auth(key_)), 204));

  const auto file = server_.dir() / "deleted.json";
  { std::ofstream(file) << text; }
  const CommandResult r = server_.RunCli({"import", file.string(), "--owner", "owner@durable.test"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("Task id is already taken"), std::string::npos) << r.err;
  EXPECT_TRUE(IsError(Client().Get("/api/v1/tasks/" + id + "/share"), 404, "Task not found"));
}

}  // namespace
}  // namespace taskshare::testing
