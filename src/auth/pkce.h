// The PKCE code verifier of an OpenID Connect sign-in and its S256 challenge (RFC 7636). The "state" and
// "nonce" tokens are common/ids.h's NewRandomToken(). Randomness is OpenSSL's CSPRNG (RAND_bytes), which
// aborts the process if it cannot give bytes rather than return weak ones.
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

}  // namespace taskshare::auth
