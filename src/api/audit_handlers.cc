// The audit log of an organization (plans with audit logs).
#include "api/handler_support.h"
#include "api/render.h"
#include "api/routes.h"

namespace tr::api {

void RegisterAuditRoutes(http::Router& router, ApiContext& ctx) {
  router.Add("GET", "/api/v1/organizations/{orgId}/audit-log", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    auto role = RequireMember(ctx, p, org_id);
    RequirePermission(role, tenancy::Permission::kManageOrganization);
    const auto& plan = PlanOf(ctx, p, org_id);
    RequireFeature(plan.limits.audit_logs, "audit_logs", plan);
    std::string action = req.QueryParam("action").value_or("");
    return Ok(RenderPage(ctx.store->ListAudit(org_id, action, PageOf(req)), RenderAudit));
  });
}

}  // namespace tr::api
