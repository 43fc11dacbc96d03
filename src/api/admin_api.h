// /api/v1/admin/sharing: the instance kill switch for share links. While sharing is off, every share
// request (the JSON endpoint and the page, old links included) answers 403 at once, before the cache
// is looked at; switching it back on restores them. Admins only. The switch is per process: with
// several nodes, set it on each (or start them with --sharing off). Thread-safe.
#pragma once

#include <atomic>

#include "api/http_types.h"
#include "domain/user.h"

namespace taskshare::api {

// GET: 200 {"enabled": bool}. 403 for callers who are not admins.
Response GetSharing(const User& caller, const std::atomic<bool>& sharing);

// PUT {"enabled": bool}: sets the switch; 200 {"enabled": bool}. 400 for any other body, 403 for
// callers who are not admins.
Response PutSharing(const User& caller, std::atomic<bool>& sharing, std::string_view body);

}  // namespace taskshare::api
