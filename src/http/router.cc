#include "http/router.h"

namespace tr::http {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    parts.push_back(path.substr(pos, end - pos));
    pos = end;
  }
  return parts;
}

void Router::Add(std::string method, std::string pattern, Handler handler) {
  Route route{std::move(method), std::move(pattern), {}, std::move(handler)};
  for (auto part : SplitPath(route.pattern)) route.segments.emplace_back(part);
  routes_.push_back(std::move(route));
}

bool Router::Match(const Route& route, const std::vector<std::string_view>& parts,
                   std::vector<std::pair<std::string, std::string>>* params) {
  if (route.segments.size() != parts.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = route.segments[i];
    bool capture = seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
    if (capture) {
      if (parts[i].empty()) return false;
      if (params) params->emplace_back(seg.substr(1, seg.size() - 2), std::string(parts[i]));
    } else if (seg != parts[i]) {
      return false;
    }
  }
  return true;
}

Response Router::Dispatch(Request& request) const {
  auto parts = SplitPath(request.path);
  bool path_known = false;
  std::string allow;
  for (const Route& route : routes_) {
    if (!Match(route, parts, nullptr)) continue;
    path_known = true;
    if (allow.find(route.method) == std::string::npos) {
      allow += (allow.empty() ? "" : ", ") + route.method;
    }
    bool method_ok = route.method == request.method ||
                     (request.method == "HEAD" && route.method == "GET");
    if (!method_ok) continue;
    request.path_params.clear();
    Match(route, parts, &request.path_params);
    return route.handler(request);
  }
  if (path_known) {
    auto response = Response::Error(405, "method_not_allowed",
                                    "method " + request.method + " is not allowed on this path");
    response.WithHeader("Allow", allow);
    return response;
  }
  return Response::Error(404, "not_found", "no such route");
}

std::vector<std::string> Router::RouteList() const {
  std::vector<std::string> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_) out.push_back(r.method + " " + r.pattern);
  return out;
}

}  // namespace tr::http
