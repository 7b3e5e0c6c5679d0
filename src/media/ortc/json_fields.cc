#include "media/ortc/json_fields.h"

#include <cstdio>
#include <limits>

#include "media/ortc/ortc_error.h"

namespace tr::media::ortc::json_fields {
namespace {

std::string FormatNumber(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
}

}  // namespace

void Fail(const std::string& path, std::string_view what) {
  std::string message = path;
  message += ": ";
  message += what;
  throw OrtcError(message);
}

std::string Member(std::string_view path, std::string_view key) {
  std::string out(path);
  out += '.';
  out += key;
  return out;
}

std::string Element(std::string_view path, std::size_t index) {
  std::string out(path);
  out += '[';
  out += std::to_string(index);
  out += ']';
  return out;
}

void RequireObject(const Json& json, const std::string& path) {
  if (!json.is_object()) {
    Fail(path, "must be an object");
  }
}

const Json* Find(const Json& object, std::string_view key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return nullptr;
  }
  return &*it;
}

const Json& Require(const Json& object, std::string_view key, const std::string& path) {
  const Json* value = Find(object, key);
  if (value == nullptr) {
    Fail(Member(path, key), "missing");
  }
  return *value;
}

const Json& GetArray(const Json& json, const std::string& path, std::size_t max_size) {
  if (!json.is_array()) {
    Fail(path, "must be an array");
  }
  if (json.size() > max_size) {
    Fail(path, "must have at most " + std::to_string(max_size) + " entries");
  }
  return json;
}

std::string GetString(const Json& json, const std::string& path, std::size_t min_length,
                      std::size_t max_length) {
  if (!json.is_string()) {
    Fail(path, "must be a string");
  }
  const auto& text = json.get_ref<const std::string&>();
  if (text.size() < min_length) {
    Fail(path, min_length == 1
                   ? "must not be empty"
                   : "must have at least " + std::to_string(min_length) + " characters");
  }
  if (text.size() > max_length) {
    Fail(path, "must have at most " + std::to_string(max_length) + " characters");
  }
  return text;
}

int64_t GetInteger(const Json& json, const std::string& path, int64_t min, int64_t max) {
  const std::string what =
      "must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  int64_t value = 0;
  if (json.is_number_unsigned()) {
    const auto u = json.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      Fail(path, what);
    }
    value = static_cast<int64_t>(u);
  } else if (json.is_number_integer()) {
    value = json.get<int64_t>();
  } else {
    Fail(path, what);
  }
  if (value < min || value > max) {
    Fail(path, what);
  }
  return value;
}

double GetNumber(const Json& json, const std::string& path, double min, double max) {
  if (!json.is_number()) {
    Fail(path, "must be a number");
  }
  const double value = json.get<double>();
  if (!(value >= min && value <= max)) {
    Fail(path, "must be a number in [" + FormatNumber(min) + ", " + FormatNumber(max) + "]");
  }
  return value;
}

bool GetBool(const Json& json, const std::string& path) {
  if (!json.is_boolean()) {
    Fail(path, "must be a boolean");
  }
  return json.get<bool>();
}

bool IsTokenText(std::string_view text) {
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '~' || c == '+';
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool IsPrintableText(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      return false;
    }
  }
  return true;
}

}  // namespace tr::media::ortc::json_fields
