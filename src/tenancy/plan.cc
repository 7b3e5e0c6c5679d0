#include "tenancy/plan.h"

#include <cstddef>

namespace tr::tenancy {
namespace {

constexpr int64_t kGiB = int64_t{1024} * 1024 * 1024;
constexpr int64_t kTiB = 1024 * kGiB;
constexpr std::optional<int64_t> kUnlimited = std::nullopt;

// Blueprint section 4. SLA figures are contractual text, not enforced limits, so they are not
// modelled here.
constexpr std::array<Plan, 4> kPlans = {{
    {PlanId::kStarter, "starter", "Starter",
     PlanLimits{.workspaces = 1, .rooms = 3, .hosts = 1, .viewers = 50,
                .storage_bytes = 5 * kGiB, .recording = false, .api_access = false,
                .custom_branding = false, .sso = false, .audit_logs = false,
                .analytics = "basic", .support = "email", .price_usd_month = 49}},
    {PlanId::kProfessional, "professional", "Professional",
     PlanLimits{.workspaces = 3, .rooms = 10, .hosts = 3, .viewers = 200,
                .storage_bytes = 25 * kGiB, .recording = true, .api_access = true,
                .custom_branding = false, .sso = false, .audit_logs = false,
                .analytics = "advanced", .support = "chat", .price_usd_month = 149}},
    {PlanId::kBusiness, "business", "Business",
     PlanLimits{.workspaces = 10, .rooms = 50, .hosts = 10, .viewers = 1000,
                .storage_bytes = 100 * kGiB, .recording = true, .api_access = true,
                .custom_branding = true, .sso = true, .audit_logs = true,
                .analytics = "full", .support = "phone", .price_usd_month = 449}},
    {PlanId::kEnterprise, "enterprise", "Enterprise",
     PlanLimits{.workspaces = kUnlimited, .rooms = kUnlimited, .hosts = kUnlimited,
                .viewers = kUnlimited, .storage_bytes = kTiB, .recording = true,
                .api_access = true, .custom_branding = true, .sso = true, .audit_logs = true,
                .analytics = "full", .support = "dedicated", .price_usd_month = 0}},
}};

constexpr bool PlanOrderMatches() {
  for (std::size_t i = 0; i < kPlans.size(); ++i) {
    if (static_cast<std::size_t>(kPlans[i].id) != i) {
      return false;
    }
  }
  return true;
}
static_assert(PlanOrderMatches(), "kPlans is indexed by PlanId");

Json LimitJson(const std::optional<int64_t>& limit) {
  return limit ? Json(*limit) : Json(nullptr);
}

bool Over(const std::optional<int64_t>& limit, int64_t used) { return limit && used > *limit; }

}  // namespace

const Plan& GetPlan(PlanId id) {
  auto index = static_cast<std::size_t>(id);
  // An out-of-range value can only come from a cast bug; the smallest plan is the safe answer.
  return index < kPlans.size() ? kPlans[index] : kPlans[0];
}

std::optional<PlanId> ParsePlan(std::string_view name) {
  for (const Plan& plan : kPlans) {
    if (plan.name == name) {
      return plan.id;
    }
  }
  return std::nullopt;
}

const std::array<Plan, 4>& AllPlans() { return kPlans; }

Json PlanToJson(const Plan& plan) {
  const PlanLimits& l = plan.limits;
  return Json{
      {"id", plan.name},
      {"name", plan.name},
      {"displayName", plan.display_name},
      // Enterprise is priced per contract ("Custom" in the blueprint).
      {"priceUsdMonth", l.price_usd_month > 0 ? Json(l.price_usd_month) : Json(nullptr)},
      {"limits",
       {{"workspaces", LimitJson(l.workspaces)},
        {"rooms", LimitJson(l.rooms)},
        {"hosts", LimitJson(l.hosts)},
        {"viewers", LimitJson(l.viewers)},
        {"storageBytes", LimitJson(l.storage_bytes)}}},
      {"features",
       {{"recording", l.recording},
        {"analytics", l.analytics},
        {"apiAccess", l.api_access},
        {"customBranding", l.custom_branding},
        {"sso", l.sso},
        {"auditLogs", l.audit_logs},
        {"support", l.support}}},
  };
}

std::vector<std::string> LimitsExceeded(const PlanLimits& limits, const Usage& usage) {
  std::vector<std::string> exceeded;
  if (Over(limits.workspaces, usage.workspaces)) {
    exceeded.emplace_back("workspaces");
  }
  if (Over(limits.rooms, usage.rooms)) {
    exceeded.emplace_back("rooms");
  }
  if (Over(limits.hosts, usage.hosts)) {
    exceeded.emplace_back("hosts");
  }
  if (Over(limits.storage_bytes, usage.storage_bytes)) {
    exceeded.emplace_back("storage");
  }
  return exceeded;
}

}  // namespace tr::tenancy
