#include "observe/limit_refusals.h"

#include <string>

namespace taskshare::observe {
namespace {

constexpr std::string_view kName = "taskshare_limit_refusals_total";
constexpr std::string_view kHelp =
    "Requests refused because they would take their user past a quota, by limit.";

}  // namespace

void LimitRefusals::Count(std::string_view limit) {
  for (std::size_t i = 0; i < kLimits.size(); ++i) {
    if (LimitName(kLimits[i]) == limit) {
      counts_[i].fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
}

std::uint64_t LimitRefusals::count(Limit limit) const {
  for (std::size_t i = 0; i < kLimits.size(); ++i) {
    if (kLimits[i] == limit) return counts_[i].load(std::memory_order_relaxed);
  }
  return 0;
}

std::vector<Sample> LimitRefusals::Samples() const {
  std::vector<Sample> out;
  out.reserve(kLimits.size());
  for (std::size_t i = 0; i < kLimits.size(); ++i) {
    out.push_back({std::string(kName), "counter", i == 0 ? std::string(kHelp) : std::string(),
                   "limit=\"" + std::string(LimitName(kLimits[i])) + "\"",
                   static_cast<double>(counts_[i].load(std::memory_order_relaxed))});
  }
  return out;
}

}  // namespace taskshare::observe
