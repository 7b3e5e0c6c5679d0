#pragma once
// Test-only RTP packet writer: builds packets field by field (independently of the code
// under test) so parser tests can cover every header shape.
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace tr::media::test {

struct RtpExtElement {
  uint8_t id;
  std::vector<uint8_t> value;
  std::size_t padding_after = 0;  // zero bytes after this element
};

struct RtpSpec {
  bool marker = false;
  uint8_t payload_type = 96;
  uint16_t seq = 1000;
  uint32_t timestamp = 90000;
  uint32_t ssrc = 0x11223344;
  std::vector<uint32_t> csrcs;
  // 0 = no extension; 0xBEDE one-byte; 0x1000 two-byte; anything else raw.
  uint16_t ext_profile = 0;
  std::vector<RtpExtElement> ext;
  std::vector<uint8_t> payload = {0xAA, 0xBB, 0xCC};
  uint8_t padding = 0;  // total padding bytes including the count byte
};

inline void Put16(std::vector<uint8_t>& v, uint16_t x) {
  v.push_back(static_cast<uint8_t>(x >> 8));
  v.push_back(static_cast<uint8_t>(x));
}
inline void Put32(std::vector<uint8_t>& v, uint32_t x) {
  Put16(v, static_cast<uint16_t>(x >> 16));
  Put16(v, static_cast<uint16_t>(x));
}

inline std::vector<uint8_t> BuildRtp(const RtpSpec& s) {
  std::vector<uint8_t> v;
  v.push_back(static_cast<uint8_t>(0x80 | (s.padding ? 0x20 : 0) | (s.ext_profile ? 0x10 : 0) |
                                   s.csrcs.size()));
  v.push_back(static_cast<uint8_t>((s.marker ? 0x80 : 0) | s.payload_type));
  Put16(v, s.seq);
  Put32(v, s.timestamp);
  Put32(v, s.ssrc);
  for (uint32_t c : s.csrcs) {
    Put32(v, c);
  }
  if (s.ext_profile != 0) {
    std::vector<uint8_t> block;
    for (const auto& e : s.ext) {
      if (s.ext_profile == 0xBEDE) {
        block.push_back(static_cast<uint8_t>((e.id << 4) | (e.value.size() - 1)));
      } else {
        block.push_back(e.id);
        block.push_back(static_cast<uint8_t>(e.value.size()));
      }
      block.insert(block.end(), e.value.begin(), e.value.end());
      block.insert(block.end(), e.padding_after, 0);
    }
    while (block.size() % 4 != 0) {
      block.push_back(0);
    }
    Put16(v, s.ext_profile);
    Put16(v, static_cast<uint16_t>(block.size() / 4));
    v.insert(v.end(), block.begin(), block.end());
  }
  v.insert(v.end(), s.payload.begin(), s.payload.end());
  if (s.padding) {
    v.insert(v.end(), s.padding - 1, 0);
    v.push_back(s.padding);
  }
  return v;
}

inline std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

}  // namespace tr::media::test
