// The rules that need a key name for context: Authorization and Cookie header values, AWS secret
// access keys, and credential assignments (password=, token:, "api_key": ...). This file decides what
// a key name means and whether a value under it is to be redacted; key_value_scanner.h finds keys and
// values in free text, and the JSON walk (redactor.cc) takes them from object members. Pure
// functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "redact/rules.h"

namespace taskshare::redact {

// What a key name says about the value it introduces.
enum class KeyKind {
  kNone,
  kAuthorization,  // authorization, proxy-authorization
  kCookie,         // cookie, set-cookie
  kAwsSecret,      // ...secret_access_key, aws_secret_key
  kCredential,     // ...password, passwd, passphrase, secret, token, api_key, access_key, secret_key,
                   // private_key, signing_key, credential(s)
};

// Key names are compared case-insensitively and with "_", "-", "." and spaces removed, so api_key,
// API-KEY, apiKey and "Api Key" are one name. Header names must match exactly; the others match as a
// suffix (DB_PASSWORD, client_secret, X-Auth-Token, spring.datasource.password). Plural and longer
// forms do not: max_tokens, token_count, secret_names and password_policy are kNone.
KeyKind ClassifyKey(std::string_view key);

inline bool IsHeaderKind(KeyKind kind) { return kind == KeyKind::kAuthorization || kind == KeyKind::kCookie; }

// Credential values are redacted only when they look generated rather than written by a person, which
// keeps documentation and prose ("password: required", token=<your token>, PASSWORD=changeme,
// api_key=${API_KEY}) readable. A value qualifies when all of these hold:
inline constexpr size_t kMinCredentialLength = 8;      // bytes
inline constexpr size_t kMaxCredentialLength = 4096;   // longer is a blob, not a credential
inline constexpr double kMinEntropyBitsPerChar = 2.5;  // Shannon entropy of its bytes
// and it has no whitespace or control character, has a letter, has a digit or an ASCII punctuation
// character other than . _ - / : (the punctuation of identifiers, paths and URLs), and is not a
// placeholder: ${...}, $(...), {{...}}, %(...), <...>, %...%, $NAME, or already a [REDACTED:...].
bool IsCredentialValue(std::string_view value);

// Shannon entropy of the bytes of `value`, in bits per byte (0 for an empty value).
double EntropyBitsPerChar(std::string_view value);

// Exactly 40 of [A-Za-z0-9/+], the shape of an AWS secret access key.
bool IsAwsSecretKeyShape(std::string_view value);

// Appends to `out` the span of `text[begin, end)`, a value introduced by a key of kind `kind`, that is
// to be redacted, if any. Blanks and line ends around the value are not part of it.
// - kAuthorization: the whole value, except that a leading scheme (Basic, Bearer, Digest, Token, Bot,
//   Negotiate, NTLM, AWS4-HMAC-SHA256, HOBA, Mutual, ApiKey, Key, OAuth, DPoP, SSWS; any case) and
//   the blank after it are kept: "Bearer [REDACTED:authorization_header]". A scheme alone is kept,
//   and so is a placeholder (as for IsCredentialValue): Bearer $TOKEN, Bearer <token>.
// - kCookie: the whole value, unless it is a placeholder.
// - kAwsSecret: the value if it IsAwsSecretKeyShape (rule aws_secret_access_key), else as kCredential.
// - kCredential: the value if IsCredentialValue (rule credential_assignment).
void FindKeyedValue(KeyKind kind, std::string_view text, size_t begin, size_t end, std::vector<Span>& out);

}  // namespace taskshare::redact
