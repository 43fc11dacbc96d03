// The share endpoint over one connection, on the real server: pipelined requests answered in order
// and framed exactly (bodiless HEAD and 304 responses included), a hundred keep-alive requests, and
// a transcript of 10,000 messages served whole from a miss, a hit and gzip.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/cache_checks.h"
#include "support/http_client.h"
#include "support/metrics.h"
#include "support/server_process.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

const Headers kGzip = {{"Accept-Encoding", "gzip"}};

// Message `i` of the large transcript: about 500 bytes of JSON, different for every i, with
// escapes, non-ASCII text and numbers whose spelling must survive.
std::string LargeMessage(int i) {
  static const char* const kWords[] = {"scan",  "port",   "header", "cookie", "token", "redirect",
                                       "xss",   "sqli",   "csrf",   "tls",    "cert",  "endpoint",
                                       "admin", "upload", "path",   "shell",  "proof", "payload"};
  std::string text;
  unsigned state = 2654435761u * static_cast<unsigned>(i + 1);
  while (text.size() < 330) {
    state = state * 1103515245u + 12345u;
    text += kWords[(state >> 16) % std::size(kWords)];
    text += ' ';
  }
  const std::string n = std::to_string(i);
  return R"({"id": "msg-)" + n + R"(", "role": ")" + (i % 2 ? "assistant" : "tool") + R"(", "seq": )" + n +
         R"(, "content": "Step )" + n + ": " + text +
         R"(\"quoted\" caf\u00e9 \ud83d\ude00 \\ end", "meta": {"score": 0.50, "big": 1e400, "tokens": )" +
         std::to_string(100 + i % 900) + R"(, "tags": ["a", "b"], "ok": true, "none": null}})";
}

// Where `actual` first differs from `expected`, as a readable failure.
::testing::AssertionResult SameText(const std::string& actual, const std::string& expected) {
  if (actual == expected) return ::testing::AssertionSuccess();
  size_t at = 0;
  while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) ++at;
  const size_t from = at < 60 ? 0 : at - 60;
  return ::testing::AssertionFailure()
         << "sizes " << actual.size() << " and " << expected.size() << ", first difference at byte " << at
         << ":\n  got:      ..." << actual.substr(from, 160) << "\n  expected: ..."
         << expected.substr(from, 160);
}

// The first `size` bytes of the "messages" array of a share response, whitespace between tokens
// removed. Compared with an expected array of that size, a longer array differs at its last byte.
std::string MessagesText(const std::string& body, size_t size) {
  const std::string stripped = StripJsonWhitespace(body);
  const std::string key = R"("messages":)";
  const size_t begin = stripped.find(key);
  if (begin == std::string::npos) return "(no messages member)";
  return stripped.substr(begin + key.size(), size);
}

class CacheConnectionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{"--metrics-public"});
    server_->Start();
    owner_key_ = server_->AddUser("owner@connection.test", "red");
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override { ASSERT_TRUE(server_->running()) << "no server:\n" << server_->Log(); }
  void TearDown() override { EXPECT_FALSE(server_->Exited()) << "the server died:\n" << server_->Log(); }

  static HttpClient Client(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    return HttpClient(server_->port(), timeout);
  }
  static std::string Share(const std::string& id) { return "/api/v1/tasks/" + id + "/share"; }
  static std::string NewTask(const std::string& visibility, const std::string& fields) {
    const std::string body = R"({"visibility": ")" + visibility + "\", " + fields + "}";
    return std::string(
        ExpectJson(Client().Post("/api/v1/tasks", body, Auth(owner_key_)), 202).at("id").as_string());
  }

  inline static std::unique_ptr<ServerProcess> server_;
  inline static std::string owner_key_;
};

