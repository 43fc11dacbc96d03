// Authentication of API callers by API key. Blocking (reads the store); thread-safe.
#pragma once

#include "api/http_types.h"
#include "common/status.h"
#include "domain/user.h"
#include "storage/store.h"

namespace taskshare::api {

// The well-formed API key the request carries, in `X-Api-Key: <key>` or `Authorization: Bearer <key>`
// (X-Api-Key wins when both are sent), as a view into `request`. kUnauthenticated when it is missing
// or malformed. Reads nothing else.
Result<std::string_view> PresentedApiKey(const Request& request);

// The user whose key the request carries (see PresentedApiKey), looked up by the key's SHA-256 in the
// store on every call: nothing is cached, so a key that was rotated away fails on the next request.
// kUnauthenticated when the key is missing, malformed or unknown; other store errors pass through.
Result<User> Authenticate(Store& store, const Request& request);

}  // namespace taskshare::api
