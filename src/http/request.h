#pragma once
// A parsed HTTP request, independent of Beast so that handlers never include it.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tr::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target, "/api/v1/rooms?limit=2"
  std::string path;    // percent-decoded path without the query
  std::string query;   // raw query string without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_ip;
  std::string request_id;
  // Filled by the router: {name} segments of the matched pattern.
  std::vector<std::pair<std::string, std::string>> path_params;

  std::string_view Header(std::string_view lower_name) const;
  std::string_view PathParam(std::string_view name) const;
  // First value of a query parameter, percent-decoded; nullopt when absent.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

// Decodes %XX and '+' (in queries). Returns nullopt on malformed escapes.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace tr::http
