#include "api/routes.h"

#include "common/error.h"
#include "common/log.h"

namespace tr::api {

void RegisterRoutes(http::Router& router, ApiContext& ctx) {
  RegisterSystemRoutes(router, ctx);
  RegisterAuthRoutes(router, ctx);
  RegisterOrganizationRoutes(router, ctx);
  RegisterWorkspaceRoutes(router, ctx);
  RegisterRoomRoutes(router, ctx);
  RegisterMemberRoutes(router, ctx);
  RegisterPlanRoutes(router, ctx);
  RegisterApiKeyRoutes(router, ctx);
  RegisterAuditRoutes(router, ctx);
  RegisterFileRoutes(router, ctx);
}

http::Response HandleRequest(const http::Router& router, http::Request& request) {
  try {
    return router.Dispatch(request);
  } catch (const ApiError& e) {
    auto response = http::Response::Error(e.Status(), e.Code(), e.what(), e.Details());
    if (e.RetryAfter() > 0) response.WithHeader("Retry-After", std::to_string(e.RetryAfter()));
    if (e.Status() == 401) response.WithHeader("WWW-Authenticate", "Bearer");
    return response;
  } catch (const std::exception& e) {
    log::Error("api", "request failed",
               {{"request_id", request.request_id}, {"path", request.path}, {"error", e.what()}});
    return http::Response::Error(500, "internal", "internal error; request id " + request.request_id);
  }
}

}  // namespace tr::api
