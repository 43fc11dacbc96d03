// The route table (api/routes.h) against the OpenAPI document the server serves (api/openapi.h): the
// same paths, each with the same methods (HEAD wherever GET is), the same callers, and the statuses the
// router itself answers for every route, so that neither can change without the other.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <set>
#include <string>
#include <vector>

#include "api/openapi.h"
#include "api/routes.h"

namespace taskshare::api {
namespace {

namespace json = boost::json;

constexpr std::string_view kMethods[] = {"get", "head", "put", "post", "patch", "delete"};

std::string Lower(std::string_view method) {
  std::string out(method);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

class RouteTableOpenApiTest : public ::testing::Test {
 protected:
  const json::object paths_ = json::parse(kOpenApiDocument).at("paths").as_object();

  // The document's methods of `path`, lower case.
  std::set<std::string> DocumentedMethods(std::string_view path) const {
    std::set<std::string> out;
    for (const auto& [key, _] : paths_.at(path).as_object()) {
      for (std::string_view m : kMethods) {
        if (key == m) out.emplace(key);
      }
    }
    return out;
  }
};

TEST_F(RouteTableOpenApiTest, EveryRouteIsDocumentedWithExactlyItsMethods) {
  std::set<std::string> routed;
  for (const Route& route : Routes()) {
    const std::string path(route.pattern);
    routed.insert(path);
    ASSERT_TRUE(paths_.contains(path)) << path << " is routed but not in the OpenAPI document";
    std::set<std::string> methods;
    for (const Operation& op : route.operations) {
      if (op.method == Method::kOther) continue;
      methods.insert(Lower(MethodName(op.method)));
      if (op.method == Method::kGet) methods.insert("head");
    }
    EXPECT_EQ(DocumentedMethods(path), methods) << path;
  }
  for (const auto& [path, _] : paths_) {
    EXPECT_TRUE(routed.contains(std::string(path))) << path << " is documented but not routed";
  }
}

TEST_F(RouteTableOpenApiTest, EveryOperationDocumentsItsCallersAndTheRoutersOwnAnswers) {
  for (const Route& route : Routes()) {
    for (const Operation& op : route.operations) {
      if (op.method == Method::kOther) continue;
      std::vector<std::string> methods{Lower(MethodName(op.method))};
      if (op.method == Method::kGet) methods.emplace_back("head");
      for (const std::string& method : methods) {
        const std::string where = std::string(route.pattern) + " " + method;
        const json::object& doc = paths_.at(route.pattern).at(method).as_object();
        const json::object& responses = doc.at("responses").as_object();
        // What the router answers before any handler: a malformed target or body on any route, a body
        // over the limit, headers over the limit.
        for (const char* status : {"400", "413", "431"}) {
          EXPECT_TRUE(responses.contains(status)) << where << " does not list " << status;
        }
        const json::value* security = doc.if_contains("security");
        const bool anonymous_allowed =
            security == nullptr || security->as_array().empty() ||
            std::any_of(security->as_array().begin(), security->as_array().end(),
                        [](const json::value& v) { return v.as_object().empty(); });
        switch (op.access) {
          case Access::kAnonymous:
          case Access::kReader:   // signed in by a proxy's header, which is no credential of the API's
          case Access::kSession:  // a browser session's cookie, which is no credential of the API's either
            EXPECT_TRUE(security == nullptr || security->as_array().empty()) << where << " needs no key";
            break;
          case Access::kApiKey:
            EXPECT_FALSE(anonymous_allowed) << where << " needs an API key";
            EXPECT_TRUE(responses.contains("401")) << where;
            break;
          case Access::kOperator:
            EXPECT_TRUE(anonymous_allowed) << where << " is anonymous when metrics are public";
            EXPECT_TRUE(responses.contains("401") && responses.contains("403")) << where;
            break;
        }
        if (op.share != ShareRead::kNo) {
          // The sharing switch and the rate limit, which the table applies to share reads.
          EXPECT_TRUE(responses.contains("403") && responses.contains("429")) << where;
        } else if (op.rate_limited) {
          EXPECT_TRUE(responses.contains("429")) << where << " is rate limited";
        } else {
          EXPECT_FALSE(responses.contains("429")) << where << " is not rate limited";
        }
      }
    }
  }
}

}  // namespace
}  // namespace taskshare::api
