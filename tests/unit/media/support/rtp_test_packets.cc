#include "rtp_test_packets.h"

#include "media/common/byte_io.h"

namespace tr::media::test {

std::vector<uint8_t> BuildTestRtpPacket(const TestRtpPacketSpec& spec) {
  std::vector<uint8_t> out(12);
  out[0] = 0x80;
  out[1] = static_cast<uint8_t>((spec.marker ? 0x80 : 0) | (spec.payload_type & 0x7F));
  WriteU16(out.data() + 2, spec.sequence_number);
  WriteU32(out.data() + 4, spec.timestamp);
  WriteU32(out.data() + 8, spec.ssrc);
  if (!spec.extensions.empty()) {
    out[0] |= 0x10;
    std::vector<uint8_t> block;
    for (const auto& [id, value] : spec.extensions) {
      block.push_back(static_cast<uint8_t>((id << 4) | ((value.size() - 1) & 0x0F)));
      block.insert(block.end(), value.begin(), value.end());
    }
    while (block.size() % 4 != 0) {
      block.push_back(0);
    }
    const std::size_t at = out.size();
    out.resize(at + 4);
    WriteU16(out.data() + at, 0xBEDE);
    WriteU16(out.data() + at + 2, static_cast<uint16_t>(block.size() / 4));
    out.insert(out.end(), block.begin(), block.end());
  }
  if (spec.vp8) {
    if (spec.vp8_picture_id) {
      out.push_back(0x90);  // X, S=1, PID=0
      out.push_back(0xE0);  // I, L, T
      out.push_back(static_cast<uint8_t>(0x80 | ((*spec.vp8_picture_id >> 8) & 0x7F)));  // M: 15 bits
      out.push_back(static_cast<uint8_t>(*spec.vp8_picture_id & 0xFF));
      out.push_back(spec.vp8_tl0_pic_idx);
      out.push_back(0x20);  // TID 0, Y
    } else {
      out.push_back(0x10);  // VP8 descriptor: S=1, PID=0
    }
    if (spec.key_frame) {
      // Frame tag (P=0: key frame), start code, 640x480.
      const uint8_t key[] = {0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01};
      out.insert(out.end(), key, key + sizeof(key));
    } else {
      const uint8_t delta[] = {0x31, 0x42, 0x00};
      out.insert(out.end(), delta, delta + sizeof(delta));
    }
  }
  out.insert(out.end(), spec.payload_size, spec.fill);
  return out;
}

}  // namespace tr::media::test
