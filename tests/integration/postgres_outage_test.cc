// A PostgreSQL restart under load, through the real binary: while client threads append messages
// and read shares through a node, the database server is stopped and started again
// (scripts/pg-test-cluster.sh keeps its port and URL). Requests made during the outage fail fast with
// 503 and the ErrorResponse of code `unavailable`; the node never dies and needs no restart; service
// resumes by itself; and afterwards every append that was acknowledged with 200 is stored exactly once.
// Runs on a private cluster (stopping the shared one would disturb other tests) when
// TASKSHARE_TEST_POSTGRES_URL is set, which says that PostgreSQL is installed.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
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

// What the client threads saw. Guarded by mu, except the counters.
struct Tally {
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> acknowledged;  // (task id, message id)
  std::vector<std::string> unexpected;                            // anything but 200 or a proper 503
  double slowest_503_ms = 0;
  std::atomic<int> ok{0};
  std::atomic<int> unavailable{0};

  void Record(const Response& r, double ms, int ok_status) {
    if (r.status == ok_status) {
      ++ok;
      return;
    }
    std::lock_guard lock(mu);
    const ::testing::AssertionResult proper = IsError(r, 503);
    if (!proper || JsonBody(r).at("code") != "unavailable") {
      unexpected.push_back(std::to_string(r.status) + " " + r.body + (proper ? "" : proper.message()));
      return;
    }
    ++unavailable;
    slowest_503_ms = std::max(slowest_503_ms, ms);
  }
  void Failed(const std::string& what) {
    std::lock_guard lock(mu);
    unexpected.push_back(what);
  }
};

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

TEST(PostgresOutageTest, RestartUnderLoadFailsFastResumesByItselfAndKeepsEveryAcknowledgedAppend) {
  if (TestPostgresUrl().empty()) GTEST_SKIP() << "TASKSHARE_TEST_POSTGRES_URL is not set";
  TempDir cluster_dir;
  PrivateCluster cluster(cluster_dir.path());
  ServerProcess node({"--metrics-public"}, cluster.url());
  const std::string key = node.AddUser("owner@outage.test", "red");
  node.Start();
  std::vector<std::string> tasks;
  for (int i = 0; i < 4; ++i) tasks.push_back(CreateTask(node.port(), key, "public"));

  Tally appends;
  Tally reads;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  // Stops and joins the clients, also when the cluster or a request throws: the test then fails with
  // the exception's message instead of ending the process on a joinable thread.
  const auto join_clients = [&] {
    stop = true;
    for (std::thread& t : clients) {
      if (t.joinable()) t.join();
    }
  };
  const struct JoinOnExit {
    const decltype(join_clients)& join;
    ~JoinOnExit() { join(); }
  } join_on_exit{join_clients};
  for (int w = 0; w < 3; ++w) {
    clients.emplace_back([&, w] {
      const HttpClient client(node.port());
      for (int n = 0; !stop; ++n) {
        const std::string& task = tasks[(w + n) % tasks.size()];
        const std::string message_id = "w" + std::to_string(w) + "-" + std::to_string(n);
        const std::string body =
            R"({"messages":[{"id":")" + message_id + R"(","role":"assistant","content":"step"}]})";
        const Clock::time_point start = Clock::now();
        try {
          const Response r = client.Post("/api/v1/tasks/" + task + "/messages", body, Auth(key));
          appends.Record(r, MillisSince(start), 200);
          if (r.status == 200) {
            std::lock_guard lock(appends.mu);
            appends.acknowledged.emplace_back(task, message_id);
          }
        } catch (const std::exception& e) {
          appends.Failed(std::string("append: ") + e.what());
        }
      }
    });
  }
  for (int r = 0; r < 2; ++r) {
    clients.emplace_back([&, r] {
      const HttpClient client(node.port());
      for (int n = 0; !stop; ++n) {
        const Clock::time_point start = Clock::now();
        try {
          reads.Record(client.Get(SharePath(tasks[(r + n) % tasks.size()])), MillisSince(start), 200);
        } catch (const std::exception& e) {
          reads.Failed(std::string("share: ") + e.what());
        }
      }
    });
  }

  std::this_thread::sleep_for(milliseconds(1000));
  const int ok_before = appends.ok;
  cluster.Stop();
  const Clock::time_point stopped = Clock::now();
  std::this_thread::sleep_for(milliseconds(2000));
  const Response ready_during = HttpClient(node.port()).Get("/readyz");
  const int unavailable_during = appends.unavailable + reads.unavailable;
  cluster.Start();
  const Clock::time_point started = Clock::now();
  const int ok_at_restart = appends.ok;
  while (appends.ok == ok_at_restart && MillisSince(started) < 30000)
    std::this_thread::sleep_for(milliseconds(10));
  const double recovery_ms = MillisSince(started);
  std::this_thread::sleep_for(milliseconds(1000));
  join_clients();

  std::printf(
      "outage %.0f ms: %d appends acknowledged (%d before the stop), %d 503s (appends %d, shares %d), "
      "slowest 503 %.1f ms; first acknowledged append %.0f ms after the server was back\n",
      MillisSince(stopped) - MillisSince(started), appends.ok.load(), ok_before,
      appends.unavailable + reads.unavailable, appends.unavailable.load(), reads.unavailable.load(),
      std::max(appends.slowest_503_ms, reads.slowest_503_ms), recovery_ms);
  RecordProperty("slowest_503_ms", static_cast<int>(std::max(appends.slowest_503_ms, reads.slowest_503_ms)));
  RecordProperty("recovery_ms", static_cast<int>(recovery_ms));
  EXPECT_FALSE(node.Exited()) << "the node died:\n" << node.Log();
  for (const auto* tally : {&appends, &reads}) {
    EXPECT_TRUE(tally->unexpected.empty())
        << tally->unexpected.size() << " unexpected answers, first: " << tally->unexpected.front();
  }
  EXPECT_GT(ok_before, 0);
  EXPECT_GT(unavailable_during, 0) << "no request failed while the database was down";
  EXPECT_LT(std::max(appends.slowest_503_ms, reads.slowest_503_ms), 3000.0) << "a 503 was not fast";
  EXPECT_TRUE(IsError(ready_during, 503));
  EXPECT_LT(recovery_ms, 30000.0) << "service did not resume";
  EXPECT_EQ(HttpClient(node.port()).Get("/readyz").status, 200);
  EXPECT_EQ(HttpClient(node.port()).Get(SharePath(tasks[0])).status, 200);

  // Every acknowledged append is stored, once.
  std::map<std::pair<std::string, std::string>, int> stored;
  for (const std::string& task : tasks) {
    const json::value got = ExpectJson(HttpClient(node.port()).Get("/api/v1/tasks/" + task, Auth(key)), 200);
    for (const json::value& message : got.at("messages").as_array()) {
      ++stored[{task, std::string(message.at("id").as_string())}];
    }
  }
  int missing = 0;
  int repeated = 0;
  for (const auto& acked : appends.acknowledged) {
    const auto it = stored.find(acked);
    if (it == stored.end()) {
      ++missing;
    } else if (it->second != 1) {
      ++repeated;
    }
  }
  EXPECT_EQ(missing, 0) << "of " << appends.acknowledged.size() << " acknowledged appends";
  EXPECT_EQ(repeated, 0);
  for (const auto& [message, count] : stored)
    EXPECT_EQ(count, 1) << message.second << " stored " << count << " times";
}

}  // namespace
}  // namespace taskshare::testing
