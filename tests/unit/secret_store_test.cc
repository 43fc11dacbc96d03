// The storage contract of secrets and share view counts, run against every backend in Backends(), and
// what is made of them: the values of a task's secrets (secrets/task_secrets.h) and that no value is
// ever stored in the clear.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "api/secrets_api.h"
#include "common/ids.h"
#include "common/time.h"
#include "secrets/secret_box.h"
#include "secrets/task_secrets.h"
#include "storage/store.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

constexpr char kKey[] = "8c1d5f0e2b7a4c9d6e3f1a0b5c8d7e2f4a6b9c0d1e3f5a7b8c9d0e1f2a3b4c5d";
constexpr char kOtherKey[] = "1c1d5f0e2b7a4c9d6e3f1a0b5c8d7e2f4a6b9c0d1e3f5a7b8c9d0e1f2a3b4c5d";

std::unique_ptr<secrets::SecretBox> Box(const char* hex) {
  return std::move(*secrets::SecretBox::FromHex(hex));
}

std::vector<std::string> Names(const std::vector<SecretInfo>& list) {
  std::vector<std::string> names;
  for (const SecretInfo& s : list) names.push_back(s.name);
  return names;
}

// Each sealed value as "name=sealed", sorted, so that lists compare whatever order the values of one
// name come in (the order of names is checked apart).
std::vector<std::string> SealedValues(const std::vector<SealedSecret>& list) {
  std::vector<std::string> out;
  for (const SealedSecret& s : list) out.push_back(s.name + "=" + s.sealed);
  std::sort(out.begin(), out.end());
  return out;
}

class SecretStoreTest : public StoreTest {};

TEST_P(SecretStoreTest, PutListAndDeleteArePerOwner) {
  const User ana = AddUser("ana@secrets.test");
  const User bob = AddUser("bob@secrets.test");
  auto put = store().PutSecret(ana.id, "b_token", "sealed-b", 1000);
  ASSERT_OK(put);
  EXPECT_EQ(put->name, "b_token");
  EXPECT_EQ(put->created_at, 1000);
  EXPECT_EQ(put->updated_at, 1000);
  ASSERT_OK(store().PutSecret(ana.id, "A.key", "sealed-a", 1100));
  ASSERT_OK(store().PutSecret(ana.id, "a-key", "sealed-a2", 1200));
  ASSERT_OK(store().PutSecret(bob.id, "b_token", "sealed-bob", 1300));

  auto listed = store().ListSecrets(ana.id);
  ASSERT_OK(listed);
  EXPECT_EQ(Names(*listed), (std::vector<std::string>{"A.key", "a-key", "b_token"})) << "byte order";
  auto sealed = store().ListSealedSecrets(bob.id);
  ASSERT_OK(sealed);
  ASSERT_EQ(sealed->size(), 1u);
  EXPECT_EQ((*sealed)[0].name, "b_token");
  EXPECT_EQ((*sealed)[0].sealed, "sealed-bob");

  ASSERT_OK(store().DeleteSecret(ana.id, "b_token"));
  EXPECT_EQ(store().DeleteSecret(ana.id, "b_token").code(), Code::kNotFound);
  EXPECT_EQ(store().DeleteSecret(ana.id, "nothing").code(), Code::kNotFound);
  EXPECT_EQ(Names(*store().ListSecrets(ana.id)), (std::vector<std::string>{"A.key", "a-key"}));
  EXPECT_EQ(Names(*store().ListSecrets(bob.id)), (std::vector<std::string>{"b_token"}));
  EXPECT_TRUE(store().ListSecrets(NewUuidV4())->empty());
}

