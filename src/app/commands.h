#pragma once
// The subcommands of the `tradingroom` binary.
#include <map>
#include <string>

#include "app/config.h"

namespace tr::app {

int RunServe(const Config& config);
int RunMigrate(const Config& config);
int RunAdmin(const std::string& action, const Config& config,
             const std::map<std::string, std::string>& args);
// One line per registered route: "METHOD /path/{param}".
int RunRoutes();

}  // namespace tr::app
