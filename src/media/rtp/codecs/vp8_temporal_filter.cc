#include "media/rtp/codecs/vp8_temporal_filter.h"

#include <algorithm>

#include "media/common/seq_num.h"

namespace tr::media {

// Slot() maps negative unwrapped ids too: only a power of two divides 2^64 evenly.
static_assert((Vp8TemporalFilter::kHistory & (Vp8TemporalFilter::kHistory - 1)) == 0);

Vp8TemporalFilter::Decision Vp8TemporalFilter::Process(std::span<uint8_t> payload,
                                                       uint32_t rtp_timestamp, int target_tid,
                                                       bool key_frame) {
  last_written_.valid = false;
  auto d = Vp8PayloadDescriptor::Parse(payload);
  if (!d || !d->has_picture_id || !d->has_tid) {
    return Decision::kForward;
  }
  const int target = std::clamp(target_tid, 0, kMaxTemporalLayer);
  const bool key = key_frame || d->is_key_frame;
  const Frame* frame = nullptr;
  if (!started_) {
    Start(*d, rtp_timestamp);
    frame = &DecideNewFrame(newest_in_, *d, rtp_timestamp, target, key);
  } else {
    const int64_t in = Unwrap(*d);
    Frame& slot = Slot(in);
    if (in > newest_in_) {
      frame = &DecideNewFrame(in, *d, rtp_timestamp, target, key);
    } else if (slot.in == in && slot.timestamp == rtp_timestamp) {
      // Another packet (or a retransmission) of a frame already decided.
      if (key && !slot.key && slot.forward && in == newest_in_) {
        // The key frame's first packet came after other packets of it: resync now.
        slot.key = true;
        intact_chains_ = kAllChains;
        current_tid_ = IntactLayers(target);
      }
      frame = &slot;
    } else if (TimestampIsNewer(rtp_timestamp, newest_timestamp_)) {
      // A newer frame with an older (or the same) PictureID: the source restarted its
      // numbering on this SSRC. Continue ours as after a simulcast switch.
      Reset();
      Start(*d, rtp_timestamp);
      frame = &DecideNewFrame(newest_in_, *d, rtp_timestamp, target, key);
    } else if (slot.in == in || newest_in_ - in >= static_cast<int64_t>(kHistory)) {
      return Decision::kDrop;  // an id we know with another timestamp, or too old to place
    } else {
      frame = &DecideLateFrame(in, *d, rtp_timestamp, target, key);
    }
  }
  if (!frame->forward) {
    return Decision::kDrop;
  }
  last_written_ = {true, static_cast<uint16_t>((frame->in - frame->offset) & 0x7FFF),
                   static_cast<uint8_t>(d->tl0_pic_idx + tl0_offset_)};
  d->SetPictureId(payload, last_written_.picture_id);
  if (d->has_tl0_pic_idx) {
    d->SetTl0PicIdx(payload, last_written_.tl0_pic_idx);
  }
  return Decision::kForward;
}

void Vp8TemporalFilter::Reset() {
  started_ = false;
  current_tid_ = -1;
  frames_.fill(Frame{});
}

void Vp8TemporalFilter::ContinueAfter(uint16_t picture_id, std::optional<uint8_t> tl0_pic_idx) {
  Reset();
  last_out_ = picture_id;
  last_out_tl0_ = tl0_pic_idx;
}

void Vp8TemporalFilter::Start(const Vp8PayloadDescriptor& d, uint32_t rtp_timestamp) {
  started_ = true;
  newest_in_ = d.picture_id;
  newest_timestamp_ = rtp_timestamp;
  // The first frame of a stream takes the output id after the last one we sent.
  offset_ = last_out_ ? newest_in_ - (*last_out_ + 1) : 0;
  tl0_offset_pending_ = true;
  intact_chains_ = kAllChains;
}

const Vp8TemporalFilter::Frame& Vp8TemporalFilter::DecideNewFrame(int64_t in,
                                                                  const Vp8PayloadDescriptor& d,
                                                                  uint32_t rtp_timestamp,
                                                                  int target, bool key) {
  if (tl0_offset_pending_ && d.has_tl0_pic_idx) {
    // A TL0 frame opens the next TL0PICIDX after ours; a higher-layer frame belongs to the
    // group of the last TL0 frame we sent, so the next TL0 frame of this stream follows it.
    tl0_offset_pending_ = false;
    tl0_offset_ = last_out_tl0_ ? static_cast<uint8_t>(*last_out_tl0_ + (d.tid == 0 ? 1 : 0) -
                                                       d.tl0_pic_idx)
                                : 0;
  }
  const int tid = d.tid;
  bool forward = false;
  if (key) {
    intact_chains_ = kAllChains;  // a key frame refreshes every reference buffer
    forward = true;
  } else if (tid > target) {
    forward = false;
  } else if (d.layer_sync && (intact_chains_ & 1) != 0) {
    // Y: depends on TL0 only. It restarts chain t unless nothing may refer to it (N).
    if (!d.non_reference) {
      intact_chains_ |= static_cast<uint8_t>(1u << tid);
    }
    forward = true;
  } else {
    forward = ChainsIntact(tid);
  }
  if (!forward && !d.non_reference) {
    intact_chains_ &= static_cast<uint8_t>((1u << tid) - 1);  // later frames of t.. may refer to it
  }
  Frame& f = Slot(in);
  f = Frame{in, offset_, rtp_timestamp, forward, key};
  if (!forward) {
    ++offset_;  // the next frame takes this one's output id
  }
  newest_in_ = in;
  newest_timestamp_ = rtp_timestamp;
  current_tid_ = IntactLayers(target);
  if (forward) {
    NoteSent(f);
    if (d.has_tl0_pic_idx) {
      last_out_tl0_ = static_cast<uint8_t>(d.tl0_pic_idx + tl0_offset_);
    }
  }
  return f;
}

const Vp8TemporalFilter::Frame& Vp8TemporalFilter::DecideLateFrame(int64_t in,
                                                                   const Vp8PayloadDescriptor& d,
                                                                   uint32_t rtp_timestamp,
                                                                   int target, bool key) {
  // Its output slot is the one the next newer frame we know left for it: that frame's
  // offset counts every drop before it, and none happened between the two (we would know
  // that frame). The newest frame is always in the ring, so the search ends.
  int64_t offset = offset_;
  for (int64_t x = in + 1; x <= newest_in_; ++x) {
    const Frame& later = Slot(x);
    if (later.in == x) {
      offset = later.offset;
      break;
    }
  }
  // No chain bookkeeping: frames after it were decided already.
  const bool forward = key || static_cast<int>(d.tid) <= std::min(target, current_tid_);
  Frame& f = Slot(in);
  f = Frame{in, offset, rtp_timestamp, forward, key};
  if (forward) {
    NoteSent(f);
  }
  return f;
}

int64_t Vp8TemporalFilter::Unwrap(const Vp8PayloadDescriptor& d) const {
  // Placed nearest the newest id in the packet's own 7- or 15-bit space; exactly half the
  // range away counts as older (too old, or a restart when its timestamp is newer).
  const int64_t modulus = d.picture_id_15bit ? (int64_t{1} << 15) : (int64_t{1} << 7);
  int64_t delta = (static_cast<int64_t>(d.picture_id) - newest_in_) & (modulus - 1);
  if (delta >= modulus / 2) {
    delta -= modulus;
  }
  return newest_in_ + delta;
}

bool Vp8TemporalFilter::ChainsIntact(int tid) const {
  const auto mask = static_cast<uint8_t>((2u << tid) - 1);
  return (intact_chains_ & mask) == mask;
}

int Vp8TemporalFilter::IntactLayers(int target) const {
  int t = -1;
  while (t < target && (intact_chains_ & (1u << (t + 1))) != 0) {
    ++t;
  }
  return t;
}

void Vp8TemporalFilter::NoteSent(const Frame& f) {
  const int64_t out = f.in - f.offset;
  if (!last_out_ || out > *last_out_) {
    last_out_ = out;
  }
}

}  // namespace tr::media
