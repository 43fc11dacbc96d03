// Turning errors into HTTP: the one place that maps a Status to a status code, the fields of the
// spec's ErrorResponse ({"error", "code", "kind", "message", and "error_id" on 5xx; the limit that a
// refusal by a quota names goes into Response::limit, for /metrics) and the logging of a 5xx under its
// error id. The JSON endpoints and the share page (which shows the same fields as HTML) both use it.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "api/http_types.h"
#include "common/status.h"

namespace taskshare::api {

// The HTTP status of an error code: 400, 401, 403, 404, 409, 413, 429, 503 or 500.
int HttpStatus(Code code);

// An error as HTTP tells it.
struct HttpError {
  int status = 500;       // the HTTP status
  std::string_view code;  // ErrorResponse.code: "forbidden", "not_exists", ...
  std::string_view kind;  // ErrorResponse.kind: "forbidden request", "not found", ...
  std::string message;    // the client-facing message, made valid UTF-8
  std::string error_id;   // for 5xx only: the id the error was logged under; empty below 500
};

// `status` (which must not be ok) as HTTP tells it; `http_status` overrides the status code (e.g. 431
// or 405). For 5xx the error id is the current request's id (common/request_id.h), or a fresh one
// outside a request, and the id, the status's message and its detail are logged: once per call.
HttpError ToHttpError(const Status& status, int http_status = 0);

// The ErrorResponse (JSON, Cache-Control: no-store) for ToHttpError(status, http_status).
Response ErrorResponse(const Status& status, int http_status = 0);

// A 200 (or `status`) response with a JSON body.
Response JsonResponse(std::string body, int status = 200);

}  // namespace taskshare::api
