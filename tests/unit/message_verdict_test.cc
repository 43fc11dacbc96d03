// The redaction verdict stored beside each message body (storage/task_codec.h): present only when the
// built-in rules leave the body unchanged, and holding only for the bytes it was computed from.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/task_codec.h"

namespace taskshare {
namespace {

constexpr std::string_view kClean = R"({"role":"assistant","content":"nmap found ports 22 and 443 open"})";
constexpr std::string_view kToken =
    R"({"role":"tool","content":"export GH=ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d"})";

TEST(MessageVerdictTest, OnlyABodyTheRulesLeaveAloneGetsOne) {
  const std::optional<std::int64_t> verdict = MessageRedactionVerdict(kClean);
  ASSERT_TRUE(verdict.has_value());
  EXPECT_TRUE(NeedsNoRedaction(kClean, verdict));
  EXPECT_EQ(MessageRedactionVerdict(kToken), std::nullopt);
  EXPECT_FALSE(NeedsNoRedaction(kToken, std::nullopt));
  EXPECT_FALSE(NeedsNoRedaction(kClean, std::nullopt));
}

TEST(MessageVerdictTest, AVerdictHoldsForTheBytesItWasReachedOnOnly) {
  const std::optional<std::int64_t> verdict = MessageRedactionVerdict(kClean);
  EXPECT_FALSE(NeedsNoRedaction(kToken, verdict));
  std::string edited(kClean);
  edited.replace(edited.find("22"), 2, "23");
  EXPECT_FALSE(NeedsNoRedaction(edited, verdict));
  // Nor is it the plain checksum: a row's checksum cannot pass for its verdict.
  EXPECT_FALSE(NeedsNoRedaction(kClean, MessageChecksum(kClean)));
}

TEST(MessageVerdictTest, TextThatIsNotJsonIsJudgedAsText) {
  // RedactJson falls back to the text rules for anything that is not JSON; so does the verdict.
  EXPECT_EQ(MessageRedactionVerdict("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"),
            std::nullopt);
  EXPECT_TRUE(MessageRedactionVerdict("plain words").has_value());
}

}  // namespace
}  // namespace taskshare
