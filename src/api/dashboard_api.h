// The dashboard (docs/dashboard.md): a signed-in user's tasks and their share links, the tasks shared
// with them, their API key and their secrets, as server-rendered pages (web/dashboard_page.h). Every
// route is Access::kSession (api/routes.h): the router has looked the session up, and for a POST
// checked its CSRF token and origin, before a handler runs.
//
//   GET  /app?q=TEXT&cursor=C       "My tasks": a page of the user's tasks whose titles contain TEXT
//                                   (ASCII letters in either case), newest first, with their share
//                                   state, views and link; the signed-out page without a session
//   GET  /app/shared?cursor=C       "Shared with me": team tasks of the user's team, and support tasks
//                                   for support users and admins, as the user may see them
//                                   (api/reader_view.h, ShowListedTask)
//   GET  /app/account               the API key (what may be shown of it) and the secrets' names
//   GET  /app/tasks/{id}            one task's share state and the forms that change it (owner only)
//   POST /app/tasks/{id}/share      visibility, mode, expires, show_creator, redact: as PUT
//                                   /api/v1/tasks/{id}/share; 303 back to the task
//   POST /app/tasks/{id}/revoke     as DELETE /api/v1/tasks/{id}/share; 303 back to the task
//   POST /app/revoke-all            without confirm=yes, the page that asks; with it, as POST
//                                   /api/v1/shares/revoke-all; 303 to /app
//   POST /app/apikey/rotate         as POST /api/v1/user/apikey/rotate; the page that shows the key once
//   POST /app/secrets               name, value: as POST /api/v1/secrets; 303 to /app/account
//   POST /app/secrets/delete        name: as DELETE /api/v1/secrets/{name}; 303 to /app/account
//
// Each action is the API operation itself, called with the body the form describes, so the rules
// (who may change a task, which settings are valid, the quotas) are decided in one place; its answer
// becomes a redirect, or the API's error as an error page with the same status and message. A page
// that needs a session answers a signed-out browser with a redirect to sign in and come back. Every
// answer carries Cache-Control: no-store. Blocking (the store); thread-safe.
#pragma once

#include "api/http_types.h"
#include "api/routes.h"

namespace taskshare::api {

Response MyTasksPage(const RouteContext& c, const Call& k);
Response SharedWithMePage(const RouteContext& c, const Call& k);
Response AccountPage(const RouteContext& c, const Call& k);
Response TaskSettingsPage(const RouteContext& c, const Call& k);
Response ShareFromPage(const RouteContext& c, const Call& k);
Response RevokeFromPage(const RouteContext& c, const Call& k);
Response RevokeAllFromPage(const RouteContext& c, const Call& k);
Response RotateKeyFromPage(const RouteContext& c, const Call& k);
Response AddSecretFromPage(const RouteContext& c, const Call& k);
Response DeleteSecretFromPage(const RouteContext& c, const Call& k);

}  // namespace taskshare::api
