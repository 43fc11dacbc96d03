// The storage contract of browser sessions and sign-in attempts (domain/session.h), and of the change
// of a user's access that ends their sessions, run against every backend like store_test.cc.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "recording_listener.h"
#include "store_test_support.h"

namespace taskshare::testing {
namespace {

class StoreSessionsTest : public StoreTest {
 protected:
  void TearDown() override { store_.reset(); }  // before listener_ goes

  // A session of `user` made at 1000, idle after 2000, over at 5000 unless told otherwise.
  static Session NewSession(const User& user, const std::string& id_hash, UnixMicros created_at = 1000,
                            UnixMicros idle_expires_at = 2000, UnixMicros expires_at = 5000) {
    return {.id_hash = id_hash,
            .user_id = user.id,
            .created_at = created_at,
            .idle_expires_at = idle_expires_at,
            .expires_at = expires_at};
  }
  static SignInAttempt NewAttempt(const std::string& state_hash, UnixMicros expires_at = 5000) {
    return {.state_hash = state_hash,
            .nonce = "nonce-of-" + state_hash,
            .code_verifier = "verifier-of-" + state_hash,
            .return_to = "/tasks?after=" + state_hash,
            .expires_at = expires_at};
  }

  Code FindCode(const std::string& id_hash, UnixMicros now) {
    return StatusOf(store().FindSession(id_hash, now)).code();
  }
  void ExpectFound(const std::string& id_hash, UnixMicros now, const User& user) {
    Result<SessionUser> found = store().FindSession(id_hash, now);
    ASSERT_OK(found);
    EXPECT_EQ(found->session.id_hash, id_hash);
    EXPECT_EQ(found->session.user_id, user.id);
    EXPECT_EQ(found->user.id, user.id);
  }
  std::int64_t Count(const std::string& table) { return db_->QueryInt("SELECT COUNT(*) FROM " + table); }
  // The version of the migration that made the two tables.
  std::string SessionsMigration() const { return GetParam().name == "Sqlite" ? "17" : "15"; }

