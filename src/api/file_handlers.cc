// Room files: raw-body uploads kept in the blob store, counted against the plan's storage.
#include "api/handler_support.h"
#include "api/render.h"
#include "api/routes.h"
#include "common/error.h"
#include "common/random.h"
#include "common/time.h"

namespace tr::api {
namespace {

std::string SafeFileName(const std::string& name) {
  std::string out;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || c == '/' || c == '\\' || c == '"' ? '_' : c);
  }
  return out;
}

}  // namespace

void RegisterFileRoutes(http::Router& router, ApiContext& ctx) {
  router.Add("POST", "/api/v1/rooms/{roomId}/files", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    auto room = ctx.store->FindRoom(p.Scope(), std::string(req.PathParam("roomId")));
    if (!room) throw ApiError::NotFound("room");
    auto role = RequireMember(ctx, p, room->organization_id);
    RequirePermission(role, tenancy::Permission::kUploadFiles);
    EnforceRateLimit(ctx, "upload:" + p.ActorId(), ctx.config.rate_limits.upload);
    Json query = Json::object();
    if (auto name = req.QueryParam("name")) query["name"] = *name;
    std::string name = SafeFileName(RequireString(query, "name", {1, 200}));
    if (req.body.empty()) {
      throw ApiError(400, "validation_failed", "the file is empty", Json{{"field", "body"}});
    }
    auto limit_guard = ctx.limit_locks.Lock(room->organization_id);
    const auto& plan = PlanOf(ctx, p, room->organization_id);
    auto usage = ctx.store->Usage(room->organization_id);
    int64_t size = static_cast<int64_t>(req.body.size());
    if (plan.limits.storage_bytes && usage.storage_bytes + size > *plan.limits.storage_bytes) {
      ThrowLimitExceeded("storage", *plan.limits.storage_bytes, usage.storage_bytes, plan);
    }
    std::string content_type(req.Header("content-type"));
    if (content_type.empty() || content_type.size() > 100) content_type = "application/octet-stream";
    store::FileRecord file;
    file.id = NewId("file");
    file.organization_id = room->organization_id;
    file.room_id = room->id;
    file.name = name;
    file.content_type = content_type;
    file.size_bytes = size;
    file.blob_key = room->organization_id + "/" + file.id;
    file.uploaded_by = p.ActorId();
    file.created_at = NowUnixSeconds();
    ctx.blobs->Put(file.blob_key, req.body);
    ctx.store->CreateFile(file);
    Audit(ctx, req, p, file.organization_id, "file.uploaded", "file", file.id,
          {{"name", name}, {"roomId", room->id}, {"sizeBytes", size}});
    Json rendered = RenderFile(file);
    if (ctx.notify_room) ctx.notify_room(file.room_id, "file-added", rendered);
    return Created(rendered);
  });

  router.Add("GET", "/api/v1/rooms/{roomId}/files", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    auto room = ctx.store->FindRoom(p.Scope(), std::string(req.PathParam("roomId")));
    if (!room) throw ApiError::NotFound("room");
    RequireMember(ctx, p, room->organization_id);
    return Ok(RenderPage(ctx.store->ListFiles(room->organization_id, room->id, PageOf(req)),
                         RenderFile));
  });

  router.Add("GET", "/api/v1/files/{fileId}", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    auto file = ctx.store->FindFile(p.Scope(), std::string(req.PathParam("fileId")));
    if (!file || !RoleIn(ctx, p, file->organization_id)) throw ApiError::NotFound("file");
    return Ok(RenderFile(*file));
  });

  router.Add("GET", "/api/v1/files/{fileId}/content", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    auto file = ctx.store->FindFile(p.Scope(), std::string(req.PathParam("fileId")));
    if (!file || !RoleIn(ctx, p, file->organization_id)) throw ApiError::NotFound("file");
    http::Response response;
    response.file_path = ctx.blobs->LocalPath(file->blob_key);
    response.content_type = file->content_type;
    response.WithHeader("Content-Disposition", "attachment; filename=\"" + file->name + "\"");
    response.WithHeader("X-Content-Type-Options", "nosniff");
    return response;
  });

  router.Add("DELETE", "/api/v1/files/{fileId}", [&ctx](http::Request& req) {
    Principal p = Authenticate(ctx, req);
    auto file = ctx.store->FindFile(p.Scope(), std::string(req.PathParam("fileId")));
    if (!file) throw ApiError::NotFound("file");
    auto role = RequireMember(ctx, p, file->organization_id);
    bool own = file->uploaded_by == p.ActorId() &&
               tenancy::Allows(role, tenancy::Permission::kUploadFiles);
    if (!own) RequirePermission(role, tenancy::Permission::kManageOrganization);
    ctx.store->DeleteFile(file->organization_id, file->id);
    ctx.blobs->Remove(file->blob_key);
    Audit(ctx, req, p, file->organization_id, "file.deleted", "file", file->id,
          {{"name", file->name}});
    if (ctx.notify_room) {
      ctx.notify_room(file->room_id, "file-deleted", {{"fileId", file->id}, {"roomId", file->room_id}});
    }
    return http::Response::NoContent();
  });
}

}  // namespace tr::api
