#include "http/costly_keys.h"

#include <algorithm>

namespace taskshare::http {

CostlyKeys::CostlyKeys(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

bool CostlyKeys::Contains(std::uint64_t key) const {
  std::lock_guard lock(mu_);
  return index_.contains(key);
}

void CostlyKeys::Remember(std::uint64_t key) {
  if (key == 0) return;
  std::lock_guard lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    order_.splice(order_.begin(), order_, it->second);
    return;
  }
  if (index_.size() == capacity_) {
    index_.erase(order_.back());
    order_.pop_back();
  }
  order_.push_front(key);
  index_.emplace(key, order_.begin());
}

std::size_t CostlyKeys::size() const {
  std::lock_guard lock(mu_);
  return index_.size();
}

}  // namespace taskshare::http
