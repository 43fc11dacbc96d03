// Content negotiation and conditional requests over ready-made responses. Pure functions; thread-safe.
#pragma once

#include <memory>
#include <string_view>

#include "api/http_types.h"
#include "cache/cached_response.h"

namespace taskshare::api {

// True if an Accept-Encoding header value accepts gzip: it names `gzip`, `x-gzip` or `*` without
// `q=0`.
bool AcceptsGzip(std::string_view accept_encoding);

// The response that serves `cached` to `request`: the gzip variant when the request accepts gzip and
// there is one, and a 304 when If-None-Match matches that variant's ETag.
Response Serve(std::shared_ptr<const CachedResponse> cached, const Request& request);

}  // namespace taskshare::api
