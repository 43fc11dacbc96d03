// A small blocking HTTP client for what the server fetches from an OpenID provider: its discovery
// document, its keys (JWKS) and tokens. One request per connection, no redirects followed, no proxy, no
// cookies, no compression; the caller's thread waits.
//
// https is verified against OpenSSL's default trust store (which honours SSL_CERT_FILE and
// SSL_CERT_DIR): the certificate chain, and the URL's host name or IP address against the
// certificate's names (RFC 6125, by OpenSSL's X509_VERIFY_PARAM; no partial wildcards), with SNI for
// names, TLS 1.2 or later. Plain http is allowed only to a loopback host (auth/fetch_url.h), and the
// addresses a loopback name resolves to must be loopback too: anything else is refused before any
// connection is made.
//
// Limits: name resolution, connection, TLS handshake, sending and receiving all fit in one `timeout`;
// a response header of at most 16 KiB and a body of at most kMaxFetchBytes.
//
// Thread-safety: Fetch may be called from any number of threads at once. Each call runs its own
// io_context; the TLS context (the trust store, loaded once) is shared, and built anew when
// SSL_CERT_FILE or SSL_CERT_DIR has changed since (tests point them at a throwaway CA).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace taskshare::auth {

// The largest response body Fetch accepts.
inline constexpr std::size_t kMaxFetchBytes = std::size_t{1} << 20;

struct FetchRequest {
  std::string method = "GET";  // an HTTP method token: GET, POST, ...
  std::string url;             // absolute http(s) URL (auth/fetch_url.h)
  std::string body;            // sent with a Content-Length when not empty
  // Sent as given, after Host, User-Agent and Connection: close (which these may not replace).
  std::vector<std::pair<std::string, std::string>> headers;
};

struct FetchReply {
  int status = 0;            // the HTTP status code, 3xx included (redirects are not followed)
  std::string content_type;  // the Content-Type header, or empty
  std::string body;
};

// Sends `request` and reads the whole reply, within `timeout` in all.
// kInvalidArgument, before any connection, for a URL that is not an absolute http(s) URL with a host,
// http to a host that is not loopback, an unknown method, or a header with a control character.
// kUnavailable, with a short message naming the host (as written in the URL, with its port if any) and
// what failed: "cannot resolve HOST: ...", "cannot connect to HOST: ...", "certificate of HOST refused:
// <OpenSSL's reason>", "cannot complete the TLS handshake with HOST: ...", sending or reading, "HOST did
// not answer within N ms (timeout while ...)"; also when the reply is not HTTP/1.x or its body is over
// kMaxFetchBytes, and for plain http to a loopback name that resolves to no loopback address.
Result<FetchReply> Fetch(const FetchRequest& request, std::chrono::milliseconds timeout);

}  // namespace taskshare::auth
