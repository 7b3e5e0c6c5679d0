#include "media/rtp/codecs/vp9_svc_filter.h"

#include <algorithm>

#include "media/common/seq_num.h"

namespace tr::media {

Vp9SvcFilter::Result Vp9SvcFilter::Process(std::span<const uint8_t> payload,
                                           uint32_t rtp_timestamp, bool marker,
                                           int target_spatial, int target_temporal) {
  const auto d = Vp9PayloadDescriptor::Parse(payload);
  if (!d || !d->has_layer_indices) {
    return {true, marker};
  }
  bool temporal_ok;
  if (!started_ || TimestampIsNewer(rtp_timestamp, picture_timestamp_)) {
    StartPicture(*d, rtp_timestamp, std::clamp(target_spatial, 0, kMaxLayer),
                 std::clamp(target_temporal, 0, kMaxLayer));
    temporal_ok = picture_forward_;
  } else if (rtp_timestamp == picture_timestamp_) {
    temporal_ok = picture_forward_;
  } else {
    temporal_ok = d->temporal_id <= current_temporal_;  // an older picture
  }
  const int sid = d->spatial_id;
  if (!temporal_ok || sid > current_spatial_) {
    return {false, false};
  }
  return {true, marker || (d->end_of_frame && sid == current_spatial_)};
}

void Vp9SvcFilter::Reset() {
  started_ = false;
  intact_chains_ = kAllChains;
  current_spatial_ = -1;
  current_temporal_ = -1;
}

void Vp9SvcFilter::StartPicture(const Vp9PayloadDescriptor& d, uint32_t rtp_timestamp,
                                int target_spatial, int target_temporal) {
  started_ = true;
  picture_timestamp_ = rtp_timestamp;
  const bool key = d.is_key_frame;  // B, P=0 on SID 0
  if (key) {
    intact_chains_ = kAllChains;  // a key picture refreshes every reference
  }
  SelectSpatial(key, target_spatial);
  const int tid = d.temporal_id;
  picture_forward_ = tid <= target_temporal && ChainsIntact(tid);
  if (!picture_forward_) {
    // Later pictures of layers tid.. may refer to this one.
    intact_chains_ &= static_cast<uint8_t>((1u << tid) - 1);
  } else if (d.switching_up_point) {
    // Later pictures above tid refer to nothing before this one above tid.
    intact_chains_ |= static_cast<uint8_t>(~((2u << tid) - 1));
  }
  current_temporal_ = IntactLayers(target_temporal);
}

void Vp9SvcFilter::SelectSpatial(bool key, int target) {
  if (key) {
    current_spatial_ = target;
  } else if (current_spatial_ < 0) {
    current_spatial_ = 0;  // upper layers are not decodable before a key picture
  } else if (target < current_spatial_) {
    current_spatial_ = target;
  }
}

bool Vp9SvcFilter::ChainsIntact(int tid) const {
  const auto mask = static_cast<uint8_t>((2u << tid) - 1);
  return (intact_chains_ & mask) == mask;
}

int Vp9SvcFilter::IntactLayers(int target) const {
  int t = -1;
  while (t < target && (intact_chains_ & (1u << (t + 1))) != 0) {
    ++t;
  }
  return t;
}

}  // namespace tr::media
