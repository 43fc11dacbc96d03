#include "secrets/secret_box.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <vector>

#include "common/strings.h"
#include "secrets/private_file.h"

namespace taskshare::secrets {
namespace {

constexpr std::string_view kPrefix = "v1.";
constexpr std::size_t kKeyBytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr int kBase64 = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
// A key file holds 64 hex digits and a few blanks; what is longer is not a key, and is not read whole.
constexpr std::size_t kMaxKeyFileBytes = 4096;

Status BadKey() {
  return Status::InvalidArgument("the secrets key must be 64 hexadecimal digits (32 bytes)");
}

// The associated data binding a sealed value to its owner and name. The owner id is a UUID (no NUL),
// so the NUL separator keeps ("a", "bc") apart from ("ab", "c").
std::string AssociatedData(std::string_view owner_id, std::string_view name) {
  std::string ad;
  ad.reserve(owner_id.size() + 1 + name.size());
  ad.append(owner_id);
  ad.push_back('\0');
  ad.append(name);
  return ad;
}

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace

SecretBox::SecretBox() : key_(static_cast<unsigned char*>(sodium_malloc(kKeyBytes))) {}

SecretBox::~SecretBox() { sodium_free(key_); }  // wipes the key before freeing it

Result<std::unique_ptr<SecretBox>> SecretBox::FromHex(std::string_view hex) {
  if (sodium_init() < 0) return Status::Internal("secrets are unavailable", "libsodium failed to initialise");
  hex = Trim(hex);
  if (hex.size() != 2 * kKeyBytes) return BadKey();
  std::unique_ptr<SecretBox> box(new SecretBox());
  if (box->key_ == nullptr) return Status::Internal("secrets are unavailable", "cannot allocate the key");
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(box->key_, kKeyBytes, hex.data(), hex.size(), nullptr, &length, &end) != 0 ||
      length != kKeyBytes || end != hex.data() + hex.size()) {
    return BadKey();
  }
  return box;
}

Result<std::unique_ptr<SecretBox>> SecretBox::FromFile(const std::string& path) {
  Result<std::string> contents = ReadPrivateFile(path, "secrets key file", kMaxKeyFileBytes);
  if (!contents.ok()) return contents.status();
  auto box = FromHex(*contents);
  sodium_memzero(contents->data(), contents->size());
  if (!box.ok() && box.status().code() == Code::kInvalidArgument) {
    return Status::InvalidArgument(box.status().message() + " in " + path);
  }
  return box;
}

std::string SecretBox::KeyCheck() const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_, static_cast<int>(kKeyBytes), Bytes(kKeyCheckLabel), kKeyCheckLabel.size(), mac,
       &length);
  std::string hex(2 * length + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), mac, length);
  hex.pop_back();
  return std::string(kPrefix) + hex;
}

std::string SecretBox::Seal(std::string_view owner_id, std::string_view name, std::string_view value) const {
  std::vector<unsigned char> sealed(kNonceBytes + value.size() + kTagBytes);
  randombytes_buf(sealed.data(), kNonceBytes);
  const std::string ad = AssociatedData(owner_id, name);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(sealed.data() + kNonceBytes, &written, Bytes(value),
                                             value.size(), Bytes(ad), ad.size(), nullptr, sealed.data(),
                                             key_);
  std::string text(sodium_base64_ENCODED_LEN(sealed.size(), kBase64), '\0');
  sodium_bin2base64(text.data(), text.size(), sealed.data(), sealed.size(), kBase64);
  text.resize(text.find('\0'));
  return std::string(kPrefix) + text;
}

Result<std::string> SecretBox::Open(std::string_view owner_id, std::string_view name,
                                    std::string_view sealed) const {
  const auto fail = [&](std::string_view why) {
    return Status::Internal(
        "secret cannot be decrypted",
        "secret " + std::string(name) + " of user " + std::string(owner_id) + ": " + std::string(why));
  };
  if (!sealed.starts_with(kPrefix)) return fail("unknown sealed format");
  sealed.remove_prefix(kPrefix.size());
  if (sealed.empty()) return fail("malformed sealed value");
  std::vector<unsigned char> bytes(sealed.size());
  std::size_t length = 0;
  if (sodium_base642bin(bytes.data(), bytes.size(), sealed.data(), sealed.size(), nullptr, &length, nullptr,
                        kBase64) != 0 ||
      length < kNonceBytes + kTagBytes) {
    return fail("malformed sealed value");
  }
  std::string value(length - kNonceBytes - kTagBytes, '\0');
  const std::string ad = AssociatedData(owner_id, name);
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(value.data()), &written,
                                                 nullptr, bytes.data() + kNonceBytes, length - kNonceBytes,
                                                 Bytes(ad), ad.size(), bytes.data(), key_) != 0) {
    return fail("it does not authenticate with the configured key");
  }
  return value;
}

}  // namespace taskshare::secrets
