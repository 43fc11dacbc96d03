// What sign-in needs of an OpenID Connect provider (auth/oidc_provider.h is the one in use): the
// address to send a browser to, and the redemption of the code it comes back with. An interface, so
// that the sign-in routes do not know how the provider was found or when. Implementations are
// thread-safe and may block (they talk to the provider).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/id_token.h"
#include "common/status.h"

namespace taskshare::auth {

class IdentityProvider {
 public:
  virtual ~IdentityProvider() = default;

  // The authorization request (code flow, PKCE S256) carrying `state`, `nonce` and `code_challenge`.
  // kUnavailable when the provider's configuration cannot be had now.
  virtual Result<std::string> AuthorizationUrl(std::string_view state, std::string_view nonce,
                                               std::string_view code_challenge) = 0;

  // Ok if an authorization response carrying the "iss" parameter `iss` (nullopt: none) may be this
  // provider's (auth/oidc_protocol.h CheckResponseIssuer); kUnauthenticated if not; kUnavailable when
  // the provider's configuration cannot be had now.
  virtual Status CheckResponseIssuer(std::optional<std::string_view> iss) = 0;

  // The verified claims of the ID token that `code` redeems for (auth/id_token.h). kUnauthenticated
  // for a refused code or token; kUnavailable when the provider cannot be reached.
  virtual Result<IdTokenClaims> Redeem(std::string_view code, std::string_view code_verifier,
                                       std::string_view nonce) = 0;
};

}  // namespace taskshare::auth