TEST_P(SecretStoreTest, PutReplacesTheValueAndKeepsCreatedAt) {
  const User ana = AddUser("ana@secrets.test");
  ASSERT_OK(store().PutSecret(ana.id, "TOKEN", "first", 1000));
  auto replaced = store().PutSecret(ana.id, "TOKEN", "second", 2000);
  ASSERT_OK(replaced);
  EXPECT_EQ(replaced->created_at, 1000);
  EXPECT_EQ(replaced->updated_at, 2000);
  Reopen();
  auto sealed = store().ListSealedSecrets(ana.id);
  ASSERT_OK(sealed);
  EXPECT_EQ(SealedValues(*sealed), (std::vector<std::string>{"TOKEN=first", "TOKEN=second"}));
  auto listed = store().ListSecrets(ana.id);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].created_at, 1000);
  EXPECT_EQ((*listed)[0].updated_at, 2000);
}

// Transcripts keep what they hold: every value a secret ever had stays stored, sealed, for the share
// views to redact, after the secret is deleted or given another value. Only current secrets are listed.
TEST_P(SecretStoreTest, DeletedAndReplacedValuesAreKeptSealed) {
  const User ana = AddUser("ana@secrets.test");
  const User bob = AddUser("bob@secrets.test");
  ASSERT_OK(store().PutSecret(ana.id, "TOKEN", "sealed-1", 1000));
  ASSERT_OK(store().PutSecret(ana.id, "TOKEN", "sealed-2", 2000));
  ASSERT_OK(store().PutSecret(ana.id, "KEPT", "sealed-k", 2100));
  ASSERT_OK(store().PutSecret(ana.id, "GONE", "sealed-g", 2200));
  ASSERT_OK(store().DeleteSecret(ana.id, "GONE"));
  EXPECT_EQ(store().DeleteSecret(ana.id, "GONE").code(), Code::kNotFound);
  EXPECT_EQ(store().DeleteSecret(ana.id, "NEVER").code(), Code::kNotFound);
  ASSERT_OK(store().PutSecret(bob.id, "TOKEN", "sealed-bob", 1));
  Reopen();

  EXPECT_EQ(Names(*store().ListSecrets(ana.id)), (std::vector<std::string>{"KEPT", "TOKEN"}));
  auto sealed = store().ListSealedSecrets(ana.id);
  ASSERT_OK(sealed);
  EXPECT_EQ(SealedValues(*sealed),
            (std::vector<std::string>{"GONE=sealed-g", "KEPT=sealed-k", "TOKEN=sealed-1", "TOKEN=sealed-2"}));
  std::vector<std::string> in_order;
  for (const SealedSecret& s : *sealed)
    in_order.push_back(s.name + "=" + s.sealed + (s.retired ? " retired" : ""));
  EXPECT_EQ(in_order, (std::vector<std::string>{"GONE=sealed-g retired", "KEPT=sealed-k", "TOKEN=sealed-2",
                                                "TOKEN=sealed-1 retired"}))
      << "by name in byte order, the current value first";
  EXPECT_EQ(SealedValues(*store().ListSealedSecrets(bob.id)), std::vector<std::string>{"TOKEN=sealed-bob"});

  // A put of the very same sealed bytes retires nothing; deleting again after a new put retires that
  // value too.
  ASSERT_OK(store().PutSecret(ana.id, "KEPT", "sealed-k", 2900));
  ASSERT_OK(store().PutSecret(ana.id, "GONE", "sealed-g2", 3000));
  ASSERT_OK(store().DeleteSecret(ana.id, "GONE"));
  EXPECT_EQ(SealedValues(*store().ListSealedSecrets(ana.id)),
            (std::vector<std::string>{"GONE=sealed-g", "GONE=sealed-g2", "KEPT=sealed-k", "TOKEN=sealed-1",
                                      "TOKEN=sealed-2"}));
}

