#include "api/share_page_api.h"

#include "api/cached_serving.h"
#include "api/negotiation.h"
#include "api/reader_view.h"
#include "api/share_api.h"
#include "common/ids.h"
#include "common/log.h"
#include "common/request_id.h"
#include "domain/share_view.h"

namespace taskshare::api {
namespace {

constexpr std::string_view kHtml = "text/html; charset=utf-8";

// The security headers of every page; `index` drops the noindex line.
std::string PageHeaders(bool index) {
  std::string h = "Content-Security-Policy: default-src 'none'; style-src " + web::StyleCspSource() +
                  "; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'\r\n"
                  "X-Content-Type-Options: nosniff\r\n"
                  "Referrer-Policy: no-referrer\r\n"
                  "X-Frame-Options: DENY\r\n";
  if (!index) h += "X-Robots-Tag: noindex, nofollow\r\n";
  return h;
}

// `extra_headers`: complete header lines added to the page's own (e.g. "Retry-After: 2\r\n").
BuiltResponse ErrorPage(const Status& status, const web::PageOptions& options,
                        std::string_view extra_headers = {}) {
  int code = 500;
  std::string title = "Something went wrong";
  std::string message = status.message();
  switch (status.code()) {
    case Code::kInvalidArgument:
      code = 400;
      title = "Not a share link";
      break;
    case Code::kForbidden:
      code = 403;
      title = message == kShareExpiredMessage ? "This link has expired" : "This task is not shared";
      break;
    case Code::kNotFound:
      code = 404;
      title = "Task not found";
      break;
    case Code::kUnavailable:
      code = 503;
      title = "Temporarily unavailable";
      if (!status.detail().empty()) {
        LogError("share page unavailable: " + status.message() + ": " + status.detail());
      }
      break;
    case Code::kRateLimited:
      code = 429;
      title = "Too many requests";
      break;
    default: {
      const std::string_view request_id = CurrentRequestId();
      const std::string error_id = request_id.empty() ? NewErrorId() : std::string(request_id);
      LogError("error_id=" + error_id + " status=500 " + status.message() +
               (status.detail().empty() ? "" : ": " + status.detail()));
      message += " (error id " + error_id + ")";
      break;
    }
  }
  web::PageOptions noindex = options;
  noindex.index = false;
  return {
      CachedResponse::Make(code, kHtml, web::RenderErrorPage(code, title, message, noindex),
                           CachedResponse::Policy::kNoStore, PageHeaders(false) + std::string(extra_headers)),
      code == 403,
      {}};
}

BuiltResponse BuildPage(Store& store, secrets::ViewRedactors& redactors, const web::PageOptions& options,
                        const std::string& id, UnixMicros now) {
  auto view = LoadReaderView(store, redactors, id, nullptr, now);
  if (!view.ok()) return ErrorPage(view.status(), options);
  const Task& task = view->snapshot.task;
  web::PageOptions page = options;
  page.index = options.index && task.visibility == Visibility::kPublic;
  page.redactor = view->redactor.get();
  return {CachedResponse::Make(200, kHtml, web::RenderSharePage(view->snapshot, page),
                               CachedResponse::Policy::kRevalidate, PageHeaders(page.index),
                               ShareCacheExpiry(task)),
          true,
          {},
          SecretsOf(task)};
}

}  // namespace

Response SharePageRefusal(const Status& status, const web::PageOptions& options, int retry_after) {
  const std::string extra = retry_after > 0 ? "Retry-After: " + std::to_string(retry_after) + "\r\n" : "";
  BuiltResponse page = ErrorPage(status, options, extra);
  Response r;
  r.cached = std::move(page.response);
  return r;
}

std::optional<Response> GetSharePageCached(ResponseCache& cache, const Request& request,
                                           std::string_view id) {
  return ServeFromCache(cache, CachedView::kSharePage, id, request);
}

Response GetSharePage(Store& store, secrets::ViewRedactors& redactors, ResponseCache& cache,
                      const web::PageOptions& options, const Request& request, std::string_view raw_id,
                      UnixMicros now) {
  auto id = CanonicalUuid(raw_id);
  if (!id)
    return Serve(ErrorPage(Status::InvalidArgument("The address does not name a task."), options).response,
                 request);
  return ServeThroughCache(cache, CachedView::kSharePage, *id, request,
                           [&] { return BuildPage(store, redactors, options, *id, now); });
}

}  // namespace taskshare::api
