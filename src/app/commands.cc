#include "app/commands.h"

#include <utility>

#include <boost/asio/thread_pool.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <unistd.h>

#include "api/api_context.h"
#include "api/routes.h"
#include "auth/password_hasher.h"
#include "blobs/local_blob_store.h"
#include "common/error.h"
#include "common/log.h"
#include "common/random.h"
#include "common/time.h"
#include "http/router.h"
#include "http/server.h"
#include "http/static_files.h"
#include "mail/smtp_client.h"
#include "media/sfu/sfu.h"
#include "signaling/hub.h"
#include "store/sqlite/sqlite_store.h"
#include "tenancy/plan.h"

namespace tr::app {
namespace {

// The name signaling reports as `sfuNode`.
std::string NodeName() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "sfu-local";
  return host;
}

int Cores() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 2 : static_cast<int>(n);
}

std::filesystem::path DatabasePath(const Config& config) {
  return std::filesystem::path(config.data_dir) / "tradingroom.db";
}

std::unique_ptr<store::sqlite::SqliteStore> OpenStore(const Config& config, int pool_size) {
  std::filesystem::create_directories(config.data_dir);
  auto store = std::make_unique<store::sqlite::SqliteStore>(DatabasePath(config), pool_size);
  int applied = store->Migrate();
  if (applied > 0) {
    log::Info("store", "migrations applied",
              {{"applied", applied}, {"version", store->SchemaVersion()}});
  }
  return store;
}

void ApplyLogLevel(const Config& config) {
  log::Level level;
  if (log::ParseLevel(config.log_level, &level)) log::SetLevel(level);
}

// Where the built web client is: the configured folder, else web/dist beside the working
// directory or the binary's source checkout.
std::filesystem::path FindWebRoot(const Config& config) {
  if (!config.web_root.empty()) return config.web_root;
  std::error_code ec;
  for (auto candidate : {std::filesystem::path("web/dist"),
                         std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() /
                             "../../../web/dist"}) {
    if (std::filesystem::is_regular_file(candidate / "index.html", ec)) return candidate;
  }
  return {};
}

// Our own RS256 tokens, plus a configured Supabase project's tokens (HS256 secret and/or
// JWKS file, issuer and audience checked).
std::unique_ptr<auth::TokenVerifier> MakeTokenVerifier(const Config& config,
                                                       const auth::SigningKey& key) {
  auth::JwtVerifier internal({config.jwt_issuer, "", 30});
  internal.AddRsaKey(key);
  std::optional<auth::JwtVerifier> supabase;
  if (!config.supabase_jwt_secret.empty() || !config.supabase_jwks_file.empty()) {
    supabase.emplace(auth::JwtVerifierOptions{config.supabase_issuer, config.supabase_audience, 30});
    if (!config.supabase_jwt_secret.empty()) supabase->SetHs256Secret(config.supabase_jwt_secret);
    if (!config.supabase_jwks_file.empty()) {
      std::ifstream in(config.supabase_jwks_file);
      if (!in) throw ConfigError("cannot read supabase-jwks-file " + config.supabase_jwks_file);
      Json jwks = Json::parse(in, nullptr, false);
      if (jwks.is_discarded()) throw ConfigError("supabase-jwks-file is not JSON");
      try {
        supabase->AddJwks(jwks);
      } catch (const std::exception& e) {
        throw ConfigError(std::string("supabase-jwks-file: ") + e.what());
      }
    }
  }
  return std::make_unique<auth::TokenVerifier>(std::move(internal), std::move(supabase));
}

