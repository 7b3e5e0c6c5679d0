#pragma once
// Serves the built web client (web/dist) with a single-page-app fallback to index.html.
#include <filesystem>
#include <optional>

#include "http/request.h"
#include "http/response.h"

namespace tr::http {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);
  bool Enabled() const { return enabled_; }
  // A response for GET/HEAD of a file under root (or index.html for app routes); nullopt
  // when nothing matches so the caller can answer 404.
  std::optional<Response> Serve(const Request& request) const;

 private:
  std::filesystem::path root_;
  bool enabled_ = false;
};

std::string_view ContentTypeFor(const std::filesystem::path& path);

}  // namespace tr::http
