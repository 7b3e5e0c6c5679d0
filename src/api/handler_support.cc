#include "api/handler_support.h"

#include "common/error.h"
#include "common/time.h"

namespace tr::api {

void Audit(ApiContext& ctx, const http::Request& request, const Principal& principal,
           const std::string& org_id, const std::string& action, const std::string& target_type,
           const std::string& target_id, const Json& details) {
  store::AuditRecord entry;
  entry.organization_id = org_id;
  entry.actor_id = principal.ActorId();
  entry.actor_email = principal.email;
  entry.action = action;
  entry.target_type = target_type;
  entry.target_id = target_id;
  entry.details_json = details.dump();
  entry.ip = request.remote_ip;
  entry.user_agent = std::string(request.Header("user-agent").substr(0, 256));
  entry.request_id = request.request_id;
  entry.created_at = NowUnixSeconds();
  ctx.store->AppendAudit(entry);
}

const tenancy::Plan& PlanOf(ApiContext& ctx, const Principal& principal,
                            const std::string& org_id) {
  auto org = ctx.store->FindOrganization(principal.Scope(), org_id);
  if (!org) throw ApiError::NotFound("organization");
  auto plan = tenancy::ParsePlan(org->plan);
  return tenancy::GetPlan(plan.value_or(tenancy::PlanId::kStarter));
}

void ThrowLimitExceeded(const std::string& what, int64_t max, int64_t current,
                        const tenancy::Plan& plan) {
  throw ApiError(402, what + "_limit_exceeded",
                 "the " + std::string(plan.display_name) + " plan allows " + std::to_string(max) +
                     " " + what + (max == 1 ? "" : "s") + "; upgrade to add more",
                 Json{{"limit", what + "s"}, {"max", max}, {"current", current},
                      {"plan", plan.name}});
}

void RequireFeature(bool enabled, const std::string& feature, const tenancy::Plan& plan) {
  if (!enabled) {
    throw ApiError(403, "plan_feature_unavailable",
                   "the " + std::string(plan.display_name) + " plan does not include " + feature,
                   Json{{"feature", feature}, {"plan", plan.name}});
  }
}

}  // namespace tr::api
