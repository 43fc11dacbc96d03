// Identifiers and secrets: UUIDs, API keys, hashing. Thread-safe; randomness comes from OpenSSL's
// CSPRNG (RAND_bytes), which aborts the process if it cannot be seeded rather than return weak bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace taskshare {

// A random (version 4, RFC 4122 variant) UUID in lower case.
std::string NewUuidV4();

// Returns the canonical lower-case form of a UUID written as 8-4-4-4-12 hex digits in either case,
// or nullopt if `text` is not of that form. Any version and variant are accepted, as in the spec's
// `format: uuid`.
std::optional<std::string> CanonicalUuid(std::string_view text);

// True if `text` is already a canonical (lower-case 8-4-4-4-12) UUID. Allocates nothing.
bool IsCanonicalUuid(std::string_view text);

// A new API key: "neo_sk_" followed by 32 random characters from [a-z0-9].
std::string NewApiKey();

// True if `key` has the shape NewApiKey() produces.
bool IsWellFormedApiKey(std::string_view key);

// How much of a key is kept in clear to recognise it: "neo_sk_" and the first 5 random characters.
// 36^5 (about 6 * 10^7) values tell a user's keys apart; the 27 characters left unshown (about 139
// bits) keep the prefix useless for guessing the key.
inline constexpr std::size_t kApiKeyPrefixLength = 12;

// The first kApiKeyPrefixLength characters of `key` (all of it if shorter).
std::string_view ApiKeyPrefix(std::string_view key);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// 16 random bytes as 32 lower-case hex characters (for error ids).
std::string NewErrorId();

// `bytes` in base64url without padding (RFC 4648 section 5): A-Z a-z 0-9 - _.
std::string Base64Url(std::string_view bytes);

// 32 random bytes (256 bits) as 43 base64url characters: session ids, OAuth state and nonce values.
std::string NewRandomToken();

}  // namespace taskshare