  RecordingListener listener_;
};

TEST_P(StoreSessionsTest, ASessionIsFoundWithItsUserAsStoredNow) {
  const User ana = AddUser("ana@example.com", "red", Role::kSupport);
  ASSERT_OK(store().CreateSession(NewSession(ana, "hash-a", 1000, 2000, 5000)));
  Result<SessionUser> found = store().FindSession("hash-a", 1500);
  ASSERT_OK(found);
  EXPECT_EQ(found->session.id_hash, "hash-a");
  EXPECT_EQ(found->session.user_id, ana.id);
  EXPECT_EQ(found->session.created_at, 1000);
  EXPECT_EQ(found->session.idle_expires_at, 2000);
  EXPECT_EQ(found->session.expires_at, 5000);
  EXPECT_EQ(found->user.id, ana.id);
  EXPECT_EQ(found->user.email, "ana@example.com");
  EXPECT_EQ(found->user.role, Role::kSupport);
  EXPECT_EQ(found->user.team, "red");
  EXPECT_EQ(found->user.created_at, ana.created_at);

  // The user is read with the session, not kept beside it.
  db_->ExecRaw("UPDATE users SET team = 'blue', role = 'admin' WHERE id = '" + ana.id + "'");
  found = store().FindSession("hash-a", 1500);
  ASSERT_OK(found);
  EXPECT_EQ(found->user.team, "blue");
  EXPECT_EQ(found->user.role, Role::kAdmin);
}

TEST_P(StoreSessionsTest, ASessionIsLiveBeforeBothItsExpiriesAndNotAtEither) {
  const User ana = AddUser("ana@example.com");
  ASSERT_OK(store().CreateSession(NewSession(ana, "idle", 1000, 2000, 5000)));
  ASSERT_OK(store().CreateSession(NewSession(ana, "absolute", 1000, 5000, 3000)));
  ExpectFound("idle", 1999, ana);
  EXPECT_EQ(FindCode("idle", 2000), Code::kNotFound) << "idle expiry";
  EXPECT_EQ(FindCode("idle", 2001), Code::kNotFound);
  ExpectFound("absolute", 2999, ana);
  EXPECT_EQ(FindCode("absolute", 3000), Code::kNotFound) << "absolute expiry";
  EXPECT_EQ(FindCode("unknown", 1500), Code::kNotFound);
  EXPECT_EQ(FindCode("", 1500), Code::kNotFound);
}

TEST_P(StoreSessionsTest, ATouchMovesTheIdleExpiryButNeverPastTheAbsoluteOne) {
  const User ana = AddUser("ana@example.com");
  ASSERT_OK(store().CreateSession(NewSession(ana, "hash-a", 1000, 2000, 5000)));
  ASSERT_OK(store().TouchSession("hash-a", 3500));
  ExpectFound("hash-a", 3000, ana);
  EXPECT_EQ(store().FindSession("hash-a", 3000)->session.idle_expires_at, 3500);
  EXPECT_EQ(FindCode("hash-a", 3500), Code::kNotFound);

  ASSERT_OK(store().TouchSession("hash-a", 9000));
  EXPECT_EQ(store().FindSession("hash-a", 4000)->session.idle_expires_at, 5000) << "clamped";
  ExpectFound("hash-a", 4999, ana);
  EXPECT_EQ(FindCode("hash-a", 5000), Code::kNotFound);

  EXPECT_EQ(store().TouchSession("unknown", 3000).code(), Code::kNotFound);
}

TEST_P(StoreSessionsTest, SignOutDeletesOneSessionAndSignOutEverywhereEveryOneOfTheUser) {
  const User ana = AddUser("ana@example.com");
  const User bob = AddUser("bob@example.com");
  for (const char* hash : {"ana-1", "ana-2", "ana-3"})
    ASSERT_OK(store().CreateSession(NewSession(ana, hash)));
  ASSERT_OK(store().CreateSession(NewSession(bob, "bob-1")));

  ASSERT_OK(store().DeleteSession("ana-1"));
  EXPECT_EQ(FindCode("ana-1", 1500), Code::kNotFound);
  EXPECT_EQ(store().DeleteSession("ana-1").code(), Code::kNotFound) << "already gone";
  EXPECT_EQ(store().DeleteSession("unknown").code(), Code::kNotFound);
  ExpectFound("ana-2", 1500, ana);

  Result<int> deleted = store().DeleteUserSessions(ana.id);
  ASSERT_OK(deleted);
  EXPECT_EQ(*deleted, 2);
  EXPECT_EQ(FindCode("ana-2", 1500), Code::kNotFound);
  EXPECT_EQ(FindCode("ana-3", 1500), Code::kNotFound);
  ExpectFound("bob-1", 1500, bob);
  deleted = store().DeleteUserSessions(ana.id);
  ASSERT_OK(deleted);
  EXPECT_EQ(*deleted, 0);
  deleted = store().DeleteUserSessions("no-such-user");
  ASSERT_OK(deleted);
  EXPECT_EQ(*deleted, 0);
}

TEST_P(StoreSessionsTest, ASessionNeedsAUserAndAHashOfItsOwn) {
  const User ana = AddUser("ana@example.com");
  const User bob = AddUser("bob@example.com");
  ASSERT_OK(store().CreateSession(NewSession(ana, "hash-a", 1000, 2000, 5000)));

  const Status taken = store().CreateSession(NewSession(bob, "hash-a", 1100, 9000, 9000));
  EXPECT_EQ(taken.code(), Code::kAlreadyExists) << Describe(taken);
  Result<SessionUser> found = store().FindSession("hash-a", 1500);
  ASSERT_OK(found);
  EXPECT_EQ(found->user.id, ana.id) << "the first keeps it";
  EXPECT_EQ(found->session.expires_at, 5000);

  User ghost = NewUser("ghost@example.com");
  const Status unknown = store().CreateSession(NewSession(ghost, "hash-g"));
  EXPECT_EQ(unknown.code(), Code::kNotFound) << Describe(unknown);
  EXPECT_EQ(FindCode("hash-g", 1500), Code::kNotFound);
  EXPECT_EQ(Count("sessions"), 1);
}

// There is no way to delete a user through the store; should one go, its sessions find no one.
TEST_P(StoreSessionsTest, ASessionWhoseUserIsGoneFindsNoOne) {
  const User ana = AddUser("ana@example.com");
  ASSERT_OK(store().CreateSession(NewSession(ana, "hash-a")));
  db_->ExecRaw("DELETE FROM api_keys WHERE user_id = '" + ana.id + "'; DELETE FROM users WHERE id = '" +
               ana.id + "'");
  EXPECT_EQ(FindCode("hash-a", 1500), Code::kNotFound);
}

TEST_P(StoreSessionsTest, ANewSessionSweepsWhatHasExpiredByItsCreation) {
  const User ana = AddUser("ana@example.com");
  const User bob = AddUser("bob@example.com");
  ASSERT_OK(store().CreateSession(NewSession(ana, "idle-at-3000", 1000, 3000, 9000)));
  ASSERT_OK(store().CreateSession(NewSession(bob, "over-at-3000", 1000, 9000, 3000)));
  ASSERT_OK(store().CreateSession(NewSession(ana, "idle-at-3001", 1000, 3001, 9000)));
  ASSERT_OK(store().CreateSession(NewSession(bob, "over-at-3001", 1000, 3001, 3001)));
  ASSERT_OK(store().SaveSignInAttempt(NewAttempt("state-3000", 3000)));
  ASSERT_OK(store().SaveSignInAttempt(NewAttempt("state-3001", 3001)));
  EXPECT_EQ(Count("sessions"), 4) << "nothing had expired by 1000";

  ASSERT_OK(store().CreateSession(NewSession(ana, "new", 3000, 4000, 9000)));
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM sessions WHERE id_hash IN ('idle-at-3000', 'over-at-3000')"),
            0);
  EXPECT_EQ(Count("sessions"), 3);
  EXPECT_EQ(Count("sign_in_attempts"), 1);
  ExpectFound("idle-at-3001", 3000, ana);
  ExpectFound("over-at-3001", 3000, bob);
  ExpectFound("new", 3000, ana);
  Result<SignInAttempt> kept = store().TakeSignInAttempt("state-3001", 3000);
  ASSERT_OK(kept);
  EXPECT_EQ(store().TakeSignInAttempt("state-3000", 2000).status().code(), Code::kNotFound) << "swept";
}

TEST_P(StoreSessionsTest, AnAttemptIsTakenOnceWithWhatWasSaved) {
  ASSERT_OK(store().SaveSignInAttempt(NewAttempt("state-a", 5000)));
  const Status taken = store().SaveSignInAttempt(NewAttempt("state-a", 9000));
  EXPECT_EQ(taken.code(), Code::kAlreadyExists) << Describe(taken);

  Result<SignInAttempt> attempt = store().TakeSignInAttempt("state-a", 4999);
  ASSERT_OK(attempt);
  EXPECT_EQ(attempt->state_hash, "state-a");
  EXPECT_EQ(attempt->nonce, "nonce-of-state-a");
  EXPECT_EQ(attempt->code_verifier, "verifier-of-state-a");
  EXPECT_EQ(attempt->return_to, "/tasks?after=state-a");
  EXPECT_EQ(attempt->expires_at, 5000) << "the first save's";
  EXPECT_EQ(store().TakeSignInAttempt("state-a", 4999).status().code(), Code::kNotFound) << "a replay";
  EXPECT_EQ(store().TakeSignInAttempt("unknown", 1000).status().code(), Code::kNotFound);

  ASSERT_OK(store().SaveSignInAttempt(NewAttempt("state-a", 9000)));  // its hash is free again
}

TEST_P(StoreSessionsTest, AnExpiredAttemptIsNotFoundAndDeleted) {
  ASSERT_OK(store().SaveSignInAttempt(NewAttempt("state-a", 5000)));
  EXPECT_EQ(store().TakeSignInAttempt("state-a", 5000).status().code(), Code::kNotFound);
  EXPECT_EQ(Count("sign_in_attempts"), 0);
  EXPECT_EQ(store().TakeSignInAttempt("state-a", 1000).status().code(), Code::kNotFound) << "it is gone";
}

TEST_P(StoreSessionsTest, OfConcurrentTakesOfOneAttemptExactlyOneGetsIt) {
  constexpr int kThreads = 8;
  for (int round = 0; round < 3; ++round) {
    const std::string state = "state-" + std::to_string(round);
    ASSERT_OK(store().SaveSignInAttempt(NewAttempt(state)));
    std::atomic<int> got{0}, not_found{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        Result<SignInAttempt> taken = store().TakeSignInAttempt(state, 1000);
        if (taken.ok()) {
          EXPECT_EQ(taken->nonce, "nonce-of-" + state);
          ++got;
        } else {
          EXPECT_EQ(taken.status().code(), Code::kNotFound) << Describe(taken.status());
          ++not_found;
        }
      });
    }
    for (std::thread& th : threads) th.join();
    EXPECT_EQ(got, 1) << state;
    EXPECT_EQ(not_found, kThreads - 1) << state;
  }
}

