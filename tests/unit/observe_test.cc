// The access log's line format and the Prometheus rendering of the metrics.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include "api/router.h"
#include "observe/access_log.h"
#include "observe/metrics.h"

namespace taskshare::observe {
namespace {

using namespace std::chrono_literals;

TEST(AccessLineTest, IsOneJsonObjectWhateverTheClientSent) {
  const std::string nasty = std::string("/a\"b\\c\n\x01\x7f\xc3\xa9") + "?token=secret";
  std::string out;
  AppendAccessLine({.request_id = "0123456789abcdef0123456789abcdef",
                    .remote = "203.0.113.7",
                    .method = "GET",
                    .target = nasty,
                    .status = 404,
                    .bytes = 123,
                    .duration = 1500us,
                    .from_memory = false},
                   std::chrono::system_clock::time_point(std::chrono::microseconds(1'767'225'600'123'456)),
                   out);
  ASSERT_EQ(out.back(), '\n');
  ASSERT_EQ(out.find('\n'), out.size() - 1) << "one line";
  const boost::json::value line = boost::json::parse(out);
  EXPECT_EQ(line, boost::json::parse(R"({"time": "2026-01-01T00:00:00.123456Z",
      "request_id": "0123456789abcdef0123456789abcdef", "remote": "203.0.113.7", "method": "GET",
      "path": "/a\"b\\c\n\u0001\u007f\u00c3\u00a9", "status": 404, "bytes": 123, "duration_ms": 1.5,
      "served": "handler"})"));
  EXPECT_EQ(out.find("secret"), std::string::npos) << "the query string is not logged";
}

TEST(MetricsTest, RendersCountersHistogramsAndGauges) {
  Metrics metrics(2, [] {
    return std::vector<Sample>{{"taskshare_cache_entries", "gauge", "Entries.", "", 7},
                               {"taskshare_db_pool_threads", "gauge", "Threads.", R"(pool="read")", 2},
                               {"taskshare_db_pool_threads", "gauge", "", R"(pool="write")", 4}};
  });
  metrics.Record(0, Route::kShare, 200, 50us);
  metrics.Record(1, Route::kShare, 200, 3ms);
  metrics.Record(1, Route::kShare, 599, 3ms);
  metrics.Record(0, Route::kTasks, 202, 10s);
  metrics.Record(0, Route::kAuth, 303, 1ms);
  const std::string text = metrics.Render();
  for (const char* expected : {
           "# TYPE taskshare_http_requests_total counter\n",
           "taskshare_http_requests_total{route=\"share\",status=\"200\"} 2\n",
           "taskshare_http_requests_total{route=\"share\",status=\"other\"} 1\n",
           "taskshare_http_requests_total{route=\"tasks\",status=\"202\"} 1\n",
           "taskshare_http_requests_total{route=\"auth\",status=\"303\"} 1\n",
           "# TYPE taskshare_http_request_duration_seconds histogram\n",
           "taskshare_http_request_duration_seconds_bucket{route=\"share\",le=\"0.0001\"} 1\n",
           "taskshare_http_request_duration_seconds_bucket{route=\"share\",le=\"0.0025\"} 1\n",
           "taskshare_http_request_duration_seconds_bucket{route=\"share\",le=\"0.005\"} 3\n",
           "taskshare_http_request_duration_seconds_bucket{route=\"share\",le=\"+Inf\"} 3\n",
           "taskshare_http_request_duration_seconds_count{route=\"share\"} 3\n",
           "taskshare_http_request_duration_seconds_sum{route=\"share\"} 0.00605\n",
           "taskshare_http_request_duration_seconds_bucket{route=\"tasks\",le=\"2.5\"} 0\n",
           "taskshare_http_request_duration_seconds_bucket{route=\"tasks\",le=\"+Inf\"} 1\n",
           "# TYPE taskshare_cache_entries gauge\ntaskshare_cache_entries 7\n",
           "taskshare_db_pool_threads{pool=\"read\"} 2\ntaskshare_db_pool_threads{pool=\"write\"} 4\n",
       }) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\nin:\n" << text;
  }
  EXPECT_EQ(text.find("route=\"messages\""), std::string::npos) << "routes never seen are left out";
}

TEST(MetricsRouteTest, EveryEndpointHasARouteLabel) {
  const std::string id = "5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11";
  const std::pair<std::string, std::string_view> cases[] = {
      {"/api/v1/tasks/" + id + "/share", "share"},
      {"/api/v1/tasks/" + id + "/share?x=1", "share"},
      {"/share/" + id, "share_page"},
      {"/api/v1/tasks?shared=true", "tasks"},
      {"/api/v1/tasks/" + id, "task"},
      {"/api/v1/tasks/" + id + "/share/settings", "task"},
      {"/api/v1/tasks/" + id + "/share/stats", "task"},
      {"/api/v1/tasks/" + id + "/messages", "messages"},
      {"/api/v1/schedules", "schedules"},
      {"/api/v1/schedules/" + id, "schedules"},
      {"/api/v1/user/apikey", "apikey"},
      {"/api/v1/user/apikey/rotate", "apikey"},
      {"/api/v1/secrets", "secrets"},
      {"/api/v1/secrets/DEPLOY_TOKEN", "secrets"},
      {"/api/v1/shares/revoke-all", "shares"},
      {"/api/v1/admin/sharing", "admin"},
      {"/api/openapi.json", "openapi"},
      {"/healthz", "healthz"},
      {"/readyz", "readyz"},
      {"/metrics", "metrics"},
      {"/auth/sign-in", "auth"},
      {"/auth/callback", "auth"},
      {"/auth/sign-out-everywhere", "auth"},
      {"/app", "app"},
      {"/api/v1/nothing", "other"},
      {"/", "other"},
  };
  for (const auto& [target, route] : cases)
    EXPECT_EQ(RouteName(api::Routing(target).label()), route) << target;
}

}  // namespace
}  // namespace taskshare::observe
