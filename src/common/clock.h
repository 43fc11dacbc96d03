// Clock: where everything whose behaviour depends on the time of day reads it (the scheduler and the
// Schedules API, the expiry of share links and of the responses cached for them), so that tests can
// set it instead of sleeping. `serve` makes one clock and hands it to each of them. Timestamps that
// only record when a write happened (created_at, updated_at) read the system time. Implementations are
// thread-safe.
#pragma once

#include <atomic>
#include <string>

#include "common/time.h"

namespace taskshare {

class Clock {
 public:
  virtual ~Clock() = default;
  // The current time.
  virtual UnixMicros Now() const = 0;
};

// The wall clock (NowMicros()).
class SystemClock final : public Clock {
 public:
  UnixMicros Now() const override { return NowMicros(); }
};

// The process's one SystemClock, for callers given no clock.
const Clock& SystemTime();

// A clock that reads the time from a file on every call: one RFC 3339 date-time (surrounding
// whitespace ignored), which a test rewrites to move time. For tests only (`serve
// --clock-file`): whoever can write the file decides when schedules run and links expire. Until the file
// first holds a valid time it answers the system time; after that, a file that cannot be read or
// parsed (say, caught half-written) answers the last valid time it held.
class FileClock final : public Clock {
 public:
  explicit FileClock(std::string path) : path_(std::move(path)) {}
  UnixMicros Now() const override;

 private:
  std::string path_;
  mutable std::atomic<UnixMicros> last_{0};  // 0: no valid time read yet
};

// A clock set by hand, for unit tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(UnixMicros now = 0) : now_(now) {}
  UnixMicros Now() const override { return now_.load(); }
  void Set(UnixMicros now) { now_.store(now); }
  void Advance(UnixMicros by) { now_.fetch_add(by); }

 private:
  std::atomic<UnixMicros> now_;
};

}  // namespace taskshare
