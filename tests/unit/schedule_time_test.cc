// The time arithmetic of schedules: start times, run_at, and the grids of due times across month
// ends, leap days and year ends.
#include "domain/schedule_time.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace taskshare {
namespace {

UnixMicros At(const char* text) {
  const auto t = ParseRfc3339(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t.value_or(0);
}

// The due times after `from` (exclusive), one after another, as text.
std::vector<std::string> Following(const char* anchor, ScanFrequency f, const char* from, int n) {
  std::vector<std::string> out;
  UnixMicros t = At(from);
  for (int i = 0; i < n; ++i) {
    t = FirstSlotAfter(At(anchor), f, t);
    out.push_back(FormatRfc3339(t));
  }
  return out;
}

TEST(ScheduleTimeTest, StartTimesAreTwentyFourHourClockTimes) {
  EXPECT_EQ(ParseStartTime("00:00"), 0);
  EXPECT_EQ(ParseStartTime("09:05"), 9 * 60 + 5);
  EXPECT_EQ(ParseStartTime("23:59"), 23 * 60 + 59);
  for (const char* bad : {"24:00", "12:60", "9:05", "09:5", "0905", "09:05:00", " 09:05", "ab:cd", ""}) {
    EXPECT_FALSE(ParseStartTime(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatStartTime(0), "00:00");
  EXPECT_EQ(FormatStartTime(23 * 60 + 59), "23:59");
  EXPECT_EQ(MinuteOfDay(At("2030-05-06T07:08:59.999Z")), 7 * 60 + 8);
  EXPECT_EQ(FormatRfc3339(AtMinuteOfDay(At("2030-05-06T23:08:59Z"), 30)), "2030-05-06T00:30:00Z");
}

TEST(ScheduleTimeTest, RunAtIsRelativeOrAnAbsoluteTime) {
  const UnixMicros now = At("2030-12-31T23:58:00Z");
  EXPECT_EQ(FormatRfc3339(*ParseRunAt("5m", now)), "2031-01-01T00:03:00Z");
  EXPECT_EQ(FormatRfc3339(*ParseRunAt("1h", now)), "2031-01-01T00:58:00Z");
  EXPECT_EQ(FormatRfc3339(*ParseRunAt("2d", now)), "2031-01-02T23:58:00Z");
  EXPECT_EQ(FormatRfc3339(*ParseRunAt("99999m", now)), FormatRfc3339(now + 99'999 * kMicrosPerMinute));
  EXPECT_EQ(FormatRfc3339(*ParseRunAt("2031-02-01T12:00:00+02:00", now)), "2031-02-01T10:00:00Z");
  for (const char* bad :
       {"0m", "5", "m", "5s", "5M", "-5m", "100000m", "5 m", "1.5h", "2031-02-30T00:00:00Z", ""}) {
    EXPECT_FALSE(ParseRunAt(bad, now).has_value()) << bad;
  }
}

TEST(ScheduleTimeTest, HourlyDailyAndWeeklyKeepTheAnchorsPhase) {
  // Hourly at minute 15; the anchor may lie after the time asked about.
  EXPECT_EQ(Following("2030-06-01T09:15:00Z", ScanFrequency::kHourly, "2030-05-31T23:20:00Z", 2),
            (std::vector<std::string>{"2030-06-01T00:15:00Z", "2030-06-01T01:15:00Z"}));
  EXPECT_EQ(FormatRfc3339(FirstSlotAtOrAfter(At("2030-06-01T09:15:00Z"), ScanFrequency::kHourly,
                                             At("2030-06-01T03:15:00Z"))),
            "2030-06-01T03:15:00Z");
  EXPECT_EQ(
      Following("2030-12-30T06:00:00Z", ScanFrequency::kDaily, "2030-12-30T06:00:00Z", 3),
      (std::vector<std::string>{"2030-12-31T06:00:00Z", "2031-01-01T06:00:00Z", "2031-01-02T06:00:00Z"}));
  // Across February of a leap year, day by day.
  EXPECT_EQ(
      Following("2032-02-27T23:59:00Z", ScanFrequency::kDaily, "2032-02-27T23:59:00Z", 3),
      (std::vector<std::string>{"2032-02-28T23:59:00Z", "2032-02-29T23:59:00Z", "2032-03-01T23:59:00Z"}));
  // Weekly on the anchor's weekday (a Monday), across a year end.
  EXPECT_EQ(
      Following("2030-12-23T08:30:00Z", ScanFrequency::kWeekly, "2030-12-24T00:00:00Z", 3),
      (std::vector<std::string>{"2030-12-30T08:30:00Z", "2031-01-06T08:30:00Z", "2031-01-13T08:30:00Z"}));
}

TEST(ScheduleTimeTest, MonthlyClampsToShortMonthsAndKeepsTheAnchorDay) {
  EXPECT_EQ(
      Following("2031-01-31T10:00:00Z", ScanFrequency::kMonthly, "2031-01-31T10:00:00Z", 6),
      (std::vector<std::string>{"2031-02-28T10:00:00Z", "2031-03-31T10:00:00Z", "2031-04-30T10:00:00Z",
                                "2031-05-31T10:00:00Z", "2031-06-30T10:00:00Z", "2031-07-31T10:00:00Z"}));
  // A leap year's February has a 29th, and a 30th anchor never lands past it.
  EXPECT_EQ(
      Following("2031-12-30T00:00:00Z", ScanFrequency::kMonthly, "2031-12-30T00:00:00Z", 3),
      (std::vector<std::string>{"2032-01-30T00:00:00Z", "2032-02-29T00:00:00Z", "2032-03-30T00:00:00Z"}));
  // An anchor on Feb 29: the 29th of every month, Feb 28 in common years, Feb 29 again in 2036.
  const std::vector<std::string> leap =
      Following("2032-02-29T12:00:00Z", ScanFrequency::kMonthly, "2032-02-29T12:00:00Z", 48);
  EXPECT_EQ(leap[0], "2032-03-29T12:00:00Z");
  EXPECT_EQ(leap[11], "2033-02-28T12:00:00Z");
  EXPECT_EQ(leap[12], "2033-03-29T12:00:00Z");
  EXPECT_EQ(leap[47], "2036-02-29T12:00:00Z");
  // Year end, and a month whose due time has not come yet.
  EXPECT_EQ(Following("2030-10-31T23:30:00Z", ScanFrequency::kMonthly, "2030-12-31T23:29:59Z", 2),
            (std::vector<std::string>{"2030-12-31T23:30:00Z", "2031-01-31T23:30:00Z"}));
  // Slots before the anchor follow the same rule.
  EXPECT_EQ(FormatRfc3339(SlotAt(At("2031-03-31T10:00:00Z"), ScanFrequency::kMonthly, -1)),
            "2031-02-28T10:00:00Z");
  EXPECT_EQ(FormatRfc3339(SlotAt(At("2031-03-31T10:00:00Z"), ScanFrequency::kMonthly, -15)),
            "2029-12-31T10:00:00Z");
}

TEST(ScheduleTimeTest, LastSlotAtOrBeforeIsTheLatestDueTimeThatHasPassed) {
  const UnixMicros anchor = At("2031-01-31T10:00:00Z");
  EXPECT_EQ(FormatRfc3339(LastSlotAtOrBefore(anchor, ScanFrequency::kMonthly, At("2031-04-29T00:00:00Z"))),
            "2031-03-31T10:00:00Z");
  EXPECT_EQ(FormatRfc3339(LastSlotAtOrBefore(anchor, ScanFrequency::kMonthly, At("2031-04-30T10:00:00Z"))),
            "2031-04-30T10:00:00Z");
  EXPECT_EQ(FormatRfc3339(LastSlotAtOrBefore(anchor, ScanFrequency::kHourly, At("2031-01-31T07:59:59Z"))),
            "2031-01-31T07:00:00Z");
  EXPECT_EQ(FormatRfc3339(LastSlotAtOrBefore(anchor, ScanFrequency::kWeekly, At("2031-01-31T09:59:59Z"))),
            "2031-01-24T10:00:00Z");
  // Microsecond exactness at the boundaries.
  EXPECT_EQ(FirstSlotAtOrAfter(anchor, ScanFrequency::kDaily, anchor), anchor);
  EXPECT_EQ(FirstSlotAfter(anchor, ScanFrequency::kDaily, anchor), anchor + 86'400'000'000);
  EXPECT_EQ(FirstSlotAfter(anchor, ScanFrequency::kDaily, anchor - 1), anchor);
}

}  // namespace
}  // namespace taskshare
