// The storage contract of the secrets key's check value (Store::ClaimSecretsKeyCheck), run against
// every backend like store_test.cc: the first value claimed stays, whoever claims after or at the same
// time gets it back, and the kill switch sharing its row is left as it was.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "store_test_support.h"

namespace taskshare::testing {
namespace {

class StoreKeyCheckTest : public StoreTest {
 protected:
  std::string Claim(Store& store, const std::string& check) {
    Result<std::string> stored = store.ClaimSecretsKeyCheck(check);
    EXPECT_TRUE(stored.ok()) << Describe(StatusOf(stored));
    return stored.ok() ? *stored : "(failed)";
  }
};

TEST_P(StoreKeyCheckTest, TheFirstValueClaimedStays) {
  EXPECT_EQ(Claim(store(), "v1.first"), "v1.first");
  EXPECT_EQ(Claim(store(), "v1.first"), "v1.first");
  EXPECT_EQ(Claim(store(), "v1.second"), "v1.first");
  Reopen();
  EXPECT_EQ(Claim(store(), "v1.second"), "v1.first");
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM instance_settings"), 1);
}

TEST_P(StoreKeyCheckTest, LeavesTheKillSwitchAsItWas) {
  EXPECT_EQ(Claim(store(), "v1.first"), "v1.first");
  Result<bool> sharing = store().GetSharingEnabled();
  ASSERT_OK(sharing);
  EXPECT_TRUE(*sharing) << "no row meant on, and so does the row the claim made";
  ASSERT_OK(store().SetSharingEnabled(false));
  EXPECT_EQ(Claim(store(), "v1.second"), "v1.first");
  sharing = store().GetSharingEnabled();
  ASSERT_OK(sharing);
  EXPECT_FALSE(*sharing);
}

TEST_P(StoreKeyCheckTest, AClaimAfterTheKillSwitchWasSetStoresItsValue) {
  ASSERT_OK(store().SetSharingEnabled(false));
  EXPECT_EQ(Claim(store(), "v1.first"), "v1.first");
  EXPECT_EQ(Claim(store(), "v1.second"), "v1.first");
  Result<bool> sharing = store().GetSharingEnabled();
  ASSERT_OK(sharing);
  EXPECT_FALSE(*sharing);
}

// Nodes starting together on one database, each with its own store and its own key: all of them get
// back the same value, one of those claimed.
TEST_P(StoreKeyCheckTest, RacingClaimsAllGetTheOneStored) {
  constexpr int kNodes = 4;
  for (int round = 0; round < 5; ++round) {
    if (round > 0) db_->ExecRaw("DELETE FROM instance_settings");
    std::vector<std::unique_ptr<Store>> nodes;
    for (int i = 0; i < kNodes; ++i) {
      Result<std::unique_ptr<Store>> node = db_->Open();
      ASSERT_OK(node);
      nodes.push_back(std::move(*node));
    }
    std::vector<std::string> got(kNodes);
    std::vector<std::thread> threads;
    for (int i = 0; i < kNodes; ++i) {
      threads.emplace_back([&, i] { got[i] = Claim(*nodes[i], "v1.node-" + std::to_string(i)); });
    }
    for (std::thread& t : threads) t.join();
    for (int i = 1; i < kNodes; ++i) EXPECT_EQ(got[i], got[0]) << "round " << round;
    EXPECT_TRUE(got[0].starts_with("v1.node-")) << got[0];
    EXPECT_EQ(Claim(store(), "v1.late"), got[0]);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreKeyCheckTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
