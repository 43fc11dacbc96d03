// The one rule for who sees what (api/reader_view.h), on every backend: the owner sees the original,
// every other reader (teammates, support, admins, other users, anonymous viewers) the share view:
// redacted (stored secret values whatever the settings), cut at the pin, without secret_names, without
// created_by unless show_creator. And the list of TaskInfo fields, each either redacted for a reader
// or not free text, so that a field added later cannot be forgotten.
#include "api/reader_view.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "domain/task_json.h"
#include "domain/task_views.h"
#include "secrets/secret_box.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

namespace json = boost::json;

constexpr char kKey[] = "8c1d5f0e2b7a4c9d6e3f1a0b5c8d7e2f4a6b9c0d1e3f5a7b8c9d0e1f2a3b4c5d";
constexpr char kValue[] = "Tr0ub4dor-3-horse";
constexpr char kAws[] = "AKIAIOSFODNN7EXAMPLE";

class ReaderViewTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    box_ = std::move(*secrets::SecretBox::FromHex(kKey));
    owner_ = AddUser("owner@view.test", "red");
    mate_ = AddUser("mate@view.test", "red");
    other_ = AddUser("other@view.test", "blue");
    support_ = AddUser("support@view.test", "help", Role::kSupport);
    admin_ = AddUser("admin@view.test", "ops", Role::kAdmin);
    ASSERT_OK(store().PutSecret(owner_.id, "PW", box_->Seal(owner_.id, "PW", kValue), 1000));
  }

  // A task of the owner's naming the secret PW, whose one message holds its value and a credential.
  std::string MakeTask(Visibility visibility, bool redact = true) {
    Task task = NewTask(owner_, 1'767'225'600'000'000, std::string("deploy ") + kValue);
    task.visibility = visibility;
    task.model = std::string("model-") + kValue;
    task.secret_names = {"PW"};
    Create(task, {Unkeyed(std::string("pw ") + kValue + " key " + kAws)});
    if (visibility == Visibility::kPublic || visibility == Visibility::kUnlisted) {
      ShareRequest request;
      request.visibility = visibility;
      request.redact = redact;
      EXPECT_TRUE(store().ShareTask(task.id, request, 2000).ok());
    }
    return task.id;
  }

  Result<api::ReaderView> View(const std::string& id, const User* reader, UnixMicros now = NowMicros()) {
    secrets::ViewRedactors redactors(box_.get());
    return api::LoadReaderView(store(), redactors, id, reader, now);
  }

  // The GET /api/v1/tasks/{id} body a reader gets.
  static std::string Body(const api::ReaderView& view) {
    return TaskDetailsBody(view.snapshot, view.fields(), !view.owner);
  }

  std::unique_ptr<secrets::SecretBox> box_;
  User owner_, mate_, other_, support_, admin_;
};

TEST_P(ReaderViewTest, TheOwnerAloneSeesTheOriginal) {
  const std::string id = MakeTask(Visibility::kPublic);
  auto view = View(id, &owner_);
  ASSERT_OK(view);
  const std::string body = Body(*view);
  EXPECT_NE(body.find(kValue), std::string::npos);
  EXPECT_NE(body.find(kAws), std::string::npos);
  EXPECT_NE(body.find("\"secret_names\":[\"PW\"]"), std::string::npos) << body;
  EXPECT_NE(body.find("\"created_by\""), std::string::npos) << body;
  EXPECT_EQ(view->redactor, nullptr);
}

