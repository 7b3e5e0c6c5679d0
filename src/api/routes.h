#pragma once
// Registers every REST route of docs/api/openapi.yaml on the router.
#include "api/api_context.h"
#include "http/router.h"

namespace tr::api {

void RegisterRoutes(http::Router& router, ApiContext& ctx);

// Runs the router for one request and turns ApiError and unexpected exceptions into the
// JSON error shape (500s are logged with the request id).
http::Response HandleRequest(const http::Router& router, http::Request& request);

// Per-resource registration, one file each.
void RegisterSystemRoutes(http::Router& router, ApiContext& ctx);
void RegisterAuthRoutes(http::Router& router, ApiContext& ctx);
void RegisterOrganizationRoutes(http::Router& router, ApiContext& ctx);
void RegisterWorkspaceRoutes(http::Router& router, ApiContext& ctx);
void RegisterRoomRoutes(http::Router& router, ApiContext& ctx);
void RegisterMemberRoutes(http::Router& router, ApiContext& ctx);
void RegisterPlanRoutes(http::Router& router, ApiContext& ctx);
void RegisterApiKeyRoutes(http::Router& router, ApiContext& ctx);
void RegisterAuditRoutes(http::Router& router, ApiContext& ctx);
void RegisterFileRoutes(http::Router& router, ApiContext& ctx);

}  // namespace tr::api
