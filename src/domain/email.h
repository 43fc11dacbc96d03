// Users' email addresses: the one rule for what is an address, and the one spelling under which it is
// stored and looked up.
//
// An address is valid when it has
//   - at most kMaxEmailBytes (254) bytes, and is valid UTF-8;
//   - exactly one '@', with a non-empty local part before it;
//   - a domain after it that holds a '.', neither at its start or end nor next to another '.';
//   - no spaces (nor the no-break space, the line and paragraph separators), no control characters
//     (C0, DEL, C1), and none of < > " (which belong around an address, not in it).
// Its normal form has the ASCII letters lower-cased and everything else kept, so "Alice@Example.COM"
// and "alice@example.com" name one user. Only ASCII is folded: the same on every backend and in every
// locale.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace taskshare {

inline constexpr std::size_t kMaxEmailBytes = 254;

// Ok if `email` is a valid address as above; kInvalidArgument otherwise, with a message that names
// the rule it breaks ("an email address has exactly one '@'") and never quotes it.
Status ValidateEmail(std::string_view email);

// `email` with its ASCII letters lower-cased.
std::string NormalizeEmail(std::string_view email);

// The spellings under which the user of `email` is looked up, in this order: NormalizeEmail(email), then
// `email` as given if that differs. The second finds an address stored before emails were normalised
// and left as it was because another user's differed from it only in case (docs/storage.md).
std::vector<std::string> EmailLookupOrder(std::string_view email);

}  // namespace taskshare
