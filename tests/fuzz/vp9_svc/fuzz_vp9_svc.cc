// libFuzzer target for the per-consumer VP9 SVC layer filter (vp9_svc_filter.h) over the
// VP9 payload descriptor parser (vp9.h). Two passes over each input:
//  1. Raw: the input is a list of records [len][flags][payload...]; each payload goes to one
//     Vp9SvcFilter with the targets / marker / timestamp step / Reset taken from `flags`.
//     Checks: what does not parse (or has no layer indices) passes with its marker; nothing
//     above the current spatial layer, or above the target temporal layer in a new picture,
//     goes out; a marker is only added on the end of the current spatial layer; a dropped
//     packet has none; the same packet again gets the same answer.
//  2. Synthetic: the input drives a k-SVC encoder model (Chromium's L3T3_KEY pattern or free
//     TIDs / U bits / same-layer references, 1..3 packets per layer frame, key pictures,
//     pictures without their top layers, retransmissions, target changes between and inside
//     pictures, Reset before a key picture as a consumer restart) and the filter's output
//     must be a stream a receiver can decode: nothing above the targets at the picture's
//     start, whole layer frames of layers 0..k only, exactly one marker per forwarded picture
//     on its last forwarded packet, no forwarded layer frame whose reference was not
//     forwarded, and every layer up to the targets once a key picture came with steady
//     targets.
// Seeds: tests/fuzz/corpus/vp9_svc/.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "media/common/seq_num.h"
#include "media/rtp/codecs/vp9.h"
#include "media/rtp/codecs/vp9_svc_filter.h"
#include "fuzz_check.h"

