// Routing: what the route table (api/routes.h) makes of a request's target, made once per request. The
// network thread makes it (Router::TryHandleNow), the blocking pool's Router::Handle uses the same one,
// and so does the metrics' label: the target is parsed (api/target.h) and matched once.
//
// It refers to the target's text (the query, and the placeholder unless it held percent-escapes, which
// is kept decoded here), so it must not outlive the request; copies and moves are as valid as the
// original. Making one allocates nothing unless the placeholder holds percent-escapes. Immutable once
// made; thread-safe to read.
#pragma once

#include <string>
#include <string_view>

namespace taskshare::observe {
enum class Route;  // observe/metrics.h
}  // namespace taskshare::observe

namespace taskshare::api {

struct Route;  // api/routes.h

class Routing {
 public:
  // No target: not valid, no route. What a request refused before it was routed has.
  Routing() = default;
  // `target` parsed and matched against the table; `target` must outlive this.
  explicit Routing(std::string_view target);

  // Whether the target is in origin-form (a request whose target is not is refused with 400).
  bool valid() const { return valid_; }
  // The route the path matches; null for none (and for a target that is not valid).
  const Route* route() const { return route_; }
  // The value of the route's {placeholder}, percent-decoded; empty without one.
  std::string_view param() const { return decoded_ ? std::string_view(decoded_param_) : param_; }
  // Whether the target has a "?", and the text after it (still percent-encoded).
  bool has_query() const { return has_query_; }
  std::string_view query() const { return query_; }
  // The label requests to this target are counted under in /metrics (kOther for no route).
  observe::Route label() const;

 private:
  bool valid_ = false;
  bool has_query_ = false;
  bool decoded_ = false;
  const Route* route_ = nullptr;
  std::string_view param_;
  std::string_view query_;
  std::string decoded_param_;
};

}  // namespace taskshare::api
