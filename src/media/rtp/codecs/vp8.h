#pragma once
// VP8 RTP payload descriptor (RFC 7741 §4.2) and key-frame detection (§4.3 + RFC 6386
// §9.1 frame tag).
//
// DOC: https://www.rfc-editor.org/rfc/rfc7741#section-4.2
//
//        0 1 2 3 4 5 6 7
//       +-+-+-+-+-+-+-+-+
//       |X|R|N|S|R| PID | (REQUIRED)
//       +-+-+-+-+-+-+-+-+
//  X:   |I|L|T|K| RSV   | (OPTIONAL)
//  I:   |M| PictureID   | (OPTIONAL, 7 or 15 bits)
//  L:   |   TL0PICIDX   | (OPTIONAL)
//  T/K: |TID|Y| KEYIDX  | (OPTIONAL)
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace tr::media {

struct Vp8PayloadDescriptor {
  bool non_reference = false;       // N
  bool start_of_partition = false;  // S
  uint8_t partition_index = 0;      // PID
  bool has_picture_id = false;      // I
  bool picture_id_15bit = false;    // M
  uint16_t picture_id = 0;
  bool has_tl0_pic_idx = false;  // L
  uint8_t tl0_pic_idx = 0;
  bool has_tid = false;  // T
  uint8_t tid = 0;
  bool layer_sync = false;   // Y
  bool has_key_idx = false;  // K
  uint8_t key_idx = 0;
  // Bytes of descriptor before the VP8 payload.
  std::size_t size = 0;
  // First packet of a key frame: S=1, PID=0, frame tag P bit 0 and the 0x9d012a start code.
  bool is_key_frame = false;
  // From the key frame header when is_key_frame and the packet holds it (else 0).
  uint16_t width = 0;
  uint16_t height = 0;

  uint8_t TemporalLayerId() const { return has_tid ? tid : 0; }

  // nullopt when the descriptor is truncated or no VP8 payload follows it.
  static std::optional<Vp8PayloadDescriptor> Parse(std::span<const uint8_t> payload);
  static bool IsKeyFrame(std::span<const uint8_t> payload);

  // In-place rewrites of the descriptor this was parsed from (`payload` must be that same
  // RTP payload), for an SFU that renumbers frames per consumer. The descriptor never
  // changes size, so the PictureID keeps the form the packet has: a 15-bit one takes the
  // low 15 bits of `new_picture_id`, a 7-bit one the low 7 bits (a value above 127 wraps, which
  // a receiver of a 7-bit stream sees as the counter's normal wrap). The parsed field is
  // updated too. False, and nothing written, when the packet has no such field or `payload`
  // is shorter than `size`. No allocation, no exception.
  bool SetPictureId(std::span<uint8_t> payload, uint16_t new_picture_id);
  bool SetTl0PicIdx(std::span<uint8_t> payload, uint8_t new_tl0_pic_idx);

  // Same, parsing `payload` first (false when it does not parse).
  static bool RewritePictureId(std::span<uint8_t> payload, uint16_t new_picture_id);
  static bool RewriteTl0PicIdx(std::span<uint8_t> payload, uint8_t new_tl0_pic_idx);
};

}  // namespace tr::media
