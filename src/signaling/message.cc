#include "signaling/message.h"

namespace tr::signaling {
namespace {

ProtocolError Invalid(const std::string& message) { return {"invalid_parameters", message, 0}; }

}  // namespace

std::variant<ClientMessage, std::pair<ProtocolError, std::string>> ParseClientMessage(
    std::string_view text) {
  using Failure = std::pair<ProtocolError, std::string>;
  if (text.size() > kMaxMessageBytes) {
    return Failure{{"invalid_message", "message exceeds 64 KiB", 0}, ""};
  }
  Json root = Json::parse(text.begin(), text.end(), nullptr, false);
  if (root.is_discarded()) return Failure{{"invalid_message", "message is not valid JSON", 0}, ""};
  if (!root.is_object()) return Failure{{"invalid_message", "message must be a JSON object", 0}, ""};
  std::string request_id;
  if (auto it = root.find("requestId"); it != root.end() && !it->is_null()) {
    if (!it->is_string() || it->get_ref<const std::string&>().size() > 64) {
      return Failure{{"invalid_message", "requestId must be a string of at most 64 characters", 0},
                     ""};
    }
    request_id = it->get<std::string>();
  }
  auto event = root.find("event");
  if (event == root.end() || !event->is_string() || event->get_ref<const std::string&>().empty() ||
      event->get_ref<const std::string&>().size() > 64) {
    return Failure{{"invalid_message", "event must be a non-empty string", 0}, request_id};
  }
  ClientMessage message;
  message.event = event->get<std::string>();
  message.request_id = std::move(request_id);
  auto data = root.find("data");
  if (data == root.end()) {
    return Failure{{"invalid_message", "data is required (an object, {} when empty)", 0},
                   message.request_id};
  }
  if (!data->is_object()) {
    return Failure{{"invalid_message", "data must be an object", 0}, message.request_id};
  } else {
    message.data = std::move(*data);
  }
  return message;
}

std::string RenderEvent(std::string_view event, const Json& data, const std::string& request_id) {
  Json frame = {{"event", event}, {"data", data}};
  if (!request_id.empty()) frame["requestId"] = request_id;
  return frame.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string RenderError(const ProtocolError& error, const std::string& request_id) {
  Json data = {{"code", error.code}, {"message", error.message}};
  if (!request_id.empty()) data["requestId"] = request_id;
  if (error.retry_after > 0) data["retryAfter"] = error.retry_after;
  return RenderEvent("error", data, request_id);
}

std::string RequireString(const Json& data, const char* field, std::size_t max_length) {
  auto value = OptionalString(data, field, max_length);
  if (!value || value->empty()) throw Invalid(std::string(field) + " is required");
  return *value;
}

std::optional<std::string> OptionalString(const Json& data, const char* field,
                                          std::size_t max_length) {
  auto it = data.find(field);
  if (it == data.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw Invalid(std::string(field) + " must be a string");
  const auto& value = it->get_ref<const std::string&>();
  if (value.size() > max_length) throw Invalid(std::string(field) + " is too long");
  return value;
}

const Json& RequireObject(const Json& data, const char* field) {
  auto it = data.find(field);
  if (it == data.end() || !it->is_object()) throw Invalid(std::string(field) + " must be an object");
  return *it;
}

std::optional<bool> OptionalBool(const Json& data, const char* field) {
  auto it = data.find(field);
  if (it == data.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) throw Invalid(std::string(field) + " must be a boolean");
  return it->get<bool>();
}

std::optional<int> OptionalInt(const Json& data, const char* field, int min, int max) {
  auto it = data.find(field);
  if (it == data.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) throw Invalid(std::string(field) + " must be an integer");
  auto value = it->get<int64_t>();
  if (value < min || value > max) {
    throw Invalid(std::string(field) + " must be from " + std::to_string(min) + " to " +
                  std::to_string(max));
  }
  return static_cast<int>(value);
}

std::string RequireEnum(const Json& data, const char* field,
                        std::initializer_list<std::string_view> allowed,
                        std::optional<std::string_view> fallback) {
  auto value = OptionalString(data, field, 32);
  if (!value) {
    if (fallback) return std::string(*fallback);
    throw Invalid(std::string(field) + " is required");
  }
  for (auto a : allowed) {
    if (*value == a) return *value;
  }
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  throw Invalid(std::string(field) + " must be one of " + list);
}

}  // namespace tr::signaling
