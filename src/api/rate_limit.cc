#include "api/rate_limit.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <optional>

namespace taskshare::api {

namespace {

std::optional<std::array<unsigned char, 16>> ParseAddress(std::string_view text) {
  const std::string s(text);
  std::array<unsigned char, 16> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<RateLimiter::Network> ParseNetwork(std::string_view text) {
  const std::size_t slash = text.find('/');
  auto address = ParseAddress(text.substr(0, slash));
  if (!address) return std::nullopt;
  RateLimiter::Network n;
  n.bytes = *address;
  const bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
  if (slash == std::string_view::npos) return n;
  const std::string_view digits = text.substr(slash + 1);
  if (digits.empty() || digits.size() > 3 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) {
    return std::nullopt;
  }
  const int bits = std::stoi(std::string(digits));
  if (bits > (v4 ? 32 : 128)) return std::nullopt;
  n.bits = v4 ? 96 + bits : bits;
  return n;
}

bool Contains(const RateLimiter::Network& n, const std::array<unsigned char, 16>& a) {
  const int whole = n.bits / 8;
  if (std::memcmp(n.bytes.data(), a.data(), static_cast<std::size_t>(whole)) != 0) return false;
  const int rest = n.bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (n.bytes[static_cast<std::size_t>(whole)] & mask) == (a[static_cast<std::size_t>(whole)] & mask);
}

}  // namespace

std::vector<std::string> InvalidTrustedProxies(const std::vector<std::string>& proxies) {
  std::vector<std::string> bad;
  for (const auto& p : proxies) {
    if (!ParseNetwork(p)) bad.push_back(p);
  }
  return bad;
}

RateLimiter::RateLimiter(RateLimitOptions options)
    : options_(std::move(options)), slots_(std::max<std::size_t>(options_.slots, 1)) {
  for (const auto& p : options_.trusted_proxies) {
    if (auto n = ParseNetwork(p)) proxies_.push_back(*n);
  }
}

bool RateLimiter::Trusted(std::string_view address) const {
  if (proxies_.empty()) return false;
  const auto a = ParseAddress(Trim(address));
  if (!a) return false;
  return std::any_of(proxies_.begin(), proxies_.end(), [&](const Network& n) { return Contains(n, *a); });
}

std::string_view RateLimiter::ClientOf(const Request& request) const {
  if (request.forwarded_for.empty() || !Trusted(request.client_address)) return request.client_address;
  // Right to left: each trusted hop vouches for the address before it.
  std::string_view rest = request.forwarded_for;
  while (!rest.empty()) {
    const std::size_t comma = rest.rfind(',');
    const std::string_view hop = Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (!ParseAddress(hop)) break;  // garbage: count the request under the last trusted hop
    if (!Trusted(hop) || rest.empty()) return hop;
  }
  return request.client_address;
}

int RateLimiter::Take(std::string_view client, std::chrono::steady_clock::time_point now) {
  if (!enabled()) return 0;
  const std::uint64_t key = std::hash<std::string_view>{}(client) | 1;  // never 0, the free mark
  const std::size_t index = key % slots_.size();
  const std::int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  std::lock_guard lock(stripes_[index % stripes_.size()]);
  Slot& slot = slots_[index];
  if (slot.key != key) slot = {key, options_.burst, now_ns};
  const double elapsed = static_cast<double>(now_ns - slot.last_ns) / 1e9;
  slot.tokens = std::min(options_.burst, slot.tokens + std::max(elapsed, 0.0) * options_.rate);
  slot.last_ns = now_ns;
  if (slot.tokens >= 1) {
    slot.tokens -= 1;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - slot.tokens) / options_.rate)));
}

}  // namespace taskshare::api
