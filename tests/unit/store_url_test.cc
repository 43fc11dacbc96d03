// Database URLs as they appear in logs: passwords masked, everything else kept.
#include <gtest/gtest.h>

#include "storage/store.h"

namespace taskshare {
namespace {

TEST(UrlForLogsTest, MasksPasswordsOnly) {
  EXPECT_EQ(UrlForLogs("postgresql://app:s3cr3t@db.internal:5432/taskshare"),
            "postgresql://app:***@db.internal:5432/taskshare");
  EXPECT_EQ(UrlForLogs("postgres://db.internal/taskshare?user=app&password=s3cr3t&sslmode=require"),
            "postgres://db.internal/taskshare?user=app&password=***&sslmode=require");
  EXPECT_EQ(UrlForLogs("postgresql://app@db.internal/taskshare"), "postgresql://app@db.internal/taskshare");
  EXPECT_EQ(UrlForLogs("sqlite:taskshare.db"), "sqlite:taskshare.db");
  EXPECT_EQ(UrlForLogs("data/taskshare.db"), "data/taskshare.db");
}

}  // namespace
}  // namespace taskshare