TEST_F(CacheConnectionTest, PipelinedRequestsAreAnsweredInOrder) {
  const std::string shared = NewTask("public", R"("task": "Pipelined scan")");
  const std::string hidden = NewTask("private", R"("task": "Hidden scan")");
  const Response reference = Client().Get(Share(shared));
  ASSERT_TRUE(IsRevalidated(reference, 200));
  const int port = server_->port();

  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    Connection connection(port);
    connection.Send(FormatRequest(port, "GET", Share(shared)) + FormatRequest(port, "GET", "/healthz") +
                    FormatRequest(port, "GET", Share(hidden)));
    const Response first = connection.Read();
    const Response second = connection.Read();
    const Response third = connection.Read();
    ASSERT_TRUE(IsRevalidated(first, 200));
    EXPECT_EQ(first.body, reference.body);
    EXPECT_EQ(first.Header("etag"), reference.Header("etag"));
    ASSERT_TRUE(HasStatus(second, 200));
    EXPECT_EQ(JsonBody(second), json::parse(R"({"status": "ok"})"));
    EXPECT_TRUE(IsError(third, 403, "Task is not shared"));
    EXPECT_TRUE(IsNoStore(third));

    EXPECT_TRUE(HasStatus(connection.Get("/healthz"), 200));
    EXPECT_EQ(connection.connects(), 1);
  }
}

TEST_F(CacheConnectionTest, PipelinedBodilessResponsesKeepTheFraming) {
  const std::string id = NewTask("unlisted", R"("task": "Framing check")");
  const Response reference = Client().Get(Share(id));
  ASSERT_TRUE(IsRevalidated(reference, 200));
  const std::string tag = reference.Header("etag");
  const int port = server_->port();

  Connection connection(port);
  connection.Send(FormatRequest(port, "HEAD", Share(id)) +
                  FormatRequest(port, "GET", Share(id), {}, {{"If-None-Match", tag}}) +
                  FormatRequest(port, "GET", Share(id), {}, kGzip) +
                  FormatRequest(port, "HEAD", Share(id), {}, kGzip) + FormatRequest(port, "GET", Share(id)));
  const Response head = connection.Read(true);
  const Response not_modified = connection.Read();
  const Response gzip = connection.Read();
  const Response gzip_head = connection.Read(true);
  const Response full = connection.Read();

  ASSERT_TRUE(IsRevalidated(head, 200));
  EXPECT_EQ(head.Header("content-length"), std::to_string(reference.body.size()));
  ASSERT_TRUE(IsRevalidated(not_modified, 304));
  EXPECT_EQ(not_modified.Header("etag"), tag);
  ASSERT_TRUE(IsRevalidated(gzip, 200, true));
  EXPECT_EQ(Gunzip(gzip.body), reference.body);
  ASSERT_TRUE(IsRevalidated(gzip_head, 200, true));
  EXPECT_EQ(gzip_head.Header("content-length"), std::to_string(gzip.body.size()));
  ASSERT_TRUE(IsRevalidated(full, 200));
  EXPECT_EQ(full.body, reference.body);
  EXPECT_EQ(connection.connects(), 1);
}

