#include "api/principal.h"

#include "auth/api_key.h"
#include "common/error.h"
#include "common/log.h"
#include "common/time.h"
#include "tenancy/plan.h"

namespace tr::api {
namespace {

std::string_view BearerToken(const http::Request& request) {
  std::string_view header = request.Header("authorization");
  if (header.size() > 7 && (header.substr(0, 7) == "Bearer " || header.substr(0, 7) == "bearer ")) {
    header.remove_prefix(7);
    while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
    return header;
  }
  return request.Header("x-api-key");
}

}  // namespace

store::Scope Principal::Scope() const {
  switch (kind) {
    case Kind::kApiKey: return {"", api_key_organization_id};
    case Kind::kExternalUser: return {user_id, token_organization_id};
    case Kind::kUser: break;
  }
  return {user_id, ""};
}

void EnforceRateLimit(ApiContext& ctx, const std::string& key, const tenancy::RateLimit& limit) {
  auto decision = ctx.rate_limiter.Check(key, limit.limit, limit.window_ms, MonotonicMillis());
  if (!decision.allowed) {
    ApiError error(429, "rate_limited", "too many requests; retry later",
                   Json{{"retryAfter", decision.retry_after_seconds}});
    error.WithRetryAfter(decision.retry_after_seconds);
    throw error;
  }
}

Principal Authenticate(ApiContext& ctx, const http::Request& request) {
  std::string_view raw = BearerToken(request);
  if (raw.empty()) throw ApiError::Unauthorized("missing bearer token");
  if (raw.size() > 8192) throw ApiError::Unauthorized("token too long");
  std::string token(raw);
  int64_t now = NowUnixSeconds();
  Principal principal;

  if (auth::LooksLikeApiKey(token)) {
    auto key = ctx.store->FindApiKeyByHash(auth::HashApiKey(token));
    if (!key || key->revoked_at != 0) throw ApiError::Unauthorized("invalid API key");
    // Keys work only while the organization's plan includes API access.
    auto org = ctx.store->FindOrganization({"", key->organization_id}, key->organization_id);
    auto plan = org ? tenancy::ParsePlan(org->plan) : std::nullopt;
    if (!plan || !tenancy::GetPlan(*plan).limits.api_access) {
      throw ApiError(403, "plan_feature_unavailable",
                     "the organization's plan does not include API access",
                     Json{{"feature", "api_access"}});
    }
    principal.kind = Principal::Kind::kApiKey;
    principal.api_key_id = key->id;
    principal.api_key_organization_id = key->organization_id;
    if (now - key->last_used_at > 60) ctx.store->TouchApiKey(key->id, now);
    log::CurrentContext().user = key->id;
    log::CurrentContext().tenant = key->organization_id;
    EnforceRateLimit(ctx, "api:" + key->id, ctx.config.rate_limits.api);
    return principal;
  }

  auth::TokenCheck check = ctx.tokens->Verify(token, now);
  if (!check.Ok()) {
    throw ApiError::Unauthorized(std::string("invalid token: ") + auth::JwtErrorName(check.error));
  }
  const auth::Claims* claims = &check.claims;
  bool external = check.external;
  if (external) {
    if (claims->email.empty()) throw ApiError::Unauthorized("token has no email");
    auto user = ctx.store->FindOrCreateExternalUser(claims->sub, claims->email, now);
    principal.kind = Principal::Kind::kExternalUser;
    principal.user_id = user.id;
    principal.email = user.email;
    principal.token_organization_id = claims->organization_id;
    principal.token_organization_role = claims->organization_role;
  } else {
    principal.kind = Principal::Kind::kUser;
    principal.user_id = claims->sub;
    principal.email = claims->email;
  }
  log::CurrentContext().user = principal.user_id;
  EnforceRateLimit(ctx, "api:" + principal.user_id, ctx.config.rate_limits.api);
  return principal;
}

std::optional<tenancy::Role> RoleIn(ApiContext& ctx, const Principal& principal,
                                    const std::string& org_id) {
  if (org_id.empty()) return std::nullopt;
  switch (principal.kind) {
    case Principal::Kind::kApiKey:
      // An API key acts as an administrator of its own organization (never its owner).
      if (org_id == principal.api_key_organization_id) return tenancy::Role::kAdmin;  // tenant set
      return std::nullopt;
    case Principal::Kind::kExternalUser:
      if (org_id == principal.token_organization_id) {
        if (auto role = tenancy::ParseRole(principal.token_organization_role)) {
          log::CurrentContext().tenant = org_id;
          return role;
        }
      }
      break;
    case Principal::Kind::kUser:
      break;
  }
  auto role = ctx.store->MemberRole(org_id, principal.user_id);
  if (!role) return std::nullopt;
  log::CurrentContext().tenant = org_id;
  return tenancy::ParseRole(*role);
}

tenancy::Role RequireMember(ApiContext& ctx, const Principal& principal,
                            const std::string& org_id) {
  auto role = RoleIn(ctx, principal, org_id);
  if (!role) throw ApiError::NotFound("organization");
  return *role;
}

void RequirePermission(tenancy::Role role, tenancy::Permission permission) {
  if (!tenancy::Allows(role, permission)) {
    throw ApiError(403, "forbidden",
                   "your role (" + std::string(tenancy::RoleName(role)) + ") may not " +
                       std::string(tenancy::PermissionName(permission)),
                   Json{{"permission", tenancy::PermissionName(permission)},
                        {"role", tenancy::RoleName(role)}});
  }
}

void RequireUser(const Principal& principal) {
  if (!principal.IsUser()) {
    throw ApiError(403, "forbidden", "this action needs a signed-in user, not an API key");
  }
}

}  // namespace tr::api
