#include "api/page_responses.h"

#include "api/errors.h"

namespace taskshare::api {
namespace {

constexpr std::string_view kHtml = "text/html; charset=utf-8";

void AddPageHeaders(Response& r) {
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src " + web::StyleCspSource() +
                             "; img-src data:; base-uri 'none'; form-action 'self'; "
                             "frame-ancestors 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("X-Robots-Tag", "noindex, nofollow");
  r.headers.emplace_back("Cache-Control", "no-store");
}

}  // namespace

Response Page(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = kHtml;
  r.body = std::move(body);
  AddPageHeaders(r);
  return r;
}

Response ErrorPage(int status, std::string_view title, std::string_view message, const web::PageOptions& page,
                   const web::PageLink* link) {
  web::PageOptions noindex = page;
  noindex.index = false;
  return Page(status, web::RenderErrorPage(status, title, message, noindex, link));
}

std::string_view ErrorPageTitle(int http_status) {
  if (http_status >= 500) return http_status == 503 ? "Temporarily unavailable" : "Something went wrong";
  switch (http_status) {
    case 404:
      return "Not found";
    case 429:
      return "Too many requests";
    case 400:
    case 409:
    case 413:
      return "Not done";
    default:
      return "Refused";
  }
}

Response StatusPage(const Status& status, const web::PageOptions& page) {
  const HttpError error = ToHttpError(status);
  std::string message = error.message;
  if (!error.error_id.empty()) message += " (error id " + error.error_id + ")";
  Response r = ErrorPage(error.status, ErrorPageTitle(error.status), message, page);
  r.limit = status.limit();
  return r;
}

Response Redirect(std::string location) {
  Response r;
  r.status = 303;
  r.content_type = kHtml;
  r.headers.emplace_back("Location", std::move(location));
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  return r;
}

}  // namespace taskshare::api
