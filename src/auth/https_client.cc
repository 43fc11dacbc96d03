#include "auth/https_client.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "auth/fetch_url.h"
#include "common/strings.h"

namespace taskshare::auth {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

constexpr std::size_t kMaxHeaderBytes = std::size_t{16} * 1024;

// The trust store is costly to load (Debian's bundle is a few hundred certificates), so one TLS
// context serves every call; OpenSSL allows SSL objects of one SSL_CTX on many threads. It is built
// again when the environment variables OpenSSL reads it from have changed: a test that trusts a
// throwaway CA sets SSL_CERT_FILE between two calls.
std::string TrustStoreEnvironment() {
  const char* file = std::getenv(X509_get_default_cert_file_env());
  const char* dir = std::getenv(X509_get_default_cert_dir_env());
  return std::string(file ? file : "") + '\n' + (dir ? dir : "");
}

Result<std::shared_ptr<ssl::context>> SharedTlsContext() {
  static std::mutex mu;
  static std::string built_for;                // guarded by mu
  static std::shared_ptr<ssl::context> built;  // guarded by mu
  std::lock_guard lock(mu);
  std::string environment = TrustStoreEnvironment();
  if (built && built_for == environment) return built;
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  error_code ec;
  context->set_default_verify_paths(ec);
  if (ec) return Status::Unavailable("cannot load the TLS trust store: " + ec.message());
  context->set_verify_mode(ssl::verify_peer);
  built = context;
  built_for = std::move(environment);
  return built;
}

// What the OpenSSL verifier checks besides the chain: the URL's name (with SNI) or IP address.
bool ExpectPeer(SSL* ssl, const FetchUrl& url) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (url.host_is_ip) return X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str()) == 1;
  return X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), 0) == 1 &&
         SSL_set_tlsext_host_name(ssl, url.host.c_str()) == 1;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool IsFieldValue(std::string_view s) {
  for (const unsigned char c : s) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

// A step of a call, in the words of a message: "cannot <fails> HOST", or a timeout "while <during>".
struct Stage {
  const char* fails;
  const char* during;
};
constexpr Stage kConnect{"connect to", "connecting"};
constexpr Stage kHandshake{"complete the TLS handshake with", "the TLS handshake"};
constexpr Stage kSend{"send the request to", "sending the request"};
constexpr Stage kReceive{"read the reply from", "reading the reply"};

// One request on its way: what is being done now, for the message if it fails.
struct Call {
  Call(const FetchUrl& to, http::verb verb) : url(to), request(verb, to.target, 11) {}

  const FetchUrl& url;
  http::request<http::string_body> request;
  FetchReply reply;
  Stage stage = kConnect;
  error_code error;
  bool timed_out = false;
  bool certificate_refused = false;
  std::string certificate_problem;
};

// The addresses of `url`'s host, within `timeout`. getaddrinfo cannot be cancelled (Asio's resolver
// only drops the answer when it comes), so it runs on a thread of its own that the caller stops
// waiting for at the deadline; the thread ends whenever getaddrinfo returns. Plain http keeps only
// loopback addresses, whatever the name resolves to.
Result<std::vector<tcp::endpoint>> Resolve(const FetchUrl& url, std::chrono::milliseconds timeout) {
  if (url.host_is_ip) return std::vector{tcp::endpoint(asio::ip::make_address(url.host), url.port)};
  struct Answer {
    std::mutex mu;
    std::condition_variable done_cv;
    bool done = false;                  // guarded by mu
    error_code error;                   // guarded by mu
    tcp::resolver::results_type found;  // guarded by mu
  };
  auto answer = std::make_shared<Answer>();
  std::thread([answer, host = url.host, port = std::to_string(url.port)] {
    asio::io_context io;
    tcp::resolver resolver(io);
    error_code ec;
    auto found = resolver.resolve(host, port, ec);
    std::lock_guard lock(answer->mu);
    answer->error = ec;
    answer->found = std::move(found);
    answer->done = true;
    answer->done_cv.notify_all();
  }).detach();
  std::unique_lock lock(answer->mu);
  if (!answer->done_cv.wait_for(lock, timeout, [&] { return answer->done; })) {
    return Status::Unavailable(url.authority + " did not answer within " + std::to_string(timeout.count()) +
                               " ms (timeout while resolving its name)");
  }
  if (answer->error) {
    return Status::Unavailable("cannot resolve " + url.authority + ": " + answer->error.message());
  }
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : answer->found) {
    if (url.https || entry.endpoint().address().is_loopback()) endpoints.push_back(entry.endpoint());
  }
  if (endpoints.empty()) {
    return Status::Unavailable(url.authority + " does not resolve to a loopback address (plain http)");
  }
  return endpoints;
}

