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

Response StatusPage(const Status& status, const web::PageOptions& page) {
  const HttpError error = ToHttpError(status);
  std::string message = error.message;
  if (!error.error_id.empty()) message += " (error id " + error.error_id + ")";
  std::string_view title = "Refused";
  if (error.status >= 500) {
    title = error.status == 503 ? "Temporarily unavailable" : "Something went wrong";
  } else if (error.status == 404) {
    title = "Not found";
  } else if (error.status == 429) {
    title = "Too many requests";
  } else if (error.status == 400 || error.status == 409 || error.status == 413) {
    title = "Not done";
  }
  Response r = ErrorPage(error.status, title, message, page);
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
