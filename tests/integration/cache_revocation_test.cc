// Writes against a warm response cache, on the real server: once a write is acknowledged, the very
// next share request sees it, whether it appends, renames, hides, shows again or deletes the task;
// and under concurrent load on keep-alive connections no request sent after a revoke is
// acknowledged is served the task.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/cache_checks.h"
#include "support/http_client.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

const Headers kGzip = {{"Accept-Encoding", "gzip"}};

Headers With(Headers headers, const std::string& name, const std::string& value) {
  headers.emplace_back(name, value);
  return headers;
}

class CacheRevocationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<ServerProcess>();
    server_->Start();
    owner_key_ = server_->AddUser("owner@revocation.test", "red");
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override { ASSERT_TRUE(server_->running()) << "no server:\n" << server_->Log(); }
  void TearDown() override { EXPECT_FALSE(server_->Exited()) << "the server died:\n" << server_->Log(); }

  static HttpClient Client() { return HttpClient(server_->port()); }
  static std::string Path(const std::string& id) { return "/api/v1/tasks/" + id; }
  static std::string Share(const std::string& id) { return Path(id) + "/share"; }

  static std::string NewTask(const std::string& visibility) {
    const std::string body = R"({"task": "Audit example.org, then report every finding in detail", )"
                             R"("visibility": ")" +
                             visibility + "\"}";
    return std::string(
        ExpectJson(Client().Post("/api/v1/tasks", body, Auth(owner_key_)), 202).at("id").as_string());
  }

  // Requests both variants twice, so that whatever the server caches is cached; returns the last
  // identity response.
  static Response Warm(const std::string& id) {
    for (int i = 0; i < 2; ++i) Client().Get(Share(id), kGzip);
    Client().Get(Share(id));
    return Client().Get(Share(id));
  }

  // The task as the owner sees it after a PATCH with `body`; throws unless it answers 200.
  static json::object Patch(const std::string& id, const std::string& body) {
    return ExpectJson(Client().Patch(Path(id), body, Auth(owner_key_)), 200).at("task").as_object();
  }

  inline static std::unique_ptr<ServerProcess> server_;
  inline static std::string owner_key_;
};

TEST_F(CacheRevocationTest, AppendIsServedOnTheNextRequest) {
  const std::string id = NewTask("public");
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const Response before = Warm(id);
    ASSERT_TRUE(IsRevalidated(before, 200));
    const std::string old_tag = before.Header("etag");
    const std::string message = R"({"id":"r)" + std::to_string(round) +
                                R"(","role":"assistant","content":"finding )" + std::to_string(round) +
                                R"(","n":1.50})";
    const json::value appended = ExpectJson(
        Client().Post(Path(id) + "/messages", R"({"messages": [)" + message + "]}", Auth(owner_key_)), 200);
    ASSERT_EQ(appended.at("appended"), 1);

    const Response after = Client().Get(Share(id), With({}, "If-None-Match", old_tag));
    ASSERT_TRUE(IsRevalidated(after, 200));
    EXPECT_NE(after.Header("etag"), old_tag);
    const std::string stripped = StripJsonWhitespace(after.body);
    EXPECT_NE(stripped.find("," + message + "]"), std::string::npos) << after.body;
    EXPECT_EQ(JsonBody(after).at("messages").as_array().size(), static_cast<size_t>(round) + 2);

    const Response gzip = Client().Get(Share(id), With(kGzip, "If-None-Match", GzipETag(old_tag)));
    ASSERT_TRUE(IsRevalidated(gzip, 200, true));
    EXPECT_EQ(gzip.Header("etag"), GzipETag(after.Header("etag")));
    EXPECT_EQ(Gunzip(gzip.body), after.body);
  }
}

TEST_F(CacheRevocationTest, TitleChangeIsServedOnTheNextRequest) {
  const std::string id = NewTask("unlisted");
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const Response before = Warm(id);
    ASSERT_TRUE(IsRevalidated(before, 200));
    const std::string title = "Renamed " + std::to_string(round);
    const json::object task = Patch(id, R"({"title": ")" + title + "\"}");

    for (const Headers& headers : {Headers{}, kGzip}) {
      const bool gzip = !headers.empty();
      SCOPED_TRACE(gzip ? "gzip" : "identity");
      const Response after = Client().Get(Share(id), headers);
      ASSERT_TRUE(IsRevalidated(after, 200, gzip));
      EXPECT_NE(after.Header("etag"), gzip ? GzipETag(before.Header("etag")) : before.Header("etag"));
      const json::value body = json::parse(gzip ? Gunzip(after.body) : after.body);
      EXPECT_EQ(body.at("task").at("title").as_string(), title);
      EXPECT_EQ(body.at("task").at("updated_at"), task.at("updated_at"));
    }
  }
}

