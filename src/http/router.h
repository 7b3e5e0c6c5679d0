#pragma once
// Maps (method, path pattern) to handlers. Patterns are literal segments and `{name}`
// captures: "/api/v1/rooms/{roomId}". Matching is by segment, so the route table can be
// listed (`tradingroom routes`) and checked against docs/api/openapi.yaml.
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace tr::http {

using Handler = std::function<Response(Request&)>;

class Router {
 public:
  void Add(std::string method, std::string pattern, Handler handler);

  // Finds the route, fills request.path_params and runs the handler. Unknown paths give
  // 404 not_found, known paths with another method 405 method_not_allowed.
  Response Dispatch(Request& request) const;

  // "METHOD pattern" for every route, in registration order.
  std::vector<std::string> RouteList() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{x}" marks a capture
    Handler handler;
  };
  static bool Match(const Route& route, const std::vector<std::string_view>& parts,
                    std::vector<std::pair<std::string, std::string>>* params);

  std::vector<Route> routes_;
};

std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace tr::http
