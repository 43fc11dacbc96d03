// The request and response of the handler layer: plain values with no dependency on the network
// library, so that handlers and their tests never see a socket.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace taskshare::api {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOther };

struct Request {
  Method method = Method::kGet;
  std::string target;         // origin-form, as received: "/api/v1/tasks?limit=5"
  std::string api_key;        // the X-Api-Key header, if any
  std::string authorization;  // the Authorization header, if any
  std::string body;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type and Content-Length
};

}  // namespace taskshare::api
