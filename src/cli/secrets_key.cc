#include "cli/secrets_key.h"

#include <cstdlib>

namespace taskshare::cli {

Result<SecretsKey> LoadSecretsKey(const std::string& file) {
  if (!file.empty()) {
    auto box = secrets::SecretBox::FromFile(file);
    if (!box.ok()) return box.status();
    return SecretsKey{.box = std::move(*box), .source = file};
  }
  const std::string variable(secrets::kKeyEnvironmentVariable);
  const char* env = std::getenv(variable.c_str());
  if (env == nullptr || *env == '\0') return SecretsKey{};
  auto box = secrets::SecretBox::FromHex(env);
  if (!box.ok() && box.status().code() == Code::kInvalidArgument) {
    return Status::InvalidArgument(box.status().message() + " in " + variable);
  }
  if (!box.ok()) return box.status();
  return SecretsKey{.box = std::move(*box), .source = variable};
}

Status CheckSecretsKey(Store& store, const SecretsKey& key) {
  const std::string check = key.box->KeyCheck();
  Result<std::string> stored = store.ClaimSecretsKeyCheck(check);
  if (!stored.ok()) return stored.status();
  if (*stored == check) return Status::Ok();
  return Status::InvalidArgument(
      "the secrets key from " + key.source +
      " differs from the one this database's secrets were sealed with: start this node with the key the "
      "others use (to change the key on purpose, see \"Changing the secrets key\" in docs/operations.md)");
}

}  // namespace taskshare::cli
