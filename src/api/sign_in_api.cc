#include "api/sign_in_api.h"

#include <openssl/crypto.h>

#include <boost/url/encode.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <optional>

#include "api/errors.h"
#include "auth/browser_session.h"
#include "auth/pkce.h"
#include "common/ids.h"
#include "domain/email.h"
#include "web/share_page.h"

namespace taskshare::api {
namespace {

constexpr std::string_view kHtml = "text/html; charset=utf-8";
constexpr std::int64_t kAttemptSeconds = 600;
constexpr std::string_view kHome = "/app";

// The headers of every page here: the share page's, but forms may post to this server.
void AddPageHeaders(Response& r) {
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src " + web::StyleCspSource() +
                             "; img-src data:; base-uri 'none'; form-action 'self'; "
                             "frame-ancestors 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("X-Robots-Tag", "noindex, nofollow");
  r.headers.emplace_back("Cache-Control", "no-store");
}

Response Page(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = kHtml;
  r.body = std::move(body);
  AddPageHeaders(r);
  return r;
}

Response ErrorPage(int status, std::string_view title, std::string_view message, const web::PageOptions& page,
                   const web::PageLink* link = nullptr) {
  web::PageOptions noindex = page;
  noindex.index = false;
  return Page(status, web::RenderErrorPage(status, title, message, noindex, link));
}

// A 5xx page for `status`, its error id logged as for JSON (api/errors.h).
Response FailurePage(const Status& status, const web::PageOptions& page) {
  const HttpError error = ToHttpError(status);
  std::string message = error.message;
  if (!error.error_id.empty()) message += " (error id " + error.error_id + ")";
  return ErrorPage(error.status, error.status == 503 ? "Temporarily unavailable" : "Something went wrong",
                   message, page);
}

Response Redirect(std::string location) {
  Response r;
  r.status = 303;
  r.content_type = kHtml;
  r.headers.emplace_back("Location", std::move(location));
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  return r;
}

std::optional<std::string> Param(const QueryParams& params, std::string_view name) {
  std::optional<std::string> found;
  for (const auto& [k, v] : params) {
    if (k != name) continue;
    if (found) return std::nullopt;  // given twice: neither is trusted
    found = v;
  }
  return found;
}

// The fields of an application/x-www-form-urlencoded body; empty for one that does not parse.
QueryParams FormFields(std::string_view body) {
  QueryParams fields;
  if (body.empty() || !boost::urls::parse_query(body)) return fields;
  for (auto p : boost::urls::params_view(body))
    fields.emplace_back(p.key, p.has_value ? p.value : std::string());
  return fields;
}

const web::PageLink kSignInAgain{"/auth/sign-in", "Sign in again"};

// The user's team and role as the claims say, when the server is told to follow them.
struct ClaimedAccess {
  std::optional<std::string> team;
  Role role = Role::kUser;
};
std::optional<ClaimedAccess> AccessFromClaims(const OidcOptions& oidc, const boost::json::object& claims,
                                              const User* current) {
  const bool teams = !oidc.team_claim.empty();
  const bool roles = !oidc.admin_group.empty() || !oidc.support_group.empty();
  if (!teams && !roles) return std::nullopt;
  ClaimedAccess access;
  access.team = current != nullptr ? current->team : std::nullopt;
  access.role = current != nullptr ? current->role : Role::kUser;
  if (teams) {
    access.team.reset();
    if (const boost::json::value* v = claims.if_contains(oidc.team_claim)) {
      if (v->is_string() && !v->get_string().empty()) {
        access.team = std::string(v->get_string());
      } else if (v->is_array() && !v->get_array().empty() && v->get_array()[0].is_string()) {
        access.team = std::string(v->get_array()[0].get_string());
      }
    }
  }
  if (roles) {
    bool admin = false;
    bool support = false;
    if (const boost::json::value* v = claims.if_contains(oidc.groups_claim); v != nullptr && v->is_array()) {
      for (const boost::json::value& g : v->get_array()) {
        if (!g.is_string()) continue;
        admin = admin || (!oidc.admin_group.empty() && g.get_string() == oidc.admin_group);
        support = support || (!oidc.support_group.empty() && g.get_string() == oidc.support_group);
      }
    }
    access.role = admin ? Role::kAdmin : support ? Role::kSupport : Role::kUser;
  }
  return access;
}

// The user the verified `email` names, created when the server may; nullopt (with the page to answer)
// when there is none.
Result<std::optional<User>> UserFor(const SignInRoutes& r, const std::string& email,
                                    const std::optional<ClaimedAccess>& access, UnixMicros now) {
  auto found = r.store.FindUserByEmail(email);
  if (found.ok()) return std::optional<User>(std::move(*found));
  if (found.status().code() != Code::kNotFound) return found.status();
  if (!r.oidc.auto_create) return std::optional<User>();
  User user;
  user.id = NewUuidV4();
  user.email = email;
  user.created_at = now;
  if (access) {
    user.team = access->team;
    user.role = access->role;
  }
  // Its API key is never shown: the user rotates it to get one.
  const std::string key = NewApiKey();
  const Status created = r.store.CreateUser(user, {Sha256Hex(key), std::string(ApiKeyPrefix(key)), now});
  // kAlreadyExists: created meanwhile by a sign-in in another tab, or on another node.
  if (created.ok() || created.code() == Code::kAlreadyExists) {
    auto again = r.store.FindUserByEmail(email);
    if (again.ok()) return std::optional<User>(std::move(*again));
    return again.status();
  }
  return created;
}

}  // namespace

web::PageLink SignInLink(std::string_view path) {
  return {"/auth/sign-in?return=" + boost::urls::encode(path, boost::urls::unreserved_chars),
          "Sign in to view"};
}

Response StartSignIn(const SignInRoutes& r, const Request& request, const QueryParams& params) {
  (void)request;
  const std::optional<std::string> wanted = Param(params, "return");
  const std::string return_to =
      wanted ? auth::SafeReturnPath(*wanted).value_or(std::string(kHome)) : std::string(kHome);
  const std::string state = NewRandomToken();
  const std::string nonce = NewRandomToken();
  const std::string verifier = auth::NewPkceVerifier();
  auto url = r.oidc.provider->AuthorizationUrl(state, nonce, auth::PkceChallenge(verifier));
  if (!url.ok()) return FailurePage(url.status(), r.page);
  const UnixMicros now = r.sign_in.Now();
  const Status saved = r.store.SaveSignInAttempt(
      {Sha256Hex(state), nonce, verifier, return_to, now + kAttemptSeconds * 1'000'000});
  if (!saved.ok()) return FailurePage(saved, r.page);
  Response out = Redirect(std::move(*url));
  out.headers.emplace_back("Set-Cookie", auth::SetCookie(r.sign_in.cookies(), r.sign_in.cookies().sign_in,
                                                         state, kAttemptSeconds));
  return out;
}

Response FinishSignIn(const SignInRoutes& r, const Request& request, const QueryParams& params) {
  const auth::CookieNames& cookies = r.sign_in.cookies();
  const std::optional<std::string> state = Param(params, "state");
  const std::optional<std::string_view> ours = auth::CookieValue(request.cookie, cookies.sign_in);
  if (!state || !ours || state->size() != ours->size() ||
      CRYPTO_memcmp(state->data(), ours->data(), ours->size()) != 0) {
    return ErrorPage(400, "Sign-in not started here", "This sign-in was not started in this browser.", r.page,
                     &kSignInAgain);
  }
  const UnixMicros now = r.sign_in.Now();
  auto attempt = r.store.TakeSignInAttempt(Sha256Hex(*state), now);
  if (!attempt.ok()) {
    if (attempt.status().code() != Code::kNotFound) return FailurePage(attempt.status(), r.page);
    return ErrorPage(400, "Sign-in expired", "This sign-in has expired or was already used.", r.page,
                     &kSignInAgain);
  }
  const std::optional<std::string> code = Param(params, "code");
  if (!code || code->empty() || Param(params, "error")) {
    return ErrorPage(403, "Not signed in", "The identity provider did not sign you in.", r.page,
                     &kSignInAgain);
  }
  auto claims = r.oidc.provider->Redeem(*code, attempt->code_verifier, attempt->nonce);
  if (!claims.ok()) {
    if (claims.status().code() == Code::kUnavailable) return FailurePage(claims.status(), r.page);
    return ErrorPage(403, "Not signed in", "The identity provider's answer could not be verified.", r.page,
                     &kSignInAgain);
  }
  if (!ValidateEmail(claims->email).ok()) {
    return ErrorPage(403, "Not signed in", "The identity provider gave no usable email address.", r.page);
  }
  auto found = r.store.FindUserByEmail(claims->email);
  const User* current = found.ok() ? &*found : nullptr;
  const std::optional<ClaimedAccess> access = AccessFromClaims(r.oidc, claims->claims, current);
  auto user = UserFor(r, claims->email, access, now);
  if (!user.ok()) return FailurePage(user.status(), r.page);
  if (!*user) {
    return ErrorPage(403, "No account",
                     "There is no account for your email address on this server. Ask an "
                     "administrator to add you.",
                     r.page);
  }
  if (access && ((*user)->team != access->team || (*user)->role != access->role)) {
    auto updated = r.store.UpdateUserAccess((*user)->id, access->team, access->role);
    if (!updated.ok()) return FailurePage(updated.status(), r.page);
  }
  // Never keep a session the browser brought: it might be one an attacker planted.
  if (const std::optional<std::string_view> old = r.sign_in.SessionId(request)) {
    (void)r.store.DeleteSession(Sha256Hex(*old));
  }
  const std::string id = NewRandomToken();
  const Session session = r.sign_in.NewSession(Sha256Hex(id), (*user)->id, now);
  if (Status s = r.store.CreateSession(session); !s.ok()) return FailurePage(s, r.page);
  Response out = Redirect(attempt->return_to);
  out.headers.emplace_back("Set-Cookie",
                           auth::SetCookie(cookies, cookies.session, id, r.sign_in.lifetime().count()));
  out.headers.emplace_back("Set-Cookie", auth::SetCookie(cookies, cookies.sign_in, "", 0));
  return out;
}

Response SignOut(const SignInRoutes& r, const Request& request, bool everywhere) {
  const std::optional<std::string_view> id = r.sign_in.SessionId(request);
  if (!id) return Redirect(std::string(kHome));
  const std::optional<std::string> csrf = Param(FormFields(request.body), "csrf");
  if (!auth::FromOurOrigin(request.origin, request.referer, r.page.public_url) || !csrf ||
      !auth::CsrfTokenMatches(*id, *csrf)) {
    return ErrorPage(403, "Refused", "This request did not come from this site's own page.", r.page);
  }
  auto session = r.sign_in.SessionOf(r.store, request);
  if (!session.ok()) return FailurePage(session.status(), r.page);
  if (*session) {
    const Status done = everywhere ? r.store.DeleteUserSessions((*session)->user.id).outcome()
                                   : r.store.DeleteSession((*session)->session.id_hash);
    if (!done.ok() && done.code() != Code::kNotFound) return FailurePage(done, r.page);
  }
  Response out = Redirect(std::string(kHome));
  out.headers.emplace_back("Set-Cookie",
                           auth::SetCookie(r.sign_in.cookies(), r.sign_in.cookies().session, "", 0));
  return out;
}

Response Home(const SignInRoutes& r, const Request& request) {
  web::PageOptions page = r.page;
  page.index = false;
  const web::PageLink sign_in{"/auth/sign-in?return=%2Fapp", "Sign in"};
  const web::PageLink* offer = r.oidc.provider != nullptr ? &sign_in : nullptr;
  auto session = r.sign_in.SessionOf(r.store, request);
  if (!session.ok()) return FailurePage(session.status(), r.page);
  if (!*session) return Page(200, web::RenderHomePage(nullptr, {}, offer, page));
  const std::string csrf = auth::CsrfToken(*r.sign_in.SessionId(request));
  return Page(200, web::RenderHomePage(&(*session)->user.email, csrf, offer, page));
}

}  // namespace taskshare::api
