// The world the router fuzz target runs in: a real SQLite store in a fresh directory under $TMPDIR,
// wired as `taskshare serve` wires it (its writes told to a ResponseCache's coherence), holding fixed users
// and tasks that the seed corpus names by their keys and ids.
//
// Users (API key = "neo_sk_" + the name padded with '0' to 32 characters, e.g.
// neo_sk_owner000000000000000000000000000):
//   owner (team red), mate (team red), stranger (team blue), support (role support), admin (role admin)
// Tasks, ids 00000000-0000-4000-8000-00000000000N:
//   1 public (owner; markdown, tool call and tool result messages)   2 unlisted (owner; with a schedule)
//   3 private (owner)   4 team (owner)   5 support (mate)
//
// GET /metrics is served to the admin's key, from metrics that Record() fills.
//
// Built on first use and kept for the life of the process; the directory is removed at exit. Not
// thread-safe (libFuzzer calls the target from one thread).
#pragma once

#include <memory>
#include <string>

#include "api/http_types.h"
#include "api/router.h"
#include "cache/cache_coherence.h"
#include "observe/metrics.h"

namespace taskshare::fuzz {

class Fixture {
 public:
  static Fixture& Get();

  const api::Router& router() const { return *router_; }

  // Counts a request routed as `routing` in the metrics that GET /metrics renders, as `serve` does.
  void Record(const api::Routing& routing, int status);

  // Undoes what `request`, answered by `response`, changed: a task or schedule it created is deleted,
  // a fixture task it wrote to (named in its target) is put back as it was, and a key it rotated is
  // rotated back to the fixture's.
  void Restore(const api::Request& request, const api::Response& response);

  ~Fixture();

 private:
  Fixture();
  void ResetTask(int n);
  void RestoreKey(const api::Response& response);

  // Deletes task `id` and forgets that it was deleted (the store never lets a deleted id be used again;
  // the fixture must, so that the next input finds the world as the first did).
  void DeleteAndForget(const std::string& id, bool must_exist);

  std::string dir_;
  std::unique_ptr<ResponseCache> cache_;
  std::unique_ptr<secrets::ViewRedactors> redactors_;
  std::unique_ptr<CacheCoherence> own_writes_;  // told of the store's writes, as in `taskshare serve`
  std::unique_ptr<Store> store_;
  std::unique_ptr<observe::Metrics> metrics_;
  std::unique_ptr<api::Router> router_;
};

}  // namespace taskshare::fuzz
