// Rooms: created inside a workspace, listed per workspace or per organization.
#include "api/handler_support.h"
#include "api/render.h"
#include "api/routes.h"
#include "common/error.h"
#include "common/random.h"
#include "common/time.h"

namespace tr::api {
namespace {

std::string StatusFilter(const http::Request& req) {
  auto status = req.QueryParam("status").value_or("");
  if (!status.empty() && status != "idle" && status != "live" && status != "closed") {
    throw ApiError(400, "validation_failed", "status must be idle, live or closed",
                   Json{{"field", "status"}});
  }
  return status;
}

std::pair<store::RoomRecord, tenancy::Role> LoadRoom(ApiContext& ctx, const Principal& p,
                                                     const http::Request& req) {
  auto room = ctx.store->FindRoom(p.Scope(), std::string(req.PathParam("roomId")));
  if (!room) throw ApiError::NotFound("room");
  auto role = RoleIn(ctx, p, room->organization_id);
  if (!role) throw ApiError::NotFound("room");
  return {*room, *role};
}

int Viewers(ApiContext& ctx, const std::string& room_id) {
  return ctx.live_viewers ? ctx.live_viewers(room_id) : 0;
}

}  // namespace

void RegisterRoomRoutes(http::Router& router, ApiContext& ctx) {
  auto render = [&ctx](const store::RoomRecord& r) { return RenderRoom(r, Viewers(ctx, r.id)); };

  router.Add("POST", "/api/v1/workspaces/{workspaceId}/rooms", [&ctx, render](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    auto ws = ctx.store->FindWorkspace(p.Scope(), std::string(req.PathParam("workspaceId")));
    if (!ws) throw ApiError::NotFound("workspace");
    auto role = RequireMember(ctx, p, ws->organization_id);
    Json body = Body(req);
    RequirePermission(role, tenancy::Permission::kCreateRooms);
    std::string name = RequireString(body, "name", {1, 100});
    std::string description = OptionalString(body, "description", {0, 1000}).value_or("");
    auto limit_guard = ctx.limit_locks.Lock(ws->organization_id);
    const auto& plan = PlanOf(ctx, p, ws->organization_id);
    auto usage = ctx.store->Usage(ws->organization_id);
    if (plan.limits.rooms && usage.rooms >= *plan.limits.rooms) {
      ThrowLimitExceeded("room", *plan.limits.rooms, usage.rooms, plan);
    }
    int64_t now = NowUnixSeconds();
    store::RoomRecord room{NewId("room"), ws->organization_id, ws->id, name, description, "idle",
                           p.IsUser() ? p.user_id : "", now, now, 0};
    ctx.store->CreateRoom(room);
    Audit(ctx, req, p, room.organization_id, "room.created", "room", room.id,
          {{"name", name}, {"workspaceId", ws->id}});
    return Created(render(room));
  });

  router.Add("GET", "/api/v1/workspaces/{workspaceId}/rooms", [&ctx, render](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    auto ws = ctx.store->FindWorkspace(p.Scope(), std::string(req.PathParam("workspaceId")));
    if (!ws) throw ApiError::NotFound("workspace");
    RequireMember(ctx, p, ws->organization_id);
    store::Store::RoomFilter filter{ws->id, StatusFilter(req)};
    return Ok(RenderPage(ctx.store->ListRooms(ws->organization_id, filter, PageOf(req)), render));
  });

  router.Add("GET", "/api/v1/organizations/{orgId}/rooms", [&ctx, render](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    std::string org_id(req.PathParam("orgId"));
    RequireMember(ctx, p, org_id);
    store::Store::RoomFilter filter{req.QueryParam("workspaceId").value_or(""), StatusFilter(req)};
    return Ok(RenderPage(ctx.store->ListRooms(org_id, filter, PageOf(req)), render));
  });

  router.Add("GET", "/api/v1/rooms/{roomId}", [&ctx, render](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    auto [room, role] = LoadRoom(ctx, p, req);
    return Ok(render(room));
  });

  router.Add("PATCH", "/api/v1/rooms/{roomId}", [&ctx, render](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    auto [room, role] = LoadRoom(ctx, p, req);
    Json body = Body(req);
    RequirePermission(role, tenancy::Permission::kCreateRooms);
    std::unique_lock<std::mutex> limit_guard;  // taken when reopening needs a room slot
    Json changes = Json::object();
    if (auto name = OptionalString(body, "name", {1, 100})) {
      changes["name"] = {{"from", room.name}, {"to", *name}};
      room.name = *name;
    }
    if (auto description = OptionalString(body, "description", {0, 1000})) {
      room.description = *description;
      changes["description"] = true;
    }
    if (auto status = OptionalString(body, "status", {1, 10})) {
      if (*status != "idle" && *status != "live" && *status != "closed") {
        throw ApiError(400, "validation_failed", "status must be idle, live or closed",
                       Json{{"field", "status"}});
      }
      if (room.status == "closed" && *status != "closed") {
        // Reopening takes a room slot again.
        limit_guard = ctx.limit_locks.Lock(room.organization_id);
        const auto& plan = PlanOf(ctx, p, room.organization_id);
        auto usage = ctx.store->Usage(room.organization_id);
        if (plan.limits.rooms && usage.rooms >= *plan.limits.rooms) {
          ThrowLimitExceeded("room", *plan.limits.rooms, usage.rooms, plan);
        }
      }
      changes["status"] = {{"from", room.status}, {"to", *status}};
      room.status = *status;
    }
    room.updated_at = NowUnixSeconds();
    ctx.store->UpdateRoom(room);
    Audit(ctx, req, p, room.organization_id, "room.updated", "room", room.id, changes);
    return Ok(render(room));
  });

  router.Add("DELETE", "/api/v1/rooms/{roomId}", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    auto [room, role] = LoadRoom(ctx, p, req);
    RequirePermission(role, tenancy::Permission::kCreateRooms);
    ctx.store->DeleteRoom(room.organization_id, room.id);
    Audit(ctx, req, p, room.organization_id, "room.deleted", "room", room.id,
          {{"name", room.name}});
    return http::Response::NoContent();
  });
}

}  // namespace tr::api
