#include "api/auth.h"

#include "common/ids.h"
#include "common/strings.h"

namespace taskshare::api {
namespace {

constexpr std::string_view kBearer = "Bearer ";

}  // namespace

Result<std::string_view> PresentedApiKey(const Request& request) {
  std::string_view key = request.api_key;
  if (key.empty() && !request.authorization.empty()) {
    if (!StartsWithIgnoringCase(request.authorization, kBearer)) {
      return Status::Unauthenticated("Authorization must be \"Bearer <API key>\"");
    }
    key = std::string_view(request.authorization).substr(kBearer.size());
  }
  if (key.empty()) {
    return Status::Unauthenticated("missing API key: send X-Api-Key or Authorization: Bearer");
  }
  // Exits early, but on the key's public shape only; the secret part is never compared here.
  if (!IsWellFormedApiKey(key)) return Status::Unauthenticated("malformed API key");
  return key;
}

Result<User> Authenticate(Store& store, const Request& request) {
  auto key = PresentedApiKey(request);
  if (!key.ok()) return key.status();
  // Looked up by hash: the index compares hashes, never the key, and nothing in this process does.
  auto user = store.FindUserByKeyHash(Sha256Hex(*key));
  if (!user.ok() && user.status().code() == Code::kNotFound) {
    return Status::Unauthenticated("invalid API key");
  }
  return user;
}

}  // namespace taskshare::api
