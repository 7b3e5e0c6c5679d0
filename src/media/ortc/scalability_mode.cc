#include "media/ortc/scalability_mode.h"

namespace tr::media::ortc {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads [1-9]\d? at `pos`; advances `pos`.
std::optional<int> ReadLayerCount(std::string_view text, std::size_t& pos) {
  if (pos >= text.size() || text[pos] < '1' || text[pos] > '9') {
    return std::nullopt;
  }
  int value = text[pos++] - '0';
  if (pos < text.size() && IsDigit(text[pos])) {
    value = value * 10 + (text[pos++] - '0');
  }
  return value;
}

}  // namespace

std::optional<ScalabilityMode> ParseScalabilityMode(std::string_view text) {
  std::size_t pos = 0;
  if (text.empty() || (text[0] != 'L' && text[0] != 'S')) {
    return std::nullopt;
  }
  ++pos;
  const auto spatial = ReadLayerCount(text, pos);
  if (!spatial || pos >= text.size() || text[pos] != 'T') {
    return std::nullopt;
  }
  ++pos;
  const auto temporal = ReadLayerCount(text, pos);
  if (!temporal) {
    return std::nullopt;
  }
  ScalabilityMode mode;
  mode.spatial_layers = *spatial;
  mode.temporal_layers = *temporal;
  mode.ksvc = text.substr(pos).starts_with("_KEY");
  return mode;
}

ScalabilityMode ScalabilityModeOrDefault(const std::optional<std::string>& text) {
  if (!text) {
    return {};
  }
  return ParseScalabilityMode(*text).value_or(ScalabilityMode{});
}

}  // namespace tr::media::ortc