void ConfigureApi(api::ApiContext& ctx, const Config& config) {
  ctx.config.public_url = config.public_url;
  ctx.config.issuer = config.jwt_issuer;
  ctx.config.access_token_ttl = config.access_token_ttl;
  ctx.config.refresh_token_ttl = config.refresh_token_ttl;
  ctx.config.max_upload_bytes = static_cast<std::size_t>(config.max_upload_bytes);
  ctx.config.rate_limits.auth = {config.rate_limit_auth, 60000};
  ctx.config.rate_limits.api = {config.rate_limit_api, 60000};
  ctx.config.rate_limits.websocket = {config.rate_limit_ws, 60000};
  ctx.config.rate_limits.transport = {config.rate_limit_transport, 60000};
  ctx.config.rate_limits.upload = {config.rate_limit_upload, 3600000};

  if (!config.smtp_url.empty()) {
    auto smtp = mail::ParseSmtpUrl(config.smtp_url, config.smtp_from);
    ctx.send_mail = [smtp](const std::string& to, const std::string& subject,
                           const std::string& body) { mail::SendMail(smtp, to, subject, body); };
  }
}

}  // namespace

int RunServe(const Config& config) {
  ApplyLogLevel(config);
  int db_threads = config.db_threads;
  int io_threads = config.http_threads > 0 ? config.http_threads : Cores();
  auto store = OpenStore(config, db_threads + 2);
  auto key = auth::SigningKey::LoadOrCreate(std::filesystem::path(config.data_dir) / "keys" /
                                            "jwt-signing-key.pem");
  blobs::LocalBlobStore blobs(std::filesystem::path(config.data_dir) / "blobs");

  auto tokens = MakeTokenVerifier(config, key);
  api::ApiContext ctx;
  ctx.store = store.get();
  ctx.signing_key = &key;
  ctx.tokens = tokens.get();
  ctx.blobs = &blobs;
  ConfigureApi(ctx, config);

  // Media plane first: a port that cannot be bound stops the start-up with a clear error.
  media::SfuOptions sfu_options;
  sfu_options.workers = config.media_workers > 0 ? config.media_workers : Cores();
  sfu_options.announced_ip = config.announced_ip;
  sfu_options.port_min = static_cast<uint16_t>(config.rtc_port_min);
  sfu_options.port_max = static_cast<uint16_t>(config.rtc_port_max);
  auto sfu = media::CreateSfu(sfu_options);

  signaling::HubOptions hub_options;
  hub_options.node_name = NodeName();
  hub_options.websocket_limit = ctx.config.rate_limits.websocket;
  hub_options.transport_limit = ctx.config.rate_limits.transport;
  hub_options.test_hooks = config.test_hooks;
  hub_options.reconnect_grace_ms = config.reconnect_grace_ms;
  signaling::SignalingHub hub(hub_options, *store, *tokens, *sfu);
  ctx.live_viewers = [&hub](const std::string& room_id) { return hub.LiveViewers(room_id); };
  ctx.notify_room = [&hub](const std::string& room_id, const std::string& event, const Json& data) {
    hub.NotifyRoom(room_id, event, data);
  };
  sfu->Start();
  hub.Start();

  http::Router router;
  api::RegisterRoutes(router, ctx);
  http::StaticFiles web(FindWebRoot(config));

  boost::asio::thread_pool blocking_pool(static_cast<std::size_t>(db_threads));
  http::ServerOptions options;
  options.bind = config.bind;
  options.port = static_cast<uint16_t>(config.port);
  options.io_threads = io_threads;
  options.max_body_bytes = static_cast<std::size_t>(config.max_body_bytes);
  options.trust_proxy = config.trust_proxy;
  std::size_t max_body = options.max_body_bytes;
  std::size_t max_upload = static_cast<std::size_t>(config.max_upload_bytes);
  options.body_limit_for = [max_body, max_upload](std::string_view method, std::string_view path) {
    bool upload = method == "POST" && path.size() > 6 && path.substr(path.size() - 6) == "/files";
    return upload ? max_upload : max_body;
  };

  http::Server server(
      options,
      [&router, &web](http::Request& request) {
        http::Response response = api::HandleRequest(router, request);
        if (response.status == 404 && web.Enabled() && request.path.rfind("/api/", 0) != 0) {
          if (auto file = web.Serve(request)) return std::move(*file);
        }
        return response;
      },
      blocking_pool);
  server.SetWebSocketHandler("/ws", [&hub](const http::Request& request,
                                           std::shared_ptr<http::WebSocketConnection> conn) {
    return hub.Accept(request, std::move(conn));
  });
  server.StopOnSignals([&hub] { hub.Stop(); });
  server.Listen();
  log::Info("app", "listening",
            {{"url", "http://localhost:" + std::to_string(server.Port())},
             {"bind", config.bind},
             {"port", server.Port()},
             {"data_dir", config.data_dir},
             {"web", web.Enabled()},
             {"io_threads", io_threads},
             {"db_threads", db_threads},
             {"media_workers", sfu_options.workers},
             {"rtc_ports", std::to_string(config.rtc_port_min) + "-" +
                               std::to_string(config.rtc_port_min + sfu_options.workers - 1)},
             {"announced_ip", config.announced_ip}});
  server.Run();
  hub.Stop();
  sfu->Stop();
  blocking_pool.join();
  store->Close();
  log::Info("app", "stopped cleanly");
  return 0;
}

