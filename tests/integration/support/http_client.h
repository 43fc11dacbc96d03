// A small HTTP/1.1 client over loopback for integration tests, plus checks of the API's JSON
// errors.
//
// Each HttpClient call opens a new connection to 127.0.0.1:port, sends one request and reads one
// response; a call that gets no complete response within its timeout throws std::runtime_error.
// SendRaw writes arbitrary bytes instead of a well-formed request. Connection keeps one connection
// open across requests (keep-alive) and can write several requests at once (pipelining). All free
// functions and HttpClient are thread-safe: they share no state; a Connection belongs to one thread.
// Connection, FormatRequest and Gunzip are implemented in http_connection.cc.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/value.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace taskshare::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Response {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case; repeated headers joined by ", "
  Headers fields;                              // every header line in the order received, names as sent
  bool keep_alive = true;                      // the server keeps the connection open after this response

  // The header's value, or "" when absent. `name` in any case.
  std::string Header(std::string_view name) const;
  // How many header lines named `name` (in any case) the response has.
  size_t Count(std::string_view name) const;
};

// Headers that authenticate with `key` as X-Api-Key, or as `Authorization: Bearer` when `bearer`.
Headers Auth(const std::string& key, bool bearer = false);

class HttpClient {
 public:
  explicit HttpClient(int port, std::chrono::milliseconds timeout = std::chrono::seconds(20))
      : port_(port), timeout_(timeout) {}

  // A client whose connections come from `source`, a loopback address other than 127.0.0.1 (say
  // 127.0.0.2), as a proxy in front of the server would: for the peers of --trusted-proxy.
  static HttpClient From(int port, std::string source) {
    HttpClient c(port);
    c.source_ = std::move(source);
    return c;
  }

  // Sends `method target` with `body` (Content-Type application/json when the body is not empty,
  // unless `headers` sets one). Throws std::runtime_error on a connection or protocol failure. The
  // response to HEAD is read without a body, whatever its Content-Length says.
  Response Request(std::string_view method, std::string_view target, std::string_view body = {},
                   const Headers& headers = {}) const;

  Response Get(std::string_view target, const Headers& headers = {}) const {
    return Request("GET", target, {}, headers);
  }
  Response Post(std::string_view target, std::string_view body, const Headers& headers = {}) const {
    return Request("POST", target, body, headers);
  }
  Response Patch(std::string_view target, std::string_view body, const Headers& headers = {}) const {
    return Request("PATCH", target, body, headers);
  }
  Response Delete(std::string_view target, const Headers& headers = {}) const {
    return Request("DELETE", target, {}, headers);
  }

 private:
  int port_;
  std::chrono::milliseconds timeout_;
  std::string source_;  // empty: the kernel picks (127.0.0.1)
};

// What came back from SendRaw: every byte the server sent before closing (or before the timeout),
// and the first response parsed from them when they hold a complete one.
struct RawExchange {
  std::string bytes;
  std::optional<Response> response;
  bool closed = false;  // the server closed the connection (EOF or reset) before the timeout
};

// Sends `bytes` as they are on a new connection to 127.0.0.1:port, then reads until the server
// closes the connection or `timeout` passes. Write errors (the server may close early) are not
// failures.
RawExchange SendRaw(int port, std::string_view bytes,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The bytes of one HTTP/1.1 request as HttpClient sends it: Host and User-Agent, then `headers`,
// Content-Type application/json when `body` is not empty and `headers` sets none, and Content-Length
// when there is a body or the method is POST, PUT or PATCH.
std::string FormatRequest(int port, std::string_view method, std::string_view target,
                          std::string_view body = {}, const Headers& headers = {});

// One connection to 127.0.0.1:port kept open across requests. Request() sends one request and reads
// its response; Send() and Read() do the halves apart, so that several requests can go out in one
// write and their responses be read back in order. Each Read() waits at most the timeout and throws
// std::runtime_error on a timeout, a malformed response, or a connection closed before the response
// was complete. After a response that does not keep the connection alive, the next Send() opens a
// new connection; connects() counts them. Not thread-safe: one Connection per thread.
class Connection {
 public:
  explicit Connection(int port, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Response Request(std::string_view method, std::string_view target, std::string_view body = {},
                   const Headers& headers = {});
  Response Get(std::string_view target, const Headers& headers = {}) {
    return Request("GET", target, {}, headers);
  }
  Response Head(std::string_view target, const Headers& headers = {}) {
    return Request("HEAD", target, {}, headers);
  }

  // Writes `bytes` as they are. A write error is remembered and reported by the next Read() that
  // fails, since the server may answer before it has read everything.
  void Send(std::string_view bytes);
  // The next response on the connection; `head` when it answers a HEAD request (no body is read).
  Response Read(bool head = false);

  // How many connections have been opened: 1 as long as every request reused the first.
  int connects() const { return connects_; }

 private:
  void Open();
  void Close();

  int port_;
  std::chrono::milliseconds timeout_;
  int fd_ = -1;
  int connects_ = 0;
  bool reopen_ = false;      // the last response closed the connection
  std::string pending_;      // bytes received but not yet parsed into a response
  std::string write_error_;  // the last write failure, if any
};

// The bytes of one gzip member decoded; throws std::runtime_error when `gzip` is not exactly one
// complete, valid gzip member.
std::string Gunzip(std::string_view gzip);

// The body parsed as JSON; throws std::runtime_error quoting the body when it is not JSON.
boost::json::value JsonBody(const Response& r);

// The body parsed as JSON when `r` has `status`; otherwise throws std::runtime_error showing the
// status and the body.
boost::json::value ExpectJson(const Response& r, int status);

// JSON text without the whitespace between tokens (strings are left untouched), so that two texts
// can be compared byte for byte.
std::string StripJsonWhitespace(std::string_view json);

// Success when `r` is exactly the ErrorResponse of docs/api.md for `status`: a JSON body (Content-Type
// application/json) whose members are error, code, kind and message (plus a non-empty error_id
// exactly when status >= 500), with the code and kind of that status and message == kind + ": " +
// error. `error`, when given, must equal the error text; `mentions`, when given, must occur in it
// (case-insensitively).
::testing::AssertionResult IsError(const Response& r, int status,
                                   std::optional<std::string_view> error = std::nullopt,
                                   std::optional<std::string_view> mentions = std::nullopt);

// Success when `r` has `status`; otherwise the failure shows the status and the body.
::testing::AssertionResult HasStatus(const Response& r, int status);

}  // namespace taskshare::testing
