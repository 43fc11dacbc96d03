// The text given as a database (--db, --db-replica): its scheme, and the form of it fit for a log line.
//
// UrlForLogs is the one place that decides what of that text may be printed. It masks every secret
// parameter, whatever shape the text has:
//   - a URL (scheme://...), read as libpq reads it: the password of its user information
//     (scheme://user:PASSWORD@host, up to the first '@' before any '/') and the value of every query
//     parameter whose name, percent-decoded, contains "pass" (password=, sslpassword=, pass%77ord=);
//   - a libpq key/value connection string (host=db password=x sslpassword='a b'): the value of every
//     keyword containing "pass", quoted or not, and any value that is itself a URL, masked as above;
//   - sqlite:PATH and a bare file path: unchanged (a path holds no secret).
// Each masked value becomes "***". When the text cannot be read with certainty (an '@' after the user
// information and before the query, as a password holding an unencoded '@' or '/' leaves; a bad percent
// escape; a control character; a query parameter without '='; an unterminated quote), everything after
// the scheme is hidden ("postgresql://***", or "***" for text without a scheme), so no part of a
// password reaches a log however the text is mistyped.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace taskshare {

// The scheme of `url` ("sqlite" in "sqlite:x.db"), or "" when it has none. A scheme is a letter
// followed by letters, digits, '+', '-' or '.', then ':' (RFC 3986); anything else is a bare path.
std::string_view UrlScheme(std::string_view url);

// `url` with every secret in it replaced by "***", as described above.
std::string UrlForLogs(std::string_view url);

// Whether UrlForLogs reads `url` with certainty, rather than hiding all of it after the scheme. A
// PostgreSQL URL that is not is refused (storage/postgres/settings.h, CheckUrl): libpq would take part
// of its password for a host, a port or a database name, and could quote it in an error.
bool IsReadWithCertainty(std::string_view url);

}  // namespace taskshare