TEST_P(ReaderViewTest, EveryOtherReaderSeesTheShareView) {
  struct Case {
    Visibility visibility;
    const User* reader;
    const char* who;
  };
  const std::string pub = MakeTask(Visibility::kPublic);
  const std::string unlisted = MakeTask(Visibility::kUnlisted);
  const std::string team = MakeTask(Visibility::kTeam);
  const std::string support = MakeTask(Visibility::kSupport);
  const std::vector<std::pair<std::string, std::vector<Case>>> cases = {
      {pub,
       {{Visibility::kPublic, nullptr, "anonymous"},
        {Visibility::kPublic, &mate_, "teammate"},
        {Visibility::kPublic, &other_, "other team"},
        {Visibility::kPublic, &support_, "support"},
        {Visibility::kPublic, &admin_, "admin"}}},
      {unlisted,
       {{Visibility::kUnlisted, nullptr, "anonymous"}, {Visibility::kUnlisted, &other_, "other team"}}},
      {team, {{Visibility::kTeam, &mate_, "teammate"}}},
      {support, {{Visibility::kSupport, &support_, "support"}, {Visibility::kSupport, &admin_, "admin"}}},
  };
  for (const auto& [id, readers] : cases) {
    for (const Case& c : readers) {
      auto view = View(id, c.reader);
      ASSERT_OK(view);
      const std::string body = Body(*view);
      EXPECT_EQ(body.find(kValue), std::string::npos) << c.who << ": " << body;
      EXPECT_EQ(body.find(kAws), std::string::npos) << c.who << ": " << body;
      EXPECT_NE(body.find("[REDACTED:secret]"), std::string::npos) << c.who;
      EXPECT_EQ(body.find("secret_names"), std::string::npos) << c.who << ": " << body;
      EXPECT_EQ(body.find("created_by"), std::string::npos) << c.who << ": " << body;
      EXPECT_NE(body.find("\"read_only\":true"), std::string::npos) << c.who;
    }
  }
}

TEST_P(ReaderViewTest, ReadersTheVisibilityTableKeepsOutAreRefused) {
  const std::string team = MakeTask(Visibility::kTeam);
  const std::string priv = MakeTask(Visibility::kPrivate);
  EXPECT_EQ(StatusOf(View(team, &other_)).code(), Code::kForbidden);
  EXPECT_EQ(StatusOf(View(team, nullptr)).code(), Code::kForbidden);
  EXPECT_EQ(StatusOf(View(priv, &admin_)).code(), Code::kForbidden);
  EXPECT_EQ(StatusOf(View(NewUuidV4(), &mate_)).code(), Code::kNotFound);
}

TEST_P(ReaderViewTest, RedactFalseTurnsOffThePatternRulesButNeverTheSecretValues) {
  const std::string id = MakeTask(Visibility::kPublic, /*redact=*/false);
  const std::vector<const User*> readers = {nullptr, &other_};
  for (const User* reader : readers) {
    auto view = View(id, reader);
    ASSERT_OK(view);
    const std::string body = Body(*view);
    EXPECT_EQ(body.find(kValue), std::string::npos) << body;
    EXPECT_NE(body.find(kAws), std::string::npos) << "the pattern rules are off: " << body;
    EXPECT_NE(body.find("\"model\":\"model-[REDACTED:secret]\""), std::string::npos) << body;
  }
}

TEST_P(ReaderViewTest, ThePinAndTheShowCreatorSettingHoldForSignedInReaders) {
  const std::string id = MakeTask(Visibility::kPublic);
  ShareRequest request;
  request.visibility = Visibility::kPublic;
  request.mode = ShareMode::kPinned;
  request.show_creator = true;
  ASSERT_OK(store().ShareTask(id, request, 3000));
  ASSERT_OK(store().AppendMessages(id, {Unkeyed("after the pin")}, 4000));
  auto view = View(id, &mate_);
  ASSERT_OK(view);
  const std::string body = Body(*view);
  EXPECT_EQ(view->snapshot.messages.size(), 1u);
  EXPECT_EQ(body.find("after the pin"), std::string::npos);
  EXPECT_NE(body.find("\"created_by\":\"owner@view.test\""), std::string::npos) << body;
  auto mine = View(id, &owner_);
  ASSERT_OK(mine);
  EXPECT_EQ(mine->snapshot.messages.size(), 2u);
}

// The link's expiry is judged at the time the caller gives (the server's clock), not the wall clock:
// a link that expired long ago by the wall clock opens at a `now` before its expires_at.
TEST_P(ReaderViewTest, ALinkExpiresAtTheTimeTheCallerGives) {
  const std::string id = MakeTask(Visibility::kPublic);
  constexpr UnixMicros kExpiresAt = 1'000'000'000'000'000;  // 2001-09-09, long past
  ShareRequest request;
  request.visibility = Visibility::kPublic;
  request.expires_at = kExpiresAt;
  ASSERT_OK(store().ShareTask(id, request, 3000));
  for (const User* reader : std::initializer_list<const User*>{nullptr, &mate_}) {
    EXPECT_TRUE(View(id, reader, kExpiresAt - 1).ok());
    const Status expired = StatusOf(View(id, reader, kExpiresAt));
    EXPECT_EQ(expired.code(), Code::kForbidden);
    EXPECT_EQ(expired.message(), "This share link has expired");
  }
  EXPECT_TRUE(View(id, &owner_, kExpiresAt + 1).ok()) << "the owner reads it whatever the time";
}

