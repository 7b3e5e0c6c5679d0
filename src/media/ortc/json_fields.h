#pragma once
// Strict readers for untrusted JSON (internal to the ORTC layer). Every failure throws
// OrtcError "<path>: <what>", where path is the JSON path of the value
// ("rtpParameters.encodings[2].rid"). A JSON `null` counts as absent, like `undefined` in
// mediasoup's JavaScript validators.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/json.h"

namespace tr::media::ortc::json_fields {

[[noreturn]] void Fail(const std::string& path, std::string_view what);

std::string Member(std::string_view path, std::string_view key);  // "a.b"
std::string Element(std::string_view path, std::size_t index);    // "a[3]"

void RequireObject(const Json& json, const std::string& path);
// The member `key` of object `object`, or nullptr when missing or null.
const Json* Find(const Json& object, std::string_view key);
// The member `key`, throwing "<path>.<key>: missing" when absent.
const Json& Require(const Json& object, std::string_view key, const std::string& path);

// An array of at most `max_size` elements.
const Json& GetArray(const Json& json, const std::string& path, std::size_t max_size);
// A string of `min_length`..`max_length` bytes.
std::string GetString(const Json& json, const std::string& path, std::size_t min_length,
                      std::size_t max_length);
// An integer (no fraction, no exponent form) in [min, max].
int64_t GetInteger(const Json& json, const std::string& path, int64_t min, int64_t max);
// Any number in [min, max].
double GetNumber(const Json& json, const std::string& path, double min, double max);
bool GetBool(const Json& json, const std::string& path);

// Characters allowed in tokens we later write into RTP header extensions or SDP
// (MID, RID): RFC 8851 rid-id / RFC 5888 token subset, printable, no space.
bool IsTokenText(std::string_view text);
// Printable ASCII/UTF-8 text without control characters.
bool IsPrintableText(std::string_view text);

}  // namespace tr::media::ortc::json_fields
