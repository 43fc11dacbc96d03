#include "auth/oidc_provider.h"

#include <utility>

#include "auth/https_client.h"

namespace taskshare::auth {
namespace {

// GET `url` for a JSON document; its body if the answer is 200. kUnavailable otherwise, the message
// naming `what` and `url`.
Result<std::string> FetchDocument(std::string_view what, const std::string& url,
                                  std::chrono::milliseconds timeout) {
  FetchRequest request;
  request.url = url;
  request.headers = {{"Accept", "application/json"}};
  Result<FetchReply> reply = Fetch(request, timeout);
  if (!reply.ok()) {
    if (reply.status().code() != Code::kUnavailable) {
      return Status::InvalidArgument(std::string(what) + " " + url + ": " + reply.status().message());
    }
    return Status::Unavailable(std::string(what) + " " + url +
                               " could not be fetched: " + reply.status().message());
  }
  if (reply->status != 200) {
    return Status::Unavailable(std::string(what) + " " + url + " answered HTTP " +
                               std::to_string(reply->status));
  }
  return std::move(reply->body);
}

// The provider's signing keys from `jwks_uri`: kInvalidArgument for a document that is not a JWKS or
// holds no key we can use.
Result<Jwks> FetchKeys(const std::string& jwks_uri, std::chrono::milliseconds timeout) {
  Result<std::string> document = FetchDocument("JWKS", jwks_uri, timeout);
  if (!document.ok()) return document.status();
  Result<Jwks> keys = Jwks::Parse(*document);
  if (!keys.ok()) return Status::InvalidArgument("JWKS " + jwks_uri + ": " + keys.status().message());
  if (keys->empty()) {
    return Status::InvalidArgument("JWKS " + jwks_uri +
                                   " holds no usable key (RS256 of 2048 bits or more, or ES256)");
  }
  return keys;
}

}  // namespace

Result<std::unique_ptr<OidcProvider>> OidcProvider::Discover(OidcSettings settings, const Clock& clock) {
  if (Status valid = CheckSettings(settings); !valid.ok()) return valid;
  const std::string url = DiscoveryUrl(settings.issuer);
  Result<std::string> document = FetchDocument("OpenID discovery document", url, settings.timeout);
  if (!document.ok()) return document.status();
  Result<ProviderMetadata> metadata = ParseDiscovery(*document, settings.issuer);
  if (!metadata.ok()) return Status::InvalidArgument(url + ": " + metadata.status().message());
  Result<Jwks> keys = FetchKeys(metadata->jwks_uri, settings.timeout);
  if (!keys.ok()) return keys.status();
  return std::unique_ptr<OidcProvider>(
      new OidcProvider(std::move(settings), std::move(*metadata), clock, std::move(*keys)));
}

OidcProvider::OidcProvider(OidcSettings settings, ProviderMetadata metadata, const Clock& clock, Jwks keys)
    : settings_(std::move(settings)),
      metadata_(std::move(metadata)),
      clock_(clock),
      keys_(std::make_shared<const Jwks>(std::move(keys))),
      keys_fetched_at_(clock.Now()) {}

std::string OidcProvider::AuthorizationUrl(std::string_view state, std::string_view nonce,
                                           std::string_view code_challenge) const {
  return auth::AuthorizationUrl(metadata_, settings_, state, nonce, code_challenge);
}

Status OidcProvider::CheckResponseIssuer(std::optional<std::string_view> iss) const {
  return auth::CheckResponseIssuer(metadata_, iss);
}

std::shared_ptr<const Jwks> OidcProvider::keys() const {
  std::lock_guard lock(mu_);
  return keys_;
}

Result<IdTokenClaims> OidcProvider::Redeem(std::string_view code, std::string_view code_verifier,
                                           std::string_view nonce) {
  if (code.empty() || code_verifier.empty() || nonce.empty()) {
    return Status::Unauthenticated("sign-in refused: no authorization code");
  }
  Result<FetchReply> reply =
      Fetch(TokenRequest(metadata_, settings_, code, code_verifier), settings_.timeout);
  if (!reply.ok()) {
    return Status::Unavailable(
        "the sign-in provider cannot be reached",
        "token endpoint " + metadata_.token_endpoint + ": " + reply.status().message());
  }
  Result<std::string> token = IdTokenFromReply(*reply);
  if (!token.ok()) return token.status();

  IdTokenCheck check;
  check.issuer = settings_.issuer;
  check.client_id = settings_.client_id;
  check.nonce = std::string(nonce);
  check.now = clock_.Now();
  const std::shared_ptr<const Jwks> held = keys();
  Result<IdTokenClaims> claims = VerifyIdToken(*token, *held, check);
  if (claims.ok() || claims.status().reason() != Reason::kUnknownSigningKey) return claims;

  Result<std::shared_ptr<const Jwks>> newer = NewerKeys(held);
  if (!newer.ok()) {
    return Status::Unavailable("the sign-in provider cannot be reached", newer.status().message());
  }
  if (*newer == nullptr) return claims;
  check.now = clock_.Now();
  return VerifyIdToken(*token, **newer, check);
}

Result<std::shared_ptr<const Jwks>> OidcProvider::NewerKeys(const std::shared_ptr<const Jwks>& tried) {
  {
    std::lock_guard lock(mu_);
    if (keys_ != tried) return keys_;
    const UnixMicros now = clock_.Now();
    if (now - keys_fetched_at_ < kJwksRefetchInterval) return std::shared_ptr<const Jwks>();
    // Claimed before the fetch, so that threads arriving meanwhile do not fetch as well, and a
    // failing provider is not asked again before the interval is over either.
    keys_fetched_at_ = now;
  }
  Result<Jwks> fetched = FetchKeys(metadata_.jwks_uri, settings_.timeout);
  if (!fetched.ok()) return fetched.status();
  auto fresh = std::make_shared<const Jwks>(std::move(*fetched));
  std::lock_guard lock(mu_);
  keys_ = fresh;
  return fresh;
}

}  // namespace taskshare::auth
