#include "media/ortc/parameter_map.h"

#include <charconv>
#include <cmath>

#include "media/ortc/json_fields.h"

namespace tr::media::ortc {

namespace jf = json_fields;

ParameterMap ParameterMapFromJson(const Json* json, const std::string& path) {
  ParameterMap out;
  if (json == nullptr) {
    return out;
  }
  jf::RequireObject(*json, path);
  if (json->size() > kMaxParameters) {
    jf::Fail(path, "must have at most " + std::to_string(kMaxParameters) + " entries");
  }
  for (const auto& [key, value] : json->items()) {
    if (key.empty() || key.size() > kMaxParameterKeyLength || !jf::IsPrintableText(key)) {
      jf::Fail(path, "invalid parameter name");
    }
    const std::string value_path = jf::Member(path, key);
    if (value.is_string()) {
      out.emplace(key, jf::GetString(value, value_path, 0, kMaxParameterStringLength));
    } else if (value.is_number_integer()) {
      out.emplace(key, jf::GetInteger(value, value_path, INT64_MIN, INT64_MAX));
    } else if (value.is_number_float()) {
      out.emplace(key, value.get<double>());
    } else {
      jf::Fail(value_path, "must be a string or a number");
    }
  }
  return out;
}

Json ParameterMapToJson(const ParameterMap& parameters) {
  Json out = Json::object();
  for (const auto& [key, value] : parameters) {
    std::visit([&out, &key = key](const auto& v) { out[key] = v; }, value);
  }
  return out;
}

std::optional<int64_t> IntegerParameter(const ParameterMap& parameters, std::string_view key,
                                        int64_t fallback) {
  const auto it = parameters.find(key);
  if (it == parameters.end()) {
    return fallback;
  }
  if (const auto* i = std::get_if<int64_t>(&it->second)) {
    return *i;
  }
  if (const auto* d = std::get_if<double>(&it->second)) {
    if (std::trunc(*d) == *d && std::fabs(*d) < 9.0e15) {
      return static_cast<int64_t>(*d);
    }
    return std::nullopt;
  }
  const auto& s = std::get<std::string>(it->second);
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> StringParameter(const ParameterMap& parameters, std::string_view key) {
  const auto it = parameters.find(key);
  if (it == parameters.end()) {
    return std::nullopt;
  }
  if (const auto* s = std::get_if<std::string>(&it->second)) {
    return *s;
  }
  if (const auto* i = std::get_if<int64_t>(&it->second)) {
    return std::to_string(*i);
  }
  return std::nullopt;
}

}  // namespace tr::media::ortc
