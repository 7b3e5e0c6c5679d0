#pragma once
// Which section-3 permission each signaling action needs, in one place: the hub calls these
// for every event, and tests/unit/signaling walks every cell through them.
#include <optional>
#include <string_view>

#include "common/json.h"
#include "tenancy/permission.h"
#include "tenancy/role.h"

namespace tr::signaling {

// The permission an event needs from the participant's joined role (nullopt: none beyond
// being in the room). `data` matters for `produce` (screen sources need share_screen).
std::optional<tenancy::Permission> RequiredPermission(std::string_view event, const Json& data);

// Whether `role` may perform `event` with `data`.
bool MayPerform(tenancy::Role role, std::string_view event, const Json& data);

// A member may join a room in any role that does not rank above their organization role.
bool CanJoinAs(tenancy::Role organization_role, tenancy::Role requested);

// Moderation only reaches participants whose joined role does not rank above the actor's.
bool CanModerate(tenancy::Role actor, tenancy::Role target);

}  // namespace tr::signaling
