// The share endpoint's HTTP caching against the real server: validators and revalidation headers,
// conditional requests, gzip as a representation with a tag of its own, uncacheable errors, HEAD,
// and the same behaviour with the response cache disabled (`serve --cache-bytes 0`).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/ids.h"
#include "support/cache_checks.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/suite_server.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

constexpr char kOwner[] = "owner@cache.test";

// A message long and repetitive enough that gzip always makes the response smaller.
constexpr char kFindings[] =
    R"({"role": "assistant", "content": "Findings: the login form reflects the `next` parameter )"
    R"(unescaped; the login form reflects the `next` parameter unescaped; the session cookie lacks )"
    R"(HttpOnly; the session cookie lacks HttpOnly; TLS 1.0 is still offered; TLS 1.0 is still )"
    R"(offered.", "meta": {"tokens": 1234, "severity": ["high", "medium", "low"]}})";

const Headers kGzip = {{"Accept-Encoding", "gzip"}};

Headers IfNoneMatch(const std::string& tags, Headers more = {}) {
  more.emplace_back("If-None-Match", tags);
  return more;
}

// A server started once per suite by the derived fixture, with an owner who makes the tasks.
class CacheServerTest : public SuiteServer {
 protected:
  static void StartServer(std::vector<std::string> args) {
    SuiteServer::StartServer(std::move(args), kOwner);
  }

  // A task of the owner with the findings message appended; returns its id.
  static std::string NewTask(const std::string& visibility) {
    const std::string body =
        R"({"task": "Scan example.org", "visibility": ")" + visibility + R"(", "secrets": ["T"]})";
    const std::string id(
        ExpectJson(Client().Post("/api/v1/tasks", body, Auth(owner_key_)), 202).at("id").as_string());
    const auto r = Client().Post("/api/v1/tasks/" + id + "/messages",
                                 std::string(R"({"messages": [)") + kFindings + "]}", Auth(owner_key_));
    if (r.status != 200) throw std::runtime_error("append failed: " + r.body);
    return id;
  }
};

class CacheTest : public CacheServerTest {
 protected:
  static void SetUpTestSuite() { StartServer({}); }
};

class CacheDisabledTest : public CacheServerTest {
 protected:
  static void SetUpTestSuite() { StartServer({"--cache-bytes", "0"}); }
};

TEST_F(CacheTest, ShareResponseCarriesAStrongTagAndRevalidationHeaders) {
  std::vector<std::string> tags;
  for (const std::string visibility : {"public", "unlisted"}) {
    SCOPED_TRACE(visibility);
    const std::string id = NewTask(visibility);
    const Response miss = Client().Get(Share(id));
    ASSERT_TRUE(IsRevalidated(miss, 200));
    EXPECT_EQ(JsonBody(miss).at("task").at("id").as_string(), id);
    const Response hit = Client().Get(Share(id));
    ASSERT_TRUE(IsRevalidated(hit, 200));
    EXPECT_EQ(hit.Header("etag"), miss.Header("etag"));
    EXPECT_EQ(hit.body, miss.body);
    tags.push_back(miss.Header("etag"));
  }
  EXPECT_NE(tags[0], tags[1]) << "two tasks share an ETag";
}

TEST_F(CacheTest, IfNoneMatchWithTheCurrentTagIs304) {
  const std::string id = NewTask("public");
  ASSERT_TRUE(HasStatus(Client().Get(Share(id)), 200));
  const Response full = Client().Get(Share(id));
  ASSERT_TRUE(IsRevalidated(full, 200));
  const std::string tag = full.Header("etag");
  const std::string other = "\"" + std::string(32, '0') + "\"";

  for (const std::string& condition :
       {tag, "W/" + tag, other + ", " + tag, "W/" + other + " , W/" + tag, std::string("*")}) {
    SCOPED_TRACE("If-None-Match: " + condition);
    const Response r = Client().Get(Share(id), IfNoneMatch(condition));
    ASSERT_TRUE(IsRevalidated(r, 304));
    EXPECT_EQ(r.Header("etag"), tag);
  }
  const std::string truncated = tag.substr(0, tag.size() - 2) + "\"";
  for (const std::string& condition : {other, "W/" + other, truncated, other + ", " + truncated}) {
    SCOPED_TRACE("If-None-Match: " + condition);
    const Response r = Client().Get(Share(id), IfNoneMatch(condition));
    ASSERT_TRUE(IsRevalidated(r, 200));
    EXPECT_EQ(r.Header("etag"), tag);
    EXPECT_EQ(r.body, full.body);
  }
}

