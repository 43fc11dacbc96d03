#include "api/sign_in.h"

#include "domain/email.h"

namespace taskshare::api {

SignIn::SignIn(const SignInOptions& options)
    : auth_header_(options.auth_header), proxies_(options.trusted_proxies) {}

bool SignIn::Claims(const Request& request) const {
  return enabled() && !request.signed_in_email.empty() && proxies_.Trusts(request.client_address);
}

Result<std::optional<User>> SignIn::ReaderOf(Store& store, const Request& request) const {
  if (!Claims(request)) return std::optional<User>();
  if (!ValidateEmail(request.signed_in_email).ok()) {
    return Status::InvalidArgument(
        "the sign-in header of the proxy in front of this server is not one email "
        "address");
  }
  auto user = store.FindUserByEmail(request.signed_in_email);
  if (user.ok()) return std::optional<User>(std::move(*user));
  if (user.status().code() == Code::kNotFound) return std::optional<User>();
  return user.status();
}

}  // namespace taskshare::api
