#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json.h"

namespace tr::http {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the server streams this file as the body instead of `body` (static files, blobs).
  std::string file_path;

  static Response JsonBody(int status, const Json& value);
  static Response NoContent();
  // {"error": {"code", "message", "details"?}}
  static Response Error(int status, std::string_view code, std::string_view message,
                        const Json& details = nullptr);
  Response& WithHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace tr::http
