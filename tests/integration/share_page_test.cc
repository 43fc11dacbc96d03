// The share page over HTTP against the real server: the JSON endpoint's access rules and statuses as
// styled pages, the security headers, and the same caching (ETag, 304, gzip, invalidation on write).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"
#include "support/suite_server.h"

namespace taskshare::testing {
namespace {

constexpr char kOwner[] = "owner@page.test";

class SharePageTest : public SuiteServer {
 protected:
  static void SetUpTestSuite() { StartServer({}, kOwner); }

  static std::string NewTask(const std::string& visibility, const std::string& text) {
    const std::string body = R"({"title": "Audit of <b>app</b>", "visibility": ")" + visibility + R"("})";
    const std::string id(
        ExpectJson(Client().Post("/api/v1/tasks", body, Auth(owner_key_)), 202).at("id").as_string());
    const std::string message = R"({"messages": [{"role": "user", "content": ")" + text + R"("}]})";
    EXPECT_EQ(Client().Post("/api/v1/tasks/" + id + "/messages", message, Auth(owner_key_)).status, 200);
    return id;
  }

  static void Patch(const std::string& id, const std::string& body) {
    ASSERT_EQ(Client().Patch("/api/v1/tasks/" + id, body, Auth(owner_key_)).status, 200);
  }
};

void ExpectSecurityHeaders(const Response& r) {
  const std::string csp = r.Header("content-security-policy");
  EXPECT_EQ(csp.rfind("default-src 'none'; style-src 'sha256-", 0), 0u) << csp;
  EXPECT_EQ(csp.find("script"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe"), std::string::npos) << csp;
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.Header("referrer-policy"), "no-referrer");
  EXPECT_EQ(r.Header("x-frame-options"), "DENY");
}

TEST_F(SharePageTest, SharedTaskIsAPageWithItsTextEscaped) {
  const std::string id = NewTask("unlisted", "Check <script>alert(1)</script> in search");
  const Response r = Client().Get("/share/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
  ExpectSecurityHeaders(r);
  EXPECT_EQ(r.Header("x-robots-tag"), "noindex, nofollow");
  EXPECT_EQ(r.Header("cache-control"), "no-cache");
  EXPECT_NE(r.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(r.body.find("<script"), std::string::npos);
  EXPECT_NE(r.body.find("Audit of &lt;b&gt;app&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(r.body.find("og:title"), std::string::npos);
}

TEST_F(SharePageTest, ErrorsAreStyledPagesWithTheJsonStatuses) {
  const std::string hidden = NewTask("private", "secret");
  for (const auto& [target, status] :
       std::vector<std::pair<std::string, int>>{{"/share/" + hidden, 403},
                                                {"/share/6a1f8e2c-1d3b-4c5d-8e9f-0a1b2c3d4e5f", 404},
                                                {"/share/not-a-task", 400}}) {
    const Response r = Client().Get(target);
    EXPECT_EQ(r.status, status) << target;
    EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8") << target;
    EXPECT_EQ(r.Header("cache-control"), "no-store") << target;
    EXPECT_EQ(r.Count("ETag"), 0u) << target;
    ExpectSecurityHeaders(r);
    EXPECT_EQ(r.body.find("secret"), std::string::npos) << target;
  }
}

TEST_F(SharePageTest, ConditionalAndGzipRequestsAndInvalidationOnWrite) {
  const std::string id = NewTask("public", "first finding, first finding, first finding, first finding");
  const Response first = Client().Get("/share/" + id);
  ASSERT_EQ(first.status, 200);
  const std::string etag = first.Header("etag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(Client().Get("/share/" + id, {{"If-None-Match", etag}}).status, 304);

  const Response gz = Client().Get("/share/" + id, {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(gz.Header("content-encoding"), "gzip");
  EXPECT_EQ(Gunzip(gz.body), first.body);

  // A write drops the cached page before it is acknowledged.
  Patch(id, R"({"title": "Renamed audit"})");
  const Response renamed = Client().Get("/share/" + id, {{"If-None-Match", etag}});
  ASSERT_EQ(renamed.status, 200);
  EXPECT_NE(renamed.Header("etag"), etag);
  EXPECT_NE(renamed.body.find("Renamed audit"), std::string::npos);
  Patch(id, R"({"visibility": "private"})");
  EXPECT_EQ(Client().Get("/share/" + id).status, 403);
}

// A message of four million tiny parts, within the body limit, is a bounded page, and rendering it for
// four strangers at once does not stall other share links.
TEST_F(SharePageTest, AMessageOfMillionsOfTinyPartsIsABoundedPageThatStallsNoOtherLink) {
  constexpr size_t kItems = 4'000'000;
  std::string body = R"({"messages":[{"role":"assistant","content":[)";
  body.reserve(body.size() + 2 * kItems + 16);
  for (size_t i = 0; i < kItems; ++i) body += i == 0 ? "1" : ",1";
  body += "]},{\"role\":\"assistant\",\"content\":\"after the flood\"}]}";
  ASSERT_LT(body.size(), 8u * 1024 * 1024);
  const std::string body_id(
      ExpectJson(
          Client().Post("/api/v1/tasks", R"({"title":"flood","visibility":"public"})", Auth(owner_key_)), 202)
          .at("id")
          .as_string());
  ASSERT_EQ(Client().Post("/api/v1/tasks/" + body_id + "/messages", body, Auth(owner_key_)).status, 200);

  const Response page = Client().Get("/share/" + body_id);
  ASSERT_EQ(page.status, 200);
  EXPECT_LE(page.body.size(), 8 * body.size() + 32 * 1024);
  EXPECT_NE(page.body.find("Part of this message is not shown here"), std::string::npos);
  EXPECT_NE(page.body.find("/api/v1/tasks/" + body_id + "/share\""), std::string::npos);
  EXPECT_NE(page.body.find("<p>after the flood</p>"), std::string::npos);

  // Another link, cached, keeps answering while four requests build the big page (a write drops its
  // cached copy first, so that all four render it). A hit waits in the read pool's queue while every
  // read thread is busy (docs/caching.md), so with the default two threads it may wait for two
  // rounds of builds, about half a second each on an idle 2-core machine, more on a busy one; before
  // pages were bounded it waited over 10 s.
  const std::string other = NewTask("public", "an ordinary finding");
  ASSERT_EQ(Client().Get("/share/" + other).status, 200);
  Patch(body_id, R"({"title": "flood again"})");
  std::atomic<int> done = 0;
  std::vector<std::thread> strangers;
  for (int i = 0; i < 4; ++i) {
    strangers.emplace_back([&] {
      EXPECT_EQ(Client().Get("/share/" + body_id).status, 200);
      ++done;
    });
  }
  std::chrono::milliseconds slowest{0};
  int probes = 0;
  while (done.load() < 4 || probes < 5) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(Client().Get("/share/" + other).status, 200);
    slowest = std::max(slowest, std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now() - start));
    ++probes;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (std::thread& t : strangers) t.join();
  EXPECT_LT(slowest.count(), 5000) << probes << " probes";
  std::cout << "slowest of " << probes << " cached requests while the big page was built: " << slowest.count()
            << " ms\n";
}

TEST(SharePageIndexTest, PublicPagesAreIndexedOnlyWithTheFlag) {
  ServerProcess server({"--index-public"});
  server.Start();
  const std::string key = server.AddUser(kOwner);
  HttpClient client(server.port());
  auto make = [&](const std::string& visibility) {
    const std::string body = R"({"title": "t", "visibility": ")" + visibility + R"("})";
    return std::string(ExpectJson(client.Post("/api/v1/tasks", body, Auth(key)), 202).at("id").as_string());
  };
  const Response pub = client.Get("/share/" + make("public"));
  ASSERT_EQ(pub.status, 200);
  EXPECT_EQ(pub.Count("X-Robots-Tag"), 0u);
  EXPECT_EQ(pub.body.find("noindex"), std::string::npos);
  const Response unlisted = client.Get("/share/" + make("unlisted"));
  ASSERT_EQ(unlisted.status, 200);
  EXPECT_EQ(unlisted.Header("x-robots-tag"), "noindex, nofollow");
  EXPECT_NE(unlisted.body.find("noindex"), std::string::npos);
}

}  // namespace
}  // namespace taskshare::testing