TEST_P(StoreSessionsTest, AnUnchangedAccessKeepsTheSessions) {
  const User ana = AddUser("ana@example.com", "red", Role::kSupport);
  const User bob = AddUser("bob@example.com");
  ASSERT_OK(store().CreateSession(NewSession(ana, "ana-1")));
  ASSERT_OK(store().CreateSession(NewSession(bob, "bob-1")));
  Result<bool> changed = store().UpdateUserAccess(ana.id, std::string("red"), Role::kSupport);
  ASSERT_OK(changed);
  EXPECT_FALSE(*changed);
  changed = store().UpdateUserAccess(bob.id, std::nullopt, Role::kUser);
  ASSERT_OK(changed);
  EXPECT_FALSE(*changed) << "no team before, none now";
  ExpectFound("ana-1", 1500, ana);
  ExpectFound("bob-1", 1500, bob);
}

TEST_P(StoreSessionsTest, AChangedTeamOrRoleEndsTheSessionsOfThatUserOnly) {
  const User ana = AddUser("ana@example.com", "red", Role::kUser);
  const User bob = AddUser("bob@example.com", "red", Role::kUser);
  ASSERT_OK(store().CreateSession(NewSession(bob, "bob-1")));
  const auto expect_change = [&](const std::optional<std::string>& team, Role role, const char* what) {
    for (const char* hash : {"ana-1", "ana-2"}) ASSERT_OK(store().CreateSession(NewSession(ana, hash)));
    Result<bool> changed = store().UpdateUserAccess(ana.id, team, role);
    ASSERT_OK(changed);
    EXPECT_TRUE(*changed) << what;
    EXPECT_EQ(FindCode("ana-1", 1500), Code::kNotFound) << what;
    EXPECT_EQ(FindCode("ana-2", 1500), Code::kNotFound) << what;
    ExpectFound("bob-1", 1500, bob);
    Result<User> stored = store().FindUserByKeyHash("hash-of-ana@example.com");
    ASSERT_OK(stored);
    EXPECT_EQ(stored->team, team) << what;
    EXPECT_EQ(stored->role, role) << what;
    EXPECT_EQ(stored->email, "ana@example.com") << what;
  };
  expect_change(std::string("blue"), Role::kUser, "team");
  expect_change(std::string("blue"), Role::kAdmin, "role");
  expect_change(std::nullopt, Role::kAdmin, "team removed");
  expect_change(std::string("red"), Role::kSupport, "both");
  Result<User> other = store().FindUserByKeyHash("hash-of-bob@example.com");
  ASSERT_OK(other);
  EXPECT_EQ(other->team, "red");
  EXPECT_EQ(other->role, Role::kUser);
}

