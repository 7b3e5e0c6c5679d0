// Organizations: create (caller becomes owner on Starter), list, read, rename; usage and
// analytics of one organization.
#include "api/handler_support.h"
#include "api/render.h"
#include "api/routes.h"
#include "common/error.h"
#include "common/random.h"
#include "common/time.h"

namespace tr::api {
namespace {

std::string Slugify(const std::string& name) {
  std::string slug;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      slug.push_back(static_cast<char>(std::tolower(u)));
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
    if (slug.size() >= 40) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "org";
  return slug + "-" + RandomAlnum(6);
}

}  // namespace

void RegisterOrganizationRoutes(http::Router& router, ApiContext& ctx) {
  router.Add("POST", "/api/v1/organizations", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    RequireUser(p);
    Json body = Body(req);
    std::string name = RequireString(body, "name", {1, 100});
    int64_t now = NowUnixSeconds();
    store::OrganizationRecord org;
    org.id = NewId("org");
    org.name = name;
    org.slug = Slugify(name);
    org.owner_id = p.user_id;
    org.plan = "starter";
    org.created_at = now;
    org.updated_at = now;
    ctx.store->CreateOrganization(org, now);
    ctx.store->SetDefaultOrganization(p.user_id, org.id);
    Audit(ctx, req, p, org.id, "organization.created", "organization", org.id,
          {{"name", name}, {"plan", org.plan}});
    return Created(RenderOrganization(org, "owner"));
  });

  router.Add("GET", "/api/v1/organizations", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    Json items = Json::array();
    if (p.IsUser()) {
      for (auto& [org, role] : ctx.store->ListOrganizationsForUser(p.user_id)) {
        items.push_back(RenderOrganization(org, role));
      }
    }
    if (!p.Scope().extra_organization_id.empty()) {
      const std::string& extra = p.Scope().extra_organization_id;
      bool listed = false;
      for (const auto& item : items) listed = listed || item["id"] == extra;
      auto org = ctx.store->FindOrganization(p.Scope(), extra);
      auto role = RoleIn(ctx, p, extra);
      if (!listed && org && role) items.push_back(RenderOrganization(*org, std::string(tenancy::RoleName(*role))));
    }
    return Ok({{"items", items}, {"nextCursor", nullptr}});
  });

  router.Add("GET", "/api/v1/organizations/{orgId}", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    auto role = RequireMember(ctx, p, org_id);
    auto org = ctx.store->FindOrganization(p.Scope(), org_id);
    if (!org) throw ApiError::NotFound("organization");
    return Ok(RenderOrganization(*org, std::string(tenancy::RoleName(role))));
  });

  router.Add("PATCH", "/api/v1/organizations/{orgId}", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    auto role = RequireMember(ctx, p, org_id);
    Json body = Body(req);
    RequirePermission(role, tenancy::Permission::kManageOrganization);
    auto org = ctx.store->FindOrganization(p.Scope(), org_id);
    if (!org) throw ApiError::NotFound("organization");
    if (auto name = OptionalString(body, "name", {1, 100})) {
      ctx.store->UpdateOrganizationName(org_id, *name, NowUnixSeconds());
      Audit(ctx, req, p, org_id, "organization.updated", "organization", org_id,
            {{"name", {{"from", org->name}, {"to", *name}}}});
      org->name = *name;
    }
    return Ok(RenderOrganization(*org, std::string(tenancy::RoleName(role))));
  });

  router.Add("GET", "/api/v1/organizations/{orgId}/usage", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    RequireMember(ctx, p, org_id);
    const auto& plan = PlanOf(ctx, p, org_id);
    return Ok(RenderUsage(plan, ctx.store->Usage(org_id)));
  });

  router.Add("GET", "/api/v1/organizations/{orgId}/analytics", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    auto role = RequireMember(ctx, p, org_id);
    RequirePermission(role, tenancy::Permission::kViewAnalytics);
    const auto& plan = PlanOf(ctx, p, org_id);
    auto usage = ctx.store->Usage(org_id);
    Json rooms = {{"total", 0}, {"live", 0}, {"idle", 0}, {"closed", 0}};
    int64_t live_viewers = 0;
    store::PageRequest page{100, 0};
    for (;;) {
      auto batch = ctx.store->ListRooms(org_id, {}, page);
      for (const auto& room : batch.items) {
        rooms["total"] = rooms["total"].get<int64_t>() + 1;
        rooms[room.status] = rooms[room.status].get<int64_t>() + 1;
        if (ctx.live_viewers) live_viewers += ctx.live_viewers(room.id);
      }
      if (!batch.next) break;
      page.after = *batch.next;
    }
    Json by_role = Json::object();
    int64_t total = 0;
    for (auto& [r, n] : ctx.store->MemberCountsByRole(org_id)) {
      by_role[r] = n;
      total += n;
    }
    return Ok({{"level", plan.limits.analytics},
               {"rooms", rooms},
               {"workspaces", usage.workspaces},
               {"members", {{"total", total}, {"byRole", by_role}}},
               {"liveViewers", live_viewers},
               {"storageBytes", usage.storage_bytes}});
  });
}

}  // namespace tr::api