// A transcript of a few dozen messages is kept in the cache packed, its messages as they are stored
// (LZ4), and decompressed for each send: every kind of hit gives back the miss's bytes.
TEST_F(CacheConnectionTest, APackedTranscriptIsServedWholeFromEveryKindOfHit) {
  const std::string id = NewTask("public", R"("title": "Packed transcript")");
  std::string batch = R"({"messages": [)";
  std::string expected = "[";
  for (int i = 0; i < 40; ++i) {
    batch += (i ? "," : "") + LargeMessage(i);
    expected += (i ? "," : "") + StripJsonWhitespace(LargeMessage(i));
  }
  expected += "]";
  ASSERT_TRUE(
      HasStatus(Client().Post("/api/v1/tasks/" + id + "/messages", batch + "]}", Auth(owner_key_)), 200));
  const double cached_before = MetricValue(server_->port(), "taskshare_cache_bytes");
  const Response reference = Client().Get(Share(id));
  ASSERT_TRUE(IsRevalidated(reference, 200));
  ASSERT_GT(reference.body.size(), 16000u);
  EXPECT_TRUE(SameText(MessagesText(reference.body, expected.size()), expected));
  // Packed, the entry takes well under half of the body's size.
  const double cached = MetricValue(server_->port(), "taskshare_cache_bytes") - cached_before;
  EXPECT_GT(cached, 0);
  EXPECT_LT(cached, static_cast<double>(reference.body.size()) / 2);

  const std::string tag = reference.Header("etag");
  const int port = server_->port();
  Connection connection(port);
  connection.Send(FormatRequest(port, "GET", Share(id)) + FormatRequest(port, "HEAD", Share(id)) +
                  FormatRequest(port, "GET", Share(id), {}, {{"If-None-Match", tag}}) +
                  FormatRequest(port, "GET", Share(id), {}, kGzip) + FormatRequest(port, "GET", Share(id)));
  const Response hit = connection.Read();
  const Response head = connection.Read(true);
  const Response not_modified = connection.Read();
  const Response gzip = connection.Read();
  const Response again = connection.Read();
  ASSERT_TRUE(IsRevalidated(hit, 200));
  EXPECT_TRUE(SameText(hit.body, reference.body));
  EXPECT_EQ(hit.Header("etag"), tag);
  ASSERT_TRUE(IsRevalidated(head, 200));
  EXPECT_EQ(head.Header("content-length"), std::to_string(reference.body.size()));
  EXPECT_TRUE(head.body.empty());
  EXPECT_TRUE(IsRevalidated(not_modified, 304));
  ASSERT_TRUE(IsRevalidated(gzip, 200, true));
  EXPECT_TRUE(SameText(Gunzip(gzip.body), reference.body));
  ASSERT_TRUE(IsRevalidated(again, 200));
  EXPECT_TRUE(SameText(again.body, reference.body));
  EXPECT_EQ(connection.connects(), 1);
}

