#include "tenancy/permission.h"

#include <cstddef>

namespace tr::tenancy {
namespace {

struct Row {
  Permission permission;
  std::string_view name;
  // Columns in kAllRoles order: owner, admin, host, co-host, moderator, viewer.
  std::array<bool, 6> allowed;
};

constexpr bool kY = true;
constexpr bool kN = false;

// Copied cell by cell from blueprint section 3; the unit test repeats it independently.
constexpr std::array<Row, 13> kMatrix = {{
    //                                                         own adm hst coh mod vwr
    {Permission::kManageBilling,       "manage_billing",      {kY, kN, kN, kN, kN, kN}},
    {Permission::kManageOrganization,  "manage_organization", {kY, kY, kN, kN, kN, kN}},
    {Permission::kCreateWorkspaces,    "create_workspaces",   {kY, kY, kN, kN, kN, kN}},
    {Permission::kCreateRooms,         "create_rooms",        {kY, kY, kY, kN, kN, kN}},
    {Permission::kStartStreaming,      "stream",              {kY, kY, kY, kY, kN, kN}},
    {Permission::kShareScreen,         "share_screen",        {kY, kY, kY, kY, kN, kN}},
    {Permission::kMuteParticipants,    "mute_participants",   {kY, kY, kY, kY, kY, kN}},
    {Permission::kRemoveParticipants,  "remove_participants", {kY, kY, kY, kY, kY, kN}},
    {Permission::kSendChat,            "chat",                {kY, kY, kY, kY, kY, kY}},
    {Permission::kViewStream,          "view",                {kY, kY, kY, kY, kY, kY}},
    {Permission::kUploadFiles,         "upload_files",        {kY, kY, kY, kY, kN, kN}},
    {Permission::kViewAnalytics,       "view_analytics",      {kY, kY, kY, kN, kN, kN}},
    {Permission::kManageIntegrations,  "manage_integrations", {kY, kY, kN, kN, kN, kN}},
}};

// The table is indexed by enum value; keep both orders in step.
constexpr bool MatrixOrderMatches() {
  for (std::size_t i = 0; i < kMatrix.size(); ++i) {
    if (kMatrix[i].permission != kAllPermissions[i] ||
        static_cast<std::size_t>(kAllPermissions[i]) != i) {
      return false;
    }
  }
  for (std::size_t i = 0; i < kAllRoles.size(); ++i) {
    if (static_cast<std::size_t>(kAllRoles[i]) != i) {
      return false;
    }
  }
  return true;
}
static_assert(MatrixOrderMatches());

}  // namespace

bool Allows(Role role, Permission permission) {
  auto row = static_cast<std::size_t>(permission);
  auto column = static_cast<std::size_t>(role);
  if (row >= kMatrix.size() || column >= kAllRoles.size()) {
    return false;  // an out-of-range enum value grants nothing
  }
  return kMatrix[row].allowed[column];
}

std::string_view PermissionName(Permission permission) {
  auto row = static_cast<std::size_t>(permission);
  return row < kMatrix.size() ? kMatrix[row].name : std::string_view();
}

std::optional<Permission> ParsePermission(std::string_view name) {
  for (const Row& row : kMatrix) {
    if (row.name == name) {
      return row.permission;
    }
  }
  return std::nullopt;
}

std::vector<std::string> PermissionNames(Role role) {
  std::vector<std::string> names;
  for (Permission permission : kAllPermissions) {
    if (Allows(role, permission)) {
      names.emplace_back(PermissionName(permission));
    }
  }
  return names;
}

}  // namespace tr::tenancy
