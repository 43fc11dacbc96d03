// Graceful shutdown: on SIGTERM the server stops accepting, closes idle connections, finishes the
// requests in flight, and loses no acknowledged write.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

class ShutdownTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Start();
    key_ = server_.AddUser("owner@shutdown.test");
    const Response created = HttpClient(server_.port()).Post("/api/v1/tasks", R"({"task": "t"})", Auth(key_));
    ASSERT_EQ(created.status, 202) << created.body;
    id_ = std::string(json::parse(created.body).at("id").as_string());
  }

  std::vector<std::string> StoredKeys() {
    const Response r = HttpClient(server_.port()).Get("/api/v1/tasks/" + id_, Auth(key_));
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> keys;
    const json::value details = json::parse(r.body);
    for (const auto& m : details.at("messages").as_array()) {
      if (m.as_object().contains("id")) keys.emplace_back(m.at("id").as_string());
    }
    return keys;
  }

  ServerProcess server_{{"--shutdown-grace", "10"}};
  std::string key_;
  std::string id_;
};

TEST_F(ShutdownTest, ARequestInFlightIsAnsweredAndIdleConnectionsClose) {
  Connection idle(server_.port(), seconds(10));
  ASSERT_EQ(idle.Get("/healthz").status, 200);  // now idle, kept alive

  Connection busy(server_.port(), seconds(10));
  const std::string body = R"({"messages": [{"id": "in-flight", "role": "user", "content": "x"}]})";
  const std::string request =
      FormatRequest(server_.port(), "POST", "/api/v1/tasks/" + id_ + "/messages", body, Auth(key_));
  const std::size_t half = request.size() - body.size() / 2;
  busy.Send(request.substr(0, half));
  std::this_thread::sleep_for(milliseconds(200));  // the server is reading it

  const auto signalled = Clock::now();
  ASSERT_GT(server_.pid(), 0);
  ASSERT_EQ(kill(server_.pid(), SIGTERM), 0);
  std::this_thread::sleep_for(milliseconds(200));
  busy.Send(request.substr(half));
  const Response answered = busy.Read();
  EXPECT_EQ(answered.status, 200) << answered.body;
  EXPECT_FALSE(answered.keep_alive) << "a response during shutdown must close its connection";

  // The idle connection was closed by the server, and no new connection is accepted.
  EXPECT_THROW(idle.Read(), std::runtime_error);
  const auto deadline = Clock::now() + seconds(10);
  while (!server_.Exited() && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(20));
  ASSERT_TRUE(server_.Exited()) << server_.Log();
  EXPECT_LT(Clock::now() - signalled, seconds(5))
      << "the server waited for connections that had nothing to do";
  EXPECT_NE(server_.Log().find("stopped"), std::string::npos) << server_.Log();

  server_.Start();
  EXPECT_EQ(StoredKeys(), std::vector<std::string>{"in-flight"});
}

TEST_F(ShutdownTest, NoAcknowledgedAppendIsLost) {
  std::atomic<bool> stop{false};
  std::vector<std::vector<std::string>> acknowledged(4);
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop; ++i) {
        const std::string key = "w" + std::to_string(w) + "-" + std::to_string(i);
        try {
          const Response r = HttpClient(server_.port(), seconds(10))
                                 .Post("/api/v1/tasks/" + id_ + "/messages",
                                       R"({"messages": [{"id": ")" + key + R"("}]})", Auth(key_));
          if (r.status == 200) acknowledged[static_cast<std::size_t>(w)].push_back(key);
        } catch (const std::exception&) {
          return;  // refused or closed: the server is going away
        }
      }
    });
  }
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_EQ(server_.Stop(), 0) << server_.Log();
  stop = true;
  for (auto& t : writers) t.join();

  server_.Start();
  const std::vector<std::string> stored = StoredKeys();
  const std::set<std::string> unique(stored.begin(), stored.end());
  EXPECT_EQ(unique.size(), stored.size()) << "a message is stored twice";
  std::size_t total = 0;
  for (const auto& keys : acknowledged) {
    total += keys.size();
    for (const auto& key : keys) EXPECT_TRUE(unique.contains(key)) << key << " was acknowledged but is gone";
  }
  EXPECT_GT(total, 0u);
}

}  // namespace
}  // namespace taskshare::testing