// With one read thread, cache hits that arrive while reads are queued wait their turn behind them on
// the read pool (http/server.cc): under concurrent hits and misses, every answer is still whole and the
// same as the task's first.
TEST(CacheTurnTest, HitsQueuedBehindReadsAreAnsweredWhole) {
  ServerProcess server({"--read-threads", "1", "--threads", "1"});
  server.Start();
  const std::string key = server.AddUser("owner@turns.test", "red");
  std::vector<std::string> ids;
  const auto share = [](const std::string& id) { return "/api/v1/tasks/" + id + "/share"; };
  HttpClient client(server.port());
  for (int t = 0; t < 40; ++t) {
    const std::string title = R"({"visibility": "public", "title": "turn )" + std::to_string(t) + "\"}";
    ids.emplace_back(ExpectJson(client.Post("/api/v1/tasks", title, Auth(key)), 202).at("id").as_string());
    std::string batch = R"({"messages": [)";
    for (int i = 0; i < 12; ++i) batch += (i ? "," : "") + LargeMessage(t * 100 + i);
    ASSERT_TRUE(
        HasStatus(client.Post("/api/v1/tasks/" + ids.back() + "/messages", batch + "]}", Auth(key)), 200));
  }
  // Half of the tasks are cached before the load; the others are missed during it.
  std::vector<std::string> first(ids.size());
  for (std::size_t t = 0; t < ids.size(); t += 2) first[t] = client.Get(share(ids[t])).body;
  std::mutex mu;  // guards `first`
  std::atomic<int> wrong{0}, answered{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      Connection connection(server.port());
      for (int i = 0; i < 150; ++i) {
        const std::size_t t =
            (static_cast<std::size_t>(c) * 7 + static_cast<std::size_t>(i) * 13) % ids.size();
        const Response r = connection.Get(share(ids[t]));
        if (r.status != 200) {
          ++wrong;
          continue;
        }
        const std::lock_guard lock(mu);
        if (first[t].empty()) first[t] = r.body;
        if (r.body != first[t] || JsonBody(r).at("task").at("id").as_string() != ids[t]) ++wrong;
        ++answered;
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(answered.load(), 8 * 150);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_FALSE(server.Exited()) << server.Log();
}

TEST_F(CacheConnectionTest, AHundredKeepAliveRequestsShareOneConnection) {
  const std::string id = NewTask("public", R"("task": "Keep-alive")");
  const Response reference = Client().Get(Share(id));
  ASSERT_TRUE(IsRevalidated(reference, 200));
  const std::string tag = reference.Header("etag");

  Connection connection(server_->port(), std::chrono::seconds(5));
  int ok = 0;
  for (int i = 0; i < 100; ++i) {
    SCOPED_TRACE("request " + std::to_string(i));
    switch (i % 4) {
      case 0: {
        const Response r = connection.Get(Share(id));
        ASSERT_TRUE(IsRevalidated(r, 200));
        ASSERT_EQ(r.body, reference.body);
        break;
      }
      case 1:
        ASSERT_TRUE(IsRevalidated(connection.Get(Share(id), {{"If-None-Match", tag}}), 304));
        break;
      case 2:
        ASSERT_TRUE(HasStatus(connection.Get("/healthz"), 200));
        break;
      default: {
        const Response r = connection.Get(Share(id), kGzip);
        ASSERT_TRUE(IsRevalidated(r, 200, true));
        ASSERT_EQ(Gunzip(r.body), reference.body);
      }
    }
    ++ok;
  }
  EXPECT_EQ(ok, 100);
  EXPECT_EQ(connection.connects(), 1) << "the server closed the connection along the way";
}

TEST_F(CacheConnectionTest, TenThousandMessagesComeBackWholeFromMissHitAndGzip) {
  constexpr int kMessages = 10000;
  constexpr int kBatch = 1000;
  const std::string id = NewTask("unlisted", R"("title": "Large transcript")");
  const auto timeout = std::chrono::seconds(60);

  std::string expected = "[";
  for (int start = 0; start < kMessages; start += kBatch) {
    std::string batch = R"({"messages": [)";
    for (int i = start; i < start + kBatch; ++i) {
      const std::string message = LargeMessage(i);
      batch += (i > start ? ",\n  " : "") + message;
      expected += (i > 0 ? "," : "") + StripJsonWhitespace(message);
    }
    batch += "]}";
    const json::value appended =
        ExpectJson(Client(timeout).Post("/api/v1/tasks/" + id + "/messages", batch, Auth(owner_key_)), 200);
    ASSERT_EQ(appended.at("appended"), kBatch);
    ASSERT_EQ(appended.at("message_count"), start + kBatch);
  }
  expected += "]";
  ASSERT_GT(expected.size(), 4500000u);

  std::string identity_tag;
  for (const char* pass : {"miss", "hit"}) {
    SCOPED_TRACE(pass);
    const Response r = Client(timeout).Get(Share(id));
    ASSERT_TRUE(IsRevalidated(r, 200));
    EXPECT_EQ(JsonBody(r).at("messages").as_array().size(), static_cast<size_t>(kMessages));
    EXPECT_TRUE(SameText(MessagesText(r.body, expected.size()), expected));
    if (identity_tag.empty()) identity_tag = r.Header("etag");
    EXPECT_EQ(r.Header("etag"), identity_tag);
  }
  for (const char* pass : {"gzip miss", "gzip hit"}) {
    SCOPED_TRACE(pass);
    const Response r = Client(timeout).Get(Share(id), kGzip);
    ASSERT_TRUE(IsRevalidated(r, 200, true));
    EXPECT_EQ(r.Header("etag"), GzipETag(identity_tag));
    EXPECT_TRUE(SameText(MessagesText(Gunzip(r.body), expected.size()), expected));
  }
}

}  // namespace
}  // namespace taskshare::testing
