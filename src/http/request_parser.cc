#include "http/request_parser.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

namespace taskshare::http {

void RequestParser::on_request_impl(verb method, string_view, string_view target, int version, error_code&) {
  switch (method) {
    case verb::get:
      out_.method = api::Method::kGet;
      break;
    case verb::head:
      out_.method = api::Method::kGet;
      out_.head = true;
      break;
    case verb::post:
      out_.method = api::Method::kPost;
      break;
    case verb::put:
      out_.method = api::Method::kPut;
      break;
    case verb::patch:
      out_.method = api::Method::kPatch;
      break;
    case verb::delete_:
      out_.method = api::Method::kDelete;
      break;
    default:
      out_.method = api::Method::kOther;
      break;
  }
  out_.target.assign(target.data(), target.size());
  version_ = static_cast<unsigned>(version);
}

void RequestParser::on_field_impl(field name, string_view name_string, string_view value, error_code& ec) {
  if (!auth_header_.empty() && boost::beast::iequals(name_string, auth_header_)) {
    if (!out_.signed_in_email.empty()) out_.signed_in_email += ", ";
    out_.signed_in_email.append(value.data(), value.size());
    return;
  }
  if (!groups_header_.empty() && boost::beast::iequals(name_string, groups_header_)) {
    if (!out_.signed_in_groups.empty()) out_.signed_in_groups += ", ";
    out_.signed_in_groups.append(value.data(), value.size());
    return;
  }
  switch (name) {
    case field::transfer_encoding:
      // Beast takes a coding list that does not end in chunked ("identity", "chunked, chunked") as a
      // request without a body, and reads what follows as the next request. A proxy in front that
      // framed the same bytes by another rule would then forward a request it never saw: refuse
      // anything but the one framing both must agree on. HTTP/1.0 has no transfer codings at all.
      if (transfer_encoding_ || version_ < 11 || !boost::beast::iequals(value, "chunked")) {
        ec = boost::beast::http::error::bad_transfer_encoding;
      }
      transfer_encoding_ = true;
      break;
    case field::authorization:
      out_.authorization.assign(value.data(), value.size());
      break;
    case field::if_none_match:
      out_.if_none_match.assign(value.data(), value.size());
      break;
    case field::accept_encoding:
      out_.accept_encoding.assign(value.data(), value.size());
      break;
    case field::cookie:
      if (!out_.cookie.empty()) out_.cookie += "; ";
      out_.cookie.append(value.data(), value.size());
      break;
    case field::origin:
      out_.origin.assign(value.data(), value.size());
      break;
    case field::referer:
      out_.referer.assign(value.data(), value.size());
      break;
    case field::expect:
      expect_continue_ = boost::beast::iequals(value, "100-continue");
      break;
    case field::unknown:
      if (boost::beast::iequals(name_string, "X-Api-Key")) {
        out_.api_key.assign(value.data(), value.size());
      } else if (boost::beast::iequals(name_string, "X-Forwarded-For")) {
        if (!out_.forwarded_for.empty()) out_.forwarded_for += ", ";
        out_.forwarded_for.append(value.data(), value.size());
      }
      break;
    default:
      break;
  }
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) {
  // The parser has already refused a Content-Length over its body limit.
  if (content_length) out_.body.reserve(static_cast<std::size_t>(*content_length));
}

std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
  out_.body.append(body.data(), body.size());
  return body.size();
}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  out_.body.append(body.data(), body.size());
  return body.size();
}

}  // namespace taskshare::http
