// Request ids: the name of one HTTP exchange in the access log, and the error_id of its answer when
// that answer is a 5xx, so that an operator can go from a user's error report to the log line.
//
// The network layer gives each request a new id and opens a RequestIdScope on whichever thread
// handles it; ErrorResponse reads CurrentRequestId() there. Ids are random, not secret: they come from
// a per-thread generator seeded from the CSPRNG. Thread-safe.
#pragma once

#include <array>
#include <string_view>

namespace taskshare {

struct RequestId {
  std::array<char, 32> hex{};  // 32 lower-case hex characters
  std::string_view view() const { return {hex.data(), hex.size()}; }
};

RequestId NewRequestId();

// The id of the request the calling thread is handling, or an empty view when there is none.
std::string_view CurrentRequestId();

// Makes `id` the calling thread's current request id until destroyed (restoring the previous one).
class RequestIdScope {
 public:
  explicit RequestIdScope(const RequestId& id);
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

 private:
  const RequestId* previous_;
};

}  // namespace taskshare
