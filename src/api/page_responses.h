// The answers of the server-rendered pages that are not share links (the sign-in routes and the
// dashboard): pages, error pages and redirects, each with the headers every such page carries
// (a CSP that allows the one stylesheet and forms posting to this server, nosniff, no framing, no
// indexing, Referrer-Policy same-origin, Cache-Control no-store). Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "api/http_types.h"
#include "common/status.h"
#include "web/share_page.h"

namespace taskshare::api {

// A page of `status` with `body` (an HTML document).
Response Page(int status, std::string body);

// A styled error page (web::RenderErrorPage), never indexed.
Response ErrorPage(int status, std::string_view title, std::string_view message, const web::PageOptions& page,
                   const web::PageLink* link = nullptr);

// The heading of an error page of HTTP status `http_status`: "Not found", "Refused", "Not done",
// "Too many requests", "Temporarily unavailable", "Something went wrong".
std::string_view ErrorPageTitle(int http_status);

// The error page of `status`, which must not be ok, as api/errors.h maps it: its HTTP status and
// client-facing message, and for a 5xx its error id (logged there), under ErrorPageTitle.
Response StatusPage(const Status& status, const web::PageOptions& page);

// A 303 See Other to `location` (a path on this server or the provider's URL).
Response Redirect(std::string location);

}  // namespace taskshare::api
