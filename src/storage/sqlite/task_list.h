// The list of a user's tasks on SQLite (SqliteStore::ListTasks, defined in task_list.cc), one statement
// per combination of filters (storage/task_filters.h), each served by the index of one of its filters;
// and the list of the tasks others may read (SqliteStore::ListReadableTasks), served by the readable
// index.
#pragma once

#include <string>

#include "storage/sqlite/db.h"
#include "storage/store.h"

namespace taskshare::sqlite {

// The statement that lists a page of tasks for the filters `query` sets (after EffectiveFilters). Its
// parameters, bound by ListTasks: ?1 owner_id, ?2 and ?3 the position to start after, ?4 status, ?5
// visibility, ?6 is_scheduled, ?7 the row limit, ?8 shared, ?9 the title search (TitleNeedle); a filter
// that is not set is bound NULL and stated as "?N IS NULL", a constant the planner sets aside.
std::string ListTasksSql(const TaskQuery& query);

// The statement that lists a page of the tasks others may read for a reader with query.team and
// query.support, at least one of them set. Its parameters, bound by ListReadableTasks: ?1 reader_id, ?2
// and ?3 the position to start after, ?4 team, ?5 the row limit, ?6 the title search, bound NULL and
// stated as ?4 and ?6 are in ListTasksSql when not set.
std::string ReadableTasksSql(const ReadableQuery& query);

}  // namespace taskshare::sqlite
