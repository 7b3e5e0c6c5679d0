#pragma once
// A Consumer: one receiver's copy of a producer (mediasoup SimpleConsumer /
// SimulcastConsumer). Rewrites each forwarded packet for its endpoint: SSRC, a continuous
// sequence number space (across pauses, layer switches and dropped padding), timestamps
// made continuous across layer switches (via the producer streams' Sender Reports when
// both layers have one, else by elapsed time), payload type, and header extensions (MID
// value, transport-wide sequence number and abs-send-time rewritten, extensions the
// endpoint did not negotiate blanked), then hands the packet to its transport, which
// SRTP-protects it into the worker's send batch.
//
// Loss recovery (RFC 4585 NACK, RFC 4588 RTX): a consumer that negotiated `nack` keeps a
// small ring mapping its recent outgoing sequence numbers to the producer stream packets
// they carried (layer, original sequence number, timestamp offset). A NACK from its
// endpoint is answered from the producer stream's RetransmissionBuffer with the same
// rewrite as the original, sent as RTX (own SSRC, payload type and sequence numbers, OSN
// first) when RTX was negotiated, else again on the media SSRC; one packet is resent at
// most once per RTT (100 ms when unknown).
//
// Video consumers start (and restart after resume / layer switch) only on a key frame,
// which they request from the producer. Simulcast consumers forward one spatial layer:
// the preferred one (default: the highest) if it is active, else the closest active one;
// switching happens on a key frame of the target layer. VP9 SVC consumers (one stream with
// spatial and temporal layers, e.g. "L3T3_KEY") forward the layers up to the same ceiling
// through a Vp9SvcFilter: going down takes effect at the next picture, going up a spatial
// layer waits for a key picture (requested from the producer), and the marker bit moves to
// the end of the highest spatial layer sent.
//
// Threading: the router's worker thread. Packet path methods never allocate/throw/lock.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "common/json.h"
#include "media/ortc/rtp_parameters.h"
#include "media/rtcp/generic_nack.h"
#include "media/rtcp/report_block.h"
#include "media/router/rate_counter.h"
#include "media/router/seq_rewriter.h"
#include "media/rtp/codecs/vp8_temporal_filter.h"
#include "media/rtp/codecs/vp9_svc_filter.h"
#include "media/rtp/rtp_packet.h"

namespace tr::media {

class Producer;
class WebRtcTransport;

class Consumer {
 public:
  enum class Type { kSimple, kSimulcast, kSvc };

  struct Options {
    int64_t key_frame_retry_ms = 1000;  // re-request while still waiting for one
    // A simulcast layer without packets this long is off: consumers fall back to a lower
    // one within a second of the host's uplink dropping it (a 15 fps layer sends every
    // 67 ms, so 600 ms of silence is not a gap between frames).
    int64_t layer_inactive_ms = 600;
  };

  Consumer(std::string id, Producer* producer, WebRtcTransport* transport,
           ortc::RtpParameters rtp_parameters, bool paused, Options options);
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  const std::string& id() const { return id_; }
  Producer* producer() const { return producer_; }
  WebRtcTransport* transport() const { return transport_; }
  const ortc::RtpParameters& rtp_parameters() const { return rtp_parameters_; }
  Type type() const { return type_; }
  static std::string_view TypeName(Type type);
  uint32_t ssrc() const { return ssrc_; }
  bool paused() const { return paused_; }
  bool producer_paused() const { return producer_paused_; }

  // ---- Control ----
  void Pause();
  void Resume(int64_t now_ms);
  void SetProducerPaused(bool paused, int64_t now_ms);
  // Returns the layers now preferred (clamped to what the producer has).
  std::pair<int, int> SetPreferredLayers(int spatial, int temporal, int64_t now_ms);
  // The transport's bandwidth allows at most this layer (layer_allocator.h); the layer
  // forwarded is the lower of this and the preferred one. Default: no limit.
  void SetLayerLimit(int spatial, int temporal, int64_t now_ms);
  int preferred_spatial_layer() const { return preferred_spatial_; }
  int effective_spatial_ceiling() const { return std::min(preferred_spatial_, limit_spatial_); }
  int effective_temporal_ceiling() const { return std::min(preferred_temporal_, limit_temporal_); }
  // Forwarded temporal layer (VP8 temporal scalability, VP9 SVC; else the preferred one).
  int current_temporal_layer() const;
  // Negotiated extension ids (router ids; 0 = not negotiated), for padding probes.
  uint8_t mid_extension_id() const { return mid_id_; }
  uint8_t transport_cc_extension_id() const { return twcc_id_; }
  uint8_t abs_send_time_extension_id() const { return abs_send_time_id_; }
  bool is_video() const { return video_; }
  bool has_temporal_filter() const { return temporal_filter_ != nullptr; }
  bool has_svc_filter() const { return svc_filter_ != nullptr; }
  void RequestKeyFrame(int64_t now_ms);
  // Periodic (~100 ms): simulcast layer selection, key-frame retries.
  void Tick(int64_t now_ms);
  // True once when the forwarded layers changed since the last call.
  bool TakeLayersChanged() {
    const int spatial = current_layer();
    const int temporal = current_temporal_layer();
    const bool changed =
        layers_changed_ || spatial != reported_spatial_ || temporal != reported_temporal_;
    layers_changed_ = false;
    reported_spatial_ = spatial;
    reported_temporal_ = temporal;
    return changed;
  }
  // Forwarded spatial layer: the simulcast stream, or the VP9 SVC spatial layer (-1 = none).
  int current_layer() const {
    return svc_filter_ ? svc_filter_->current_spatial() : current_layer_;
  }
  int target_layer() const { return target_layer_; }
  int preferred_temporal_layer() const { return preferred_temporal_; }

