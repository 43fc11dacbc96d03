// The closed value sets of the Neo contract, with their exact wire spellings.
//
// Each enum has ToString (its spelling in JSON and in storage) and Parse<Enum> (the inverse, nullopt for
// anything that is not exactly one of the spellings). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace taskshare {

enum class TaskStatus { kActive, kCompleted, kError, kPending, kAborted, kSuspended };
enum class Visibility { kPublic, kPrivate, kUnlisted, kTeam, kSupport };
enum class Source { kWeb, kGithub, kSlack, kLinear, kJira };
enum class CompletionDelivery { kWebhook, kArtifact };
enum class Role { kUser, kSupport, kAdmin };
enum class ScheduleType { kRecurring, kOneTime };
enum class ScheduleStatus { kActive, kPaused, kCompleted, kFailed };
enum class ScanFrequency { kHourly, kDaily, kWeekly, kMonthly };
enum class ExecutionStatus { kPending, kRunning, kCompleted, kFailed };
// What a share link shows of a task's messages: all of them, or those up to the owner's pin.
enum class ShareMode { kLive, kPinned };

std::string_view ToString(TaskStatus v);
std::string_view ToString(Visibility v);
std::string_view ToString(Source v);
std::string_view ToString(CompletionDelivery v);
std::string_view ToString(Role v);
std::string_view ToString(ScheduleType v);
std::string_view ToString(ScheduleStatus v);
std::string_view ToString(ScanFrequency v);
std::string_view ToString(ExecutionStatus v);
std::string_view ToString(ShareMode v);

// Parse<E>(text) returns the enumerator spelled `text`, or nullopt.
template <typename E>
std::optional<E> Parse(std::string_view text);

// The accepted spellings joined by '|', for error messages ("active|completed|...").
template <typename E>
std::string_view Spellings();

}  // namespace taskshare
