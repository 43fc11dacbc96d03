#include "common/time.h"

#include <gtest/gtest.h>

namespace taskshare {
namespace {

TEST(TimeTest, FormatsUtcWithTrimmedFraction) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(1'795'687'200'000'000), "2026-11-26T10:00:00Z");
  EXPECT_EQ(FormatRfc3339(1'795'687'200'250'000), "2026-11-26T10:00:00.25Z");
  EXPECT_EQ(FormatRfc3339(1'795'687'200'000'001), "2026-11-26T10:00:00.000001Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(TimeTest, ParsesOffsetsAndFractions) {
  EXPECT_EQ(ParseRfc3339("2026-11-20T10:00:00Z"), ParseRfc3339("2026-11-20T12:00:00+02:00"));
  EXPECT_EQ(ParseRfc3339("2026-11-20T10:00:00Z"), ParseRfc3339("2026-11-20t05:30:00-04:30"));
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:00.5Z"), 500'000);
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:00.123456789Z"), 123'456);  // nanoseconds truncated
}

TEST(TimeTest, RoundTrips) {
  for (UnixMicros t : {0LL, 951'782'400'000'000LL /* 2000-02-29 */, 1'795'687'200'123'400LL}) {
    EXPECT_EQ(ParseRfc3339(FormatRfc3339(t)), t);
  }
}

TEST(TimeTest, RefusesMalformedAndImpossibleDates) {
  for (const char* bad : {"", "2026-11-20", "2026-11-20T10:00:00", "2026-11-20 10:00:00Z",
                          "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
                          "2026-11-20T24:00:00Z", "2026-11-20T10:00:60Z", "2026-11-20T10:00:00.Z",
                          "2026-11-20T10:00:00Zjunk", "2026-11-20T10:00:00+2:00", "２026-11-20T10:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
  EXPECT_TRUE(ParseRfc3339("2024-02-29T00:00:00Z").has_value());
}

}  // namespace
}  // namespace taskshare
