#include "common/time.h"

#include <chrono>
#include <cstdio>

namespace taskshare {
namespace {

using std::chrono::days;
using std::chrono::microseconds;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;

// Reads exactly `n` decimal digits at `pos`; false if any is not a digit.
bool ReadDigits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

UnixMicros NowMicros() {
  return std::chrono::duration_cast<microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatRfc3339(UnixMicros t) {
  // Floor division so that instants before 1970 format correctly too.
  std::int64_t secs = t / kMicrosPerSecond;
  std::int64_t frac = t % kMicrosPerSecond;
  if (frac < 0) {
    frac += kMicrosPerSecond;
    --secs;
  }
  std::int64_t day = secs / kSecondsPerDay;
  std::int64_t sod = secs % kSecondsPerDay;
  if (sod < 0) {
    sod += kSecondsPerDay;
    --day;
  }
  const year_month_day ymd{sys_days{days{day}}};
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                        static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                        static_cast<int>(sod % 60));
  std::string out(buf, n);
  if (frac != 0) {
    char fbuf[8];
    std::snprintf(fbuf, sizeof fbuf, ".%06d", static_cast<int>(frac));
    std::string f(fbuf);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  out += 'Z';
  return out;
}

std::optional<UnixMicros> ParseRfc3339(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (!ReadDigits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !ReadDigits(s, 5, 2, month) ||
      s[7] != '-' || !ReadDigits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') ||
      !ReadDigits(s, 11, 2, hour) || s[13] != ':' || !ReadDigits(s, 14, 2, minute) || s[16] != ':' ||
      !ReadDigits(s, 17, 2, second)) {
    return std::nullopt;
  }
  size_t pos = 19;
  std::int64_t frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) frac = frac * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9) return std::nullopt;
    for (size_t i = digits; i < 6; ++i) frac *= 10;
  }
  std::int64_t offset_seconds = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!ReadDigits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ReadDigits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_seconds = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  // Leap seconds (:60) are not representable in Unix time and are refused.
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  const year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  const std::int64_t day_number = sys_days{ymd}.time_since_epoch().count();
  const std::int64_t secs = day_number * kSecondsPerDay + hour * 3600 + minute * 60 + second - offset_seconds;
  // An offset can carry the instant out of the years 0000 to 9999 in UTC ("9999-12-31T23:59:59-00:10"),
  // which no RFC 3339 text in UTC can write: refused, so that every time stored can be served.
  constexpr std::int64_t kFirstDay = sys_days{std::chrono::year{0} / 1 / 1}.time_since_epoch().count();
  constexpr std::int64_t kEndDay = sys_days{std::chrono::year{10000} / 1 / 1}.time_since_epoch().count();
  if (secs < kFirstDay * kSecondsPerDay || secs >= kEndDay * kSecondsPerDay) return std::nullopt;
  return secs * kMicrosPerSecond + frac;
}

}  // namespace taskshare
