#include "tenancy/permission.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace tr::tenancy {
namespace {

// Blueprint section 3, retyped here independently of permission.cc so that a wrong cell in
// either place fails. Columns: owner, admin, host, co-host, moderator, viewer.
struct ExpectedRow {
  Permission permission;
  const char* name;
  const char* cells;  // 'Y' = allowed, '-' = denied
};

constexpr ExpectedRow kExpected[] = {
    {Permission::kManageBilling, "manage_billing", "Y-----"},
    {Permission::kManageOrganization, "manage_organization", "YY----"},
    {Permission::kCreateWorkspaces, "create_workspaces", "YY----"},
    {Permission::kCreateRooms, "create_rooms", "YYY---"},
    {Permission::kStartStreaming, "stream", "YYYY--"},
    {Permission::kShareScreen, "share_screen", "YYYY--"},
    {Permission::kMuteParticipants, "mute_participants", "YYYYY-"},
    {Permission::kRemoveParticipants, "remove_participants", "YYYYY-"},
    {Permission::kSendChat, "chat", "YYYYYY"},
    {Permission::kViewStream, "view", "YYYYYY"},
    {Permission::kUploadFiles, "upload_files", "YYYY--"},
    {Permission::kViewAnalytics, "view_analytics", "YYY---"},
    {Permission::kManageIntegrations, "manage_integrations", "YY----"},
};

constexpr Role kColumns[] = {Role::kOwner,  Role::kAdmin,     Role::kHost,
                             Role::kCoHost, Role::kModerator, Role::kViewer};

TEST(PermissionTest, EveryCellMatchesTheBlueprint) {
  int cells_checked = 0;
  for (const ExpectedRow& row : kExpected) {
    ASSERT_EQ(std::string(row.cells).size(), 6u);
    for (std::size_t column = 0; column < 6; ++column) {
      Role role = kColumns[column];
      bool expected = row.cells[column] == 'Y';
      EXPECT_EQ(Allows(role, row.permission), expected)
          << row.name << " for " << RoleName(role);
      ++cells_checked;
    }
  }
  EXPECT_EQ(cells_checked, 78);
}

TEST(PermissionTest, RowsAreInBlueprintOrder) {
  ASSERT_EQ(kAllPermissions.size(), std::size(kExpected));
  for (std::size_t i = 0; i < kAllPermissions.size(); ++i) {
    EXPECT_EQ(kAllPermissions[i], kExpected[i].permission) << i;
  }
}

TEST(PermissionTest, WireNames) {
  std::set<std::string_view> seen;
  for (const ExpectedRow& row : kExpected) {
    EXPECT_EQ(PermissionName(row.permission), row.name);
    EXPECT_EQ(ParsePermission(row.name), row.permission);
    EXPECT_TRUE(seen.insert(PermissionName(row.permission)).second);
  }
  for (const char* name : {"", "Stream", "start_streaming", "send_chat", "view_stream", "all"}) {
    EXPECT_FALSE(ParsePermission(name).has_value()) << name;
  }
}

TEST(PermissionTest, PermissionNamesListsAllowedInOrder) {
  EXPECT_EQ(PermissionNames(Role::kViewer), (std::vector<std::string>{"chat", "view"}));
  EXPECT_EQ(PermissionNames(Role::kModerator),
            (std::vector<std::string>{"mute_participants", "remove_participants", "chat", "view"}));
  EXPECT_EQ(PermissionNames(Role::kCoHost),
            (std::vector<std::string>{"stream", "share_screen", "mute_participants",
                                      "remove_participants", "chat", "view", "upload_files"}));
  EXPECT_EQ(PermissionNames(Role::kHost),
            (std::vector<std::string>{"create_rooms", "stream", "share_screen",
                                      "mute_participants", "remove_participants", "chat", "view",
                                      "upload_files", "view_analytics"}));
  std::vector<std::string> all;
  for (Permission permission : kAllPermissions) {
    all.emplace_back(PermissionName(permission));
  }
  EXPECT_EQ(PermissionNames(Role::kOwner), all);
  all.erase(all.begin());  // admin lacks only manage_billing
  EXPECT_EQ(PermissionNames(Role::kAdmin), all);
}

TEST(PermissionTest, HigherRolesHoldEveryPermissionOfLowerRoles) {
  // Not stated by the blueprint but true of it; a future edit that breaks it deserves a look.
  for (Permission permission : kAllPermissions) {
    for (std::size_t i = 1; i < kAllRoles.size(); ++i) {
      if (Allows(kAllRoles[i], permission)) {
        EXPECT_TRUE(Allows(kAllRoles[i - 1], permission)) << PermissionName(permission);
      }
    }
  }
}

}  // namespace
}  // namespace tr::tenancy
