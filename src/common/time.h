// Time as microseconds since the Unix epoch, and its RFC 3339 text form.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace taskshare {

// Microseconds since 1970-01-01T00:00:00Z.
using UnixMicros = std::int64_t;

// The current wall-clock time.
UnixMicros NowMicros();

// RFC 3339 in UTC with a `Z`, to the microsecond, trailing zeros of the fraction dropped:
// "2026-11-20T10:00:00Z", "2026-11-20T10:00:00.25Z".
std::string FormatRfc3339(UnixMicros t);

// Parses an RFC 3339 date-time with any offset (`Z`, `z`, `+hh:mm`, `-hh:mm`) and up to nine fraction
// digits (digits past the sixth are truncated). Returns nullopt for anything else, including
// out-of-range fields such as a 30th of February, and instants that fall outside the years 0000 to
// 9999 once the offset is applied (FormatRfc3339 could not write them).
std::optional<UnixMicros> ParseRfc3339(std::string_view text);

}  // namespace taskshare
