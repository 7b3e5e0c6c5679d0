#pragma once
// The role permission matrix of blueprint section 3 ("ROLE PERMISSIONS MATRIX"). Every API
// handler and signaling event checks Allows(); the table itself lives in permission.cc.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tenancy/role.h"

namespace tr::tenancy {

// In the blueprint's row order.
enum class Permission {
  kManageBilling,
  kManageOrganization,
  kCreateWorkspaces,
  kCreateRooms,
  kStartStreaming,
  kShareScreen,
  kMuteParticipants,
  kRemoveParticipants,
  kSendChat,
  kViewStream,
  kUploadFiles,
  kViewAnalytics,
  kManageIntegrations,
};

inline constexpr std::array<Permission, 13> kAllPermissions = {
    Permission::kManageBilling,      Permission::kManageOrganization, Permission::kCreateWorkspaces,
    Permission::kCreateRooms,        Permission::kStartStreaming,     Permission::kShareScreen,
    Permission::kMuteParticipants,   Permission::kRemoveParticipants, Permission::kSendChat,
    Permission::kViewStream,         Permission::kUploadFiles,        Permission::kViewAnalytics,
    Permission::kManageIntegrations,
};

bool Allows(Role role, Permission permission);
// Wire names used in JSON and in the signaling `authenticated` event: "manage_billing",
// "stream", "chat", "view", ...
std::string_view PermissionName(Permission permission);
std::optional<Permission> ParsePermission(std::string_view name);
// The names of every permission `role` has, in kAllPermissions order.
std::vector<std::string> PermissionNames(Role role);

}  // namespace tr::tenancy
