#include "secrets/task_secrets.h"

#include <algorithm>

namespace taskshare::secrets {
namespace {

Status Withheld(const std::string& why) {
  return Status::Unavailable("The task's secrets cannot be read on this server; its share link is withheld",
                             why);
}

}  // namespace

Result<std::vector<std::string>> SecretValuesOf(Store& store, const SecretBox* box, const Task& task) {
  std::vector<std::string> values;
  if (task.secret_names.empty()) return values;
  auto stored = store.ListSealedSecrets(task.owner_id);
  if (!stored.ok()) return stored.status();
  const auto& names = task.secret_names;
  for (const SealedSecret& secret : *stored) {
    if (std::find(names.begin(), names.end(), secret.name) == names.end()) continue;
    if (box == nullptr) {
      return Withheld("task " + task.id + " names the stored secret " + secret.name + " of user " +
                      task.owner_id +
                      " but no secrets key is configured (--secrets-key-file or TASKSHARE_SECRETS_KEY)");
    }
    auto value = box->Open(task.owner_id, secret.name, secret.sealed);
    if (!value.ok()) return Withheld("task " + task.id + ": " + value.status().detail());
    values.push_back(std::move(*value));
  }
  return values;
}

}  // namespace taskshare::secrets
