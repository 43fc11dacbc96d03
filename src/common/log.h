// Process-wide logging to stderr, one line per call, written with a single write(2) so that lines from
// different threads never interleave. Thread-safe.
#pragma once

#include <string_view>

namespace taskshare {

// Writes "<RFC 3339 time> <level> <message>\n" to stderr.
void Log(std::string_view level, std::string_view message);

inline void LogInfo(std::string_view message) { Log("info", message); }
inline void LogError(std::string_view message) { Log("error", message); }

}  // namespace taskshare
