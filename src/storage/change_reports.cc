#include "storage/change_reports.h"

namespace taskshare {

bool MayHaveWritten(const Status& outcome) {
  return outcome.ok() || outcome.code() == Code::kUnavailable || outcome.code() == Code::kInternal;
}

void ChangeReports::Task(std::string_view id, const Status& outcome) const {
  if (listener_ != nullptr && MayHaveWritten(outcome)) listener_->OnTaskChanged(id);
}

void ChangeReports::Tasks(const std::vector<std::string>& ids) const {
  if (listener_ == nullptr) return;
  for (const std::string& id : ids) listener_->OnTaskChanged(id);
}

void ChangeReports::Unshared(const Result<RevokedSharing>& revoked) const {
  if (listener_ == nullptr) return;
  if (revoked.ok()) {
    Tasks(revoked->task_ids);
  } else if (MayHaveWritten(revoked.status())) {
    listener_->OnTaskChanged(kEveryTask);
  }
}

void ChangeReports::ScheduleTasks(Store& store, std::string_view schedule_id, const Status& outcome) const {
  if (listener_ == nullptr || !MayHaveWritten(outcome)) return;
  auto ids = store.ListScheduleTaskIds(schedule_id);
  if (ids.ok()) Tasks(*ids);
}

void ChangeReports::Secret(std::string_view owner_id, std::string_view name, const Status& outcome) const {
  if (listener_ != nullptr && MayHaveWritten(outcome)) listener_->OnSecretChanged(owner_id, name);
}

}  // namespace taskshare
