// Members and invitations: invite by email with a token, accept, change role, remove.
#include "api/handler_support.h"
#include "api/render.h"
#include "api/routes.h"
#include "common/digest.h"
#include "common/error.h"
#include "common/log.h"
#include "common/random.h"
#include "common/time.h"

namespace tr::api {
namespace {

bool IsHostRole(const std::string& role) { return role == "host" || role == "co-host"; }

std::string ParseInvitableRole(const Json& body) {
  std::string role = RequireString(body, "role", {1, 20});
  auto parsed = tenancy::ParseRole(role);
  if (!parsed) {
    throw ApiError(400, "validation_failed",
                   "role must be one of admin, host, co-host, moderator, viewer",
                   Json{{"field", "role"}});
  }
  if (*parsed == tenancy::Role::kOwner) {
    throw ApiError(400, "validation_failed", "an organization has exactly one owner",
                   Json{{"field", "role"}});
  }
  return role;
}

// The plan's host limit counts members with role host or co-host (plus pending host
// invitations when `include_pending`).
// Returns the organization's limit lock, to be held until the change is stored.
[[nodiscard]] std::unique_lock<std::mutex> CheckHostLimit(ApiContext& ctx, const Principal& p,
                                                          const std::string& org_id,
                                                          bool include_pending) {
  auto guard = ctx.limit_locks.Lock(org_id);
  const auto& plan = PlanOf(ctx, p, org_id);
  if (!plan.limits.hosts) return guard;
  int64_t hosts = ctx.store->Usage(org_id).hosts;
  if (include_pending) hosts += ctx.store->CountPendingInvitations(org_id, {"host", "co-host"});
  if (hosts >= *plan.limits.hosts) ThrowLimitExceeded("host", *plan.limits.hosts, hosts, plan);
  return guard;
}

}  // namespace

void RegisterMemberRoutes(http::Router& router, ApiContext& ctx) {
  router.Add("GET", "/api/v1/organizations/{orgId}/members", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    RequireMember(ctx, p, org_id);
    std::string role_filter = req.QueryParam("role").value_or("");
    if (!role_filter.empty() && !tenancy::ParseRole(role_filter)) {
      throw ApiError(400, "validation_failed", "unknown role", Json{{"field", "role"}});
    }
    return Ok(RenderPage(ctx.store->ListMembers(org_id, role_filter, PageOf(req)), RenderMember));
  });

