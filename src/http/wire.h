// The bytes of HTTP/1.1 responses: status lines, the Date line, and the header block of a response
// built per request. Pure functions apart from DateLine()'s per-thread clock cache; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "api/http_types.h"

namespace taskshare::http {

// "HTTP/1.1 200 OK\r\n" and so on; a static string.
std::string_view StatusLine(int status);

// "Date: Sun, 29 Nov 2026 23:20:00 GMT\r\n", re-rendered at most once a second per thread.
std::string_view DateLine();

// The constant lines every response carries besides Date: "Server: taskshare\r\n".
inline constexpr std::string_view kServerLine = "Server: taskshare\r\n";

// The Connection line a response needs, if any: "Connection: close\r\n" when the connection closes
// after it, "Connection: keep-alive\r\n" for an HTTP/1.0 client that keeps it open, else empty.
std::string_view ConnectionLine(bool keep_alive, unsigned version);

// True for statuses that never carry a body or a Content-Length (1xx, 204, 304).
bool HasNoBody(int status);

// Appends the header lines of a response that is not a cached one (Content-Type, Content-Length and
// its extra headers) to `out`.
void AppendHeaders(const api::Response& response, std::string& out);

}  // namespace taskshare::http
