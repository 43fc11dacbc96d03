// Connection, FormatRequest and Gunzip from http_client.h.
//
// Connection talks to the socket directly (non-blocking, with poll for the deadlines) rather than
// through Asio, so that a timeout needs no watchdog thread per request: the load tests send
// thousands of requests per connection. Beast's parser frames the responses; bytes that arrive
// after the end of one response stay in `pending_` for the next, which is what reading pipelined
// responses requires.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "beast_response.h"
#include "http_client.h"

namespace taskshare::testing {
namespace {

namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

std::string ErrnoText(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Waits until `fd` is ready for `events` or `deadline` passes; false on timeout.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) throw std::runtime_error(ErrnoText("poll"));
  }
}

bool HasHeader(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string FormatRequest(int port, std::string_view method, std::string_view target, std::string_view body,
                          const Headers& headers) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  out += "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  out += "User-Agent: taskshare-integration-tests\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  if (!body.empty() && !HasHeader(headers, "content-type")) {
    out += "Content-Type: application/json\r\n";
  }
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  out += "\r\n";
  out.append(body);
  return out;
}

Connection::Connection(int port, std::chrono::milliseconds timeout) : port_(port), timeout_(timeout) {
  Open();
}

Connection::~Connection() { Close(); }

void Connection::Open() {
  Close();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(ErrnoText("socket"));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const std::string why = ErrnoText("connect");
    Close();
    throw std::runtime_error(why);
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
  ++connects_;
  reopen_ = false;
  pending_.clear();
  write_error_.clear();
}

void Connection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Response Connection::Request(std::string_view method, std::string_view target, std::string_view body,
                             const Headers& headers) {
  Send(FormatRequest(port_, method, target, body, headers));
  return Read(method == "HEAD");
}

void Connection::Send(std::string_view bytes) {
  if (fd_ < 0 || reopen_) Open();
  write_error_.clear();
  const auto deadline = Clock::now() + timeout_;
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!WaitFor(fd_, POLLOUT, deadline)) {
        write_error_ = "write timed out";
        return;
      }
    } else {
      write_error_ = ErrnoText("send");
      return;
    }
  }
}

Response Connection::Read(bool head) {
  if (fd_ < 0) throw std::runtime_error("Connection::Read: not connected");
  auto fail = [this](const std::string& why) {
    Close();
    return std::runtime_error(why + (write_error_.empty() ? "" : " (" + write_error_ + ")"));
  };
  http::response_parser<http::string_body> parser;
  parser.eager(true);
  parser.header_limit(1 << 20);
  parser.body_limit(std::uint64_t{1} << 28);
  parser.skip(head);
  const auto deadline = Clock::now() + timeout_;
  char chunk[65536];
  for (;;) {
    while (!pending_.empty() && !parser.is_done()) {
      boost::beast::error_code ec;
      const size_t used = parser.put(boost::asio::buffer(pending_.data(), pending_.size()), ec);
      pending_.erase(0, used);
      if (ec == http::error::need_more) break;
      if (ec) throw fail("malformed response: " + ec.message());
      if (used == 0) break;
    }
    if (parser.is_done()) break;
    if (!WaitFor(fd_, POLLIN, deadline)) throw fail("timed out waiting for a response");
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      pending_.append(chunk, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    const std::string why = n == 0 ? "connection closed" : ErrnoText("recv");
    if (parser.is_header_done()) {
      boost::beast::error_code ec;
      parser.put_eof(ec);
      if (!ec && parser.is_done()) break;
    }
    throw fail(why + " before a complete response" +
               (pending_.empty() && !parser.got_some() ? "" : " (a partial one was received)"));
  }
  Response out = ToResponse(parser.release());
  reopen_ = !out.keep_alive;
  return out;
}

std::string Gunzip(std::string_view gzip) {
  z_stream zs{};
  if (::inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw std::runtime_error("inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gzip.data()));
  zs.avail_in = static_cast<uInt>(gzip.size());
  std::string out;
  char chunk[65536];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    rc = ::inflate(&zs, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - zs.avail_out);
  }
  const size_t left_over = zs.avail_in;
  const std::string message = zs.msg ? zs.msg : "";
  ::inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    throw std::runtime_error("not a complete gzip stream (zlib " + std::to_string(rc) + " " + message +
                             ") after " + std::to_string(out.size()) + " bytes");
  }
  if (left_over != 0) {
    throw std::runtime_error(std::to_string(left_over) + " bytes follow the gzip stream");
  }
  return out;
}

}  // namespace taskshare::testing
