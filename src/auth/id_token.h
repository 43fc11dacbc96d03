// Verification of the ID token an OpenID Connect provider returns at the end of the authorization code
// flow (OpenID Connect Core 1.0, section 3.1.3.7), against the provider's signing keys (its JWKS
// document). No network I/O: the caller fetches the JWKS and the token and hands both in as text.
//
// Signatures are checked by cjose (libcjose, the JOSE library of Apache's mod_auth_openidc); the rules
// around it are ours, and none is left to cjose's defaults:
//   - Only RS256 (an RSA key of at least 2048 bits) and ES256 (an EC key on P-256, a signature of
//     exactly 64 bytes) are accepted, and the key must be of the algorithm's type: "none", HS256 (the
//     RSA-key-as-HMAC-secret confusion), RS512, PS256, ES384 and the rest are refused before cjose sees
//     a key. (cjose itself verifies any algorithm it knows, ES256 with a P-384 key, and an ES256
//     signature of any length.)
//   - The key comes from the JWKS given, chosen by the header's "kid"; keys the token names or carries
//     itself ("jwk", "jku", "x5u", "x5c") are never used. A header with "crit" is refused: we know no
//     extensions.
//   - A token is three non-empty base64url parts (A-Z a-z 0-9 - _, no padding) of at most
//     kMaxIdTokenBytes in all, checked before cjose parses it. Besides keeping to the standard this is
//     a guard: cjose 0.6.2's base64url decoder aborts the process (a failed assert) on some inputs with
//     '=' inside, and skips what follows a '='. Key members of a JWKS get the same check.
//
// Every refusal is kUnauthenticated with a short fixed message ("ID token refused: ..."); no message
// quotes the token, a claim or a key. A token naming a key the JWKS does not hold carries
// Reason::kUnknownSigningKey, so that the caller can refetch the JWKS (at a bounded rate: an attacker
// can send any kid) and verify once more.
//
// Cost per token: one pass over at most kMaxIdTokenBytes, two JSON parses of the decoded header and
// payload, and one signature verification per JWKS key that shares the token's kid and type (one, for
// any sane provider).
//
// Thread-safety: a Jwks is immutable once parsed; any number of threads may call VerifyIdToken with
// the same Jwks at once (hold it as std::shared_ptr<const Jwks> to swap in a refetched one).
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"

namespace taskshare::auth {

// The longest compact token VerifyIdToken reads (a token with a large "groups" claim is a few KiB).
inline constexpr std::size_t kMaxIdTokenBytes = std::size_t{64} * 1024;
// The longest JWKS document Jwks::Parse reads.
inline constexpr std::size_t kMaxJwksBytes = std::size_t{1024} * 1024;
// The smallest RSA modulus, in bits, of a key Jwks::Parse keeps.
inline constexpr std::size_t kMinRsaKeyBits = 2048;

// What the token must say. Every field but the time limits has to be set by the caller.
struct IdTokenCheck {
  // The provider's issuer identifier; "iss" must equal it exactly (no normalisation of slashes or case).
  std::string issuer;
  // Our client_id at the provider: it must be one of "aud" (a string or an array of strings). When
  // "aud" holds more than one value, "azp" must be present; when "azp" is present it must equal this.
  std::string client_id;
  // The nonce sent in the authorization request; "nonce" must equal it. Empty refuses every token.
  std::string nonce;
  // The current time, from the server's Clock.
  UnixMicros now = 0;
  // The clock skew allowed between the provider and us, for "exp", "iat" and "nbf". Negative counts as 0.
  std::int64_t skew_seconds = 60;
  // How old "iat" may be (plus the skew): a token issued longer ago is refused even if unexpired.
  // Negative counts as 0.
  std::int64_t max_age_seconds = 600;
};

// What a verified token says.
struct IdTokenClaims {
  std::string subject;         // "sub": non-empty, at most 255 bytes (OpenID Connect Core, 2)
  std::string email;           // "email", as sent; not checked against domain/email.h's rules here
  boost::json::object claims;  // the whole payload, for mapping groups or roles to teams later
  UnixMicros expires_at = 0;   // "exp"
};

// The provider's signing keys, from its JWKS document (RFC 7517, section 5). Move-only.
class Jwks {
 public:
  // The usable keys of the JWKS document `json`: those with "kty" "RSA" (n and e; at least
  // kMinRsaKeyBits) or "kty" "EC" with "crv" "P-256" (x and y), whose "use", if present, is "sig", whose
  // "alg", if present, is RS256 or ES256 as fits the type, and whose "kid", if present, is a string.
  // Other keys (symmetric keys, other curves, encryption keys, malformed or invalid ones) are skipped,
  // not refused: a provider may list keys for others. Only the public members reach cjose: a private
  // member in the document is ignored. kInvalidArgument if `json` is longer than kMaxJwksBytes, is not
  // JSON, or is not an object with a "keys" array; an empty result is not an error (see empty()).
  static Result<Jwks> Parse(std::string_view json);

  Jwks(Jwks&& other) noexcept;
  Jwks& operator=(Jwks&& other) noexcept;
  Jwks(const Jwks&) = delete;
  Jwks& operator=(const Jwks&) = delete;
  ~Jwks();

  // Whether no key was usable, and how many were.
  bool empty() const;
  std::size_t size() const;

 private:
  enum class KeyType : int;  // RSA, EC P-256 (id_token.cc)
  struct Key;                // a cjose key with its type and kid
  struct Selection;          // the keys that may verify one token, or why there are none

  friend Result<IdTokenClaims> VerifyIdToken(std::string_view compact, const Jwks& keys,
                                             const IdTokenCheck& check);

  Jwks();
  // The keys of type `type` and kid `kid`, or with `kid` null the one key of that type (id_token.cc).
  Selection Select(KeyType type, const std::string* kid) const;

  std::vector<Key> keys_;
};

// The claims of `compact`, a JWS in compact serialization, if it is an ID token signed with RS256 or
// ES256 by a key of `keys` that meets every rule of `check`:
//   - "iss" equals check.issuer; "aud" holds check.client_id; "azp" as IdTokenCheck says;
//   - "exp" is after now - skew; "iat" is at most now + skew and at least now - max_age - skew; "nbf",
//     if present, is at most now + skew (all three JSON numbers, seconds since the epoch);
//   - "nonce" equals check.nonce; "sub" is a non-empty string of at most 255 bytes; "email" is a string;
//     "email_verified" is the JSON literal true (not the string "true"; absent is refused).
// kUnauthenticated otherwise, with Reason::kUnknownSigningKey when no key of `keys` has the token's kid
// (or, for a token without a kid, when `keys` holds no key of its type); a kid that names a key of the
// other type is refused without that reason. kInternal if check.issuer or check.client_id is empty (a
// configuration bug).
Result<IdTokenClaims> VerifyIdToken(std::string_view compact, const Jwks& keys, const IdTokenCheck& check);

}  // namespace taskshare::auth
