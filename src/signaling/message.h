#pragma once
// Frames of the signaling protocol (docs/protocol.md): {"event", "data", "requestId"?}.
// Parsing is strict and never throws on bad input: it yields a ProtocolError instead.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/json.h"

namespace tr::signaling {

// An `error` event to send back; thrown by handlers, caught once per message.
struct ProtocolError {
  std::string code;  // invalid_message, invalid_parameters, forbidden, not_found, ...
  std::string message;
  int retry_after = 0;
};

struct ClientMessage {
  std::string event;
  Json data;
  std::string request_id;
};

constexpr std::size_t kMaxMessageBytes = 64 * 1024;

// A parsed frame, or the error to answer it with (request_id filled when it was readable).
std::variant<ClientMessage, std::pair<ProtocolError, std::string>> ParseClientMessage(
    std::string_view text);

std::string RenderEvent(std::string_view event, const Json& data, const std::string& request_id);
std::string RenderError(const ProtocolError& error, const std::string& request_id);

// Field readers for `data`; each throws ProtocolError{invalid_parameters} naming the field.
std::string RequireString(const Json& data, const char* field, std::size_t max_length = 64);
std::optional<std::string> OptionalString(const Json& data, const char* field,
                                          std::size_t max_length = 64);
const Json& RequireObject(const Json& data, const char* field);
std::optional<bool> OptionalBool(const Json& data, const char* field);
std::optional<int> OptionalInt(const Json& data, const char* field, int min, int max);
std::string RequireEnum(const Json& data, const char* field,
                        std::initializer_list<std::string_view> allowed,
                        std::optional<std::string_view> fallback = std::nullopt);

}  // namespace tr::signaling