  // ---- Packet path ----
  // Rewrites and sends `packet` of producer stream `layer`. Returns true if it edited the
  // packet's header extension block in a way the next consumer must not see (the producer
  // then restores it).
  bool SendRtp(std::size_t layer, RtpPacket& packet, bool key_frame, int64_t now_ms);
  // The producer dropped packet `seq` of `layer` (padding): keep our sequence contiguous.
  void SkipPacket(std::size_t layer, uint16_t seq);

  // ---- RTCP ----
  void ReceiveKeyFrameRequest(int64_t now_ms);  // PLI / FIR from the endpoint
  void ReceiveReportBlock(const ReportBlock& block, int64_t now_ms);
  // Generic NACK from the endpoint about our media SSRC: retransmits what it can.
  void ReceiveNack(const GenericNack& nack, int64_t now_ms);
  // Retransmits our outgoing sequence number `seq` (RTX when negotiated). False when it is
  // unknown, no longer stored, from before the last sync point, or was resent within the
  // last RTT. A packet we sent that is no longer stored can never reach the viewer, so its
  // decoder is stuck until the next key frame: one is requested at once (at most once a
  // second), not after the seconds a browser waits before asking itself. (A packet we never
  // sent was lost upstream; the host's repair may still come, so no key frame for that.)
  bool RetransmitPacket(uint16_t seq, int64_t now_ms);
  uint32_t rtx_ssrc() const { return rtx_ssrc_; }
  uint64_t retransmissions_sent() const { return retransmissions_sent_; }
  // SR + SDES(CNAME) into `out`; 0 when nothing was sent yet or `out` is too small.
  std::size_t BuildSenderReport(std::span<uint8_t> out, int64_t now_ms, int64_t unix_us);

  Json StatsJson(int64_t now_ms) const;

 private:
  void OnUnrecoverableLoss(int64_t now_ms);
  void EngageFilterAtSwitch(int64_t now_ms);
  void Sync(std::size_t layer, const RtpPacket& packet, int64_t now_ms);
  // VP9 SVC: false when the packet is above the forwarded layers (its sequence number is
  // taken out of ours); else sets the marker bit it must carry.
  bool ApplySvcFilter(RtpPacket& packet, uint16_t in_seq);
  // Per-consumer header extension rewrite of a router-form packet (blocked ids cleared,
  // MID, transport-wide sequence number, abs-send-time). True if it changed the extension
  // block in a way other consumers must not see.
  bool RewriteExtensions(RtpPacket& packet, int64_t now_ms);
  void SelectTargetLayer(int64_t now_ms);
  uint32_t ClockRate() const;
  // Highest spatial layer the producer has (simulcast streams or SVC spatial layers).
  int MaxSpatialLayer() const;
  // VP9 SVC: spatial layer to forward (the ceiling, within the producer's layers), and
  // whether reaching it waits for a key picture.
  int SvcSpatialTarget() const;
  bool WaitingForSvcKeyPicture() const;
  // VP9 SVC: a layer ceiling changed; going up needs a key picture.
  void OnSvcCeilingChanged(int64_t now_ms);

  const std::string id_;
  Producer* const producer_;
  WebRtcTransport* const transport_;
  const ortc::RtpParameters rtp_parameters_;
  const Options options_;
  Type type_ = Type::kSimple;
  bool video_ = false;
  uint32_t ssrc_ = 0;
  uint8_t payload_type_ = 0;
  std::string mid_;
  std::string cname_;
  // Router extension ids this consumer negotiated that we rewrite (0 = not negotiated).
  uint8_t mid_id_ = 0;
  uint8_t twcc_id_ = 0;
  uint8_t abs_send_time_id_ = 0;
  // Router extension ids the producer may forward that this consumer did not negotiate.
  std::array<uint8_t, 16> blocked_ids_{};
  std::size_t blocked_count_ = 0;

