#include "api/sign_in.h"

#include "common/ids.h"
#include "domain/email.h"

namespace taskshare::api {
namespace {

// How stale a session's idle expiry may get before a use writes it forward.
constexpr std::int64_t kTouchEveryMicros = 60'000'000;

std::int64_t Micros(std::chrono::seconds s) { return std::chrono::microseconds(s).count(); }

}  // namespace

SignIn::SignIn(const SignInOptions& options)
    : auth_header_(options.auth_header),
      proxy_groups_(options.proxy_groups),
      proxy_role_groups_(options.proxy_role_groups),
      proxies_(options.trusted_proxies),
      sessions_(options.sessions),
      cookies_(auth::CookieNamesFor(options.public_url)),
      idle_(options.idle),
      lifetime_(options.lifetime),
      clock_(options.clock) {}

Session SignIn::NewSession(std::string id_hash, std::string user_id, UnixMicros now) const {
  return {std::move(id_hash), std::move(user_id), now, now + Micros(idle_), now + Micros(lifetime_)};
}

UnixMicros SignIn::Now() const { return clock_ != nullptr ? clock_->Now() : SystemTime().Now(); }

bool SignIn::ProxyClaims(const Request& request) const {
  return proxy() && !request.signed_in_email.empty() && proxies_.Trusts(request.client_address);
}

std::optional<std::string_view> SignIn::SessionId(const Request& request) const {
  if (!sessions_ || request.cookie.empty()) return std::nullopt;
  return auth::CookieValue(request.cookie, cookies_.session);
}

bool SignIn::Claims(const Request& request) const {
  return ProxyClaims(request) || SessionId(request).has_value();
}

Result<std::optional<SessionUser>> SignIn::SessionOf(Store& store, const Request& request) const {
  const std::optional<std::string_view> id = SessionId(request);
  if (!id) return std::optional<SessionUser>();
  const std::string hash = Sha256Hex(*id);
  const UnixMicros now = Now();
  auto found = store.FindSession(hash, now);
  if (!found.ok()) {
    if (found.status().code() == Code::kNotFound) return std::optional<SessionUser>();
    return found.status();
  }
  const UnixMicros wanted = now + Micros(idle_);
  if (wanted - found->session.idle_expires_at > kTouchEveryMicros) {
    // A failed touch costs the session a minute of idle time at most: not worth refusing the read.
    (void)store.TouchSession(hash, wanted);
  }
  return std::optional<SessionUser>(std::move(*found));
}

Result<std::optional<User>> SignIn::ReaderOf(Store& store, const Request& request) const {
  if (ProxyClaims(request)) {
    if (!ValidateEmail(request.signed_in_email).ok()) {
      return Status::InvalidArgument(
          "the sign-in header of the proxy in front of this server is not one email address");
    }
    auto user = store.FindUserByEmail(request.signed_in_email);
    if (user.ok()) {
      if (proxy_groups_) user->role = proxy_role_groups_.RoleOf(SplitGroupList(request.signed_in_groups));
      return std::optional<User>(std::move(*user));
    }
    if (user.status().code() == Code::kNotFound) return std::optional<User>();
    return user.status();
  }
  auto session = SessionOf(store, request);
  if (!session.ok()) return session.status();
  if (!*session) return std::optional<User>();
  return std::optional<User>(std::move((*session)->user));
}

}  // namespace taskshare::api