  router.Add("PATCH", "/api/v1/organizations/{orgId}/members/{userId}", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    std::string user_id(req.PathParam("userId"));
    auto role = RequireMember(ctx, p, org_id);
    Json body = Body(req);
    RequirePermission(role, tenancy::Permission::kManageOrganization);
    std::string new_role = ParseInvitableRole(body);
    auto member = ctx.store->FindMember(org_id, user_id);
    if (!member) throw ApiError::NotFound("member");
    if (member->role == "owner") {
      throw ApiError(403, "forbidden", "the owner's role cannot be changed");
    }
    if (member->role == new_role) return Ok(RenderMember(*member));
    std::unique_lock<std::mutex> limit_guard;
    if (IsHostRole(new_role) && !IsHostRole(member->role)) {
      limit_guard = CheckHostLimit(ctx, p, org_id, false);
    }
    ctx.store->UpdateMemberRole(org_id, user_id, new_role);
    Audit(ctx, req, p, org_id, "member.role_changed", "member", user_id,
          {{"email", member->email}, {"from", member->role}, {"to", new_role}});
    member->role = new_role;
    return Ok(RenderMember(*member));
  });

  router.Add("DELETE", "/api/v1/organizations/{orgId}/members/{userId}", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    std::string user_id(req.PathParam("userId"));
    auto role = RequireMember(ctx, p, org_id);
    bool self = p.IsUser() && user_id == p.user_id;
    if (!self) RequirePermission(role, tenancy::Permission::kManageOrganization);
    auto member = ctx.store->FindMember(org_id, user_id);
    if (!member) throw ApiError::NotFound("member");
    if (member->role == "owner") {
      throw ApiError(403, "forbidden", "the owner cannot be removed from the organization");
    }
    ctx.store->RemoveMember(org_id, user_id);
    Audit(ctx, req, p, org_id, self ? "member.left" : "member.removed", "member", user_id,
          {{"email", member->email}, {"role", member->role}});
    return http::Response::NoContent();
  });

  router.Add("POST", "/api/v1/organizations/{orgId}/invitations", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    auto role = RequireMember(ctx, p, org_id);
    Json body = Body(req);
    RequirePermission(role, tenancy::Permission::kManageOrganization);
    std::string email = RequireEmail(body, "email");
    std::string invited_role = ParseInvitableRole(body);
    if (auto user = ctx.store->FindUserByEmail(email)) {
      if (ctx.store->MemberRole(org_id, user->id)) {
        throw ApiError::Conflict("already_member", "this person is already a member");
      }
    }
    std::unique_lock<std::mutex> limit_guard;
    if (IsHostRole(invited_role)) limit_guard = CheckHostLimit(ctx, p, org_id, true);
    int64_t now = NowUnixSeconds();
    std::string token = RandomToken(32);
    store::InvitationRecord inv;
    inv.id = NewId("inv");
    inv.organization_id = org_id;
    inv.email = email;
    inv.role = invited_role;
    inv.token_hash = Sha256Hex(token);
    inv.status = "pending";
    inv.invited_by = p.IsUser() ? p.user_id : "";
    inv.created_at = now;
    inv.expires_at = now + ctx.config.invitation_ttl;
    ctx.store->CreateInvitation(inv);
    Audit(ctx, req, p, org_id, "invitation.created", "invitation", inv.id,
          {{"email", email}, {"role", invited_role}});
    std::string accept_url = ctx.config.public_url + "/invite/" + token;
    Json out = RenderInvitation(inv);
    out["token"] = token;
    out["acceptUrl"] = accept_url;
    if (ctx.send_mail) {
      auto org = ctx.store->FindOrganization(p.Scope(), org_id);
      std::string org_name = org ? org->name : "an organization";
      try {
        ctx.send_mail(email, "You are invited to " + org_name + " on Trading Room",
                      "You have been invited to join " + org_name + " as " + invited_role +
                          ".\r\n\r\nAccept the invitation: " + accept_url + "\r\n");
        out["emailed"] = true;
      } catch (const std::exception& e) {
        log::Warn("api", "invitation email failed",
                  {{"request_id", req.request_id}, {"error", e.what()}});
        out["emailed"] = false;
      }
    } else {
      out["emailed"] = false;
    }
    return Created(out);
  });

  router.Add("GET", "/api/v1/organizations/{orgId}/invitations", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    auto role = RequireMember(ctx, p, org_id);
    RequirePermission(role, tenancy::Permission::kManageOrganization);
    return Ok(RenderPage(ctx.store->ListInvitations(org_id, PageOf(req)), RenderInvitation));
  });

  router.Add("DELETE", "/api/v1/organizations/{orgId}/invitations/{invitationId}",
             [&ctx](http::Request& req) {
               Principal p = Authenticate(ctx, req);
               std::string org_id(req.PathParam("orgId"));
               std::string inv_id(req.PathParam("invitationId"));
               auto role = RequireMember(ctx, p, org_id);
               RequirePermission(role, tenancy::Permission::kManageOrganization);
               if (!ctx.store->RevokeInvitation(org_id, inv_id)) {
                 throw ApiError::NotFound("pending invitation");
               }
               Audit(ctx, req, p, org_id, "invitation.revoked", "invitation", inv_id);
               return http::Response::NoContent();
             });

  router.Add("GET", "/api/v1/invitations/{token}", [&ctx](http::Request& req) {
    EnforceRateLimit(ctx, "invite:" + req.remote_ip, {60, 60000});
    auto inv = ctx.store->FindInvitationByTokenHash(Sha256Hex(req.PathParam("token")));
    if (!inv) throw ApiError::NotFound("invitation");
    // The token is the capability: it reveals this one organization's name.
    auto org = ctx.store->FindOrganization({"", inv->organization_id}, inv->organization_id);
    Json out = RenderInvitation(*inv);
    return Ok({{"organizationId", inv->organization_id},
               {"organizationName", org ? org->name : ""},
               {"email", inv->email},
               {"role", inv->role},
               {"status", out["status"]},
               {"expiresAt", out["expiresAt"]}});
  });

  router.Add("POST", "/api/v1/invitations/{token}/accept", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    RequireUser(p);
    auto inv = ctx.store->FindInvitationByTokenHash(Sha256Hex(req.PathParam("token")));
    if (!inv) throw ApiError::NotFound("invitation");
    auto user = ctx.store->FindUserById(p.user_id);
    if (!user) throw ApiError::Unauthorized("account no longer exists");
    std::string mail = user->email;
    for (char& c : mail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (mail != inv->email) {
      throw ApiError(403, "invitation_email_mismatch",
                     "this invitation was sent to another email address");
    }
    if (inv->status != "pending") {
      throw ApiError::Conflict("invitation_not_pending", "the invitation was " + inv->status);
    }
    if (inv->expires_at <= NowUnixSeconds()) {
      throw ApiError(410, "invitation_expired", "the invitation has expired");
    }
    if (ctx.store->MemberRole(inv->organization_id, user->id)) {
      throw ApiError::Conflict("already_member", "you are already a member");
    }
    std::unique_lock<std::mutex> limit_guard;
    if (IsHostRole(inv->role)) {
      // Counted without pending invitations: this one is among them.
      Principal org_scope;
      org_scope.kind = Principal::Kind::kApiKey;
      org_scope.api_key_organization_id = inv->organization_id;
      limit_guard = CheckHostLimit(ctx, org_scope, inv->organization_id, false);
    }
    if (!ctx.store->AcceptInvitation(*inv, user->id, NowUnixSeconds())) {
      throw ApiError::Conflict("invitation_not_pending", "the invitation is no longer pending");
    }
    Audit(ctx, req, p, inv->organization_id, "member.joined", "member", user->id,
          {{"email", user->email}, {"role", inv->role}, {"invitationId", inv->id}});
    auto member = ctx.store->FindMember(inv->organization_id, user->id);
    return Ok(RenderMember(*member));
  });
}

}  // namespace tr::api
