#include "media/router/downlink_controller.h"

#include <algorithm>
#include <cstring>

#include "common/random.h"
#include "common/time.h"
#include "media/common/byte_io.h"
#include "media/router/consumer.h"
#include "media/router/producer.h"
#include "media/rtp/rtp_header_extensions.h"
#include "media/rtp/rtp_packet.h"
#include "media/srtp/srtp_session.h"
#include "media/transport/webrtc_transport.h"

namespace tr::media {

namespace {

// mediasoup-client's probator receiver (ortc.js generateProbatorRtpParameters).
constexpr uint32_t kProbatorSsrc = 1234;
constexpr uint8_t kProbatorPayloadType = 127;
constexpr std::string_view kProbatorMid = "probator";
constexpr std::size_t kPaddingBytes = 255;  // RTP padding length is one byte
constexpr int64_t kProbeStepMs = 5;
constexpr std::size_t kMaxPaddingPerStep = 32;
constexpr std::size_t kMaxFeedbackPackets = 4096;
constexpr int64_t kProbeJudgeDelayMs = 600;

LayerDemand::Kind KindOf(const Consumer& c) {
  if (!c.is_video()) {
    return LayerDemand::Kind::kAudio;
  }
  return c.producer()->source() == "screen" ? LayerDemand::Kind::kScreen
                                            : LayerDemand::Kind::kCamera;
}

// A VP9 SVC consumer: per (spatial, temporal) layer of the one stream. In k-SVC a viewer
// of spatial layer s receives layers 0..s, so its cost is cumulative over spatial layers.
// A spatial layer above the base the producer is not sending now is inactive.
LayerDemand SvcDemandOf(const Consumer& c, int64_t now_ms) {
  LayerDemand d;
  d.kind = KindOf(c);
  const Producer::Stream& stream = c.producer()->stream(0);
  const auto& mode = stream.encoding.scalability_mode;
  constexpr int kSpatial = std::min(LayerBitrateMeter::kMaxSpatialLayers, LayerDemand::kMaxSpatial);
  constexpr int kTemporal =
      std::min(LayerBitrateMeter::kMaxTemporalLayers, LayerDemand::kMaxTemporal);
  d.spatial_layers = std::clamp(mode.spatial_layers, 1, kSpatial);
  d.temporal_layers = std::clamp(mode.temporal_layers, 1, kTemporal);
  const int all_t = LayerBitrateMeter::kMaxTemporalLayers - 1;
  for (int s = 0; s < d.spatial_layers; ++s) {
    const auto si = static_cast<std::size_t>(s);
    d.active[si] =
        s == 0 || stream.bitrate.Bps(s, all_t, now_ms) > stream.bitrate.Bps(s - 1, all_t, now_ms);
    for (int t = 0; t < d.temporal_layers; ++t) {
      d.bps[si][static_cast<std::size_t>(t)] = stream.bitrate.Bps(s, t, now_ms);
    }
  }
  d.max_spatial = c.preferred_spatial_layer();
  d.max_temporal = c.preferred_temporal_layer();
  d.current_spatial = c.current_layer();
  d.current_temporal = c.current_temporal_layer();
  return d;
}

// What `c` could receive: per stream and temporal layer, from the producer's meters.
LayerDemand DemandOf(const Consumer& c, int64_t now_ms) {
  if (c.has_svc_filter()) {
    return SvcDemandOf(c, now_ms);
  }
  LayerDemand d;
  d.kind = KindOf(c);
  const Producer& p = *c.producer();
  const bool simulcast = c.type() == Consumer::Type::kSimulcast;
  d.spatial_layers = simulcast ? std::min<int>(static_cast<int>(p.StreamCount()), LayerDemand::kMaxSpatial) : 1;
  const bool temporal = c.has_temporal_filter();
  d.temporal_layers =
      temporal ? std::min(p.stream(0).encoding.scalability_mode.temporal_layers, LayerDemand::kMaxTemporal)
               : 1;
  for (int s = 0; s < d.spatial_layers; ++s) {
    const auto& stream = p.stream(static_cast<std::size_t>(s));
    d.active[static_cast<std::size_t>(s)] =
        !simulcast || p.IsStreamActive(static_cast<std::size_t>(s), now_ms, 600);
    for (int t = 0; t < d.temporal_layers; ++t) {
      d.bps[static_cast<std::size_t>(s)][static_cast<std::size_t>(t)] =
          stream.bitrate.Bps(temporal ? t : LayerBitrateMeter::kMaxTemporalLayers - 1, now_ms);
    }
  }
  d.max_spatial = simulcast ? c.preferred_spatial_layer() : 0;
  d.max_temporal = temporal ? c.preferred_temporal_layer() : 0;
  d.current_spatial = simulcast ? c.current_layer() : 0;
  d.current_temporal = temporal ? c.current_temporal_layer() : 0;
  return d;
}

}  // namespace

DownlinkController::DownlinkController(EventLoop* loop, WebRtcTransport* transport,
                                       Options options)
    : loop_(loop),
      transport_(transport),
      options_(options),
      estimator_(BandwidthEstimator::Options{options.initial_bps, 50'000, 30'000'000}),
      probe_timer_(loop, [this] { OnProbeTimer(); }) {
  feedback_.reserve(kMaxFeedbackPackets);
  demands_.reserve(16);
  allocations_.reserve(16);
  allocated_.reserve(16);
  probe_interval_ms_ = options_.min_probe_interval_ms;
  RandomBytes(reinterpret_cast<uint8_t*>(&padding_seq_), sizeof(padding_seq_));
}

DownlinkController::~DownlinkController() { transport_->SetActiveProbeCluster(-1); }

void DownlinkController::OnTransportFeedback(const TransportFeedback& feedback, int64_t now_us) {
  ++feedback_packets_;
  const SendHistory* history = transport_->send_history();
  if (history == nullptr) {
    return;
  }
  feedback_.clear();
  TransportFeedback::Iterator it = feedback.Packets();
  TwccPacketStatus status;
  while (it.Next(&status)) {
    const SendHistory::Entry* sent = history->Find(status.sequence_number);
    if (sent == nullptr) {
      ++feedback_unknown_;
      continue;
    }
    if (feedback_.size() == feedback_.capacity()) {
      estimator_.OnFeedback(feedback_, now_us);
      feedback_.clear();
    }
    feedback_.push_back(PacketFeedback{sent->send_time_us,
                                       status.received ? status.receive_time_us : -1,
                                       sent->size, sent->probe_cluster});
  }
  if (!feedback_.empty()) {
    estimator_.OnFeedback(feedback_, now_us);
  }
}

void DownlinkController::Tick(std::span<Consumer* const> consumers, int64_t now_ms) {
  estimator_.Tick(now_ms * 1000);
  demands_.clear();
  allocated_.clear();
  const Consumer* reference = nullptr;  // a video consumer whose extension ids the probe uses
  for (Consumer* c : consumers) {
    if (c->paused() || c->producer_paused() || c->producer()->StreamCount() == 0) {
      continue;
    }
    LayerDemand d = DemandOf(*c, now_ms);
    if (now_ms - last_downgrade_ms_ < options_.upgrade_hold_ms && d.current_spatial >= 0) {
      d.max_spatial = std::min(d.max_spatial, d.current_spatial);  // no way up yet
    }
    demands_.push_back(d);
    allocated_.push_back(c);
    if (c->is_video() && c->transport_cc_extension_id() != 0 && reference == nullptr) {
      reference = c;
    }
  }
  allocations_.resize(demands_.size());
  const int64_t budget = estimator_.EstimateBps();
  last_allocation_ = AllocateLayers(budget, demands_, allocations_);
  bool limited = false;
  for (std::size_t i = 0; i < allocated_.size(); ++i) {
    if (demands_[i].current_spatial >= 0 && allocations_[i].spatial < demands_[i].current_spatial) {
      last_downgrade_ms_ = now_ms;
    }
    allocated_[i]->SetLayerLimit(allocations_[i].spatial, allocations_[i].temporal, now_ms);
    limited = limited || allocations_[i].limited;
  }
  // Did the last probe raise the estimate? If not, probe less often.
  if (probe_check_ms_ >= 0 && now_ms >= probe_check_ms_) {
    probe_check_ms_ = -1;
    if (budget >= estimate_before_probe_ * 11 / 10) {
      probe_interval_ms_ = options_.min_probe_interval_ms;
    } else {
      probe_interval_ms_ = std::min(probe_interval_ms_ * 2, options_.max_probe_interval_ms);
    }
    next_probe_ms_ = now_ms + probe_interval_ms_;
  }
  if (limited && reference != nullptr && probe_cluster_ < 0 && probe_check_ms_ < 0 &&
      now_ms >= next_probe_ms_ && transport_->IsConnected()) {
    const int64_t target = std::min(last_allocation_.desired_bps * 115 / 100,
                                    std::max(budget * 5 / 2, budget + 500'000));
    if (target > budget) {
      StartProbe(target, *reference, now_ms);
    }
  }
}

void DownlinkController::StartProbe(int64_t target_bps, const Consumer& reference,
                                    int64_t now_ms) {
  mid_id_ = reference.mid_extension_id();
  twcc_id_ = reference.transport_cc_extension_id();
  abs_send_time_id_ = reference.abs_send_time_extension_id();
  probe_cluster_ = next_cluster_++;
  probe_target_bps_ = target_bps;
  probe_start_us_ = MonotonicMicros();
  probe_start_bytes_ = transport_->stats().rtp_bytes_sent;
  estimate_before_probe_ = estimator_.EstimateBps();
  ++probes_;
  transport_->SetActiveProbeCluster(probe_cluster_);
  (void)now_ms;
  OnProbeTimer();
}

std::size_t DownlinkController::BuildPaddingPacket(uint8_t* out, std::size_t cap) {
  // Fixed header, one-byte extensions (transport-wide seq, abs-send-time, MID), padding.
  const std::size_t ext_words = 4;  // 16 bytes: 1+2, 1+3, 1+8, 2 bytes zero padding
  const std::size_t size = kRtpFixedHeaderSize + 4 + ext_words * 4 + kPaddingBytes;
  if (size > cap) {
    return 0;
  }
  std::memset(out, 0, size);
  out[0] = 0x80 | 0x20 | 0x10;  // V=2, P, X
  out[1] = kProbatorPayloadType;
  WriteU16(out + 2, padding_seq_++);
  WriteU32(out + 4, padding_ts_);
  WriteU32(out + 8, kProbatorSsrc);
  uint8_t* ext = out + kRtpFixedHeaderSize;
  WriteU16(ext, 0xBEDE);
  WriteU16(ext + 2, ext_words);
  uint8_t* p = ext + 4;
  if (twcc_id_ != 0) {
    p[0] = static_cast<uint8_t>(twcc_id_ << 4 | 1);
    WriteU16(p + 1, transport_->NextTransportSequenceNumber());
    p += 3;
  }
  if (abs_send_time_id_ != 0) {
    p[0] = static_cast<uint8_t>(abs_send_time_id_ << 4 | 2);
    WriteU24(p + 1, AbsSendTimeExtension::FromMicros(MonotonicMicros()));
    p += 4;
  }
  if (mid_id_ != 0) {
    p[0] = static_cast<uint8_t>(mid_id_ << 4 | (kProbatorMid.size() - 1));
    std::memcpy(p + 1, kProbatorMid.data(), kProbatorMid.size());
  }
  out[size - 1] = static_cast<uint8_t>(kPaddingBytes);
  return size;
}

void DownlinkController::OnProbeTimer() {
  if (probe_cluster_ < 0) {
    return;
  }
  const int64_t now_us = MonotonicMicros();
  const int64_t elapsed_us = now_us - probe_start_us_;
  if (elapsed_us >= options_.probe_duration_ms * 1000 || !transport_->IsConnected()) {
    EndProbe(loop_->NowMs());
    return;
  }
  // Top the probe up to its target rate: media sent meanwhile counts.
  const uint64_t due = static_cast<uint64_t>(probe_target_bps_ / 8 * (elapsed_us + kProbeStepMs * 1000) / 1'000'000);
  uint64_t sent = transport_->stats().rtp_bytes_sent - probe_start_bytes_;
  uint8_t buf[512];
  for (std::size_t i = 0; i < kMaxPaddingPerStep && sent < due; ++i) {
    const std::size_t n = BuildPaddingPacket(buf, sizeof(buf) - SrtpSession::kRtpTrailerRoom);
    if (n == 0 || !transport_->SendRtpPacket(buf, n, probe_cluster_)) {
      break;
    }
    ++padding_packets_;
    sent += n;
  }
  probe_timer_.Start(kProbeStepMs);
}

void DownlinkController::EndProbe(int64_t now_ms) {
  probe_cluster_ = -1;
  transport_->SetActiveProbeCluster(-1);
  probe_timer_.Stop();
  probe_check_ms_ = now_ms + kProbeJudgeDelayMs;
}

Json DownlinkController::StatsJson() const {
  const BandwidthEstimator::Stats s = estimator_.stats();
  return {{"estimateBps", s.estimate_bps},
          {"delayBasedBps", s.delay_based_bps},
          {"lossBasedBps", s.loss_based_bps},
          {"ackedBps", s.acked_bps},
          {"lossFraction", s.loss_fraction},
          {"delayState", s.delay_state},
          {"allocatedBps", last_allocation_.allocated_bps},
          {"desiredBps", last_allocation_.desired_bps},
          {"probes", probes_},
          {"lastProbeBps", s.last_probe_bps},
          {"paddingPackets", padding_packets_},
          {"feedbackPackets", feedback_packets_}};
}

}  // namespace tr::media
