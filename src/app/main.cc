// tradingroom: one binary for the API, signaling, media workers and the web client.
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/config.h"

namespace {

constexpr const char* kUsage = R"(tradingroom - live trading rooms: SaaS API, signaling and SFU in one binary

Usage:
  tradingroom serve [options]          run every role on http://localhost:8080
  tradingroom migrate [options]        create or upgrade the database, then exit
  tradingroom admin create-user [options] --email E --password P --display-name N
  tradingroom admin create-org [options] --name N --owner-email E [--plan starter|professional|business|enterprise]
  tradingroom routes                   list the HTTP routes
  tradingroom --help | --version

Configuration: defaults < TOML file (--config, ./tradingroom.toml) < TRADINGROOM_* environment < flags.
)";

bool WantsHelp(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage << "\n" << tr::app::ConfigHelp();
    return args.empty() ? 1 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "tradingroom 0.1.0\n";
    return 0;
  }
  std::string command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    if (command == "routes") return tr::app::RunRoutes();
    if (command == "serve" || command == "migrate") {
      if (WantsHelp(rest)) {
        std::cout << kUsage << "\n" << tr::app::ConfigHelp();
        return 0;
      }
      auto config = tr::app::LoadConfig(rest, nullptr, false);
      return command == "serve" ? tr::app::RunServe(config) : tr::app::RunMigrate(config);
    }
    if (command == "admin") {
      if (rest.empty() || WantsHelp(rest)) {
        std::cout << kUsage;
        return rest.empty() ? 1 : 0;
      }
      std::string action = rest[0];
      std::map<std::string, std::string> extra;
      auto config = tr::app::LoadConfig({rest.begin() + 1, rest.end()}, &extra, true);
      return tr::app::RunAdmin(action, config, extra);
    }
    std::cerr << "unknown command '" << command << "'\n\n" << kUsage;
    return 2;
  } catch (const tr::app::ConfigError& e) {
    std::cerr << "configuration error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
