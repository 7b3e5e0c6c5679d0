#pragma once
// Congestion control towards one viewer (one receiving transport): joins the viewer's
// transport-wide CC feedback with what we sent (SendHistory), runs the send-side
// BandwidthEstimator, splits the estimate across the transport's consumers with
// AllocateLayers (audio first, screen before camera) and, when a consumer is held below
// its ceiling, probes for more bandwidth with padding so the estimate can grow past what
// the current layers carry. After a move down for bandwidth, nobody moves up for a few
// seconds (upgrade_hold_ms).
//
// Probes are padding-only RTP packets on mediasoup-client's "probator" receiver (SSRC
// 1234, PT 127, MID "probator", created by the client after its first video consumer;
// mediasoup-client-interop.md §1.6): the browser counts them for transport-cc and
// discards them. Every packet sent while a probe runs (media included) belongs to the
// probe's cluster, so the estimator sees the probe's total rate.
//
// Threading: the router's worker thread. OnFeedback and the probe timer allocate nothing.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "common/json.h"
#include "media/bwe/bandwidth_estimator.h"
#include "media/router/layer_allocator.h"
#include "media/rtcp/transport_feedback.h"
#include "media/worker/event_loop.h"

namespace tr::media {

class Consumer;
class WebRtcTransport;

class DownlinkController {
 public:
  struct Options {
    int64_t initial_bps = 1'500'000;
    int64_t probe_duration_ms = 250;
    int64_t min_probe_interval_ms = 1000;
    // Probes that do not raise the estimate back off to this: a limit that lifts is found
    // within a few seconds (libwebrtc probes every 5 s in application-limited periods).
    int64_t max_probe_interval_ms = 4'000;
    // After a consumer was moved down for bandwidth, nobody moves up for this long: the
    // estimate right after congestion is unreliable, and a switch up sends a key frame
    // burst into a queue that just overflowed.
    int64_t upgrade_hold_ms = 3'000;
  };

  DownlinkController(EventLoop* loop, WebRtcTransport* transport, Options options);
  DownlinkController(const DownlinkController&) = delete;
  DownlinkController& operator=(const DownlinkController&) = delete;
  ~DownlinkController();

  // Packet path: one transport-cc feedback message from the viewer.
  void OnTransportFeedback(const TransportFeedback& feedback, int64_t now_us);
  // Periodic (~100 ms): estimator upkeep, layer allocation over `consumers`, probing.
  void Tick(std::span<Consumer* const> consumers, int64_t now_ms);

  int64_t EstimateBps() const { return estimator_.EstimateBps(); }
  Json StatsJson() const;

 private:
  void StartProbe(int64_t target_bps, const Consumer& reference, int64_t now_ms);
  void OnProbeTimer();
  void EndProbe(int64_t now_ms);
  std::size_t BuildPaddingPacket(uint8_t* out, std::size_t cap);

  EventLoop* const loop_;
  WebRtcTransport* const transport_;
  const Options options_;
  BandwidthEstimator estimator_;
  std::vector<PacketFeedback> feedback_;  // scratch (reserved once)
  std::vector<LayerDemand> demands_;      // scratch
  std::vector<LayerAllocation> allocations_;
  std::vector<Consumer*> allocated_;
  AllocationResult last_allocation_;
  int64_t last_downgrade_ms_ = -1'000'000;

  // Probing.
  Timer probe_timer_;
  int32_t next_cluster_ = 0;
  int32_t probe_cluster_ = -1;  // running probe (-1 = none)
  int64_t probe_start_us_ = 0;
  int64_t probe_target_bps_ = 0;
  uint64_t probe_start_bytes_ = 0;
  int64_t next_probe_ms_ = 0;
  int64_t probe_interval_ms_ = 0;
  int64_t estimate_before_probe_ = 0;
  int64_t probe_check_ms_ = -1;  // when to judge whether the last probe helped
  uint8_t mid_id_ = 0;
  uint8_t twcc_id_ = 0;
  uint8_t abs_send_time_id_ = 0;
  uint16_t padding_seq_ = 0;
  uint32_t padding_ts_ = 0;
  uint64_t probes_ = 0;
  uint64_t padding_packets_ = 0;
  uint64_t feedback_packets_ = 0;
  uint64_t feedback_unknown_ = 0;  // statuses for sequence numbers not in the history
};

}  // namespace tr::media
