#include "api/render.h"

#include "common/time.h"

namespace tr::api {

Json TimeOrNull(int64_t t) { return t > 0 ? Json(FormatIso8601(t)) : Json(nullptr); }

Json RenderUser(const store::UserRecord& u) {
  return {{"id", u.id},
          {"email", u.email},
          {"displayName", u.display_name},
          {"createdAt", FormatIso8601(u.created_at)}};
}

Json RenderOrganization(const store::OrganizationRecord& o, const std::string& caller_role) {
  return {{"id", o.id},
          {"name", o.name},
          {"slug", o.slug},
          {"plan", o.plan},
          {"ownerId", o.owner_id},
          {"stripeCustomerId", o.stripe_customer_id.empty() ? Json(nullptr)
                                                            : Json(o.stripe_customer_id)},
          {"createdAt", FormatIso8601(o.created_at)},
          {"role", caller_role}};
}

Json RenderWorkspace(const store::WorkspaceRecord& w) {
  return {{"id", w.id},
          {"organizationId", w.organization_id},
          {"name", w.name},
          {"description", w.description},
          {"createdAt", FormatIso8601(w.created_at)}};
}

Json RenderRoom(const store::RoomRecord& r, int viewer_count) {
  return {{"id", r.id},
          {"organizationId", r.organization_id},
          {"workspaceId", r.workspace_id},
          {"name", r.name},
          {"description", r.description},
          {"status", r.status},
          {"createdBy", r.created_by.empty() ? Json(nullptr) : Json(r.created_by)},
          {"createdAt", FormatIso8601(r.created_at)},
          {"updatedAt", FormatIso8601(r.updated_at)},
          {"viewerCount", viewer_count}};
}

Json RenderMember(const store::MemberRecord& m) {
  return {{"userId", m.user_id},
          {"organizationId", m.organization_id},
          {"email", m.email},
          {"displayName", m.display_name},
          {"role", m.role},
          {"joinedAt", FormatIso8601(m.joined_at)}};
}

Json RenderInvitation(const store::InvitationRecord& i) {
  std::string status = i.status;
  if (status == "pending" && i.expires_at <= NowUnixSeconds()) status = "expired";
  return {{"id", i.id},
          {"organizationId", i.organization_id},
          {"email", i.email},
          {"role", i.role},
          {"status", status},
          {"invitedBy", i.invited_by.empty() ? Json(nullptr) : Json(i.invited_by)},
          {"createdAt", FormatIso8601(i.created_at)},
          {"expiresAt", FormatIso8601(i.expires_at)}};
}

Json RenderApiKey(const store::ApiKeyRecord& k) {
  return {{"id", k.id},
          {"organizationId", k.organization_id},
          {"name", k.name},
          {"prefix", k.prefix},
          {"createdBy", k.created_by.empty() ? Json(nullptr) : Json(k.created_by)},
          {"createdAt", FormatIso8601(k.created_at)},
          {"lastUsedAt", TimeOrNull(k.last_used_at)},
          {"revokedAt", TimeOrNull(k.revoked_at)}};
}

Json RenderAudit(const store::AuditRecord& e) {
  Json details = Json::parse(e.details_json, nullptr, false);
  if (details.is_discarded()) details = Json::object();
  auto or_null = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  return {{"id", std::to_string(e.id)},
          {"organizationId", e.organization_id},
          {"actorId", or_null(e.actor_id)},
          {"actorEmail", or_null(e.actor_email)},
          {"action", e.action},
          {"targetType", e.target_type},
          {"targetId", or_null(e.target_id)},
          {"details", details},
          {"ip", or_null(e.ip)},
          {"userAgent", or_null(e.user_agent)},
          {"requestId", or_null(e.request_id)},
          {"createdAt", FormatIso8601(e.created_at)}};
}

Json RenderFile(const store::FileRecord& f) {
  return {{"id", f.id},
          {"organizationId", f.organization_id},
          {"roomId", f.room_id},
          {"name", f.name},
          {"contentType", f.content_type},
          {"sizeBytes", f.size_bytes},
          {"uploadedBy", f.uploaded_by.empty() ? Json(nullptr) : Json(f.uploaded_by)},
          {"createdAt", FormatIso8601(f.created_at)}};
}

Json RenderUsage(const tenancy::Plan& plan, const store::UsageCounts& u) {
  Json plan_json = tenancy::PlanToJson(plan);
  Json limits = plan_json["limits"];
  limits["features"] = plan_json["features"];
  return {{"plan", plan.name},
          {"limits", limits},
          {"usage",
           {{"workspaces", u.workspaces},
            {"rooms", u.rooms},
            {"hosts", u.hosts},
            {"members", u.members},
            {"storageBytes", u.storage_bytes}}}};
}

}  // namespace tr::api
