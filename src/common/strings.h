// Small string helpers that several layers need, written once: trimming blanks and comparing ASCII
// text without regard to case (HTTP tokens, URL schemes, header names). They read bytes, never
// allocate (but AsciiLower, which returns a copy) and never consult the locale. Pure functions;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace taskshare {

// The blanks Trim removes: space, tab, CR and LF (HTTP's optional whitespace, JSON's whitespace, and
// the line ends of files and of libpq's messages).
inline constexpr std::string_view kBlanks = " \t\r\n";

// `s` without the blanks at either end; a view into `s`.
std::string_view Trim(std::string_view s);

// `c` with an ASCII upper-case letter turned to lower case; any other byte as it is.
constexpr char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// `s` with its ASCII letters in lower case; other bytes (UTF-8 included) as they are.
std::string AsciiLower(std::string_view s);

// Whether `a` and `b` are equal once their ASCII letters are folded to lower case.
bool EqualsIgnoringCase(std::string_view a, std::string_view b);

// Whether `s` begins with `prefix`, ASCII letters compared without regard to case.
bool StartsWithIgnoringCase(std::string_view s, std::string_view prefix);

// True if `s` is valid UTF-8: no stray continuation bytes, overlong forms, surrogates or code points
// past U+10FFFF. U+0000 is valid.
bool IsUtf8(std::string_view s);

}  // namespace taskshare
