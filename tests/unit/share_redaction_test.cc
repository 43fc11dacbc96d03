// RedactForViewers with a task's secret values: every occurrence, at any depth of any message, in the
// title and the schedule name, on top of the built-in credential rules.
#include <gtest/gtest.h>

#include <string>

#include "api/reader_view.h"

namespace taskshare::api {
namespace {

TEST(ShareRedactionTest, ReplacesSecretValuesEverywhereWithTheSecretMarker) {
  const std::string value = "Tr0ub4dor&3-horse";
  TaskSnapshot snapshot;
  snapshot.task.title = "deploy with " + value;
  snapshot.task.schedule_info = ScheduleInfo{};
  snapshot.task.schedule_info->schedule_name = "nightly " + value;
  snapshot.messages = {
      R"({"role":"user","content":"the password is Tr0ub4dor&3-horse, ok?"})",
      R"({"role":"assistant","content":[{"type":"tool_use","input":{"cmd":["login","--pw","Tr0ub4dor&3-horse"],)"
      R"("env":{"deep":{"deeper":"x=Tr0ub4dor%263-horse"}}}}]})",
      R"({"role":"tool","content":[{"type":"tool_result","output":"{\"echo\":\"Tr0ub4dor&3-horse\"} AKIAIOSFODNN7EXAMPLE"}]})",
      R"({"role":"user","content":"nothing here"})",
  };
  RedactForViewers(snapshot, {value});
  EXPECT_EQ(snapshot.task.title, "deploy with [REDACTED:secret]");
  EXPECT_EQ(snapshot.task.schedule_info->schedule_name, "nightly [REDACTED:secret]");
  EXPECT_EQ(snapshot.messages[0], R"({"role":"user","content":"the password is [REDACTED:secret], ok?"})");
  EXPECT_EQ(
      snapshot.messages[1],
      R"({"role":"assistant","content":[{"type":"tool_use","input":{"cmd":["login","--pw","[REDACTED:secret]"],)"
      R"("env":{"deep":{"deeper":"x=[REDACTED:secret]"}}}}]})");
  EXPECT_EQ(
      snapshot.messages[2],
      R"({"role":"tool","content":[{"type":"tool_result","output":"{\"echo\":\"[REDACTED:secret]\"} [REDACTED:aws_access_key_id]"}]})");
  EXPECT_EQ(snapshot.messages[3], R"({"role":"user","content":"nothing here"})");
  for (const std::string& m : snapshot.messages) EXPECT_EQ(m.find("Tr0ub4dor"), std::string::npos) << m;
}

TEST(ShareRedactionTest, WithoutValuesOnlyTheBuiltInRulesApply) {
  TaskSnapshot snapshot;
  snapshot.task.title = "Tr0ub4dor&3-horse";
  snapshot.messages = {R"({"content":"Tr0ub4dor&3-horse AKIAIOSFODNN7EXAMPLE"})"};
  RedactForViewers(snapshot);
  EXPECT_EQ(snapshot.task.title, "Tr0ub4dor&3-horse");
  EXPECT_EQ(snapshot.messages[0], R"({"content":"Tr0ub4dor&3-horse [REDACTED:aws_access_key_id]"})");
}

TEST(ShareRedactionTest, AMessageStoredWithTheVerdictIsNotScannedAgain) {
  const std::string credential = R"({"content":"AKIAIOSFODNN7EXAMPLE"})";
  TaskSnapshot snapshot;
  // The verdict is the store's word that the current rules leave the body unchanged: it is trusted,
  // which is what spares the scan. A body the rules would change never gets one (task_codec.h).
  snapshot.messages = {credential, credential, credential};
  snapshot.needs_no_redaction = {true, false};
  RedactForViewers(snapshot);
  EXPECT_EQ(snapshot.messages[0], credential);
  EXPECT_EQ(snapshot.messages[1], R"({"content":"[REDACTED:aws_access_key_id]"})");
  EXPECT_EQ(snapshot.messages[2], R"({"content":"[REDACTED:aws_access_key_id]"})");
}

TEST(ShareRedactionTest, ATaskWithSecretsHasEveryMessageScanned) {
  TaskSnapshot snapshot;
  snapshot.messages = {R"({"content":"pw Tr0ub4dor&3-horse AKIAIOSFODNN7EXAMPLE"})"};
  snapshot.needs_no_redaction = {true};
  RedactForViewers(snapshot, {"Tr0ub4dor&3-horse"});
  EXPECT_EQ(snapshot.messages[0], R"({"content":"pw [REDACTED:secret] [REDACTED:aws_access_key_id]"})");
}

}  // namespace
}  // namespace taskshare::api
