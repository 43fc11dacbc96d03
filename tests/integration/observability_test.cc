// What an operator sees: /metrics in the Prometheus text format, the JSON access log, /readyz.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

std::vector<json::object> ReadLines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<json::object> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(json::parse(line).as_object());  // throws if not JSON
  return lines;
}

TEST(ObservabilityTest, MetricsNeedAnAdminAndCountRequestsByRouteAndStatus) {
  ServerProcess server;
  server.Start();
  const std::string user = server.AddUser("user@metrics.test");
  const std::string admin = server.AddUser("admin@metrics.test", "", "admin");
  HttpClient client(server.port());
  const Response created =
      client.Post("/api/v1/tasks", R"({"task": "t", "visibility": "unlisted"})", Auth(user));
  ASSERT_EQ(created.status, 202) << created.body;
  const std::string id(json::parse(created.body).at("id").as_string());
  for (int i = 0; i < 3; ++i) ASSERT_EQ(client.Get("/api/v1/tasks/" + id + "/share").status, 200);
  ASSERT_EQ(client.Get("/api/v1/tasks/00000000-0000-4000-8000-000000000000/share").status, 404);

  EXPECT_EQ(client.Get("/metrics").status, 401);
  EXPECT_EQ(client.Get("/metrics", Auth(user)).status, 403);
  const Response r = client.Get("/metrics", Auth(admin));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = r.body;
  EXPECT_NE(m.find("taskshare_http_requests_total{route=\"share\",status=\"200\"} 3\n"), std::string::npos)
      << m;
  EXPECT_NE(m.find("taskshare_http_requests_total{route=\"share\",status=\"404\"} 1\n"), std::string::npos)
      << m;
  EXPECT_NE(m.find("taskshare_http_requests_total{route=\"tasks\",status=\"202\"}"), std::string::npos) << m;
  EXPECT_NE(m.find("taskshare_http_request_duration_seconds_bucket{route=\"share\",le=\"+Inf\"} 4\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("taskshare_http_request_duration_seconds_count{route=\"share\"} 4\n"), std::string::npos)
      << m;
  // The first share request filled the cache, the next two were hits.
  EXPECT_NE(m.find("taskshare_cache_hits_total 2\n"), std::string::npos) << m;
  // Each request is counted once: the first share request and the unknown task's were misses.
  EXPECT_NE(m.find("taskshare_cache_misses_total 2\n"), std::string::npos) << m;
  EXPECT_NE(m.find("taskshare_cache_entries 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("taskshare_db_pool_threads{pool=\"write\"} 4\n"), std::string::npos) << m;
  EXPECT_NE(m.find("# TYPE taskshare_connections_open gauge\n"), std::string::npos) << m;
}

TEST(ObservabilityTest, MetricsPublicNeedsNoKey) {
  ServerProcess server({"--metrics-public"});
  server.Start();
  EXPECT_EQ(HttpClient(server.port()).Get("/metrics").status, 200);
}

TEST(ObservabilityTest, AccessLogHasOneJsonLinePerRequestAndTheErrorIdOfA5xx) {
  TempDir logs;
  const auto log_path = logs.path() / "access.log";
  ServerProcess server({"--access-log", log_path.string()});
  server.Start();
  const std::string key = server.AddUser("owner@log.test");
  HttpClient client(server.port());
  const Response created =
      client.Post("/api/v1/tasks", R"({"task": "t", "visibility": "public"})", Auth(key));
  ASSERT_EQ(created.status, 202);
  const std::string id(json::parse(created.body).at("id").as_string());
  server.Sql(
      "UPDATE message_blocks SET data = substr(data, 2) "
      "WHERE task_seq = (SELECT seq FROM tasks WHERE id = ?1)",
      {id});
  const Response failed = client.Get("/api/v1/tasks/" + id + "/share");
  ASSERT_EQ(failed.status, 500) << failed.body;
  const std::string error_id(json::parse(failed.body).at("error_id").as_string());
  ASSERT_EQ(client.Get("/api/v1/tasks?limit=5&visibility=public", Auth(key)).status, 200);
  const RawExchange bad = SendRaw(server.port(), "GET /bad\"target HTTP/1.1\r\nHost: a\r\n\r\n");
  ASSERT_TRUE(bad.response.has_value());
  ASSERT_EQ(bad.response->status, 400);
  ASSERT_EQ(server.Stop(), 0);  // flushes the log

  // Each network thread buffers its own lines and stamps them once the response is written, so neither
  // the file's order nor the times follow the requests: each line is found by its status.
  const auto lines = ReadLines(log_path);
  ASSERT_EQ(lines.size(), 4u);
  const auto line_with_status = [&lines](int status) -> const json::object& {
    const auto it = std::find_if(lines.begin(), lines.end(),
                                 [status](const json::object& line) { return line.at("status") == status; });
    EXPECT_NE(it, lines.end()) << "no line with status " << status;
    return it == lines.end() ? lines.front() : *it;
  };
  const json::object& created_line = line_with_status(202);
  const json::object& error_line = line_with_status(500);
  const json::object& listed_line = line_with_status(200);
  const json::object& refused_line = line_with_status(400);
  EXPECT_EQ(error_line.at("request_id").as_string(), error_id);
  EXPECT_EQ(error_line.at("path").as_string(), "/api/v1/tasks/" + id + "/share");
  EXPECT_EQ(error_line.at("method"), "GET");
  EXPECT_EQ(error_line.at("remote"), "127.0.0.1");
  EXPECT_EQ(created_line.at("method"), "POST");
  EXPECT_EQ(listed_line.at("path"), "/api/v1/tasks") << "the query string must not be logged";
  // Refused before it reached a handler, logged all the same.
  EXPECT_EQ(refused_line.at("path"), "/bad\"target");
  for (const auto& line : lines) {
    EXPECT_EQ(line.at("request_id").as_string().size(), 32u);
    EXPECT_TRUE(line.at("duration_ms").is_number());
    EXPECT_TRUE(line.at("bytes").is_int64());
  }
  EXPECT_NE(created_line.at("request_id"), listed_line.at("request_id"));
}

TEST(ObservabilityTest, ReadyzAnswersWhenTheDatabaseDoes) {
  ServerProcess server;
  server.Start();
  const Response r = HttpClient(server.port()).Get("/readyz");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"status": "ready", "database": "reachable"})"));
}

}  // namespace
}  // namespace taskshare::testing
