#pragma once
// Parsing and validation of JSON request bodies and list parameters. Free of HTTP and
// storage types so it can be fuzzed alone (tests/fuzz/json_body). Every failure throws
// ApiError 400 with a code (`invalid_json`, `validation_failed`) and `details.field`.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/json.h"

namespace tr::api {

// The body must be a JSON object (at most 64 levels deep).
Json ParseJsonObject(std::string_view body);

struct StringRule {
  std::size_t min = 1;
  std::size_t max = 200;
};

std::string RequireString(const Json& object, const char* field, StringRule rule = {});
std::optional<std::string> OptionalString(const Json& object, const char* field,
                                          StringRule rule = {});
std::optional<bool> OptionalBool(const Json& object, const char* field);
// Lower-cased, trimmed, and shaped like local@domain.tld.
std::string RequireEmail(const Json& object, const char* field);
bool IsPlausibleEmail(std::string_view email);

struct ListParams {
  int limit = 20;
  int64_t after = 0;
};
// `limit` 1..100 (default 20); `cursor` is an opaque token from a previous page.
ListParams ParseListParams(const std::optional<std::string>& limit,
                           const std::optional<std::string>& cursor);
std::string EncodeCursor(int64_t seq);

}  // namespace tr::api