TEST_F(CacheTest, GzipIsAVariantWithATagOfItsOwn) {
  const std::string id = NewTask("unlisted");
  const Response identity = Client().Get(Share(id));
  ASSERT_TRUE(IsRevalidated(identity, 200));
  const std::string tag = identity.Header("etag");

  for (const std::string accept : {"gzip", "gzip, deflate, br", "gzip", "br;q=1.0, gzip;q=0.8"}) {
    SCOPED_TRACE("Accept-Encoding: " + accept);
    const Response r = Client().Get(Share(id), {{"Accept-Encoding", accept}});
    ASSERT_TRUE(IsRevalidated(r, 200, true));
    EXPECT_EQ(r.Header("etag"), GzipETag(tag));
    EXPECT_LT(r.body.size(), identity.body.size());
    EXPECT_EQ(Gunzip(r.body), identity.body);
  }
  for (const std::string accept : {"gzip;q=0", "identity", "gzip;q=0, identity"}) {
    SCOPED_TRACE("Accept-Encoding: " + accept);
    const Response r = Client().Get(Share(id), {{"Accept-Encoding", accept}});
    ASSERT_TRUE(IsRevalidated(r, 200, false));
    EXPECT_EQ(r.Header("etag"), tag);
    EXPECT_EQ(r.body, identity.body);
  }

  const Response not_modified = Client().Get(Share(id), IfNoneMatch(GzipETag(tag), kGzip));
  ASSERT_TRUE(IsRevalidated(not_modified, 304, true));
  EXPECT_EQ(not_modified.Header("etag"), GzipETag(tag));
}

TEST_F(CacheTest, IfNoneMatchIsComparedWithTheTagOfTheEncodingServed) {
  const std::string id = NewTask("public");
  const Response identity = Client().Get(Share(id));
  ASSERT_TRUE(IsRevalidated(identity, 200));
  const std::string tag = identity.Header("etag");

  const Response gzip_tag_identity_sent = Client().Get(Share(id), IfNoneMatch(GzipETag(tag)));
  ASSERT_TRUE(IsRevalidated(gzip_tag_identity_sent, 200));
  EXPECT_EQ(gzip_tag_identity_sent.body, identity.body);

  const Response identity_tag_gzip_sent = Client().Get(Share(id), IfNoneMatch(tag, kGzip));
  ASSERT_TRUE(IsRevalidated(identity_tag_gzip_sent, 200, true));
  EXPECT_EQ(Gunzip(identity_tag_gzip_sent.body), identity.body);

  const Response both = Client().Get(Share(id), IfNoneMatch(tag + ", " + GzipETag(tag), kGzip));
  ASSERT_TRUE(IsRevalidated(both, 304, true));
  EXPECT_EQ(both.Header("etag"), GzipETag(tag));
}

TEST_F(CacheTest, ForbiddenAndNotFoundAreNoStoreWithoutATag) {
  const std::string hidden = NewTask("private");
  const std::string deleted = NewTask("public");
  ASSERT_TRUE(HasStatus(Client().Get(Share(deleted)), 200));
  ASSERT_TRUE(HasStatus(Client().Get(Share(deleted)), 200));
  ASSERT_TRUE(HasStatus(Client().Delete("/api/v1/tasks/" + deleted, Auth(owner_key_)), 204));

  const std::vector<std::pair<std::string, int>> cases = {{hidden, 403}, {deleted, 404}, {NewUuidV4(), 404}};
  const std::vector<Headers> variants = {{}, kGzip, IfNoneMatch("*"), IfNoneMatch("*", kGzip)};
  for (const auto& [id, status] : cases) {
    for (const auto& headers : variants) {
      SCOPED_TRACE(id + (headers.empty() ? "" : " " + headers.back().first + ": " + headers.back().second));
      for (int i = 0; i < 2; ++i) {
        const Response r = Client().Get(Share(id), headers);
        EXPECT_TRUE(IsError(r, status, status == 403 ? "Task is not shared" : "Task not found"));
        EXPECT_TRUE(IsNoStore(r));
      }
    }
  }
}

