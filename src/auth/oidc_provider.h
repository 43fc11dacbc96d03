// One OpenID Connect provider, as the server signs people in with it: discovered once at start-up,
// then asked to redeem each authorization code for a verified ID token. The sign-in routes, sessions
// and cookies are the HTTP layer's; this is the client side of the provider (RFC 6749 code flow, PKCE
// S256, OpenID Connect Core 3.1), over auth/https_client.h, with the rules of auth/oidc_protocol.h
// and the verifier of auth/id_token.h. The random values a sign-in needs are in auth/pkce.h.
//
// Signing keys: the provider's JWKS is fetched at discovery and held as an immutable
// std::shared_ptr<const Jwks>. A token whose key (kid) it does not hold makes Redeem fetch the JWKS
// again and verify once more: the provider has rotated its keys. Anyone can present a token naming an
// unknown kid, so the JWKS is fetched at most once per kJwksRefetchInterval (by the Clock given,
// counting the fetch at discovery), whichever thread asks; the others verify against the keys held.
// A refetched JWKS that cannot be read, or holds no usable key, leaves the keys held as they were.
//
// Thread-safety: after Discover, any number of threads may call every member at once. The keys and
// the time of their last fetch are guarded by a mutex, held only to read or swap the pointer, never
// during network I/O. Redeem blocks its thread for up to two requests' timeouts (the token request,
// and a JWKS refetch): call it off the network threads.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/id_token.h"
#include "auth/oidc_protocol.h"
#include "auth/pkce.h"
#include "common/clock.h"
#include "common/status.h"

namespace taskshare::auth {

// The least time between two fetches of a provider's JWKS.
inline constexpr UnixMicros kJwksRefetchInterval = UnixMicros{60} * 1'000'000;

class OidcProvider {
 public:
  // The provider `settings.issuer` names, from its discovery document (GET {issuer}/.well-known/
  // openid-configuration, OpenID Connect Discovery 1.0) read by auth/oidc_protocol.h's ParseDiscovery
  // rules, and its JWKS (which must hold at least one usable key). `clock` gives the time ID tokens are
  // checked against and paces JWKS refetches; it must outlive the provider.
  // kInvalidArgument for settings that CheckSettings refuses, or a discovery document or JWKS that
  // breaks the rules; kUnavailable when either cannot be fetched or is not answered with 200. Each
  // message names the URL and what went wrong, for the operator's log.
  static Result<std::unique_ptr<OidcProvider>> Discover(OidcSettings settings, const Clock& clock);

  OidcProvider(const OidcProvider&) = delete;
  OidcProvider& operator=(const OidcProvider&) = delete;

  // The URL to send the browser to for a sign-in (auth/oidc_protocol.h AuthorizationUrl): `state` and
  // `nonce` from NewRandomToken(), `code_challenge` = PkceChallenge(NewPkceVerifier()).
  std::string AuthorizationUrl(std::string_view state, std::string_view nonce,
                               std::string_view code_challenge) const;

  // auth/oidc_protocol.h CheckResponseIssuer against this provider's metadata.
  Status CheckResponseIssuer(std::optional<std::string_view> iss) const;

  // The verified claims of the ID token that `code` is redeemed for at the token endpoint, with the
  // PKCE `code_verifier` and the `nonce` sent in the authorization request (VerifyIdToken with our
  // issuer and client_id, at the clock's time). kUnauthenticated when the provider refuses the code
  // (the message names only the OAuth "error" code) or the token is refused (id_token.h's fixed
  // messages; Reason::kUnknownSigningKey when its key is unknown even after a refetch, or a refetch was
  // not due); kUnavailable, with a message fit for the client and the URL and failure in the detail,
  // when the provider cannot be reached or answers out of protocol.
  Result<IdTokenClaims> Redeem(std::string_view code, std::string_view code_verifier, std::string_view nonce);

  const std::string& issuer() const { return settings_.issuer; }
  const ProviderMetadata& metadata() const { return metadata_; }

 private:
  OidcProvider(OidcSettings settings, ProviderMetadata metadata, const Clock& clock, Jwks keys);

  // The keys to verify with after `tried` failed for an unknown kid: newer ones another thread has
  // fetched, or a fresh fetch if one is due; nullptr when none is due; an error if the fetch failed.
  Result<std::shared_ptr<const Jwks>> NewerKeys(const std::shared_ptr<const Jwks>& tried);
  std::shared_ptr<const Jwks> keys() const;

  const OidcSettings settings_;
  const ProviderMetadata metadata_;
  const Clock& clock_;

  mutable std::mutex mu_;
  std::shared_ptr<const Jwks> keys_;  // guarded by mu_; never null
  UnixMicros keys_fetched_at_ = 0;    // guarded by mu_; when the last fetch (or attempt) began
};

}  // namespace taskshare::auth
