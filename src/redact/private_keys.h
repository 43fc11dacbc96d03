// The private_key rule: PEM and OpenPGP armored private keys, found by a hand-written scanner (the
// block's extent depends on which armor line comes next, which a regular expression says poorly and a
// scanner checks in linear time). Pure function; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "redact/rules.h"

namespace taskshare::redact {

// Appends to `out` a span for every private key block in `text`:
// - from a line `-----BEGIN <LABEL>-----`, where LABEL is up to 64 of [A-Z0-9 ] ending in
//   "PRIVATE KEY" or "PRIVATE KEY BLOCK" (RSA, EC, DSA, OPENSSH, ENCRYPTED, PGP ...), through the next
//   `-----END ` line, whole, when that line comes before any other BEGIN and its label is a private-key
//   label too;
// - otherwise (a key cut short, as in truncated tool output) from the BEGIN line through the lines
//   that follow it and look like the key's body: runs of 16 or more base64 characters, a final run
//   ending in "=", and armor headers (Proc-Type, DEK-Info, Version, Comment, Hash, Charset).
// Line breaks may be real or written as the two characters \n, \r (text that holds escaped JSON).
void FindPrivateKeys(std::string_view text, std::vector<Span>& out);

}  // namespace taskshare::redact
