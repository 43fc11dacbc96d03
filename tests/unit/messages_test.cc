#include "domain/messages.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace taskshare {
namespace {

TEST(MessagesTest, CompactKeepsNumberAndStringTextExactly) {
  EXPECT_EQ(CompactJson(R"( { "a" : 1.50 , "b" : [ 1e400 , -0 , 12345678901234567890123 ] ,
                            "s" : "x  y \" \\ \u00e9 " } )"),
            R"({"a":1.50,"b":[1e400,-0,12345678901234567890123],"s":"x  y \" \\ \u00e9 "})");
}

TEST(MessagesTest, RawMemberFindsTopLevelMembersOnly) {
  const std::string text = R"({"x":{"messages":[0]}, "messages" : [ {"a":"]"} , {"b":[1,{"c":"}"}]} ], "z":true})";
  auto raw = RawMember(text, "messages");
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(*raw, R"([ {"a":"]"} , {"b":[1,{"c":"}"}]} ])");
  auto elements = RawElements(*raw);
  ASSERT_EQ(elements.size(), 2u);
  EXPECT_EQ(elements[0], R"({"a":"]"})");
  EXPECT_EQ(elements[1], R"({"b":[1,{"c":"}"}]})");
  EXPECT_FALSE(RawMember(text, "missing").has_value());
}

TEST(MessagesTest, RawMemberMatchesEscapedKeysAndTheLastDuplicateLikeTheParser) {
  const std::string text = R"({"mess\u0061ges":[1],"messages":[2,3]})";
  EXPECT_EQ(*RawMember(text, "messages"), "[2,3]");
  EXPECT_EQ(boost::json::parse(text).at("messages").as_array().size(), 2u);
}

TEST(MessagesTest, MessagesKeepTextAndTakeTheirIdAsKey) {
  const std::string raw = R"([ {"id":"m1", "n": 1.0}, {"id": 7}, {"id": null}, {"x": "y"} ])";
  auto out = MessagesFromJson(boost::json::parse(raw), raw, "messages");
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 4u);
  EXPECT_EQ((*out)[0].json, R"({"id":"m1","n":1.0})");
  EXPECT_EQ((*out)[0].key, "m1");
  EXPECT_EQ((*out)[1].key, "7");
  EXPECT_FALSE((*out)[2].key.has_value());
  EXPECT_FALSE((*out)[3].key.has_value());
}

TEST(MessagesTest, NonObjectsAreRefusedByPosition) {
  const std::string raw = R"([{"a":1}, "text"])";
  auto out = MessagesFromJson(boost::json::parse(raw), raw, "messages");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(out.status().message(), "messages[1] must be an object");
}

TEST(MessagesTest, MessageTextFromContentOrParts) {
  EXPECT_EQ(MessageText(boost::json::parse(R"({"content":"hi"})").as_object()), "hi");
  EXPECT_EQ(MessageText(boost::json::parse(
                            R"({"parts":[{"type":"text","text":"a"},{"type":"tool-call"},{"text":"b"}]})")
                            .as_object()),
            "a b");
  EXPECT_EQ(MessageText(boost::json::parse(R"({"content":[{"type":"text","text":"c"}]})").as_object()), "c");
  EXPECT_EQ(MessageText(boost::json::parse(R"({"role":"user"})").as_object()), "");
}

TEST(MessagesTest, DeriveTitleFoldsWhitespaceAndCutsAtEightyCodePoints) {
  EXPECT_EQ(DeriveTitle("  Scan\n\n the   host\t"), "Scan the host");
  EXPECT_EQ(DeriveTitle(std::string(100, 'a')), std::string(80, 'a'));
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xC3\xA9";  // é, two bytes each
  EXPECT_EQ(DeriveTitle(accents).size(), 160u);
  EXPECT_EQ(DeriveTitle(""), "");
}

TEST(MessagesTest, IsJsonObject) {
  EXPECT_TRUE(IsJsonObject(R"({"a":1})"));
  EXPECT_FALSE(IsJsonObject("{broken"));
  EXPECT_FALSE(IsJsonObject("[1]"));
  EXPECT_FALSE(IsJsonObject(R"({"a":1} trailing)"));
}

}  // namespace
}  // namespace taskshare
