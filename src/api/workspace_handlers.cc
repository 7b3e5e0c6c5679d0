// Workspaces of an organization.
#include "api/handler_support.h"
#include "api/render.h"
#include "api/routes.h"
#include "common/error.h"
#include "common/random.h"
#include "common/time.h"

namespace tr::api {
namespace {

// The workspace (visible to the caller) and the caller's role in its organization.
std::pair<store::WorkspaceRecord, tenancy::Role> LoadWorkspace(ApiContext& ctx, const Principal& p,
                                                               const http::Request& req) {
  auto workspace = ctx.store->FindWorkspace(p.Scope(), std::string(req.PathParam("workspaceId")));
  if (!workspace) throw ApiError::NotFound("workspace");
  auto role = RoleIn(ctx, p, workspace->organization_id);
  if (!role) throw ApiError::NotFound("workspace");
  return {*workspace, *role};
}

}  // namespace

void RegisterWorkspaceRoutes(http::Router& router, ApiContext& ctx) {
  router.Add("POST", "/api/v1/organizations/{orgId}/workspaces", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    auto role = RequireMember(ctx, p, org_id);
    Json body = Body(req);
    RequirePermission(role, tenancy::Permission::kCreateWorkspaces);
    std::string name = RequireString(body, "name", {1, 100});
    std::string description = OptionalString(body, "description", {0, 1000}).value_or("");
    auto limit_guard = ctx.limit_locks.Lock(org_id);
    const auto& plan = PlanOf(ctx, p, org_id);
    auto usage = ctx.store->Usage(org_id);
    if (plan.limits.workspaces && usage.workspaces >= *plan.limits.workspaces) {
      ThrowLimitExceeded("workspace", *plan.limits.workspaces, usage.workspaces, plan);
    }
    int64_t now = NowUnixSeconds();
    store::WorkspaceRecord ws{NewId("wsp"), org_id, name, description, p.user_id, now, now, 0};
    ctx.store->CreateWorkspace(ws);
    Audit(ctx, req, p, org_id, "workspace.created", "workspace", ws.id, {{"name", name}});
    return Created(RenderWorkspace(ws));
  });

  router.Add("GET", "/api/v1/organizations/{orgId}/workspaces", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    RequireMember(ctx, p, org_id);
    return Ok(RenderPage(ctx.store->ListWorkspaces(org_id, PageOf(req)), RenderWorkspace));
  });

  router.Add("GET", "/api/v1/workspaces/{workspaceId}", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    auto [ws, role] = LoadWorkspace(ctx, p, req);
    return Ok(RenderWorkspace(ws));
  });

  router.Add("PATCH", "/api/v1/workspaces/{workspaceId}", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    auto [ws, role] = LoadWorkspace(ctx, p, req);
    Json body = Body(req);
    RequirePermission(role, tenancy::Permission::kCreateWorkspaces);
    Json changes = Json::object();
    if (auto name = OptionalString(body, "name", {1, 100})) {
      changes["name"] = {{"from", ws.name}, {"to", *name}};
      ws.name = *name;
    }
    if (auto description = OptionalString(body, "description", {0, 1000})) {
      ws.description = *description;
      changes["description"] = true;
    }
    ws.updated_at = NowUnixSeconds();
    ctx.store->UpdateWorkspace(ws);
    Audit(ctx, req, p, ws.organization_id, "workspace.updated", "workspace", ws.id, changes);
    return Ok(RenderWorkspace(ws));
  });

  router.Add("DELETE", "/api/v1/workspaces/{workspaceId}", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    auto [ws, role] = LoadWorkspace(ctx, p, req);
    RequirePermission(role, tenancy::Permission::kCreateWorkspaces);
    if (ctx.store->CountRoomsInWorkspace(ws.organization_id, ws.id) > 0) {
      throw ApiError::Conflict("workspace_not_empty", "delete the workspace's rooms first");
    }
    ctx.store->DeleteWorkspace(ws.organization_id, ws.id);
    Audit(ctx, req, p, ws.organization_id, "workspace.deleted", "workspace", ws.id,
          {{"name", ws.name}});
    return http::Response::NoContent();
  });
}

}  // namespace tr::api
