#pragma once
// Who is calling: a local user (our RS256 access token), a Supabase user (HS256/RS256 token
// of the configured project, organization from app_metadata), or an organization API key.
#include <optional>
#include <string>

#include "api/api_context.h"
#include "http/request.h"
#include "store/records.h"
#include "tenancy/permission.h"
#include "tenancy/role.h"

namespace tr::api {

struct Principal {
  enum class Kind { kUser, kExternalUser, kApiKey };
  Kind kind = Kind::kUser;
  std::string user_id;  // empty for API keys
  std::string email;
  // External tokens: the organization and role their issuer vouches for.
  std::string token_organization_id;
  std::string token_organization_role;
  // API keys act for one organization.
  std::string api_key_id;
  std::string api_key_organization_id;

  bool IsUser() const { return kind != Kind::kApiKey; }
  std::string ActorId() const { return IsUser() ? user_id : api_key_id; }
  store::Scope Scope() const;
};

// Reads `Authorization: Bearer ...`, verifies it and applies the per-user API rate limit.
// Throws ApiError 401 (unauthorized) or 429 (rate_limited).
Principal Authenticate(ApiContext& ctx, const http::Request& request);

// The caller's role in `org_id`, or nullopt when not a member.
std::optional<tenancy::Role> RoleIn(ApiContext& ctx, const Principal& principal,
                                    const std::string& org_id);
// Member or 404 (a stranger learns nothing about other tenants).
tenancy::Role RequireMember(ApiContext& ctx, const Principal& principal, const std::string& org_id);
// 403 forbidden with details.permission when the role lacks it.
void RequirePermission(tenancy::Role role, tenancy::Permission permission);
// 429 with Retry-After when `key` is over `limit`.
void EnforceRateLimit(ApiContext& ctx, const std::string& key, const tenancy::RateLimit& limit);
// Users only (API keys cannot sign up to organizations, accept invitations, ...).
void RequireUser(const Principal& principal);

}  // namespace tr::api
