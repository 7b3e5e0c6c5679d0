// Plans: the catalogue, and changing an organization's plan (owner only; Stripe later).
#include "api/handler_support.h"
#include "api/render.h"
#include "api/routes.h"
#include "common/error.h"
#include "common/time.h"

namespace tr::api {

void RegisterPlanRoutes(http::Router& router, ApiContext& ctx) {
  router.Add("GET", "/api/v1/plans", [](http::Request&) {
    Json items = Json::array();
    for (const auto& plan : tenancy::AllPlans()) items.push_back(tenancy::PlanToJson(plan));
    return Ok({{"items", items}});
  });

  router.Add("PUT", "/api/v1/organizations/{orgId}/plan", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    auto role = RequireMember(ctx, p, org_id);
    Json body = Body(req);
    RequirePermission(role, tenancy::Permission::kManageBilling);
    std::string plan_name = RequireString(body, "plan", {1, 20});
    auto plan_id = tenancy::ParsePlan(plan_name);
    if (!plan_id) {
      throw ApiError(400, "validation_failed",
                     "plan must be starter, professional, business or enterprise",
                     Json{{"field", "plan"}});
    }
    bool accept_over = OptionalBool(body, "acceptOverLimit").value_or(false);
    auto org = ctx.store->FindOrganization(p.Scope(), org_id);
    if (!org) throw ApiError::NotFound("organization");
    const auto& plan = tenancy::GetPlan(*plan_id);
    auto counts = ctx.store->Usage(org_id);
    tenancy::Usage usage{counts.workspaces, counts.rooms, counts.hosts, counts.members,
                         counts.storage_bytes};
    auto over = tenancy::LimitsExceeded(plan.limits, usage);
    if (!over.empty() && !accept_over) {
      // Nothing is deleted behind the owner's back: report and let them decide.
      throw ApiError::Conflict("plan_usage_exceeds_limits",
                               "current usage exceeds the " + std::string(plan.display_name) +
                                   " plan's limits",
                               Json{{"overLimits", over}, {"usage", RenderUsage(plan, counts)}});
    }
    std::string previous = org->plan;
    if (previous != plan.name) {
      ctx.store->SetPlan(org_id, std::string(plan.name), NowUnixSeconds());
      Audit(ctx, req, p, org_id, "plan.changed", "plan", org_id,
            {{"from", previous}, {"to", plan.name}, {"overLimits", over}});
      org->plan = plan.name;
    }
    return Ok({{"organization", RenderOrganization(*org, std::string(tenancy::RoleName(role)))},
               {"usage", RenderUsage(plan, counts)},
               {"overLimits", over}});
  });
}

}  // namespace tr::api