INSTANTIATE_TEST_SUITE_P(Backends, ReaderViewTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param.name; });

// ---- The fields a reader can see ----

// Every key TaskInfoToJson writes for a task with every field set, with a path for nested objects.
void CollectKeys(const json::object& o, const std::string& prefix, std::set<std::string>& keys) {
  for (const auto& member : o) {
    const std::string key = prefix + std::string(member.key());
    keys.insert(key);
    if (member.value().is_object()) CollectKeys(member.value().as_object(), key + ".", keys);
  }
}

// Every string in `v`, at any depth.
void CollectStrings(const json::value& v, std::vector<std::string>& out) {
  if (v.is_string()) out.emplace_back(v.as_string());
  if (v.is_object()) {
    for (const auto& m : v.as_object()) CollectStrings(m.value(), out);
  }
  if (v.is_array()) {
    for (const auto& e : v.as_array()) CollectStrings(e, out);
  }
}

TEST(ReaderViewFieldsTest, EveryServedFieldIsRedactedOrIsNotFreeText) {
  // The fields whose text the owner chooses: each must go through the redactor (reader_view.cc,
  // RedactTaskFields). A secret value can be a UUID, so project_id is among them.
  const std::set<std::string> free_text = {"title", "model", "created_by", "project_id",
                                           "schedule_info.schedule_name"};
  // The rest: the link's own id, enums, numbers, times and ids the server makes or checks as UUIDs.
  const std::set<std::string> not_free_text = {"id",
                                               "status",
                                               "visibility",
                                               "source",
                                               "created_at",
                                               "updated_at",
                                               "is_isolated",
                                               "is_scheduled",
                                               "completion_delivery",
                                               "schedule_info",
                                               "schedule_info.schedule_id",
                                               "schedule_info.schedule_type",
                                               "schedule_info.schedule_status",
                                               "schedule_info.execution_count",
                                               "schedule_info.last_executed_at",
                                               "schedule_info.next_execution_at",
                                               "schedule_info.scan_frequency",
                                               "schedule_info.start_time",
                                               "schedule_info.execution_info",
                                               "schedule_info.execution_info.execution_id",
                                               "schedule_info.execution_info.status",
                                               "schedule_info.execution_info.scheduled_at",
                                               "schedule_info.execution_info.started_at",
                                               "schedule_info.execution_info.completed_at"};
  const std::string uuid_secret = "5f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
  TaskSnapshot snapshot;
  Task& task = snapshot.task;
  task.id = "0f5a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b";
  task.title = std::string("title ") + kValue;
  task.model = std::string("model ") + kValue;
  task.created_by = std::string(kValue) + "@view.test";
  task.project_id = uuid_secret;
  task.completion_delivery = CompletionDelivery::kArtifact;
  task.secret_names = {"PW"};
  task.share.show_creator = true;
  task.schedule_info = FullSchedule();
  task.schedule_info->schedule_name = std::string("nightly ") + kValue;

  std::set<std::string> keys;
  CollectKeys(TaskInfoToJson(task, TaskView::kAnonymous), "", keys);
  std::set<std::string> listed = free_text;
  listed.insert(not_free_text.begin(), not_free_text.end());
  EXPECT_EQ(keys, listed) << "a TaskInfo field was added or removed: decide whether a reader's view must "
                             "redact it (api/reader_view.cc) and list it here";

  api::RedactForViewers(snapshot, {kValue, uuid_secret});
  const json::object shown = TaskInfoToJson(task, TaskView::kAnonymous);
  std::vector<std::string> strings;
  CollectStrings(shown, strings);
  for (const std::string& s : strings) {
    EXPECT_EQ(s.find(kValue), std::string::npos) << s;
    EXPECT_EQ(s.find(uuid_secret), std::string::npos) << s;
  }
  EXPECT_FALSE(shown.contains("project_id")) << "a UUID that is a secret has nothing to stand in for it";
  EXPECT_EQ(shown.at("title"), "title [REDACTED:secret]");
  EXPECT_EQ(shown.at("model"), "model [REDACTED:secret]");
  EXPECT_EQ(shown.at("created_by"), "[REDACTED:secret]@view.test");
  EXPECT_EQ(shown.at("schedule_info").at("schedule_name"), "nightly [REDACTED:secret]");
}

}  // namespace
}  // namespace taskshare::testing
