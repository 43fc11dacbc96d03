// Share settings below the HTTP layer: the PUT body's parsing, the rules of domain/share_view.h (open,
// expired, pinned), the creator in the anonymous TaskInfo, the owner's `share` object, and the
// response cache's expiry.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <string>

#include "api/share_requests.h"
#include "cache/response_cache.h"
#include "domain/share_view.h"
#include "domain/task_json.h"

namespace taskshare {
namespace {

constexpr UnixMicros kNow = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z

TEST(ParseShareRequestTest, DefaultsAreLiveNoExpiryNoCreatorRedacted) {
  auto r = api::ParseShareRequest(R"({"visibility":"public"})", kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->visibility, Visibility::kPublic);
  EXPECT_EQ(r->mode, ShareMode::kLive);
  EXPECT_FALSE(r->expires_at.has_value());
  EXPECT_FALSE(r->show_creator);
  EXPECT_TRUE(r->redact);
}

TEST(ParseShareRequestTest, ReadsEveryField) {
  auto r = api::ParseShareRequest(
      R"({"visibility":"unlisted","mode":"pinned","expires_at":"2027-01-15T08:00:00+01:00",)"
      R"("show_creator":true,"redact":false})",
      kNow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->visibility, Visibility::kUnlisted);
  EXPECT_EQ(r->mode, ShareMode::kPinned);
  EXPECT_EQ(r->expires_at, ParseRfc3339("2027-01-15T07:00:00Z"));
  EXPECT_TRUE(r->show_creator);
  EXPECT_FALSE(r->redact);
}

TEST(ParseShareRequestTest, RefusesBadInputNamingTheField) {
  const struct {
    const char* body;
    const char* names;
  } cases[] = {
      {R"({"visibility":"public","mode":"frozen"})", "mode"},
      {R"({"visibility":"private"})", "visibility"},
      {R"({"visibility":"team"})", "visibility"},
      {R"({"mode":"live"})", "visibility"},
      {R"({"visibility":"public","expires_at":"2020-01-01T00:00:00Z"})", "expires_at"},
      {R"({"visibility":"public","expires_at":"tomorrow"})", "expires_at"},
      {R"({"visibility":"public","show_creator":"yes"})", "show_creator"},
      {R"({"visibility":"public","redact":1})", "redact"},
      {R"({"visibility":"public","pin":true})", "pin"},
      {R"({"visibility":"public")", "JSON"},
      {R"(["visibility"])", "object"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    auto r = api::ParseShareRequest(c.body, kNow);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.names), std::string::npos) << r.status().message();
  }
  // The present instant is not in the future.
  EXPECT_FALSE(
      api::ParseShareRequest(R"({"visibility":"public","expires_at":")" + FormatRfc3339(kNow) + R"("})", kNow)
          .ok());
}

Task SharedTask(Visibility visibility) {
  Task t;
  t.id = "0b7e3c1a-2d4f-4a6b-8c9d-0e1f2a3b4c5d";
  t.visibility = visibility;
  t.created_by = "owner@example.com";
  t.updated_at = kNow;
  return t;
}

TEST(ShareViewTest, OpenOnlyForPublicAndUnlistedAndUntilExpiry) {
  for (Visibility v : {Visibility::kPrivate, Visibility::kTeam, Visibility::kSupport}) {
    EXPECT_EQ(CheckShareOpen(SharedTask(v), kNow).message(), "Task is not shared");
    EXPECT_EQ(CheckShareOpen(SharedTask(v), kNow).reason(), Reason::kNotShared);
  }
  Task t = SharedTask(Visibility::kUnlisted);
  EXPECT_TRUE(CheckShareOpen(t, kNow).ok());
  t.share.expires_at = kNow + 1;
  EXPECT_TRUE(CheckShareOpen(t, kNow).ok());
  const Status expired = CheckShareOpen(t, kNow + 1);
  EXPECT_EQ(expired.code(), Code::kForbidden);
  EXPECT_EQ(expired.message(), kShareExpiredMessage);
  EXPECT_EQ(expired.reason(), Reason::kShareExpired) << "a value to compare, not the message";
}

TEST(ShareViewTest, PinCutsMessagesAndUpdatedAt) {
  TaskSnapshot s{SharedTask(Visibility::kPublic), {R"({"n":0})", R"({"n":1})", R"({"n":2})"}, {}};
  ApplySharePin(s);
  EXPECT_EQ(s.messages.size(), 3u) << "live shows everything";
  EXPECT_EQ(s.task.updated_at, kNow);

  s.task.share.mode = ShareMode::kPinned;
  s.task.share.pinned_messages = 2;
  s.task.share.pinned_at = kNow - 10;
  ApplySharePin(s);
  ASSERT_EQ(s.messages.size(), 2u);
  EXPECT_EQ(s.messages[1], R"({"n":1})");
  EXPECT_EQ(s.task.updated_at, kNow - 10);

  s.task.share.pinned_messages = 0;
  ApplySharePin(s);
  EXPECT_TRUE(s.messages.empty());
}

TEST(ShareViewTest, AnonymousTaskInfoHasTheCreatorOnlyWhenAsked) {
  Task t = SharedTask(Visibility::kPublic);
  EXPECT_FALSE(TaskInfoToJson(t, TaskView::kAnonymous).contains("created_by"));
  t.share.show_creator = true;
  const auto info = TaskInfoToJson(t, TaskView::kAnonymous);
  ASSERT_TRUE(info.contains("created_by"));
  EXPECT_EQ(info.at("created_by").as_string(), "owner@example.com");
  EXPECT_FALSE(info.contains("secret_names"));
}

TEST(ShareViewTest, OwnerObjectCarriesTheSettingsAndTheUnchangingUrl) {
  Task t = SharedTask(Visibility::kUnlisted);
  t.share.mode = ShareMode::kPinned;
  t.share.pinned_messages = 4;
  t.share.pinned_at = kNow;
  t.share.expires_at = kNow + 5;
  const std::string live = boost::json::serialize(api::ShareSettingsToJson(t, kNow, "https://s.example"));
  EXPECT_EQ(live, R"({"task_id":"0b7e3c1a-2d4f-4a6b-8c9d-0e1f2a3b4c5d",)"
                  R"("url":"https://s.example/share/0b7e3c1a-2d4f-4a6b-8c9d-0e1f2a3b4c5d",)"
                  R"("visibility":"unlisted","shared":true,"mode":"pinned","pinned_message_count":4,)"
                  R"("pinned_at":")" +
                      FormatRfc3339(kNow) + R"(","expires_at":")" + FormatRfc3339(kNow + 5) +
                      R"(","expired":false,"show_creator":false,"redact":true})");
  const auto later = api::ShareSettingsToJson(t, kNow + 5, "https://s.example");
  EXPECT_TRUE(later.at("expired").as_bool());
}

TEST(ResponseCacheExpiryTest, AnExpiredResponseIsAMissAndItsRefillIsServed) {
  ResponseCache cache(1 << 20);
  const std::string id = "0b7e3c1a-2d4f-4a6b-8c9d-0e1f2a3b4c5d";
  const UnixMicros now = NowMicros();
  auto fill = [&](std::int64_t expires_at) {
    cache.Fill(cache.BeginFill(id), id, CachedView::kShareJson,
               CachedResponse::Make(200, "application/json", "{}", CachedResponse::Policy::kRevalidate, {},
                                    expires_at));
  };
  fill(now + 3'600'000'000);  // an hour ahead
  EXPECT_NE(cache.Get(id, CachedView::kShareJson), nullptr);
  fill(now - 1);
  EXPECT_EQ(cache.Get(id, CachedView::kShareJson), nullptr);
  fill(0);  // never expires
  EXPECT_NE(cache.Get(id, CachedView::kShareJson), nullptr);
}

}  // namespace
}  // namespace taskshare
