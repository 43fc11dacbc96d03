#include "api/admin_api.h"

#include <algorithm>
#include <chrono>

#include "api/errors.h"
#include "common/log.h"
#include "domain/json_reader.h"

namespace taskshare::api {
namespace {

constexpr auto kFirstRetry = std::chrono::milliseconds(100);
constexpr auto kLongestRetry = std::chrono::milliseconds(5000);

Response SharingBody(bool enabled) {
  Response r = JsonResponse(enabled ? R"({"enabled":true})" : R"({"enabled":false})");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Status RequireAdmin(const User& caller) {
  return caller.role == Role::kAdmin ? Status::Ok() : Status::Forbidden("only admins may use this");
}

}  // namespace

SharingSwitch::~SharingSwitch() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status SharingSwitch::Load() {
  std::lock_guard update(update_mu_);
  Result<bool> enabled = store_.GetSharingEnabled();
  if (!enabled.ok()) return enabled.status();
  if (stored_.exchange(*enabled) != *enabled) {
    LogInfo(std::string("the stored sharing switch is now ") + (*enabled ? "on" : "off") +
            (forced_off_ && *enabled ? " (this node keeps sharing off: --sharing off)" : ""));
  }
  return Status::Ok();
}

Status SharingSwitch::Set(bool enabled) {
  std::lock_guard update(update_mu_);
  if (Status s = store_.SetSharingEnabled(enabled); !s.ok()) return s;
  stored_.store(enabled);
  return Status::Ok();
}

void SharingSwitch::Refresh() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    wanted_ = true;
    if (!thread_.joinable()) thread_ = std::thread([this] { RefreshLoop(); });
  }
  wake_.notify_one();
}

void SharingSwitch::RefreshLoop() {
  std::unique_lock lock(mu_);
  auto retry = kFirstRetry;
  bool failing = false;
  for (;;) {
    wake_.wait(lock, [this] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    lock.unlock();
    const Status s = Load();
    lock.lock();
    if (s.ok()) {
      if (failing) LogInfo("sharing switch read again");
      failing = false;
      retry = kFirstRetry;
      continue;
    }
    if (!failing) LogError("cannot read the sharing switch (" + s.detail() + "); retrying");
    failing = true;
    // A request that arrives meanwhile is served by this retry.
    if (wake_.wait_for(lock, retry, [this] { return stopping_; })) return;
    retry = std::min(retry * 2, kLongestRetry);
    wanted_ = true;
  }
}

Response GetSharing(const User& caller, const SharingSwitch& sharing) {
  if (Status s = RequireAdmin(caller); !s.ok()) return ErrorResponse(s);
  return SharingBody(sharing.on());
}

Response PutSharing(const User& caller, SharingSwitch& sharing, std::string_view body) {
  if (Status s = RequireAdmin(caller); !s.ok()) return ErrorResponse(s);
  const auto parsed = ParseJsonObject(body);
  if (!parsed.ok()) return ErrorResponse(parsed.status());
  JsonReader r(parsed->get_object(), "");
  const std::optional<bool> enabled = r.Bool("enabled", Need::kRequired);
  if (Status s = r.Finish(); !s.ok()) return ErrorResponse(s);
  if (Status s = sharing.Set(*enabled); !s.ok()) {
    LogError("cannot store the sharing switch: " + s.detail());
    return ErrorResponse(s);
  }
  LogInfo(std::string("sharing turned ") + (*enabled ? "on" : "off") + " by " + caller.email +
          (sharing.on() == *enabled ? "" : " (this node keeps sharing off: --sharing off)"));
  return SharingBody(sharing.on());
}

}  // namespace taskshare::api
