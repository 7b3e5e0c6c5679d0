// Organization API keys: hashed at rest, shown once, revocable; plans with API access only.
#include "api/handler_support.h"
#include "api/render.h"
#include "api/routes.h"
#include "auth/api_key.h"
#include "common/error.h"
#include "common/random.h"
#include "common/time.h"

namespace tr::api {

void RegisterApiKeyRoutes(http::Router& router, ApiContext& ctx) {
  router.Add("POST", "/api/v1/organizations/{orgId}/api-keys", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    auto role = RequireMember(ctx, p, org_id);
    Json body = Body(req);
    RequirePermission(role, tenancy::Permission::kManageIntegrations);
    RequireUser(p);
    const auto& plan = PlanOf(ctx, p, org_id);
    RequireFeature(plan.limits.api_access, "api_access", plan);
    std::string name = RequireString(body, "name", {1, 100});
    auto generated = auth::GenerateApiKey();
    store::ApiKeyRecord key;
    key.id = NewId("key");
    key.organization_id = org_id;
    key.name = name;
    key.prefix = generated.prefix;
    key.key_hash = generated.hash;
    key.created_by = p.user_id;
    key.created_at = NowUnixSeconds();
    ctx.store->CreateApiKey(key);
    Audit(ctx, req, p, org_id, "api_key.created", "api_key", key.id,
          {{"name", name}, {"prefix", key.prefix}});
    Json out = RenderApiKey(key);
    out["key"] = generated.plaintext;  // the only time it is ever shown
    return Created(out);
  });

  router.Add("GET", "/api/v1/organizations/{orgId}/api-keys", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    auto role = RequireMember(ctx, p, org_id);
    RequirePermission(role, tenancy::Permission::kManageIntegrations);
    return Ok(RenderPage(ctx.store->ListApiKeys(org_id, PageOf(req)), RenderApiKey));
  });

  router.Add("DELETE", "/api/v1/organizations/{orgId}/api-keys/{keyId}", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    std::string key_id(req.PathParam("keyId"));
    auto role = RequireMember(ctx, p, org_id);
    RequirePermission(role, tenancy::Permission::kManageIntegrations);
    if (!ctx.store->RevokeApiKey(org_id, key_id, NowUnixSeconds())) {
      throw ApiError::NotFound("api key");
    }
    Audit(ctx, req, p, org_id, "api_key.revoked", "api_key", key_id);
    return http::Response::NoContent();
  });
}

}  // namespace tr::api
