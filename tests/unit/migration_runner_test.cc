// The shape both backends' migration runners share (storage/migration_runner.h): pending versions in
// order from the newest recorded, a stop at the first failure with its version named, and a database
// newer than the binary refused before anything is applied.
#include "storage/migration_runner.h"

#include <gtest/gtest.h>

#include <vector>

namespace taskshare {
namespace {

TEST(MigrationRunnerTest, AppliesThePendingVersionsInOrder) {
  std::vector<int> applied;
  const auto apply = [&applied](int version) {
    applied.push_back(version);
    return Status::Ok();
  };
  EXPECT_TRUE(ApplyPendingMigrations(2, 5, apply).ok());
  EXPECT_EQ(applied, (std::vector<int>{3, 4, 5}));
  applied.clear();
  EXPECT_TRUE(ApplyPendingMigrations(5, 5, apply).ok());
  EXPECT_TRUE(applied.empty()) << "an up-to-date database";
}

TEST(MigrationRunnerTest, StopsAtTheFirstFailureAndNamesItsVersion) {
  std::vector<int> applied;
  const Status s = ApplyPendingMigrations(0, 5, [&applied](int version) {
    applied.push_back(version);
    return version == 3 ? Status::Internal("storage error", "no such column: x") : Status::Ok();
  });
  EXPECT_EQ(applied, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_EQ(s.message(), "storage error");
  EXPECT_EQ(s.detail(), "schema migration 3 failed: no such column: x");
}

TEST(MigrationRunnerTest, AnUnreachableDatabaseStaysUnavailable) {
  const Status s =
      ApplyPendingMigrations(0, 2, [](int) { return Status::Unavailable("service unavailable", "gone"); });
  EXPECT_EQ(s.code(), Code::kUnavailable) << "retrying may work; a start-up that waits can tell";
}

TEST(MigrationRunnerTest, RefusesADatabaseNewerThanTheBinaryBeforeApplyingAnything) {
  bool called = false;
  const Status s = ApplyPendingMigrations(7, 5, [&called](int) {
    called = true;
    return Status::Ok();
  });
  EXPECT_FALSE(called);
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_EQ(s.detail(), "the database has schema version 7 but this binary only knows up to 5");
}

}  // namespace
}  // namespace taskshare
