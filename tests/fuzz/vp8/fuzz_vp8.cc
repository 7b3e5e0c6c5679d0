// libFuzzer target for the VP8 payload descriptor (media/rtp/codecs/vp8.h) and the
// per-consumer temporal-layer filter (vp8_temporal_filter.h). Two passes over each input:
//  1. Raw: the input is a list of records [len][flags][payload...]; each payload is parsed,
//     rewritten in place (PictureID / TL0PICIDX) and fed to one Vp8TemporalFilter with the
//     target / key flag / Reset taken from `flags`. Checks: rewrites touch only their own
//     bytes and never the size; kDrop and pass-through packets stay untouched; the same packet
//     fed again gets the same decision and the same bytes.
//  2. Synthetic: the input drives an encoder model (L1T3 pattern or free TID / Y / N bits,
//     key frames, multi-packet frames, retransmissions, target changes, stream switches with
//     Reset) and the filter's output must be a stream a receiver can decode: consecutive
//     PictureIDs and TL0PICIDXs across switches, TL0 always forwarded, nothing above the
//     target, no forwarded frame whose reference was dropped, and every layer <= target
//     forwarded after a key frame when the target did not change.
// Seeds: tests/fuzz/corpus/vp8/ (records of real descriptors).
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "media/rtp/codecs/vp8.h"
#include "media/rtp/codecs/vp8_temporal_filter.h"
#include "fuzz_check.h"

