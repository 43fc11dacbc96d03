// The query plans that the storage tests hold list statements to: SQLite's EXPLAIN QUERY PLAN, and the
// generic plan that a PostgreSQL connection's prepared statement settles on, reduced to what the tests
// check (the index each scan of `tasks` reads, and whether anything sorts).
//
// Used from the test's own thread. Harness failures (a database that cannot be opened, a statement
// that does not prepare) are thrown as std::runtime_error, which GoogleTest reports as a test failure.
#pragma once

#include <sqlite3.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "postgres_test_support.h"

namespace taskshare::testing {

// The lines of SQLite's EXPLAIN QUERY PLAN for `sql` on the database file at `path`, joined with " | ".
inline std::string SqlitePlan(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) throw std::runtime_error("sqlite3_open");
  sqlite3_stmt* stmt = nullptr;
  const std::string explain = "EXPLAIN QUERY PLAN " + sql;
  if (sqlite3_prepare_v2(db, explain.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    const std::string error = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(error + " in: " + explain);
  }
  std::string plan;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
    plan += " | ";
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return plan;
}

// The nodes of a PostgreSQL JSON plan, `node` and every node under it.
inline void PlanNodes(const boost::json::object& node, std::vector<const boost::json::object*>& out) {
  out.push_back(&node);
  if (const auto* plans = node.if_contains("Plans")) {
    for (const auto& child : plans->as_array()) PlanNodes(child.as_object(), out);
  }
}

struct PostgresPlan {
  std::vector<std::string> task_scans;  // "Index Scan tasks_by_owner_status", "Seq Scan", ...
  bool sorts = false;                   // a Sort or Incremental Sort anywhere in it
  std::string text;                     // the whole plan, as JSON
};

// The generic plan of `sql` on the database at `url`, with `args` (the SQL text of its parameters,
// "'a', 21, NULL") bound as the store binds them.
inline PostgresPlan PostgresGenericPlan(const std::string& url, const std::string& sql,
                                        const std::string& args) {
  RawPostgres raw(url);
  raw.Exec("SET plan_cache_mode = force_generic_plan");
  raw.Exec("PREPARE statement AS " + sql);
  PostgresPlan plan;
  plan.text = raw.QueryText("EXPLAIN (FORMAT JSON) EXECUTE statement(" + args + ")");
  const boost::json::value parsed = boost::json::parse(plan.text);
  std::vector<const boost::json::object*> nodes;
  PlanNodes(parsed.as_array().at(0).as_object().at("Plan").as_object(), nodes);
  for (const boost::json::object* node : nodes) {
    const std::string type(node->at("Node Type").as_string());
    if (type == "Sort" || type == "Incremental Sort") plan.sorts = true;
    const auto* relation = node->if_contains("Relation Name");
    if (relation == nullptr || relation->as_string() != "tasks") continue;
    const auto* index = node->if_contains("Index Name");
    plan.task_scans.push_back(type + (index != nullptr ? " " + std::string(index->as_string()) : ""));
  }
  return plan;
}

}  // namespace taskshare::testing
