// SecretBox: sealing of secret values, the key formats it takes, and what it refuses to open.
#include "secrets/secret_box.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "store_test_support.h"

namespace taskshare::testing {
namespace {

using secrets::SecretBox;

constexpr char kKey[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kOtherKey[] = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kOwner[] = "9b2f1c3e-5d4a-4b6c-8e7f-0a1b2c3d4e5f";

std::unique_ptr<SecretBox> Box(const std::string& hex) {
  auto box = SecretBox::FromHex(hex);
  EXPECT_TRUE(box.ok()) << Describe(StatusOf(box));
  return box.ok() ? std::move(*box) : nullptr;
}

TEST(SecretBoxTest, OpensWhatItSealedAndNothingShowsTheValue) {
  auto box = Box(kKey);
  const std::string value = "ghp_thisIsTheValue-1234567890";
  const std::string a = box->Seal(kOwner, "GITHUB_TOKEN", value);
  const std::string b = box->Seal(kOwner, "GITHUB_TOKEN", value);
  EXPECT_NE(a, b) << "a fresh nonce for every seal";
  EXPECT_EQ(a.find(value), std::string::npos);
  EXPECT_EQ(a.find("thisIsTheValue"), std::string::npos);
  EXPECT_TRUE(a.starts_with("v1."));
  for (const std::string& sealed : {a, b}) {
    auto opened = box->Open(kOwner, "GITHUB_TOKEN", sealed);
    ASSERT_OK(opened);
    EXPECT_EQ(*opened, value);
  }
}

TEST(SecretBoxTest, RefusesAnotherKeyOwnerNameOrAnAlteredValue) {
  auto box = Box(kKey);
  const std::string sealed = box->Seal(kOwner, "TOKEN", "s3cret-value");
  EXPECT_EQ(Box(kOtherKey)->Open(kOwner, "TOKEN", sealed).status().code(), Code::kInternal);
  EXPECT_EQ(box->Open("another-owner", "TOKEN", sealed).status().code(), Code::kInternal);
  EXPECT_EQ(box->Open(kOwner, "TOKEN2", sealed).status().code(), Code::kInternal);
  std::string altered = sealed;
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(box->Open(kOwner, "TOKEN", altered).status().code(), Code::kInternal);
  EXPECT_EQ(box->Open(kOwner, "TOKEN", "v1.").status().code(), Code::kInternal);
  EXPECT_EQ(box->Open(kOwner, "TOKEN", "not sealed").status().code(), Code::kInternal);
  const Status refused = box->Open(kOwner, "TOKEN", altered).status();
  EXPECT_EQ(refused.message(), "secret cannot be decrypted");
  EXPECT_NE(refused.detail().find("TOKEN"), std::string::npos);
}

TEST(SecretBoxTest, TakesSixtyFourHexDigitsAroundBlanksAndNothingElse) {
  EXPECT_TRUE(SecretBox::FromHex(std::string("  ") + kKey + "\n").ok());
  std::string upper = kKey;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto upper_box = Box(upper);
  EXPECT_EQ(*upper_box->Open(kOwner, "N", Box(kKey)->Seal(kOwner, "N", "value")), "value");
  for (const std::string& bad :
       {std::string(""), std::string(kKey).substr(2), std::string(kKey) + "00",
        std::string(kKey).replace(10, 1, "g"), std::string(kKey).replace(10, 1, " ")}) {
    auto box = SecretBox::FromHex(bad);
    ASSERT_FALSE(box.ok()) << bad;
    EXPECT_EQ(box.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(box.status().message().find(kKey), std::string::npos);
  }
}

// A key file as an operator makes one: openssl rand -hex 32 > FILE; chmod 600 FILE.
std::string WriteKeyFile(const std::string& path, const std::string& contents, mode_t mode = 0600) {
  std::ofstream(path) << contents;
  EXPECT_EQ(::chmod(path.c_str(), mode), 0);
  return path;
}

TEST(SecretBoxTest, ReadsTheKeyFromAFile) {
  TempDir dir;
  const std::string path = WriteKeyFile((dir.path() / "key").string(), std::string(kKey) + "\n");
  auto box = SecretBox::FromFile(path);
  ASSERT_OK(box);
  EXPECT_EQ(*(*box)->Open(kOwner, "N", Box(kKey)->Seal(kOwner, "N", "value")), "value");
  WriteKeyFile(path, "short\n");
  EXPECT_EQ(SecretBox::FromFile(path).status().code(), Code::kInvalidArgument);
  WriteKeyFile(path, std::string(kKey) + std::string(5000, ' '));
  EXPECT_EQ(SecretBox::FromFile(path).status().message(),
            "the secrets key file " + path + " holds more than 4096 bytes");
  EXPECT_TRUE(SecretBox::FromFile(WriteKeyFile(path, kKey, 0400)).ok()) << "read-only for its owner is fine";
  EXPECT_EQ(SecretBox::FromFile((dir.path() / "missing").string()).status().code(), Code::kInvalidArgument);
}

// Like ssh with a private key: a key file its group or others have any permission on is refused, with
// a message naming the file, its mode and the fix, and never the key.
TEST(SecretBoxTest, RefusesAKeyFileOthersMayRead) {
  TempDir dir;
  const std::string path = (dir.path() / "key").string();
  for (const mode_t mode : {0644, 0640, 0604, 0660, 0620, 0602, 0610, 0601, 0777}) {
    WriteKeyFile(path, std::string(kKey) + "\n", mode);
    auto box = SecretBox::FromFile(path);
    ASSERT_FALSE(box.ok()) << std::oct << mode;
    EXPECT_EQ(box.status().code(), Code::kInvalidArgument);
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
    EXPECT_EQ(box.status().message(),
              "the secrets key file " + path + " has mode " + octal +
                  ", open to other users: it must be private to its owner (chmod 600 " + path + ")");
    EXPECT_EQ(box.status().message().find(kKey), std::string::npos);
  }
}

// The check value is an HMAC-SHA256 under the key of a fixed label: the same for one key, always;
// another for another key; neither the key nor its plain hash.
TEST(SecretBoxTest, TheKeyCheckIsAnHmacOfAFixedLabel) {
  // printf %s "taskshare secrets key check v1" | openssl dgst -sha256 -mac HMAC -macopt hexkey:KEY
  EXPECT_EQ(Box(kKey)->KeyCheck(), "v1.006258f3970300c3243843bfb3ef1edefe31a58e53da1b1d9d7f4588bd8e301a");
  EXPECT_EQ(Box(kOtherKey)->KeyCheck(),
            "v1.d0dfb303a0094566ede8c02363248a9f9752541db3da1d2bf8ab21c4eaa6499a");
  const std::string check = Box(kKey)->KeyCheck();
  EXPECT_EQ(check.find(std::string(kKey).substr(8, 16)), std::string::npos);
  // printf %s KEY | xxd -r -p | sha256sum
  EXPECT_EQ(check.find("630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"),
            std::string::npos);
}

}  // namespace
}  // namespace taskshare::testing
