#include "common/clock.h"

#include <fstream>
#include <iterator>

#include "common/strings.h"

namespace taskshare {

const Clock& SystemTime() {
  static const SystemClock clock;
  return clock;
}

UnixMicros FileClock::Now() const {
  std::ifstream in(path_);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (const auto t = ParseRfc3339(Trim(text))) {
    last_.store(*t);
    return *t;
  }
  const UnixMicros last = last_.load();
  return last != 0 ? last : NowMicros();
}

}  // namespace taskshare
