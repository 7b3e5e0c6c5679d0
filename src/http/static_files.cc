#include "http/static_files.h"

#include <system_error>

namespace tr::http {

std::string_view ContentTypeFor(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".webmanifest") return "application/manifest+json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".map") return "application/json";
  return "application/octet-stream";
}

StaticFiles::StaticFiles(std::filesystem::path root) : root_(std::move(root)) {
  std::error_code ec;
  enabled_ = !root_.empty() && std::filesystem::is_regular_file(root_ / "index.html", ec);
  if (enabled_) root_ = std::filesystem::canonical(root_, ec);
}

std::optional<Response> StaticFiles::Serve(const Request& request) const {
  if (!enabled_ || (request.method != "GET" && request.method != "HEAD")) return std::nullopt;
  const std::string& path = request.path;
  if (path.find("..") != std::string::npos || path.find('\0') != std::string::npos) {
    return std::nullopt;
  }
  std::error_code ec;
  std::filesystem::path file = root_ / std::filesystem::path(path).relative_path();
  bool found = std::filesystem::is_regular_file(file, ec);
  if (!found) {
    // Client-side routes (no extension) get the app shell when a browser navigates
    // (Accept: text/html); API clients and missing assets get the JSON 404.
    if (std::filesystem::path(path).has_extension()) return std::nullopt;
    if (request.Header("accept").find("text/html") == std::string_view::npos) return std::nullopt;
    file = root_ / "index.html";
  }
  Response response;
  response.file_path = file.string();
  response.content_type = std::string(ContentTypeFor(file));
  bool hashed_asset = path.rfind("/assets/", 0) == 0;
  response.WithHeader("Cache-Control", hashed_asset ? "public, max-age=31536000, immutable"
                                                    : "no-cache");
  return response;
}

}  // namespace tr::http
