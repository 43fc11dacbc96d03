// ViewRedactors: the redactor of every view of a task shown to a reader other than its owner, built
// once per change of the owner's secrets and shared by every request that needs it.
//
// A view's redactor is the built-in credential rules (unless the share settings turn them off) plus the
// values of the secrets the task names (current and retired, secrets/task_secrets.h). Building it reads
// and opens those secrets and builds an automaton over their bytes (redact/secret_matcher.h), which
// costs time and memory in proportion to the bytes of the values; so redactors of tasks that name
// secrets are kept here, by owner, set of names and share.redact, and a request that misses while
// another builds the same one waits for that build rather than repeating it.
//
// Invariants. Kept redactors are charged their memory_bytes() against a byte budget and the least
// recently used are dropped beyond it; one larger than the budget is used by the requests that built
// or joined it and not kept. Forget(owner) is called once a write to the owner's secrets has committed
// and before it is acknowledged (by cache/cache_coherence.h, told of this node's writes by the store and
// of other nodes' by the change feed): it drops the owner's redactors and bumps an epoch, and a build keeps
// its redactor, and lets later requests join it, only while the epoch is the one it started under. So no
// request that starts after a write is acknowledged is given a redactor built from secrets read before
// it. While suspended (the change feed is down, and writes by other nodes may be missed) nothing is
// kept and nothing is joined: every request builds its own.
//
// Thread-safe: one mutex guards the kept redactors and the builds in flight; builds run outside it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "common/status.h"
#include "domain/task.h"
#include "redact/redactor.h"
#include "secrets/secret_box.h"
#include "storage/store.h"

namespace taskshare::secrets {

// The redactor of a reader's view of a task with share settings `share` whose secrets have
// `secret_values`: secret values always, the built-in rules unless share.redact is false. Null when
// it could change nothing. Builds a new automaton each call: use ViewRedactors::For to share one.
std::shared_ptr<const redact::Redactor> ViewRedactor(const ShareSettings& share,
                                                     const std::vector<std::string>& secret_values);

class ViewRedactors {
 public:
  // What the kept redactors may hold, by default.
  static constexpr std::size_t kDefaultBudgetBytes = std::size_t{64} << 20;

  struct Stats {
    std::uint64_t hits = 0;    // For() answered with a kept redactor
    std::uint64_t builds = 0;  // redactors built (misses that did not join another request's build)
    std::size_t kept = 0;      // redactors kept now
    std::size_t bytes = 0;     // their memory_bytes()
  };

  // `box` opens the owner's secrets (null: the server has no secrets key); it must outlive this.
  explicit ViewRedactors(const SecretBox* box, std::size_t budget_bytes = kDefaultBudgetBytes);
  ~ViewRedactors();
  ViewRedactors(const ViewRedactors&) = delete;
  ViewRedactors& operator=(const ViewRedactors&) = delete;

  // The redactor of `task`'s view for a reader other than its owner, as ViewRedactor(task.share,
  // values of the task's secrets) makes it; null when it could change nothing. A task that names no
  // secret is answered without the store. Errors: SecretValuesOf's (kUnavailable when a named secret
  // cannot be opened, store errors as they are), never kept.
  Result<std::shared_ptr<const redact::Redactor>> For(Store& store, const Task& task);

  // The secrets of user `owner_id` changed (the change has committed): drops their redactors, and
  // makes builds begun before now neither kept nor joined.
  void Forget(std::string_view owner_id);
  // Forget() for every user.
  void ForgetAll();
  // Drops everything and keeps nothing until Resume(): writes may be missed (see the header).
  void Suspend();
  void Resume();

  // The key the secrets are opened with (null: none), for the callers that seal them.
  const SecretBox* box() const { return box_; }
  Stats stats() const;

 private:
  struct State;
  const SecretBox* box_;
  std::unique_ptr<State> state_;
};

}  // namespace taskshare::secrets
