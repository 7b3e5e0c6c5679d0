#pragma once
// Settings of a `tradingroom` process: defaults, overridden by a TOML file, overridden by
// TRADINGROOM_* environment variables, overridden by --flags. Parsed and validated once at
// start-up; bad values stop the process with a clear message.
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace tr::app {

struct Config {
  std::string config_file;
  std::string bind = "0.0.0.0";
  int port = 8080;
  std::string data_dir = "./data";
  std::string log_level = "info";
  int http_threads = 0;  // 0 = number of cores
  int db_threads = 2;
  std::string public_url;  // default http://localhost:<port>
  std::string web_root;    // built web client; default: web/dist next to the binary's repo
  int64_t access_token_ttl = 900;
  int64_t refresh_token_ttl = 30LL * 24 * 3600;
  std::string jwt_issuer = "tradingroom";
  std::string supabase_jwt_secret;
  std::string supabase_jwks_file;
  std::string supabase_issuer;
  std::string supabase_audience = "authenticated";
  int rate_limit_auth = 5;
  int rate_limit_api = 100;
  int rate_limit_ws = 10;
  int rate_limit_transport = 20;
  int rate_limit_upload = 10;
  bool trust_proxy = false;
  int64_t max_body_bytes = 1 << 20;
  int64_t max_upload_bytes = 25LL << 20;
  std::string smtp_url;
  std::string smtp_from = "no-reply@localhost";
  // Media plane (SFU).
  int rtc_port_min = 10000;
  int rtc_port_max = 10999;
  std::string announced_ip = "127.0.0.1";
  int media_workers = 0;  // 0 = number of cores
  int reconnect_grace_ms = 10000;  // a dropped participant stays this long (0 = removed at once)
  bool test_hooks = false;  // signaling `test-network` (emulated downlink loss / rate limit)
};

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses `args` (the arguments after the subcommand). Arguments that are not configuration
// flags are returned in `rest` (subcommand-specific flags such as --email). Throws
// ConfigError on unknown flags (when `allow_extra` is false) or invalid values.
Config LoadConfig(const std::vector<std::string>& args, std::map<std::string, std::string>* rest,
                  bool allow_extra);

// The --help text of every configuration option.
std::string ConfigHelp();

}  // namespace tr::app
