// The request and response of the handler layer: plain values with no dependency on the network
// library, so that handlers and their tests never see a socket.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/routing.h"
#include "cache/cached_response.h"
#include "common/request_id.h"

namespace taskshare::api {

enum class Method { kGet, kPost, kPut, kPatch, kDelete, kOther };

// The network layer reuses one Request per connection, so its strings keep their capacity from one
// request to the next; clear() empties it for the next one.
struct Request {
  RequestId id;  // set by the network layer for each request
  Method method = Method::kGet;
  bool head = false;            // a HEAD request, handled as GET and answered without the body
  std::string target;           // origin-form, as received: "/api/v1/tasks?limit=5"
  std::string api_key;          // the X-Api-Key header, if any
  std::string authorization;    // the Authorization header, if any
  std::string if_none_match;    // the If-None-Match header, if any
  std::string accept_encoding;  // the Accept-Encoding header, if any
  std::string forwarded_for;    // X-Forwarded-For, several headers joined with ", "
  // The authenticating proxy's header (api/sign_in.h), several joined with ", "; believed only when
  // the peer is a trusted proxy (SignIn::Claims).
  std::string signed_in_email;
  std::string signed_in_groups;  // the proxy's groups header, if one is read; believed as the above
  std::string cookie;            // the Cookie header, several joined with "; " (auth/browser_session.h)
  std::string origin;            // the Origin header, if any
  std::string referer;           // the Referer header, if any
  std::string body;
  std::string client_address;  // the peer's IP address; set once per connection, kept by clear()

  void clear() {
    method = Method::kGet;
    head = false;
    for (std::string* s :
         {&target, &api_key, &authorization, &if_none_match, &accept_encoding, &forwarded_for,
          &signed_in_email, &signed_in_groups, &cookie, &origin, &referer, &body}) {
      s->clear();
    }
  }
};

struct Response {
  int status = 200;
  std::string_view content_type = "application/json";  // always a string literal
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type and Content-Length
  // The quota that refused the request (domain/quotas.h, LimitName; set by ErrorResponse), counted in
  // /metrics; never sent as a header. Empty for every other response.
  std::string_view limit;

  // When set, the response is this ready-made one instead, in `variant`, or its 304 when
  // `not_modified`; the fields above are ignored.
  std::shared_ptr<const CachedResponse> cached;
  CachedResponse::Variant variant = CachedResponse::Variant::kIdentity;
  bool not_modified = false;
};

// What the network thread makes of a request before any blocking work (Router::TryHandleNow).
struct Immediate {
  std::optional<Response> response;  // the answer, when it is ready at once
  // Otherwise, what the cost of answering is remembered by (http/costly_keys.h): for a GET, one value
  // per operation and id on the routes that name a task or schedule (ids compared in canonical form,
  // so that the case of a UUID or a percent-escape makes no other key), and per operation and caller
  // (its API key or Authorization header) on the others; 0 for an anonymous GET without an id, and for
  // every other method.
  std::uint64_t cost_key = 0;
  // The target as routed, for Router::Handle to use rather than route it again, and for the metrics'
  // label.
  Routing routing;
};

}  // namespace taskshare::api
