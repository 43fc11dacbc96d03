// Browser sessions and the sign-ins that make them (docs/sign-in.md): plain values, kept by the store.
//
// A session is a signed-in user's, kept server-side. The browser's cookie holds a 256-bit random id;
// the store keeps only its SHA-256, so a copy of the database signs no one in. A session ends at the
// first of: its absolute expiry, its idle expiry (moved forward as it is used), sign-out, sign-out
// everywhere, and a change of its user's team or role.
//
// A sign-in attempt is what the server remembers between sending a browser to the identity provider
// and the provider sending it back: the state (by its hash), the nonce and the PKCE verifier to check
// the answer against, and the path to return to. Each is taken once.
#pragma once

#include <string>

#include "common/time.h"
#include "domain/user.h"

namespace taskshare {

struct Session {
  std::string id_hash;  // SHA-256 hex of the cookie's id
  std::string user_id;
  UnixMicros created_at = 0;
  UnixMicros idle_expires_at = 0;  // moved forward as the session is used, never past expires_at
  UnixMicros expires_at = 0;       // absolute
};

// A live session and its user as the store holds the user now.
struct SessionUser {
  Session session;
  User user;
};

struct SignInAttempt {
  std::string state_hash;  // SHA-256 hex of the state sent to the provider
  std::string nonce;
  std::string code_verifier;  // PKCE (RFC 7636)
  std::string return_to;      // a path on this server, checked before it was stored
  UnixMicros expires_at = 0;
};

}  // namespace taskshare
