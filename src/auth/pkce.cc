#include "auth/pkce.h"

#include <openssl/sha.h>

#include <array>

#include "common/ids.h"

namespace taskshare::auth {

std::string NewPkceVerifier() { return NewRandomToken(); }

std::string PkceChallenge(std::string_view verifier) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest.data());
  return Base64Url({reinterpret_cast<const char*>(digest.data()), digest.size()});
}

}  // namespace taskshare::auth
