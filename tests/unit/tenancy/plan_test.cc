#include "tenancy/plan.h"

#include <gtest/gtest.h>

#include <optional>

namespace tr::tenancy {
namespace {

constexpr int64_t kGiB = int64_t{1024} * 1024 * 1024;

// Blueprint section 4, retyped independently of plan.cc.
struct ExpectedPlan {
  PlanId id;
  const char* name;
  const char* display_name;
  int price;
  std::optional<int64_t> workspaces, rooms, hosts, viewers, storage;
  bool recording;
  const char* analytics;
  const char* support;
  bool api_access, custom_branding, sso, audit_logs;
};

const ExpectedPlan kExpected[] = {
    {PlanId::kStarter, "starter", "Starter", 49, 1, 3, 1, 50, 5 * kGiB, false, "basic", "email",
     false, false, false, false},
    {PlanId::kProfessional, "professional", "Professional", 149, 3, 10, 3, 200, 25 * kGiB, true,
     "advanced", "chat", true, false, false, false},
    {PlanId::kBusiness, "business", "Business", 449, 10, 50, 10, 1000, 100 * kGiB, true, "full",
     "phone", true, true, true, true},
    {PlanId::kEnterprise, "enterprise", "Enterprise", 0, std::nullopt, std::nullopt, std::nullopt,
     std::nullopt, 1024 * kGiB, true, "full", "dedicated", true, true, true, true},
};

TEST(PlanTest, EveryPlanMatchesTheBlueprint) {
  ASSERT_EQ(AllPlans().size(), std::size(kExpected));
  for (std::size_t i = 0; i < std::size(kExpected); ++i) {
    const ExpectedPlan& want = kExpected[i];
    SCOPED_TRACE(want.name);
    const Plan& plan = GetPlan(want.id);
    EXPECT_EQ(&plan, &AllPlans()[i]);
    EXPECT_EQ(plan.id, want.id);
    EXPECT_EQ(plan.name, want.name);
    EXPECT_EQ(plan.display_name, want.display_name);
    const PlanLimits& l = plan.limits;
    EXPECT_EQ(l.price_usd_month, want.price);
    EXPECT_EQ(l.workspaces, want.workspaces);
    EXPECT_EQ(l.rooms, want.rooms);
    EXPECT_EQ(l.hosts, want.hosts);
    EXPECT_EQ(l.viewers, want.viewers);
    EXPECT_EQ(l.storage_bytes, want.storage);
    EXPECT_EQ(l.recording, want.recording);
    EXPECT_EQ(l.analytics, want.analytics);
    EXPECT_EQ(l.support, want.support);
    EXPECT_EQ(l.api_access, want.api_access);
    EXPECT_EQ(l.custom_branding, want.custom_branding);
    EXPECT_EQ(l.sso, want.sso);
    EXPECT_EQ(l.audit_logs, want.audit_logs);
  }
}

TEST(PlanTest, ParsePlan) {
  for (const Plan& plan : AllPlans()) {
    EXPECT_EQ(ParsePlan(plan.name), plan.id);
  }
  for (const char* name : {"", "Starter", "pro", "free", "enterprise "}) {
    EXPECT_FALSE(ParsePlan(name).has_value()) << name;
  }
}

TEST(PlanTest, JsonOfALimitedPlan) {
  EXPECT_EQ(PlanToJson(GetPlan(PlanId::kStarter)), Json::parse(R"({
    "id": "starter", "name": "starter", "displayName": "Starter", "priceUsdMonth": 49,
    "limits": {"workspaces": 1, "rooms": 3, "hosts": 1, "viewers": 50,
               "storageBytes": 5368709120},
    "features": {"recording": false, "analytics": "basic", "apiAccess": false,
                 "customBranding": false, "sso": false, "auditLogs": false, "support": "email"}
  })"));
}

TEST(PlanTest, JsonOfEnterpriseUsesNullForUnlimited) {
  EXPECT_EQ(PlanToJson(GetPlan(PlanId::kEnterprise)), Json::parse(R"({
    "id": "enterprise", "name": "enterprise", "displayName": "Enterprise", "priceUsdMonth": null,
    "limits": {"workspaces": null, "rooms": null, "hosts": null, "viewers": null,
               "storageBytes": 1099511627776},
    "features": {"recording": true, "analytics": "full", "apiAccess": true,
                 "customBranding": true, "sso": true, "auditLogs": true, "support": "dedicated"}
  })"));
}

TEST(PlanTest, LimitsExceededReportsOnlyWhatIsOver) {
  const PlanLimits& starter = GetPlan(PlanId::kStarter).limits;
  // At the limit is fine.
  EXPECT_TRUE(LimitsExceeded(starter, Usage{1, 3, 1, 500, 5 * kGiB}).empty());
  EXPECT_TRUE(LimitsExceeded(starter, Usage{0, 0, 0, 0, 0}).empty());
  EXPECT_EQ(LimitsExceeded(starter, Usage{2, 3, 1, 0, 0}),
            (std::vector<std::string>{"workspaces"}));
  EXPECT_EQ(LimitsExceeded(starter, Usage{1, 4, 1, 0, 0}), (std::vector<std::string>{"rooms"}));
  EXPECT_EQ(LimitsExceeded(starter, Usage{1, 3, 2, 0, 0}), (std::vector<std::string>{"hosts"}));
  EXPECT_EQ(LimitsExceeded(starter, Usage{1, 3, 1, 0, 5 * kGiB + 1}),
            (std::vector<std::string>{"storage"}));
  // Members are not a plan limit.
  EXPECT_TRUE(LimitsExceeded(starter, Usage{1, 3, 1, 100000, 0}).empty());

  // A Business organization downgrading to Starter.
  Usage business_usage{5, 20, 4, 30, 50 * kGiB};
  EXPECT_TRUE(LimitsExceeded(GetPlan(PlanId::kBusiness).limits, business_usage).empty());
  EXPECT_EQ(LimitsExceeded(starter, business_usage),
            (std::vector<std::string>{"workspaces", "rooms", "hosts", "storage"}));
  EXPECT_EQ(LimitsExceeded(GetPlan(PlanId::kProfessional).limits, business_usage),
            (std::vector<std::string>{"workspaces", "rooms", "hosts", "storage"}));
}

TEST(PlanTest, UnlimitedNeverExceeded) {
  const PlanLimits& enterprise = GetPlan(PlanId::kEnterprise).limits;
  EXPECT_TRUE(LimitsExceeded(enterprise, Usage{1000000, 1000000, 1000000, 1000000, 1024 * kGiB})
                  .empty());
  EXPECT_EQ(LimitsExceeded(enterprise, Usage{0, 0, 0, 0, 1024 * kGiB + 1}),
            (std::vector<std::string>{"storage"}));
}

}  // namespace
}  // namespace tr::tenancy
