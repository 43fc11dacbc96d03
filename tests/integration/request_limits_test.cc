// Limits on the shape of a request, against the real server: message framing (RFC 9112 §6.3) over raw
// loopback sockets, where any doubt about where a body ends must close the connection, since the bytes
// after it would otherwise be read as a request no proxy in front of the server ever saw; and how deep
// the JSON of a body may nest.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/messages.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/suite_server.h"

namespace taskshare::testing {
namespace {

constexpr char kOwner[] = "owner@limits.test";
constexpr std::string_view kSmuggled = "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";

std::string ToHex(std::size_t n) {
  std::ostringstream out;
  out << std::hex << n;
  return out.str();
}

// Everything one connection got back for `bytes`, sent in one write: each complete response, and
// whether the server then closed the connection (rather than the read timing out or a partial
// response arriving).
struct Conversation {
  std::vector<Response> responses;
  bool closed = false;
  std::string end;  // why reading stopped
};

Conversation Converse(int port, std::string_view bytes) {
  Connection conn(port, std::chrono::seconds(3));
  conn.Send(bytes);
  Conversation out;
  for (;;) {
    try {
      out.responses.push_back(conn.Read());
    } catch (const std::runtime_error& e) {
      out.end = e.what();
      // Connection::Read's words for an EOF (or a reset) with no byte of a further response.
      out.closed = out.end == "connection closed before a complete response" ||
                   (out.end.starts_with("recv: ") && out.end.ends_with("before a complete response"));
      return out;
    }
  }
}

class FramingTest : public SuiteServer {
 protected:
  static void SetUpTestSuite() { StartServer({}, kOwner); }
};

TEST_F(FramingTest, AnyTransferEncodingButALoneChunkedIsRefusedAndTheConnectionClosed) {
  struct Case {
    std::string fields;  // header lines after Host
    std::string body;    // what a parser that took the header at its word would see as the body
    std::string named = "Transfer-Encoding";  // the field the error message names
  };
  const std::vector<Case> cases = {
      {"Transfer-Encoding: identity\r\n", ""},
      {"Transfer-Encoding: xchunked\r\n", ""},
      {"Transfer-Encoding: chunked, identity\r\n", ""},
      {"Transfer-Encoding: chunked, chunked\r\n", ""},
      {"Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"},
      {"Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"},
      {"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"},
      {"Transfer-Encoding:\r\n", ""},
      {"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n", "Content-Length"},
      {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.fields);
    const std::string request =
        "POST /api/v1/tasks HTTP/1.1\r\nHost: a\r\n" + c.fields + "\r\n" + c.body + std::string(kSmuggled);
    const Conversation got = Converse(server_->port(), request);
    ASSERT_FALSE(got.responses.empty()) << "no response: " << got.end;
    EXPECT_TRUE(IsError(got.responses[0], 400, std::nullopt, c.named));
    EXPECT_FALSE(got.responses[0].keep_alive);
    EXPECT_EQ(got.responses.size(), 1u)
        << "the bytes after the head were read as request number 2, answered " << got.responses.back().status;
    EXPECT_TRUE(got.closed) << "the connection stayed open: " << got.end;
  }
}

// HTTP/1.0 has no transfer codings: a Transfer-Encoding there means the framing is faulty (RFC 9112
// §6.1), even one a 1.1 request may have.
TEST_F(FramingTest, TransferEncodingInHttp10IsRefused) {
  const Conversation got = Converse(server_->port(),
                                    "POST /api/v1/tasks HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n"
                                    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
                                        std::string(kSmuggled));
  ASSERT_FALSE(got.responses.empty()) << "no response: " << got.end;
  EXPECT_TRUE(IsError(got.responses[0], 400, std::nullopt, "Transfer-Encoding"));
  EXPECT_EQ(got.responses.size(), 1u);
  EXPECT_TRUE(got.closed) << got.end;
}

TEST_F(FramingTest, AChunkedBodyIsReadAndTheNextRequestAnswered) {
  const std::string body = R"({"task": "Scan example.org", "visibility": "public"})";
  const std::string request = "POST /api/v1/tasks HTTP/1.1\r\nHost: a\r\nX-Api-Key: " + owner_key_ +
                              "\r\nContent-Type: application/json\r\nTransfer-Encoding: Chunked\r\n\r\n"
                              "10\r\n" +
                              body.substr(0, 16) + "\r\n" + ToHex(body.size() - 16) + "\r\n" +
                              body.substr(16) + "\r\n0\r\n\r\n" + std::string(kSmuggled);
  Connection conn(server_->port(), std::chrono::seconds(5));
  conn.Send(request);
  const Response created = conn.Read();
  EXPECT_TRUE(HasStatus(created, 202));
  EXPECT_TRUE(created.keep_alive);
  EXPECT_TRUE(HasStatus(conn.Read(), 200));
  EXPECT_EQ(conn.connects(), 1);
}

// A message of `levels` objects nested one in another: {"d":{"d":...{"d":0}...}}.
std::string NestedMessage(int levels) {
  std::string out;
  for (int i = 0; i < levels; ++i) out += R"({"d":)";
  out += '0';
  out.append(static_cast<std::size_t>(levels), '}');
  return out;
}

class NestingTest : public SuiteServer {
 protected:
  static void SetUpTestSuite() { StartServer({}, kOwner); }
};

TEST_F(NestingTest, AMessageNested128LevelsIsServedBackByteForByte) {
  const std::string id(
      ExpectJson(
          Client().Post("/api/v1/tasks", R"({"task": "Scan", "visibility": "public"})", Auth(owner_key_)),
          202)
          .at("id")
          .as_string());
  const std::string deep = NestedMessage(128);
  const std::string messages = "/api/v1/tasks/" + id + "/messages";
  ASSERT_TRUE(HasStatus(Client().Post(messages, R"({"messages": [)" + deep + "]}", Auth(owner_key_)), 200));

  const Response share = Client().Get(Share(id));
  ASSERT_TRUE(HasStatus(share, 200));
  const std::optional<std::string_view> served = RawMember(share.body, "messages");
  ASSERT_TRUE(served.has_value()) << share.body.substr(0, 300);
  const std::vector<std::string_view> elements = RawElements(*served);
  ASSERT_FALSE(elements.empty());
  EXPECT_EQ(elements.back(), deep);
  EXPECT_TRUE(HasStatus(Client().Get("/share/" + id), 200)) << "the page renders it too";

  const Response refused =
      Client().Post(messages, R"({"messages": [)" + NestedMessage(300) + "]}", Auth(owner_key_));
  EXPECT_TRUE(IsError(refused, 400, std::nullopt, "nested deeper than 256 levels"));
}

}  // namespace
}  // namespace taskshare::testing
