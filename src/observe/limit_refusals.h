// LimitRefusals: how many requests each quota (domain/quotas.h) has refused, for /metrics as
// taskshare_limit_refusals_total{limit="..."}, one series per limit whether it has refused or not, so
// the label values are the fixed set of LimitName's spellings.
//
// Thread-safe: Count() is one relaxed atomic increment, called from whichever thread answered the
// request; Samples() may run at the same time from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>
#include <vector>

#include "domain/quotas.h"
#include "observe/metrics.h"

namespace taskshare::observe {

class LimitRefusals {
 public:
  // Counts one refusal by the limit named `limit` (LimitName's spelling). Any other name is ignored.
  void Count(std::string_view limit);

  // The refusals by `limit` so far.
  std::uint64_t count(Limit limit) const;

  // One counter sample per limit, in the order of kLimits.
  std::vector<Sample> Samples() const;

 private:
  std::array<std::atomic<std::uint64_t>, kLimits.size()> counts_{};
};

}  // namespace taskshare::observe
