#include "http_client.h"

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "beast_response.h"

namespace taskshare::testing {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The Beast synchronous API has no timeouts, so a watchdog thread shuts the socket down when the
// deadline passes; the blocked read or write then fails and the caller reports a timeout.
// shutdown(2) on the descriptor is safe from another thread, unlike closing the Asio socket.
class Watchdog {
 public:
  Watchdog(int fd, std::chrono::milliseconds timeout)
      : thread_([this, fd, timeout] {
          std::unique_lock lock(mu_);
          if (!cv_.wait_for(lock, timeout, [this] { return done_; })) {
            fired_ = true;
            ::shutdown(fd, SHUT_RDWR);
          }
        }) {}
  ~Watchdog() { Finish(); }

  // Disarms the watchdog; true if it had already fired.
  bool Finish() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mu_);
    return fired_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  bool fired_ = false;
  std::thread thread_;  // last: started once the other members exist
};

// The first response in `bytes`, if they hold a complete one (`eof`: nothing more will come).
std::optional<Response> TryParse(std::string_view bytes, bool eof) {
  http::response_parser<http::string_body> parser;
  parser.eager(true);
  parser.body_limit(std::uint64_t{1} << 26);
  boost::beast::error_code ec;
  size_t used = 0;
  while (used < bytes.size() && !parser.is_done()) {
    const size_t n = parser.put(net::buffer(bytes.data() + used, bytes.size() - used), ec);
    if (ec == http::error::need_more) break;
    if (ec) return std::nullopt;
    if (n == 0) break;
    used += n;
  }
  if (!parser.is_done() && eof && parser.is_header_done()) {
    ec = {};
    parser.put_eof(ec);
  }
  if (!parser.is_done()) return std::nullopt;
  return ToResponse(parser.release());
}

tcp::endpoint Loopback(int port) {
  return {net::ip::make_address_v4("127.0.0.1"), static_cast<unsigned short>(port)};
}

}  // namespace

Response ToResponse(http::response<http::string_body>&& res) {
  Response out;
  out.status = static_cast<int>(res.result_int());
  out.keep_alive = res.keep_alive();
  out.body = std::move(res.body());
  for (const auto& field : res) {
    std::string name(field.name_string());
    std::string value(field.value());
    out.fields.emplace_back(name, value);
    auto [it, inserted] = out.headers.emplace(Lower(name), value);
    if (!inserted) it->second += ", " + value;
  }
  return out;
}

std::string Response::Header(std::string_view name) const {
  const auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string() : it->second;
}

size_t Response::Count(std::string_view name) const {
  const std::string wanted = Lower(name);
  return static_cast<size_t>(std::count_if(fields.begin(), fields.end(),
                                           [&](const auto& field) { return Lower(field.first) == wanted; }));
}

Headers Auth(const std::string& key, bool bearer) {
  if (bearer) return {{"Authorization", "Bearer " + key}};
  return {{"X-Api-Key", key}};
}

Response HttpClient::Request(std::string_view method, std::string_view target, std::string_view body,
                             const Headers& headers) const {
  net::io_context ioc;
  tcp::socket socket(ioc);
  if (!source_.empty()) {
    socket.open(tcp::v4());
    socket.bind(tcp::endpoint(net::ip::make_address_v4(source_), 0));
  }
  socket.connect(Loopback(port_));
  Watchdog watchdog(socket.native_handle(), timeout_);

  http::request<http::string_body> req;
  const http::verb verb = http::string_to_verb(std::string(method));
  if (verb == http::verb::unknown) {
    req.method_string(std::string(method));
  } else {
    req.method(verb);
  }
  req.target(std::string(target));
  req.version(11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
  req.set(http::field::user_agent, "taskshare-integration-tests");
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    has_content_type = has_content_type || Lower(name) == "content-type";
    req.insert(std::string(name), std::string(value));
  }
  if (!body.empty() && !has_content_type) req.set(http::field::content_type, "application/json");
  req.body() = std::string(body);
  req.prepare_payload();

  // A write error is not fatal: the server may answer (413, 431) and close before reading it all.
  boost::beast::error_code write_ec;
  http::write(socket, req, write_ec);

  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::uint64_t{1} << 26);
  parser.skip(verb == http::verb::head);
  boost::beast::error_code ec;
  http::read(socket, buffer, parser, ec);
  const bool timed_out = watchdog.Finish();
  if (ec || !parser.is_done()) {
    throw std::runtime_error(std::string(method) + " " + std::string(target) + ": " +
                             (timed_out ? "timed out" : ec.message()) +
                             (write_ec ? " (write: " + write_ec.message() + ")" : ""));
  }
  return ToResponse(parser.release());
}

