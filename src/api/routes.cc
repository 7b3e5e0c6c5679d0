#include "api/routes.h"

#include "common/error.h"
#include "common/log.h"
#include "common/time.h"

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

namespace {

http::Response Dispatch(const http::Router& router, http::Request& request) {
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

}  // namespace

http::Response HandleRequest(const http::Router& router, http::Request& request) {
  log::ScopedContext context(request.request_id);
  int64_t started_us = MonotonicMicros();
  http::Response response = Dispatch(router, request);
  // The access log: one line per request, with user and tenant once authentication and
  // membership checks have named them.
  if (log::Enabled(log::Level::kInfo)) {
    log::Info("http", "request",
              {{"method", request.method},
               {"path", request.path},
               {"status", response.status},
               {"us", MonotonicMicros() - started_us},
               {"ip", request.remote_ip}});
  }
  return response;
}

}  // namespace tr::api