TEST_F(CacheRevocationTest, PrivateIs403AtOnceAndUnlistedAgainIs200) {
  const std::string id = NewTask("unlisted");
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const Response before = Warm(id);
    ASSERT_TRUE(IsRevalidated(before, 200));
    const std::string tag = before.Header("etag");
    Patch(id, R"({"visibility": "private"})");
    for (const Headers& headers :
         {Headers{}, kGzip, With({}, "If-None-Match", tag), With(kGzip, "If-None-Match", GzipETag(tag)),
          With({}, "If-None-Match", "*")}) {
      SCOPED_TRACE(headers.empty() ? "plain" : headers.back().first + ": " + headers.back().second);
      const Response r = Client().Get(Share(id), headers);
      EXPECT_TRUE(IsError(r, 403, "Task is not shared"));
      EXPECT_TRUE(IsNoStore(r));
    }

    const json::object task = Patch(id, R"({"visibility": "unlisted"})");
    for (const Headers& headers : {Headers{}, kGzip}) {
      const bool gzip = !headers.empty();
      SCOPED_TRACE(gzip ? "gzip after unlisted" : "identity after unlisted");
      const Response r = Client().Get(Share(id), headers);
      ASSERT_TRUE(IsRevalidated(r, 200, gzip));
      const json::value body = json::parse(gzip ? Gunzip(r.body) : r.body);
      EXPECT_EQ(body.at("task").at("visibility"), "unlisted");
      EXPECT_EQ(body.at("task").at("updated_at"), task.at("updated_at"));
    }
  }
}

TEST_F(CacheRevocationTest, DeleteIs404AtOnce) {
  const std::string id = NewTask("public");
  const Response before = Warm(id);
  ASSERT_TRUE(IsRevalidated(before, 200));
  const std::string tag = before.Header("etag");
  ASSERT_TRUE(HasStatus(Client().Delete(Path(id), Auth(owner_key_)), 204));
  for (const Headers& headers :
       {Headers{}, kGzip, With({}, "If-None-Match", tag), With(kGzip, "If-None-Match", GzipETag(tag)),
        With({}, "If-None-Match", "*")}) {
    SCOPED_TRACE(headers.empty() ? "plain" : headers.back().first + ": " + headers.back().second);
    for (int i = 0; i < 2; ++i) {
      const Response r = Client().Get(Share(id), headers);
      EXPECT_TRUE(IsError(r, 404, "Task not found"));
      EXPECT_TRUE(IsNoStore(r));
    }
  }
}

// One share request as a load thread saw it: when it was sent, when its response was complete, and
// whether that response served the task (200, or 304 confirming a copy the client holds).
struct Sample {
  Clock::time_point sent;
  Clock::time_point received;
  int status = 0;
};

// One visibility change: when the PATCH was sent and when its 200 was received; between the two the
// server may show either state, before only the old one, after only the new one.
struct Flip {
  Clock::time_point sent;
  Clock::time_point acked;
  bool shared = false;  // the task is readable through its share link after this change
};

bool Serves(int status) { return status == 200 || status == 304; }

// Whether a request sent at `s.sent` and answered at `s.received` may see the task as shared: the
// state in force when it was sent (the last flip acknowledged by then, else the initial shared
// state), and the state of every flip that may have taken effect while it was in flight.
std::set<bool> AllowedStates(const Sample& s, const std::vector<Flip>& flips) {
  bool known = true;
  std::set<bool> allowed;
  for (const Flip& f : flips) {
    if (f.acked <= s.sent) {
      known = f.shared;
    } else if (f.sent < s.received) {
      allowed.insert(f.shared);
    }
  }
  allowed.insert(known);
  return allowed;
}

// A sample's status and its time relative to the last visibility change acknowledged before it.
std::string Describe(const Sample& s, const std::vector<Flip>& flips) {
  size_t last = flips.size();
  for (size_t f = 0; f < flips.size(); ++f) {
    if (flips[f].acked <= s.sent) last = f;
  }
  const auto us = [](Clock::duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(d).count()) + " us";
  };
  if (last == flips.size()) return "HTTP " + std::to_string(s.status) + " before any change";
  return "HTTP " + std::to_string(s.status) + " for a request sent " + us(s.sent - flips[last].acked) +
         " after the change to " + (flips[last].shared ? "unlisted" : "private") + " (#" +
         std::to_string(last) + ") was acknowledged, answered " + us(s.received - s.sent) + " later";
}

