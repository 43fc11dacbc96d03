// The small string helpers of common/strings.h, which the HTTP, storage, secrets and CLI code share.
#include "common/strings.h"

#include <gtest/gtest.h>

#include <string>

namespace taskshare {
namespace {

TEST(StringsTest, TrimRemovesSpacesTabsAndLineEndsAtBothEndsOnly) {
  EXPECT_EQ(Trim("  gzip\t"), "gzip");
  EXPECT_EQ(Trim("\r\n2030-01-31T08:00:00Z\n"), "2030-01-31T08:00:00Z");
  EXPECT_EQ(Trim("a b\tc"), "a b\tc") << "blanks inside are kept";
  EXPECT_EQ(Trim(" \t\r\n"), "");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim("\vx\f"), "\vx\f") << "only the four blanks";
  const std::string text = " key ";
  EXPECT_EQ(Trim(text).data(), text.data() + 1) << "a view into its argument";
}

TEST(StringsTest, AsciiLowerFoldsOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("PostgreSQL://X"), "postgresql://x");
  EXPECT_EQ(AsciiLower("ÉCOLE@Example.ORG"), "École@example.org") << "UTF-8 bytes untouched";
  EXPECT_EQ(AsciiLower('Q'), 'q');
  EXPECT_EQ(AsciiLower('['), '[');
  EXPECT_EQ(AsciiLower('@'), '@');
}

TEST(StringsTest, CaseInsensitiveComparisons) {
  EXPECT_TRUE(EqualsIgnoringCase("GZip", "gzip"));
  EXPECT_TRUE(EqualsIgnoringCase("", ""));
  EXPECT_FALSE(EqualsIgnoringCase("gzip", "gzip "));
  EXPECT_FALSE(EqualsIgnoringCase("[", "{")) << "'[' and '{' differ by the case bit but are not letters";
  EXPECT_TRUE(StartsWithIgnoringCase("bearer neo_sk_x", "Bearer "));
  EXPECT_FALSE(StartsWithIgnoringCase("Bear", "Bearer "));
  EXPECT_TRUE(StartsWithIgnoringCase("anything", ""));
}

}  // namespace
}  // namespace taskshare
