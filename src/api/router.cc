#include "api/router.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/auth.h"
#include "api/errors.h"
#include "api/forms.h"
#include "api/page_responses.h"
#include "api/share_page_api.h"
#include "api/share_stats_api.h"
#include "auth/browser_session.h"
#include "common/ids.h"

namespace taskshare::api {
namespace {

Response NotFound() { return ErrorResponse(Status::NotFound("Route not found")); }

Response MethodNotAllowed(const Route& route) {
  std::string allow = AllowOf(route);
  Response r = ErrorResponse(Status::InvalidArgument("method not allowed; allowed: " + allow), 405);
  r.headers.emplace_back("Allow", std::move(allow));
  return r;
}

// GET (and HEAD) and DELETE take no body on any route: one sent is refused (400), never ignored, so
// that a client that meant it to say something learns that nothing read it.
Status CheckNoBody(const Request& request) {
  if (request.body.empty() || (request.method != Method::kGet && request.method != Method::kDelete)) {
    return Status::Ok();
  }
  const std::string method = request.method == Method::kDelete ? "DELETE" : request.head ? "HEAD" : "GET";
  return Status::InvalidArgument(method + " requests take no body; send it without one");
}

// Immediate::cost_key of `operation` on `param`: requests for one operation on one id cost alike, and
// on a route without an id (a list), those of one caller, known by the credential it sends. Allocates
// nothing unless `param` is a UUID not in canonical form.
std::uint64_t CostKey(const Operation& operation, std::string_view param, const Request& request) {
  std::uint64_t salt = 0x9e3779b97f4a7c15U;
  if (param.empty()) {
    param = !request.api_key.empty() ? std::string_view(request.api_key) : request.authorization;
    if (param.empty()) return 0;
    salt = 0xc2b2ae3d27d4eb4fU;
  }
  std::optional<std::string> canonical;
  if (!IsCanonicalUuid(param) && (canonical = CanonicalUuid(param))) param = *canonical;
  const std::uint64_t key =
      std::hash<std::string_view>{}(param) ^ (reinterpret_cast<std::uintptr_t>(&operation) * salt);
  return key == 0 ? 1 : key;
}

}  // namespace

bool Router::Available(const Route& route) const {
  switch (route.needs) {
    case RouteNeeds::kNothing:
      return true;
    case RouteNeeds::kMetrics:
      return options_.metrics != nullptr;
    case RouteNeeds::kSharingSwitch:
      return options_.sharing != nullptr;
    case RouteNeeds::kSignIn:
      return options_.oidc.provider != nullptr && options_.sign_in != nullptr && options_.sign_in->sessions();
  }
  return false;
}

std::optional<Response> Router::Refusal(const Operation& operation, const Request& request,
                                        bool charge) const {
  const bool share = operation.share != ShareRead::kNo;
  if (!share && !operation.rate_limited) return std::nullopt;
  Status refused;
  int retry_after = 0;
  if (share && options_.sharing != nullptr && !options_.sharing->on()) {
    refused = Status::Forbidden("Sharing is turned off on this server");
  } else if (charge && options_.rate_limiter != nullptr && options_.rate_limiter->enabled()) {
    retry_after = options_.rate_limiter->Take(options_.rate_limiter->ClientOf(request),
                                              std::chrono::steady_clock::now());
    if (retry_after > 0) refused = Status::RateLimited("too many requests from your address; retry later");
  }
  if (refused.ok()) return std::nullopt;
  if (operation.share == ShareRead::kPage) return SharePageRefusal(refused, options_.page, retry_after);
  // Not a share read: a rate-limited route of the signed-in pages.
  Response r = share ? ErrorResponse(refused) : StatusPage(refused, options_.page);
  if (retry_after > 0) r.headers.emplace_back("Retry-After", std::to_string(retry_after));
  return r;
}

bool Router::SignedIn(const Operation& operation, const Request& request) const {
  return operation.access == Access::kReader && options_.sign_in != nullptr &&
         options_.sign_in->Claims(request);
}

std::optional<Response> Router::AdmitSession(const Request& request,
                                             std::optional<SessionUser>& session) const {
  auto live = options_.sign_in->SessionOf(store_, request);
  if (!live.ok()) return StatusPage(live.status(), options_.page);
  if (request.method != Method::kGet) {
    if (!*live) {
      const web::PageLink again{SignInPath("/app"), "Sign in again"};
      return ErrorPage(403, "Signed out", "Your session has ended. Sign in again to continue.", options_.page,
                       &again);
    }
    const std::optional<std::string> csrf = FieldValue(FormFields(request.body), "csrf");
    if (!auth::FromOurOrigin(request.origin, request.referer, options_.page.public_url) || !csrf ||
        !auth::CsrfTokenMatches(*options_.sign_in->SessionId(request), *csrf)) {
      return ErrorPage(403, "Refused", "This request did not come from this site's own page.", options_.page);
    }
  }
  session = std::move(*live);
  return std::nullopt;
}

std::optional<Response> Router::Admit(const Operation& operation, const Request& request,
                                      std::optional<User>& caller,
                                      std::optional<SessionUser>& session) const {
  if (operation.access == Access::kAnonymous) return std::nullopt;
  if (operation.access == Access::kSession) {
    if (auto refused = AdmitSession(request, session)) return refused;
    if (session) caller = session->user;
    return std::nullopt;
  }
  if (operation.access == Access::kReader) {
    if (!SignedIn(operation, request)) return std::nullopt;
    auto reader = options_.sign_in->ReaderOf(store_, request);
    if (!reader.ok()) {
      return operation.share == ShareRead::kPage ? SharePageRefusal(reader.status(), options_.page)
                                                 : ErrorResponse(reader.status());
    }
    caller = std::move(*reader);
    return std::nullopt;
  }
  if (operation.access == Access::kOperator && options_.metrics_public) return std::nullopt;
  auto user = Authenticate(store_, request);
  if (!user.ok()) return ErrorResponse(user.status());
  if (operation.access == Access::kOperator && user->role != Role::kAdmin) {
    return ErrorResponse(Status::Forbidden("metrics are for admins"));
  }
  caller = std::move(*user);
  return std::nullopt;
}

void Router::CountView(const Operation& operation, std::string_view raw_id, const Request& request,
                       const Response& response) const {
  if (operation.share == ShareRead::kNo || options_.views == nullptr || !CountsAsView(request, response)) {
    return;
  }
  // A view is answered only for a valid id; the fast path's are canonical already.
  if (IsCanonicalUuid(raw_id)) {
    options_.views->Record(raw_id);
  } else if (auto id = CanonicalUuid(raw_id)) {
    options_.views->Record(*id);
  }
}

Immediate Router::TryHandleNow(const Request& request) const {
  Immediate now;
  now.routing = Routing(request.target);
  // Dispatch refuses a body.
  if (request.method != Method::kGet || !request.body.empty()) return now;
  const Route* route = now.routing.route();
  if (route == nullptr) return now;
  const Operation* operation = route->Find(Method::kGet);
  if (operation == nullptr) return now;
  const std::string_view param = now.routing.param();
  now.cost_key = CostKey(*operation, param, request);
  if (!Available(*route) || operation->share == ShareRead::kNo) return now;
  if (auto refused = Refusal(*operation, request, /*charge=*/true)) {
    now.response = std::move(refused);
    return now;
  }
  if (operation->cached == nullptr || !IsCanonicalUuid(param) || SignedIn(*operation, request)) return now;
  now.response = operation->cached(cache_, request, param);
  if (now.response) CountView(*operation, param, request, *now.response);
  return now;
}

Response Router::Handle(const Request& request, const Routing& routing) const {
  Response response = Dispatch(request, routing);
  if (options_.refusals != nullptr && !response.limit.empty()) options_.refusals->Count(response.limit);
  return response;
}

Response Router::Dispatch(const Request& request, const Routing& routing) const {
  if (!routing.valid()) return ErrorResponse(Status::InvalidArgument("malformed request target"));
  const Route* route = routing.route();
  if (route == nullptr) return NotFound();
  const Operation* operation = route->Find(request.method);
  if (operation == nullptr) return MethodNotAllowed(*route);
  if (!Available(*route)) return NotFound();
  // Checked once the method is known to be allowed: a wrong method is 405 with or without a body.
  if (Status body = CheckNoBody(request); !body.ok()) {
    return operation->share == ShareRead::kPage ? SharePageRefusal(body, options_.page) : ErrorResponse(body);
  }
  // Share reads were charged by TryHandleNow; other rate-limited operations are charged here.
  if (auto refused = Refusal(*operation, request, /*charge=*/operation->share == ShareRead::kNo)) {
    return std::move(*refused);
  }
  std::optional<User> caller;
  std::optional<SessionUser> session;
  if (auto refused = Admit(*operation, request, caller, session)) return std::move(*refused);
  const std::string_view param = routing.param();
  Response response =
      operation->handler(context_, Call{request, routing, param, caller ? &*caller : nullptr,
                                        SignedIn(*operation, request), session ? &*session : nullptr});
  CountView(*operation, param, request, response);
  return response;
}

}  // namespace taskshare::api