template <typename Stream>
asio::awaitable<void> Converse(Call& call, const std::vector<tcp::endpoint>& endpoints, Stream& stream) {
  auto& socket = beast::get_lowest_layer(stream);
  call.stage = kConnect;
  auto [connect_ec, connected] = co_await asio::async_connect(socket, endpoints, kNoThrow);
  if ((call.error = connect_ec)) co_return;
  if constexpr (!std::is_same_v<Stream, tcp::socket>) {
    call.stage = kHandshake;
    auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::client, kNoThrow);
    if ((call.error = handshake_ec)) {
      const long verdict = SSL_get_verify_result(stream.native_handle());
      call.certificate_refused = verdict != X509_V_OK;
      if (call.certificate_refused) call.certificate_problem = X509_verify_cert_error_string(verdict);
      co_return;
    }
  }
  call.stage = kSend;
  auto [write_ec, written] = co_await http::async_write(stream, call.request, kNoThrow);
  if ((call.error = write_ec)) co_return;
  call.stage = kReceive;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(kMaxFetchBytes);
  auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, kNoThrow);
  if ((call.error = read_ec)) co_return;
  auto& response = parser.get();
  call.reply.status = static_cast<int>(response.result_int());
  call.reply.content_type = std::string(response[http::field::content_type]);
  call.reply.body = std::move(response.body());
}

Status Failure(const Call& call, std::chrono::milliseconds timeout) {
  const std::string& host = call.url.authority;
  if (call.timed_out) {
    return Status::Unavailable(host + " did not answer within " + std::to_string(timeout.count()) +
                               " ms (timeout while " + call.stage.during + ")");
  }
  if (call.certificate_refused) {
    return Status::Unavailable("certificate of " + host + " refused: " + call.certificate_problem);
  }
  if (call.error == http::error::body_limit) {
    return Status::Unavailable("the reply from " + host + " is over " + std::to_string(kMaxFetchBytes) +
                               " bytes");
  }
  if (call.error == http::error::header_limit) {
    return Status::Unavailable("the reply header from " + host + " is too large");
  }
  return Status::Unavailable(std::string("cannot ") + call.stage.fails + " " + host + ": " +
                             call.error.message());
}

// Runs the call on an io_context of its own, with a watchdog that stops it when `left` has passed by
// closing the socket (whichever step is under way then fails).
template <typename Stream>
Status Run(Call& call, const std::vector<tcp::endpoint>& endpoints, asio::io_context& io, Stream& stream,
           std::chrono::milliseconds left, std::chrono::milliseconds timeout) {
  asio::steady_timer watchdog(io, left);
  auto& socket = beast::get_lowest_layer(stream);
  watchdog.async_wait([&](error_code ec) {
    if (ec) return;
    call.timed_out = true;
    error_code ignored;
    socket.close(ignored);
  });
  std::exception_ptr thrown;
  asio::co_spawn(io, Converse(call, endpoints, stream), [&](std::exception_ptr e) {
    thrown = std::move(e);
    watchdog.cancel();
  });
  io.run();
  if (thrown) std::rethrow_exception(thrown);
  if (call.error || call.timed_out) return Failure(call, timeout);
  return Status::Ok();
}

}  // namespace

Result<FetchReply> Fetch(const FetchRequest& request, std::chrono::milliseconds timeout) {
  Result<FetchUrl> url = ParseFetchUrl(request.url);
  if (!url.ok()) return url.status();
  if (!url->https && !url->loopback) {
    return Status::InvalidArgument("plain http is allowed to a loopback host only, not to " + url->authority);
  }
  const http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) return Status::InvalidArgument("unknown HTTP method");

  Call call(*url, verb);
  call.request.set(http::field::host, url->authority);
  call.request.set(http::field::user_agent, "taskshare");
  call.request.set(http::field::connection, "close");
  for (const auto& [name, value] : request.headers) {
    const std::string lower = AsciiLower(name);
    if (!IsToken(name) || !IsFieldValue(value) || lower == "host" || lower == "connection" ||
        lower == "content-length" || lower == "transfer-encoding") {
      return Status::InvalidArgument("header " + (IsToken(name) ? name : "name") + " may not be sent");
    }
    call.request.insert(name, value);
  }
  call.request.body() = request.body;
  call.request.prepare_payload();

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Result<std::vector<tcp::endpoint>> endpoints = Resolve(*url, timeout);
  if (!endpoints.ok()) return endpoints.status();
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());

  asio::io_context io(1);
  Status status;
  if (url->https) {
    Result<std::shared_ptr<ssl::context>> context = SharedTlsContext();
    if (!context.ok()) return context.status();
    ssl::stream<tcp::socket> stream(io, **context);
    if (!ExpectPeer(stream.native_handle(), *url)) {
      return Status::Unavailable("cannot set up TLS for " + url->authority);
    }
    status = Run(call, *endpoints, io, stream, left, timeout);
  } else {
    tcp::socket socket(io);
    status = Run(call, *endpoints, io, socket, left, timeout);
  }
  if (!status.ok()) return status;
  return std::move(call.reply);
}

}  // namespace taskshare::auth
