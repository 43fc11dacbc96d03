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

TEST(StringsTest, IsUtf8AcceptsWellFormedTextOnly) {
  EXPECT_TRUE(IsUtf8(""));
  EXPECT_TRUE(IsUtf8("plain ASCII"));
  EXPECT_TRUE(IsUtf8("\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"))
      << "é, €, an emoji, U+10FFFF";
  EXPECT_TRUE(IsUtf8(std::string("a\0b", 3))) << "U+0000 is a character";
  EXPECT_FALSE(IsUtf8("\x80")) << "a stray continuation byte";
  EXPECT_FALSE(IsUtf8("\xC3")) << "cut short";
  EXPECT_FALSE(IsUtf8("\xC3(")) << "not followed by a continuation byte";
  EXPECT_FALSE(IsUtf8("\xC0\xAF")) << "an overlong form";
  EXPECT_FALSE(IsUtf8("\xE0\x80\xAF")) << "an overlong form";
  EXPECT_FALSE(IsUtf8("\xED\xA0\x80")) << "a surrogate";
  EXPECT_FALSE(IsUtf8("\xF4\x90\x80\x80")) << "past U+10FFFF";
  EXPECT_FALSE(IsUtf8("\xFF"));
}

}  // namespace
}  // namespace taskshare
