// Fuzz target "router": whole requests through the handler layer (api::Router::TryHandleNow and
// Handle) against a real SQLite store, wired as `taskshare serve` wires it (OpenStore, its writes told to
// a ResponseCache's coherence).
//
// Input: an HTTP-like text that this harness splits leniently (it is not the server's HTTP parser):
//   METHOD SP TARGET LF
//   NAME ":" VALUE LF        (X-Api-Key, Authorization, If-None-Match, Accept-Encoding; others ignored)
//   LF
//   BODY
// The store is opened once per process in a temporary directory ($TMPDIR) with the users and tasks of
// router_fixture.h; the seed corpus uses their fixed keys and ids. Writes that succeed on the fixture's tasks
// are undone after each input, and tasks and schedules the input created are deleted, so that one input's
// outcome does not depend much on the inputs before it.
//
// Beyond crashes and sanitizer reports, an input fails if:
//   - a response has a status outside 200..599, or 500 (a healthy store never has an internal error);
//   - a JSON response body is not valid JSON;
//   - the share response answered from the cache (TryHandleNow) after Handle() differs from Handle()'s.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "api/http_types.h"
#include "domain/json_reader.h"
#include "fuzz_check.h"
#include "router_fixture.h"

namespace taskshare::fuzz {
namespace {

std::string_view NextLine(std::string_view& in) {
  const size_t lf = in.find('\n');
  std::string_view line = in.substr(0, lf);
  in.remove_prefix(lf == std::string_view::npos ? in.size() : lf + 1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

api::Request ToRequest(std::string_view in) {
  api::Request r;
  std::string_view line = NextLine(in);
  const size_t sp = line.find(' ');
  const std::string_view method = line.substr(0, sp);
  r.target = std::string(sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1));
  if (method == "GET") {
    r.method = api::Method::kGet;
  } else if (method == "HEAD") {
    r.method = api::Method::kGet;
    r.head = true;
  } else if (method == "POST") {
    r.method = api::Method::kPost;
  } else if (method == "PUT") {
    r.method = api::Method::kPut;
  } else if (method == "PATCH") {
    r.method = api::Method::kPatch;
  } else if (method == "DELETE") {
    r.method = api::Method::kDelete;
  } else {
    r.method = api::Method::kOther;
  }
  while (!in.empty()) {
    line = NextLine(in);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    while (value.starts_with(' ')) value.remove_prefix(1);
    if (IEquals(name, "X-Api-Key")) r.api_key = value;
    if (IEquals(name, "Authorization")) r.authorization = value;
    if (IEquals(name, "If-None-Match")) r.if_none_match = value;
    if (IEquals(name, "Accept-Encoding")) r.accept_encoding = value;
  }
  r.body = std::string(in);
  return r;
}

// What the client receives: status and body bytes (a packed body decompressed, as the network layer
// does).
struct Seen {
  int status;
  std::string body;
};

Seen Observe(const api::Response& r) {
  if (!r.cached) return {r.status, r.body};
  if (r.not_modified) return {304, {}};
  if (r.cached->packed() && r.variant == CachedResponse::Variant::kIdentity) {
    std::string body;
    Require(r.cached->UnpackBody(body), "a packed body does not unpack");
    return {r.cached->status(), std::move(body)};
  }
  return {r.cached->status(), r.cached->body(r.variant)};
}

bool IsJsonContent(const api::Response& r) {
  if (r.cached) return r.cached->headers(r.variant).find("application/json") != std::string_view::npos;
  return r.content_type == "application/json";
}

void Check(const api::Response& r) {
  const Seen seen = Observe(r);
  Require(seen.status >= 200 && seen.status <= 599, "status out of range");
  Require(seen.status != 500, "internal error on a healthy store");
  // The gzip variant is compressed bytes; only the identity body is JSON text.
  if (IsJsonContent(r) && !seen.body.empty() &&
      (!r.cached || r.variant == CachedResponse::Variant::kIdentity)) {
    // A response wraps a message, which may nest almost kMaxJsonDepth levels, in a few of its own.
    boost::json::parse_options options;
    options.max_depth = 2 * kMaxJsonDepth;
    boost::system::error_code ec;
    boost::json::parse(seen.body, ec, {}, options);
    if (ec)
      std::fprintf(stderr, "status %d, body: %.*s\n", seen.status, static_cast<int>(seen.body.size()),
                   seen.body.data());
    Require(!ec, "JSON response body does not parse");
  }
}

}  // namespace
}  // namespace taskshare::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace taskshare;
  fuzz::Fixture& fixture = fuzz::Fixture::Get();
  const api::Request request = fuzz::ToRequest({reinterpret_cast<const char*>(data), size});

  api::Immediate now = fixture.router().TryHandleNow(request);
  if (now.response) fuzz::Check(*now.response);
  // As `taskshare serve` does: Handle() is given the routing TryHandleNow() made.
  const api::Response handled = fixture.router().Handle(request, now.routing);
  fuzz::Check(handled);
  fixture.Record(now.routing, fuzz::Observe(handled).status);
  // Handle() filled the cache for a share request; the cached answer must be the same response.
  if (std::optional<api::Response> again = fixture.router().TryHandleNow(request).response) {
    fuzz::Check(*again);
    const fuzz::Seen a = fuzz::Observe(handled);
    const fuzz::Seen b = fuzz::Observe(*again);
    fuzz::Require(a.status == b.status && a.body == b.body, "cached share response differs from Handle()'s");
  }
  fixture.Restore(request, handled);
  return 0;
}
