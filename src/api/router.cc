#include "api/router.h"

#include <array>
#include <boost/url/parse.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/admin_api.h"
#include "api/apikey_api.h"
#include "api/auth.h"
#include "api/errors.h"
#include "api/openapi.h"
#include "api/schedules_api.h"
#include "api/secrets_api.h"
#include "api/share_api.h"
#include "api/share_page_api.h"
#include "api/share_settings_api.h"
#include "api/share_stats_api.h"
#include "api/tasks_api.h"
#include "common/ids.h"

namespace taskshare::api {
namespace {

// The routes, by the shape of their path: "/api/v1/tasks/{id}/share" is {"api","v1","tasks",*,"share"}.
enum class Route {
  kNone, kHealth, kReady, kMetrics, kOpenApi, kTasks, kTask, kShare, kMessages, kSharePage,
  kAdminSharing, kSchedules, kSchedule, kApiKey, kApiKeyRotate, kShareSettings, kRevokeAllShares,
  kSecrets, kSecret, kShareStats
};

template <typename Segments>
Route Match(const Segments& s) {
  if (s.size() == 1 && s[0] == "healthz") return Route::kHealth;
  if (s.size() == 1 && s[0] == "readyz") return Route::kReady;
  if (s.size() == 1 && s[0] == "metrics") return Route::kMetrics;
  if (s.size() == 2 && s[0] == "api" && s[1] == "openapi.json") return Route::kOpenApi;
  if (s.size() == 2 && s[0] == "share") return Route::kSharePage;
  if (s.size() == 4 && s[0] == "api" && s[1] == "v1" && s[2] == "admin" && s[3] == "sharing") {
    return Route::kAdminSharing;
  }
  if (s.size() >= 4 && s[0] == "api" && s[1] == "v1" && s[2] == "user" && s[3] == "apikey") {
    if (s.size() == 4) return Route::kApiKey;
    if (s.size() == 5 && s[4] == "rotate") return Route::kApiKeyRotate;
    return Route::kNone;
  }
  if (s.size() == 3 && s[0] == "api" && s[1] == "v1" && s[2] == "schedules") return Route::kSchedules;
  if (s.size() == 4 && s[0] == "api" && s[1] == "v1" && s[2] == "schedules") return Route::kSchedule;
  if (s.size() == 4 && s[0] == "api" && s[1] == "v1" && s[2] == "shares" && s[3] == "revoke-all") {
    return Route::kRevokeAllShares;
  }
  if (s.size() == 3 && s[0] == "api" && s[1] == "v1" && s[2] == "secrets") return Route::kSecrets;
  if (s.size() == 4 && s[0] == "api" && s[1] == "v1" && s[2] == "secrets") return Route::kSecret;
  if (s.size() < 3 || s[0] != "api" || s[1] != "v1" || s[2] != "tasks") return Route::kNone;
  if (s.size() == 3) return Route::kTasks;
  if (s.size() == 4) return Route::kTask;
  if (s.size() == 5 && s[4] == "share") return Route::kShare;
  if (s.size() == 5 && s[4] == "messages") return Route::kMessages;
  if (s.size() == 6 && s[4] == "share" && s[5] == "settings") return Route::kShareSettings;
  if (s.size() == 6 && s[4] == "share" && s[5] == "stats") return Route::kShareStats;
  return Route::kNone;
}

Response MethodNotAllowed(std::string allow) {
  Response r = ErrorResponse(Status::InvalidArgument("method not allowed; allowed: " + allow), 405);
  r.headers.emplace_back("Allow", std::move(allow));
  return r;
}

// Up to 6 path segments of `target` as views into it; more than 6 count as "too many" (size 7).
struct PathSegments {
  std::array<std::string_view, 7> items;
  std::size_t count = 0;
  std::size_t size() const { return count; }
  std::string_view operator[](std::size_t i) const { return items[i]; }
};

PathSegments SplitPath(std::string_view target) {
  PathSegments out;
  std::string_view path = target.substr(0, target.find('?'));
  while (!path.empty() && out.count < out.items.size()) {
    if (path.front() != '/') break;
    path.remove_prefix(1);
    const std::size_t end = path.find('/');
    out.items[out.count++] = path.substr(0, end);
    path = end == std::string_view::npos ? std::string_view() : path.substr(end);
  }
  return out;
}

Response Metrics(const observe::Metrics& metrics) {
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics.Render();
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// Ready when a read of the database gets an answer (a task that cannot exist is not found).
Response Ready(Store& store) {
  auto probe = store.GetTask("00000000-0000-0000-0000-000000000000");
  if (probe.ok() || probe.status().code() == Code::kNotFound) {
    Response r = JsonResponse(R"({"status":"ready","database":"reachable"})");
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }
  return ErrorResponse(Status::Unavailable("database unreachable", probe.status().detail()));
}

}  // namespace

observe::Route RouteOf(std::string_view target) {
  switch (Match(SplitPath(target))) {
    case Route::kShare:
      return observe::Route::kShare;
    case Route::kSharePage:
      return observe::Route::kSharePage;
    case Route::kTasks:
      return observe::Route::kTasks;
    case Route::kTask:
    case Route::kShareSettings:
    case Route::kShareStats:
      return observe::Route::kTask;
    case Route::kMessages:
      return observe::Route::kMessages;
    case Route::kOpenApi:
      return observe::Route::kOpenApi;
    case Route::kHealth:
      return observe::Route::kHealth;
    case Route::kReady:
      return observe::Route::kReady;
    case Route::kMetrics:
      return observe::Route::kMetrics;
    case Route::kSchedules:
    case Route::kSchedule:
      return observe::Route::kSchedules;
    case Route::kApiKey:
    case Route::kApiKeyRotate:
      return observe::Route::kApiKey;
    case Route::kSecrets:
    case Route::kSecret:
      return observe::Route::kSecrets;
    case Route::kRevokeAllShares:
      return observe::Route::kShares;
    case Route::kAdminSharing:
      return observe::Route::kAdmin;
    case Route::kNone:
      break;
  }
  return observe::Route::kOther;
}

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

Status SharingOff() { return Status::Forbidden("Sharing is turned off on this server"); }

// GET (and HEAD) and DELETE take no body on any route: one sent is refused (400), never ignored, so
// that a client that meant it to say something learns that nothing read it.
Status CheckNoBody(const Request& request) {
  if (request.body.empty() || (request.method != Method::kGet && request.method != Method::kDelete)) {
    return Status::Ok();
  }
  const std::string method = request.method == Method::kDelete ? "DELETE" : request.head ? "HEAD" : "GET";
  return Status::InvalidArgument(method + " requests take no body; send it without one");
}

// The time that decides behaviour (share expiry, schedules): the server's clock.
UnixMicros Now(const RouterOptions& options) {
  return options.clock != nullptr ? options.clock->Now() : SystemTime().Now();
}

}  // namespace

std::optional<Response> Router::Refusal(const Request& request, bool page) const {
  Status refused;
  int retry_after = 0;
  if (!SharingOn()) {
    refused = SharingOff();
  } else if (options_.rate_limiter != nullptr && options_.rate_limiter->enabled()) {
    retry_after = options_.rate_limiter->Take(options_.rate_limiter->ClientOf(request),
                                              std::chrono::steady_clock::now());
    if (retry_after > 0) refused = Status::RateLimited("too many requests from your address; retry later");
  }
  if (refused.ok()) return std::nullopt;
  if (page) return SharePageRefusal(refused, options_.page, retry_after);
  Response r = ErrorResponse(refused);
  if (retry_after > 0) r.headers.emplace_back("Retry-After", std::to_string(retry_after));
  return r;
}

void Router::CountView(const Request& request, std::string_view id, const Response& response) const {
  if (options_.views != nullptr && CountsAsView(request, response)) options_.views->Record(id);
}

Response Router::Counted(const Request& request, std::string_view raw_id, Response response) const {
  if (options_.views == nullptr) return response;
  if (auto id = CanonicalUuid(raw_id)) CountView(request, *id, response);
  return response;
}

std::optional<Response> Router::TryHandleNow(const Request& request) const {
  if (request.method != Method::kGet || !request.body.empty())
    return std::nullopt;  // Dispatch refuses a body
  const observe::Route route = RouteOf(request.target);
  if (route != observe::Route::kShare && route != observe::Route::kSharePage) return std::nullopt;
  if (auto refused = Refusal(request, route == observe::Route::kSharePage)) return refused;
  std::optional<Response> served;
  std::string_view id = IdBetween(request.target, "/api/v1/tasks/", "/share");
  if (!id.empty()) {
    served = GetSharedTaskCached(cache_, request, id);
  } else if (id = IdBetween(request.target, "/share/", ""); !id.empty()) {
    served = GetSharePageCached(cache_, request, id);
  }
  if (served) CountView(request, id, *served);
  return served;
}

namespace {

// The authenticated operations under /api/v1/schedules, their method already checked. `segments` is
// the decoded path; `now` the scheduler's time.
Response HandleSchedules(Store& store, const Quotas& quotas, const Request& request,
                         const boost::urls::url_view& url, const std::vector<std::string>& segments,
                         const User& caller, UnixMicros now) {
  const Method m = request.method;
  if (segments.size() == 3) {
    if (m == Method::kPost) return CreateSchedule(store, quotas, caller, request.body, now);
    QueryParams params;
    for (auto p : url.params()) params.emplace_back(p.key, p.has_value ? p.value : std::string());
    return ListSchedules(store, caller, params);
  }
  const std::string& id = segments[3];
  if (m == Method::kPatch) return PatchSchedule(store, quotas, caller, id, request.body, now);
  if (m == Method::kDelete) return DeleteSchedule(store, caller, id, now);
  return GetSchedule(store, caller, id);
}

}  // namespace

Response Router::Handle(const Request& request) const {
  Response response = Dispatch(request);
  if (options_.refusals != nullptr && !response.limit.empty()) options_.refusals->Count(response.limit);
  return response;
}

Response Router::Dispatch(const Request& request) const {
  auto url = boost::urls::parse_origin_form(request.target);
  if (!url) return ErrorResponse(Status::InvalidArgument("malformed request target"));
  std::vector<std::string> segments;
  for (auto seg : url->segments()) segments.push_back(seg);
  const Method m = request.method;
  const Route route = Match(segments);
  // Checked once the method is known to be allowed: a wrong method is 405 with or without a body.
  const Status body = CheckNoBody(request);

  switch (route) {
    case Route::kNone:
      return ErrorResponse(Status::NotFound("Route not found"));
    case Route::kHealth:
      if (m != Method::kGet) return MethodNotAllowed("GET, HEAD");
      if (!body.ok()) return ErrorResponse(body);
      return JsonResponse(R"({"status":"ok"})");
    case Route::kOpenApi:
      if (m != Method::kGet) return MethodNotAllowed("GET, HEAD");
      if (!body.ok()) return ErrorResponse(body);
      return OpenApiDocument();
    case Route::kShare:
      // GET is the spec's anonymous operation, whoever calls it; PUT and DELETE are the owner's.
      if (m == Method::kPut || m == Method::kDelete) break;
      if (m != Method::kGet) return MethodNotAllowed("GET, HEAD, PUT, DELETE");
      if (!body.ok()) return ErrorResponse(body);
      if (!SharingOn()) return ErrorResponse(SharingOff());
      return Counted(request, segments[3],
                     GetSharedTask(store_, redactors(), cache_, request, segments[3], Now(options_)));
    case Route::kShareSettings:
      if (m != Method::kGet) return MethodNotAllowed("GET, HEAD");
      break;
    case Route::kRevokeAllShares:
      if (m != Method::kPost) return MethodNotAllowed("POST");
      break;
    case Route::kSharePage:
      if (m != Method::kGet) return MethodNotAllowed("GET, HEAD");
      if (!body.ok()) return SharePageRefusal(body, options_.page);
      if (!SharingOn()) return SharePageRefusal(SharingOff(), options_.page);
      return Counted(
          request, segments[1],
          GetSharePage(store_, redactors(), cache_, options_.page, request, segments[1], Now(options_)));
    case Route::kAdminSharing:
      if (m != Method::kGet && m != Method::kPut) return MethodNotAllowed("GET, HEAD, PUT");
      if (options_.sharing == nullptr) return ErrorResponse(Status::NotFound("Route not found"));
      break;
    case Route::kReady:
      if (m != Method::kGet) return MethodNotAllowed("GET, HEAD");
      if (!body.ok()) return ErrorResponse(body);
      return Ready(store_);
    case Route::kMetrics:
      if (m != Method::kGet) return MethodNotAllowed("GET, HEAD");
      if (options_.metrics == nullptr) return ErrorResponse(Status::NotFound("Route not found"));
      if (!body.ok()) return ErrorResponse(body);
      if (!options_.metrics_public) {
        auto caller = Authenticate(store_, request);
        if (!caller.ok()) return ErrorResponse(caller.status());
        if (caller->role != Role::kAdmin) return ErrorResponse(Status::Forbidden("metrics are for admins"));
      }
      return Metrics(*options_.metrics);
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
    case Route::kSchedules:
      if (m != Method::kGet && m != Method::kPost) return MethodNotAllowed("GET, HEAD, POST");
      break;
    case Route::kSchedule:
      if (m != Method::kGet && m != Method::kPatch && m != Method::kDelete) {
        return MethodNotAllowed("GET, HEAD, PATCH, DELETE");
      }
      break;
    case Route::kApiKey:
      if (m != Method::kGet) return MethodNotAllowed("GET, HEAD");
      break;
    case Route::kApiKeyRotate:
      if (m != Method::kPost) return MethodNotAllowed("POST");
      break;
    case Route::kSecrets:
      if (m != Method::kGet && m != Method::kPost) return MethodNotAllowed("GET, HEAD, POST");
      break;
    case Route::kSecret:
      if (m != Method::kDelete) return MethodNotAllowed("DELETE");
      break;
    case Route::kShareStats:
      if (m != Method::kGet) return MethodNotAllowed("GET, HEAD");
      break;
  }

  if (!body.ok()) return ErrorResponse(body);
  auto caller = Authenticate(store_, request);
  if (!caller.ok()) return ErrorResponse(caller.status());
  if (route == Route::kAdminSharing) {
    return m == Method::kPut ? PutSharing(*caller, *options_.sharing, request.body)
                             : GetSharing(*caller, *options_.sharing);
  }
  if (route == Route::kApiKey) return GetApiKey(store_, *caller);
  if (route == Route::kApiKeyRotate) {
    return RotateApiKey(store_, *caller, Sha256Hex(*PresentedApiKey(request)), request.body);
  }
  if (route == Route::kSecrets) {
    return m == Method::kPost ? CreateSecret(store_, redactors().box(), options_.quotas, *caller, request.body)
                              : ListSecrets(store_, *caller);
  }
  if (route == Route::kSecret) return DeleteSecret(store_, *caller, segments[3]);
  if (route == Route::kShareStats) return GetShareStats(store_, *caller, segments[3]);
  if (route == Route::kSchedules || route == Route::kSchedule) {
    return HandleSchedules(store_, options_.quotas, request, *url, segments, *caller, Now(options_));
  }
  if (route == Route::kTasks) {
    if (m == Method::kPost) return CreateTask(store_, options_.quotas, *caller, request.body);
    QueryParams params;
    for (auto p : url->params()) params.emplace_back(p.key, p.has_value ? p.value : std::string());
    return ListTasks(store_, *caller, params, options_.page.public_url, Now(options_));
  }
  if (route == Route::kRevokeAllShares) return RevokeAllShares(store_, *caller, request.body);
  const std::string& id = segments[3];
  if (route == Route::kShareSettings)
    return GetShareSettings(store_, *caller, id, options_.page.public_url, Now(options_));
  if (route == Route::kShare) {
    return m == Method::kPut
               ? PutShare(store_, *caller, id, request.body, options_.page.public_url, Now(options_))
               : DeleteShare(store_, *caller, id);
  }
  if (route == Route::kMessages) return AppendMessages(store_, *caller, id, request.body);
  if (m == Method::kPatch) return PatchTask(store_, *caller, id, request.body);
  if (m == Method::kDelete) return DeleteTask(store_, *caller, id);
  return GetTask(store_, redactors(), *caller, id, Now(options_));
}

}  // namespace taskshare::api