RawExchange SendRaw(int port, std::string_view bytes, std::chrono::milliseconds timeout) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(Loopback(port));
  Watchdog watchdog(socket.native_handle(), timeout);

  boost::system::error_code ec;
  net::write(socket, net::buffer(bytes.data(), bytes.size()), ec);

  RawExchange out;
  char chunk[8192];
  for (;;) {
    const size_t n = socket.read_some(net::buffer(chunk), ec);
    out.bytes.append(chunk, n);
    if (ec) {
      out.closed = true;
      break;
    }
    if ((out.response = TryParse(out.bytes, false))) break;
  }
  if (watchdog.Finish()) out.closed = false;
  if (!out.response) out.response = TryParse(out.bytes, out.closed);
  return out;
}

boost::json::value JsonBody(const Response& r) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(r.body, ec);
  if (ec) {
    throw std::runtime_error("HTTP " + std::to_string(r.status) + " body is not JSON (" + ec.message() +
                             "): " + r.body);
  }
  return v;
}

boost::json::value ExpectJson(const Response& r, int status) {
  if (r.status != status) {
    throw std::runtime_error("expected HTTP " + std::to_string(status) + ", got " + std::to_string(r.status) +
                             ": " + r.body);
  }
  return JsonBody(r);
}

std::string StripJsonWhitespace(std::string_view json) {
  std::string out;
  bool in_string = false;
  bool escaped = false;
  for (const char c : json) {
    if (in_string) {
      in_string = escaped || c != '"';
      escaped = !escaped && c == '\\';
    } else if (c == '"') {
      in_string = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      continue;
    }
    out.push_back(c);
  }
  return out;
}

::testing::AssertionResult HasStatus(const Response& r, int status) {
  if (r.status == status) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected HTTP " << status << ", got " << r.status << " with body: " << r.body;
}

::testing::AssertionResult IsError(const Response& r, int status, std::optional<std::string_view> error,
                                   std::optional<std::string_view> mentions) {
  static const std::map<int, std::pair<std::string_view, std::string_view>> kCodeAndKind = {
      {400, {"invalid_request", "invalid request"}},
      {401, {"unauthorized", "unauthorized request"}},
      {403, {"forbidden", "forbidden request"}},
      {404, {"not_exists", "not found"}},
      {405, {"invalid_request", "invalid request"}},
      {409, {"already_exists", "conflict"}},
      {413, {"payload_too_large", "payload too large"}},
      {429, {"rate_limited", "too many requests"}},
      {431, {"payload_too_large", "payload too large"}},
      {503, {"unavailable", "service unavailable"}},
      {500, {"internal", "internal error"}},
      {503, {"unavailable", "service unavailable"}},
  };
  auto fail = [&r]() {
    return ::testing::AssertionFailure() << "HTTP " << r.status << " " << r.body << "\n  ";
  };
  if (r.status != status) return fail() << "expected status " << status;
  if (r.Header("content-type").rfind("application/json", 0) != 0) {
    return fail() << "Content-Type is '" << r.Header("content-type") << "'";
  }
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(r.body, ec);
  if (ec || !v.is_object()) return fail() << "body is not a JSON object";
  const auto& o = v.as_object();
  for (const auto& [key, value] : o) {
    const bool known = key == "error" || key == "code" || key == "kind" || key == "message" ||
                       (key == "error_id" && status >= 500);
    if (!known) return fail() << "unexpected member '" << key << "'";
    if (!value.is_string()) return fail() << "member '" << key << "' is not a string";
  }
  for (std::string_view key : {"error", "code", "kind", "message"}) {
    if (!o.contains(key)) return fail() << "missing member '" << key << "'";
  }
  if (status >= 500 && (!o.contains("error_id") || o.at("error_id").as_string().empty())) {
    return fail() << "a " << status << " must carry a non-empty error_id";
  }
  const auto& [code, kind] = kCodeAndKind.at(status);
  const std::string_view got_error = o.at("error").as_string();
  if (o.at("code").as_string() != code) return fail() << "code should be " << code;
  if (o.at("kind").as_string() != kind) return fail() << "kind should be " << kind;
  if (o.at("message").as_string() != std::string(kind) + ": " + std::string(got_error)) {
    return fail() << "message should be kind + \": \" + error";
  }
  if (got_error.empty()) return fail() << "error is empty";
  if (error && got_error != *error) return fail() << "error should be '" << *error << "'";
  if (mentions && Lower(got_error).find(Lower(*mentions)) == std::string::npos) {
    return fail() << "error should mention '" << *mentions << "'";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace taskshare::testing
