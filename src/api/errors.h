// Turning errors into HTTP: the one place that maps a Status to a status code and an ErrorResponse
// body of the spec ({"error", "code", "kind", "message", and "error_id" on 5xx}; the limit that a
// refusal by a quota names goes into Response::limit, for /metrics). Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "api/http_types.h"
#include "common/status.h"

namespace taskshare::api {

// The HTTP status of an error code: 400, 401, 403, 404, 409, 413, 429, 503 or 500.
int HttpStatus(Code code);

// The ErrorResponse for `status` (which must not be ok). For 5xx it carries an `error_id` (the current
// request's id, see common/request_id.h, or a fresh one outside a request), and the error id, message
// and detail are logged. `http_status` overrides the status code (e.g. 431 or 405).
Response ErrorResponse(const Status& status, int http_status = 0);

// A 200 (or `status`) response with a JSON body.
Response JsonResponse(std::string body, int status = 200);

}  // namespace taskshare::api
