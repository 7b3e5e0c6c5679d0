#include "tenancy/role.h"

#include <gtest/gtest.h>

namespace tr::tenancy {
namespace {

TEST(RoleTest, NamesAreTheWireNames) {
  EXPECT_EQ(RoleName(Role::kOwner), "owner");
  EXPECT_EQ(RoleName(Role::kAdmin), "admin");
  EXPECT_EQ(RoleName(Role::kHost), "host");
  EXPECT_EQ(RoleName(Role::kCoHost), "co-host");
  EXPECT_EQ(RoleName(Role::kModerator), "moderator");
  EXPECT_EQ(RoleName(Role::kViewer), "viewer");
}

TEST(RoleTest, ParseRoundTripsEveryRole) {
  for (Role role : kAllRoles) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
}

TEST(RoleTest, ParseRejectsUnknownSpellings) {
  for (const char* name : {"", "Owner", "OWNER", "co_host", "cohost", "co-Host", "viewer ",
                           "authenticated", "superadmin"}) {
    EXPECT_FALSE(ParseRole(name).has_value()) << name;
  }
}

TEST(RoleTest, RanksFollowTheBlueprintOrder) {
  EXPECT_EQ(RoleRank(Role::kOwner), 5);
  EXPECT_EQ(RoleRank(Role::kAdmin), 4);
  EXPECT_EQ(RoleRank(Role::kHost), 3);
  EXPECT_EQ(RoleRank(Role::kCoHost), 2);
  EXPECT_EQ(RoleRank(Role::kModerator), 1);
  EXPECT_EQ(RoleRank(Role::kViewer), 0);
  // kAllRoles is listed highest first.
  for (std::size_t i = 1; i < kAllRoles.size(); ++i) {
    EXPECT_GT(RoleRank(kAllRoles[i - 1]), RoleRank(kAllRoles[i]));
  }
}

TEST(RoleTest, RoleAtLeast) {
  EXPECT_TRUE(RoleAtLeast(Role::kOwner, Role::kAdmin));
  EXPECT_TRUE(RoleAtLeast(Role::kAdmin, Role::kAdmin));
  EXPECT_FALSE(RoleAtLeast(Role::kHost, Role::kAdmin));
  EXPECT_TRUE(RoleAtLeast(Role::kCoHost, Role::kModerator));
  EXPECT_FALSE(RoleAtLeast(Role::kViewer, Role::kModerator));
  for (Role have : kAllRoles) {
    EXPECT_TRUE(RoleAtLeast(have, Role::kViewer));
    EXPECT_TRUE(RoleAtLeast(have, have));
    EXPECT_EQ(RoleAtLeast(have, Role::kOwner), have == Role::kOwner);
  }
}

}  // namespace
}  // namespace tr::tenancy
