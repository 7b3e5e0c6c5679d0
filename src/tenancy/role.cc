#include "tenancy/role.h"

namespace tr::tenancy {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kOwner:
      return "owner";
    case Role::kAdmin:
      return "admin";
    case Role::kHost:
      return "host";
    case Role::kCoHost:
      return "co-host";
    case Role::kModerator:
      return "moderator";
    case Role::kViewer:
      return "viewer";
  }
  return "viewer";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : kAllRoles) {
    if (RoleName(role) == name) {
      return role;
    }
  }
  return std::nullopt;
}

int RoleRank(Role role) {
  switch (role) {
    case Role::kOwner:
      return 5;
    case Role::kAdmin:
      return 4;
    case Role::kHost:
      return 3;
    case Role::kCoHost:
      return 2;
    case Role::kModerator:
      return 1;
    case Role::kViewer:
      return 0;
  }
  return 0;
}

bool RoleAtLeast(Role have, Role need) { return RoleRank(have) >= RoleRank(need); }

}  // namespace tr::tenancy
