#include "storage/sqlite/task_list.h"

#include <limits>
#include <optional>
#include <string>
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
using sqlite::ReadableTasksSql;
using sqlite::Statement;
using sqlite::StoredTask;

// Keyset pagination: rows strictly after (?2, ?3) in (created_at DESC, seq DESC) order, which every
// index of the list serves directly after its equality columns. The first page binds the largest
// possible position rather than making the bound optional, so the range stays usable by the index.
constexpr std::string_view kSelect =
    "SELECT " TASKSHARE_TASK_COLUMNS "WHERE t.owner_id = ?1 AND (t.created_at, t.seq) < (?2, ?3) ";
constexpr std::string_view kOrder = "ORDER BY t.created_at DESC, t.seq DESC LIMIT ?7";

// The title search (storage/task_filters.h) as parameter ?N. SQLite's own lower() folds ASCII letters
// only, as TitleNeedle folds the needle (a library built with ICU would fold more, and the contract
// tests' non-ASCII cases would fail); instr() reads the needle as text, never as a pattern.
std::string TitleCondition(bool set, int n) {
  const std::string param = "?" + std::to_string(n);
  return set ? "AND instr(lower(t.title), " + param + ") > 0 " : "AND " + param + " IS NULL ";
}

// The tasks others may read: one SELECT for each visibility the reader reads, each walking the readable
// index (migration 18), whose predicate it states, newest first from the position (?2, ?3). The
// reader's own tasks and, for team, the owners of other teams are passed over on the way. Two SELECTs
// are one compound whose ORDER BY merges them, each still read in index order, and whose LIMIT stops
// both once a page is full.
constexpr std::string_view kReadableSelect =
    "SELECT " TASKSHARE_TASK_COLUMNS "WHERE " TASKSHARE_READABLE_VISIBILITY_SQL
    " AND t.owner_id <> ?1 AND (t.created_at, t.seq) < (?2, ?3) ";
constexpr std::string_view kTeamTasks = "AND t.visibility = 'team' AND u.team = ?4 ";
constexpr std::string_view kSupportTasks = "AND t.visibility = 'support' ";
constexpr std::string_view kReadableOrder = "ORDER BY t.created_at DESC, t.seq DESC LIMIT ?5";

// The rows of `stmt` as a page of at most `limit` tasks; a row past them sets `next`.
Result<TaskPage> ReadPage(Statement& stmt, int limit) {
  TaskPage page;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (static_cast<int>(page.tasks.size()) == limit) {
      const Task& last = page.tasks.back();
      page.next = ListPosition{last.created_at, last.seq};
      break;
    }
    Result<StoredTask> stored = ReadTaskRow(stmt);
    if (!stored.ok()) return stored.status();
    page.tasks.push_back(std::move(stored->task));
  }
  return page;
}

constexpr std::int64_t kEnd = std::numeric_limits<std::int64_t>::max();

}  // namespace

std::string sqlite::ListTasksSql(const TaskQuery& query) {
  std::string sql(kSelect);
  sql += query.status ? "AND t.status = ?4 " : "AND ?4 IS NULL ";
  sql += query.visibility ? "AND t.visibility = ?5 " : "AND ?5 IS NULL ";
  sql += query.is_scheduled ? "AND t.is_scheduled = ?6 " : "AND ?6 IS NULL ";
  sql += query.shared ? "AND (" TASKSHARE_SHARED_VISIBILITY_SQL ") = ?8 " : "AND ?8 IS NULL ";
  sql += TitleCondition(!query.title_contains.empty(), 9);
  sql += kOrder;
  return sql;
}

std::string sqlite::ReadableTasksSql(const ReadableQuery& query) {
  const std::string title = TitleCondition(!query.title_contains.empty(), 6);
  std::string sql;
  if (query.team) {
    sql += kReadableSelect;
    sql += kTeamTasks;
    sql += title;
  }
  if (query.support) {
    if (!sql.empty()) sql += "UNION ALL ";
    sql += kReadableSelect;
    sql += kSupportTasks;
    if (!query.team) sql += "AND ?4 IS NULL ";
    sql += title;
  }
  sql += kReadableOrder;
  return sql;
}

Result<TaskPage> SqliteStore::ListTasks(const TaskQuery& query) {
  if (Status s = CheckPageSize(query.limit); !s.ok()) return s;
  if (Status s = CheckTitleSearch(query.title_contains); !s.ok()) return s;
  const std::optional<TaskQuery> filters = EffectiveFilters(query);
  if (!filters) return TaskPage{};
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
                  std::int64_t{filters->limit} + 1, shared, TitleNeedle(filters->title_contains));
  if (!stmt.ok()) return stmt.status();
  return ReadPage(*stmt, filters->limit);
}

Result<TaskPage> SqliteStore::ListReadableTasks(const ReadableQuery& query) {
  if (Status s = CheckPageSize(query.limit); !s.ok()) return s;
  if (Status s = CheckTitleSearch(query.title_contains); !s.ok()) return s;
  if (!query.team && !query.support) return TaskPage{};
  const ListPosition after = query.after.value_or(ListPosition{kEnd, kEnd});
  ConnectionPool::Lease conn = pool_->Acquire();
  // One row more than the page decides whether another page follows.
  Result<Statement> stmt =
      conn->Query(ReadableTasksSql(query), query.reader_id, after.created_at, after.seq, query.team,
                  std::int64_t{query.limit} + 1, TitleNeedle(query.title_contains));
  if (!stmt.ok()) return stmt.status();
  return ReadPage(*stmt, query.limit);
}

}  // namespace taskshare
