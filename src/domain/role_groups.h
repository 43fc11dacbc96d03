// Which groups make a user an admin or a support user, as a sign-in names them: the groups claim of an
// OpenID Connect ID token (--oidc-admin-group, --oidc-support-group; api/sign_in_api.h) or the groups
// header of an authenticating proxy (--auth-admin-group, --auth-support-group; api/sign_in.h). One rule
// for both: admin if the user is in the admin group, else support if in the support group, else a plain
// user. Group names are compared exactly (case and all). Plain value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/enums.h"

namespace taskshare {

struct RoleGroups {
  std::string admin;    // empty: no group makes admins
  std::string support;  // empty: no group makes support users

  // False when neither group is set: the sign-in then leaves roles as stored.
  bool any() const { return !admin.empty() || !support.empty(); }
  // The role of a member of exactly `groups`.
  Role RoleOf(const std::vector<std::string_view>& groups) const;
};

// The groups in a proxy's header: a comma-separated list (oauth2-proxy's X-Forwarded-Groups, Authelia's
// Remote-Groups, Pomerium's claim headers; a header sent twice arrives joined by ", "), each name
// trimmed of blanks, empty names left out.
std::vector<std::string_view> SplitGroupList(std::string_view header);

}  // namespace taskshare
