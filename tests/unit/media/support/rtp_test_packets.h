#pragma once
// Synthetic RTP packets for SFU tests: VP8 (key / delta frames, optional VP8 temporal
// layer) or opaque payloads, with one-byte header extensions (MID, RID, ...).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tr::media::test {

struct TestRtpPacketSpec {
  uint8_t payload_type = 96;
  uint16_t sequence_number = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
  bool marker = true;
  // One-byte header extensions (id 1..14, value 1..16 bytes), in order.
  std::vector<std::pair<uint8_t, std::string>> extensions;
  // VP8 payload: a key frame (with the 0x9d012a start code) or a delta frame.
  bool vp8 = true;
  bool key_frame = false;
  // With a PictureID: the extended descriptor (15-bit PictureID, TL0PICIDX, TID 0 with Y).
  std::optional<uint16_t> vp8_picture_id;
  uint8_t vp8_tl0_pic_idx = 0;
  std::size_t payload_size = 100;  // bytes after the VP8 descriptor (or whole payload)
  uint8_t fill = 0xAB;             // payload fill byte (to tell layers apart)
};

std::vector<uint8_t> BuildTestRtpPacket(const TestRtpPacketSpec& spec);

}  // namespace tr::media::test
