// The Secrets API: each user's named secrets, whose values are redacted from the share views of the
// user's tasks that name them (secret_names). No operation ever returns a value; values are stored only
// sealed (secrets/secret_box.h). `secrets` is null when the server has no secrets key: creating a
// secret then answers 503 "secrets are not configured on this server", while listing and deleting,
// which never touch a value, still work. Blocking (they call the store); thread-safe.
#pragma once

#include <string_view>

#include "api/http_types.h"
#include "domain/quotas.h"
#include "domain/user.h"
#include "secrets/secret_box.h"
#include "storage/store.h"

namespace taskshare::api {

// POST /api/v1/secrets {"name", "value"}: creates the caller's secret, or replaces the value of the one
// of that name; 201 {"secret": {"name", "created_at", "updated_at"}} either way. 413 for a value over
// `quotas`' secret_value_bytes; 409 `limit_reached` for a new name once the caller holds
// secrets_per_user secrets. The count is read before the write, so two puts of new names racing at the
// limit may both pass it: a user can go past it by at most the requests they have in flight at once.
// The secret is stamped with `now`, the server's time.
Response CreateSecret(Store& store, const secrets::SecretBox* secrets, const Quotas& quotas,
                      const User& caller, std::string_view body, UnixMicros now);

// GET /api/v1/secrets: 200 {"secrets": [{"name", "created_at", "updated_at"}, ...]}, by name.
Response ListSecrets(Store& store, const User& caller);

// DELETE /api/v1/secrets/{name}: 204; 404 "Secret not found"; 400 for a name that breaks the rules.
Response DeleteSecret(Store& store, const User& caller, std::string_view name);

}  // namespace taskshare::api
