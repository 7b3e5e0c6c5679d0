#include "media/rtp/codecs/vp8.h"

namespace tr::media {

std::optional<Vp8PayloadDescriptor> Vp8PayloadDescriptor::Parse(std::span<const uint8_t> payload) {
  const std::size_t n = payload.size();
  if (n < 1) {
    return std::nullopt;
  }
  Vp8PayloadDescriptor d;
  const uint8_t b0 = payload[0];
  d.non_reference = (b0 & 0x20) != 0;
  d.start_of_partition = (b0 & 0x10) != 0;
  d.partition_index = b0 & 0x07;
  std::size_t pos = 1;
  if ((b0 & 0x80) != 0) {  // X
    if (pos >= n) {
      return std::nullopt;
    }
    const uint8_t x = payload[pos++];
    d.has_picture_id = (x & 0x80) != 0;
    d.has_tl0_pic_idx = (x & 0x40) != 0;
    d.has_tid = (x & 0x20) != 0;
    d.has_key_idx = (x & 0x10) != 0;
    if (d.has_picture_id) {
      if (pos >= n) {
        return std::nullopt;
      }
      const uint8_t b = payload[pos++];
      d.picture_id_15bit = (b & 0x80) != 0;
      d.picture_id = b & 0x7F;
      if (d.picture_id_15bit) {
        if (pos >= n) {
          return std::nullopt;
        }
        d.picture_id = static_cast<uint16_t>((d.picture_id << 8) | payload[pos++]);
      }
    }
    if (d.has_tl0_pic_idx) {
      if (pos >= n) {
        return std::nullopt;
      }
      d.tl0_pic_idx = payload[pos++];
    }
    if (d.has_tid || d.has_key_idx) {
      if (pos >= n) {
        return std::nullopt;
      }
      const uint8_t b = payload[pos++];
      if (d.has_tid) {
        d.tid = b >> 6;
        d.layer_sync = (b & 0x20) != 0;
      }
      if (d.has_key_idx) {
        d.key_idx = b & 0x1F;
      }
    }
  }
  if (pos >= n) {
    return std::nullopt;  // no VP8 payload
  }
  d.size = pos;
  // RFC 6386 §9.1: 3-byte frame tag, bit 0 of the first byte = !key_frame; a key frame's
  // tag is followed by the start code 9d 01 2a and 14-bit width / height (little endian).
  if (d.start_of_partition && d.partition_index == 0) {
    const std::span<const uint8_t> vp8 = payload.subspan(pos);
    if (vp8.size() >= 6 && (vp8[0] & 0x01) == 0 && vp8[3] == 0x9d && vp8[4] == 0x01 &&
        vp8[5] == 0x2a) {
      d.is_key_frame = true;
      if (vp8.size() >= 10) {
        d.width = static_cast<uint16_t>((vp8[6] | (vp8[7] << 8)) & 0x3FFF);
        d.height = static_cast<uint16_t>((vp8[8] | (vp8[9] << 8)) & 0x3FFF);
      }
    }
  }
  return d;
}

bool Vp8PayloadDescriptor::IsKeyFrame(std::span<const uint8_t> payload) {
  const auto d = Parse(payload);
  return d && d->is_key_frame;
}

// The optional fields follow the mandatory byte and the X byte in the order I, L, T/K, so
// their offsets follow from the flags alone (RFC 7741 §4.2).
bool Vp8PayloadDescriptor::SetPictureId(std::span<uint8_t> payload, uint16_t new_picture_id) {
  if (!has_picture_id || payload.size() < size) {
    return false;
  }
  constexpr std::size_t kOffset = 2;
  if (picture_id_15bit) {
    picture_id = static_cast<uint16_t>(new_picture_id & 0x7FFF);
    payload[kOffset] = static_cast<uint8_t>(0x80 | (picture_id >> 8));  // keeps M = 1
    payload[kOffset + 1] = static_cast<uint8_t>(picture_id);
  } else {
    picture_id = static_cast<uint16_t>(new_picture_id & 0x7F);
    payload[kOffset] = static_cast<uint8_t>(picture_id);  // M = 0
  }
  return true;
}

bool Vp8PayloadDescriptor::SetTl0PicIdx(std::span<uint8_t> payload, uint8_t new_tl0_pic_idx) {
  if (!has_tl0_pic_idx || payload.size() < size) {
    return false;
  }
  const std::size_t offset = 2 + (has_picture_id ? (picture_id_15bit ? 2 : 1) : 0);
  tl0_pic_idx = new_tl0_pic_idx;
  payload[offset] = new_tl0_pic_idx;
  return true;
}

bool Vp8PayloadDescriptor::RewritePictureId(std::span<uint8_t> payload, uint16_t new_picture_id) {
  auto d = Parse(payload);
  return d && d->SetPictureId(payload, new_picture_id);
}

bool Vp8PayloadDescriptor::RewriteTl0PicIdx(std::span<uint8_t> payload, uint8_t new_tl0_pic_idx) {
  auto d = Parse(payload);
  return d && d->SetTl0PicIdx(payload, new_tl0_pic_idx);
}

}  // namespace tr::media
