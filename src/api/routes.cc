#include "api/routes.h"

#include <algorithm>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include "api/admin_api.h"
#include "api/apikey_api.h"
#include "api/auth.h"
#include "api/dashboard_api.h"
#include "api/errors.h"
#include "api/openapi.h"
#include "api/router.h"
#include "api/schedules_api.h"
#include "api/secrets_api.h"
#include "api/share_api.h"
#include "api/share_page_api.h"
#include "api/share_settings_api.h"
#include "api/share_stats_api.h"
#include "api/sign_in_api.h"
#include "api/tasks_api.h"
#include "common/ids.h"

namespace taskshare::api {
namespace {

// Ready when a read of the database gets an answer (a task that cannot exist is not found).
Response Ready(const RouteContext& c, const Call&) {
  auto probe = c.store.GetTask("00000000-0000-0000-0000-000000000000");
  if (probe.ok() || probe.status().code() == Code::kNotFound) {
    Response r = JsonResponse(R"({"status":"ready","database":"reachable"})");
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }
  return ErrorResponse(Status::Unavailable("database unreachable", probe.status().detail()));
}

Response Health(const RouteContext&, const Call&) { return JsonResponse(R"({"status":"ok"})"); }

Response Metrics(const RouteContext& c, const Call&) {
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = c.options.metrics->Render();
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response OpenApi(const RouteContext&, const Call&) { return OpenApiDocument(); }

// Share links.
Response SharedTaskOf(const RouteContext& c, const Call& k) {
  return GetSharedTask(c.store, c.redactors, c.cache, k.request, k.param, Now(c));
}
Response SharePageOf(const RouteContext& c, const Call& k) {
  if (k.signed_in) {
    return GetSignedInSharePage(c.store, c.redactors, c.options.page, k.request, k.param, k.caller, Now(c));
  }
  return GetSharePage(c.store, c.redactors, c.cache, c.options.page, k.request, k.param, Now(c));
}
Response PutShareOf(const RouteContext& c, const Call& k) {
  return PutShare(c.store, *k.caller, k.param, k.request.body, c.options.page.public_url, Now(c));
}
Response DeleteShareOf(const RouteContext& c, const Call& k) {
  return DeleteShare(c.store, *k.caller, k.param, Now(c));
}
Response ShareSettingsOf(const RouteContext& c, const Call& k) {
  return GetShareSettings(c.store, *k.caller, k.param, c.options.page.public_url, Now(c));
}
Response ShareStatsOf(const RouteContext& c, const Call& k) {
  return GetShareStats(c.store, *k.caller, k.param);
}
Response RevokeAll(const RouteContext& c, const Call& k) {
  return RevokeAllShares(c.store, *k.caller, k.request.body, Now(c));
}

// Tasks.
Response ListTasksOf(const RouteContext& c, const Call& k) {
  return ListTasks(c.store, *k.caller, ParamsOf(k.routing), c.options.page.public_url, Now(c));
}
Response CreateTaskOf(const RouteContext& c, const Call& k) {
  return CreateTask(c.store, c.options.quotas, *k.caller, k.request.body, Now(c));
}
Response GetTaskOf(const RouteContext& c, const Call& k) {
  return GetTask(c.store, c.redactors, *k.caller, k.param, Now(c));
}
Response PatchTaskOf(const RouteContext& c, const Call& k) {
  return PatchTask(c.store, *k.caller, k.param, k.request.body, Now(c));
}
Response DeleteTaskOf(const RouteContext& c, const Call& k) {
  return DeleteTask(c.store, *k.caller, k.param);
}
Response AppendMessagesOf(const RouteContext& c, const Call& k) {
  return AppendMessages(c.store, *k.caller, k.param, k.request.body, Now(c));
}

// Schedules, which compute due times from the scheduler's clock.
Response ListSchedulesOf(const RouteContext& c, const Call& k) {
  return ListSchedules(c.store, *k.caller, ParamsOf(k.routing));
}
Response CreateScheduleOf(const RouteContext& c, const Call& k) {
  return CreateSchedule(c.store, c.options.quotas, *k.caller, k.request.body, Now(c));
}
Response GetScheduleOf(const RouteContext& c, const Call& k) {
  return GetSchedule(c.store, *k.caller, k.param);
}
Response PatchScheduleOf(const RouteContext& c, const Call& k) {
  return PatchSchedule(c.store, c.options.quotas, *k.caller, k.param, k.request.body, Now(c));
}
Response DeleteScheduleOf(const RouteContext& c, const Call& k) {
  return DeleteSchedule(c.store, *k.caller, k.param, Now(c));
}

// The caller's API key and secrets.
Response ApiKey(const RouteContext& c, const Call& k) { return GetApiKey(c.store, *k.caller); }
Response RotateKey(const RouteContext& c, const Call& k) {
  // The caller was authenticated by this key, so it is present and well-formed.
  return RotateApiKey(c.store, *k.caller, Sha256Hex(*PresentedApiKey(k.request)), k.request.body, Now(c));
}
Response ListSecretsOf(const RouteContext& c, const Call& k) { return ListSecrets(c.store, *k.caller); }
Response CreateSecretOf(const RouteContext& c, const Call& k) {
  return CreateSecret(c.store, c.redactors.box(), c.options.quotas, *k.caller, k.request.body, Now(c));
}
Response DeleteSecretOf(const RouteContext& c, const Call& k) {
  return DeleteSecret(c.store, *k.caller, k.param);
}

// The kill switch.
Response GetSharingOf(const RouteContext& c, const Call& k) {
  return GetSharing(*k.caller, *c.options.sharing);
}
Response PutSharingOf(const RouteContext& c, const Call& k) {
  return PutSharing(*k.caller, *c.options.sharing, k.request.body);
}

// Signing in and out (api/sign_in_api.h); these routes exist only with RouteNeeds::kSignIn.
SignInRoutes SignInOf(const RouteContext& c) {
  return {c.store, *c.options.sign_in, c.options.oidc, c.options.page};
}
Response StartSignInOf(const RouteContext& c, const Call& k) {
  return StartSignIn(SignInOf(c), k.request, ParamsOf(k.routing));
}
Response FinishSignInOf(const RouteContext& c, const Call& k) {
  return FinishSignIn(SignInOf(c), k.request, ParamsOf(k.routing));
}
Response SignOutOf(const RouteContext& c, const Call& k) { return SignOut(SignInOf(c), *k.session, false); }
Response SignOutEverywhereOf(const RouteContext& c, const Call& k) {
  return SignOut(SignInOf(c), *k.session, true);
}

using enum Method;
using enum Access;
using O = Operation;

// Share reads first: they are most of the traffic, and the fast path tries patterns in this order.
// Within a route, GET comes first, as Allow lists it.
// clang-format off
constexpr std::array kRoutes{
    Route{"/api/v1/tasks/{id}/share", observe::Route::kShare,
          {O{kGet, kAnonymous, SharedTaskOf, ShareRead::kJson, GetSharedTaskCached},
           O{kPut, kApiKey, PutShareOf}, O{kDelete, kApiKey, DeleteShareOf}}},
    Route{"/share/{id}", observe::Route::kSharePage,
          {O{kGet, kReader, SharePageOf, ShareRead::kPage, GetSharePageCached}}},
    Route{"/healthz", observe::Route::kHealth, {O{kGet, kAnonymous, Health}}},
    Route{"/readyz", observe::Route::kReady, {O{kGet, kAnonymous, Ready}}},
    Route{"/metrics", observe::Route::kMetrics, {O{kGet, kOperator, Metrics}}, RouteNeeds::kMetrics},
    Route{"/api/openapi.json", observe::Route::kOpenApi, {O{kGet, kAnonymous, OpenApi}}},
    Route{"/api/v1/tasks", observe::Route::kTasks,
          {O{kGet, kApiKey, ListTasksOf}, O{kPost, kApiKey, CreateTaskOf}}},
    Route{"/api/v1/tasks/{id}", observe::Route::kTask,
          {O{kGet, kApiKey, GetTaskOf}, O{kPatch, kApiKey, PatchTaskOf}, O{kDelete, kApiKey, DeleteTaskOf}}},
    Route{"/api/v1/tasks/{id}/messages", observe::Route::kMessages, {O{kPost, kApiKey, AppendMessagesOf}}},
    Route{"/api/v1/tasks/{id}/share/settings", observe::Route::kTask, {O{kGet, kApiKey, ShareSettingsOf}}},
    Route{"/api/v1/tasks/{id}/share/stats", observe::Route::kTask, {O{kGet, kApiKey, ShareStatsOf}}},
    Route{"/api/v1/shares/revoke-all", observe::Route::kShares, {O{kPost, kApiKey, RevokeAll}}},
    Route{"/api/v1/schedules", observe::Route::kSchedules,
          {O{kGet, kApiKey, ListSchedulesOf}, O{kPost, kApiKey, CreateScheduleOf}}},
    Route{"/api/v1/schedules/{id}", observe::Route::kSchedules,
          {O{kGet, kApiKey, GetScheduleOf}, O{kPatch, kApiKey, PatchScheduleOf},
           O{kDelete, kApiKey, DeleteScheduleOf}}},
    Route{"/api/v1/user/apikey", observe::Route::kApiKey, {O{kGet, kApiKey, ApiKey}}},
    Route{"/api/v1/user/apikey/rotate", observe::Route::kApiKey, {O{kPost, kApiKey, RotateKey}}},
    Route{"/api/v1/secrets", observe::Route::kSecrets,
          {O{kGet, kApiKey, ListSecretsOf}, O{kPost, kApiKey, CreateSecretOf}}},
    Route{"/api/v1/secrets/{name}", observe::Route::kSecrets, {O{kDelete, kApiKey, DeleteSecretOf}}},
    Route{"/api/v1/admin/sharing", observe::Route::kAdmin,
          {O{kGet, kApiKey, GetSharingOf}, O{kPut, kApiKey, PutSharingOf}}, RouteNeeds::kSharingSwitch},
    Route{"/auth/sign-in", observe::Route::kAuth,
          {O{kGet, kAnonymous, StartSignInOf, ShareRead::kNo, nullptr, /*rate_limited=*/true}},
          RouteNeeds::kSignIn},
    Route{"/auth/callback", observe::Route::kAuth, {O{kGet, kAnonymous, FinishSignInOf}},
          RouteNeeds::kSignIn},
    Route{"/auth/sign-out", observe::Route::kAuth, {O{kPost, kSession, SignOutOf}}, RouteNeeds::kSignIn},
    Route{"/auth/sign-out-everywhere", observe::Route::kAuth, {O{kPost, kSession, SignOutEverywhereOf}},
          RouteNeeds::kSignIn},
    // The dashboard (api/dashboard_api.h).
    Route{"/app", observe::Route::kApp, {O{kGet, kSession, MyTasksPage}}, RouteNeeds::kSignIn},
    Route{"/app/shared", observe::Route::kApp, {O{kGet, kSession, SharedWithMePage}}, RouteNeeds::kSignIn},
    Route{"/app/account", observe::Route::kApp, {O{kGet, kSession, AccountPage}}, RouteNeeds::kSignIn},
    Route{"/app/tasks/{id}", observe::Route::kApp, {O{kGet, kSession, TaskSettingsPage}}, RouteNeeds::kSignIn},
    Route{"/app/tasks/{id}/share", observe::Route::kApp, {O{kPost, kSession, ShareFromPage}},
          RouteNeeds::kSignIn},
    Route{"/app/tasks/{id}/revoke", observe::Route::kApp, {O{kPost, kSession, RevokeFromPage}},
          RouteNeeds::kSignIn},
    Route{"/app/revoke-all", observe::Route::kApp, {O{kPost, kSession, RevokeAllFromPage}}, RouteNeeds::kSignIn},
    Route{"/app/apikey/rotate", observe::Route::kApp, {O{kPost, kSession, RotateKeyFromPage}},
          RouteNeeds::kSignIn},
    Route{"/app/secrets", observe::Route::kApp, {O{kPost, kSession, AddSecretFromPage}}, RouteNeeds::kSignIn},
    Route{"/app/secrets/delete", observe::Route::kApp, {O{kPost, kSession, DeleteSecretFromPage}},
          RouteNeeds::kSignIn},
};
// clang-format on

// A pattern split into its segments once, at compile time, so that matching a target compares segment
// counts first and then whole segments.
struct Pattern {
  static constexpr std::size_t kNoParam = Target::kMaxSegments;
  std::array<std::string_view, Target::kMaxSegments> segments{};
  std::size_t size = 0;
  std::size_t param = kNoParam;  // the index of the {placeholder}
};

constexpr Pattern Compile(std::string_view pattern) {
  Pattern out;
  for (std::size_t start = 1; start <= pattern.size(); ++out.size) {
    // A pattern with more segments than a Target keeps could never match: refused at compile time.
    if (out.size == Target::kMaxSegments) throw "a route pattern has too many segments";
    const std::size_t slash = std::min(pattern.find('/', start), pattern.size());
    out.segments[out.size] = pattern.substr(start, slash - start);
    if (out.segments[out.size].starts_with('{')) out.param = out.size;
    start = slash + 1;
  }
  return out;
}

constexpr auto kPatterns = [] {
  std::array<Pattern, kRoutes.size()> out;
  for (std::size_t i = 0; i < kRoutes.size(); ++i) out[i] = Compile(kRoutes[i].pattern);
  return out;
}();

}  // namespace

QueryParams ParamsOf(const Routing& target) {
  QueryParams params;
  if (!target.has_query()) return params;
  if (target.query().empty()) {
    params.emplace_back();
    return params;
  }
  // Checked first, so that the view below, which throws on a query it cannot parse, never does.
  if (!boost::urls::parse_query(target.query())) return params;
  // Decodes '+' as a space, as url_view::params() does.
  for (auto p : boost::urls::params_view(target.query())) {
    params.emplace_back(p.key, p.has_value ? p.value : std::string());
  }
  return params;
}

UnixMicros Now(const RouteContext& c) {
  return c.options.clock != nullptr ? c.options.clock->Now() : SystemTime().Now();
}

const Operation* Route::Find(Method method) const {
  for (const Operation& op : operations) {
    if (op.handler != nullptr && op.method == method) return &op;
  }
  return nullptr;
}

std::span<const Route> Routes() { return kRoutes; }

Routing::Routing(std::string_view text) {
  const Target target(text);
  valid_ = target.valid();
  if (!valid_) return;
  has_query_ = target.has_query();
  query_ = target.query();
  for (std::size_t i = 0; i < kPatterns.size(); ++i) {
    const Pattern& pattern = kPatterns[i];
    if (pattern.size != target.size()) continue;
    std::size_t j = 0;
    while (j < pattern.size && (j == pattern.param || pattern.segments[j] == target[j])) ++j;
    if (j != pattern.size) continue;
    route_ = &kRoutes[i];
    if (pattern.param == Pattern::kNoParam) return;
    const std::string_view param = target[pattern.param];
    // A segment without escapes is a view into the text; one decoded lives in the Target, which ends
    // here, so it is kept.
    if (param.empty() ||
        (param.data() >= text.data() && param.data() + param.size() <= text.data() + text.size())) {
      param_ = param;
    } else {
      decoded_ = true;
      decoded_param_ = param;
    }
    return;
  }
}

observe::Route Routing::label() const { return route_ != nullptr ? route_->label : observe::Route::kOther; }

std::string_view MethodName(Method method) {
  switch (method) {
    case kGet:
      return "GET";
    case kPost:
      return "POST";
    case kPut:
      return "PUT";
    case kPatch:
      return "PATCH";
    case kDelete:
      return "DELETE";
    case kOther:
      break;
  }
  return "";
}

std::string AllowOf(const Route& route) {
  std::string allow;
  for (const Operation& op : route.operations) {
    if (op.handler == nullptr) continue;
    if (!allow.empty()) allow += ", ";
    allow += MethodName(op.method);
    if (op.method == kGet) allow += ", HEAD";
  }
  return allow;
}

}  // namespace taskshare::api
