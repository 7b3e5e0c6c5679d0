// Fuzzes the signaling frame parser and the field readers every handler uses: any input
// yields a message or a ProtocolError, never a crash or another exception.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "signaling/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tr::signaling;
  auto parsed = ParseClientMessage(std::string_view(reinterpret_cast<const char*>(data), size));
  if (auto* failure = std::get_if<1>(&parsed)) {
    (void)RenderError(failure->first, failure->second);
    return 0;
  }
  const ClientMessage& m = std::get<0>(parsed);
  auto read = [&](auto fn) {
    try {
      fn();
    } catch (const ProtocolError&) {
    }
  };
  read([&] { (void)RequireString(m.data, "roomId"); });
  read([&] { (void)OptionalString(m.data, "token", 8192); });
  read([&] { (void)RequireObject(m.data, "rtpCapabilities"); });
  read([&] { (void)OptionalBool(m.data, "paused"); });
  read([&] { (void)OptionalInt(m.data, "spatialLayer", 0, 3); });
  read([&] { (void)RequireEnum(m.data, "direction", {"send", "recv"}); });
  read([&] { (void)RequireEnum(m.data, "role", {"host", "viewer"}, "viewer"); });
  (void)RenderEvent(m.event, m.data, m.request_id);
  return 0;
}
