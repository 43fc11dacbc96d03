// The storage contract of users' emails, run against every backend like store_test.cc: stored and
// looked up in their normal form (domain/email.h), validated on creation, a duplicate that differs only
// in case refused, and the migration that puts emails stored before in their normal form.
#include <gtest/gtest.h>

#include <string>

#include "store_test_support.h"

namespace taskshare::testing {
namespace {

class StoreEmailsTest : public StoreTest {
 protected:
  Status Create(const std::string& email) {
    return store().CreateUser(NewUser(email), KeyHash("hash-of-" + email));
  }
  // The email stored for the user of the key `key_hash`.
  std::string EmailOf(const std::string& key_hash) {
    Result<User> user = store().FindUserByKeyHash(key_hash);
    EXPECT_TRUE(user.ok()) << Describe(StatusOf(user));
    return user.ok() ? user->email : "";
  }
  // Writes a user, with the key "key-of-ID", past the store, as a version before emails were
  // normalised could have.
  void InsertRaw(const std::string& id, const std::string& email) {
    db_->ExecRaw("INSERT INTO users(id, email, role, team, created_at) VALUES ('" + id + "', '" + email +
                 "', 'user', NULL, 1)");
    db_->ExecRaw("INSERT INTO api_keys(key_hash, user_id, created_at) VALUES ('key-of-" + id + "', '" + id +
                 "', 1)");
  }
};

TEST_P(StoreEmailsTest, StoresAndFindsTheNormalForm) {
  User alice = NewUser("Alice@Example.COM");
  ASSERT_OK(store().CreateUser(alice, KeyHash("hash-a")));
  EXPECT_EQ(EmailOf("hash-a"), "alice@example.com");
  for (const char* spelling : {"alice@example.com", "ALICE@EXAMPLE.COM", "Alice@Example.COM"}) {
    Result<User> found = store().FindUserByEmail(spelling);
    ASSERT_OK(found);
    EXPECT_EQ(found->id, alice.id) << spelling;
    EXPECT_EQ(found->email, "alice@example.com");
  }
  EXPECT_EQ(store().FindUserByEmail("bob@example.com").status().code(), Code::kNotFound);
}

TEST_P(StoreEmailsTest, RefusesAnAddressThatDiffersOnlyInCase) {
  ASSERT_OK(Create("alice@example.com"));
  for (const char* spelling : {"alice@example.com", "ALICE@example.com", "Alice@Example.Com"}) {
    const Status s = Create(spelling);
    EXPECT_EQ(s.code(), Code::kAlreadyExists) << spelling;
    EXPECT_EQ(s.message(), "User already exists");
  }
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM users"), 1);
}

TEST_P(StoreEmailsTest, RefusesInvalidAddressesWritingNothing) {
  for (const char* email : {"", "alice", "alice@localhost", "a@b@example.com", "al ice@example.com",
                            "@example.com", "alice@example..com"}) {
    const Status s = Create(email);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << email;
    EXPECT_TRUE(s.message().starts_with("invalid email address: ")) << s.message();
  }
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM users"), 0);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM api_keys"), 0);
}

// The migration of the key check (SQLite 14, PostgreSQL 11) puts each stored email in its normal form
// unless another user's email differs from it only in case; those keep their spelling, are found by
// it, and block new look-alikes.
TEST_P(StoreEmailsTest, TheMigrationNormalisesStoredEmailsThatCollideWithNone) {
  store_.reset();
  // Back to the schema before that migration, which is re-applied on reopening with every later one
  // (each of those can be applied again, but the quota counts', which is taken away first).
  const int key_check_version = GetParam().name == std::string("Sqlite") ? 14 : 11;
  db_->ExecRaw(UndoQuotaCountsSql(GetParam().name));
  db_->ExecRaw("ALTER TABLE instance_settings DROP COLUMN secrets_key_check");
  db_->ExecRaw("DELETE FROM schema_migrations WHERE version >= " + std::to_string(key_check_version));
  const std::string bob = NewUuidV4(), alice_upper = NewUuidV4(), alice = NewUuidV4(), carol = NewUuidV4(),
                    carol_upper = NewUuidV4(), dave = NewUuidV4(), elise = NewUuidV4();
  InsertRaw(bob, "Bob@Example.COM");
  InsertRaw(alice_upper, "ALICE@EXAMPLE.COM");
  InsertRaw(alice, "alice@example.com");
  InsertRaw(carol, "Carol@X.org");
  InsertRaw(carol_upper, "CAROL@x.org");
  InsertRaw(dave, "dave@x.org");
  InsertRaw(elise, "ÉLISE@X.org");
  Reopen();

  EXPECT_EQ(EmailOf("key-of-" + bob), "bob@example.com");
  EXPECT_EQ(EmailOf("key-of-" + alice_upper), "ALICE@EXAMPLE.COM");
  EXPECT_EQ(EmailOf("key-of-" + alice), "alice@example.com");
  EXPECT_EQ(EmailOf("key-of-" + carol), "Carol@X.org");
  EXPECT_EQ(EmailOf("key-of-" + carol_upper), "CAROL@x.org");
  EXPECT_EQ(EmailOf("key-of-" + dave), "dave@x.org");
  EXPECT_EQ(EmailOf("key-of-" + elise), "Élise@x.org") << "only ASCII letters are folded";

  const auto found = [&](const std::string& email) {
    Result<User> user = store().FindUserByEmail(email);
    return user.ok() ? user->id : "not found";
  };
  EXPECT_EQ(found("BOB@example.com"), bob);
  EXPECT_EQ(found("ALICE@EXAMPLE.COM"), alice) << "the normal form comes first";
  EXPECT_EQ(found("Carol@X.org"), carol);
  EXPECT_EQ(found("CAROL@x.org"), carol_upper);
  EXPECT_EQ(found("carol@x.org"), "not found");
  EXPECT_EQ(found("élise@X.ORG"), "not found");
  EXPECT_EQ(found("ÉLISE@X.ORG"), elise);
  for (const char* taken : {"carol@x.org", "CaRoL@x.org", "BOB@EXAMPLE.COM"}) {
    EXPECT_EQ(Create(taken).code(), Code::kAlreadyExists) << taken;
  }
  ASSERT_OK(Create("erin@x.org"));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreEmailsTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
