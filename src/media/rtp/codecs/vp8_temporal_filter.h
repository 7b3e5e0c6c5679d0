#pragma once
// Temporal-layer selection for one forwarded VP8 stream (RFC 7741 §4.2 TID / Y / TL0PICIDX)
// on one consumer, with PictureID and TL0PICIDX rewritten so the consumer sees one
// continuous stream whatever we drop and whichever simulcast stream we forward.
//
// DOC: https://www.rfc-editor.org/rfc/rfc7741#section-4.2
//
// Why rewrite: a receiver's VP8 reference finder (libwebrtc RtpVp8RefFinder) treats a gap in
// PictureIDs as missing frames and holds back the frames after it, so every frame we drop
// must leave no hole, and a simulcast switch must not jump.
//
// Model (all per frame, decided on the first packet of the frame that we see):
//  - Output PictureID = input PictureID (unwrapped) - offset_; offset_ grows by one for each
//    frame we drop. A frame the source never sent (or that is still in flight) keeps its
//    slot, so the consumer sees the same gaps as the source.
//  - A layer "chain" t is intact when every reference frame of layer t since the last sync
//    point reached the consumer. A frame of layer t <= target goes out when the chains
//    0..t are intact, or when it is a key frame, or when it has Y (it then depends on TL0
//    only), which (re)starts chain t unless its N bit says nothing refers to it. Dropping a
//    frame breaks chains t.. unless it has N. So switching up waits for Y or a key frame;
//    switching down takes effect at the next frame.
//  - Frames seen out of order (older PictureID than the newest seen) are remembered in a
//    fixed ring of kHistory frames: a packet of a known frame gets the same decision and the
//    same output PictureID; a late frame not seen before takes the output slot we reserved
//    for it and goes out only if its layer is being forwarded (dropping it leaves a one-frame
//    gap, since the frames after it are already numbered). Frames more than kHistory behind
//    the newest are dropped.
//  - TL0 frames are always forwarded, so TL0PICIDX needs only a constant offset, chosen at
//    the first frame after Reset() (or after the source restarts its PictureIDs).
//  - Before the first key frame (of the filter or after Reset()) every chain counts as
//    intact: nothing is decodable yet, so there is nothing to protect; the consumer is the one
//    that asks for a key frame.
//
// Packet path: no allocation, no exception. Not thread-safe (one consumer, one worker thread).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "media/rtp/codecs/vp8.h"

namespace tr::media {

class Vp8TemporalFilter {
 public:
  enum class Decision { kForward, kDrop };

  // Frames whose decision and output PictureID are remembered (2 s at 60 fps). Also the
  // farthest a frame may arrive behind the newest one and still be forwarded.
  static constexpr std::size_t kHistory = 128;
  // TID is a 2-bit field; targets are clamped to 0..kMaxTemporalLayer.
  static constexpr int kMaxTemporalLayer = 3;

  // Decides whether a packet of the forwarded stream goes to the consumer with temporal
  // layer ceiling `target_tid` (0..2; clamped to 0..3), and rewrites its PictureID and
  // TL0PICIDX in place (payload = RTP payload) so the consumer sees continuous picture ids.
  // Switching up happens only on a frame with Y set for that layer or on a key frame;
  // switching down takes effect at the next frame. Packets without a T bit or without a
  // PictureID (and payloads that do not parse) pass through untouched (kForward). Packets of
  // one frame share one decision (keyed by PictureID + RTP timestamp). A kDrop packet is
  // left untouched. `key_frame`: the packet starts a key frame (OR-ed with our own check).
  Decision Process(std::span<uint8_t> payload, uint32_t rtp_timestamp, int target_tid,
                   bool key_frame);

  // The consumer switched to another simulcast stream (its own PictureID / TL0PICIDX
  // spaces): the next forwarded frame continues our output numbering from the last one we
  // sent (+1); TL0PICIDX likewise. Forget every remembered frame: feed only the new stream.
  void Reset();
  // Reset() for a filter that did not see the stream the consumer forwarded so far (it
  // forwarded that one untouched): continue after the PictureID and TL0PICIDX it last sent.
  void ContinueAfter(uint16_t picture_id, std::optional<uint8_t> tl0_pic_idx);

  // The PictureID and TL0PICIDX the last Process() wrote, if it forwarded a packet that
  // has a PictureID (so the caller need not parse the payload again to remember them).
  struct WrittenIds {
    bool valid = false;
    uint16_t picture_id = 0;
    uint8_t tl0_pic_idx = 0;
  };
  const WrittenIds& last_written() const { return last_written_; }

  // Highest temporal layer being forwarded now: the highest t <= target whose chains 0..t
  // are intact at the last new frame (-1 before the first packet, and again after Reset()).
  int current_tid() const { return current_tid_; }

 private:
  struct Frame {
    int64_t in = kNoFrame;  // unwrapped input PictureID
    int64_t offset = 0;     // input - output PictureID for this frame
    uint32_t timestamp = 0;
    bool forward = false;
    bool key = false;
  };
  static constexpr int64_t kNoFrame = INT64_MIN;
  static constexpr uint8_t kAllChains = (1u << (kMaxTemporalLayer + 1)) - 1;

  void Start(const Vp8PayloadDescriptor& d, uint32_t rtp_timestamp);
  const Frame& DecideNewFrame(int64_t in, const Vp8PayloadDescriptor& d, uint32_t rtp_timestamp,
                              int target, bool key);
  const Frame& DecideLateFrame(int64_t in, const Vp8PayloadDescriptor& d, uint32_t rtp_timestamp,
                               int target, bool key);
  int64_t Unwrap(const Vp8PayloadDescriptor& d) const;
  Frame& Slot(int64_t in) { return frames_[static_cast<uint64_t>(in) % kHistory]; }
  bool ChainsIntact(int tid) const;
  int IntactLayers(int target) const;
  void NoteSent(const Frame& f);

  bool started_ = false;  // a frame of the current input stream was seen
  int64_t newest_in_ = 0;
  uint32_t newest_timestamp_ = 0;
  int64_t offset_ = 0;               // input - output PictureID for the next new frame
  std::optional<int64_t> last_out_;  // highest output PictureID sent (unwrapped)
  std::optional<uint8_t> last_out_tl0_;
  uint8_t tl0_offset_ = 0;  // output - input TL0PICIDX (mod 256)
  bool tl0_offset_pending_ = true;
  uint8_t intact_chains_ = kAllChains;  // bit t: chain of layer t intact
  int current_tid_ = -1;
  std::array<Frame, kHistory> frames_{};
  WrittenIds last_written_;
};

}  // namespace tr::media
