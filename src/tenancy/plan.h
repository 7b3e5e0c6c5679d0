#pragma once
// Subscription plans and their limits (blueprint section 4, "STRIPE BILLING PLANS"). Plans
// are data: handlers read limits from here and never compare plan ids.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"

namespace tr::tenancy {

enum class PlanId { kStarter, kProfessional, kBusiness, kEnterprise };

struct PlanLimits {
  // std::nullopt = unlimited.
  std::optional<int64_t> workspaces, rooms, hosts, viewers, storage_bytes;
  bool recording, api_access, custom_branding, sso, audit_logs;
  std::string_view analytics;  // "basic" | "advanced" | "full"
  std::string_view support;    // "email" | "chat" | "phone" | "dedicated"
  int price_usd_month;         // 0 = custom (Enterprise)
};

struct Plan {
  PlanId id;
  std::string_view name;          // "starter", "professional", "business", "enterprise"
  std::string_view display_name;  // "Starter", ...
  PlanLimits limits;
};

const Plan& GetPlan(PlanId id);
std::optional<PlanId> ParsePlan(std::string_view name);
const std::array<Plan, 4>& AllPlans();

// {id, name, displayName, priceUsdMonth,
//  limits: {workspaces, rooms, hosts, viewers, storageBytes},   (null = unlimited)
//  features: {recording, analytics, apiAccess, customBranding, sso, auditLogs, support}}
// `id` and `name` are both the wire name ("starter").
Json PlanToJson(const Plan& plan);

// What an organization currently has, for limit checks and plan changes.
struct Usage {
  int64_t workspaces, rooms, hosts, members, storage_bytes;
};

// Names of the limits that `usage` is over: "workspaces", "rooms", "hosts", "storage", in
// that order. Used to report what a downgrade would violate.
std::vector<std::string> LimitsExceeded(const PlanLimits& limits, const Usage& usage);

}  // namespace tr::tenancy
