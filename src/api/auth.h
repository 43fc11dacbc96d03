// Authentication of API callers by API key. Blocking (reads the store); thread-safe.
#pragma once

#include "api/http_types.h"
#include "common/status.h"
#include "domain/user.h"
#include "storage/store.h"

namespace taskshare::api {

// The user whose key the request carries, in `X-Api-Key: <key>` or `Authorization: Bearer <key>`
// (X-Api-Key wins when both are sent). kUnauthenticated when the key is missing, malformed or
// unknown; other store errors pass through.
Result<User> Authenticate(Store& store, const Request& request);

}  // namespace taskshare::api
