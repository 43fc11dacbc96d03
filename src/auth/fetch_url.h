// The URLs the OpenID Connect client may fetch (auth/https_client.h) and send a browser to: absolute
// http or https URLs with a host, where plain http is allowed only to a loopback host (127.0.0.0/8,
// ::1, or the name "localhost"), as on a developer's machine or in tests; anything else must be https.
// Parsed with Boost.URL (RFC 3986). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace taskshare::auth {

// An http(s) URL taken apart for a request.
struct FetchUrl {
  bool https = false;
  // The host to resolve and to verify the certificate against: a name (lower case), an IPv4 address,
  // or an IPv6 address without its brackets.
  std::string host;
  bool host_is_ip = false;  // host is an address literal (no SNI; the certificate must name the IP)
  bool loopback = false;    // host is 127.0.0.0/8, ::1 or "localhost"
  std::uint16_t port = 0;   // as written, or 443 / 80
  std::string authority;    // host and port as written ("[::1]:8080"): the Host header, and for messages
  std::string target;       // path (at least "/") and query, as written; never the fragment
};

// `url` taken apart, or kInvalidArgument unless it is an absolute http or https URL (scheme in any
// case) with a non-empty host (a name, IPv4 or IPv6 literal), no user information, and a port, if
// written, of 1 to 65535. A host name that begins with an IPv4 address ("127.0.0.1.example.com") is
// refused too: Boost.URL 1.81 misreads it (fetch_url.cc). Says nothing about plain http to other
// hosts: see IsAllowedUrl.
Result<FetchUrl> ParseFetchUrl(std::string_view url);

// Whether `url` parses (ParseFetchUrl) and is https, or http to a loopback host.
bool IsAllowedUrl(std::string_view url);

// Whether `url` parses and is http (not https) to a loopback host.
bool IsLoopbackHttpUrl(std::string_view url);

}  // namespace taskshare::auth
