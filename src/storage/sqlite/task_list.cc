#include "storage/sqlite/task_list.h"

#include <limits>
#include <optional>
#include <utility>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/task_rows.h"
#include "storage/store.h"
#include "storage/task_codec.h"
#include "storage/task_filters.h"

namespace taskshare {
namespace {

using sqlite::BoolInt;
using sqlite::ConnectionPool;
using sqlite::ListTasksSql;
using sqlite::Statement;
using sqlite::StoredTask;

// Keyset pagination: rows strictly after (?2, ?3) in (created_at DESC, seq DESC) order, which every
// index of the list serves directly after its equality columns. The first page binds the largest
// possible position rather than making the bound optional, so the range stays usable by the index.
constexpr std::string_view kSelect =
    "SELECT " TASKSHARE_TASK_COLUMNS "WHERE t.owner_id = ?1 AND (t.created_at, t.seq) < (?2, ?3) ";
constexpr std::string_view kOrder = "ORDER BY t.created_at DESC, t.seq DESC LIMIT ?7";

}  // namespace

std::string sqlite::ListTasksSql(const TaskQuery& query) {
  std::string sql(kSelect);
  sql += query.status ? "AND t.status = ?4 " : "AND ?4 IS NULL ";
  sql += query.visibility ? "AND t.visibility = ?5 " : "AND ?5 IS NULL ";
  sql += query.is_scheduled ? "AND t.is_scheduled = ?6 " : "AND ?6 IS NULL ";
  sql += query.shared ? "AND (" TASKSHARE_SHARED_VISIBILITY_SQL ") = ?8 " : "AND ?8 IS NULL ";
  sql += kOrder;
  return sql;
}

Result<TaskPage> SqliteStore::ListTasks(const TaskQuery& query) {
  if (Status s = CheckPageSize(query.limit); !s.ok()) return s;
  const std::optional<TaskQuery> filters = EffectiveFilters(query);
  if (!filters) return TaskPage{};
  constexpr std::int64_t kEnd = std::numeric_limits<std::int64_t>::max();
  const ListPosition after = filters->after.value_or(ListPosition{kEnd, kEnd});
  std::optional<std::int64_t> is_scheduled;
  if (filters->is_scheduled) is_scheduled = BoolInt(*filters->is_scheduled);
  std::optional<std::int64_t> shared;
  if (filters->shared) shared = BoolInt(*filters->shared);
  ConnectionPool::Lease conn = pool_->Acquire();
  // One row more than the page decides whether another page follows.
  Result<Statement> stmt =
      conn->Query(ListTasksSql(*filters), filters->owner_id, after.created_at, after.seq,
                  OptionalEnumText(filters->status), OptionalEnumText(filters->visibility), is_scheduled,
                  std::int64_t{filters->limit} + 1, shared);
  if (!stmt.ok()) return stmt.status();

  TaskPage page;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (static_cast<int>(page.tasks.size()) == filters->limit) {
      const Task& last = page.tasks.back();
      page.next = ListPosition{last.created_at, last.seq};
      break;
    }
    Result<StoredTask> stored = ReadTaskRow(*stmt);
    if (!stored.ok()) return stored.status();
    page.tasks.push_back(std::move(stored->task));
  }
  return page;
}

}  // namespace taskshare
