#pragma once
// The six organization roles of blueprint section 3, highest first.
#include <array>
#include <optional>
#include <string_view>

namespace tr::tenancy {

enum class Role { kOwner, kAdmin, kHost, kCoHost, kModerator, kViewer };

inline constexpr std::array<Role, 6> kAllRoles = {
    Role::kOwner, Role::kAdmin, Role::kHost, Role::kCoHost, Role::kModerator, Role::kViewer};

// "owner", "admin", "host", "co-host", "moderator", "viewer" (API and JWT wire names).
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);
// Owner 5 ... viewer 0; used for "may assign roles up to your own" style checks.
int RoleRank(Role role);
bool RoleAtLeast(Role have, Role need);

}  // namespace tr::tenancy
