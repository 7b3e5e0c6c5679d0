#include "api/body.h"

#include <charconv>

#include "common/base64.h"
#include "common/error.h"

namespace tr::api {
namespace {

ApiError FieldError(const char* field, const std::string& message) {
  return ApiError(400, "validation_failed", message, Json{{"field", field}});
}

// Rejects documents nested deeper than kMaxDepth before building them.
constexpr int kMaxDepth = 64;

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace

Json ParseJsonObject(std::string_view body) {
  int depth = 0;
  bool too_deep = false;
  Json::parser_callback_t limit_depth = [&](int d, Json::parse_event_t event, Json&) {
    if (event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start) {
      depth = d;
      if (d > kMaxDepth) too_deep = true;
    }
    return !too_deep;
  };
  Json value = Json::parse(body.begin(), body.end(), limit_depth, false);
  if (too_deep) {
    throw ApiError(400, "invalid_json", "JSON nested too deeply");
  }
  if (value.is_discarded()) {
    throw ApiError(400, "invalid_json", "request body is not valid JSON");
  }
  if (!value.is_object()) {
    throw ApiError(400, "invalid_json", "request body must be a JSON object");
  }
  (void)depth;
  return value;
}

std::string RequireString(const Json& object, const char* field, StringRule rule) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) {
    throw FieldError(field, std::string(field) + " is required");
  }
  auto value = OptionalString(object, field, rule);
  return *value;
}

std::optional<std::string> OptionalString(const Json& object, const char* field,
                                          StringRule rule) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw FieldError(field, std::string(field) + " must be a string");
  std::string value = it->get<std::string>();
  // Trim surrounding whitespace: names and emails never need it.
  auto begin = value.find_first_not_of(" \t\r\n");
  auto end = value.find_last_not_of(" \t\r\n");
  value = begin == std::string::npos ? std::string() : value.substr(begin, end - begin + 1);
  if (!IsValidUtf8(value)) throw FieldError(field, std::string(field) + " must be UTF-8");
  if (value.size() < rule.min) {
    throw FieldError(field, std::string(field) + (rule.min == 1 ? " must not be empty"
                                                               : " is too short"));
  }
  if (value.size() > rule.max) throw FieldError(field, std::string(field) + " is too long");
  return value;
}

std::optional<bool> OptionalBool(const Json& object, const char* field) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) throw FieldError(field, std::string(field) + " must be a boolean");
  return it->get<bool>();
}

bool IsPlausibleEmail(std::string_view email) {
  auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at != email.rfind('@')) return false;
  auto domain = email.substr(at + 1);
  auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == ',') return false;
  }
  return true;
}

std::string RequireEmail(const Json& object, const char* field) {
  std::string email = RequireString(object, field, {3, 254});
  for (char& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!IsPlausibleEmail(email)) throw FieldError(field, "email is not a valid address");
  return email;
}

ListParams ParseListParams(const std::optional<std::string>& limit,
                           const std::optional<std::string>& cursor) {
  ListParams params;
  if (limit) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (ec != std::errc() || ptr != limit->data() + limit->size() || value < 1 || value > 100) {
      throw FieldError("limit", "limit must be an integer from 1 to 100");
    }
    params.limit = value;
  }
  if (cursor && !cursor->empty()) {
    auto decoded = Base64UrlDecode(*cursor);
    int64_t value = 0;
    bool ok = decoded.has_value() && decoded->rfind("s:", 0) == 0;
    if (ok) {
      auto [ptr, ec] =
          std::from_chars(decoded->data() + 2, decoded->data() + decoded->size(), value);
      ok = ec == std::errc() && ptr == decoded->data() + decoded->size() && value >= 0;
    }
    if (!ok) throw FieldError("cursor", "cursor is not valid");
    params.after = value;
  }
  return params;
}

std::string EncodeCursor(int64_t seq) { return Base64UrlEncode("s:" + std::to_string(seq)); }

}  // namespace tr::api