TEST_F(CacheRevocationTest, NoRequestSentAfterARevokeIsAcknowledgedIsServedTheTask) {
  constexpr int kThreads = 8;
  constexpr size_t kMaxRequestsPerThread = 100000;
  constexpr int kRequestsBetweenFlips = kThreads * 100;
  const auto give_up = Clock::now() + std::chrono::seconds(45);

  const std::string id = NewTask("unlisted");
  const Response warm = Warm(id);
  ASSERT_TRUE(IsRevalidated(warm, 200));
  const std::string first_tag = warm.Header("etag");

  std::atomic<bool> stop{false};
  std::atomic<long> answered{0};
  std::vector<std::vector<Sample>> samples(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Plain, gzip, and conditional on the tag the task had before any change, in turn.
      const std::vector<Headers> kinds = {{}, kGzip, With({}, "If-None-Match", first_tag)};
      try {
        Connection connection(server_->port(), std::chrono::seconds(10));
        for (size_t i = 0; !stop && i < kMaxRequestsPerThread && Clock::now() < give_up; ++i) {
          Sample s;
          s.sent = Clock::now();
          s.status = connection.Get(Share(id), kinds[(i + t) % kinds.size()]).status;
          s.received = Clock::now();
          samples[t].push_back(s);
          ++answered;
        }
      } catch (const std::exception& e) {
        errors[t] = e.what();
      }
    });
  }
  auto await_traffic = [&] {
    const long target = answered + kRequestsBetweenFlips;
    const auto deadline = std::min(give_up, Clock::now() + std::chrono::seconds(5));
    while (answered < target && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  };

  std::vector<Flip> flips;
  std::vector<std::string> patch_failures;
  try {  // the load threads must be stopped and joined whatever happens here
    await_traffic();
    for (const bool shared : {false, true, false, true, false}) {
      Flip f;
      f.shared = shared;
      f.sent = Clock::now();
      const Response r =
          Client().Patch(Path(id), shared ? R"({"visibility": "unlisted"})" : R"({"visibility": "private"})",
                         Auth(owner_key_));
      f.acked = Clock::now();
      if (r.status != 200) patch_failures.push_back(std::to_string(r.status) + " " + r.body);
      flips.push_back(f);
      await_traffic();
    }
  } catch (const std::exception& e) {
    patch_failures.push_back(e.what());
  }
  stop = true;
  for (auto& thread : threads) thread.join();

  EXPECT_TRUE(patch_failures.empty()) << patch_failures.front();
  size_t total = 0;
  std::vector<size_t> hidden_seen_after_revoke(flips.size(), 0);
  for (int t = 0; t < kThreads; ++t) {
    SCOPED_TRACE("thread " + std::to_string(t));
    EXPECT_EQ(errors[t], "");
    total += samples[t].size();
    size_t violations = 0;
    std::string first_violation;
    for (const Sample& s : samples[t]) {
      ASSERT_TRUE(s.status == 200 || s.status == 304 || s.status == 403) << "HTTP " << s.status;
      if (!AllowedStates(s, flips).contains(Serves(s.status))) {
        if (violations++ == 0) first_violation = Describe(s, flips);
      }
      for (size_t f = 0; f < flips.size(); ++f) {
        const bool in_force =
            s.sent > flips[f].acked && (f + 1 == flips.size() || s.received < flips[f + 1].sent);
        if (in_force && !flips[f].shared && s.status == 403) ++hidden_seen_after_revoke[f];
      }
    }
    EXPECT_EQ(violations, 0u) << "of " << samples[t].size() << " responses, " << violations
                              << " showed a state that was no longer (or not yet) in force; the first: "
                              << first_violation;
  }
  for (size_t f = 0; f < flips.size(); ++f) {
    if (!flips[f].shared) {
      EXPECT_GT(hidden_seen_after_revoke[f], 0u) << "no 403 was seen after revoke #" << f;
    }
  }
  EXPECT_GE(total, static_cast<size_t>(kRequestsBetweenFlips) * flips.size()) << "too little load";
}

}  // namespace
}  // namespace taskshare::testing
