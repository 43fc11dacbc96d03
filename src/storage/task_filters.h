// The filters of a task list (GET /api/v1/tasks) as the backends' list statements apply them.
//
// Each backend keeps one list statement per combination of the filters a query sets, each naming only
// the columns it filters on (never "parameter IS NULL OR column = parameter", which no index can
// serve), so that the database reads a filter's index (SQLite migration 15, PostgreSQL 13: status,
// visibility, shared, is_scheduled, each after owner_id and before the (created_at, seq) order) and a
// page costs what it returns. A combination walks the index of one of its filters, the planner's
// choice, and checks the others on the rows it reads.
//
// `shared` is "visibility is one a share link serves" (domain/access.h, IsShared: public or unlisted),
// which both backends index as the expression visibility IN ('public', 'unlisted'); the list statements
// spell it the same way so that the index matches.
//
// `title_contains` is no index's: it is checked on the rows the statement reads through the other
// filters' index, so a search that few titles match reads every task those filters pass on its way.
// Both backends compare the title with its ASCII letters folded to lower case and every other byte as
// it is, against the search folded the same way here (TitleNeedle), by a substring search (instr(),
// strpos()) that takes every byte as literal text: there is no pattern to escape.
//
// The tasks others may read (Store::ListReadableTasks) are those of the visibilities the readable index
// holds (SQLite migration 18, PostgreSQL 16): team and support. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "storage/store.h"

namespace taskshare {

// The list statements' spelling of IsShared, the same text as the index expression of those migrations.
#define TASKSHARE_SHARED_VISIBILITY_SQL "t.visibility IN ('public', 'unlisted')"

// The visibilities through which users other than the owner may read a task because of who they are
// (domain/access.h: team and support), spelled as the predicate of the readable index, which a
// statement must state for the planner to use that index.
#define TASKSHARE_READABLE_VISIBILITY_SQL "t.visibility IN ('team', 'support')"

// `query` with the filters a list statement needs: `shared` dropped when `visibility` is set (the one
// implies the other), or nullopt when the filters contradict each other (a visibility with the other
// value of `shared`), so that no task can match and no statement need run.
std::optional<TaskQuery> EffectiveFilters(const TaskQuery& query);

// What a list statement binds for `title_contains`: nullopt (no filter) when it is empty, else it with
// its ASCII letters in lower case.
std::optional<std::string> TitleNeedle(const std::string& title_contains);

}  // namespace taskshare