int RunMigrate(const Config& config) {
  ApplyLogLevel(config);
  auto store = OpenStore(config, 1);
  std::cout << Json{{"database", DatabasePath(config).string()},
                    {"schemaVersion", store->SchemaVersion()}}
                   .dump()
            << "\n";
  return 0;
}

int RunAdmin(const std::string& action, const Config& config,
             const std::map<std::string, std::string>& args) {
  ApplyLogLevel(config);
  auto arg = [&args](const char* name) -> std::string {
    auto it = args.find(name);
    if (it == args.end() || it->second.empty()) {
      throw ConfigError(std::string("--") + name + " is required");
    }
    return it->second;
  };
  auto store = OpenStore(config, 1);
  int64_t now = NowUnixSeconds();
  if (action == "create-user") {
    store::UserRecord user;
    user.id = NewId("usr");
    user.email = arg("email");
    for (char& c : user.email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string password = arg("password");
    if (password.size() < 8) throw ConfigError("--password must have at least 8 characters");
    user.display_name = args.count("display-name") ? args.at("display-name") : user.email;
    user.password_hash = auth::HashPassword(password);
    user.created_at = now;
    try {
      store->CreateUser(user);
    } catch (const ApiError& e) {
      std::cerr << "error: " << e.what() << "\n";
      return 1;
    }
    std::cout << Json{{"id", user.id}, {"email", user.email}, {"displayName", user.display_name}}
                     .dump()
              << "\n";
    return 0;
  }
  if (action == "create-org") {
    std::string name = arg("name");
    auto owner = store->FindUserByEmail(arg("owner-email"));
    if (!owner) {
      std::cerr << "error: no user with that email; run admin create-user first\n";
      return 1;
    }
    std::string plan = args.count("plan") ? args.at("plan") : "starter";
    if (!tenancy::ParsePlan(plan)) throw ConfigError("--plan: unknown plan " + plan);
    store::OrganizationRecord org;
    org.id = NewId("org");
    org.name = name;
    org.slug = RandomAlnum(6) + "-" + org.id.substr(4, 6);
    org.owner_id = owner->id;
    org.plan = plan;
    org.created_at = now;
    org.updated_at = now;
    store->CreateOrganization(org, now);
    store->SetDefaultOrganization(owner->id, org.id);
    store::AuditRecord audit;
    audit.organization_id = org.id;
    audit.actor_email = "admin-cli";
    audit.action = "organization.created";
    audit.target_type = "organization";
    audit.target_id = org.id;
    audit.details_json = Json{{"name", name}, {"plan", plan}, {"via", "admin create-org"}}.dump();
    audit.created_at = now;
    store->AppendAudit(audit);
    std::cout << Json{{"id", org.id}, {"name", name}, {"plan", plan}, {"ownerId", owner->id}}.dump()
              << "\n";
    return 0;
  }
  throw ConfigError("unknown admin action '" + action + "' (create-user, create-org)");
}

int RunRoutes() {
  api::ApiContext ctx;
  http::Router router;
  api::RegisterRoutes(router, ctx);
  for (const auto& line : router.RouteList()) std::cout << line << "\n";
  return 0;
}

}  // namespace tr::app
