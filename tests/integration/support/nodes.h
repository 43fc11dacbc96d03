// Helpers of the tests that run several taskshare nodes on one PostgreSQL database: the node's own
// numbers from /metrics (the nodes run with --metrics-public), tasks made over the API, the listening
// connection of each node as PostgreSQL sees it, and a median.
//
// Functions only; thread-safe as HttpClient is, except the RawPostgres ones (one connection, one
// thread).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "../../unit/postgres_test_support.h"
#include "http_client.h"
#include "metrics.h"

namespace taskshare::testing {

// Waits up to `timeout` until the node's change feed is up (`up`) or down; false if it never was.
inline bool WaitForFeed(int port, bool up, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (MetricValue(port, "taskshare_change_feed_up") != (up ? 1.0 : 0.0)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Creates a task with `visibility` through the node at `port` as the owner of `key`; returns its id.
inline std::string CreateTask(int port, const std::string& key, const std::string& visibility,
                              const std::string& title = "Audit example.org") {
  const std::string body = R"({"title": ")" + title + R"(", "visibility": ")" + visibility +
                           R"(", "message": {"id": "m0", "role": "user", "content": "start"}})";
  return std::string(
      ExpectJson(HttpClient(port).Post("/api/v1/tasks", body, Auth(key)), 202).at("id").as_string());
}

inline std::string SharePath(const std::string& id) { return "/api/v1/tasks/" + id + "/share"; }

// The backend pids of the taskshare-listen connections to database `database`.
inline std::set<std::string> ListenBackends(RawPostgres& server, const std::string& database) {
  std::set<std::string> pids;
  const std::string text = server.QueryText(
      "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE application_name = 'taskshare-listen' "
      "AND datname = '" +
      database + "'");
  std::istringstream in(text);
  for (std::string pid; std::getline(in, pid, ',');) pids.insert(pid);
  return pids;
}

// Waits up to 10 s until database `database` has `count` taskshare-listen connections; returns them.
inline std::set<std::string> WaitForListenBackends(RawPostgres& server, const std::string& database,
                                                   std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    std::set<std::string> pids = ListenBackends(server, database);
    if (pids.size() == count || std::chrono::steady_clock::now() >= deadline) return pids;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

inline double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace taskshare::testing
