#include "storage/sqlite/task_rows.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <utility>

#include "domain/task_json.h"

namespace taskshare::sqlite {
namespace {

// Decodes the columns of a task row that can be corrupt, keeping the first problem found.
class TaskRowDecoder {
 public:
  TaskRowDecoder(const Statement& row, std::string_view task_id) : row_(row), task_id_(task_id) {}

  template <typename E>
  void Enum(int column, std::string_view name, E* out) {
    const std::string text = row_.ColumnText(column);
    std::optional<E> value = Parse<E>(text);
    if (value && !row_.IsNull(column)) {
      *out = *value;
    } else {
      Fail(name, "holds '" + text + "'");
    }
  }
  template <typename E>
  void OptionalEnum(int column, std::string_view name, std::optional<E>* out) {
    if (row_.IsNull(column)) return;
    E value{};
    Enum(column, name, &value);
    *out = value;
  }
  void Bool(int column, std::string_view name, bool* out) {
    const std::int64_t value = row_.ColumnInt64(column);
    if (row_.IsNull(column) || (value != 0 && value != 1)) Fail(name, "is not 0 or 1");
    *out = value == 1;
  }
  void SecretNames(int column, std::vector<std::string>* out) {
    boost::system::error_code ec;
    const boost::json::value value = boost::json::parse(row_.ColumnText(column), ec);
    if (ec || !value.is_array()) return Fail("secret_names", "is not a JSON array");
    for (const boost::json::value& name : value.get_array()) {
      if (!name.is_string()) return Fail("secret_names", "holds a non-string");
      out->emplace_back(name.get_string());
    }
  }
  void Schedule(int column, std::optional<ScheduleInfo>* out) {
    if (row_.IsNull(column)) return;
    Result<ScheduleInfo> info = ScheduleInfoFromText(row_.ColumnText(column));
    if (!info.ok()) return Fail("schedule_info", "is unreadable: " + info.status().detail());
    *out = std::move(*info);
  }

  const Status& status() const { return status_; }

 private:
  void Fail(std::string_view column, std::string_view problem) {
    if (status_.ok()) status_ = CorruptTask(task_id_, column, problem);
  }

  const Statement& row_;
  std::string_view task_id_;
  Status status_;
};

}  // namespace

Status CorruptTask(std::string_view task_id, std::string_view column, std::string_view problem) {
  return Status::Internal("Failed to load snapshot", "task " + std::string(task_id) + ": column " +
                                                         std::string(column) + " " +
                                                         std::string(problem));
}

std::string SecretNamesToText(const std::vector<std::string>& names) {
  boost::json::array array;
  for (const std::string& name : names) array.emplace_back(name);
  return boost::json::serialize(array);
}

Result<StoredTask> ReadTaskRow(const Statement& row) {
  StoredTask stored;
  Task& t = stored.task;
  t.seq = row.ColumnInt64(kSeqColumn);
  t.id = row.ColumnText(kIdColumn);
  t.owner_id = row.ColumnText(kOwnerIdColumn);
  t.created_by = row.ColumnText(kEmailColumn);
  t.owner_team = row.ColumnOptionalText(kTeamColumn);
  t.title = row.ColumnText(kTitleColumn);
  t.model = row.ColumnOptionalText(kModelColumn);
  t.project_id = row.ColumnOptionalText(kProjectIdColumn);
  t.created_at = row.ColumnInt64(kCreatedAtColumn);
  t.updated_at = row.ColumnInt64(kUpdatedAtColumn);
  stored.message_count = row.ColumnInt64(kMessageCountColumn);

  TaskRowDecoder decode(row, t.id);
  decode.Enum(kStatusColumn, "status", &t.status);
  decode.Enum(kVisibilityColumn, "visibility", &t.visibility);
  decode.Enum(kSourceColumn, "source", &t.source);
  decode.OptionalEnum(kCompletionDeliveryColumn, "completion_delivery", &t.completion_delivery);
  decode.Bool(kIsIsolatedColumn, "is_isolated", &t.is_isolated);
  decode.Bool(kIsScheduledColumn, "is_scheduled", &t.is_scheduled);
  decode.SecretNames(kSecretNamesColumn, &t.secret_names);
  decode.Schedule(kScheduleInfoColumn, &t.schedule_info);
  if (!decode.status().ok()) return decode.status();
  return stored;
}

Result<User> ReadUserRow(const Statement& row) {
  User user;
  user.id = row.ColumnText(0);
  user.email = row.ColumnText(1);
  const std::string role = row.ColumnText(2);
  std::optional<Role> parsed = Parse<Role>(role);
  if (!parsed) {
    return Status::Internal("storage error",
                            "user " + user.id + ": column role holds '" + role + "'");
  }
  user.role = *parsed;
  user.team = row.ColumnOptionalText(3);
  user.created_at = row.ColumnInt64(4);
  return user;
}

}  // namespace taskshare::sqlite
