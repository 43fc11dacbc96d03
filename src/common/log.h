// Process-wide logging to stderr, one line per call, written with a single write(2) so that lines from
// different threads never interleave. Thread-safe.
//
// A message is escaped before it is written (EscapeLogText), so that one call is always exactly one
// line, whatever bytes it carries: a database's error message quoting a client's value, a title, an
// id. No caller can end a line early or forge another, nor send a terminal control sequence.
#pragma once

#include <string>
#include <string_view>

namespace taskshare {

// Writes "<RFC 3339 time> <level> <EscapeLogText(message)>\n" to stderr.
void Log(std::string_view level, std::string_view message);

inline void LogInfo(std::string_view message) { Log("info", message); }
inline void LogError(std::string_view message) { Log("error", message); }

// `text` with every byte that is not printable ASCII or part of printable UTF-8 escaped: a backslash
// as \\, line feed, carriage return and tab as \n, \r and \t, any other control byte (U+0000 to
// U+001F, U+007F) and every byte of an invalid UTF-8 sequence as \xHH, and the control and line
// separator code points past ASCII (U+0080 to U+009F, U+2028, U+2029) as \uHHHH. The result holds no
// byte below 0x20 and no line break of any kind; printable text, UTF-8 included, is unchanged.
std::string EscapeLogText(std::string_view text);

}  // namespace taskshare
