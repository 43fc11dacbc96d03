// Parsing of the Secrets API's input: names, values and the strictness of the body.
#include "api/secret_requests.h"

#include <gtest/gtest.h>

#include <string>

namespace taskshare::api {
namespace {

TEST(SecretRequestsTest, TakesANameAndAValue) {
  auto s = ParseCreateSecret(R"({"name": "AWS_SECRET.key-2", "value": "wJalrXUtnFEMI/K7MDENG"})");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->name, "AWS_SECRET.key-2");
  EXPECT_EQ(s->value, "wJalrXUtnFEMI/K7MDENG");
  auto escaped = ParseCreateSecret(R"({"value": "a\"b\\c\u00e9", "name": "N"})");
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ(escaped->value, "a\"b\\c\xc3\xa9");
}

TEST(SecretRequestsTest, EnforcesTheNameRules) {
  EXPECT_TRUE(CheckSecretName(std::string(kMaxSecretNameBytes, 'A')).ok());
  for (const std::string& bad : {std::string(), std::string(kMaxSecretNameBytes + 1, 'A'), std::string("a b"),
                                 std::string("a/b"), std::string("caf\xc3\xa9"), std::string("a%2Fb")}) {
    EXPECT_EQ(CheckSecretName(bad).code(), Code::kInvalidArgument) << bad;
    auto parsed = ParseCreateSecret(R"({"name": ")" + bad + R"(", "value": "long enough"})");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_TRUE(parsed.status().message().starts_with("name: secret names are 1 to 128 characters"))
        << parsed.status().message();
  }
}

TEST(SecretRequestsTest, RefusesBadBodiesWithoutQuotingTheValue) {
  const std::string cases[] = {
      R"({"name": "N"})",
      R"({"value": "zq9-value-text"})",
      R"({"name": "N", "value": "zq9"})",
      R"({"name": "N", "value": 12345678})",
      R"({"name": "N", "value": "zq9-value-text", "extra": 1})",
      R"({"name": "N", "value": ")" + std::string(kMaxSecretValueBytes + 1, 'z') + R"("})",
      R"(["N", "zq9-value-text"])",
      R"({"name": "N", "value": "zq9-value-text")",
  };
  for (const std::string& body : cases) {
    auto parsed = ParseCreateSecret(body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(parsed.status().message().find("zq9"), std::string::npos) << parsed.status().message();
  }
  EXPECT_EQ(ParseCreateSecret(R"({"name": "N", "value": "zq9"})").status().message(),
            "value must be 4 to 16384 bytes (shorter values are too common in any text to be redacted)");
  EXPECT_EQ(ParseCreateSecret(R"({"name": "N", "value": "zq9-value-text", "extra": 1})")
                    .status()
                    .message()
                    .find("extra") != std::string::npos,
            true);
}

}  // namespace
}  // namespace taskshare::api
