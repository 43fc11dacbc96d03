#include "domain/enums.h"

#include <array>
#include <string>
#include <utility>

namespace taskshare {
namespace {

// One table per enum, in declaration order: the single place where wire spellings live.
template <typename E>
struct Table;

#define TASKSHARE_ENUM_TABLE(E, ...)                    \
  template <>                                           \
  struct Table<E> {                                     \
    static constexpr std::array kNames = {__VA_ARGS__}; \
  };

TASKSHARE_ENUM_TABLE(TaskStatus, std::string_view("active"), std::string_view("completed"),
                     std::string_view("error"), std::string_view("pending"), std::string_view("aborted"),
                     std::string_view("suspended"))
TASKSHARE_ENUM_TABLE(Visibility, std::string_view("public"), std::string_view("private"),
                     std::string_view("unlisted"), std::string_view("team"), std::string_view("support"))
TASKSHARE_ENUM_TABLE(Source, std::string_view("web"), std::string_view("github"), std::string_view("slack"),
                     std::string_view("linear"), std::string_view("jira"))
TASKSHARE_ENUM_TABLE(CompletionDelivery, std::string_view("webhook"), std::string_view("artifact"))
TASKSHARE_ENUM_TABLE(Role, std::string_view("user"), std::string_view("support"), std::string_view("admin"))
TASKSHARE_ENUM_TABLE(ScheduleType, std::string_view("recurring"), std::string_view("one_time"))
TASKSHARE_ENUM_TABLE(ScheduleStatus, std::string_view("active"), std::string_view("paused"),
                     std::string_view("completed"), std::string_view("failed"))
TASKSHARE_ENUM_TABLE(ScanFrequency, std::string_view("hourly"), std::string_view("daily"),
                     std::string_view("weekly"), std::string_view("monthly"))
TASKSHARE_ENUM_TABLE(ExecutionStatus, std::string_view("pending"), std::string_view("running"),
                     std::string_view("completed"), std::string_view("failed"))
TASKSHARE_ENUM_TABLE(ShareMode, std::string_view("live"), std::string_view("pinned"))

#undef TASKSHARE_ENUM_TABLE

template <typename E>
std::string_view Name(E v) {
  return Table<E>::kNames[static_cast<size_t>(v)];
}

}  // namespace

template <typename E>
std::optional<E> Parse(std::string_view text) {
  const auto& names = Table<E>::kNames;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

template <typename E>
std::string_view Spellings() {
  static const std::string joined = [] {
    std::string out;
    for (std::string_view name : Table<E>::kNames) {
      if (!out.empty()) out += '|';
      out += name;
    }
    return out;
  }();
  return joined;
}

#define TASKSHARE_ENUM_FUNCTIONS(E)                     \
  std::string_view ToString(E v) { return Name(v); }    \
  template std::optional<E> Parse<E>(std::string_view); \
  template std::string_view Spellings<E>();

TASKSHARE_ENUM_FUNCTIONS(TaskStatus)
TASKSHARE_ENUM_FUNCTIONS(Visibility)
TASKSHARE_ENUM_FUNCTIONS(Source)
TASKSHARE_ENUM_FUNCTIONS(CompletionDelivery)
TASKSHARE_ENUM_FUNCTIONS(Role)
TASKSHARE_ENUM_FUNCTIONS(ScheduleType)
TASKSHARE_ENUM_FUNCTIONS(ScheduleStatus)
TASKSHARE_ENUM_FUNCTIONS(ScanFrequency)
TASKSHARE_ENUM_FUNCTIONS(ExecutionStatus)
TASKSHARE_ENUM_FUNCTIONS(ShareMode)

#undef TASKSHARE_ENUM_FUNCTIONS

}  // namespace taskshare
