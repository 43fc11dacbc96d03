#include "api/router.h"

#include <string>
#include <vector>

#include <boost/url/parse.hpp>

#include "api/auth.h"
#include "api/errors.h"
#include "api/openapi.h"
#include "api/share_api.h"
#include "api/share_page_api.h"
#include "api/tasks_api.h"
#include "common/ids.h"

namespace taskshare::api {
namespace {

// The routes, by the shape of their path: "/api/v1/tasks/{id}/share" is {"api","v1","tasks",*,"share"}.
enum class Route { kNone, kHealth, kOpenApi, kTasks, kTask, kShare, kMessages, kSharePage };

Route Match(const std::vector<std::string>& s) {
  if (s.size() == 1 && s[0] == "healthz") return Route::kHealth;
  if (s.size() == 2 && s[0] == "api" && s[1] == "openapi.json") return Route::kOpenApi;
  if (s.size() == 2 && s[0] == "share") return Route::kSharePage;
  if (s.size() < 3 || s[0] != "api" || s[1] != "v1" || s[2] != "tasks") return Route::kNone;
  if (s.size() == 3) return Route::kTasks;
  if (s.size() == 4) return Route::kTask;
  if (s.size() == 5 && s[4] == "share") return Route::kShare;
  if (s.size() == 5 && s[4] == "messages") return Route::kMessages;
  return Route::kNone;
}

Response MethodNotAllowed(std::string allow) {
  Response r = ErrorResponse(Status::InvalidArgument("method not allowed; allowed: " + allow), 405);
  r.headers.emplace_back("Allow", std::move(allow));
  return r;
}

}  // namespace

namespace {

// The canonical task id in `target` if it is exactly prefix + id + suffix, else empty.
std::string_view IdBetween(std::string_view target, std::string_view prefix, std::string_view suffix) {
  constexpr std::size_t kUuidLength = 36;
  if (target.size() != prefix.size() + kUuidLength + suffix.size() || !target.starts_with(prefix) ||
      !target.ends_with(suffix)) {
    return {};
  }
  const std::string_view id = target.substr(prefix.size(), kUuidLength);
  return IsCanonicalUuid(id) ? id : std::string_view();
}

}  // namespace

std::optional<Response> Router::TryHandleNow(const Request& request) const {
  if (request.method != Method::kGet) return std::nullopt;
  if (auto id = IdBetween(request.target, "/api/v1/tasks/", "/share"); !id.empty()) {
    return GetSharedTaskCached(cache_, request, id);
  }
  if (auto id = IdBetween(request.target, "/share/", ""); !id.empty()) return GetSharePageCached(cache_, request, id);
  return std::nullopt;
}

Response Router::Handle(const Request& request) const {
  auto url = boost::urls::parse_origin_form(request.target);
  if (!url) return ErrorResponse(Status::InvalidArgument("malformed request target"));
  std::vector<std::string> segments;
  for (auto seg : url->segments()) segments.push_back(seg);
  const Method m = request.method;
  const Route route = Match(segments);

  switch (route) {
    case Route::kNone:
      return ErrorResponse(Status::NotFound("Route not found"));
    case Route::kHealth:
      if (m != Method::kGet) return MethodNotAllowed("GET, HEAD");
      return JsonResponse(R"({"status":"ok"})");
    case Route::kOpenApi:
      if (m != Method::kGet) return MethodNotAllowed("GET, HEAD");
      return OpenApiDocument();
    case Route::kShare:
      if (m != Method::kGet) return MethodNotAllowed("GET, HEAD");
      return GetSharedTask(store_, cache_, request, segments[3]);
    case Route::kSharePage:
      if (m != Method::kGet) return MethodNotAllowed("GET, HEAD");
      return GetSharePage(store_, cache_, page_options_, request, segments[1]);
    case Route::kTasks:
      if (m != Method::kGet && m != Method::kPost) return MethodNotAllowed("GET, HEAD, POST");
      break;
    case Route::kTask:
      if (m != Method::kGet && m != Method::kPatch && m != Method::kDelete) {
        return MethodNotAllowed("GET, HEAD, PATCH, DELETE");
      }
      break;
    case Route::kMessages:
      if (m != Method::kPost) return MethodNotAllowed("POST");
      break;
  }

  auto caller = Authenticate(store_, request);
  if (!caller.ok()) return ErrorResponse(caller.status());
  if (route == Route::kTasks) {
    if (m == Method::kPost) return CreateTask(store_, *caller, request.body);
    QueryParams params;
    for (auto p : url->params()) params.emplace_back(p.key, p.has_value ? p.value : std::string());
    return ListTasks(store_, *caller, params);
  }
  const std::string& id = segments[3];
  if (route == Route::kMessages) return AppendMessages(store_, *caller, id, request.body);
  if (m == Method::kPatch) return PatchTask(store_, *caller, id, request.body);
  if (m == Method::kDelete) return DeleteTask(store_, *caller, id);
  return GetTask(store_, *caller, id);
}

}  // namespace taskshare::api
