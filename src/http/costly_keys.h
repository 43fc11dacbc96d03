// CostlyKeys: a bounded memory of the requests that were costly to answer, by cost key
// (api::Immediate::cost_key), so that the server runs the next request with the same key apart from
// the others, at a lower priority (http/server.h). A view of one task costs about the same each time it
// is built (a task only grows), so one costly build predicts the next.
//
// Holds at most `capacity` keys; remembering one more forgets the least recently remembered. A key is
// not forgotten otherwise: a costly read is recognised only while it runs at the ordinary priority, and
// a read at the lower one may be short only because another request built what it needed. Key 0 (no
// key) is never remembered. Thread-safe: one mutex, held for a hash lookup and a list splice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <unordered_map>

namespace taskshare::http {

class CostlyKeys {
 public:
  static constexpr std::size_t kDefaultCapacity = 4096;

  explicit CostlyKeys(std::size_t capacity = kDefaultCapacity);
  CostlyKeys(const CostlyKeys&) = delete;
  CostlyKeys& operator=(const CostlyKeys&) = delete;

  bool Contains(std::uint64_t key) const;
  // Remembers `key` (again: it becomes the most recently remembered).
  void Remember(std::uint64_t key);
  std::size_t size() const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::list<std::uint64_t> order_;  // most recently remembered first
  std::unordered_map<std::uint64_t, std::list<std::uint64_t>::iterator> index_;
};

}  // namespace taskshare::http
