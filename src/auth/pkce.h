// The random values of an OpenID Connect sign-in: the PKCE code verifier and its S256 challenge
// (RFC 7636), and the "state" and "nonce" tokens. Randomness is OpenSSL's CSPRNG (RAND_bytes), which
// aborts the process if it cannot give bytes rather than return weak ones (as common/ids.h does).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace taskshare::auth {

// A new code verifier: 32 random bytes as unpadded base64url, 43 characters of [A-Za-z0-9_-] (RFC
// 7636, 4.1 recommends exactly this).
std::string NewPkceVerifier();

// The S256 code challenge of `verifier`: the unpadded base64url of its SHA-256 (RFC 7636, 4.2), 43
// characters.
std::string PkceChallenge(std::string_view verifier);

// A new random token for "state" and "nonce": 32 random bytes as unpadded base64url, 43 characters.
std::string NewRandomToken();

// `bytes` as unpadded base64url (RFC 4648, 5).
std::string Base64Url(std::string_view bytes);

}  // namespace taskshare::auth
