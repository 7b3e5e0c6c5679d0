#pragma once
// The `parameters` object of codecs and header extensions: SDP fmtp / extmap attributes as
// a flat object whose values are strings or numbers, e.g. {"apt": 101},
// {"packetization-mode": 1, "profile-level-id": "42e01f"}. mediasoup and mediasoup-client
// accept only string or number values, and require `apt` to be a number.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/json.h"

namespace tr::media::ortc {

// JSON integers stay integers (so they serialize back without a fraction).
using ParameterValue = std::variant<int64_t, double, std::string>;
using ParameterMap = std::map<std::string, ParameterValue, std::less<>>;

inline constexpr std::size_t kMaxParameters = 32;
inline constexpr std::size_t kMaxParameterKeyLength = 64;
inline constexpr std::size_t kMaxParameterStringLength = 1024;

// Absent or null -> empty map. Throws OrtcError on a non-object, more than kMaxParameters
// entries, empty/too long keys, too long strings, or values that are not string/number.
ParameterMap ParameterMapFromJson(const Json* json, const std::string& path);
Json ParameterMapToJson(const ParameterMap& parameters);

// The integer value of `key` given as an integer, an integral number or a decimal string
// ("1"): sdp-transform turns fmtp "packetization-mode=1" into a number, hand-written JSON
// may carry a string. `fallback` when absent, nullopt when present but not an integer.
std::optional<int64_t> IntegerParameter(const ParameterMap& parameters, std::string_view key,
                                        int64_t fallback);
// Strings as they are, integers in decimal (sdp-transform turns an all-digit
// profile-level-id such as "640032" into a number). nullopt when absent or fractional.
std::optional<std::string> StringParameter(const ParameterMap& parameters, std::string_view key);

}  // namespace tr::media::ortc