namespace {

using namespace tr::media;
using Bytes = std::vector<uint8_t>;
using Result = Vp9SvcFilter::Result;

void CheckBounds(const Vp9SvcFilter& f) {
  FUZZ_CHECK(f.current_spatial() >= -1 && f.current_spatial() <= Vp9SvcFilter::kMaxLayer);
  FUZZ_CHECK(f.current_temporal() >= -1 && f.current_temporal() <= Vp9SvcFilter::kMaxLayer);
}

void RawPass(const uint8_t* data, std::size_t size) {
  Vp9SvcFilter filter;
  uint32_t ts = 1000;
  bool started = false;
  uint32_t newest = 0;
  std::size_t pos = 0;
  while (pos + 2 <= size) {
    const std::size_t len = data[pos];
    const uint8_t flags = data[pos + 1];
    pos += 2;
    const std::size_t n = std::min(len, size - pos);
    const Bytes payload(data + pos, data + pos + n);
    pos += n;
    if ((flags & 0x20) != 0) {
      filter.Reset();
      started = false;
      FUZZ_CHECK(filter.current_spatial() == -1 && filter.current_temporal() == -1);
    }
    // Steps 0..3: same picture, next ones, or (3) one from the past.
    const int step = flags >> 6;
    ts = step == 3 ? ts - 4500 : ts + static_cast<uint32_t>(step) * 1500;
    const int target_s = (flags & 0x03) - ((flags & 0x0C) == 0x0C ? 1 : 0);  // -1..3: clamped
    const int target_t = (flags >> 2) & 0x03;
    const bool marker = (flags & 0x10) != 0;
    const Result r = filter.Process(payload, ts, marker, target_s, target_t);
    CheckBounds(filter);
    const auto d = Vp9PayloadDescriptor::Parse(payload);
    if (!d || !d->has_layer_indices) {
      FUZZ_CHECK(r.forward && r.marker == marker);
      continue;
    }
    const bool new_picture = !started || TimestampIsNewer(ts, newest);
    if (new_picture) {
      started = true;
      newest = ts;
      FUZZ_CHECK(filter.current_spatial() <= std::max(target_s, 0));
    }
    if (!r.forward) {
      FUZZ_CHECK(!r.marker);
    } else {
      FUZZ_CHECK(d->spatial_id <= filter.current_spatial());
      FUZZ_CHECK(!new_picture || d->temporal_id <= target_t);
      FUZZ_CHECK(r.marker == (marker || (d->end_of_frame &&
                                         d->spatial_id == filter.current_spatial())));
    }
    // The same packet again (a retransmission, other targets): the same answer.
    const Result again = filter.Process(payload, ts, marker, target_s ^ 1, target_t ^ 2);
    FUZZ_CHECK(again.forward == r.forward && again.marker == r.marker);
  }
}

// ---- Synthetic stream ----

class Reader {
 public:
  Reader(const uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool Done() const { return pos_ >= size_; }
  uint8_t U8() { return pos_ < size_ ? data_[pos_++] : 0; }

 private:
  const uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

struct Spec {
  uint16_t picture_id = 0;
  bool inter = true;
  bool begin = true;
  bool end = true;
  uint8_t tid = 0;
  bool up = false;
  uint8_t sid = 0;
  uint8_t p_diff = 1;
  bool ss = false;
};

Bytes Build(const Spec& s) {
  Bytes b = {static_cast<uint8_t>(0xB0 | (s.inter ? 0x40 : 0) | (s.begin ? 0x08 : 0) |
                                  (s.end ? 0x04 : 0) | (s.ss ? 0x02 : 0)),
             static_cast<uint8_t>(0x80 | (s.picture_id >> 8)), static_cast<uint8_t>(s.picture_id),
             static_cast<uint8_t>((s.tid << 5) | (s.up ? 0x10 : 0) | (s.sid << 1) |
                                  (!s.inter && s.sid > 0 ? 1 : 0))};
  if (s.inter) {
    b.push_back(static_cast<uint8_t>(s.p_diff << 1));
  }
  if (s.ss) {
    b.insert(b.end(), {0x40, 0x00, 0xA0, 0x00, 0x5A, 0x01, 0x40, 0x00, 0xB4, 0x02, 0x80,
                       0x01, 0x68});
  }
  b.insert(b.end(), {0x82, 0x49, 0x83});
  return b;
}

constexpr int kLayers = 3;

struct Sent {
  Bytes payload;
  uint32_t ts = 0;
  bool marker = false;
  Result result;
};

class Synthetic {
 public:
  explicit Synthetic(uint8_t config)
      : free_pattern_((config & 0x01) != 0),
        per_layer_(1 + (config >> 1) % 3),
        target_s_((config >> 3) % 3),
        target_t_((config >> 5) % 3) {}

  void Run(Reader& in) {
    int steps = 0;
    while (!in.Done() && steps++ < 1000) {
      const uint8_t op = in.U8();
      switch (op % 8) {
        case 0:
          target_s_ = (op >> 3) % 3;
          target_t_ = (op >> 5) % 4;
          steady_ = false;
          break;
        case 1:
          Retransmit(in.U8());
          break;
        case 2:  // the consumer restarts: on the next key picture
          filter_.Reset();
          CheckBounds(filter_);
          force_key_ = true;
          keyed_ = false;
          reset_in_picture_ = true;
          break;
        default:
          Picture(op, in);
          break;
      }
    }
  }

 private:
  struct Frame {  // one layer frame the source sent
    int picture = -1;
    int tid = 0;
    bool forwarded = false;
  };

  void Picture(uint8_t op, Reader& in) {
    const bool key = force_key_ || (op & 0xF0) == 0xF0 || picture_ < 0;
    force_key_ = false;
    reset_in_picture_ = false;
    ++picture_;
    ++picture_id_;
    ts_ += 3000;
    if (key) {
      since_key_ = 0;
      history_.fill({});
      barrier_.fill(picture_);
    }
    // Top layers the encoder skips in this picture (never on a key picture): 0, 1 or 2.
    const int skip1 = (op >> 3) & 0x01;
    const int skip2 = skip1 & (op >> 4);
    const int layers = key ? kLayers : kLayers - skip1 - skip2;
    uint8_t tid = 0;
    bool up = true;
    bool same_tid_ref = false;
    if (!key && free_pattern_) {
      const uint8_t bits = in.U8();
      tid = bits % 4;
      up = (bits & 0x04) != 0;
      same_tid_ref = (bits & 0x08) != 0;
    } else if (!key) {
      static constexpr uint8_t kTid[] = {0, 2, 1, 2};
      tid = kTid[since_key_ % 4];
    }
    up = up && layers == kLayers;  // a picture without all layers promises nothing
    const int ts_start = target_s_;
    const int tt_start = target_t_;
    const bool change_inside = (op & 0x40) != 0 && (op & 0x80) == 0;

    std::array<int, kLayers> forwarded_packets{};
    int forwarded_total = 0;
    int markers = 0;
    bool last_forwarded_marked = false;
    int packet_index = 0;
    for (int sid = 0; sid < layers; ++sid) {
      const Frame ref = key ? Frame{} : Reference(sid, tid, same_tid_ref);
      std::optional<bool> layer_decision;
      for (int p = 0; p < per_layer_; ++p) {
        Spec s;
        s.picture_id = static_cast<uint16_t>(picture_id_ & 0x7FFF);
        s.inter = !key;
        s.begin = p == 0;
        s.end = p == per_layer_ - 1;
        s.tid = tid;
        s.up = up;
        s.sid = static_cast<uint8_t>(sid);
        s.p_diff = static_cast<uint8_t>(ref.picture >= 0 ? picture_ - ref.picture : 1);
        s.ss = key && sid == 0 && p == 0;
        const bool marker = s.end && sid == layers - 1;
        const Bytes payload = Build(s);
        // A target change inside the picture holds only from the next picture on.
        const int ts_now = change_inside && packet_index > 0 ? (ts_start + 1) % 3 : ts_start;
        const int tt_now = change_inside && packet_index > 0 ? (tt_start + 2) % 3 : tt_start;
        const Result r = filter_.Process(payload, ts_, marker, ts_now, tt_now);
        CheckBounds(filter_);
        Remember(Sent{payload, ts_, marker, r});
        ++packet_index;
        if (layer_decision) {
          FUZZ_CHECK(*layer_decision == r.forward);  // whole layer frames
        }
        layer_decision = r.forward;
        if (!r.forward) {
          FUZZ_CHECK(!r.marker);
          continue;
        }
        FUZZ_CHECK(sid <= ts_start && tid <= tt_start);  // nothing above the targets
        ++forwarded_packets[static_cast<std::size_t>(sid)];
        ++forwarded_total;
        markers += r.marker ? 1 : 0;
        last_forwarded_marked = r.marker;
      }
      const bool fwd = *layer_decision;
      if (sid > 0) {  // layers 0..k only
        FUZZ_CHECK(!fwd || forwarded_packets[static_cast<std::size_t>(sid - 1)] > 0);
      }
      if (fwd && !key && keyed_ && ref.picture >= 0) {
        FUZZ_CHECK(ref.forwarded);  // decodable: its reference reached the viewer
      }
      history_[static_cast<std::size_t>(sid)][tid] = Frame{picture_, tid, fwd};
    }
    if (forwarded_total > 0) {
      FUZZ_CHECK(markers == 1 && last_forwarded_marked);
    }
    if (key) {
      keyed_ = true;
      steady_ = !change_inside;
    }
    if (steady_ && keyed_) {
      // Steady targets since a key picture: all of them, nothing else.
      for (int sid = 0; sid < layers; ++sid) {
        const bool want = sid <= target_s_ && tid <= target_t_;
        FUZZ_CHECK((forwarded_packets[static_cast<std::size_t>(sid)] > 0) == want);
      }
    }
    if (change_inside) {
      target_s_ = (ts_start + 1) % 3;
      target_t_ = (tt_start + 2) % 3;
      steady_ = false;
    }
    if (up) {
      // Later pictures above tid refer to nothing before this one above tid.
      for (int t = tid + 1; t < 4; ++t) {
        barrier_[static_cast<std::size_t>(t)] = picture_;
      }
    }
    ++since_key_;
  }

  // The newest earlier frame of layer `sid` with TID <= tid (Chromium's pattern follows
  // from this rule), or in the free pattern optionally the newest with the same TID when no
  // switching-up point since forbids it.
  Frame Reference(int sid, int tid, bool same_tid) const {
    const auto& layer = history_[static_cast<std::size_t>(sid)];
    const auto t_index = static_cast<std::size_t>(tid);
    if (same_tid && layer[t_index].picture >= barrier_[t_index]) {
      return layer[t_index];
    }
    Frame best;
    for (std::size_t t = 0; t <= t_index; ++t) {
      if (layer[t].picture > best.picture) {
        best = layer[t];
      }
    }
    return best;
  }

  void Remember(const Sent& s) {
    recent_[recent_next_++ % recent_.size()] = s;
    recent_count_ = std::min(recent_count_ + 1, recent_.size());
  }

  void Retransmit(uint8_t pick) {
    if (recent_count_ == 0) {
      return;
    }
    const Sent& s = recent_[pick % recent_count_];
    const Result r = filter_.Process(s.payload, s.ts, s.marker, pick % 3, pick % 4);
    CheckBounds(filter_);
    if (s.ts == ts_ && !reset_in_picture_) {
      FUZZ_CHECK(r.forward == s.result.forward && r.marker == s.result.marker);
    } else if (r.forward) {
      FUZZ_CHECK(Vp9PayloadDescriptor::Parse(s.payload)->spatial_id <= filter_.current_spatial());
    }
  }

  Vp9SvcFilter filter_;
  const bool free_pattern_;
  const int per_layer_;
  int target_s_;
  int target_t_;
  bool steady_ = false;  // targets unchanged since the last key picture
  bool keyed_ = false;   // a key picture since the last Reset
  bool force_key_ = false;
  bool reset_in_picture_ = false;  // Reset() since the newest picture: it is forgotten
  int picture_ = -1;
  uint16_t picture_id_ = 0x7F00;  // wraps soon
  uint32_t ts_ = 0xFFFF0000u;     // wraps soon
  int since_key_ = 0;
  // Newest frame of each (layer, TID) since the key picture.
  std::array<std::array<Frame, 4>, kLayers> history_{};
  // Same-TID references of TID t must not be older than barrier_[t].
  std::array<int, 4> barrier_{};
  std::array<Sent, 16> recent_{};
  std::size_t recent_count_ = 0;
  std::size_t recent_next_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  RawPass(data, size);
  Reader in(data, size);
  Synthetic synthetic(in.U8());
  synthetic.Run(in);
  return 0;
}