// Puts of one name racing each other take turns: each value but the last one stored is retired, none
// is lost.
TEST_P(SecretStoreTest, RacingPutsOfOneNameLoseNoValue) {
  const User ana = AddUser("ana@secrets.test");
  constexpr int kThreads = 6;
  std::vector<std::thread> threads;
  std::vector<std::string> expected;
  for (int t = 0; t < kThreads; ++t) {
    expected.push_back("TOKEN=sealed-" + std::to_string(t));
    threads.emplace_back([&, t] {
      const Status s = StatusOf(store().PutSecret(ana.id, "TOKEN", "sealed-" + std::to_string(t), t));
      EXPECT_TRUE(s.ok()) << Describe(s);
    });
  }
  for (auto& th : threads) th.join();
  auto sealed = store().ListSealedSecrets(ana.id);
  ASSERT_OK(sealed);
  EXPECT_EQ(SealedValues(*sealed), expected);
  EXPECT_EQ(std::count_if(sealed->begin(), sealed->end(), [](const SealedSecret& s) { return !s.retired; }),
            1);
}

TEST_P(SecretStoreTest, ATaskKeepsTheValuesItsSecretsEverHad) {
  const User ana = AddUser("ana@secrets.test");
  auto box = Box(kKey);
  ASSERT_OK(store().PutSecret(ana.id, "TOKEN", box->Seal(ana.id, "TOKEN", "token-value-1"), 1));
  ASSERT_OK(store().PutSecret(ana.id, "TOKEN", box->Seal(ana.id, "TOKEN", "token-value-2"), 2));
  ASSERT_OK(store().PutSecret(ana.id, "OLD", box->Seal(ana.id, "OLD", "old-value"), 3));
  ASSERT_OK(store().DeleteSecret(ana.id, "OLD"));
  Task task = NewTask(ana, 1000);
  task.secret_names = {"TOKEN", "OLD"};
  auto values = secrets::SecretValuesOf(store(), box.get(), task);
  ASSERT_OK(values);
  std::sort(values->begin(), values->end());
  EXPECT_EQ(*values, (std::vector<std::string>{"old-value", "token-value-1", "token-value-2"}));

  // A retired value that cannot be opened withholds the share like a current one.
  task.secret_names = {"OLD"};
  const auto other_key = Box(kOtherKey);
  auto refused = secrets::SecretValuesOf(store(), other_key.get(), task);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kUnavailable);
}

TEST_P(SecretStoreTest, TheApiStoresValuesOnlySealed) {
  const User ana = AddUser("ana@secrets.test");
  auto box = Box(kKey);
  const std::string value = "plaintext-marker-4f9a7c";
  const api::Response r = api::CreateSecret(store(), box.get(), Quotas{}, ana,
                                            R"({"name": "TOKEN", "value": ")" + value + "\"}", NowMicros());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.body.find(value), std::string::npos);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM secrets"), 1);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM secrets WHERE sealed LIKE '%plaintext-marker%'"), 0);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM secrets WHERE sealed LIKE '%4f9a7c%'"), 0);
  auto sealed = store().ListSealedSecrets(ana.id);
  ASSERT_OK(sealed);
  EXPECT_EQ(*box->Open(ana.id, "TOKEN", (*sealed)[0].sealed), value);

  const api::Response list = api::ListSecrets(store(), ana);
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(value), std::string::npos);
  EXPECT_NE(list.body.find("\"TOKEN\""), std::string::npos);
  EXPECT_EQ(
      api::CreateSecret(store(), nullptr, Quotas{}, ana, R"({"name": "T", "value": "abcdefgh"})", NowMicros())
          .status,
      503);
}

