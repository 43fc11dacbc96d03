#include "domain/messages.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

namespace taskshare {
namespace {

TEST(MessagesTest, CompactKeepsNumberAndStringTextExactly) {
  EXPECT_EQ(CompactJson(R"( { "a" : 1.50 , "b" : [ 1e400 , -0 , 12345678901234567890123 ] ,
                            "s" : "x  y \" \\ \u00e9 " } )"),
            R"({"a":1.50,"b":[1e400,-0,12345678901234567890123],"s":"x  y \" \\ \u00e9 "})");
}

TEST(MessagesTest, RawMemberFindsTopLevelMembersOnly) {
  const std::string text =
      R"({"x":{"messages":[0]}, "messages" : [ {"a":"]"} , {"b":[1,{"c":"}"}]} ], "z":true})";
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
  EXPECT_EQ((*out)[0].key, R"("m1")");
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

TEST(MessagesTest, DeriveTitleFoldsControlCharactersLikeWhitespace) {
  using namespace std::string_literals;
  EXPECT_EQ(DeriveTitle("\0scan\0\0the\x01host\x7f"s), "scan the host");
  EXPECT_EQ(DeriveTitle("\0\x1f"s), "");
}

// Keys keep the id's JSON type, and a repeated id counts by its last value, as the parser keeps it.
TEST(MessagesTest, MessageKeyIsTheIdsJsonText) {
  EXPECT_EQ(MessageKey(boost::json::parse(R"({"id":1})").as_object()), "1");
  EXPECT_EQ(MessageKey(boost::json::parse(R"({"id":"1"})").as_object()), R"("1")");
  EXPECT_EQ(MessageKey(boost::json::parse(R"({"id":"1","id":2})").as_object()), "2");
  EXPECT_EQ(MessageKey(boost::json::parse(R"({"id":"\u0000\u001f\u007f"})").as_object()),
            "\"\\u0000\\u001f\x7f\"");
  EXPECT_FALSE(MessageKey(boost::json::parse(R"({"id":null})").as_object()).has_value());
  EXPECT_FALSE(MessageKey(boost::json::parse(R"({"ID":1})").as_object()).has_value());
}

TEST(MessagesTest, IsJsonObject) {
  EXPECT_TRUE(IsJsonObject(R"({"a":1})"));
  EXPECT_FALSE(IsJsonObject("{broken"));
  EXPECT_FALSE(IsJsonObject("[1]"));
  EXPECT_FALSE(IsJsonObject(R"({"a":1} trailing)"));
}

}  // namespace
}  // namespace taskshare
