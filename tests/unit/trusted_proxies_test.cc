// The peers whose word is believed (api/trusted_proxies.h): exact addresses and CIDR blocks, IPv4 in
// both spellings, and nobody else.
#include "api/trusted_proxies.h"

#include <gtest/gtest.h>

namespace taskshare::testing {
namespace {

TEST(TrustedProxiesTest, BlocksAndAddressesMatchTheirOwnAndNoOthers) {
  const api::TrustedProxies proxies({"10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "not an address"});
  EXPECT_TRUE(proxies.Trusts("10.1.2.3"));
  EXPECT_TRUE(proxies.Trusts(" 10.255.255.255 "));
  EXPECT_TRUE(proxies.Trusts("::ffff:10.0.0.1"));
  EXPECT_TRUE(proxies.Trusts("192.0.2.7"));
  EXPECT_TRUE(proxies.Trusts("2001:db8:1::5"));
  EXPECT_FALSE(proxies.Trusts("11.0.0.1"));
  EXPECT_FALSE(proxies.Trusts("192.0.2.8"));
  EXPECT_FALSE(proxies.Trusts("2001:db9::1"));
  EXPECT_FALSE(proxies.Trusts("127.0.0.1"));
  EXPECT_FALSE(proxies.Trusts(""));
  EXPECT_FALSE(proxies.Trusts("10.1.2.3:80"));
  EXPECT_FALSE(proxies.Trusts("not an address"));
  EXPECT_FALSE(api::TrustedProxies().Trusts("10.1.2.3"));
  EXPECT_EQ(api::InvalidTrustedProxies({"10.0.0.0/8", "10.0.0.0/33", "x"}),
            (std::vector<std::string>{"10.0.0.0/33", "x"}));
}

}  // namespace
}  // namespace taskshare::testing
