// The dashboard's pages (api/dashboard_api.h, docs/dashboard.md): a signed-in user's tasks and their
// share links, the tasks shared with them, their API key and secrets, and the forms that change them.
// Server-rendered, without script, under the same CSP as every page (web/page_frame.h) with
// `form-action 'self'`. Every form posts with method POST and carries the session's CSRF token in the
// field `csrf`; every text is escaped. The tasks these pages are given are already what their reader
// may see (api/reader_view.h, ShowListedTask): the renderer shows what it is given. Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "domain/task.h"
#include "web/page_frame.h"

namespace taskshare::web {

// The signed-in reader of a page.
struct Viewer {
  std::string_view email;
  std::string_view csrf;  // the session's CSRF token (auth/browser_session.h)
};

// How often a task's link was viewed (api/share_stats_api.h).
struct ViewCount {
  std::int64_t views = 0;
  std::optional<UnixMicros> last_viewed_at;
};

// One of the viewer's own tasks, with the views of its link.
struct OwnTask {
  Task task;
  ViewCount views;
};

// "My tasks": a page of the viewer's tasks, newest first, whose titles contain `search` (empty: all);
// `older` is the address of the next page, empty on the last.
struct MyTasks {
  std::vector<OwnTask> tasks;
  std::string search;
  std::string older;
};
std::string RenderMyTasks(const Viewer& viewer, const MyTasks& page, UnixMicros now,
                          const PageOptions& options);

// "Shared with me": a page of other users' tasks the viewer may read by their visibility (team,
// support), as the viewer sees them; `older` as above.
struct SharedWithMe {
  std::vector<Task> tasks;
  std::string older;
};
std::string RenderSharedWithMe(const Viewer& viewer, const SharedWithMe& page, const PageOptions& options);

// "API key and secrets": what may be shown of the key, the names of the secrets, and the forms that
// rotate the key, add a secret and delete one.
struct SecretName {
  std::string name;
  UnixMicros updated_at = 0;
};
struct Account {
  std::optional<std::string> key_prefix;     // unset for a key made before prefixes were kept
  std::optional<UnixMicros> key_created_at;  // unset when the viewer has no key
  std::vector<SecretName> secrets;
  bool secrets_enabled = true;  // the server has a secrets key (else adding one is refused)
};
std::string RenderAccount(const Viewer& viewer, const Account& account, const PageOptions& options);

// One of the viewer's tasks: its link, its share state, and the forms that share it (public or
// unlisted, live or pinned, an expiry, show creator, redaction) and revoke it.
std::string RenderTaskSettings(const Viewer& viewer, const OwnTask& task, UnixMicros now,
                               const PageOptions& options);

// The step that confirms "revoke every link" before it is done.
std::string RenderConfirmRevokeAll(const Viewer& viewer, const PageOptions& options);

// The new API key, shown this once.
std::string RenderNewApiKey(const Viewer& viewer, std::string_view key, const PageOptions& options);

// The dashboard's address for a signed-out browser: an offer to sign in (when `sign_in` is given).
std::string RenderSignedOut(const PageLink* sign_in, const PageOptions& options);

}  // namespace taskshare::web
