// ShowTask (api/reader_view.h), the one decision of what a reader sees, on its own: no store, a form
// of the messages that records what it is asked, and a redactor source that counts its calls. The
// owner gets the original without a redactor being built; a refusal names its Reason and builds none;
// a form that cannot cut at the pin, or redact, declines the whole view.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "api/reader_view.h"

namespace taskshare::api {
namespace {

constexpr UnixMicros kNow = 1'767'225'600'000'000;

template <typename T>
Status StatusOrOk(const Result<T>& r) {
  return r.ok() ? Status::Ok() : r.status();
}

// Records the steps ShowTask takes; accepts them unless told not to.
class RecordingMessages : public MessagesToShow {
 public:
  bool KeepFirst(std::size_t count) override {
    kept = count;
    return can_cut;
  }
  bool Redact(const redact::Redactor& redactor) override {
    redacted_with = &redactor;
    return can_redact;
  }

  bool can_cut = true;
  bool can_redact = true;
  std::optional<std::size_t> kept;
  const redact::Redactor* redacted_with = nullptr;
};

User MakeUser(std::string id, std::optional<std::string> team, Role role = Role::kUser) {
  User u;
  u.id = std::move(id);
  u.team = std::move(team);
  u.role = role;
  return u;
}

Task MakeTask(Visibility visibility) {
  Task t;
  t.id = "0f5a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b";
  t.owner_id = "owner";
  t.owner_team = "red";
  t.created_by = "owner@example.com";
  t.title = "key AKIAIOSFODNN7EXAMPLE";
  t.visibility = visibility;
  t.updated_at = kNow;
  return t;
}

class ShowTaskTest : public ::testing::Test {
 protected:
  Result<ShownTask> Show(Task& task, const User* reader) {
    return ShowTask(task, messages_, reader, kNow,
                    [this](const Task&) -> Result<std::shared_ptr<const redact::Redactor>> {
                      ++asked_;
                      if (!redactor_error_.ok()) return redactor_error_;
                      return std::shared_ptr<const redact::Redactor>(std::shared_ptr<void>(),
                                                                     &redact::Redactor::BuiltIn());
                    });
  }

  RecordingMessages messages_;
  int asked_ = 0;
  Status redactor_error_;
  const User owner_ = MakeUser("owner", "red");
  const User mate_ = MakeUser("mate", "red");
  const User stranger_ = MakeUser("stranger", "blue");
};

TEST_F(ShowTaskTest, TheOwnerGetsTheOriginalAndNoRedactorIsBuilt) {
  Task task = MakeTask(Visibility::kPublic);
  task.share.mode = ShareMode::kPinned;
  task.share.pinned_messages = 1;
  task.share.pinned_at = kNow - 10;
  task.share.expires_at = kNow - 1;  // expired for everyone else
  const Task stored = task;
  auto shown = Show(task, &owner_);
  ASSERT_TRUE(shown.ok()) << shown.status().message();
  EXPECT_TRUE(shown->owner);
  EXPECT_EQ(shown->fields(), TaskView::kFull);
  EXPECT_EQ(shown->redactor, nullptr);
  EXPECT_EQ(task.title, stored.title);
  EXPECT_EQ(task.updated_at, stored.updated_at);
  EXPECT_FALSE(messages_.kept.has_value());
  EXPECT_EQ(messages_.redacted_with, nullptr);
  EXPECT_EQ(asked_, 0);
}

TEST_F(ShowTaskTest, RefusalsNameTheirReasonAndBuildNoRedactor) {
  for (Visibility v : {Visibility::kPrivate, Visibility::kTeam, Visibility::kSupport}) {
    Task task = MakeTask(v);
    const Status refused = StatusOrOk(Show(task, nullptr));
    EXPECT_EQ(refused.code(), Code::kForbidden);
    EXPECT_EQ(refused.reason(), Reason::kNotShared);
  }
  Task expired = MakeTask(Visibility::kUnlisted);
  expired.share.expires_at = kNow;
  for (const User* reader : {static_cast<const User*>(nullptr), &mate_, &stranger_}) {
    Task task = expired;
    const Status refused = StatusOrOk(Show(task, reader));
    EXPECT_EQ(refused.code(), Code::kForbidden);
    EXPECT_EQ(refused.reason(), Reason::kShareExpired);
  }
  Task team = MakeTask(Visibility::kTeam);
  const Status kept_out = StatusOrOk(Show(team, &stranger_));
  EXPECT_EQ(kept_out.code(), Code::kForbidden);
  EXPECT_EQ(kept_out.reason(), Reason::kNotReadable);
  EXPECT_EQ(asked_, 0);
  EXPECT_EQ(messages_.redacted_with, nullptr);
}

TEST_F(ShowTaskTest, EveryoneElseGetsThePinnedRedactedView) {
  Task task = MakeTask(Visibility::kTeam);
  task.share.mode = ShareMode::kPinned;
  task.share.pinned_messages = 2;
  task.share.pinned_at = kNow - 10;
  auto shown = Show(task, &mate_);
  ASSERT_TRUE(shown.ok()) << shown.status().message();
  EXPECT_FALSE(shown->owner);
  EXPECT_FALSE(shown->declined);
  EXPECT_EQ(shown->fields(), TaskView::kAnonymous);
  EXPECT_EQ(messages_.kept, std::optional<std::size_t>(2));
  EXPECT_EQ(task.updated_at, kNow - 10) << "nothing said after the pin shows, not even that something was";
  EXPECT_EQ(messages_.redacted_with, &redact::Redactor::BuiltIn());
  EXPECT_EQ(task.title.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos) << task.title;
  EXPECT_EQ(asked_, 1);
}

TEST_F(ShowTaskTest, AFormThatCannotTakeAStepDeclinesTheView) {
  Task pinned = MakeTask(Visibility::kPublic);
  pinned.share.mode = ShareMode::kPinned;
  pinned.share.pinned_messages = 3;
  messages_.can_cut = false;
  auto cut = Show(pinned, nullptr);
  ASSERT_TRUE(cut.ok());
  EXPECT_TRUE(cut->declined);
  EXPECT_EQ(asked_, 0) << "no redactor is built for a view that is not served";

  messages_.can_cut = true;
  messages_.can_redact = false;
  Task live = MakeTask(Visibility::kPublic);
  auto redacted = Show(live, nullptr);
  ASSERT_TRUE(redacted.ok());
  EXPECT_TRUE(redacted->declined);
}

TEST_F(ShowTaskTest, ARedactorThatCannotBeBuiltWithholdsTheView) {
  redactor_error_ =
      Status::Unavailable("The task's secrets cannot be read on this server; its share link is withheld");
  Task task = MakeTask(Visibility::kPublic);
  const Status withheld = StatusOrOk(Show(task, nullptr));
  EXPECT_EQ(withheld.code(), Code::kUnavailable);
  EXPECT_EQ(messages_.redacted_with, nullptr);
}

}  // namespace
}  // namespace taskshare::api
