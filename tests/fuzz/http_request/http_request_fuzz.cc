// Fuzzes HTTP request parsing as the server does it: Beast's parser with our header and body
// limits, then path decoding, query lookup and route matching.
#include <cstddef>
#include <cstdint>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/request.h"
#include "http/router.h"

namespace {
const tr::http::Router& TestRouter() {
  static tr::http::Router router = [] {
    tr::http::Router r;
    auto ok = [](tr::http::Request&) { return tr::http::Response::NoContent(); };
    r.Add("GET", "/api/v1/rooms/{roomId}", ok);
    r.Add("POST", "/api/v1/workspaces/{workspaceId}/rooms", ok);
    r.Add("GET", "/api/v1/invitations/{token}", ok);
    return r;
  }();
  return router;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace http = boost::beast::http;
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_header_done()) return 0;
  const auto& message = parser.get();
  tr::http::Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  std::string_view target = request.target;
  auto q = target.find('?');
  if (q != std::string_view::npos) request.query = std::string(target.substr(q + 1));
  auto path = tr::http::PercentDecode(target.substr(0, q), false);
  request.path = path ? *path : std::string(target.substr(0, q));
  (void)request.QueryParam("limit");
  (void)request.QueryParam("cursor");
  (void)TestRouter().Dispatch(request);
  return 0;
}
