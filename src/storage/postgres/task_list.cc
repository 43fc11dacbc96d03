#include "storage/postgres/task_list.h"

#include <limits>
#include <optional>
#include <string>
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
using postgres::ReadableTasksSql;
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

// The title search (storage/task_filters.h) as parameter $N. translate() folds the ASCII letters alone,
// whatever the database's locale, where lower() could fold others too; strpos() reads the needle as
// text, never as a pattern.
std::string TitleCondition(bool set, int n) {
  const std::string param = "$" + std::to_string(n) + "::text";
  return set ? "AND strpos(translate(t.title, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), " +
                   param + ") > 0 "
             : "AND " + param + " IS NULL ";
}

// The tasks others may read: one SELECT for each visibility the reader reads, each walking the readable
// index (migration 16), whose predicate it states, newest first from the position ($2, $3). The
// reader's own tasks and, for team, the owners of other teams are passed over on the way. Each SELECT
// has its own ORDER BY and LIMIT, so that two of them are merged in order (a Merge Append), each read
// in index order and stopped once a page is full: without them the planner sorts every row of both.
// For team tasks the planner may rather read each member's through tasks_by_owner_visibility and sort
// them, when it expects few of the team's to pass the other conditions.
constexpr std::string_view kReadableSelect =
    "SELECT " TASKSHARE_PG_TASK_COLUMNS TASKSHARE_PG_TASK_FROM "WHERE " TASKSHARE_READABLE_VISIBILITY_SQL
    " AND t.owner_id <> $1 AND (t.created_at, t.seq) < ($2::bigint, $3::bigint) ";
constexpr std::string_view kTeamTasks = "AND t.visibility = 'team' AND u.team = $4::text ";
constexpr std::string_view kSupportTasks = "AND t.visibility = 'support' ";
constexpr std::string_view kReadableOrder = "ORDER BY t.created_at DESC, t.seq DESC LIMIT $5::bigint";
constexpr std::string_view kMergedOrder = "ORDER BY created_at DESC, seq DESC LIMIT $5::bigint";

// The rows of `rows` as a page of at most `limit` tasks; a row past them sets `next`.
Result<TaskPage> ReadPage(const Rows& rows, int limit) {
  TaskPage page;
  for (int i = 0; i < rows.size(); ++i) {
    if (i == limit) {
      const Task& last = page.tasks.back();
      page.next = ListPosition{last.created_at, last.seq};
      break;
    }
    Result<StoredTask> stored = ReadTaskRow(rows, i);
    if (!stored.ok()) return stored.status();
    page.tasks.push_back(std::move(stored->task));
  }
  return page;
}

constexpr std::int64_t kEnd = std::numeric_limits<std::int64_t>::max();

}  // namespace

std::string postgres::ListTasksSql(const TaskQuery& query) {
  std::string sql(kSelect);
  sql += query.status ? "AND t.status = $4::text " : "AND $4::text IS NULL ";
  sql += query.visibility ? "AND t.visibility = $5::text " : "AND $5::text IS NULL ";
  sql += query.is_scheduled ? "AND t.is_scheduled = $6::boolean " : "AND $6::boolean IS NULL ";
  sql +=
      query.shared ? "AND (" TASKSHARE_SHARED_VISIBILITY_SQL ") = $8::boolean " : "AND $8::boolean IS NULL ";
  sql += TitleCondition(!query.title_contains.empty(), 9);
  sql += kOrder;
  return sql;
}

std::string postgres::ReadableTasksSql(const ReadableQuery& query) {
  const std::string title = TitleCondition(!query.title_contains.empty(), 6);
  std::string team(kReadableSelect);
  team += kTeamTasks;
  team += title;
  std::string support(kReadableSelect);
  support += kSupportTasks;
  support += title;
  if (!query.team) return support + "AND $4::text IS NULL " + std::string(kReadableOrder);
  if (!query.support) return team + std::string(kReadableOrder);
  return "SELECT * FROM (" + team + std::string(kReadableOrder) +
         ") AS team_tasks UNION ALL SELECT * FROM (" + support + std::string(kReadableOrder) +
         ") AS support_tasks " + std::string(kMergedOrder);
}

Result<TaskPage> PostgresStore::ListTasks(const TaskQuery& query) {
  if (Status s = CheckPageSize(query.limit); !s.ok()) return s;
  if (Status s = CheckTitleSearch(query.title_contains); !s.ok()) return s;
  const std::optional<TaskQuery> filters = EffectiveFilters(query);
  if (!filters) return TaskPage{};
  const ListPosition after = filters->after.value_or(ListPosition{kEnd, kEnd});
  Result<ConnectionPool::Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  // One row more than the page decides whether another page follows.
  Result<Rows> rows = (*conn)->Query(ListTasksSql(*filters), filters->owner_id, after.created_at, after.seq,
                                     OptionalEnumText(filters->status), OptionalEnumText(filters->visibility),
                                     filters->is_scheduled, std::int64_t{filters->limit} + 1, filters->shared,
                                     TitleNeedle(filters->title_contains));
  if (!rows.ok()) return rows.status();
  return ReadPage(*rows, filters->limit);
}

Result<TaskPage> PostgresStore::ListReadableTasks(const ReadableQuery& query) {
  if (Status s = CheckPageSize(query.limit); !s.ok()) return s;
  if (Status s = CheckTitleSearch(query.title_contains); !s.ok()) return s;
  if (!query.team && !query.support) return TaskPage{};
  const ListPosition after = query.after.value_or(ListPosition{kEnd, kEnd});
  Result<ConnectionPool::Lease> conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  // One row more than the page decides whether another page follows.
  Result<Rows> rows =
      (*conn)->Query(ReadableTasksSql(query), query.reader_id, after.created_at, after.seq, query.team,
                     std::int64_t{query.limit} + 1, TitleNeedle(query.title_contains));
  if (!rows.ok()) return rows.status();
  return ReadPage(*rows, query.limit);
}

}  // namespace taskshare
