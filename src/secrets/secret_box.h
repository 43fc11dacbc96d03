// SecretBox: encryption at rest of the values of users' secrets, with the server's 32-byte key.
//
// Each value is sealed with XChaCha20-Poly1305 (libsodium's crypto_aead_xchacha20poly1305_ietf) under a
// fresh random 24-byte nonce, with the owner's id and the secret's name as associated data, so that a
// sealed value copied to another owner's row or another name does not open. The sealed form is text
// (what the store keeps): "v1." followed by the unpadded base64url of nonce || ciphertext || tag. A
// sealed value says nothing about the value but its length.
//
// The key is 64 hexadecimal digits (make one with `openssl rand -hex 32`), read from the file named by
// `serve --secrets-key-file` or from the environment variable TASKSHARE_SECRETS_KEY; the key is never
// logged, and no error message quotes it. The key bytes live in memory locked away from swap where the
// system allows, and are wiped when the box is destroyed.
//
// Immutable after construction: Seal and Open may be called from any number of threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace taskshare::secrets {

// The environment variable the key may come from.
inline constexpr std::string_view kKeyEnvironmentVariable = "TASKSHARE_SECRETS_KEY";
// What KeyCheck() authenticates. Changing it changes every check value, as a new key would.
inline constexpr std::string_view kKeyCheckLabel = "taskshare secrets key check v1";

class SecretBox {
 public:
  // A box with the key written as 64 hexadecimal digits (either case; blanks and line breaks around
  // them ignored). kInvalidArgument "the secrets key must be 64 hexadecimal digits (32 bytes)"
  // otherwise, never quoting `hex`. kInternal if libsodium cannot start.
  static Result<std::unique_ptr<SecretBox>> FromHex(std::string_view hex);

  // FromHex of the contents of the file at `path`. kInvalidArgument if it cannot be read, or if its
  // group or others have any permission on it (secrets/private_file.h: the message names the file,
  // its mode and the chmod 600 that fixes it).
  static Result<std::unique_ptr<SecretBox>> FromFile(const std::string& path);

  ~SecretBox();
  SecretBox(const SecretBox&) = delete;
  SecretBox& operator=(const SecretBox&) = delete;

  // The key's check value: "v1." followed by the lower-case hex HMAC-SHA256, under the key, of the
  // fixed label kKeyCheckLabel. The same key always gives the same check value and two keys two
  // different ones, so a database can keep it to recognise the key its secrets were sealed with
  // (cli/secrets_key.h), while it reveals nothing of the key: it is neither the key nor a plain hash
  // of it, and without the key it cannot be computed.
  [[nodiscard]] std::string KeyCheck() const;

  // `value` sealed for the secret `name` of user `owner_id`; a different text at every call.
  [[nodiscard]] std::string Seal(std::string_view owner_id, std::string_view name,
                                 std::string_view value) const;

  // The value that Seal(owner_id, name, value) sealed into `sealed`. kInternal "secret cannot be
  // decrypted" when it was sealed with another key, for another owner or name, or was altered (the
  // detail names the owner and the secret, never a value).
  [[nodiscard]] Result<std::string> Open(std::string_view owner_id, std::string_view name,
                                         std::string_view sealed) const;

 private:
  SecretBox();
  unsigned char* key_;  // 32 bytes from sodium_malloc
};

}  // namespace taskshare::secrets
