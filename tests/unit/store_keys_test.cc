// The storage contract of API keys, run against every backend like store_test.cc: the prefix and
// creation time kept beside each hash, and rotation that replaces every key of a user at once.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "store_test_support.h"

namespace taskshare::testing {
namespace {

class StoreKeysTest : public StoreTest {
 protected:
  // How many keys `user` has, read past the store.
  std::int64_t KeyCount(const User& user) {
    return db_->QueryInt("SELECT COUNT(*) FROM api_keys WHERE user_id = '" + user.id + "'");
  }
  void ExpectKeyFinds(const std::string& hash, const User& user) {
    Result<User> found = store().FindUserByKeyHash(hash);
    ASSERT_OK(found);
    EXPECT_EQ(found->id, user.id) << hash;
  }
  void ExpectKeyFindsNobody(const std::string& hash) {
    EXPECT_EQ(store().FindUserByKeyHash(hash).status().code(), Code::kNotFound) << hash;
  }
};

TEST_P(StoreKeysTest, CreateUserKeepsThePrefixAndCreationTimeOfItsKey) {
  User user = NewUser("ana@example.com");
  user.created_at = 1'767'225'600'000'001;
  ASSERT_OK(store().CreateUser(
      user,
      StoredApiKey{.key_hash = "hash-a", .prefix = "neo_sk_abcde", .created_at = 1'767'225'600'123'456}));
  Result<ApiKeyInfo> key = store().GetApiKey(user.id);
  ASSERT_OK(key);
  EXPECT_EQ(key->prefix, "neo_sk_abcde");
  EXPECT_EQ(key->created_at, 1'767'225'600'123'456);
  ExpectKeyFinds("hash-a", user);
  EXPECT_EQ(store().GetApiKey(NewUuidV4()).status().code(), Code::kNotFound);
}

// Keys made before the prefix was stored (schema migration 4) have none.
TEST_P(StoreKeysTest, AKeyWithoutAStoredPrefixHasNone) {
  const User user = AddUser("old@example.com");
  Result<ApiKeyInfo> key = store().GetApiKey(user.id);
  ASSERT_OK(key);
  EXPECT_EQ(key->prefix, std::nullopt);
  EXPECT_EQ(key->created_at, user.created_at);

  const User other = NewUser("new@example.com");
  ASSERT_OK(store().CreateUser(
      other, StoredApiKey{.key_hash = "hash-n", .prefix = "neo_sk_zzzzz", .created_at = 7}));
  db_->ExecRaw("UPDATE api_keys SET prefix = NULL WHERE key_hash = 'hash-n'");
  key = store().GetApiKey(other.id);
  ASSERT_OK(key);
  EXPECT_EQ(key->prefix, std::nullopt);
  EXPECT_EQ(key->created_at, 7);
}

TEST_P(StoreKeysTest, RotationReplacesEveryKeyOfTheUserAndNoOtherKey) {
  const User user = AddUser("ana@example.com");
  const User bystander = AddUser("bob@example.com");
  // A database made by hand may hold a second key for the user; rotation removes it too.
  db_->ExecRaw("INSERT INTO api_keys(key_hash, user_id, created_at) VALUES ('hash-extra', '" + user.id +
               "', 5)");
  ASSERT_EQ(KeyCount(user), 2);

  // Any key of the user authorizes the rotation, and every one goes.
  ASSERT_OK(store().RotateApiKey(
      user.id, "hash-extra",
      StoredApiKey{.key_hash = "hash-new", .prefix = "neo_sk_new00", .created_at = 1'800'000'000'000'000}));
  ExpectKeyFindsNobody("hash-of-ana@example.com");
  ExpectKeyFindsNobody("hash-extra");
  ExpectKeyFinds("hash-new", user);
  ExpectKeyFinds("hash-of-bob@example.com", bystander);
  EXPECT_EQ(KeyCount(user), 1);
  Result<ApiKeyInfo> key = store().GetApiKey(user.id);
  ASSERT_OK(key);
  EXPECT_EQ(key->prefix, "neo_sk_new00");
  EXPECT_EQ(key->created_at, 1'800'000'000'000'000);

  // And again: each rotation leaves only the latest key.
  ASSERT_OK(store().RotateApiKey(
      user.id, "hash-new",
      StoredApiKey{.key_hash = "hash-newer", .prefix = "neo_sk_new01", .created_at = 1}));
  ExpectKeyFindsNobody("hash-new");
  ExpectKeyFinds("hash-newer", user);
  EXPECT_EQ(KeyCount(user), 1);
  EXPECT_EQ(store().GetApiKey(user.id)->prefix, "neo_sk_new01");
}

TEST_P(StoreKeysTest, ARotationWithoutACurrentKeyReplacesWhateverKeysTheUserHas) {
  const User user = AddUser("ana@example.com");
  const User bystander = AddUser("bob@example.com");
  db_->ExecRaw("INSERT INTO api_keys(key_hash, user_id, created_at) VALUES ('hash-extra', '" + user.id +
               "', 5)");
  ASSERT_OK(
      store().RotateApiKey(user.id, std::nullopt,
                           StoredApiKey{.key_hash = "hash-new", .prefix = "neo_sk_new00", .created_at = 7}));
  ExpectKeyFindsNobody("hash-of-ana@example.com");
  ExpectKeyFindsNobody("hash-extra");
  ExpectKeyFinds("hash-new", user);
  ExpectKeyFinds("hash-of-bob@example.com", bystander);
  EXPECT_EQ(KeyCount(user), 1);
  EXPECT_EQ(KeyCount(bystander), 1);
  // A user who does not exist gets no key.
  const std::string nobody = NewUuidV4();
  EXPECT_FALSE(store().RotateApiKey(nobody, std::nullopt, StoredApiKey{.key_hash = "hash-orphan"}).ok());
  ExpectKeyFindsNobody("hash-orphan");
}

TEST_P(StoreKeysTest, RotationForAnUnknownUserIsNotFoundAndStoresNothing) {
  AddUser("ana@example.com");
  for (const std::string& user_id : {NewUuidV4(), std::string()}) {
    const Status s =
        store().RotateApiKey(user_id, "hash-of-ana@example.com",
                             StoredApiKey{.key_hash = "hash-ghost", .prefix = "p", .created_at = 1});
    EXPECT_EQ(s.code(), Code::kNotFound);
    EXPECT_EQ(s.message(), "API key not found");
  }
  ExpectKeyFindsNobody("hash-ghost");
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM api_keys WHERE key_hash = 'hash-ghost'"), 0);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM api_keys"), 1);
}

// A rotation is authorized by a key of the user that is still current when it commits: not one that
// an earlier rotation retired, nor another user's.
TEST_P(StoreKeysTest, RotationByAKeyThatIsNotTheUsersAnyMoreChangesNothing) {
  const User user = AddUser("ana@example.com");
  const User other = AddUser("bob@example.com");
  ASSERT_OK(
      store().RotateApiKey(user.id, "hash-of-ana@example.com",
                           StoredApiKey{.key_hash = "hash-1", .prefix = "neo_sk_one00", .created_at = 10}));
  for (const char* stale : {"hash-of-ana@example.com", "hash-of-bob@example.com", "hash-unknown"}) {
    const Status s = store().RotateApiKey(
        user.id, stale, StoredApiKey{.key_hash = "hash-2", .prefix = "neo_sk_two00", .created_at = 20});
    EXPECT_EQ(s.code(), Code::kNotFound) << stale;
    EXPECT_EQ(s.message(), "API key not found") << stale;
  }
  ExpectKeyFinds("hash-1", user);
  ExpectKeyFinds("hash-of-bob@example.com", other);
  ExpectKeyFindsNobody("hash-2");
  EXPECT_EQ(KeyCount(user), 1);
  EXPECT_EQ(store().GetApiKey(user.id)->prefix, "neo_sk_one00");
}

// The rotation deletes the old key before it inserts the new one; when the insert fails the delete
// must be rolled back with it, so the user keeps a working key.
TEST_P(StoreKeysTest, AFailedRotationLeavesTheOldKeyWorking) {
  const User user = AddUser("ana@example.com");
  const User other = AddUser("bob@example.com");
  const Status s = store().RotateApiKey(
      user.id, "hash-of-ana@example.com",
      StoredApiKey{.key_hash = "hash-of-bob@example.com", .prefix = "neo_sk_clash", .created_at = 99});
  EXPECT_EQ(s.code(), Code::kAlreadyExists);
  ExpectKeyFinds("hash-of-ana@example.com", user);
  ExpectKeyFinds("hash-of-bob@example.com", other);
  EXPECT_EQ(KeyCount(user), 1);
  Result<ApiKeyInfo> key = store().GetApiKey(user.id);
  ASSERT_OK(key);
  EXPECT_EQ(key->prefix, std::nullopt);
  EXPECT_EQ(key->created_at, user.created_at);
}

TEST_P(StoreKeysTest, ANewUserCannotTakeAStoredKey) {
  const User user = AddUser("ana@example.com");
  const Status s = store().CreateUser(NewUser("bob@example.com"), KeyHash("hash-of-ana@example.com"));
  EXPECT_EQ(s.code(), Code::kAlreadyExists);
  EXPECT_EQ(store().FindUserByEmail("bob@example.com").status().code(), Code::kNotFound);
  ExpectKeyFinds("hash-of-ana@example.com", user);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreKeysTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
