#pragma once
// Hashes and MACs over OpenSSL for the control plane (token hashing, HS256, fingerprints).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tr {

std::array<uint8_t, 32> Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);
std::array<uint8_t, 32> HmacSha256(std::string_view key, std::string_view data);
std::string ToHex(const uint8_t* data, std::size_t size);
// Constant-time equality for secrets.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace tr
