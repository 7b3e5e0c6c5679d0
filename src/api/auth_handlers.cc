// Sign-up, login, refresh (rotating), logout, current user.
#include "api/handler_support.h"
#include "api/render.h"
#include "api/routes.h"
#include "auth/password_hasher.h"
#include "common/digest.h"
#include "common/error.h"
#include "common/random.h"
#include "common/time.h"

namespace tr::api {
namespace {

// Chooses the organization the access token names: the requested one if the user belongs
// to it, else the default (most recently created or joined), else the first membership.
std::pair<std::string, std::string> TokenOrganization(ApiContext& ctx, const store::UserRecord& user,
                                                      const std::string& requested) {
  auto orgs = ctx.store->ListOrganizationsForUser(user.id);
  if (!requested.empty()) {
    for (auto& [org, role] : orgs) {
      if (org.id == requested) return {org.id, role};
    }
    throw ApiError::NotFound("organization");
  }
  for (auto& [org, role] : orgs) {
    if (org.id == user.default_organization_id) return {org.id, role};
  }
  if (!orgs.empty()) return {orgs.back().first.id, orgs.back().second};
  return {};
}

Json IssueTokens(ApiContext& ctx, const store::UserRecord& user, const std::string& family_id,
                 const std::string& requested_org) {
  int64_t now = NowUnixSeconds();
  auto [org_id, org_role] = TokenOrganization(ctx, user, requested_org);
  auth::Claims claims;
  claims.sub = user.id;
  claims.email = user.email;
  claims.role = "authenticated";
  claims.organization_id = org_id;
  claims.organization_role = org_role;
  claims.iss = ctx.config.issuer;
  claims.iat = now;
  claims.exp = now + ctx.config.access_token_ttl;
  std::string access = ctx.signing_key->Sign(auth::ClaimsToPayload(claims));

  std::string refresh = RandomToken(32);
  store::RefreshTokenRecord record;
  record.id = NewId("rt");
  record.user_id = user.id;
  record.family_id = family_id.empty() ? NewId("rtf") : family_id;
  record.token_hash = Sha256Hex(refresh);
  record.organization_id = org_id;
  record.created_at = now;
  record.expires_at = now + ctx.config.refresh_token_ttl;
  ctx.store->InsertRefreshToken(record);
  return {{"accessToken", access},
          {"refreshToken", refresh},
          {"expiresIn", ctx.config.access_token_ttl},
          {"tokenType", "Bearer"},
          {"user", RenderUser(user)}};
}

// A fixed Argon2id hash so that a login for an unknown email costs as much as a real one.
const std::string& DummyHash() {
  static const std::string hash = auth::HashPassword(RandomToken(16));
  return hash;
}

}  // namespace

void RegisterAuthRoutes(http::Router& router, ApiContext& ctx) {
  router.Add("POST", "/api/v1/auth/signup", [&ctx](http::Request& req) {
    EnforceRateLimit(ctx, "auth:" + req.remote_ip, ctx.config.rate_limits.auth);
    Json body = Body(req);
    std::string email = RequireEmail(body, "email");
    std::string password = RequireString(body, "password", {8, 128});
    std::string name = RequireString(body, "displayName", {1, 100});
    store::UserRecord user;
    user.id = NewId("usr");
    user.email = email;
    user.display_name = name;
    user.password_hash = auth::HashPassword(password);
    user.created_at = NowUnixSeconds();
    ctx.store->CreateUser(user);
    return Created(IssueTokens(ctx, user, "", ""));
  });

  router.Add("POST", "/api/v1/auth/login", [&ctx](http::Request& req) {
    EnforceRateLimit(ctx, "auth:" + req.remote_ip, ctx.config.rate_limits.auth);
    Json body = Body(req);
    std::string email = RequireEmail(body, "email");
    std::string password = RequireString(body, "password", {1, 128});
    auto user = ctx.store->FindUserByEmail(email);
    bool ok = user && !user->password_hash.empty() &&
              auth::VerifyPassword(user->password_hash, password);
    if (!user) auth::VerifyPassword(DummyHash(), password);
    if (!ok) throw ApiError(401, "invalid_credentials", "email or password is wrong");
    return Ok(IssueTokens(ctx, *user, "", ""));
  });

  router.Add("POST", "/api/v1/auth/refresh", [&ctx](http::Request& req) {
    EnforceRateLimit(ctx, "auth:" + req.remote_ip, ctx.config.rate_limits.auth);
    Json body = Body(req);
    std::string token = RequireString(body, "refreshToken", {1, 512});
    std::string org = OptionalString(body, "organizationId", {1, 64}).value_or("");
    int64_t now = NowUnixSeconds();
    auto record = ctx.store->FindRefreshToken(Sha256Hex(token));
    if (!record) throw ApiError(401, "invalid_refresh_token", "refresh token is not valid");
    if (record->revoked_at != 0 || record->used_at != 0) {
      // A used token presented again means it leaked: end the whole session family.
      ctx.store->RevokeRefreshFamily(record->family_id, now);
      throw ApiError(401, "invalid_refresh_token", "refresh token was already used or revoked");
    }
    if (record->expires_at <= now) {
      throw ApiError(401, "invalid_refresh_token", "refresh token has expired");
    }
    // Check the requested organization before rotating, so a refused switch leaves the
    // refresh token usable.
    if (!org.empty() && !ctx.store->MemberRole(org, record->user_id)) {
      throw ApiError::NotFound("organization");
    }
    if (!ctx.store->ConsumeRefreshToken(record->id, now)) {
      ctx.store->RevokeRefreshFamily(record->family_id, now);
      throw ApiError(401, "invalid_refresh_token", "refresh token was already used");
    }
    auto user = ctx.store->FindUserById(record->user_id);
    if (!user) throw ApiError(401, "invalid_refresh_token", "account no longer exists");
    return Ok(IssueTokens(ctx, *user, record->family_id, org));
  });

  router.Add("POST", "/api/v1/auth/logout", [&ctx](http::Request& req) {
    Json body = Body(req);
    std::string token = RequireString(body, "refreshToken", {1, 512});
    if (auto record = ctx.store->FindRefreshToken(Sha256Hex(token))) {
      ctx.store->RevokeRefreshFamily(record->family_id, NowUnixSeconds());
    }
    return http::Response::NoContent();
  });

  router.Add("GET", "/api/v1/me", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    RequireUser(p);
    auto user = ctx.store->FindUserById(p.user_id);
    if (!user) throw ApiError::Unauthorized("account no longer exists");
    Json orgs = Json::array();
    for (auto& [org, role] : ctx.store->ListOrganizationsForUser(p.user_id)) {
      orgs.push_back(RenderOrganization(org, role));
    }
    return Ok({{"user", RenderUser(*user)}, {"organizations", orgs}});
  });
}

}  // namespace tr::api
