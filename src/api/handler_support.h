#pragma once
// Small helpers shared by the REST handlers.
#include <string>

#include "api/api_context.h"
#include "api/body.h"
#include "api/principal.h"
#include "common/json.h"
#include "http/request.h"
#include "http/response.h"
#include "store/records.h"
#include "tenancy/plan.h"

namespace tr::api {

inline Json Body(const http::Request& request) { return ParseJsonObject(request.body); }

inline store::PageRequest PageOf(const http::Request& request) {
  ListParams p = ParseListParams(request.QueryParam("limit"), request.QueryParam("cursor"));
  return {p.limit, p.after};
}

inline http::Response Ok(const Json& value) { return http::Response::JsonBody(200, value); }
inline http::Response Created(const Json& value) { return http::Response::JsonBody(201, value); }

// Appends to the organization's audit log: who (principal), what (action, target), when,
// and from where (IP, user agent, request id).
void Audit(ApiContext& ctx, const http::Request& request, const Principal& principal,
           const std::string& org_id, const std::string& action, const std::string& target_type,
           const std::string& target_id, const Json& details = Json::object());

// The plan of an organization (404 when it does not exist).
const tenancy::Plan& PlanOf(ApiContext& ctx, const Principal& principal, const std::string& org_id);

// 402 `<what>_limit_exceeded` with details {limit, max, current, plan}.
[[noreturn]] void ThrowLimitExceeded(const std::string& what, int64_t max, int64_t current,
                                     const tenancy::Plan& plan);

// 403 plan_feature_unavailable unless `enabled`.
void RequireFeature(bool enabled, const std::string& feature, const tenancy::Plan& plan);

}  // namespace tr::api