  bool paused_ = false;
  bool producer_paused_ = false;
  int preferred_spatial_ = 0;
  int preferred_temporal_ = 0;
  int limit_spatial_ = 1 << 20;  // from the bandwidth allocation
  int limit_temporal_ = 1 << 20;
  int reported_spatial_ = -1;
  int reported_temporal_ = -1;
  // VP8 with temporal layers (L1T2/L1T3): drops frames above the temporal ceiling and keeps
  // picture ids continuous. Null for other codecs / a single temporal layer.
  std::unique_ptr<Vp8TemporalFilter> temporal_filter_;
  // The filter runs from the first time the ceiling is below the top temporal layer on
  // (before that it would be the identity: not worth its cost per packet).
  bool temporal_filter_engaged_ = false;
  int max_temporal_layer_ = 0;
  uint64_t temporal_drops_ = 0;
  // VP9 SVC (producer type svc, VP9): drops packets above the spatial / temporal ceiling
  // and sets the marker bit on the end of the highest spatial layer forwarded.
  std::unique_ptr<Vp9SvcFilter> svc_filter_;
  int svc_spatial_layers_ = 1;
  uint64_t svc_drops_ = 0;
  int current_layer_ = -1;  // stream being forwarded (-1 = none yet)
  int target_layer_ = 0;
  bool layers_changed_ = false;

  // Sequence / timestamp rewriting.
  bool started_ = false;
  bool sync_required_ = true;
  SeqRewriter seq_;  // incoming -> our sequence numbers, across drops and gaps
  uint32_t ts_offset_ = 0;
  // Our first sequence number after the last sync point (the key frame that started the
  // current layer): NACKs for older packets are not answered, the viewer cannot decode
  // them any more, and resending them under congestion would delay that key frame.
  uint16_t nack_floor_seq_ = 0;
  bool has_nack_floor_ = false;
  uint16_t last_seq_out_ = 0;
  uint32_t last_ts_out_ = 0;
  int64_t last_send_ms_ = 0;
  int64_t last_key_frame_request_ms_ = -1'000'000;

  // Loss recovery: what each recent outgoing sequence number carried.
  struct SentPacket {
    int64_t resent_ms = -1;  // last retransmission (-1: never)
    uint32_t ts_offset = 0;
    uint16_t out_seq = 0;
    uint16_t in_seq = 0;
    uint8_t layer = 0;
    bool valid = false;
    bool marker = false;  // as sent (a VP9 SVC consumer moves it)
    // VP8 with the temporal filter: the picture id / TL0PICIDX this packet went out with,
    // written again into the stored original when it is retransmitted (the filter's
    // mapping may belong to another stream by then).
    bool has_vp8_ids = false;
    uint8_t tl0_pic_idx = 0;
    uint16_t picture_id = 0;
  };
  static constexpr std::size_t kSentHistorySize = 1024;  // power of two (≈ 2-3 s of video)
  std::unique_ptr<SentPacket[]> sent_history_;  // null when NACK is not negotiated
  uint32_t rtx_ssrc_ = 0;  // 0 = no RTX: retransmit on the media SSRC
  uint8_t rtx_payload_type_ = 0;
  uint16_t rtx_seq_ = 0;
  uint64_t nack_items_received_ = 0;
  uint64_t retransmissions_sent_ = 0;
  uint64_t retransmissions_missed_ = 0;     // not (or no longer) stored
  uint64_t retransmissions_throttled_ = 0;  // asked again within the RTT
  uint64_t retransmissions_skipped_ = 0;    // from before the last sync point
  uint64_t key_frames_for_loss_ = 0;        // requested because a NACK could not be answered
  int64_t last_loss_key_frame_ms_ = -1;

  // Counters.
  RateCounter bytes_rate_;  // payload bytes sent per second
  RateCounter frame_rate_;  // frames sent per second (new output timestamps)
  uint64_t packets_sent_ = 0;
  uint64_t octets_sent_ = 0;
  uint64_t key_frame_requests_received_ = 0;
  uint64_t nacks_received_ = 0;
  uint64_t layer_switches_ = 0;
  // Last SRs sent (compact NTP, local ms) to match RR LSR for the round-trip time.
  std::array<std::pair<uint32_t, int64_t>, 4> sent_srs_{};
  std::size_t sent_sr_index_ = 0;
  std::optional<double> rtt_ms_;
  uint8_t fraction_lost_ = 0;
  int32_t packets_lost_ = 0;
  uint32_t jitter_ = 0;
};

}  // namespace tr::media
