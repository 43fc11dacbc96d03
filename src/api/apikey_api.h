// The caller's own API key: what may be shown of it, and its rotation. Blocking (they call the store);
// thread-safe. Both answers carry Cache-Control: no-store, since one holds a key and both describe one.
#pragma once

#include <optional>
#include <string_view>

#include "api/http_types.h"
#include "domain/user.h"
#include "storage/store.h"

namespace taskshare::api {

// GET /api/v1/user/apikey: 200 {"prefix", "created_at"} of the caller's key. `prefix` is the key's
// first common/ids.h kApiKeyPrefixLength characters, or null for a key made before they were stored;
// neither the key nor its hash is ever shown.
Response GetApiKey(Store& store, const User& caller);

// POST /api/v1/user/apikey/rotate: replaces every key of the caller with a new one, in one transaction
// (Store::RotateApiKey), and answers 201 {"api_key", "prefix", "created_at"}: the only time the new key
// is shown. `presented_key_hash` is the SHA-256 of the key the request was authenticated with: the
// rotation happens only if that key is still the caller's when it commits, else 401, so a request
// that was authenticated just before another rotation cannot replace the key that rotation issued.
// The old key is refused from the next request on; if the rotation fails (an error answer), the old
// key still works and no new one exists. The body must be empty or {}. Without `presented_key_hash`
// (a rotation by a signed-in session, api/dashboard_api.h), whatever key the caller has is replaced.
// The new key's created_at is `now`, the server's time.
Response RotateApiKey(Store& store, const User& caller, std::optional<std::string_view> presented_key_hash,
                      std::string_view body, UnixMicros now);

}  // namespace taskshare::api
