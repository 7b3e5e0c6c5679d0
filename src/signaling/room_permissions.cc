#include "signaling/room_permissions.h"

namespace tr::signaling {

std::optional<tenancy::Permission> RequiredPermission(std::string_view event, const Json& data) {
  using tenancy::Permission;
  if (event == "produce") {
    auto app = data.find("appData");
    if (app != data.end() && app->is_object()) {
      auto source = app->find("source");
      if (source != app->end() && source->is_string() &&
          (source->get_ref<const std::string&>() == "screen" ||
           source->get_ref<const std::string&>() == "screen-audio")) {
        return Permission::kShareScreen;
      }
    }
    return Permission::kStartStreaming;
  }
  if (event == "create-transport") {
    auto direction = data.find("direction");
    bool send = direction != data.end() && direction->is_string() &&
                direction->get_ref<const std::string&>() == "send";
    return send ? Permission::kStartStreaming : Permission::kViewStream;
  }
  if (event == "join-room" || event == "consume" || event == "resume-consumer" ||
      event == "pause-consumer" || event == "set-preferred-layers") {
    return Permission::kViewStream;
  }
  if (event == "send-chat") return Permission::kSendChat;
  if (event == "delete-chat" || event == "mute-participant") return Permission::kMuteParticipants;
  if (event == "remove-participant") return Permission::kRemoveParticipants;
  return std::nullopt;
}

bool MayPerform(tenancy::Role role, std::string_view event, const Json& data) {
  auto permission = RequiredPermission(event, data);
  return !permission || tenancy::Allows(role, *permission);
}

bool CanJoinAs(tenancy::Role organization_role, tenancy::Role requested) {
  if (requested == tenancy::Role::kOwner || requested == tenancy::Role::kAdmin) return false;
  return tenancy::RoleAtLeast(organization_role, requested);
}

bool CanModerate(tenancy::Role actor, tenancy::Role target) {
  return tenancy::RoleAtLeast(actor, target);
}

}  // namespace tr::signaling
