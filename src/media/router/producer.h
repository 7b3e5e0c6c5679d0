#pragma once
// A Producer: one sender's track entering the router (mediasoup Producer). Binds incoming
// RTP to its encodings (by SSRC, RID or — single encoding — payload type), keeps RFC 3550
// receive statistics and the sender's SRs per stream, rewrites header extension ids from
// the sender's to the router's once per packet, and fans every packet out to its
// consumers. Key-frame requests (PLI, or FIR without PLI feedback) are throttled per
// stream: requests inside the interval are merged into one sent when it ends, so any
// number of consumers cause at most one request per interval and stream.
//
// Loss recovery (RFC 4585 NACK, RFC 4588 RTX): every stream has a NackGenerator that
// finds gaps in the sender's sequence numbers and NACKs them (when the codec negotiated
// `nack`); RTX packets from the sender are decoded back into the media packet they
// repair and forwarded like media when that sequence number was missing (duplicates and
// RTX probes are dropped). Forwarded packets are kept in a RetransmissionBuffer per
// stream, from which consumers answer their endpoints' NACKs.
//
// Threading: the router's worker thread. Packet path methods never allocate/throw/lock.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/json.h"
#include "media/ortc/producer_setup.h"
#include "media/router/layer_bitrate_meter.h"
#include "media/router/nack_generator.h"
#include "media/router/rate_counter.h"
#include "media/router/retransmission_buffer.h"
#include "media/router/rtp_receive_stats.h"
#include "media/rtp/codecs/codec_payload.h"
#include "media/rtp/rtp_packet.h"

namespace tr::media {

class Consumer;
class WebRtcTransport;

class Producer {
 public:
  struct Options {
    int64_t key_frame_request_interval_ms = 500;
  };

  struct Stream {
    ortc::ProducerEncoding encoding;
    RtpCodec codec = RtpCodec::kOther;
    uint32_t ssrc = 0;  // learned media SSRC (0 = not seen yet)
    uint32_t rtx_ssrc = 0;
    RtpReceiveStats stats;
    // Key-frame requests.
    int64_t last_key_frame_request_ms = -1'000'000;
    bool key_frame_request_pending = false;
    bool key_frame_request_to_start = false;  // a pending request starts a consumer
    uint8_t fir_sequence = 0;
    uint64_t key_frame_requests_sent = 0;
    uint64_t key_frames_received = 0;
    int64_t last_key_frame_ms = -1;
    uint64_t rtx_packets = 0;
    uint64_t padding_packets = 0;
    // Loss recovery.
    NackGenerator nack;
    std::unique_ptr<RetransmissionBuffer> retransmission;  // null: nothing kept
    uint64_t nack_packets_sent = 0;
    uint64_t packets_repaired = 0;  // RTX packets that filled a gap
    uint64_t rtx_discarded = 0;     // RTX duplicates / probes with payload
    uint64_t duplicates = 0;        // media packets seen twice
    // What this stream costs a viewer, per temporal layer (layer_allocator.h).
    LayerBitrateMeter bitrate;
    RateCounter frames;  // frames per second (a new RTP timestamp starts a frame)
    uint32_t last_frame_timestamp = 0;
    bool has_frame_timestamp = false;
  };

  Producer(std::string id, WebRtcTransport* transport, ortc::ProducerSetup setup,
           ortc::RtpParameters consumable, Options options);
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  const std::string& id() const { return id_; }
  WebRtcTransport* transport() const { return transport_; }
  ortc::MediaKind kind() const { return setup_.kind; }
  ortc::ProducerType type() const { return setup_.type; }
  const ortc::ProducerSetup& setup() const { return setup_; }
  const ortc::RtpParameters& consumable_parameters() const { return consumable_; }
  // What the track is ("camera", "microphone", "screen", "screen-audio"; from the
  // participant's appData): screen shares get bandwidth before cameras.
  const std::string& source() const { return source_; }
  void SetSource(std::string source) { source_ = std::move(source); }
  bool paused() const { return paused_; }
  void SetPaused(bool paused) { paused_ = paused; }
  std::size_t StreamCount() const { return streams_.size(); }
  const Stream& stream(std::size_t index) const { return streams_[index]; }
  // Whether layer `index` received media within `window_ms`.
  bool IsStreamActive(std::size_t index, int64_t now_ms, int64_t window_ms = 2000) const;

  void AddConsumer(Consumer* consumer);
  void RemoveConsumer(Consumer* consumer);
  const std::vector<Consumer*>& consumers() const { return consumers_; }

  // ---- Packet path ----
  // Does `packet` (already matched to this producer by the router) belong to one of our
  // streams? Binds new SSRCs by ssrc / rid / payload type. Returns the stream index, or -1.
  // `*is_rtx` tells whether it is the stream's RTX.
  int BindStream(const RtpPacket& packet, bool* is_rtx);
  // Processes and forwards one packet to every consumer. Returns false if dropped.
  bool ReceiveRtp(RtpPacket& packet, int64_t now_ms);
  // RTCP Sender Report from the sender for `ssrc`.
  void ReceiveSenderReport(uint32_t ssrc, NtpTime ntp, uint32_t rtp_timestamp, int64_t now_ms);
  // Key frame wanted on `layer` (throttled; pending requests go out on Tick()). A request
  // `to_start` a consumer (join, resume, layer switch) may go out before the interval ends
  // once the previous request was answered; repairs (viewers' PLIs) wait the interval.
  void RequestKeyFrame(std::size_t layer, int64_t now_ms, bool to_start = false);
  // Sends throttled key-frame requests that became due.
  void Tick(int64_t now_ms);
  // Sends the NACKs that became due (retries); called every few tens of ms.
  void ProcessNacks(int64_t now_ms);
  // A packet of stream `layer` kept for retransmission (router form), or empty.
  std::span<const uint8_t> StoredPacket(std::size_t layer, uint16_t seq, int64_t now_ms);
  // Appends one RR report block per received stream (for the transport's RTCP timer).
  void CollectReportBlocks(std::vector<ReportBlock>* out, int64_t now_ms);

  Json StatsJson(int64_t now_ms) const;

  // Test/bench hook: the stream index bound to `ssrc`, or -1.
  int StreamIndexOfSsrc(uint32_t ssrc) const;

 private:
  void SendKeyFrameRequest(Stream& stream, int64_t now_ms);
  void SendNacks(Stream& stream, int64_t now_ms);
  // Fan-out of a media packet of stream `index` (after loss-recovery bookkeeping).
  bool Forward(std::size_t index, RtpPacket& packet, int64_t now_ms);

  const std::string id_;
  WebRtcTransport* const transport_;
  const ortc::ProducerSetup setup_;
  const ortc::RtpParameters consumable_;
  const Options options_;
  std::vector<Stream> streams_;
  std::vector<Consumer*> consumers_;
  bool paused_ = false;
  std::string source_;
  std::size_t fanout_start_ = 0;  // rotates the fan-out order per packet
  // Producer extension id → router extension id (0 = not forwarded).
  RtpExtensionIdMap ingress_map_{};
  bool has_ingress_map_ = false;
  // Extension block saved before the fan-out, restored after a consumer modified it.
  std::array<uint8_t, 1024> saved_extensions_{};
  uint32_t rtcp_sender_ssrc_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace tr::media
