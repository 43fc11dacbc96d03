#include "domain/schedule_time.h"

#include <array>
#include <chrono>
#include <cstdio>

namespace taskshare {
namespace {

using std::chrono::days;
using std::chrono::months;
using std::chrono::sys_days;
using std::chrono::year_month;
using std::chrono::year_month_day;
using std::chrono::year_month_day_last;

constexpr std::int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr std::int64_t kMicrosPerDay = 24 * kMicrosPerHour;
constexpr std::int64_t kMaxRelativeAmount = 99'999;

// Division rounding toward negative infinity (C++ rounds toward zero), so that instants before the
// anchor, or before 1970, land in the right period.
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// An instant split into its UTC date and the microseconds since that date's midnight.
struct DayAndTime {
  year_month_day date;
  std::int64_t micros_of_day;
};

DayAndTime Split(UnixMicros t) {
  const std::int64_t day = FloorDiv(t, kMicrosPerDay);
  return {year_month_day{sys_days{days{day}}}, t - day * kMicrosPerDay};
}

UnixMicros Join(const year_month_day& date, std::int64_t micros_of_day) {
  return sys_days{date}.time_since_epoch().count() * kMicrosPerDay + micros_of_day;
}

std::int64_t MonthIndex(const year_month_day& date) {
  return std::int64_t{static_cast<int>(date.year())} * 12 + static_cast<unsigned>(date.month()) - 1;
}

// The fixed length of a period, for every frequency but monthly.
std::int64_t PeriodMicros(ScanFrequency frequency) {
  switch (frequency) {
    case ScanFrequency::kHourly:
      return kMicrosPerHour;
    case ScanFrequency::kDaily:
      return kMicrosPerDay;
    case ScanFrequency::kWeekly:
      return 7 * kMicrosPerDay;
    case ScanFrequency::kMonthly:
      break;
  }
  return 0;
}

// For monthly grids: the index k of the due time that falls in the month of `t`.
std::int64_t MonthsFromAnchor(UnixMicros anchor, UnixMicros t) {
  return MonthIndex(Split(t).date) - MonthIndex(Split(anchor).date);
}

}  // namespace

std::optional<int> ParseStartTime(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (const std::size_t i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

std::string FormatStartTime(int minutes) {
  std::array<char, 8> buf{};
  std::snprintf(buf.data(), buf.size(), "%02d:%02d", minutes / 60 % 24, minutes % 60);
  return buf.data();
}

int MinuteOfDay(UnixMicros t) { return static_cast<int>(Split(t).micros_of_day / kMicrosPerMinute); }

UnixMicros AtMinuteOfDay(UnixMicros day, int minutes) {
  return Join(Split(day).date, std::int64_t{minutes} * kMicrosPerMinute);
}

std::optional<UnixMicros> ParseRunAt(std::string_view text, UnixMicros now) {
  if (text.size() >= 2 && text.size() <= 6) {
    const char unit = text.back();
    const std::string_view digits = text.substr(0, text.size() - 1);
    bool all_digits = true;
    std::int64_t amount = 0;
    for (const char c : digits) {
      all_digits = all_digits && c >= '0' && c <= '9';
      amount = amount * 10 + (c - '0');
    }
    if (all_digits && (unit == 'm' || unit == 'h' || unit == 'd')) {
      if (amount < 1 || amount > kMaxRelativeAmount) return std::nullopt;
      const std::int64_t step = unit == 'm' ? kMicrosPerMinute : unit == 'h' ? kMicrosPerHour : kMicrosPerDay;
      return now + amount * step;
    }
  }
  return ParseRfc3339(text);
}

UnixMicros SlotAt(UnixMicros anchor, ScanFrequency frequency, std::int64_t k) {
  if (frequency != ScanFrequency::kMonthly) return anchor + k * PeriodMicros(frequency);
  const DayAndTime a = Split(anchor);
  const year_month month = year_month{a.date.year(), a.date.month()} + months{k};
  const auto last = year_month_day_last{month.year(), std::chrono::month_day_last{month.month()}}.day();
  const auto day = a.date.day() < last ? a.date.day() : last;
  return Join(year_month_day{month.year(), month.month(), day}, a.micros_of_day);
}

UnixMicros FirstSlotAtOrAfter(UnixMicros anchor, ScanFrequency frequency, UnixMicros t) {
  if (frequency != ScanFrequency::kMonthly) {
    const std::int64_t period = PeriodMicros(frequency);
    // The smallest k with anchor + k * period >= t.
    return anchor - FloorDiv(anchor - t, period) * period;
  }
  // The due time in t's month is the only candidate before the next month's.
  const std::int64_t k = MonthsFromAnchor(anchor, t);
  const UnixMicros same_month = SlotAt(anchor, frequency, k);
  return same_month >= t ? same_month : SlotAt(anchor, frequency, k + 1);
}

UnixMicros FirstSlotAfter(UnixMicros anchor, ScanFrequency frequency, UnixMicros t) {
  return FirstSlotAtOrAfter(anchor, frequency, t + 1);
}

UnixMicros LastSlotAtOrBefore(UnixMicros anchor, ScanFrequency frequency, UnixMicros t) {
  if (frequency != ScanFrequency::kMonthly) {
    const std::int64_t period = PeriodMicros(frequency);
    return anchor + FloorDiv(t - anchor, period) * period;
  }
  const std::int64_t k = MonthsFromAnchor(anchor, t);
  const UnixMicros same_month = SlotAt(anchor, frequency, k);
  return same_month <= t ? same_month : SlotAt(anchor, frequency, k - 1);
}

}  // namespace taskshare
