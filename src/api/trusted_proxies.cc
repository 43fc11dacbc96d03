#include "api/trusted_proxies.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "common/strings.h"

namespace taskshare::api {
namespace {

// Longer than any address text inet_pton reads (INET6_ADDRSTRLEN is 46).
constexpr std::size_t kMaxAddressText = 64;

}  // namespace

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  if (text.size() >= kMaxAddressText) return std::nullopt;
  char s[kMaxAddressText] = {};
  if (!text.empty()) std::memcpy(s, text.data(), text.size());
  IpAddress out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s, &v4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s, &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

bool IsMappedIpv4(const IpAddress& a) {
  return std::all_of(a.begin(), a.begin() + 10, [](unsigned char b) { return b == 0; }) && a[10] == 0xff &&
         a[11] == 0xff;
}

std::optional<TrustedProxies::Network> TrustedProxies::ParseNetwork(std::string_view text) {
  const std::size_t slash = text.find('/');
  auto address = ParseIpAddress(text.substr(0, slash));
  if (!address) return std::nullopt;
  Network n;
  n.bytes = *address;
  const bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
  if (slash == std::string_view::npos) return n;
  const std::string_view digits = text.substr(slash + 1);
  if (digits.empty() || digits.size() > 3 ||
      !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return std::nullopt;
  }
  const int bits = std::stoi(std::string(digits));
  if (bits > (v4 ? 32 : 128)) return std::nullopt;
  n.bits = v4 ? 96 + bits : bits;
  return n;
}

bool TrustedProxies::Contains(const Network& n, const IpAddress& a) const {
  const int whole = n.bits / 8;
  if (std::memcmp(n.bytes.data(), a.data(), static_cast<std::size_t>(whole)) != 0) return false;
  const int rest = n.bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (n.bytes[static_cast<std::size_t>(whole)] & mask) == (a[static_cast<std::size_t>(whole)] & mask);
}

TrustedProxies::TrustedProxies(const std::vector<std::string>& entries) {
  for (const auto& e : entries) {
    if (auto n = ParseNetwork(e)) networks_.push_back(*n);
  }
}

bool TrustedProxies::Trusts(std::string_view address) const {
  if (networks_.empty()) return false;
  const auto a = ParseIpAddress(Trim(address));
  if (!a) return false;
  return std::any_of(networks_.begin(), networks_.end(), [&](const Network& n) { return Contains(n, *a); });
}

std::vector<std::string> InvalidTrustedProxies(const std::vector<std::string>& entries) {
  std::vector<std::string> bad;
  for (const auto& e : entries) {
    if (!TrustedProxies::ParseNetwork(e)) bad.push_back(e);
  }
  return bad;
}

}  // namespace taskshare::api