namespace {

using namespace tr::media;
using Decision = Vp8TemporalFilter::Decision;
using Bytes = std::vector<uint8_t>;

// Byte offsets of the rewritable fields (RFC 7741 §4.2), or -1.
int PictureIdOffset(const Vp8PayloadDescriptor& d) { return d.has_picture_id ? 2 : -1; }
int Tl0Offset(const Vp8PayloadDescriptor& d) {
  return d.has_tl0_pic_idx ? 2 + (d.has_picture_id ? (d.picture_id_15bit ? 2 : 1) : 0) : -1;
}

// Everything except PictureID and TL0PICIDX must survive a rewrite, byte for byte.
void CheckOnlyIdsChanged(const Bytes& before, const Bytes& after, const Vp8PayloadDescriptor& d) {
  FUZZ_CHECK(before.size() == after.size());
  const int pid = PictureIdOffset(d);
  const int tl0 = Tl0Offset(d);
  for (std::size_t i = 0; i < before.size(); ++i) {
    const int at = static_cast<int>(i);
    if (at == pid) {
      FUZZ_CHECK((before[i] & 0x80) == (after[i] & 0x80));  // M kept
    } else if ((pid >= 0 && d.picture_id_15bit && at == pid + 1) || at == tl0) {
      continue;
    } else {
      FUZZ_CHECK(before[i] == after[i]);
    }
  }
  const auto again = Vp8PayloadDescriptor::Parse(after);
  FUZZ_CHECK(again && again->size == d.size && again->tid == d.tid &&
             again->layer_sync == d.layer_sync && again->non_reference == d.non_reference &&
             again->picture_id_15bit == d.picture_id_15bit &&
             again->is_key_frame == d.is_key_frame);
}

void RawPass(const uint8_t* data, std::size_t size) {
  Vp8TemporalFilter filter;
  uint32_t ts = 1000;
  std::size_t pos = 0;
  while (pos + 2 <= size) {
    const std::size_t len = data[pos];
    const uint8_t flags = data[pos + 1];
    pos += 2;
    const std::size_t n = std::min(len, size - pos);
    const Bytes original(data + pos, data + pos + n);
    pos += n;
    const auto d = Vp8PayloadDescriptor::Parse(original);
    if (d) {
      FUZZ_CHECK(d->size < original.size());
      FUZZ_CHECK(!d->has_picture_id || d->picture_id <= (d->picture_id_15bit ? 0x7FFF : 0x7F));
      // Rewrite helpers: the new value reads back (masked to the packet's form).
      Bytes copy = original;
      Vp8PayloadDescriptor w = *d;
      const auto new_id = static_cast<uint16_t>(flags * 977u + n);
      FUZZ_CHECK(w.SetPictureId(copy, new_id) == d->has_picture_id);
      FUZZ_CHECK(w.SetTl0PicIdx(copy, static_cast<uint8_t>(~flags)) == d->has_tl0_pic_idx);
      CheckOnlyIdsChanged(original, copy, *d);
      const auto back = Vp8PayloadDescriptor::Parse(copy);
      if (d->has_picture_id) {
        FUZZ_CHECK(back->picture_id == (new_id & (d->picture_id_15bit ? 0x7FFF : 0x7F)));
      }
      if (d->has_tl0_pic_idx) {
        FUZZ_CHECK(back->tl0_pic_idx == static_cast<uint8_t>(~flags));
      }
      // A buffer shorter than the descriptor is refused and left alone.
      FUZZ_CHECK(!w.SetPictureId(std::span<uint8_t>(copy).first(d->size - 1), 1));
    } else {
      Bytes copy = original;
      FUZZ_CHECK(!Vp8PayloadDescriptor::RewritePictureId(copy, 5));
      FUZZ_CHECK(!Vp8PayloadDescriptor::RewriteTl0PicIdx(copy, 5));
      FUZZ_CHECK(copy == original);
    }

    if ((flags & 0x08) != 0) {
      filter.Reset();
      FUZZ_CHECK(filter.current_tid() == -1);
    }
    ts += (flags >> 4) * 1500u;
    const int target = (flags & 0x03) - ((flags & 0x80) != 0 ? 1 : 0);  // -1..3: clamped
    const bool key = (flags & 0x04) != 0;
    Bytes packet = original;
    const Decision decision = filter.Process(packet, ts, target, key);
    FUZZ_CHECK(filter.current_tid() >= -1 &&
               filter.current_tid() <= Vp8TemporalFilter::kMaxTemporalLayer);
    if (!d || !d->has_picture_id || !d->has_tid) {
      FUZZ_CHECK(decision == Decision::kForward && packet == original);
      continue;
    }
    if (decision == Decision::kDrop) {
      FUZZ_CHECK(packet == original);
    } else {
      CheckOnlyIdsChanged(original, packet, *d);
    }
    // The same packet again (a retransmission): same frame, same answer.
    Bytes again = original;
    FUZZ_CHECK(filter.Process(again, ts, (target + 1) % 3, key) == decision);
    FUZZ_CHECK(again == packet);
  }
}

// ---- Synthetic stream ----

class Reader {
 public:
  Reader(const uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool Done() const { return pos_ >= size_; }
  uint8_t U8() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t U16() { return static_cast<uint16_t>((U8() << 8) | U8()); }

 private:
  const uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

struct Spec {
  uint16_t picture_id;
  bool picture_id_15bit;
  uint8_t tl0;
  uint8_t tid;
  bool y;
  bool n;
  bool start;
  bool key;
};

Bytes Build(const Spec& s) {
  Bytes b = {static_cast<uint8_t>(0x80 | (s.n ? 0x20 : 0) | (s.start ? 0x10 : 0)), 0xE0};
  if (s.picture_id_15bit) {
    b.push_back(static_cast<uint8_t>(0x80 | ((s.picture_id >> 8) & 0x7F)));
    b.push_back(static_cast<uint8_t>(s.picture_id));
  } else {
    b.push_back(static_cast<uint8_t>(s.picture_id & 0x7F));
  }
  b.push_back(s.tl0);
  b.push_back(static_cast<uint8_t>((s.tid << 6) | (s.y ? 0x20 : 0)));
  if (s.start && s.key) {
    b.insert(b.end(), {0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00});
  } else {
    b.insert(b.end(), {0x31, 0x05, 0x00, 0x11});
  }
  return b;
}

struct Sent {
  Bytes original;
  Bytes result;
  uint32_t ts;
  Decision decision;
};

void SyntheticPass(const uint8_t* data, std::size_t size) {
  Reader in(data, size);
  const uint8_t config = in.U8();
  const bool free_pattern = (config & 0x01) != 0;  // else Chrome's L1T3 pattern
  Vp8TemporalFilter filter;
  int target = config % 3;
  bool target_changed_since_key = true;

  // Input stream state.
  bool form15 = (config & 0x02) == 0;
  uint16_t pid = in.U16();
  uint8_t tl0 = in.U8();
  uint32_t ts = 0;
  int pos_in_group = 0;
  bool stream_has_key = false;
  // Decodability model, per stream: frame number of the newest reference frame (N=0) of each
  // layer since the last key frame, and whether each frame went out.
  int frame_no = -1;
  std::array<int, 4> last_ref{-1, -1, -1, -1};
  std::vector<bool> forwarded;

  // Output side, across streams.
  std::optional<uint16_t> last_out_pid;
  bool last_out_15bit = true;
  std::optional<uint8_t> last_out_tl0;  // of the last forwarded TL0 frame

  std::array<Sent, 8> history{};
  std::size_t history_len = 0;  // the last packets sent, at most 8 frames old
  std::size_t history_next = 0;

  int steps = 0;
  while (!in.Done() && steps++ < 2000) {
    const uint8_t op = in.U8();
    switch (op % 16) {
      case 0: {  // the consumer switches to another stream
        filter.Reset();
        FUZZ_CHECK(filter.current_tid() == -1);
        form15 = (op & 0x10) == 0 ? form15 : !form15;
        pid = in.U16();
        tl0 = in.U8();
        ts = in.U16() * 7u;
        pos_in_group = (op >> 5) % 4;
        stream_has_key = false;
        frame_no = -1;
        last_ref = {-1, -1, -1, -1};
        forwarded.clear();
        history_len = 0;
        history_next = 0;
        break;
      }
      case 1:
        target = in.U8() % 3;
        target_changed_since_key = true;
        break;
      case 2: {  // retransmission of a recent packet
        if (history_len == 0) {
          break;
        }
        const Sent& s = history[in.U8() % history_len];
        Bytes copy = s.original;
        FUZZ_CHECK(filter.Process(copy, s.ts, in.U8() % 3, false) == s.decision);
        FUZZ_CHECK(copy == s.result);
        break;
      }
      default: {  // a new frame of 1..3 packets
        const bool key = (op & 0xE0) == 0xE0 || (frame_no < 0 && (op & 0x10) != 0);
        uint8_t tid = 0;
        bool y = false;
        bool n = false;
        if (key) {
          pos_in_group = 0;
        } else if (free_pattern) {
          const uint8_t bits = in.U8();
          tid = bits % 3;
          y = (bits & 0x04) != 0 && tid > 0;
          n = (bits & 0x08) != 0 && tid > 0;
        } else {
          static constexpr uint8_t kTid[] = {0, 2, 1, 2};
          tid = kTid[pos_in_group];
          y = pos_in_group == 1 || pos_in_group == 2;
          n = pos_in_group == 3;
        }
        pos_in_group = (pos_in_group + 1) % 4;
        pid = static_cast<uint16_t>((pid + 1) & 0x7FFF);
        if (tid == 0) {
          ++tl0;
        }
        ts += 3000;
        ++frame_no;
        if (key) {
          stream_has_key = true;
          target_changed_since_key = false;
          last_ref = {-1, -1, -1, -1};
        }

        const int packets = 1 + (op >> 4) % 3;
        std::optional<Decision> frame_decision;
        std::optional<uint16_t> frame_pid;
        const uint16_t mask = form15 ? 0x7FFF : 0x7F;
        for (int p = 0; p < packets; ++p) {
          const Spec spec{pid, form15, tl0, tid, y, n, p == 0, key};
          const Bytes original = Build(spec);
          Bytes packet = original;
          // The target may change mid-frame: the frame keeps its decision.
          const int t = p == 0 ? target : (target + p) % 3;
          const Decision decision = filter.Process(packet, ts, t, key && p == 0);
          FUZZ_CHECK(packet.size() == original.size());
          history[history_next++ % history.size()] = Sent{original, packet, ts, decision};
          history_len = std::min(history_len + 1, history.size());
          if (frame_decision) {
            FUZZ_CHECK(decision == *frame_decision);
          }
          frame_decision = decision;
          if (decision == Decision::kDrop) {
            FUZZ_CHECK(packet == original);
            continue;
          }
          const auto d = Vp8PayloadDescriptor::Parse(packet);
          FUZZ_CHECK(d && d->tid == tid && d->picture_id_15bit == form15);
          if (frame_pid) {
            FUZZ_CHECK(d->picture_id == *frame_pid);
            continue;
          }
          frame_pid = d->picture_id;
          // A new forwarded frame: the next output id, and TL0PICIDX continuity.
          if (last_out_pid) {
            // Across a switch between the 7- and 15-bit forms only the low 7 bits continue.
            const uint16_t m = last_out_15bit ? mask : 0x7F;
            FUZZ_CHECK((d->picture_id & m) == ((*last_out_pid + 1) & m));
          }
          last_out_pid = d->picture_id;
          last_out_15bit = form15;
          if (last_out_tl0) {
            FUZZ_CHECK(d->tl0_pic_idx == static_cast<uint8_t>(*last_out_tl0 + (tid == 0 ? 1 : 0)));
          }
          if (tid == 0) {
            last_out_tl0 = d->tl0_pic_idx;
          }
        }
        const bool fwd = *frame_decision == Decision::kForward;
        forwarded.push_back(fwd);
        FUZZ_CHECK(tid != 0 || fwd);           // TL0 always goes out
        FUZZ_CHECK(key || !fwd || tid <= target);  // nothing above the target
        if (stream_has_key && !target_changed_since_key) {
          FUZZ_CHECK(fwd == (tid <= target));  // steady target after a key frame: all of it
        }
        if (fwd && stream_has_key && !key) {
          // Its references went out: TL0 only for Y, else the newest reference of each
          // layer up to its own.
          for (int layer = 0; layer <= (y ? 0 : tid); ++layer) {
            const int ref = last_ref[static_cast<std::size_t>(layer)];
            FUZZ_CHECK(ref < 0 || forwarded[static_cast<std::size_t>(ref)]);
          }
        }
        if (!n) {
          last_ref[tid] = frame_no;
        }
        break;
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  RawPass(data, size);
  SyntheticPass(data, size);
  return 0;
}
