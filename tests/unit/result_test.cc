// Result<T> (common/status.h): a value or the error that took its place, and its outcome either way.
#include <gtest/gtest.h>

#include <string>

#include "common/status.h"

namespace taskshare {
namespace {

TEST(ResultTest, HoldsAValueOrAnError) {
  const Result<std::string> value = std::string("task");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "task");
  const Result<std::string> error = Status::NotFound("Task not found");
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.status().code(), Code::kNotFound);
}

TEST(ResultTest, ItsOutcomeIsOkWithAValueAndTheErrorWithout) {
  const Result<int> value = 7;
  EXPECT_TRUE(value.outcome().ok());
  const Result<int> error = Status::Unavailable("service unavailable", "connection lost during COMMIT");
  const Status outcome = error.outcome();
  EXPECT_EQ(outcome.code(), Code::kUnavailable);
  EXPECT_EQ(outcome.message(), "service unavailable");
  EXPECT_EQ(outcome.detail(), "connection lost during COMMIT");
}

}  // namespace
}  // namespace taskshare