TEST_P(StoreSessionsTest, TheAccessOfAnUnknownUserIsNotFound) {
  AddUser("ana@example.com");
  for (const std::string& user_id : {NewUuidV4(), std::string()}) {
    EXPECT_EQ(store().UpdateUserAccess(user_id, std::string("red"), Role::kAdmin).status().code(),
              Code::kNotFound);
  }
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM users WHERE role = 'admin'"), 0);
}

TEST_P(StoreSessionsTest, NoneOfTheseWritesIsReported) {
  Reopen({}, &listener_);
  const User ana = AddUser("ana@example.com");
  Create(NewTask(ana, 100));  // a user whose access changes below has a task
  listener_.Clear();
  ASSERT_OK(store().CreateSession(NewSession(ana, "hash-a")));
  ASSERT_OK(store().FindSession("hash-a", 1500));
  ASSERT_OK(store().TouchSession("hash-a", 3000));
  ASSERT_OK(store().DeleteSession("hash-a"));
  ASSERT_OK(store().CreateSession(NewSession(ana, "hash-b")));
  ASSERT_OK(store().DeleteUserSessions(ana.id));
  ASSERT_OK(store().SaveSignInAttempt(NewAttempt("state-a")));
  ASSERT_OK(store().TakeSignInAttempt("state-a", 1000));
  ASSERT_OK(store().UpdateUserAccess(ana.id, std::string("red"), Role::kAdmin));
  EXPECT_EQ(listener_.Take(), std::vector<std::string>{});
}

// A database of the version before the tables (the tables taken away, and the records of their
// migration and any later one) gains them when it is opened, and its users can sign in.
TEST_P(StoreSessionsTest, TheMigrationAddsTheTablesToAnOlderDatabase) {
  const User ana = AddUser("ana@example.com");
  store_.reset();
  db_->ExecRaw(
      "DROP TABLE sessions; DROP TABLE sign_in_attempts; "
      "DELETE FROM schema_migrations WHERE version >= " +
      SessionsMigration());
  Reopen();
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM schema_migrations WHERE version = " + SessionsMigration()),
            1);
  ASSERT_OK(store().CreateSession(NewSession(ana, "hash-a")));
  ExpectFound("hash-a", 1500, ana);
  ASSERT_OK(store().SaveSignInAttempt(NewAttempt("state-a")));
  ASSERT_OK(store().TakeSignInAttempt("state-a", 1000));
}

// The migrations' tests take a database back to an older version and apply the later migrations again;
// this one keeps what its tables hold when it is.
TEST_P(StoreSessionsTest, TheMigrationAppliedAgainKeepsTheRows) {
  const User ana = AddUser("ana@example.com");
  ASSERT_OK(store().CreateSession(NewSession(ana, "hash-a")));
  ASSERT_OK(store().SaveSignInAttempt(NewAttempt("state-a")));
  store_.reset();
  db_->ExecRaw("DELETE FROM schema_migrations WHERE version >= " + SessionsMigration());
  Reopen();
  ExpectFound("hash-a", 1500, ana);
  ASSERT_OK(store().TakeSignInAttempt("state-a", 1000));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreSessionsTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
