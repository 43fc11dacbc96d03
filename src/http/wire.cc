#include "http/wire.h"

#include <ctime>

namespace taskshare::http {

std::string_view StatusLine(int status) {
  switch (status) {
    case 100:
      return "HTTP/1.1 100 Continue\r\n";
    case 200:
      return "HTTP/1.1 200 OK\r\n";
    case 201:
      return "HTTP/1.1 201 Created\r\n";
    case 202:
      return "HTTP/1.1 202 Accepted\r\n";
    case 204:
      return "HTTP/1.1 204 No Content\r\n";
    case 303:
      return "HTTP/1.1 303 See Other\r\n";
    case 304:
      return "HTTP/1.1 304 Not Modified\r\n";
    case 400:
      return "HTTP/1.1 400 Bad Request\r\n";
    case 401:
      return "HTTP/1.1 401 Unauthorized\r\n";
    case 403:
      return "HTTP/1.1 403 Forbidden\r\n";
    case 404:
      return "HTTP/1.1 404 Not Found\r\n";
    case 405:
      return "HTTP/1.1 405 Method Not Allowed\r\n";
    case 409:
      return "HTTP/1.1 409 Conflict\r\n";
    case 413:
      return "HTTP/1.1 413 Content Too Large\r\n";
    case 429:
      return "HTTP/1.1 429 Too Many Requests\r\n";
    case 431:
      return "HTTP/1.1 431 Request Header Fields Too Large\r\n";
    case 503:
      return "HTTP/1.1 503 Service Unavailable\r\n";
    default:
      return "HTTP/1.1 500 Internal Server Error\r\n";
  }
}

std::string_view DateLine() {
  thread_local std::time_t rendered = -1;
  thread_local char line[64];
  thread_local std::size_t length = 0;
  const std::time_t now = std::time(nullptr);
  if (now != rendered) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    length = std::strftime(line, sizeof line, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
    rendered = now;
  }
  return {line, length};
}

std::string_view ConnectionLine(bool keep_alive, unsigned version) {
  if (!keep_alive) return "Connection: close\r\n";
  return version < 11 ? "Connection: keep-alive\r\n" : "";
}

bool HasNoBody(int status) { return status < 200 || status == 204 || status == 304; }

void AppendHeaders(const api::Response& response, std::string& out) {
  if (!response.content_type.empty()) {
    out += "Content-Type: ";
    out += response.content_type;
    out += "\r\n";
  }
  if (!HasNoBody(response.status)) {
    out += "Content-Length: ";
    out += std::to_string(response.body.size());
    out += "\r\n";
  }
  for (const auto& [name, value] : response.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
}

}  // namespace taskshare::http