TEST_P(SecretStoreTest, ATaskGetsTheValuesOfTheSecretsItNames) {
  const User ana = AddUser("ana@secrets.test");
  const User bob = AddUser("bob@secrets.test");
  auto box = Box(kKey);
  ASSERT_OK(store().PutSecret(ana.id, "TOKEN", box->Seal(ana.id, "TOKEN", "ana-token-value"), 1));
  ASSERT_OK(store().PutSecret(ana.id, "OTHER", box->Seal(ana.id, "OTHER", "not-named-value"), 1));
  ASSERT_OK(store().PutSecret(bob.id, "BOBS", box->Seal(bob.id, "BOBS", "bob-value"), 1));
  Task task = NewTask(ana, 1000);
  task.secret_names = {"TOKEN", "BOBS", "UNKNOWN"};
  auto values = secrets::SecretValuesOf(store(), box.get(), task);
  ASSERT_OK(values);
  EXPECT_EQ(*values, std::vector<std::string>{"ana-token-value"}) << "only the owner's, only those named";

  task.secret_names = {"UNKNOWN"};
  EXPECT_TRUE(secrets::SecretValuesOf(store(), nullptr, task)->empty())
      << "nothing stored: nothing to redact";
  task.secret_names = {};
  EXPECT_TRUE(secrets::SecretValuesOf(store(), nullptr, task)->empty());

  task.secret_names = {"TOKEN"};
  const auto other_key = Box(kOtherKey);
  for (const secrets::SecretBox* wrong : std::vector<const secrets::SecretBox*>{nullptr, other_key.get()}) {
    auto refused = secrets::SecretValuesOf(store(), wrong, task);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), Code::kUnavailable);
    EXPECT_NE(refused.status().detail().find("TOKEN"), std::string::npos);
    EXPECT_EQ(refused.status().detail().find("ana-token-value"), std::string::npos);
  }
}

TEST_P(SecretStoreTest, ViewCountsAddUpPerTaskAndGoWithTheTask) {
  const User ana = AddUser("ana@secrets.test");
  const Task a = Create(NewTask(ana, 1000));
  const Task b = Create(NewTask(ana, 1001));
  auto none = store().GetShareViews(a.id);
  ASSERT_OK(none);
  EXPECT_EQ(none->views, 0);
  EXPECT_FALSE(none->last_viewed_at.has_value());

  ASSERT_OK(store().AddShareViews({{a.id, 3, 5000}, {b.id, 1, 7000}, {NewUuidV4(), 9, 9000}}));
  ASSERT_OK(store().AddShareViews({{a.id, 2, 4000}}));
  ASSERT_OK(store().AddShareViews({}));
  auto got = store().GetShareViews(a.id);
  ASSERT_OK(got);
  EXPECT_EQ(got->views, 5);
  EXPECT_EQ(got->last_viewed_at, 5000) << "the latest view is kept";
  EXPECT_EQ(store().GetShareViews(b.id)->views, 1);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM share_views"), 2) << "counts of unknown tasks are dropped";

  ASSERT_OK(store().DeleteTask(a.id));
  EXPECT_EQ(store().GetShareViews(a.id)->views, 0);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM share_views"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, SecretStoreTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param.name; });

std::string FileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(SqliteSecretsTest, NoFileOfTheDatabaseHoldsAValue) {
  TempDir dir;
  const std::filesystem::path db = dir.path() / "s.db";
  auto opened = OpenStore(UrlOptions("sqlite:" + db.string()));
  ASSERT_OK(opened);
  Store& store = **opened;
  User ana = NewUser("ana@secrets.test");
  ASSERT_OK(store.CreateUser(ana, KeyHash("hash")));
  auto box = Box(kKey);
  const std::string value = "file-scan-marker-0b7e31d2";
  ASSERT_EQ(api::CreateSecret(store, box.get(), Quotas{}, ana,
                              R"({"name": "TOKEN", "value": ")" + value + "\"}", NowMicros())
                .status,
            201);
  ASSERT_EQ(api::CreateSecret(store, box.get(), Quotas{}, ana,
                              R"({"name": "TOKEN", "value": ")" + value + "-2\"}", NowMicros())
                .status,
            201);
  std::string all;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const std::string bytes = FileBytes(entry.path());
    EXPECT_EQ(bytes.find("file-scan-marker"), std::string::npos) << entry.path();
    all += bytes;
  }
  EXPECT_NE(all.find("TOKEN"), std::string::npos)
      << "the scan reads what was written (names are kept in the clear)";
}

}  // namespace
}  // namespace taskshare::testing
