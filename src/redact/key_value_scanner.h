// Finds `key: value` and `key=value` pairs in free text and applies the keyed rules of credentials.h to
// them: headers in a curl command or an HTTP dump, lines of a .env file, YAML, INI or shell, URL query
// strings, Python or JSON source shown as text. Linear in the text. Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "redact/rules.h"

namespace taskshare::redact {

// Appends to `out` the spans to redact in `text`. A pair is:
// - a key: up to 64 of [A-Za-z0-9_.-] not preceded by another such character, optionally quoted
//   ("key", 'key', or \"key\" inside escaped JSON), followed by blanks;
// - a separator: ":" for headers; ":", "=", ":=" or "=>" for the others (never "==", "!=", "<=",
//   ">=", "::" or "://");
// - a value after optional blanks: quoted ("...", '...', `...`, \"...\"; on one line, at most
//   kMaxCredentialLength long), or else
//   - for a header, the rest of the line, ending also at a backslash (an escaped line break) and, when
//     the header name itself opened a quoted string ('Authorization: Bearer x' in a curl command), at
//     that quote;
//   - for the others, a run up to a blank, a quote, a backslash or one of , ; & ( ) [ ] { } < > |,
//     without trailing dots.
// Scanning resumes after each value, so a value is never read as a key.
void FindKeyValueMatches(std::string_view text, std::vector<Span>& out);

// Whether the ':' or '=' at text[sep] would open a value that FindKeyValueMatches judges: it is a
// separator, and the key before it has a kind (for a header, the separator is ':'). A text without such
// a position has no pair to redact; one with it may still have none (the scan skips values, and most
// values are not credentials).
bool IsKeyValueSeparator(std::string_view text, size_t sep);

}  // namespace taskshare::redact
