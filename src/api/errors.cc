#include "api/errors.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "common/ids.h"
#include "common/log.h"
#include "common/request_id.h"
#include "common/strings.h"

namespace taskshare::api {
namespace {

struct ErrorKind {
  std::string_view code;
  std::string_view kind;
};

ErrorKind KindOf(Code code) {
  switch (code) {
    case Code::kInvalidArgument:
      return {"invalid_request", "invalid request"};
    case Code::kUnauthenticated:
      return {"unauthorized", "unauthorized request"};
    case Code::kForbidden:
      return {"forbidden", "forbidden request"};
    case Code::kNotFound:
      return {"not_exists", "not found"};
    case Code::kAlreadyExists:
      return {"already_exists", "conflict"};
    case Code::kLimitReached:
      return {"limit_reached", "limit reached"};
    case Code::kTooLarge:
      return {"payload_too_large", "payload too large"};
    case Code::kRateLimited:
      return {"rate_limited", "too many requests"};
    case Code::kUnavailable:
      return {"unavailable", "service unavailable"};
    case Code::kOk:
    case Code::kInternal:
      break;
  }
  return {"internal", "internal error"};
}

// A client-facing message may quote what the client sent (a percent-decoded query parameter holds any
// bytes), and Boost.JSON writes strings byte for byte: a message that is not UTF-8 would make the body
// invalid JSON, so its bytes past ASCII become '?'.
std::string JsonSafe(const std::string& message) {
  if (IsUtf8(message)) return message;
  std::string out = message;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  }
  return out;
}

}  // namespace

int HttpStatus(Code code) {
  switch (code) {
    case Code::kOk:
      return 200;
    case Code::kInvalidArgument:
      return 400;
    case Code::kUnauthenticated:
      return 401;
    case Code::kForbidden:
      return 403;
    case Code::kNotFound:
      return 404;
    case Code::kAlreadyExists:
      return 409;
    case Code::kLimitReached:
      return 409;
    case Code::kTooLarge:
      return 413;
    case Code::kRateLimited:
      return 429;
    case Code::kUnavailable:
      return 503;
    case Code::kInternal:
      return 500;
  }
  return 500;
}

HttpError ToHttpError(const Status& status, int http_status) {
  const ErrorKind k = KindOf(status.code());
  HttpError e{http_status != 0 ? http_status : HttpStatus(status.code()),
              k.code,
              k.kind,
              JsonSafe(status.message()),
              {}};
  if (e.status >= 500) {
    // The request's own id when there is one, so that the access log line carries the same.
    const std::string_view request_id = CurrentRequestId();
    e.error_id = request_id.empty() ? NewErrorId() : std::string(request_id);
    LogError("error_id=" + e.error_id + " status=" + std::to_string(e.status) + " " + status.message() +
             (status.detail().empty() ? "" : ": " + status.detail()));
  }
  return e;
}

Response ErrorResponse(const Status& status, int http_status) {
  HttpError e = ToHttpError(status, http_status);
  boost::json::object o;
  o["error"] = e.message;
  o["code"] = e.code;
  o["kind"] = e.kind;
  o["message"] = std::string(e.kind) + ": " + e.message;
  if (!e.error_id.empty()) o["error_id"] = std::move(e.error_id);
  Response r = JsonResponse(boost::json::serialize(o), e.status);
  r.limit = status.limit();
  // An error is about this moment: a task refused now may be shared a minute later.
  r.headers.emplace_back("Cache-Control", "no-store");
  if (e.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

Response JsonResponse(std::string body, int status) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace taskshare::api
