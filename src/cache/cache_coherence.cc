#include "cache/cache_coherence.h"

#include "common/log.h"

namespace taskshare {

void CacheCoherence::OnTaskChanged(std::string_view id) {
  if (id == kEveryTask) {
    if (redactors_ != nullptr) redactors_->ForgetAll();
    cache_.Clear();
  } else {
    cache_.Invalidate(id);
  }
  changes_.fetch_add(1, std::memory_order_relaxed);
}

void CacheCoherence::OnSecretChanged(std::string_view owner_id, std::string_view name) {
  // The redactors first: a view built after the eviction must not find the owner's old redactor.
  if (redactors_ != nullptr) redactors_->Forget(owner_id);
  cache_.InvalidateSecret(owner_id, name);
  changes_.fetch_add(1, std::memory_order_relaxed);
}

void CacheCoherence::OnSharingChanged() {
  if (sharing_changed_) sharing_changed_();
}

void CacheCoherence::OnFeedLost() {
  if (redactors_ != nullptr) redactors_->Suspend();
  cache_.Suspend();
  losses_.fetch_add(1, std::memory_order_relaxed);
  LogError(
      "response cache emptied and bypassed until the change feed is back: share requests read the database");
}

void CacheCoherence::OnFeedRestored() {
  const bool was_suspended = cache_.suspended();
  if (redactors_ != nullptr) redactors_->Resume();
  cache_.Resume();
  if (was_suspended) LogInfo("response cache emptied again and back in use");
  if (sharing_changed_) sharing_changed_();
}

}  // namespace taskshare
