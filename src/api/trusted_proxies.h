// The peers whose word about a request is believed: the proxies in front of the server that
// --trusted-proxy names, by address or CIDR block ("10.0.0.0/8", "::1", "2001:db8::/32"). Two things
// are taken from a trusted peer and from nobody else: the client's address in X-Forwarded-For (the
// rate limit, api/rate_limit.h) and the user an authenticating proxy signed in (api/sign_in.h).
//
// Addresses are compared as 16 bytes, IPv4 as ::ffff:a.b.c.d, so an IPv4 block also matches its
// mapped form. Parsing an address copies it to the stack, never to the heap: both checks run on every
// request. Immutable once made; thread-safe.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace taskshare::api {

// An IP address as 16 bytes, IPv4 as ::ffff:a.b.c.d.
using IpAddress = std::array<unsigned char, 16>;

// `text` as an address; nullopt if it is not one (a port, brackets or spaces included).
std::optional<IpAddress> ParseIpAddress(std::string_view text);

// True for an IPv4 address (plain, or mapped into IPv6).
bool IsMappedIpv4(const IpAddress& address);

class TrustedProxies {
 public:
  TrustedProxies() = default;  // trusts nobody
  // Entries that are neither an address nor a CIDR block are ignored: check them with
  // InvalidTrustedProxies first.
  explicit TrustedProxies(const std::vector<std::string>& entries);

  // True if `address` (leading and trailing blanks aside) is in one of the blocks.
  bool Trusts(std::string_view address) const;
  bool empty() const { return networks_.empty(); }

 private:
  struct Network {
    IpAddress bytes{};
    int bits = 128;  // how many leading bits count
  };
  static std::optional<Network> ParseNetwork(std::string_view text);
  bool Contains(const Network& n, const IpAddress& a) const;

  std::vector<Network> networks_;

  friend std::vector<std::string> InvalidTrustedProxies(const std::vector<std::string>& entries);
};

// The entries of `entries` that are neither an IP address nor a CIDR block (empty when all parse).
std::vector<std::string> InvalidTrustedProxies(const std::vector<std::string>& entries);

}  // namespace taskshare::api
