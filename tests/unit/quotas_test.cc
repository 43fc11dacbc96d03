// The quota checks (domain/quotas.h) at and around each limit, their refusals as ErrorResponse bodies
// (api/errors.h), and the refusal counters /metrics shows (observe/limit_refusals.h).
#include "domain/quotas.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <set>
#include <string>

#include "api/errors.h"
#include "observe/limit_refusals.h"

namespace taskshare {
namespace {

// A refusal of `code` by `limit`, naming the limit in its message, and mentioning `mentions`.
::testing::AssertionResult RefusedBy(const Status& s, Code code, std::string_view limit,
                                     std::string_view mentions = {}) {
  if (s.code() != code || s.limit() != limit) {
    return ::testing::AssertionFailure()
           << "code " << static_cast<int>(s.code()) << ", limit '" << s.limit() << "': " << s.message();
  }
  if (s.message().find("(limit " + std::string(limit) + ")") == std::string::npos ||
      s.message().find(mentions) == std::string::npos) {
    return ::testing::AssertionFailure() << "message: " << s.message();
  }
  return ::testing::AssertionSuccess();
}

Quotas Small() {
  Quotas q;
  q.secrets_per_user = 2;
  q.secret_value_bytes = 10;
  q.secret_values_per_user = 4;
  q.secret_names_per_task = 3;
  q.schedules_per_user = 1;
  q.min_schedule_interval = ScanFrequency::kDaily;
  q.schedule_message_bytes = 20;
  q.task_bytes = 100;
  q.tasks_per_user = 5;
  return q;
}

TEST(QuotasTest, CountsAreRefusedOnceTheLimitIsHeld) {
  const Quotas q = Small();
  EXPECT_TRUE(CheckNewSecret(q, 1).ok());
  EXPECT_TRUE(RefusedBy(CheckNewSecret(q, 2), Code::kLimitReached, "secrets_per_user", "at most 2 secrets"));
  EXPECT_TRUE(CheckNewSecretValue(q, 3).ok());
  EXPECT_TRUE(RefusedBy(CheckNewSecretValue(q, 4), Code::kLimitReached, "secret_values_per_user",
                        "at most 4 values"));
  EXPECT_TRUE(CheckNewSchedule(q, 0).ok());
  EXPECT_TRUE(RefusedBy(CheckNewSchedule(q, 1), Code::kLimitReached, "schedules_per_user", "at most 1"));
  EXPECT_TRUE(CheckSecretNames(q, 0).ok());
  EXPECT_TRUE(CheckSecretNames(q, 3).ok());
  EXPECT_TRUE(
      RefusedBy(CheckSecretNames(q, 4), Code::kLimitReached, "secret_names_per_task", "this one has 4"));
  // tasks_per_user counts the new task too: the store checks after counting it.
  EXPECT_TRUE(CheckTasksHeld(q, 5).ok());
  EXPECT_TRUE(RefusedBy(CheckTasksHeld(q, 6), Code::kLimitReached, "tasks_per_user", "at most 5 tasks"));
}

TEST(QuotasTest, SizesAreRefusedPastTheLimit) {
  const Quotas q = Small();
  EXPECT_TRUE(CheckSecretValue(q, 10).ok());
  EXPECT_TRUE(RefusedBy(CheckSecretValue(q, 11), Code::kTooLarge, "secret_value_bytes", "this one has 11"));
  EXPECT_TRUE(CheckScheduleMessage(q, 20).ok());
  EXPECT_TRUE(
      RefusedBy(CheckScheduleMessage(q, 21), Code::kTooLarge, "schedule_message_bytes", "at most 20"));
  EXPECT_TRUE(CheckTaskBytes(q, 60, 40).ok());
  EXPECT_TRUE(RefusedBy(CheckTaskBytes(q, 60, 41), Code::kTooLarge, "task_bytes",
                        "holds 60 and the request adds 41"));
  EXPECT_TRUE(RefusedBy(CheckTaskBytes(q, 0, 101), Code::kTooLarge, "task_bytes"));
  // Adding nothing is always allowed, also to a task filled before the limit was lowered.
  EXPECT_TRUE(CheckTaskBytes(q, 500, 0).ok());
  EXPECT_TRUE(RefusedBy(CheckTaskBytes(q, 500, 1), Code::kTooLarge, "task_bytes"));
}

TEST(QuotasTest, TheScheduleIntervalAllowsItsFrequencyAndRarerOnes) {
  Quotas q = Small();
  EXPECT_TRUE(
      RefusedBy(CheckScheduleInterval(q, ScanFrequency::kHourly), Code::kLimitReached, "schedule_interval",
                "scan_frequency hourly runs more often than this server allows; the shortest interval is "
                "daily"));
  for (ScanFrequency f : {ScanFrequency::kDaily, ScanFrequency::kWeekly, ScanFrequency::kMonthly}) {
    EXPECT_TRUE(CheckScheduleInterval(q, f).ok()) << ToString(f);
  }
  q.min_schedule_interval = ScanFrequency::kMonthly;
  EXPECT_TRUE(CheckScheduleInterval(q, ScanFrequency::kMonthly).ok());
  EXPECT_FALSE(CheckScheduleInterval(q, ScanFrequency::kWeekly).ok());
  // The default allows every frequency.
  for (ScanFrequency f : {ScanFrequency::kHourly, ScanFrequency::kDaily, ScanFrequency::kWeekly}) {
    EXPECT_TRUE(CheckScheduleInterval(Quotas{}, f).ok()) << ToString(f);
  }
}

// The defaults leave room for what the benchmark (bench/share.sh) loads for one user.
TEST(QuotasTest, TheDefaultsFitTheBenchmark) {
  const Quotas q;
  EXPECT_TRUE(CheckTasksHeld(q, 100'020).ok());
  EXPECT_TRUE(CheckTaskBytes(q, 0, std::int64_t{30} << 20).ok())
      << "a large task and the ingest case's tasks";
  EXPECT_TRUE(CheckSecretValue(q, 3300).ok()) << "a PEM RSA-4096 private key";
}

TEST(QuotasTest, EveryLimitHasItsOwnName) {
  std::set<std::string_view> names;
  for (Limit limit : kLimits) {
    const std::string_view name = LimitName(limit);
    EXPECT_FALSE(name.empty());
    EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string_view::npos) << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), kLimits.size());
}

TEST(QuotasTest, RefusalsAnswerWithTheErrorResponseShape) {
  const api::Response count = api::ErrorResponse(CheckNewSecret(Small(), 2));
  EXPECT_EQ(count.status, 409);
  EXPECT_EQ(count.limit, "secrets_per_user");
  const boost::json::value body = boost::json::parse(count.body);
  EXPECT_EQ(body.at("code"), "limit_reached");
  EXPECT_EQ(body.at("kind"), "limit reached");
  const std::string error(body.at("error").as_string());
  EXPECT_NE(error.find("(limit secrets_per_user)"), std::string::npos) << error;
  EXPECT_EQ(body.at("message").as_string(), "limit reached: " + error);
  EXPECT_EQ(body.as_object().size(), 4u) << "no member beyond the spec's";

  const api::Response size = api::ErrorResponse(CheckTaskBytes(Small(), 0, 101));
  EXPECT_EQ(size.status, 413);
  EXPECT_EQ(size.limit, "task_bytes");
  EXPECT_EQ(boost::json::parse(size.body).at("code"), "payload_too_large");

  EXPECT_EQ(api::ErrorResponse(Status::AlreadyExists("Task already exists")).limit, "");
  EXPECT_EQ(api::ErrorResponse(Status::TooLarge("request body is larger than 10 bytes")).limit, "");
}

TEST(LimitRefusalsTest, CountsEachLimitUnderItsFixedLabel) {
  observe::LimitRefusals refusals;
  refusals.Count("task_bytes");
  refusals.Count("task_bytes");
  refusals.Count("secrets_per_user");
  refusals.Count("no_such_limit");  // ignored: the labels are a fixed set
  refusals.Count("");
  EXPECT_EQ(refusals.count(Limit::kTaskBytes), 2u);
  EXPECT_EQ(refusals.count(Limit::kSecretsPerUser), 1u);
  EXPECT_EQ(refusals.count(Limit::kTasksPerUser), 0u);
  const std::vector<observe::Sample> samples = refusals.Samples();
  ASSERT_EQ(samples.size(), kLimits.size()) << "every limit has a series, refused or not";
  std::map<std::string, double> by_label;
  for (const observe::Sample& s : samples) {
    EXPECT_EQ(s.name, "taskshare_limit_refusals_total");
    EXPECT_EQ(s.type, "counter");
    by_label[s.labels] = s.value;
  }
  EXPECT_FALSE(samples.front().help.empty());
  EXPECT_EQ(by_label.at(R"(limit="task_bytes")"), 2);
  EXPECT_EQ(by_label.at(R"(limit="secrets_per_user")"), 1);
  EXPECT_EQ(by_label.at(R"(limit="schedule_interval")"), 0);

  observe::Metrics metrics(1, [&refusals] { return refusals.Samples(); });
  const std::string text = metrics.Render();
  EXPECT_NE(text.find("# TYPE taskshare_limit_refusals_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("taskshare_limit_refusals_total{limit=\"task_bytes\"} 2\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace taskshare