TEST_F(CacheTest, HeadHasTheHeadersOfGetAndNoBody) {
  const std::string id = NewTask("public");
  for (const bool gzip : {false, true}) {
    SCOPED_TRACE(gzip ? "gzip" : "identity");
    const Headers headers = gzip ? kGzip : Headers{};
    for (int i = 0; i < 2; ++i) {
      Connection connection(server_->port());
      const Response head = connection.Head(Share(id), headers);
      const Response get = connection.Get(Share(id), headers);
      ASSERT_TRUE(IsRevalidated(head, 200, gzip));
      ASSERT_TRUE(IsRevalidated(get, 200, gzip));
      EXPECT_TRUE(head.body.empty()) << head.body;
      EXPECT_EQ(head.Header("content-length"), std::to_string(get.body.size()));
      for (std::string_view name : {"etag", "cache-control", "vary", "content-type", "content-encoding"}) {
        EXPECT_EQ(head.Header(name), get.Header(name)) << name;
      }
      EXPECT_EQ(connection.connects(), 1) << "HEAD closed the connection";
    }
  }
}

TEST_F(CacheDisabledTest, ValidatorsAndConditionalRequestsStillWork) {
  const std::string id = NewTask("unlisted");
  const Response first = Client().Get(Share(id));
  ASSERT_TRUE(IsRevalidated(first, 200));
  const std::string tag = first.Header("etag");
  const Response second = Client().Get(Share(id));
  ASSERT_TRUE(IsRevalidated(second, 200));
  EXPECT_EQ(second.Header("etag"), tag) << "the same representation got a different strong ETag";
  EXPECT_EQ(second.body, first.body);

  for (const std::string& condition : {tag, "W/" + tag, std::string("*")}) {
    SCOPED_TRACE("If-None-Match: " + condition);
    const Response r = Client().Get(Share(id), IfNoneMatch(condition));
    ASSERT_TRUE(IsRevalidated(r, 304));
    EXPECT_EQ(r.Header("etag"), tag);
  }
  const Response other = Client().Get(Share(id), IfNoneMatch("\"" + std::string(32, 'f') + "\""));
  ASSERT_TRUE(IsRevalidated(other, 200));
  EXPECT_EQ(other.body, first.body);

  const Response gzip = Client().Get(Share(id), kGzip);
  EXPECT_TRUE(IsRevalidated(gzip, 200, true));
  EXPECT_EQ(gzip.Header("etag"), GzipETag(tag));
  if (gzip.Header("content-encoding") == "gzip") {
    EXPECT_EQ(Gunzip(gzip.body), first.body);
  }

  ASSERT_TRUE(
      HasStatus(Client().Post("/api/v1/tasks/" + id + "/messages",
                              R"({"messages": [{"role": "user", "content": "again"}]})", Auth(owner_key_)),
                200));
  const Response changed = Client().Get(Share(id), IfNoneMatch(tag));
  ASSERT_TRUE(IsRevalidated(changed, 200));
  EXPECT_NE(changed.Header("etag"), tag);
  EXPECT_EQ(JsonBody(changed).at("messages").as_array().back().at("content"), "again");

  ASSERT_TRUE(HasStatus(
      Client().Patch("/api/v1/tasks/" + id, R"({"visibility": "private"})", Auth(owner_key_)), 200));
  const Response hidden = Client().Get(Share(id), IfNoneMatch(changed.Header("etag")));
  EXPECT_TRUE(IsError(hidden, 403, "Task is not shared"));
  EXPECT_TRUE(IsNoStore(hidden));
}

}  // namespace
}  // namespace taskshare::testing
