#include "api/sign_in_api.h"

#include <openssl/crypto.h>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "api/forms.h"
#include "api/page_responses.h"
#include "auth/browser_session.h"
#include "auth/pkce.h"
#include "common/ids.h"
#include "domain/email.h"
#include "web/share_page.h"

namespace taskshare::api {
namespace {

constexpr std::int64_t kAttemptSeconds = 600;
constexpr std::string_view kHome = "/app";

const web::PageLink kSignInAgain{"/auth/sign-in", "Sign in again"};

// The user's team and role as the claims say, when the server is told to follow them.
struct ClaimedAccess {
  std::optional<std::string> team;
  Role role = Role::kUser;
};
std::optional<ClaimedAccess> AccessFromClaims(const OidcOptions& oidc, const boost::json::object& claims,
                                              const User* current) {
  const bool teams = !oidc.team_claim.empty();
  const bool roles = oidc.role_groups.any();
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
    std::vector<std::string_view> groups;
    if (const boost::json::value* v = claims.if_contains(oidc.groups_claim); v != nullptr && v->is_array()) {
      for (const boost::json::value& g : v->get_array()) {
        if (g.is_string()) groups.push_back(g.get_string());
      }
    }
    access.role = oidc.role_groups.RoleOf(groups);
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

std::string SignInPath(std::string_view path) {
  return "/auth/sign-in?return=" + boost::urls::encode(path, boost::urls::unreserved_chars);
}

web::PageLink SignInLink(std::string_view path) { return {SignInPath(path), "Sign in to view"}; }

Response StartSignIn(const SignInRoutes& r, const Request& request, const QueryParams& params) {
  (void)request;
  const std::optional<std::string> wanted = FieldValue(params, "return");
  const std::string return_to =
      wanted ? auth::SafeReturnPath(*wanted).value_or(std::string(kHome)) : std::string(kHome);
  const std::string state = NewRandomToken();
  const std::string nonce = NewRandomToken();
  const std::string verifier = auth::NewPkceVerifier();
  auto url = r.oidc.provider->AuthorizationUrl(state, nonce, auth::PkceChallenge(verifier));
  if (!url.ok()) return StatusPage(url.status(), r.page);
  const UnixMicros now = r.sign_in.Now();
  const Status saved = r.store.SaveSignInAttempt(
      {Sha256Hex(state), nonce, verifier, return_to, now + kAttemptSeconds * 1'000'000});
  if (!saved.ok()) return StatusPage(saved, r.page);
  Response out = Redirect(std::move(*url));
  out.headers.emplace_back("Set-Cookie", auth::SetCookie(r.sign_in.cookies(), r.sign_in.cookies().sign_in,
                                                         state, kAttemptSeconds));
  return out;
}

Response FinishSignIn(const SignInRoutes& r, const Request& request, const QueryParams& params) {
  const auth::CookieNames& cookies = r.sign_in.cookies();
  const std::optional<std::string> state = FieldValue(params, "state");
  const std::optional<std::string_view> ours = auth::CookieValue(request.cookie, cookies.sign_in);
  if (!state || !ours || state->size() != ours->size() ||
      CRYPTO_memcmp(state->data(), ours->data(), ours->size()) != 0) {
    return ErrorPage(400, "Sign-in not started here", "This sign-in was not started in this browser.", r.page,
                     &kSignInAgain);
  }
  const UnixMicros now = r.sign_in.Now();
  auto attempt = r.store.TakeSignInAttempt(Sha256Hex(*state), now);
  if (!attempt.ok()) {
    if (attempt.status().code() != Code::kNotFound) return StatusPage(attempt.status(), r.page);
    return ErrorPage(400, "Sign-in expired", "This sign-in has expired or was already used.", r.page,
                     &kSignInAgain);
  }
  if (const Status issuer = r.oidc.provider->CheckResponseIssuer(FieldValue(params, "iss")); !issuer.ok()) {
    if (issuer.code() == Code::kUnavailable) return StatusPage(issuer, r.page);
    return ErrorPage(403, "Not signed in", "The identity provider's answer could not be verified.", r.page,
                     &kSignInAgain);
  }
  const std::optional<std::string> code = FieldValue(params, "code");
  if (!code || code->empty() || FieldValue(params, "error")) {
    return ErrorPage(403, "Not signed in", "The identity provider did not sign you in.", r.page,
                     &kSignInAgain);
  }
  auto claims = r.oidc.provider->Redeem(*code, attempt->code_verifier, attempt->nonce);
  if (!claims.ok()) {
    if (claims.status().code() == Code::kUnavailable) return StatusPage(claims.status(), r.page);
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
  if (!user.ok()) return StatusPage(user.status(), r.page);
  if (!*user) {
    return ErrorPage(403, "No account",
                     "There is no account for your email address on this server. Ask an "
                     "administrator to add you.",
                     r.page);
  }
  if (access && ((*user)->team != access->team || (*user)->role != access->role)) {
    auto updated = r.store.UpdateUserAccess((*user)->id, access->team, access->role);
    if (!updated.ok()) return StatusPage(updated.status(), r.page);
  }
  // Never keep a session the browser brought: it might be one an attacker planted.
  if (const std::optional<std::string_view> old = r.sign_in.SessionId(request)) {
    (void)r.store.DeleteSession(Sha256Hex(*old));
  }
  const std::string id = NewRandomToken();
  const Session session = r.sign_in.NewSession(Sha256Hex(id), (*user)->id, now);
  if (Status s = r.store.CreateSession(session); !s.ok()) return StatusPage(s, r.page);
  Response out = Redirect(attempt->return_to);
  out.headers.emplace_back("Set-Cookie",
                           auth::SetCookie(cookies, cookies.session, id, r.sign_in.lifetime().count()));
  out.headers.emplace_back("Set-Cookie", auth::SetCookie(cookies, cookies.sign_in, "", 0));
  return out;
}

Response SignOut(const SignInRoutes& r, const SessionUser& session, bool everywhere) {
  const Status done = everywhere ? r.store.DeleteUserSessions(session.user.id).outcome()
                                 : r.store.DeleteSession(session.session.id_hash);
  if (!done.ok() && done.code() != Code::kNotFound) return StatusPage(done, r.page);
  Response out = Redirect(std::string(kHome));
  out.headers.emplace_back("Set-Cookie",
                           auth::SetCookie(r.sign_in.cookies(), r.sign_in.cookies().session, "", 0));
  return out;
}

}  // namespace taskshare::api
