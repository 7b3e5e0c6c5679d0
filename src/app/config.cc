#include "app/config.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <sstream>

#include <toml++/toml.h>

namespace tr::app {
namespace {

struct Option {
  const char* flag;      // "port" → --port, TRADINGROOM_PORT
  const char* toml_key;  // dotted path in the TOML file
  const char* help;
  std::function<void(Config&, const std::string&)> set;
  bool is_switch = false;  // boolean flag that may appear without a value
};

int64_t ParseInt(const std::string& name, const std::string& value, int64_t min, int64_t max) {
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc() || ptr != value.data() + value.size() || out < min || out > max) {
    throw ConfigError(name + ": expected an integer from " + std::to_string(min) + " to " +
                      std::to_string(max) + ", got '" + value + "'");
  }
  return out;
}

bool ParseBool(const std::string& name, const std::string& value) {
  if (value == "1" || value == "true" || value == "yes" || value == "on" || value.empty()) return true;
  if (value == "0" || value == "false" || value == "no" || value == "off") return false;
  throw ConfigError(name + ": expected true or false, got '" + value + "'");
}

#define TR_INT(field, min, max) \
  [](Config& c, const std::string& v) { c.field = static_cast<decltype(c.field)>(ParseInt(#field, v, min, max)); }
#define TR_STR(field) [](Config& c, const std::string& v) { c.field = v; }

const std::vector<Option>& Options() {
  static const std::vector<Option> options = {
      {"config", "", "TOML configuration file (default ./tradingroom.toml when present)",
       TR_STR(config_file)},
      {"port", "port", "HTTP/WebSocket port (default 8080)", TR_INT(port, 0, 65535)},
      {"bind", "bind", "address to listen on (default 0.0.0.0)", TR_STR(bind)},
      {"data-dir", "data_dir", "folder for the database, signing key and blobs (default ./data)",
       TR_STR(data_dir)},
      {"log-level", "log_level", "debug, info, warn or error (default info)",
       [](Config& c, const std::string& v) {
         if (v != "debug" && v != "info" && v != "warn" && v != "error") {
           throw ConfigError("log-level: expected debug, info, warn or error, got '" + v + "'");
         }
         c.log_level = v;
       }},
      {"http-threads", "http_threads", "I/O threads for HTTP/WebSocket (default: cores)",
       TR_INT(http_threads, 0, 256)},
      {"db-threads", "db_threads", "threads running handlers and database calls (default 2)",
       TR_INT(db_threads, 1, 256)},
      {"public-url", "public_url", "base URL of links sent to users (default http://localhost:PORT)",
       TR_STR(public_url)},
      {"web-root", "web_root", "folder with the built web client (default web/dist)",
       TR_STR(web_root)},
      {"access-token-ttl", "access_token_ttl", "access token lifetime in seconds (default 900)",
       TR_INT(access_token_ttl, 30, 86400)},
      {"refresh-token-ttl", "refresh_token_ttl",
       "refresh token lifetime in seconds (default 2592000)",
       TR_INT(refresh_token_ttl, 60, 31536000)},
      {"jwt-issuer", "jwt_issuer", "iss claim of issued tokens (default tradingroom)",
       TR_STR(jwt_issuer)},
      {"supabase-jwt-secret", "supabase.jwt_secret",
       "accept HS256 tokens of a Supabase project signed with this secret",
       TR_STR(supabase_jwt_secret)},
      {"supabase-jwks-file", "supabase.jwks_file",
       "accept RS256 tokens signed by a key of this JWKS file", TR_STR(supabase_jwks_file)},
      {"supabase-issuer", "supabase.issuer", "required iss of Supabase tokens",
       TR_STR(supabase_issuer)},
      {"supabase-audience", "supabase.audience",
       "required aud of Supabase tokens (default authenticated)", TR_STR(supabase_audience)},
      {"rate-limit-auth", "rate_limits.auth", "auth requests per minute per IP (default 5)",
       TR_INT(rate_limit_auth, 1, 1000000)},
      {"rate-limit-api", "rate_limits.api", "API requests per minute per user (default 100)",
       TR_INT(rate_limit_api, 1, 10000000)},
      {"rate-limit-ws", "rate_limits.websocket",
       "WebSocket connections per minute per user (default 10)", TR_INT(rate_limit_ws, 1, 1000000)},
      {"rate-limit-transport", "rate_limits.transport",
       "media transports per minute per room (default 20)",
       TR_INT(rate_limit_transport, 1, 1000000)},
      {"rate-limit-upload", "rate_limits.upload", "uploads per hour per user (default 10)",
       TR_INT(rate_limit_upload, 1, 1000000)},
      {"trust-proxy", "trust_proxy", "take the client IP from X-Forwarded-For (default false)",
       [](Config& c, const std::string& v) { c.trust_proxy = ParseBool("trust-proxy", v); }, true},
      {"max-body-bytes", "max_body_bytes", "JSON body limit in bytes (default 1048576)",
       TR_INT(max_body_bytes, 1024, 1LL << 30)},
      {"max-upload-bytes", "max_upload_bytes", "file upload limit in bytes (default 26214400)",
       TR_INT(max_upload_bytes, 1024, 1LL << 34)},
      {"smtp-url", "smtp.url", "smtp://host:port to email invitations (default: off)",
       TR_STR(smtp_url)},
      {"smtp-from", "smtp.from", "sender address of emails (default no-reply@localhost)",
       TR_STR(smtp_from)},
      {"rtc-port-min", "rtc.port_min", "first UDP/TCP port of the media workers (default 10000; 0 = any free port)",
       TR_INT(rtc_port_min, 0, 65535)},
      {"rtc-port-max", "rtc.port_max", "last UDP/TCP port of the media workers (default 10999)",
       TR_INT(rtc_port_max, 1, 65535)},
      {"announced-ip", "rtc.announced_ip",
       "address put in ICE candidates (default 127.0.0.1)", TR_STR(announced_ip)},
      {"media-workers", "rtc.workers", "media worker threads (default: cores)",
       TR_INT(media_workers, 0, 256)},
      {"reconnect-grace-ms", "signaling.reconnect_grace_ms",
       "how long a participant whose connection dropped stays in its room; rejoining within it is silent for the others (default 10000; 0 = removed at once)",
       TR_INT(reconnect_grace_ms, 0, 600000)},
      {"test-hooks", "test_hooks",
       "accept the `test-network` signaling event that emulates a bad viewer downlink (tests only; default false)",
       [](Config& c, const std::string& v) { c.test_hooks = ParseBool("test-hooks", v); }, true},
  };
  return options;
}

std::string EnvName(const char* flag) {
  std::string name = "TRADINGROOM_";
  for (const char* p = flag; *p; ++p) {
    name.push_back(*p == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(*p))));
  }
  return name;
}

void ApplyToml(Config& config, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << path << ": " << e.description() << " at line " << e.source().begin.line;
    throw ConfigError(msg.str());
  }
  for (const Option& option : Options()) {
    if (!*option.toml_key) continue;
    auto node = table.at_path(option.toml_key);
    if (!node) continue;
    std::string value;
    if (auto s = node.value<std::string>()) value = *s;
    else if (auto i = node.value<int64_t>()) value = std::to_string(*i);
    else if (auto b = node.value<bool>()) value = *b ? "true" : "false";
    else throw ConfigError(path + ": " + option.toml_key + " has an unsupported type");
    option.set(config, value);
  }
}

}  // namespace

