#include "auth/lazy_provider.h"

#include "common/log.h"

namespace taskshare::auth {

LazyOidcProvider::LazyOidcProvider(OidcSettings settings, const Clock& clock)
    : settings_(std::move(settings)), clock_(clock) {}

Result<OidcProvider*> LazyOidcProvider::Get() {
  std::lock_guard lock(mu_);
  if (provider_) return provider_.get();
  const auto now = std::chrono::steady_clock::now();
  if (!failed_.ok() && now < retry_at_) return failed_;
  auto found = OidcProvider::Discover(settings_, clock_);
  if (!found.ok()) {
    failed_ = found.status();
    retry_at_ = now + kRetryDiscovery;
    Log("warning", "sign-in: the OpenID Connect provider " + settings_.issuer +
                       " could not be discovered: " + failed_.message() + "; retrying on a later sign-in");
    return failed_;
  }
  provider_ = std::move(*found);
  failed_ = Status::Ok();
  return provider_.get();
}

Status LazyOidcProvider::Ready() {
  auto provider = Get();
  return provider.ok() ? Status::Ok() : provider.status();
}

Result<std::string> LazyOidcProvider::AuthorizationUrl(std::string_view state, std::string_view nonce,
                                                       std::string_view code_challenge) {
  auto provider = Get();
  if (!provider.ok())
    return Status::Unavailable("sign-in is unavailable: the identity provider cannot be reached");
  return (*provider)->AuthorizationUrl(state, nonce, code_challenge);
}

Status LazyOidcProvider::CheckResponseIssuer(std::optional<std::string_view> iss) {
  auto provider = Get();
  if (!provider.ok())
    return Status::Unavailable("sign-in is unavailable: the identity provider cannot be reached");
  return (*provider)->CheckResponseIssuer(iss);
}

Result<IdTokenClaims> LazyOidcProvider::Redeem(std::string_view code, std::string_view code_verifier,
                                               std::string_view nonce) {
  auto provider = Get();
  if (!provider.ok())
    return Status::Unavailable("sign-in is unavailable: the identity provider cannot be reached");
  return (*provider)->Redeem(code, code_verifier, nonce);
}

}  // namespace taskshare::auth
