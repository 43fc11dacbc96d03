// The error log: whatever bytes a message carries, one call writes one line, and printable text is
// written as it is.
#include "common/log.h"

#include <gtest/gtest.h>

#include <string>

namespace taskshare {
namespace {

using namespace std::string_literals;

TEST(LogTest, EscapesControlBytesLineBreaksAndInvalidUtf8) {
  EXPECT_EQ(EscapeLogText("plain text, ünïcode ✓ 😀"), "plain text, ünïcode ✓ 😀");
  EXPECT_EQ(EscapeLogText("a\nb\rc\td\\e"), R"(a\nb\rc\td\\e)");
  EXPECT_EQ(EscapeLogText("nul\0 bell\a esc\x1b[31m del\x7f"s), R"(nul\x00 bell\x07 esc\x1b[31m del\x7f)");
  // U+0085 (next line), U+2028 and U+2029 (line and paragraph separators), U+009B (CSI).
  EXPECT_EQ(EscapeLogText("\xc2\x85|\xe2\x80\xa8|\xe2\x80\xa9|\xc2\x9b"), R"(\u0085|\u2028|\u2029|\u009b)");
  // A stray continuation byte, an overlong form, a surrogate, a sequence cut short.
  EXPECT_EQ(EscapeLogText("\x80|\xc0\xaf|\xed\xa0\x80|\xe2\x80"), R"(\x80|\xc0\xaf|\xed\xa0\x80|\xe2\x80)");
  // The escape of a backslash keeps every escape above unambiguous.
  EXPECT_EQ(EscapeLogText(R"(\n)"), R"(\\n)");
}

// A database error quoting a client's value, line breaks and all, is one line of the log.
TEST(LogTest, OneCallIsOneLineWhateverTheMessageHolds) {
  ::testing::internal::CaptureStderr();
  LogError("storage error: malformed array literal: \"{\"x\nT00:00:00Z error forged line\r\n\"}\""s + '\0' +
           "tail");
  const std::string written = ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(written.empty());
  EXPECT_EQ(written.find('\n'), written.size() - 1) << written;
  EXPECT_EQ(written.find('\r'), std::string::npos) << written;
  EXPECT_EQ(written.find('\0'), std::string::npos) << written;
  EXPECT_NE(
      written.find(
          R"( error storage error: malformed array literal: "{"x\nT00:00:00Z error forged line\r\n"}"\x00tail)"),
      std::string::npos)
      << written;
}

}  // namespace
}  // namespace taskshare
