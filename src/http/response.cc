#include "http/response.h"

namespace tr::http {

Response Response::JsonBody(int status, const Json& value) {
  Response r;
  r.status = status;
  r.body = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

Response Response::NoContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response Response::Error(int status, std::string_view code, std::string_view message,
                         const Json& details) {
  Json err = {{"code", code}, {"message", message}};
  if (!details.is_null()) err["details"] = details;
  return JsonBody(status, Json{{"error", err}});
}

}  // namespace tr::http
