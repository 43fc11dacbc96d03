// The routes of signing in through an OpenID Connect provider (docs/sign-in.md), and of signing out.
// Each answer is a page or a redirect, never cached (Cache-Control: no-store):
//
//   GET  /auth/sign-in?return=PATH   starts a sign-in: a new state, nonce and PKCE verifier, kept in the
//                                    store (a sign-in attempt, ten minutes) and the state also in a
//                                    cookie of this browser; 303 to the provider. PATH must be a path
//                                    on this server (auth/browser_session.h, SafeReturnPath), else /app.
//   GET  /auth/callback?code&state   ends it: the state must be this browser's (its cookie) and an
//                                    attempt not yet taken (each is taken once); the code is redeemed
//                                    and the ID token verified (auth/id_token.h); the email must be
//                                    verified and name a user (or one is created, with auto_create).
//                                    The user's team and role follow the claims when so configured.
//                                    Then a new session (never one the browser brought: no fixation),
//                                    its cookie, and 303 back to PATH.
//   POST /auth/sign-out              ends this browser's session;
//   POST /auth/sign-out-everywhere   every session of its user. Both are Access::kSession (api/routes.h):
//                                    the router has checked the session, its CSRF token and the
//                                    origin. 303 to /app.
//
// Refusals are styled pages: 400 for a sign-in this browser did not start, or one expired or used; 403
// for what the provider or its token did not prove, an unverified email, and no account (without
// auto_create); 503 when the provider cannot be reached. Their messages never quote what the provider
// or the request sent.
// Thread-safe; every route blocks on the store, and the callback on the provider.
#pragma once

#include <string>

#include "api/forms.h"
#include "api/http_types.h"
#include "api/sign_in.h"
#include "auth/identity_provider.h"
#include "domain/role_groups.h"
#include "storage/store.h"
#include "web/share_page.h"

namespace taskshare::api {

struct OidcOptions {
  auth::IdentityProvider* provider = nullptr;  // null: no sign-in through a provider
  bool auto_create = false;                    // create a user on first sign-in (else refuse)
  // The claim whose value is the user's team (a string, or the first string of an array); empty:
  // the team is left as stored.
  std::string team_claim;
  // The claim that lists the user's groups, and the groups that make a user an admin or a support
  // user (domain/role_groups.h). With neither group set, roles are left as stored.
  std::string groups_claim = "groups";
  RoleGroups role_groups;
};

// What the routes are given.
struct SignInRoutes {
  Store& store;
  const SignIn& sign_in;
  const OidcOptions& oidc;
  const web::PageOptions& page;
};

Response StartSignIn(const SignInRoutes& r, const Request& request, const QueryParams& params);
Response FinishSignIn(const SignInRoutes& r, const Request& request, const QueryParams& params);
Response SignOut(const SignInRoutes& r, const SessionUser& session, bool everywhere);

// The address that starts a sign-in and comes back to `path` ("/auth/sign-in?return=%2Fapp").
std::string SignInPath(std::string_view path);

// The answer to an anonymous reader refused a link that signing in might open: the link to sign in
// and come back to `path`, for the share page's 403 ("Sign in to view").
web::PageLink SignInLink(std::string_view path);

}  // namespace taskshare::api