Config LoadConfig(const std::vector<std::string>& args, std::map<std::string, std::string>* rest,
                  bool allow_extra) {
  // Flags first into a map so that precedence can be applied in order afterwards.
  std::map<std::string, std::string> flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) throw ConfigError("unexpected argument '" + arg + "'");
    std::string name = arg.substr(2);
    std::string value;
    auto eq = name.find('=');
    bool has_value = eq != std::string::npos;
    if (has_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const Option* option = nullptr;
    for (const Option& o : Options()) {
      if (name == o.flag) option = &o;
    }
    bool is_switch = option && option->is_switch;
    if (!has_value && !is_switch) {
      if (i + 1 >= args.size()) throw ConfigError("--" + name + " needs a value");
      value = args[++i];
    }
    if (option) {
      flags[name] = value;
    } else if (allow_extra && rest) {
      (*rest)[name] = value;
    } else {
      throw ConfigError("unknown option --" + name + " (see --help)");
    }
  }

  Config config;
  std::string file = flags.count("config") ? flags["config"] : "";
  if (file.empty()) {
    if (const char* env = std::getenv("TRADINGROOM_CONFIG")) file = env;
  }
  if (file.empty() && std::filesystem::exists("tradingroom.toml")) file = "tradingroom.toml";
  if (!file.empty()) {
    if (!std::filesystem::exists(file)) throw ConfigError("config file not found: " + file);
    config.config_file = file;
    ApplyToml(config, file);
  }
  for (const Option& option : Options()) {
    if (std::string(option.flag) == "config") continue;
    if (const char* env = std::getenv(EnvName(option.flag).c_str())) option.set(config, env);
  }
  for (const Option& option : Options()) {
    auto it = flags.find(option.flag);
    if (it != flags.end() && std::string(option.flag) != "config") option.set(config, it->second);
  }
  if (config.public_url.empty()) config.public_url = "http://localhost:" + std::to_string(config.port);
  while (!config.public_url.empty() && config.public_url.back() == '/') config.public_url.pop_back();
  if (config.rtc_port_min > config.rtc_port_max) {
    throw ConfigError("rtc-port-min must not exceed rtc-port-max");
  }
  return config;
}

std::string ConfigHelp() {
  std::ostringstream out;
  out << "Options (flag / environment variable / TOML key):\n";
  for (const Option& option : Options()) {
    out << "  --" << option.flag;
    out << std::string(option.is_switch ? "" : " VALUE");
    out << "\n      " << option.help << "\n      env " << EnvName(option.flag);
    if (*option.toml_key) out << ", toml " << option.toml_key;
    out << "\n";
  }
  return out.str();
}

}  // namespace tr::app
