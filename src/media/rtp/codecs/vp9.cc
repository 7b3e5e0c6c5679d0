#include "media/rtp/codecs/vp9.h"

#include "media/common/byte_io.h"

namespace tr::media {

std::optional<Vp9PayloadDescriptor> Vp9PayloadDescriptor::Parse(std::span<const uint8_t> payload) {
  const std::size_t n = payload.size();
  if (n < 1) {
    return std::nullopt;
  }
  Vp9PayloadDescriptor d;
  const uint8_t b0 = payload[0];
  d.has_picture_id = (b0 & 0x80) != 0;
  d.inter_picture_predicted = (b0 & 0x40) != 0;
  d.has_layer_indices = (b0 & 0x20) != 0;
  d.flexible_mode = (b0 & 0x10) != 0;
  d.start_of_frame = (b0 & 0x08) != 0;
  d.end_of_frame = (b0 & 0x04) != 0;
  d.has_scalability_structure = (b0 & 0x02) != 0;
  d.not_upper_spatial_reference = (b0 & 0x01) != 0;
  std::size_t pos = 1;
  auto need = [&](std::size_t k) { return n - pos >= k; };

  if (d.has_picture_id) {
    if (!need(1)) {
      return std::nullopt;
    }
    const uint8_t b = payload[pos++];
    d.picture_id_15bit = (b & 0x80) != 0;
    d.picture_id = b & 0x7F;
    if (d.picture_id_15bit) {
      if (!need(1)) {
        return std::nullopt;
      }
      d.picture_id = static_cast<uint16_t>((d.picture_id << 8) | payload[pos++]);
    }
  }
  if (d.has_layer_indices) {
    if (!need(1)) {
      return std::nullopt;
    }
    const uint8_t b = payload[pos++];
    d.temporal_id = b >> 5;
    d.switching_up_point = (b & 0x10) != 0;
    d.spatial_id = (b >> 1) & 0x07;
    d.inter_layer_dependency = (b & 0x01) != 0;
    if (!d.flexible_mode) {
      if (!need(1)) {
        return std::nullopt;
      }
      d.has_tl0_pic_idx = true;
      d.tl0_pic_idx = payload[pos++];
    }
  }
  if (d.flexible_mode && d.inter_picture_predicted) {
    bool more = true;
    while (more) {
      if (d.num_ref_pics == 3 || !need(1)) {
        return std::nullopt;
      }
      const uint8_t b = payload[pos++];
      d.p_diff[d.num_ref_pics++] = b >> 1;
      more = (b & 0x01) != 0;
    }
  }
  if (d.has_scalability_structure) {
    if (!need(1)) {
      return std::nullopt;
    }
    const uint8_t b = payload[pos++];
    d.num_spatial_layers = static_cast<uint8_t>((b >> 5) + 1);
    d.has_resolutions = (b & 0x10) != 0;
    const bool has_group = (b & 0x08) != 0;
    if (d.has_resolutions) {
      if (!need(4u * d.num_spatial_layers)) {
        return std::nullopt;
      }
      for (std::size_t i = 0; i < d.num_spatial_layers; ++i) {
        d.width[i] = ReadU16(payload.data() + pos);
        d.height[i] = ReadU16(payload.data() + pos + 2);
        pos += 4;
      }
    }
    if (has_group) {
      if (!need(1)) {
        return std::nullopt;
      }
      d.num_frames_in_group = payload[pos++];
      for (std::size_t g = 0; g < d.num_frames_in_group; ++g) {
        if (!need(1)) {
          return std::nullopt;
        }
        const std::size_t refs = (payload[pos++] >> 2) & 0x03;  // R
        if (!need(refs)) {
          return std::nullopt;
        }
        pos += refs;
      }
    }
  }
  if (pos >= n) {
    return std::nullopt;  // no VP9 payload
  }
  d.size = pos;
  d.is_key_frame = d.start_of_frame && !d.inter_picture_predicted &&
                   (!d.has_layer_indices || d.spatial_id == 0);
  return d;
}

bool Vp9PayloadDescriptor::IsKeyFrame(std::span<const uint8_t> payload) {
  const auto d = Parse(payload);
  return d && d->is_key_frame;
}

}  // namespace tr::media
