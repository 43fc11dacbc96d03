// A user: an email, a role and at most one team. Plain value.
#pragma once

#include <optional>
#include <string>

#include "common/time.h"
#include "domain/enums.h"

namespace taskshare {

struct User {
  std::string id;  // canonical UUID
  std::string email;
  Role role = Role::kUser;
  std::optional<std::string> team;
  UnixMicros created_at = 0;
};

}  // namespace taskshare
