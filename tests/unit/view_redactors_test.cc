// ViewRedactors (secrets/view_redactors.h) on every backend: a task's redactor is built once and shared
// until its owner's secrets change; a change of one owner's secrets rebuilds only theirs; a redactor over
// the budget is used but not kept; nothing is kept while suspended; errors are never kept.
#include "secrets/view_redactors.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "secrets/secret_box.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

constexpr char kKey[] = "8c1d5f0e2b7a4c9d6e3f1a0b5c8d7e2f4a6b9c0d1e3f5a7b8c9d0e1f2a3b4c5d";
constexpr char kFirst[] = "first-value-0a9b8c";
constexpr char kSecond[] = "second-value-7d6e5f";

class ViewRedactorsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    box_ = std::move(*secrets::SecretBox::FromHex(kKey));
    alice_ = AddUser("alice@redactors.test");
    bob_ = AddUser("bob@redactors.test");
    Put(alice_, "PW", kFirst);
    Put(bob_, "PW", kFirst);
  }

  void Put(const User& owner, const std::string& name, const std::string& value) {
    ASSERT_OK(store().PutSecret(owner.id, name, box_->Seal(owner.id, name, value), 1000));
  }

  Task TaskOf(const User& owner, std::vector<std::string> names, bool redact = true) {
    Task task = NewTask(owner, 1'767'225'600'000'000);
    task.secret_names = std::move(names);
    task.share.redact = redact;
    return Create(task);
  }

  std::shared_ptr<const redact::Redactor> For(secrets::ViewRedactors& redactors, const Task& task) {
    auto r = redactors.For(store(), task);
    EXPECT_TRUE(r.ok()) << Describe(StatusOf(r));
    return r.ok() ? *r : nullptr;
  }

  std::unique_ptr<secrets::SecretBox> box_;
  User alice_, bob_;
};

TEST_P(ViewRedactorsTest, OneRedactorPerOwnerNamesAndSettingsSharedUntilTheOwnersSecretsChange) {
  secrets::ViewRedactors redactors(box_.get());
  const Task a1 = TaskOf(alice_, {"PW"});
  const Task a2 = TaskOf(alice_, {"PW", "PW"});  // the same set of names
  const auto first = For(redactors, a1);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->RedactText(std::string("x ") + kFirst), "x [REDACTED:secret]");
  EXPECT_EQ(For(redactors, a2), first) << "tasks naming the same secrets share one redactor";
  EXPECT_NE(For(redactors, TaskOf(alice_, {"PW"}, false)), first) << "redact: false is another redactor";
  const auto bobs = For(redactors, TaskOf(bob_, {"PW"}));
  EXPECT_NE(bobs, first) << "another owner's secrets are another redactor";
  EXPECT_EQ(redactors.stats().builds, 3U);
  EXPECT_EQ(redactors.stats().hits, 1U);
  EXPECT_GT(redactors.stats().bytes, 0U);

  Put(alice_, "PW", kSecond);  // replaced: both values are now redacted (the first one is retired)
  EXPECT_EQ(For(redactors, a1), first) << "until it is told, it keeps what it built";
  redactors.Forget(alice_.id);
  const auto second = For(redactors, a1);
  EXPECT_NE(second, first);
  EXPECT_EQ(second->RedactText(std::string(kFirst) + " " + kSecond), "[REDACTED:secret] [REDACTED:secret]");
  EXPECT_EQ(For(redactors, TaskOf(bob_, {"PW"})), bobs) << "forgetting one owner keeps the others";
}

TEST_P(ViewRedactorsTest, ATaskNamingNoSecretNeedsNeitherTheStoreNorAKeptRedactor) {
  secrets::ViewRedactors redactors(box_.get());
  EXPECT_EQ(For(redactors, TaskOf(alice_, {})).get(), &redact::Redactor::BuiltIn());
  EXPECT_EQ(For(redactors, TaskOf(alice_, {}, false)), nullptr);
  EXPECT_EQ(redactors.stats().builds, 0U);
  EXPECT_EQ(redactors.stats().kept, 0U);
}

TEST_P(ViewRedactorsTest, ARedactorOverTheBudgetIsUsedButNotKept) {
  secrets::ViewRedactors redactors(box_.get(), 64);
  const Task task = TaskOf(alice_, {"PW"});
  const auto first = For(redactors, task);
  ASSERT_NE(first, nullptr);
  EXPECT_TRUE(first->has_secrets());
  EXPECT_NE(For(redactors, task), first);
  EXPECT_EQ(redactors.stats().builds, 2U);
  EXPECT_EQ(redactors.stats().kept, 0U);
}

TEST_P(ViewRedactorsTest, TheLeastRecentlyUsedAreDroppedBeyondTheBudget) {
  secrets::ViewRedactors probe(box_.get());
  const Task a = TaskOf(alice_, {"PW"});
  const std::size_t one = For(probe, a)->memory_bytes();
  secrets::ViewRedactors redactors(box_.get(), one + one / 2 + 200);  // room for one, not two
  const auto kept = For(redactors, a);
  For(redactors, TaskOf(bob_, {"PW"}));
  EXPECT_EQ(redactors.stats().kept, 1U);
  EXPECT_NE(For(redactors, a), kept) << "alice's was the least recently used";
}

TEST_P(ViewRedactorsTest, NothingIsKeptWhileSuspended) {
  secrets::ViewRedactors redactors(box_.get());
  const Task task = TaskOf(alice_, {"PW"});
  const auto before = For(redactors, task);
  redactors.Suspend();
  EXPECT_EQ(redactors.stats().kept, 0U);
  const auto during = For(redactors, task);
  EXPECT_NE(during, before);
  EXPECT_NE(For(redactors, task), during);
  redactors.Resume();
  const auto after = For(redactors, task);
  EXPECT_EQ(For(redactors, task), after);
  redactors.ForgetAll();
  EXPECT_NE(For(redactors, task), after);
}

TEST_P(ViewRedactorsTest, ASecretThatCannotBeOpenedIsAnErrorEveryTime) {
  secrets::ViewRedactors keyless(nullptr);
  const Task task = TaskOf(alice_, {"PW"});
  for (int i = 0; i < 2; ++i) {
    auto r = keyless.For(store(), task);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kUnavailable);
  }
  EXPECT_EQ(keyless.stats().kept, 0U);
  EXPECT_EQ(keyless.stats().builds, 2U);
}

INSTANTIATE_TEST_SUITE_P(Backends, ViewRedactorsTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
