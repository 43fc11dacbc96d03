// Parsing of the Secrets API's input: the body of POST /api/v1/secrets and secret names in paths. Strict
// as task_requests.h: a wrong type or an unknown field is kInvalidArgument with a message that names it.
// No message ever quotes a secret's value. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace taskshare::api {

// Secret names: 1 to kMaxSecretNameBytes of A-Z, a-z, 0-9, '_', '.', '-' (environment-variable-like,
// safe in a path segment without escaping).
inline constexpr std::size_t kMaxSecretNameBytes = 128;
// Values: kMinSecretValueBytes (shorter ones could not be redacted: redact/secret_matcher.h) to
// kMaxSecretValueBytes bytes of any UTF-8 text.
inline constexpr std::size_t kMinSecretValueBytes = 4;
inline constexpr std::size_t kMaxSecretValueBytes = 16 * 1024;

struct NewSecret {
  std::string name;
  std::string value;
};

// ok if `name` follows the rules above, else kInvalidArgument saying what they are.
Status CheckSecretName(std::string_view name);

// A POST /api/v1/secrets body: {"name": "...", "value": "..."}, both required.
Result<NewSecret> ParseCreateSecret(std::string_view body);

}  // namespace taskshare::api
