#include "common/clock.h"

#include <fstream>
#include <iterator>

namespace taskshare {

UnixMicros FileClock::Now() const {
  std::ifstream in(path_);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!text.empty() && space(text.back())) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && space(text[start])) ++start;
  if (const auto t = ParseRfc3339(std::string_view(text).substr(start))) {
    last_.store(*t);
    return *t;
  }
  const UnixMicros last = last_.load();
  return last != 0 ? last : NowMicros();
}

}  // namespace taskshare
