// CostlyKeys (http/costly_keys.h): remembers keys up to its capacity, forgets the least recently
// remembered beyond it, and never remembers key 0.
#include "http/costly_keys.h"

#include <gtest/gtest.h>

namespace taskshare::testing {
namespace {

TEST(CostlyKeysTest, RemembersUpToItsCapacityAndDropsTheLeastRecentlyRemembered) {
  http::CostlyKeys keys(3);
  EXPECT_FALSE(keys.Contains(1));
  keys.Remember(1);
  keys.Remember(2);
  keys.Remember(3);
  EXPECT_TRUE(keys.Contains(1) && keys.Contains(2) && keys.Contains(3));
  keys.Remember(1);  // again: now the most recent, so 2 is the oldest
  keys.Remember(4);
  EXPECT_EQ(keys.size(), 3u);
  EXPECT_TRUE(keys.Contains(1));
  EXPECT_FALSE(keys.Contains(2));
  EXPECT_TRUE(keys.Contains(3) && keys.Contains(4));
}

TEST(CostlyKeysTest, KeyZeroIsNeverRemembered) {
  http::CostlyKeys keys(2);
  keys.Remember(0);
  EXPECT_FALSE(keys.Contains(0));
  EXPECT_EQ(keys.size(), 0u);
}

TEST(CostlyKeysTest, ACapacityBelowOneHoldsOneKey) {
  http::CostlyKeys keys(0);
  keys.Remember(5);
  keys.Remember(6);
  EXPECT_EQ(keys.size(), 1u);
  EXPECT_TRUE(keys.Contains(6));
}

}  // namespace
}  // namespace taskshare::testing
