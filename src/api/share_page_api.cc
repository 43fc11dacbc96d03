#include "api/share_page_api.h"

#include "api/cached_serving.h"
#include "api/errors.h"
#include "api/negotiation.h"
#include "api/reader_view.h"
#include "api/share_api.h"
#include "api/sign_in_api.h"
#include "common/ids.h"

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

// The heading of an error page: the page's words for what ToHttpError decided.
std::string_view PageTitle(const Status& status, int http_status) {
  switch (http_status) {
    case 400:
      return "Not a share link";
    case 403:
      if (status.reason() == Reason::kShareExpired) return "This link has expired";
      if (status.reason() == Reason::kNotReadable) return "You may not view this task";
      return "This task is not shared";
    case 404:
      return "Task not found";
    case 429:
      return "Too many requests";
    case 503:
      return "Temporarily unavailable";
    default:
      return "Something went wrong";
  }
}

// The styled page of an error, with the status and error id of the JSON endpoints' ErrorResponse
// (api/errors.h). `extra_headers`: complete header lines added to the page's own (e.g. "Retry-After:
// 2\r\n").
BuiltResponse ErrorPage(const Status& status, const web::PageOptions& options,
                        std::string_view extra_headers = {},
                        CachedResponse::Policy policy = CachedResponse::Policy::kNoStore,
                        const web::PageLink* link = nullptr) {
  const HttpError error = ToHttpError(status);
  std::string message = error.message;
  if (!error.error_id.empty()) message += " (error id " + error.error_id + ")";
  web::PageOptions noindex = options;
  noindex.index = false;
  return {CachedResponse::Make(
              error.status, kHtml,
              web::RenderErrorPage(error.status, PageTitle(status, error.status), message, noindex, link),
              policy, PageHeaders(false) + std::string(extra_headers)),
          {},
          {}};
}

// The page of task `id` as `reader` sees it (null: anonymous); kRevalidate (the shared cache's) or
// kPrivate (a signed-in reader's).
BuiltResponse BuildPage(Store& store, secrets::ViewRedactors& redactors, const web::PageOptions& options,
                        const std::string& id, const User* reader, UnixMicros now,
                        CachedResponse::Policy policy) {
  auto view = LoadReaderView(store, redactors, id, reader, now);
  if (!view.ok()) {
    const bool private_page = policy == CachedResponse::Policy::kPrivate;
    // Signing in might open a link that is not shared to anyone; it is offered to anonymous readers.
    const bool offer = options.sign_in && reader == nullptr && view.status().reason() == Reason::kNotShared;
    const web::PageLink sign_in = SignInLink("/share/" + id);
    return ErrorPage(view.status(), options, {}, private_page ? policy : CachedResponse::Policy::kNoStore,
                     offer ? &sign_in : nullptr);
  }
  const Task& task = view->snapshot.task;
  web::PageOptions page = options;
  page.index = options.index && task.visibility == Visibility::kPublic && reader == nullptr;
  page.redactor = view->redactor.get();
  return {CachedResponse::Make(200, kHtml, web::RenderSharePage(view->snapshot, page), policy,
                               PageHeaders(page.index), ShareCacheExpiry(task)),
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
  return ServeThroughCache(cache, CachedView::kSharePage, *id, request, [&] {
    return BuildPage(store, redactors, options, *id, nullptr, now, CachedResponse::Policy::kRevalidate);
  });
}

Response GetSignedInSharePage(Store& store, secrets::ViewRedactors& redactors,
                              const web::PageOptions& options, const Request& request,
                              std::string_view raw_id, const User* reader, UnixMicros now) {
  auto id = CanonicalUuid(raw_id);
  if (!id) return SharePageRefusal(Status::InvalidArgument("The address does not name a task."), options);
  return Serve(
      BuildPage(store, redactors, options, *id, reader, now, CachedResponse::Policy::kPrivate).response,
      request);
}

}  // namespace taskshare::api
