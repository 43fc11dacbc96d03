#include "storage/postgres/task_list.h"

#include <limits>
#include <optional>
#include <utility>

#include "storage/postgres/pool.h"
#include "storage/postgres/postgres_store.h"
#include "storage/postgres/task_rows.h"
#include "storage/store.h"
#include "storage/task_codec.h"
#include "storage/task_filters.h"

namespace taskshare {
namespace {

using postgres::ConnectionPool;
using postgres::ListTasksSql;
using postgres::ReadTaskRow;
using postgres::Rows;
using postgres::StoredTask;

// Keyset pagination: rows strictly after ($2, $3) in (created_at DESC, seq DESC) order, which every
// index of the list serves directly after its equality columns. The first page binds the largest
// possible position rather than making the bound optional, so the range stays usable by the index.
constexpr std::string_view kSelect =
    "SELECT " TASKSHARE_PG_TASK_COLUMNS TASKSHARE_PG_TASK_FROM
    "WHERE t.owner_id = $1 AND (t.created_at, t.seq) < ($2::bigint, $3::bigint) ";
constexpr std::string_view kOrder = "ORDER BY t.created_at DESC, t.seq DESC LIMIT $7::bigint";

}  // namespace

std::string postgres::ListTasksSql(const TaskQuery& query) {
  std::string sql(kSelect);
  sql += query.status ? "AND t.status = $4::text " : "AND $4::text IS NULL ";
  sql += query.visibility ? "AND t.visibility = $5::text " : "AND $5::text IS NULL ";
  sql += query.is_scheduled ? "AND t.is_scheduled = $6::boolean " : "AND $6::boolean IS NULL ";
  sql +=
      query.shared ? "AND (" TASKSHARE_SHARED_VISIBILITY_SQL ") = $8::boolean " : "AND $8::boolean IS NULL ";
  sql += kOrder;
  return sql;
}

Result<TaskPage> PostgresStore::ListTasks(const TaskQuery& query) {
  if (Status s = CheckPageSize(query.limit); !s.ok()) return s;
  const std::optional<TaskQuery> filters = EffectiveFilters(query);
  if (!filters) return TaskPage{};
  constexpr std::int64_t kEnd = std::numeric_limits<std::int64_t>::max();
  const ListPosition after = filters->after.value_or(ListPosition{kEnd, kEnd});
  Result<ConnectionPool::Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  // One row more than the page decides whether another page follows.
  Result<Rows> rows =
      (*conn)->Query(ListTasksSql(*filters), filters->owner_id, after.created_at, after.seq,
                     OptionalEnumText(filters->status), OptionalEnumText(filters->visibility),
                     filters->is_scheduled, std::int64_t{filters->limit} + 1, filters->shared);
  if (!rows.ok()) return rows.status();

  TaskPage page;
  for (int i = 0; i < rows->size(); ++i) {
    if (i == filters->limit) {
      const Task& last = page.tasks.back();
      page.next = ListPosition{last.created_at, last.seq};
      break;
    }
    Result<StoredTask> stored = ReadTaskRow(*rows, i);
    if (!stored.ok()) return stored.status();
    page.tasks.push_back(std::move(stored->task));
  }
  return page;
}

}  // namespace taskshare
