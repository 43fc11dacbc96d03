// The storage contract of the share-link kill switch (Store::GetSharingEnabled, SetSharingEnabled),
// run against every backend like store_test.cc: on until first written, then what was last written,
// also after the store is reopened.
#include <gtest/gtest.h>

#include "store_test_support.h"

namespace taskshare::testing {
namespace {

class StoreSharingTest : public StoreTest {};

TEST_P(StoreSharingTest, TheSwitchIsOnUntilWrittenThenReadsBackWhatWasWritten) {
  Result<bool> initial = store().GetSharingEnabled();
  ASSERT_OK(initial);
  EXPECT_TRUE(*initial);

  ASSERT_OK(store().SetSharingEnabled(false));
  Result<bool> off = store().GetSharingEnabled();
  ASSERT_OK(off);
  EXPECT_FALSE(*off);
  ASSERT_OK(store().SetSharingEnabled(false));  // writing the same value again is fine
  Reopen();
  Result<bool> reopened = store().GetSharingEnabled();
  ASSERT_OK(reopened);
  EXPECT_FALSE(*reopened) << "the switch did not survive reopening the store";

  ASSERT_OK(store().SetSharingEnabled(true));
  Result<bool> on = store().GetSharingEnabled();
  ASSERT_OK(on);
  EXPECT_TRUE(*on);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreSharingTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace taskshare::testing
