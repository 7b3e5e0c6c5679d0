// Walks the signaling cells of the section 3 permission matrix through the functions the
// hub calls for every event (the HTTP cells are walked by tests/integration/test_permissions.py).
#include "signaling/room_permissions.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace tr::signaling {
namespace {

using tenancy::Role;

struct Action {
  const char* name;  // blueprint row
  const char* event;
  Json data;
};

// Rows from the blueprint, columns Owner, Admin, Host, Co-Host, Moderator, Viewer.
struct Row {
  Action action;
  std::array<bool, 6> allowed;
};

const std::array<Role, 6> kColumns = {Role::kOwner, Role::kAdmin, Role::kHost,
                                      Role::kCoHost, Role::kModerator, Role::kViewer};

TEST(RoomPermissions, EverySignalingCellOfTheMatrix) {
  const Row rows[] = {
      {{"Start Streaming", "produce", {{"appData", {{"source", "camera"}}}}},
       {true, true, true, true, false, false}},
      {{"Start Streaming (microphone)", "produce", {{"appData", {{"source", "microphone"}}}}},
       {true, true, true, true, false, false}},
      {{"Start Streaming (send transport)", "create-transport", {{"direction", "send"}}},
       {true, true, true, true, false, false}},
      {{"Share Screen", "produce", {{"appData", {{"source", "screen"}}}}},
       {true, true, true, true, false, false}},
      {{"Mute Participants", "mute-participant", {{"userId", "u"}}},
       {true, true, true, true, true, false}},
      {{"Mute Participants (delete chat)", "delete-chat", {{"messageId", "m"}}},
       {true, true, true, true, true, false}},
      {{"Remove Participants", "remove-participant", {{"userId", "u"}}},
       {true, true, true, true, true, false}},
      {{"Send Chat Messages", "send-chat", {{"text", "hi"}}}, {true, true, true, true, true, true}},
      {{"View Stream", "join-room", {{"roomId", "r"}}}, {true, true, true, true, true, true}},
      {{"View Stream (consume)", "consume", {{"producerId", "p"}}}, {true, true, true, true, true, true}},
      {{"View Stream (recv transport)", "create-transport", {{"direction", "recv"}}},
       {true, true, true, true, true, true}},
  };
  for (const Row& row : rows) {
    for (std::size_t c = 0; c < kColumns.size(); ++c) {
      EXPECT_EQ(MayPerform(kColumns[c], row.action.event, row.action.data), row.allowed[c])
          << row.action.name << " for " << tenancy::RoleName(kColumns[c]);
    }
  }
}

TEST(RoomPermissions, ScreenSourcesNeedShareScreen) {
  EXPECT_EQ(RequiredPermission("produce", {{"appData", {{"source", "screen"}}}}),
            tenancy::Permission::kShareScreen);
  EXPECT_EQ(RequiredPermission("produce", {{"appData", {{"source", "screen-audio"}}}}),
            tenancy::Permission::kShareScreen);
  EXPECT_EQ(RequiredPermission("produce", Json::object()), tenancy::Permission::kStartStreaming);
  EXPECT_EQ(RequiredPermission("ping", Json::object()), std::nullopt);
}

TEST(RoomPermissions, JoinRoleMayNotExceedOrganizationRole) {
  EXPECT_TRUE(CanJoinAs(Role::kOwner, Role::kHost));
  EXPECT_TRUE(CanJoinAs(Role::kAdmin, Role::kViewer));
  EXPECT_TRUE(CanJoinAs(Role::kHost, Role::kHost));
  EXPECT_TRUE(CanJoinAs(Role::kCoHost, Role::kCoHost));
  EXPECT_FALSE(CanJoinAs(Role::kCoHost, Role::kHost));
  EXPECT_FALSE(CanJoinAs(Role::kModerator, Role::kCoHost));
  EXPECT_TRUE(CanJoinAs(Role::kModerator, Role::kModerator));
  EXPECT_FALSE(CanJoinAs(Role::kViewer, Role::kHost));
  EXPECT_FALSE(CanJoinAs(Role::kViewer, Role::kModerator));
  EXPECT_TRUE(CanJoinAs(Role::kViewer, Role::kViewer));
  // Rooms have no owner/admin seats: those members join as host.
  EXPECT_FALSE(CanJoinAs(Role::kOwner, Role::kOwner));
  EXPECT_FALSE(CanJoinAs(Role::kOwner, Role::kAdmin));
}

TEST(RoomPermissions, ModerationReachesOnlyEqualOrLowerRoles) {
  EXPECT_TRUE(CanModerate(Role::kModerator, Role::kViewer));
  EXPECT_TRUE(CanModerate(Role::kModerator, Role::kModerator));
  EXPECT_FALSE(CanModerate(Role::kModerator, Role::kHost));
  EXPECT_TRUE(CanModerate(Role::kHost, Role::kCoHost));
}

}  // namespace
}  // namespace tr::signaling
