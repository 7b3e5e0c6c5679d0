// GET /health, /ready, /.well-known/jwks.json
#include "api/handler_support.h"
#include "api/routes.h"

namespace tr::api {

void RegisterSystemRoutes(http::Router& router, ApiContext& ctx) {
  router.Add("GET", "/health", [](http::Request&) { return Ok({{"status", "ok"}}); });

  router.Add("GET", "/ready", [&ctx](http::Request&) {
    bool db = ctx.store->Ping();
    int version = db ? ctx.store->SchemaVersion() : 0;
    int latest = ctx.store->LatestSchemaVersion();
    bool ready = db && version == latest;
    return http::Response::JsonBody(ready ? 200 : 503,
                                    {{"status", ready ? "ready" : "not_ready"},
                                     {"database", db ? "ok" : "unreachable"},
                                     {"migrations", version},
                                     {"latestMigration", latest}});
  });

  router.Add("GET", "/.well-known/jwks.json", [&ctx](http::Request&) {
    auto response = Ok(ctx.signing_key->Jwks());
    response.WithHeader("Cache-Control", "public, max-age=300");
    return response;
  });
}

}  // namespace tr::api
