#include "common/ids.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <cstdlib>

namespace taskshare {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kApiKeyPrefix = "neo_sk_";
constexpr size_t kApiKeyRandomChars = 32;

template <size_t N>
std::array<unsigned char, N> RandomBytes() {
  std::array<unsigned char, N> b{};
  // A CSPRNG that cannot produce bytes is a broken platform, not an expected error.
  if (RAND_bytes(b.data(), static_cast<int>(N)) != 1) std::abort();
  return b;
}

std::string Hex(const unsigned char* data, size_t n) {
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string NewUuidV4() {
  auto b = RandomBytes<16>();
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4
  b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
  std::string h = Hex(b.data(), b.size());
  return h.substr(0, 8) + '-' + h.substr(8, 4) + '-' + h.substr(12, 4) + '-' + h.substr(16, 4) + '-' +
         h.substr(20);
}

std::optional<std::string> CanonicalUuid(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  std::string out(text);
  for (size_t i = 0; i < out.size(); ++i) {
    char& c = out[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return std::nullopt;
    } else if (c >= 'A' && c <= 'F') {
      c = static_cast<char>(c - 'A' + 'a');
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return std::nullopt;
    }
  }
  return out;
}

bool IsCanonicalUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string NewApiKey() {
  constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";  // 36 symbols
  std::string key(kApiKeyPrefix);
  while (key.size() < kApiKeyPrefix.size() + kApiKeyRandomChars) {
    for (unsigned char byte : RandomBytes<64>()) {
      // Rejection sampling keeps every symbol equally likely: 252 = 7 * 36.
      if (byte >= 252) continue;
      key += kAlphabet[byte % kAlphabet.size()];
      if (key.size() == kApiKeyPrefix.size() + kApiKeyRandomChars) break;
    }
  }
  return key;
}

bool IsWellFormedApiKey(std::string_view key) {
  if (key.size() != kApiKeyPrefix.size() + kApiKeyRandomChars || !key.starts_with(kApiKeyPrefix)) {
    return false;
  }
  for (char c : key.substr(kApiKeyPrefix.size())) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

std::string_view ApiKeyPrefix(std::string_view key) { return key.substr(0, kApiKeyPrefixLength); }

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr) != 1) std::abort();
  return Hex(digest, len);
}

std::string NewErrorId() {
  auto b = RandomBytes<16>();
  return Hex(b.data(), b.size());
}

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

std::string NewRandomToken() {
  const auto b = RandomBytes<32>();
  return Base64Url(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

}  // namespace taskshare
