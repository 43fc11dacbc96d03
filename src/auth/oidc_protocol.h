// The messages of OpenID Connect sign-in with the authorization code flow, as pure functions: the
// settings checked once, the provider's discovery document (OpenID Connect Discovery 1.0, section 3)
// read against our rules, the authorization request URL, the token request, and the ID token taken
// from the token reply. No network I/O and no state: auth/oidc_provider.h fetches and keeps.
//
// Our rules for a provider, beyond the specification's: every endpoint is https, or plain http only
// when the issuer itself is http on a loopback host (a developer's machine, the tests); the code flow
// with PKCE S256 is the only flow; the client is confidential and authenticates at the token endpoint
// with client_secret_basic (preferred) or client_secret_post.
//
// No message quotes a code, a token, a secret, or text the provider chose beyond its issuer and URLs
// in discovery errors (for the operator) and the OAuth "error" code of a refused redemption.
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "auth/https_client.h"
#include "common/status.h"

namespace taskshare::auth {

struct OidcSettings {
  // The provider's issuer identifier, e.g. https://login.example.com/realms/x: https, or http for a
  // loopback host only; no query or fragment. Compared with the discovery document and ID tokens
  // exactly, trailing slash included.
  std::string issuer;
  std::string client_id;      // our client at the provider
  std::string client_secret;  // and its secret (a confidential client)
  // Our callback, e.g. https://share.example.com/auth/callback, as registered at the provider: https,
  // or http for a loopback host only.
  std::string redirect_uri;
  // Space-separated scopes to request; must include "openid".
  std::string scope = "openid email profile";
  // The bound on each request to the provider, from name resolution to the last byte of the reply.
  std::chrono::milliseconds timeout{10000};
};

// How we authenticate to the token endpoint (RFC 6749, 2.3.1).
enum class ClientAuth {
  kBasic,  // client_secret_basic: HTTP Basic with the form-encoded id and secret
  kPost,   // client_secret_post: client_id and client_secret in the form body
};

// What we use of a provider's discovery document.
struct ProviderMetadata {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  ClientAuth client_auth = ClientAuth::kBasic;
  // authorization_response_iss_parameter_supported (RFC 9207): the provider names itself in every
  // authorization response, so a response without "iss" is not its own.
  bool names_issuer_in_responses = false;
};

// Ok if `settings` can be used, else kInvalidArgument naming the setting at fault.
Status CheckSettings(const OidcSettings& settings);

// The discovery document's URL: the issuer, less one trailing slash, + "/.well-known/openid-configuration".
std::string DiscoveryUrl(std::string_view issuer);

// The metadata in `document` (a discovery document's JSON) for the provider `issuer`, if the document
// is a JSON object whose "issuer" equals `issuer` exactly; whose authorization_endpoint,
// token_endpoint and jwks_uri are URLs as our rules allow (and the authorization endpoint has no
// fragment); whose response_types_supported holds "code"; whose code_challenge_methods_supported, if
// listed, holds "S256"; whose id_token_signing_alg_values_supported, if listed, holds RS256 or ES256;
// and whose token_endpoint_auth_methods_supported, if listed (absent means client_secret_basic), holds
// client_secret_basic or client_secret_post. kInvalidArgument otherwise, saying which rule failed.
// authorization_response_iss_parameter_supported counts only as the JSON value true.
Result<ProviderMetadata> ParseDiscovery(std::string_view document, std::string_view issuer);

// Whether an authorization response (the browser's return to the redirect URI) that carried the "iss"
// parameter `iss` (nullopt when it had none) may come from `provider` (RFC 9207, 2.4): an "iss" must
// equal the issuer exactly, and one that the provider says it always sends must be there. A response
// from another provider, sent back to us by a mix-up attack, is refused before its code is redeemed.
// kUnauthenticated, with a fixed message, when it may not.
Status CheckResponseIssuer(const ProviderMetadata& provider, std::optional<std::string_view> iss);

// The authorization request URL (OpenID Connect Core, 3.1.2.1): the authorization endpoint with its own
// query kept and response_type=code, client_id, redirect_uri, scope, state, nonce, code_challenge and
// code_challenge_method=S256 appended, each form-urlencoded.
std::string AuthorizationUrl(const ProviderMetadata& provider, const OidcSettings& settings,
                             std::string_view state, std::string_view nonce, std::string_view code_challenge);

// The token request that redeems `code` (RFC 6749, 4.1.3, with RFC 7636's code_verifier): a form POST
// to the token endpoint, with the client authenticated as `provider.client_auth` says.
FetchRequest TokenRequest(const ProviderMetadata& provider, const OidcSettings& settings,
                          std::string_view code, std::string_view code_verifier);

// The compact ID token in the token endpoint's reply: its "id_token" when the reply is 200 with a JSON
// object holding one. kUnauthenticated when the provider refused (400 or 401; the message names the
// OAuth "error" code when it is a plain one) or a 200 reply has no ID token; kUnavailable for any other
// status or a 200 reply that is not a JSON object.
Result<std::string> IdTokenFromReply(const FetchReply& reply);

// `text` encoded as application/x-www-form-urlencoded: [A-Za-z0-9*-._] as they are, space as '+', every
// other byte as %XX.
std::string FormEncode(std::string_view text);

}  // namespace taskshare::auth
