#pragma once
// Store records → the JSON shapes of docs/api.md.
#include <string>
#include <vector>

#include "api/body.h"
#include "common/json.h"
#include "store/records.h"
#include "tenancy/plan.h"

namespace tr::api {

Json RenderUser(const store::UserRecord& user);
Json RenderOrganization(const store::OrganizationRecord& org, const std::string& caller_role);
Json RenderWorkspace(const store::WorkspaceRecord& workspace);
Json RenderRoom(const store::RoomRecord& room, int viewer_count);
Json RenderMember(const store::MemberRecord& member);
Json RenderInvitation(const store::InvitationRecord& invitation);
Json RenderApiKey(const store::ApiKeyRecord& key);
Json RenderAudit(const store::AuditRecord& entry);
Json RenderFile(const store::FileRecord& file);
Json RenderUsage(const tenancy::Plan& plan, const store::UsageCounts& usage);
Json TimeOrNull(int64_t unix_seconds);

template <typename T, typename Fn>
Json RenderPage(const store::Page<T>& page, Fn render) {
  Json items = Json::array();
  for (const auto& item : page.items) items.push_back(render(item));
  return Json{{"items", std::move(items)},
              {"nextCursor", page.next ? Json(EncodeCursor(*page.next)) : Json(nullptr)}};
}

}  // namespace tr::api
