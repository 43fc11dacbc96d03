// The time arithmetic of schedules, in UTC: start times, run_at values, and the grid of due times of
// a recurring schedule. Pure functions; thread-safe.
//
// A recurring schedule's due times form a grid fixed by one of them, its anchor (Schedule::anchor_at):
//   hourly   anchor + k hours      daily    anchor + k days      weekly   anchor + k weeks
//   monthly  the anchor's time of day on the anchor's day of the month k months on, or on that month's
//            last day when the month is shorter: an anchor on Jan 31 gives Feb 28 (Feb 29 in a leap
//            year), Mar 31, Apr 30, ... The anchor's day is kept, so a short month never moves the
//            later ones. An anchor on Feb 29 gives the 29th of every month and Feb 28 in common years.
// for every whole k, before and after the anchor. UTC has no daylight saving time, so every day has 24
// hours and every due time keeps its time of day.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/time.h"
#include "domain/enums.h"

namespace taskshare {

inline constexpr std::int64_t kMicrosPerMinute = 60'000'000;

// The minutes after midnight of "HH:MM" (two digits each, 00:00 to 23:59), or nullopt.
std::optional<int> ParseStartTime(std::string_view text);

// "HH:MM" of `minutes` after midnight (0 to 1439).
std::string FormatStartTime(int minutes);

// The UTC time of day of `t` as minutes after midnight (seconds dropped).
int MinuteOfDay(UnixMicros t);

// The instant on the UTC date of `day` at `minutes` after midnight.
UnixMicros AtMinuteOfDay(UnixMicros day, int minutes);

// A run_at value as the time it names: "<n>m", "<n>h" or "<n>d" (n from 1 to 99999 minutes, hours or
// days after `now`), or an RFC 3339 date-time with any offset. nullopt for anything else.
std::optional<UnixMicros> ParseRunAt(std::string_view text, UnixMicros now);

// The due times of the grid of `frequency` through `anchor`: the k-th one, the first at or after
// `t`, the first strictly after `t` and the last at or before `t`. Exact to the microsecond.
UnixMicros SlotAt(UnixMicros anchor, ScanFrequency frequency, std::int64_t k);
UnixMicros FirstSlotAtOrAfter(UnixMicros anchor, ScanFrequency frequency, UnixMicros t);
UnixMicros FirstSlotAfter(UnixMicros anchor, ScanFrequency frequency, UnixMicros t);
UnixMicros LastSlotAtOrBefore(UnixMicros anchor, ScanFrequency frequency, UnixMicros t);

}  // namespace taskshare
