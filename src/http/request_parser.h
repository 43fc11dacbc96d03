// RequestParser: a Boost.Beast parser that reads a request straight into an api::Request.
//
// Beast's own request_parser builds a header container with one heap node per field; this one keeps
// only what the handlers use (method, target, the API key, Authorization, If-None-Match,
// Accept-Encoding, Expect, X-Forwarded-For, Cookie, Origin, Referer, the authenticating proxy's header
// and the body) in the connection's reused Request, so a request costs no allocation once the
// connection's strings have grown. One parser per request, as Beast requires; not thread-safe.
//
// Framing (RFC 9112 §6.3): a request with Transfer-Encoding is read only when that is one field whose
// value is exactly the coding `chunked` (in any case) on HTTP/1.1. Any other Transfer-Encoding (another
// coding, a list, a second field, an empty value, or any in HTTP/1.0) fails with
// http::error::bad_transfer_encoding, as Content-Length together with Transfer-Encoding already does
// in Beast: the end of such a body is in doubt, so the caller answers 400 and closes the connection.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <string_view>

#include "api/http_types.h"

namespace taskshare::http {

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  // `auth_header` and `groups_header`: the names of the authenticating proxy's headers (api/sign_in.h),
  // copied into Request::signed_in_email and Request::signed_in_groups; empty for none. Must outlive
  // the parser.
  explicit RequestParser(api::Request& out, std::string_view auth_header = {},
                         std::string_view groups_header = {})
      : out_(out), auth_header_(auth_header), groups_header_(groups_header) {}

  unsigned version() const { return version_; }
  bool expects_continue() const { return expect_continue_; }

 private:
  using field = boost::beast::http::field;
  using verb = boost::beast::http::verb;
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;

  void on_request_impl(verb method, string_view method_str, string_view target, int version,
                       error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code&) override {}
  void on_field_impl(field name, string_view name_string, string_view value, error_code& ec) override;
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override;
  void on_finish_impl(error_code&) override {}

  api::Request& out_;
  std::string_view auth_header_;
  std::string_view groups_header_;
  unsigned version_ = 11;
  bool expect_continue_ = false;
  bool transfer_encoding_ = false;  // a Transfer-Encoding field has been seen
};

}  // namespace taskshare::http
