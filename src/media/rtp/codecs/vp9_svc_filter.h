#pragma once
// Spatial and temporal layer selection for one forwarded VP9 SVC stream (one SSRC carrying
// every layer, e.g. Chromium's "L3T3_KEY") on one consumer: packets above the consumer's
// layers are dropped and the marker bit is moved to the end of the highest layer it gets.
//
// DOC: https://www.rfc-editor.org/rfc/rfc9628#section-4.2 (SID, TID, U, B, E, P; §3: the
// marker bit ends a picture)
//
// A picture is all layer frames with one RTP timestamp; every decision is taken at the
// first packet we see of a newer picture and holds for all of its packets:
//  - Spatial: down at any picture; up only at a key picture (P=0 on SID 0), because in
//    k-SVC the upper layers of a delta picture reference only their own layer's previous
//    frames, which a viewer of a lower layer never got.
//  - Temporal (all spatial layers of a picture share its TID): a "chain" t is intact when
//    every picture of layer t since the last switch point reached the consumer. A picture
//    of layer t goes out when t <= target and chains 0..t are intact. Dropping one breaks
//    chains t.. (nothing says whether it is a reference). A forwarded picture with U=1 and
//    layer u restarts the chains above u: per RFC 9628 later pictures of layers > u refer
//    to nothing before it of a layer > u. A key picture restores every chain. So temporal
//    down takes effect at the next picture, temporal up after the next U picture.
//  - Marker: a forwarded packet carries it when it ends a layer frame (E) of the highest
//    spatial layer we forward, or when it carried it already (the source's top layer was
//    lower in this picture). Without it the receiver waits for an end of picture that never
//    comes.
// Packets of older pictures (retransmissions, reordering) are judged with the current
// layers. Packets that do not parse or carry no layer indices pass through unchanged.
//
// Packet path: no allocation, no exception. Not thread-safe (one consumer, one worker thread).
#include <cstdint>
#include <span>

#include "media/rtp/codecs/vp9.h"

namespace tr::media {

class Vp9SvcFilter {
 public:
  // SID and TID are 3-bit fields; targets are clamped to 0..kMaxLayer.
  static constexpr int kMaxLayer = 7;

  struct Result {
    bool forward = true;
    bool marker = false;  // the marker bit the forwarded packet must carry
  };

  // One packet (payload = RTP payload) of the stream, for a consumer whose ceiling is
  // (target_spatial, target_temporal). `marker`: the packet's RTP marker bit.
  Result Process(std::span<const uint8_t> payload, uint32_t rtp_timestamp, bool marker,
                 int target_spatial, int target_temporal);

  // Forget everything (the consumer restarts on a key picture): before the next key picture
  // only the base spatial layer goes out.
  void Reset();

  // Layers forwarded now (-1 before the first picture).
  int current_spatial() const { return current_spatial_; }
  int current_temporal() const { return current_temporal_; }

 private:
  static constexpr uint8_t kAllChains = 0xFF;

  void StartPicture(const Vp9PayloadDescriptor& d, uint32_t rtp_timestamp, int target_spatial,
                    int target_temporal);
  void SelectSpatial(bool key, int target);
  bool ChainsIntact(int tid) const;
  int IntactLayers(int target) const;

  bool started_ = false;
  uint32_t picture_timestamp_ = 0;  // newest picture
  bool picture_forward_ = false;    // its temporal decision
  uint8_t intact_chains_ = kAllChains;  // bit t: chain of temporal layer t intact
  int current_spatial_ = -1;
  int current_temporal_ = -1;
};

}  // namespace tr::media
