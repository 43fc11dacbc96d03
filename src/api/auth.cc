#include "api/auth.h"

#include "common/ids.h"

namespace taskshare::api {
namespace {

constexpr std::string_view kBearer = "Bearer ";

bool StartsWithIgnoringCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<User> Authenticate(Store& store, const Request& request) {
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
  if (!IsWellFormedApiKey(key)) return Status::Unauthenticated("malformed API key");
  auto user = store.FindUserByKeyHash(Sha256Hex(key));
  if (!user.ok() && user.status().code() == Code::kNotFound) {
    return Status::Unauthenticated("invalid API key");
  }
  return user;
}

}  // namespace taskshare::api
