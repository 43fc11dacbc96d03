// A small HTTP/1.1 client over loopback for integration tests, plus checks of the API's JSON
// errors.
//
// Each call opens a new connection to 127.0.0.1:port, sends one request and reads one response; a
// call that gets no complete response within its timeout throws std::runtime_error. SendRaw writes
// arbitrary bytes instead of a well-formed request. All functions are thread-safe: they share no
// state.
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
  std::map<std::string, std::string>
      headers;  // names in lower case; repeated headers joined by ", "

  // The header's value, or "" when absent. `name` in any case.
  std::string Header(std::string_view name) const;
};

// Headers that authenticate with `key` as X-Api-Key, or as `Authorization: Bearer` when `bearer`.
Headers Auth(const std::string& key, bool bearer = false);

class HttpClient {
 public:
  explicit HttpClient(int port, std::chrono::milliseconds timeout = std::chrono::seconds(20))
      : port_(port), timeout_(timeout) {}

  // Sends `method target` with `body` (Content-Type application/json when the body is not empty,
  // unless `headers` sets one). Throws std::runtime_error on a connection or protocol failure.
  Response Request(std::string_view method, std::string_view target, std::string_view body = {},
                   const Headers& headers = {}) const;

  Response Get(std::string_view target, const Headers& headers = {}) const {
    return Request("GET", target, {}, headers);
  }
  Response Post(std::string_view target, std::string_view body, const Headers& headers = {}) const {
    return Request("POST", target, body, headers);
  }
  Response Patch(std::string_view target, std::string_view body,
                 const Headers& headers = {}) const {
    return Request("PATCH", target, body, headers);
  }
  Response Delete(std::string_view target, const Headers& headers = {}) const {
    return Request("DELETE", target, {}, headers);
  }

 private:
  int port_;
  std::chrono::milliseconds timeout_;
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

// The body parsed as JSON; throws std::runtime_error quoting the body when it is not JSON.
boost::json::value JsonBody(const Response& r);

// The body parsed as JSON when `r` has `status`; otherwise throws std::runtime_error showing the
// status and the body.
boost::json::value ExpectJson(const Response& r, int status);

// JSON text without the whitespace between tokens (strings are left untouched), so that two texts
// can be compared byte for byte.
std::string StripJsonWhitespace(std::string_view json);

// Success when `r` is exactly the README's ErrorResponse for `status`: a JSON body (Content-Type
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
