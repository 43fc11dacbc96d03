// The secrets key of `serve`: where it is read from, and the start-up check that it is the key the
// database's secrets were sealed with.
//
// Every node on a database must seal and open secrets with one key: a value sealed by a node with
// another key opens nowhere else. So the database keeps the key's check value (secrets/secret_box.h,
// KeyCheck: an HMAC under the key, never the key or a plain hash of it), stored by the first node
// started on it with a key, and a node whose key gives another value refuses to start. A node started
// without a key checks nothing and runs without secrets, as before. Changing the key on purpose is an
// operator's step: docs/operations.md, "Changing the secrets key".
//
// Called from the main thread at start-up.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "secrets/secret_box.h"
#include "storage/store.h"

namespace taskshare::cli {

struct SecretsKey {
  std::unique_ptr<secrets::SecretBox> box;  // null: no key given
  std::string source;                       // where it came from, for messages: "FILE" or the variable
};

// The key from the file `file` when it is not empty (refused unless private to its owner: secrets/
// private_file.h), else from the environment variable TASKSHARE_SECRETS_KEY, else none. kInvalidArgument,
// with a message for the operator that never quotes the key, when a key is given but unusable.
Result<SecretsKey> LoadSecretsKey(const std::string& file);

// Ok if the database in `store` (the backend's own store, not a wrapper: Store::ClaimSecretsKeyCheck)
// has no check value yet, which it then stores, or has the one of `key`'s box, which must be set.
// kInvalidArgument "the secrets key from SOURCE differs from the one this database's secrets were sealed
// with: ..." if it has another; the store's error if it cannot be read or written.
Status CheckSecretsKey(Store& store, const SecretsKey& key);

}  // namespace taskshare::cli
