#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace tr {

std::string Base64Encode(std::string_view data);
std::optional<std::string> Base64Decode(std::string_view text);
// RFC 4648 section 5 alphabet, no padding (JWT, tokens).
std::string Base64UrlEncode(std::string_view data);
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace tr
