#include "auth/pkce.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cstdlib>

namespace taskshare::auth {
namespace {

std::string RandomBase64Url() {
  std::array<unsigned char, 32> bytes{};
  // A CSPRNG that cannot produce bytes is a broken platform, not an expected error.
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) std::abort();
  return Base64Url({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
}

}  // namespace

std::string Base64Url(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::string NewPkceVerifier() { return RandomBase64Url(); }

std::string NewRandomToken() { return RandomBase64Url(); }

std::string PkceChallenge(std::string_view verifier) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest.data());
  return Base64Url({reinterpret_cast<const char*>(digest.data()), digest.size()});
}

}  // namespace taskshare::auth
