#include "secrets/view_redactors.h"

#include <algorithm>
#include <future>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "secrets/task_secrets.h"

namespace taskshare::secrets {
namespace {

using RedactorPtr = std::shared_ptr<const redact::Redactor>;

// The key of a task's redactor: its owner, the set of names it names (sorted, without repeats) and
// whether the built-in rules apply. Owner ids and names hold no '\n' (UUIDs, and secret names are
// letters, digits and '_', api/secret_requests.h).
std::string KeyOf(const Task& task) {
  std::vector<std::string_view> names(task.secret_names.begin(), task.secret_names.end());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string key = task.owner_id;
  key += '\n';
  key += task.share.redact ? '1' : '0';
  for (std::string_view name : names) {
    key += '\n';
    key += name;
  }
  return key;
}

bool IsOwnersKey(std::string_view key, std::string_view owner_id) {
  return key.size() > owner_id.size() && key.starts_with(owner_id) && key[owner_id.size()] == '\n';
}

}  // namespace

std::shared_ptr<const redact::Redactor> ViewRedactor(const ShareSettings& share,
                                                     const std::vector<std::string>& secret_values) {
  const redact::BuiltInRules rules = share.redact ? redact::BuiltInRules::kOn : redact::BuiltInRules::kOff;
  if (secret_values.empty()) {
    if (rules == redact::BuiltInRules::kOff) return nullptr;
    // The built-in rules alone are immutable and live as long as the process: shared without a count.
    return RedactorPtr(std::shared_ptr<void>(), &redact::Redactor::BuiltIn());
  }
  auto redactor = std::make_shared<const redact::Redactor>(secret_values, rules);
  if (redactor->inert()) return nullptr;  // every value too short to be kept, and no rules
  return redactor;
}

struct ViewRedactors::State {
  struct Kept {
    std::string key;
    RedactorPtr redactor;
    std::size_t bytes = 0;
  };
  struct Build {
    std::uint64_t epoch = 0;
    std::shared_future<Result<RedactorPtr>> result;
  };

  explicit State(std::size_t budget) : budget(budget) {}

  void Drop(std::list<Kept>::iterator it) {
    bytes -= it->bytes;
    index.erase(it->key);
    lru.erase(it);
  }

  const std::size_t budget;
  mutable std::mutex mu;
  std::uint64_t epoch = 0;  // bumped by Forget, Suspend and Resume
  bool suspended = false;
  std::list<Kept> lru;  // most recently used first
  std::unordered_map<std::string, std::list<Kept>::iterator> index;
  std::unordered_map<std::string, std::shared_ptr<const Build>> building;
  std::size_t bytes = 0;
  std::uint64_t hits = 0, builds = 0;
};

ViewRedactors::ViewRedactors(const SecretBox* box, std::size_t budget_bytes)
    : box_(box), state_(std::make_unique<State>(budget_bytes)) {}

ViewRedactors::~ViewRedactors() = default;

Result<std::shared_ptr<const redact::Redactor>> ViewRedactors::For(Store& store, const Task& task) {
  // Without names the answer needs neither the store nor an automaton of its own.
  if (task.secret_names.empty()) return ViewRedactor(task.share, {});
  State& s = *state_;
  const std::string key = KeyOf(task);
  std::promise<Result<RedactorPtr>> promise;
  std::shared_ptr<const State::Build> mine;
  std::shared_ptr<const State::Build> running;
  {
    std::lock_guard lock(s.mu);
    if (auto it = s.index.find(key); it != s.index.end()) {
      ++s.hits;
      s.lru.splice(s.lru.begin(), s.lru, it->second);
      return it->second->redactor;
    }
    mine = std::make_shared<const State::Build>(State::Build{s.epoch, promise.get_future().share()});
    if (!s.suspended) {
      auto [it, inserted] = s.building.try_emplace(key, mine);
      if (!inserted && it->second->epoch == s.epoch) {
        running = it->second;
      } else if (!inserted) {
        it->second = mine;  // that build read secrets before a write: later requests must not join it
      }
    }
    if (!running) ++s.builds;
  }
  if (running) return running->result.get();
  Result<RedactorPtr> built = RedactorPtr();
  try {
    auto values = SecretValuesOf(store, box_, task);
    built = values.ok() ? Result<RedactorPtr>(ViewRedactor(task.share, *values)) : values.status();
  } catch (...) {
    promise.set_exception(std::current_exception());
    std::lock_guard lock(s.mu);
    if (auto it = s.building.find(key); it != s.building.end() && it->second == mine) s.building.erase(it);
    throw;
  }
  {
    std::lock_guard lock(s.mu);
    if (auto it = s.building.find(key); it != s.building.end() && it->second == mine) s.building.erase(it);
    const std::size_t bytes = built.ok() && *built ? (*built)->memory_bytes() + key.size() : 0;
    if (built.ok() && s.epoch == mine->epoch && !s.suspended && bytes <= s.budget && !s.index.contains(key)) {
      while (!s.lru.empty() && s.bytes + bytes > s.budget) s.Drop(std::prev(s.lru.end()));
      s.lru.push_front({key, *built, bytes});
      s.index.emplace(key, s.lru.begin());
      s.bytes += bytes;
    }
  }
  promise.set_value(built);
  return built;
}

void ViewRedactors::Forget(std::string_view owner_id) {
  State& s = *state_;
  std::lock_guard lock(s.mu);
  ++s.epoch;
  for (auto it = s.lru.begin(); it != s.lru.end();) {
    auto next = std::next(it);
    if (IsOwnersKey(it->key, owner_id)) s.Drop(it);
    it = next;
  }
}

void ViewRedactors::ForgetAll() {
  State& s = *state_;
  std::lock_guard lock(s.mu);
  ++s.epoch;
  s.lru.clear();
  s.index.clear();
  s.bytes = 0;
}

void ViewRedactors::Suspend() {
  State& s = *state_;
  std::lock_guard lock(s.mu);
  ++s.epoch;
  s.suspended = true;
  s.lru.clear();
  s.index.clear();
  s.bytes = 0;
}

void ViewRedactors::Resume() {
  State& s = *state_;
  std::lock_guard lock(s.mu);
  ++s.epoch;  // builds begun while suspended may have read secrets before the feed was back
  s.suspended = false;
}

ViewRedactors::Stats ViewRedactors::stats() const {
  const State& s = *state_;
  std::lock_guard lock(s.mu);
  return {s.hits, s.builds, s.index.size(), s.bytes};
}

}  // namespace taskshare::secrets
