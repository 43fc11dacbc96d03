#include "common/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace taskshare {
namespace {

TEST(IdsTest, UuidV4HasVersionAndVariant) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewUuidV4();
    ASSERT_EQ(CanonicalUuid(id), id);
    EXPECT_EQ(id[14], '4');
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(IdsTest, CanonicalUuidLowercasesAndRefusesOtherShapes) {
  EXPECT_EQ(CanonicalUuid("5F0C6F5E-8A3E-4C57-9D7E-2B8F3F0A9C11"), "5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c11");
  for (const char* bad :
       {"", "not-a-uuid", "5f0c6f5e8a3e4c579d7e2b8f3f0a9c11", "5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c1g",
        "5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c111", "{5f0c6f5e-8a3e-4c57-9d7e-2b8f3f0a9c1}"}) {
    EXPECT_FALSE(CanonicalUuid(bad).has_value()) << bad;
  }
}

TEST(IdsTest, ApiKeysHaveTheNeoShape) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string key = NewApiKey();
    EXPECT_TRUE(IsWellFormedApiKey(key)) << key;
    seen.insert(key);
  }
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_FALSE(IsWellFormedApiKey("neo_sk_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"));
  EXPECT_FALSE(IsWellFormedApiKey("neo_sk_short"));
  EXPECT_FALSE(IsWellFormedApiKey("xyz_sk_abcdefghijklmnopqrstuvwxyz012345"));
}

TEST(IdsTest, TheShownPrefixIsTheKeysFirstTwelveCharacters) {
  EXPECT_EQ(ApiKeyPrefix("neo_sk_abcdefghijklmnopqrstuvwxyz012345"), "neo_sk_abcde");
  EXPECT_EQ(ApiKeyPrefix("neo_sk"), "neo_sk");
  const std::string key = NewApiKey();
  EXPECT_EQ(ApiKeyPrefix(key).size(), kApiKeyPrefixLength);
  EXPECT_TRUE(key.starts_with(ApiKeyPrefix(key)));
}

TEST(IdsTest, Sha256MatchesKnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace taskshare
