// The OpenID Connect provider as the server uses it: found (discovery) on first use rather than at
// start, so that a server whose provider is down for a while still starts and serves its links; a
// failed discovery is tried again on a later sign-in, at most every kRetryDiscovery. Once found, the
// provider is kept for the life of the process (its keys are refetched as auth/oidc_provider.h says).
// Thread-safe: sign-ins that arrive during a discovery wait for it.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/identity_provider.h"
#include "auth/oidc_provider.h"
#include "common/clock.h"

namespace taskshare::auth {

inline constexpr std::chrono::seconds kRetryDiscovery{10};

class LazyOidcProvider final : public IdentityProvider {
 public:
  LazyOidcProvider(OidcSettings settings, const Clock& clock);

  Result<std::string> AuthorizationUrl(std::string_view state, std::string_view nonce,
                                       std::string_view code_challenge) override;
  Status CheckResponseIssuer(std::optional<std::string_view> iss) override;
  Result<IdTokenClaims> Redeem(std::string_view code, std::string_view code_verifier,
                               std::string_view nonce) override;

  // Discovers now if not yet done (for a check at start); the status of the provider's discovery.
  Status Ready();

 private:
  // The provider, discovering it when it is not known yet and the last failure is old enough; else
  // that failure (kUnavailable or kInvalidArgument, as Discover gave it).
  Result<OidcProvider*> Get();

  const OidcSettings settings_;
  const Clock& clock_;
  std::mutex mu_;
  std::unique_ptr<OidcProvider> provider_;
  Status failed_;
  std::chrono::steady_clock::time_point retry_at_{};
};

}  // namespace taskshare::auth
