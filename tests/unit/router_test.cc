// The router and its route table (api/router.h, api/routes.h) without a socket, on a real store of
// every backend: 404 for unknown paths, 405 with the Allow header the table derives for every route,
// HEAD as GET, 400 for targets that are not origin-form, who may call each operation, share reads
// refused while sharing is off and charged to the rate limit however their target is spelled, views
// counted once per answer, the fast path giving what Handle() gives, without allocating, the cost
// keys it gives the network layer, and the metrics label of every route.
#include "api/router.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alloc_counter.h"
#include "api/admin_api.h"
#include "api/rate_limit.h"
#include "api/sign_in.h"
#include "cache/response_cache.h"
#include "common/ids.h"
#include "observe/view_counter.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

using api::Method;
using api::Request;
using api::Response;

constexpr char kClient[] = "192.0.2.7";

int StatusCode(const Response& r) {
  if (r.cached) return r.not_modified ? 304 : r.cached->status();
  return r.status;
}
std::string BodyOf(const Response& r) {
  if (r.cached) return std::string(r.cached->body(r.variant));
  return r.body;
}
std::string HeaderOf(const Response& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}
// The fast path's answer to `request`, if any.
std::optional<Response> Now(const api::Router& router, const Request& request) {
  return router.TryHandleNow(request).response;
}
// The Content-Type of `r`, of its own or from a ready-made response's header block.
std::string ContentTypeOf(const Response& r) {
  if (!r.cached) return std::string(r.content_type);
  const std::string_view headers = r.cached->headers(r.variant);
  const std::size_t start = headers.find("Content-Type: ") + 14;
  return std::string(headers.substr(start, headers.find('\r', start) - start));
}
// Whether `r` carries header `name`, among its own or in a ready-made response's header block.
bool HasHeader(const Response& r, const std::string& name) {
  if (r.cached) return r.cached->headers(r.variant).find(name + ": ") != std::string_view::npos;
  return !HeaderOf(r, name).empty();
}

// `pattern` with its placeholder replaced by `value`.
std::string Fill(std::string_view pattern, const std::string& value) {
  std::string out(pattern);
  if (const auto open = out.find('{'); open != std::string::npos) {
    out.replace(open, out.find('}') - open + 1, value);
  }
  return out;
}

class RouterTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    owner_key_ = AddUserWithKey("owner@router.test", Role::kUser);
    admin_key_ = AddUserWithKey("admin@router.test", Role::kAdmin);
    Task task = NewTask(*store().FindUserByKeyHash(Sha256Hex(owner_key_)), 1'767'225'600'000'000);
    task.visibility = Visibility::kUnlisted;
    Create(task, {Unkeyed("hello")});
    ShareRequest share;
    share.visibility = Visibility::kUnlisted;
    ASSERT_OK(store().ShareTask(task.id, share, 1'767'225'600'000'001));
    shared_ = task.id;
  }

  // A user with a real API key, which the router authenticates; returns the key.
  std::string AddUserWithKey(const std::string& email, Role role) {
    User user = NewUser(email);
    user.role = role;
    user.created_at = 1'700'000'000'000'001;
    const std::string key = NewApiKey();
    EXPECT_TRUE(
        store().CreateUser(user, {.key_hash = Sha256Hex(key), .prefix = std::nullopt, .created_at = 1}).ok());
    return key;
  }

  api::Router& MakeRouter(api::RouterOptions options = {}) {
    router_ = std::make_unique<api::Router>(store(), cache_, std::move(options));
    return *router_;
  }

  static Request Req(Method method, std::string target, std::string key = "") {
    Request r;
    r.method = method;
    r.target = std::move(target);
    r.api_key = std::move(key);
    r.client_address = kClient;
    return r;
  }
  static Request Head(std::string target) {
    Request r = Req(Method::kGet, std::move(target));
    r.head = true;
    return r;
  }

  std::string ShareJson() const { return "/api/v1/tasks/" + shared_ + "/share"; }
  std::string SharePage() const { return "/share/" + shared_; }

  ResponseCache cache_{1 << 20};
  std::unique_ptr<api::Router> router_;
  std::string owner_key_, admin_key_, shared_;
};

TEST_P(RouterTest, UnknownPathsAre404) {
  api::Router& router = MakeRouter();
  const std::string task = "/api/v1/tasks/" + shared_;
  for (const std::string& path :
       {std::string("/"), std::string("/api/v1/nope"), std::string("/api/v2/tasks"), task + "/share/extra",
        task + "/comments", task + "/x/y", std::string("/share"), "/share/" + shared_ + "/x",
        std::string("/a/b/c/d/e/f/g/h"), std::string("/api/v1/user/apikey/x"), std::string("/healthz/")}) {
    SCOPED_TRACE(path);
    for (const std::string& key : {std::string(), owner_key_}) {
      for (Method method : {Method::kGet, Method::kPost, Method::kDelete}) {
        EXPECT_EQ(StatusCode(router.Handle(Req(method, path, key))), 404);
        EXPECT_FALSE(Now(router, Req(method, path, key)).has_value());
      }
    }
  }
}

TEST_P(RouterTest, TargetsThatAreNotOriginFormAre400) {
  api::Router& router = MakeRouter();
  for (const std::string target : {"*", "", "api/v1/tasks", "http://h/healthz", "/healthz#x", "/share/%zz",
                                   "/api/v1/tasks/a b", "/api/v1/tasks?a=[1]"}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(StatusCode(router.Handle(Req(Method::kGet, target, owner_key_))), 400);
    EXPECT_FALSE(Now(router, Req(Method::kGet, target)).has_value());
  }
}

TEST_P(RouterTest, EveryRouteAnswersOtherMethods405WithTheAllowOfItsTable) {
  const std::map<std::string_view, std::string> expected = {
      {"/api/v1/tasks/{id}/share", "GET, HEAD, PUT, DELETE"},
      {"/share/{id}", "GET, HEAD"},
      {"/healthz", "GET, HEAD"},
      {"/readyz", "GET, HEAD"},
      {"/metrics", "GET, HEAD"},
      {"/api/openapi.json", "GET, HEAD"},
      {"/api/v1/tasks", "GET, HEAD, POST"},
      {"/api/v1/tasks/{id}", "GET, HEAD, PATCH, DELETE"},
      {"/api/v1/tasks/{id}/messages", "POST"},
      {"/api/v1/tasks/{id}/share/settings", "GET, HEAD"},
      {"/api/v1/tasks/{id}/share/stats", "GET, HEAD"},
      {"/api/v1/shares/revoke-all", "POST"},
      {"/api/v1/schedules", "GET, HEAD, POST"},
      {"/api/v1/schedules/{id}", "GET, HEAD, PATCH, DELETE"},
      {"/api/v1/user/apikey", "GET, HEAD"},
      {"/api/v1/user/apikey/rotate", "POST"},
      {"/api/v1/secrets", "GET, HEAD, POST"},
      {"/api/v1/secrets/{name}", "DELETE"},
      {"/api/v1/admin/sharing", "GET, HEAD, PUT"},
      {"/auth/sign-in", "GET, HEAD"},
      {"/auth/callback", "GET, HEAD"},
      {"/auth/sign-out", "POST"},
      {"/auth/sign-out-everywhere", "POST"},
      {"/app", "GET, HEAD"},
      {"/app/shared", "GET, HEAD"},
      {"/app/account", "GET, HEAD"},
      {"/app/tasks/{id}", "GET, HEAD"},
      {"/app/tasks/{id}/share", "POST"},
      {"/app/tasks/{id}/revoke", "POST"},
      {"/app/revoke-all", "POST"},
      {"/app/apikey/rotate", "POST"},
      {"/app/secrets", "POST"},
      {"/app/secrets/delete", "POST"},
  };
  ASSERT_EQ(api::Routes().size(), expected.size());
  observe::Metrics metrics(1, {});
  api::SharingSwitch sharing(store(), false);
  api::Router& router = MakeRouter({.metrics = &metrics, .sharing = &sharing});
  for (const api::Route& route : api::Routes()) {
    SCOPED_TRACE(route.pattern);
    ASSERT_TRUE(expected.contains(route.pattern));
    EXPECT_EQ(api::AllowOf(route), expected.at(route.pattern));
    const std::string target = Fill(route.pattern, shared_);
    for (Method method :
         {Method::kGet, Method::kPost, Method::kPut, Method::kPatch, Method::kDelete, Method::kOther}) {
      if (route.Find(method) != nullptr) continue;
      SCOPED_TRACE(static_cast<int>(method));
      for (const std::string& key : {std::string(), admin_key_}) {
        const Response r = router.Handle(Req(method, target, key));
        EXPECT_EQ(StatusCode(r), 405);
        EXPECT_EQ(HeaderOf(r, "Allow"), expected.at(route.pattern));
      }
      if (method == Method::kGet) {
        const Response head = router.Handle(Head(target));
        EXPECT_EQ(StatusCode(head), 405);
        EXPECT_EQ(HeaderOf(head, "Allow"), expected.at(route.pattern));
      }
    }
  }
}

TEST_P(RouterTest, HeadIsAnsweredAsGet) {
  api::Router& router = MakeRouter();
  for (const std::string& target : {std::string("/healthz"), ShareJson(), SharePage()}) {
    SCOPED_TRACE(target);
    const Response get = router.Handle(Req(Method::kGet, target));
    const Response head = router.Handle(Head(target));
    EXPECT_EQ(StatusCode(get), 200);
    EXPECT_EQ(StatusCode(head), 200);
    EXPECT_EQ(BodyOf(head), BodyOf(get));  // the network layer leaves the body out
  }
  Request task = Head("/api/v1/tasks/" + shared_);
  task.api_key = owner_key_;
  EXPECT_EQ(StatusCode(router.Handle(task)), 200);
}

TEST_P(RouterTest, ApiKeyOperationsNeedAValidKeyAndAnonymousOnesNone) {
  observe::Metrics metrics(1, {});
  api::SharingSwitch sharing(store(), false);
  api::Router& router = MakeRouter({.metrics = &metrics, .sharing = &sharing});
  const std::string bad_key = "neo_sk_" + std::string(32, 'x');
  int api_key_operations = 0;
  for (const api::Route& route : api::Routes()) {
    const std::string target = Fill(route.pattern, shared_);
    for (const api::Operation& op : route.operations) {
      if (op.handler == nullptr) continue;
      SCOPED_TRACE(std::string(api::MethodName(op.method)) + " " + target);
      if (op.access == api::Access::kApiKey) {
        ++api_key_operations;
        EXPECT_EQ(StatusCode(router.Handle(Req(op.method, target))), 401);
        EXPECT_EQ(StatusCode(router.Handle(Req(op.method, target, bad_key))), 401);
      } else if (route.needs == api::RouteNeeds::kSignIn) {
        // Without a provider the sign-in routes do not exist (tests/e2e/sign_in.test.mjs has them).
        EXPECT_EQ(StatusCode(router.Handle(Req(op.method, target))), 404);
      } else if (op.access == api::Access::kAnonymous || op.access == api::Access::kReader) {
        EXPECT_EQ(op.method, Method::kGet);
        EXPECT_EQ(StatusCode(router.Handle(Req(op.method, target))), 200);
      }
    }
  }
  EXPECT_EQ(api_key_operations, 23);
  // The same reads with the owner's key.
  EXPECT_EQ(StatusCode(router.Handle(Req(Method::kGet, "/api/v1/tasks", owner_key_))), 200);
  EXPECT_EQ(StatusCode(router.Handle(Req(Method::kGet, "/api/v1/tasks/" + shared_, owner_key_))), 200);
  EXPECT_EQ(StatusCode(router.Handle(Req(Method::kGet, "/api/v1/user/apikey", owner_key_))), 200);
}

TEST_P(RouterTest, MetricsAreForAdminsUnlessPublicAndAbsentWithoutMetrics) {
  observe::Metrics metrics(1, {});
  {
    api::Router& router = MakeRouter({.metrics = &metrics});
    EXPECT_EQ(StatusCode(router.Handle(Req(Method::kGet, "/metrics"))), 401);
    EXPECT_EQ(StatusCode(router.Handle(Req(Method::kGet, "/metrics", owner_key_))), 403);
    EXPECT_EQ(StatusCode(router.Handle(Req(Method::kGet, "/metrics", admin_key_))), 200);
  }
  {
    api::Router& router = MakeRouter({.metrics = &metrics, .metrics_public = true});
    EXPECT_EQ(StatusCode(router.Handle(Req(Method::kGet, "/metrics"))), 200);
  }
  api::Router& router = MakeRouter();
  EXPECT_EQ(StatusCode(router.Handle(Req(Method::kGet, "/metrics", admin_key_))), 404);
  EXPECT_EQ(StatusCode(router.Handle(Req(Method::kPost, "/metrics", admin_key_))), 405);
  EXPECT_EQ(StatusCode(router.Handle(Req(Method::kGet, "/api/v1/admin/sharing", admin_key_))), 404);
}

TEST_P(RouterTest, ShareReadsAreRefused403WhileSharingIsOffAndNothingElseIs) {
  api::SharingSwitch sharing(store(), /*forced_off=*/true);
  api::Router& router = MakeRouter({.sharing = &sharing});
  const std::string escaped = "/api/v1/tasks/" + shared_ + "/sh%61re";
  for (const std::string& target : {ShareJson(), SharePage(), escaped, ShareJson() + "?x=1"}) {
    SCOPED_TRACE(target);
    const std::optional<Response> now = Now(router, Req(Method::kGet, target));
    ASSERT_TRUE(now.has_value());
    EXPECT_EQ(StatusCode(*now), 403);
    const Response handled = router.Handle(Req(Method::kGet, target));
    EXPECT_EQ(StatusCode(handled), 403);
    EXPECT_EQ(ContentTypeOf(handled), ContentTypeOf(*now));
    EXPECT_EQ(ContentTypeOf(handled).starts_with("text/html"), target == SharePage());
  }
  // The owner's operations on the same path are not share reads.
  EXPECT_EQ(StatusCode(router.Handle(Req(Method::kDelete, ShareJson(), owner_key_))), 204);
  EXPECT_EQ(StatusCode(router.Handle(Req(Method::kGet, "/api/v1/tasks/" + shared_, owner_key_))), 200);
  EXPECT_FALSE(Now(router, Req(Method::kGet, "/healthz")).has_value());
}

TEST_P(RouterTest, TheRateLimitChargesEverySpellingOfAShareRead) {
  api::RateLimiter limiter({.rate = 0.001, .burst = 1, .slots = 16, .trusted_proxies = {}});
  api::Router& router = MakeRouter({.rate_limiter = &limiter});
  // The first share read takes the client's one token (a miss: Handle() answers it, uncharged).
  ASSERT_FALSE(Now(router, Req(Method::kGet, ShareJson())).has_value());
  EXPECT_EQ(StatusCode(router.Handle(Req(Method::kGet, ShareJson()))), 200);
  for (const std::string& target :
       {ShareJson(), "/api/v1/tasks/" + shared_ + "/sh%61re", "/api/v1/t%61sks/" + shared_ + "/share",
        "/share/" + shared_ + "?", "/%73hare/" + shared_}) {
    SCOPED_TRACE(target);
    const std::optional<Response> now = Now(router, Req(Method::kGet, target));
    ASSERT_TRUE(now.has_value());
    EXPECT_EQ(StatusCode(*now), 429);
    EXPECT_TRUE(HasHeader(*now, "Retry-After"));
  }
  // Other clients and other routes are not held back.
  Request other = Req(Method::kGet, ShareJson());
  other.client_address = "198.51.100.1";
  EXPECT_EQ(StatusCode(Now(router, other).value()), 200);
  EXPECT_FALSE(Now(router, Req(Method::kGet, "/healthz")).has_value());
}

TEST_P(RouterTest, TheFastPathGivesWhatHandleGivesForACachedShare) {
  api::Router& router = MakeRouter();
  for (const std::string& target :
       {ShareJson(), SharePage(), ShareJson() + "?utm=x", "/api/v1/tasks/" + shared_ + "/sh%61re"}) {
    SCOPED_TRACE(target);
    const Response handled = router.Handle(Req(Method::kGet, target));
    ASSERT_EQ(StatusCode(handled), 200);
    const std::optional<Response> now = Now(router, Req(Method::kGet, target));
    ASSERT_TRUE(now.has_value());
    EXPECT_EQ(StatusCode(*now), 200);
    EXPECT_EQ(BodyOf(*now), BodyOf(handled));
    ASSERT_TRUE(now->cached && handled.cached);
    EXPECT_EQ(now->cached->headers(now->variant), handled.cached->headers(handled.variant));
  }
  // An id that is not canonical is left to Handle(), which answers for it.
  std::string upper = shared_;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  EXPECT_FALSE(Now(router, Req(Method::kGet, "/share/" + upper)).has_value());
  EXPECT_EQ(StatusCode(router.Handle(Req(Method::kGet, "/share/" + upper))), 200);
}

// A signed-in request (api/sign_in.h) to a kReader route is built for its reader on every request:
// never answered on the network thread from the cache anonymous readers share, and marked private.
// The header counts only from a trusted proxy, and only on kReader routes.
TEST_P(RouterTest, ASignedInPageIsBuiltForItsReaderAndNeverFromTheSharedCache) {
  const api::SignIn sign_in({.auth_header = "X-Forwarded-Email", .trusted_proxies = {"10.0.0.0/8"}});
  api::Router& router = MakeRouter({.sign_in = &sign_in});
  ASSERT_EQ(StatusCode(router.Handle(Req(Method::kGet, SharePage()))), 200);
  ASSERT_EQ(StatusCode(router.Handle(Req(Method::kGet, ShareJson()))), 200);
  ASSERT_TRUE(Now(router, Req(Method::kGet, SharePage())).has_value());

  const auto signed_in = [](Request r, std::string peer) {
    r.client_address = std::move(peer);
    r.signed_in_email = "owner@router.test";
    return r;
  };
  const Request page = signed_in(Req(Method::kGet, SharePage()), "10.1.2.3");
  EXPECT_TRUE(sign_in.Claims(page));
  EXPECT_FALSE(Now(router, page).has_value());
  const Response built = router.Handle(page);
  ASSERT_EQ(StatusCode(built), 200);
  ASSERT_TRUE(built.cached);
  EXPECT_NE(built.cached->headers(built.variant).find("Cache-Control: private, no-store\r\n"),
            std::string_view::npos);
  EXPECT_FALSE(HasHeader(built, "ETag"));

  // From a peer that is not a trusted proxy the header is nobody's word: the shared answer.
  const Request untrusted = signed_in(Req(Method::kGet, SharePage()), kClient);
  EXPECT_FALSE(sign_in.Claims(untrusted));
  const std::optional<Response> shared = Now(router, untrusted);
  ASSERT_TRUE(shared.has_value());
  EXPECT_TRUE(HasHeader(*shared, "ETag"));
  // The JSON share endpoint is anonymous: a signed-in request to it is answered from the cache.
  EXPECT_TRUE(Now(router, signed_in(Req(Method::kGet, ShareJson()), "10.1.2.3")).has_value());
  // Without a SignIn, nothing is signed in: the same request gets the shared answer.
  const Response anonymous = MakeRouter().Handle(page);
  ASSERT_EQ(StatusCode(anonymous), 200);
  EXPECT_TRUE(HasHeader(anonymous, "ETag"));
}

TEST_P(RouterTest, ACostKeyNamesOneOperationOnOneIdHoweverItIsSpelled) {
  api::Router& router = MakeRouter();
  const auto key = [&router](const std::string& target) {
    return router.TryHandleNow(Req(Method::kGet, target)).cost_key;
  };
  std::string upper = shared_;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  const std::uint64_t json = key(ShareJson());
  EXPECT_NE(json, 0u);
  for (const std::string& target : {ShareJson() + "?utm=x", "/api/v1/tasks/" + shared_ + "/sh%61re",
                                    "/api/v1/tasks/" + upper + "/share"}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(key(target), json);
  }
  // Another operation on the same id, or the same operation on another id, is another key.
  const std::uint64_t page = key(SharePage());
  EXPECT_NE(page, 0u);
  EXPECT_NE(page, json);
  EXPECT_EQ(key("/share/" + upper), page);
  EXPECT_NE(key("/api/v1/tasks/" + NewUuidV4() + "/share"), json);
  EXPECT_NE(key("/api/v1/tasks/" + shared_), json);
  // Routes without an id have one per caller, and none for an anonymous one; requests that are not
  // reads have none.
  EXPECT_EQ(key("/healthz"), 0u);
  EXPECT_EQ(key("/api/v1/tasks"), 0u);
  const auto list_key = [&router](const std::string& target, const std::string& api_key) {
    return router.TryHandleNow(Req(Method::kGet, target, api_key)).cost_key;
  };
  const std::uint64_t owners_list = list_key("/api/v1/tasks", owner_key_);
  EXPECT_NE(owners_list, 0u);
  EXPECT_EQ(list_key("/api/v1/tasks?limit=5", owner_key_), owners_list);
  EXPECT_NE(list_key("/api/v1/tasks", admin_key_), owners_list);
  EXPECT_NE(list_key("/api/v1/schedules", owner_key_), owners_list);
  EXPECT_EQ(router.TryHandleNow(Req(Method::kPost, "/api/v1/tasks/" + shared_ + "/messages")).cost_key, 0u);
}

TEST_P(RouterTest, TheFastPathAllocatesNothingOnACacheHit) {
  observe::ViewCounter views(store());
  api::RateLimiter limiter({});
  api::SharingSwitch sharing(store(), false);
  api::Router& router = MakeRouter({.rate_limiter = &limiter, .sharing = &sharing, .views = &views});
  for (const std::string& target : {ShareJson(), SharePage()}) {
    SCOPED_TRACE(target);
    ASSERT_EQ(StatusCode(router.Handle(Req(Method::kGet, target))), 200);
    const Request request = Req(Method::kGet, target);
    ASSERT_TRUE(Now(router, request).has_value());  // the task's first view in this interval
    const AllocationCount count;
    const std::optional<Response> now = Now(router, request);
    const int allocated = count.allocations();
    ASSERT_TRUE(now.has_value());
    EXPECT_EQ(StatusCode(*now), 200);
    EXPECT_EQ(allocated, 0);
  }
}

TEST_P(RouterTest, ViewsAreCountedOncePerAnswerOnEitherPath) {
  observe::ViewCounter views(store());
  api::Router& router = MakeRouter({.views = &views});
  EXPECT_EQ(StatusCode(router.Handle(Req(Method::kGet, ShareJson()))), 200);                    // a miss: 1
  EXPECT_EQ(StatusCode(Now(router, Req(Method::kGet, ShareJson())).value()), 200);              // a hit: 2
  EXPECT_EQ(StatusCode(router.Handle(Req(Method::kGet, SharePage()))), 200);                    // the page: 3
  EXPECT_EQ(StatusCode(Now(router, Req(Method::kGet, SharePage())).value()), 200);              // 4
  EXPECT_EQ(StatusCode(Now(router, Head(ShareJson())).value()), 200);                           // HEAD: no
  EXPECT_EQ(StatusCode(Now(router, Req(Method::kGet, ShareJson(), owner_key_)).value()), 200);  // no
  EXPECT_EQ(StatusCode(router.Handle(Req(Method::kGet, "/api/v1/tasks/" + shared_, owner_key_))), 200);
  ASSERT_OK(views.Flush());
  auto counted = store().GetShareViews(shared_);
  ASSERT_OK(counted);
  EXPECT_EQ(counted->views, 4);
}

TEST_P(RouterTest, ARoutingsLabelIsThatOfTheMatchingRoute) {
  for (const api::Route& route : api::Routes()) {
    SCOPED_TRACE(route.pattern);
    EXPECT_EQ(api::Routing(Fill(route.pattern, shared_)).label(), route.label);
    EXPECT_EQ(api::Routing(Fill(route.pattern, shared_) + "?a=b").label(), route.label);
  }
  EXPECT_EQ(api::Routing("/api/v1/tasks/" + shared_ + "/sh%61re").label(), observe::Route::kShare);
  EXPECT_EQ(api::Routing("/api/v1/nope").label(), observe::Route::kOther);
  EXPECT_EQ(api::Routing("/share/%zz").label(), observe::Route::kOther);
  EXPECT_EQ(api::Routing("*").label(), observe::Route::kOther);
}

TEST_P(RouterTest, ARoutingKeepsWhatItNeedsOfTheTargetAndCopiesStayValid) {
  const std::string target = "/api/v1/tasks/" + shared_ + "?limit=5";
  api::Routing routing(target);
  ASSERT_TRUE(routing.valid());
  EXPECT_EQ(routing.label(), observe::Route::kTask);
  EXPECT_EQ(routing.param(), shared_);
  EXPECT_EQ(routing.param().data(), target.data() + 14) << "a placeholder without escapes is not copied";
  EXPECT_TRUE(routing.has_query());
  EXPECT_EQ(routing.query(), "limit=5");

  // A placeholder that held escapes is kept decoded, and a copy (or a move) outlives the original.
  char escape[4];
  std::snprintf(escape, sizeof escape, "%%%02X", static_cast<unsigned char>(shared_[0]));
  std::optional<api::Routing> escaped(std::in_place, "/share/" + std::string(escape) + shared_.substr(1));
  const api::Routing copy = *escaped;
  escaped.reset();
  EXPECT_EQ(copy.param(), shared_);
  EXPECT_EQ(copy.label(), observe::Route::kSharePage);
  EXPECT_FALSE(copy.has_query());

  EXPECT_FALSE(api::Routing("/share/a#b").valid());
  EXPECT_EQ(api::Routing("/share/a#b").route(), nullptr);
}

TEST_P(RouterTest, HandleAnswersForTheRoutingItIsGivenWithoutRoutingTheTargetAgain) {
  api::Router& router = MakeRouter();
  // The routing TryHandleNow made travels with the request to Handle, which uses it as it is: given
  // the routing of another target, it answers for that one.
  const Request request = Req(Method::kGet, "/api/v1/nope");
  EXPECT_EQ(StatusCode(router.Handle(request)), 404);
  const Response answered = router.Handle(request, api::Routing("/api/openapi.json"));
  EXPECT_EQ(StatusCode(answered), 200);
  EXPECT_NE(answered.body.find("\"openapi\""), std::string::npos);
  // And the routing TryHandleNow returns is the request's (and refers to it: the request outlives it).
  const Request append = Req(Method::kPost, "/api/v1/tasks/" + shared_ + "/messages");
  const api::Immediate now = router.TryHandleNow(append);
  EXPECT_FALSE(now.response.has_value());
  EXPECT_EQ(now.routing.label(), observe::Route::kMessages);
  EXPECT_EQ(now.routing.param(), shared_);
}

TEST_P(RouterTest, TheTableStatesEachRouteOnce) {
  std::map<std::string_view, int> seen;
  for (const api::Route& route : api::Routes()) {
    SCOPED_TRACE(route.pattern);
    EXPECT_EQ(++seen[route.pattern], 1);
    EXPECT_TRUE(route.pattern.starts_with('/'));
    EXPECT_LE(std::count(route.pattern.begin(), route.pattern.end(), '{'), 1);
    std::map<Method, int> methods;
    for (const api::Operation& op : route.operations) {
      if (op.handler == nullptr) continue;
      EXPECT_EQ(++methods[op.method], 1);
      if (op.share != api::ShareRead::kNo) {
        // A share read is a GET of a task's link open to anonymous readers, with a fast path.
        EXPECT_EQ(op.method, Method::kGet);
        EXPECT_TRUE(op.access == api::Access::kAnonymous || op.access == api::Access::kReader);
        EXPECT_NE(op.cached, nullptr);
        EXPECT_NE(route.pattern.find("{id}"), std::string_view::npos);
      }
    }
    EXPECT_FALSE(methods.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, RouterTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
