#include "media/router/consumer.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "common/random.h"
#include "media/common/ntp_time.h"
#include "media/common/seq_num.h"
#include "media/ortc/header_extension_uris.h"
#include "media/router/producer.h"
#include "media/rtcp/sdes.h"
#include "media/rtcp/sender_report.h"
#include "media/rtp/codecs/vp8.h"
#include "media/rtp/rtp_header_extensions.h"
#include "media/rtp/rtx.h"
#include "media/transport/webrtc_transport.h"

namespace tr::media {

namespace {

// Scratch for retransmissions (copy of the stored packet, then its RTX form): per worker
// thread, so the packet path allocates nothing.
constexpr std::size_t kScratchSize = 2048;
thread_local std::array<uint8_t, kScratchSize> t_retransmit_scratch;
thread_local std::array<uint8_t, kScratchSize> t_rtx_scratch;

constexpr int64_t kDefaultRetransmitIntervalMs = 100;
constexpr int64_t kLossKeyFrameIntervalMs = 1000;
// VP8 payload descriptor: at most 6 bytes (required byte, X, 2-byte PictureID, TL0PICIDX,
// TID/KEYIDX).
constexpr std::size_t kVp8DescriptorSaveSize = 6;

}  // namespace

Consumer::Consumer(std::string id, Producer* producer, WebRtcTransport* transport,
                   ortc::RtpParameters rtp_parameters, bool paused, Options options)
    : id_(std::move(id)),
      producer_(producer),
      transport_(transport),
      rtp_parameters_(std::move(rtp_parameters)),
      options_(options),
      paused_(paused) {
  video_ = producer_->kind() == ortc::MediaKind::kVideo;
  if (producer_->StreamCount() > 1) {
    type_ = Type::kSimulcast;
  } else if (producer_->type() == ortc::ProducerType::kSvc) {
    type_ = Type::kSvc;
  }
  ssrc_ = rtp_parameters_.encodings.empty() ? 0 : rtp_parameters_.encodings[0].ssrc.value_or(0);
  for (const auto& codec : rtp_parameters_.codecs) {
    if (!codec.IsRtx()) {
      payload_type_ = codec.payload_type;
      break;
    }
  }
  mid_ = rtp_parameters_.mid.value_or("");
  cname_ = rtp_parameters_.rtcp.cname.value_or("");
  for (const auto& ext : producer_->consumable_parameters().header_extensions) {
    const auto* mine = rtp_parameters_.FindHeaderExtension(ext.uri);
    if (mine == nullptr || mine->id != ext.id) {
      if (blocked_count_ < blocked_ids_.size() && ext.id <= RtpPacket::kMaxOneByteId) {
        blocked_ids_[blocked_count_++] = ext.id;
      }
      continue;
    }
    if (ext.uri == ortc::uris::kMid) {
      mid_id_ = ext.id;
    } else if (ext.uri == ortc::uris::kTransportWideCc01) {
      twcc_id_ = ext.id;
    } else if (ext.uri == ortc::uris::kAbsSendTime) {
      abs_send_time_id_ = ext.id;
    }
  }
  // Loss recovery: `nack` on the media codec, RTX when an rtx codec repairs it and the
  // encoding has an rtx SSRC.
  for (const auto& codec : rtp_parameters_.codecs) {
    if (!codec.IsRtx() && codec.payload_type == payload_type_ &&
        ortc::HasRtcpFeedback(codec.rtcp_feedback, "nack")) {
      sent_history_ = std::make_unique<SentPacket[]>(kSentHistorySize);
    }
  }
  if (sent_history_ && !rtp_parameters_.encodings.empty() && rtp_parameters_.encodings[0].rtx) {
    for (const auto& codec : rtp_parameters_.codecs) {
      if (codec.IsRtx() && codec.Apt() == payload_type_) {
        rtx_ssrc_ = rtp_parameters_.encodings[0].rtx->ssrc;
        rtx_payload_type_ = codec.payload_type;
      }
    }
    RandomBytes(reinterpret_cast<uint8_t*>(&rtx_seq_), sizeof(rtx_seq_));
  }
  if (video_ && producer_->StreamCount() > 0 &&
      producer_->stream(0).codec == RtpCodec::kVp8 &&
      producer_->stream(0).encoding.scalability_mode.temporal_layers > 1) {
    temporal_filter_ = std::make_unique<Vp8TemporalFilter>();
    max_temporal_layer_ = producer_->stream(0).encoding.scalability_mode.temporal_layers - 1;
  }
  if (video_ && type_ == Type::kSvc && producer_->stream(0).codec == RtpCodec::kVp9) {
    svc_filter_ = std::make_unique<Vp9SvcFilter>();
    svc_spatial_layers_ = std::clamp(producer_->stream(0).encoding.scalability_mode.spatial_layers,
                                     1, Vp9SvcFilter::kMaxLayer + 1);
  }
  preferred_spatial_ = MaxSpatialLayer();
  preferred_temporal_ = producer_->StreamCount() > 0
                            ? producer_->stream(0).encoding.scalability_mode.temporal_layers - 1
                            : 0;
  target_layer_ = type_ == Type::kSimulcast ? preferred_spatial_ : 0;
}

std::string_view Consumer::TypeName(Type type) {
  switch (type) {
    case Type::kSimple:
      return "simple";
    case Type::kSimulcast:
      return "simulcast";
    case Type::kSvc:
      return "svc";
  }
  return "simple";
}

int Consumer::MaxSpatialLayer() const {
  return svc_filter_ ? svc_spatial_layers_ - 1 : static_cast<int>(producer_->StreamCount()) - 1;
}

int Consumer::SvcSpatialTarget() const {
  return std::min(effective_spatial_ceiling(), svc_spatial_layers_ - 1);
}

bool Consumer::WaitingForSvcKeyPicture() const {
  return svc_filter_ && svc_filter_->current_spatial() >= 0 &&
         SvcSpatialTarget() > svc_filter_->current_spatial();
}

void Consumer::OnSvcCeilingChanged(int64_t now_ms) {
  // As a simulcast switch does: ask at once, Tick() retries while still waiting.
  if (WaitingForSvcKeyPicture() && !paused_ && !producer_paused_ && !sync_required_) {
    RequestKeyFrame(now_ms);
  }
}

uint32_t Consumer::ClockRate() const {
  const std::size_t layer = current_layer_ >= 0 ? static_cast<std::size_t>(current_layer_) : 0;
  return layer < producer_->StreamCount() ? producer_->stream(layer).encoding.clock_rate : 90000;
}

// ---------------------------------------------------------------- control

void Consumer::Pause() { paused_ = true; }

void Consumer::Resume(int64_t now_ms) {
  if (!paused_) {
    return;
  }
  paused_ = false;
  sync_required_ = true;
  if (type_ == Type::kSimulcast) {
    // Aim at a layer the producer is actually sending, so the key frame we ask for now
    // is one that can start this consumer.
    SelectTargetLayer(now_ms);
  }
  // Before the transport connects a key frame would go nowhere: the router asks for one
  // when the transport reports connected (and the producer's throttle stays free for it).
  if (!producer_paused_ && transport_->IsConnected()) {
    RequestKeyFrame(now_ms);
  }
}

void Consumer::SetProducerPaused(bool paused, int64_t now_ms) {
  if (producer_paused_ == paused) {
    return;
  }
  producer_paused_ = paused;
  if (!paused) {
    sync_required_ = true;
    if (!paused_) {
      RequestKeyFrame(now_ms);
    }
  }
}

std::pair<int, int> Consumer::SetPreferredLayers(int spatial, int temporal, int64_t now_ms) {
  const int previous_target = svc_filter_ ? SvcSpatialTarget() : 0;
  preferred_spatial_ = std::clamp(spatial, 0, std::max(MaxSpatialLayer(), 0));
  const int max_temporal =
      producer_->StreamCount() > 0 ? producer_->stream(0).encoding.scalability_mode.temporal_layers - 1
                                   : 0;
  preferred_temporal_ = std::clamp(temporal, 0, std::max(max_temporal, 0));
  if (type_ == Type::kSimulcast) {
    SelectTargetLayer(now_ms);
  }
  if (svc_filter_ && SvcSpatialTarget() > previous_target) {
    OnSvcCeilingChanged(now_ms);
  }
  return {preferred_spatial_, preferred_temporal_};
}

void Consumer::SetLayerLimit(int spatial, int temporal, int64_t now_ms) {
  if (spatial == limit_spatial_ && temporal == limit_temporal_) {
    return;
  }
  const int previous_target = svc_filter_ ? SvcSpatialTarget() : 0;
  limit_spatial_ = std::max(spatial, 0);
  limit_temporal_ = std::max(temporal, 0);
  if (type_ == Type::kSimulcast) {
    SelectTargetLayer(now_ms);
  }
  if (svc_filter_ && SvcSpatialTarget() > previous_target) {
    OnSvcCeilingChanged(now_ms);
  }
}

int Consumer::current_temporal_layer() const {
  if (temporal_filter_engaged_ && temporal_filter_->current_tid() >= 0) {
    return temporal_filter_->current_tid();
  }
  if (svc_filter_ && svc_filter_->current_temporal() >= 0) {
    return svc_filter_->current_temporal();
  }
  return effective_temporal_ceiling();
}

void Consumer::RequestKeyFrame(int64_t now_ms) {
  if (!video_) {
    return;
  }
  last_key_frame_request_ms_ = now_ms;
  const int layer = type_ == Type::kSimulcast ? target_layer_ : 0;
  producer_->RequestKeyFrame(static_cast<std::size_t>(std::max(layer, 0)), now_ms,
                             /*to_start=*/true);
}

void Consumer::SelectTargetLayer(int64_t now_ms) {
  const int n = static_cast<int>(producer_->StreamCount());
  int target = -1;
  const int ceiling = effective_spatial_ceiling();
  for (int i = std::min(ceiling, n - 1); i >= 0; --i) {
    if (producer_->IsStreamActive(static_cast<std::size_t>(i), now_ms, options_.layer_inactive_ms)) {
      target = i;
      break;
    }
  }
  if (target < 0) {
    for (int i = ceiling + 1; i < n; ++i) {
      if (producer_->IsStreamActive(static_cast<std::size_t>(i), now_ms,
                                    options_.layer_inactive_ms)) {
        target = i;
        break;
      }
    }
  }
  if (target < 0) {
    // Nothing active: aim at the ceiling until something arrives.
    target = std::min(ceiling, n - 1);
  }
  if (target != target_layer_) {
    target_layer_ = target;
    if (target_layer_ != current_layer_ && !paused_ && !producer_paused_) {
      RequestKeyFrame(now_ms);
    }
  }
}

void Consumer::Tick(int64_t now_ms) {
  if (type_ == Type::kSimulcast) {
    SelectTargetLayer(now_ms);
  }
  const bool waiting = sync_required_ ||
                       (type_ == Type::kSimulcast && current_layer_ != target_layer_) ||
                       WaitingForSvcKeyPicture();
  if (video_ && waiting && !paused_ && !producer_paused_ &&
      now_ms - last_key_frame_request_ms_ >= options_.key_frame_retry_ms) {
    RequestKeyFrame(now_ms);
  }
}

// ---------------------------------------------------------------- packet path

void Consumer::Sync(std::size_t layer, const RtpPacket& packet, int64_t now_ms) {
  const uint16_t in_seq = packet.SequenceNumber();
  const uint32_t in_ts = packet.Timestamp();
  const int previous = current_layer_;
  // The key frame continues our numbering (the first one keeps the stream's).
  const uint16_t out_seq = started_ ? static_cast<uint16_t>(last_seq_out_ + 1) : in_seq;
  seq_.Sync(in_seq, out_seq);
  if (!started_) {
    started_ = true;
    ts_offset_ = 0;
  } else {
    if (previous != static_cast<int>(layer) || previous < 0) {
      // Map the new layer's timestamp onto the old layer's timeline.
      bool mapped = false;
      if (previous >= 0) {
        const auto& old_sr =
            producer_->stream(static_cast<std::size_t>(previous)).stats.last_sender_report();
        const auto& new_sr = producer_->stream(layer).stats.last_sender_report();
        if (old_sr && new_sr) {
          // rtp_old(T) = rtp_new(T) + (old.rtp - new.rtp) + (new.ntp - old.ntp) * clock
          const int64_t ntp_diff_us =
              UnixMicrosFromNtp(new_sr->ntp) - UnixMicrosFromNtp(old_sr->ntp);
          const int64_t clock = producer_->stream(layer).encoding.clock_rate;
          const uint32_t delta = static_cast<uint32_t>(
              static_cast<int64_t>(old_sr->rtp_timestamp) - new_sr->rtp_timestamp +
              ntp_diff_us * clock / 1'000'000);
          ts_offset_ = ts_offset_ + delta;
          mapped = true;
        }
      }
      if (!mapped) {
        const int64_t elapsed =
            std::max<int64_t>(1, (now_ms - last_send_ms_) * static_cast<int64_t>(ClockRate()) / 1000);
        ts_offset_ = static_cast<uint32_t>(last_ts_out_ + static_cast<uint32_t>(elapsed) - in_ts);
      }
    }
    // Never go backwards in time.
    if (!TimestampIsNewer(static_cast<uint32_t>(in_ts + ts_offset_), last_ts_out_)) {
      ts_offset_ = last_ts_out_ + 1 - in_ts;
    }
  }
  if (previous != static_cast<int>(layer)) {
    if (previous >= 0) {
      ++layer_switches_;
    }
    if (temporal_filter_engaged_) {
      temporal_filter_->Reset();  // the new stream has its own picture id space
    } else if (temporal_filter_ && previous >= 0) {
      EngageFilterAtSwitch(now_ms);
    }
    current_layer_ = static_cast<int>(layer);
    layers_changed_ = true;
  }
  if (svc_filter_) {
    svc_filter_->Reset();  // this key picture starts the layers afresh
  }
  sync_required_ = false;
  nack_floor_seq_ = out_seq;
  has_nack_floor_ = true;
}

bool Consumer::SendRtp(std::size_t layer, RtpPacket& packet, bool key_frame, int64_t now_ms) {
  if (paused_ || producer_paused_ || !transport_->IsConnected()) {
    return false;
  }
  if (type_ == Type::kSimulcast) {
    if (static_cast<int>(layer) != current_layer_) {
      if (static_cast<int>(layer) != target_layer_ || !key_frame) {
        return false;
      }
      sync_required_ = true;  // switch to the target layer on its key frame
    }
  }
  const uint16_t in_seq = packet.SequenceNumber();
  if (sync_required_) {
    if (!key_frame) {
      return false;
    }
    Sync(layer, packet, now_ms);
  } else if (seq_.IsBeforeSync(in_seq)) {
    return false;  // from before the last sync point
  }

  // Temporal layers: frames above the ceiling are dropped (their sequence numbers are
  // taken out of ours); forwarded ones get continuous picture ids, written into the shared
  // payload and restored for the next consumer.
  std::array<uint8_t, kVp8DescriptorSaveSize> saved_descriptor;
  std::size_t saved_descriptor_size = 0;
  if (temporal_filter_ && !temporal_filter_engaged_ &&
      effective_temporal_ceiling() < max_temporal_layer_) {
    // Until a frame has to be dropped the filter would map picture ids to themselves: a
    // fresh one engaged now starts from that identity.
    temporal_filter_engaged_ = true;
  }
  if (temporal_filter_engaged_) {
    const std::span<uint8_t> payload = packet.Payload();
    saved_descriptor_size = std::min(payload.size(), saved_descriptor.size());
    std::memcpy(saved_descriptor.data(), payload.data(), saved_descriptor_size);
    if (temporal_filter_->Process(payload, packet.Timestamp(), effective_temporal_ceiling(),
                                  key_frame) == Vp8TemporalFilter::Decision::kDrop) {
      std::memcpy(payload.data(), saved_descriptor.data(), saved_descriptor_size);
      ++temporal_drops_;
      seq_.Drop(in_seq);  // the next forwarded packet takes this number
      return false;
    }
  }
  if (svc_filter_ && !ApplySvcFilter(packet, in_seq)) {
    return false;
  }
  const std::optional<uint16_t> mapped_seq = seq_.Forward(in_seq);
  if (!mapped_seq) {  // too old to place, or dropped before
    if (saved_descriptor_size > 0) {
      std::memcpy(packet.Payload().data(), saved_descriptor.data(), saved_descriptor_size);
    }
    return false;
  }
  const bool modified = RewriteExtensions(packet, now_ms);
  const uint16_t out_seq = *mapped_seq;
  const uint32_t out_ts = packet.Timestamp() + ts_offset_;
  packet.SetSsrc(ssrc_);
  packet.SetSequenceNumber(out_seq);
  packet.SetTimestamp(out_ts);
  packet.SetPayloadType(payload_type_);
  if (transport_->SendRtpPacket(packet.Data().data(), packet.Size())) {
    ++packets_sent_;
    octets_sent_ += packet.PayloadSize();
    bytes_rate_.Add(packet.PayloadSize(), now_ms);
    if (SeqNumIsNewer(out_seq, last_seq_out_) || packets_sent_ == 1) {
      last_seq_out_ = out_seq;
    }
    if (TimestampIsNewer(out_ts, last_ts_out_) || packets_sent_ == 1) {
      if (video_) {
        frame_rate_.Add(1, now_ms);
      }
      last_ts_out_ = out_ts;
      last_send_ms_ = now_ms;
    }
    if (sent_history_) {
      SentPacket& sent = sent_history_[out_seq & (kSentHistorySize - 1)];
      sent = SentPacket{-1, ts_offset_, out_seq, in_seq, static_cast<uint8_t>(layer), true};
      sent.marker = packet.Marker();
      if (temporal_filter_engaged_ && temporal_filter_->last_written().valid) {
        const Vp8TemporalFilter::WrittenIds& ids = temporal_filter_->last_written();
        sent.has_vp8_ids = true;
        sent.picture_id = ids.picture_id;
        sent.tl0_pic_idx = ids.tl0_pic_idx;
      }
    }
  }
  if (saved_descriptor_size > 0) {
    std::memcpy(packet.Payload().data(), saved_descriptor.data(), saved_descriptor_size);
  }
  return modified;
}

void Consumer::EngageFilterAtSwitch(int64_t now_ms) {
  // Every simulcast stream has its own PictureID and TL0PICIDX space, and Chromium's VP8
  // reference finder keeps per-TL0PICIDX state across key frames: after a switch into a
  // stream whose TL0PICIDX values it saw recently (from the old stream) with PictureIDs
  // behind the old ones, it drops the new stream's frames as old until the next key frame,
  // ~3 s later. So from the first switch on the ids are rewritten, continuing after the
  // last ones sent, read back from that packet in the retransmission buffer (until then
  // they went out untouched, which costs nothing per packet).
  temporal_filter_engaged_ = true;
  std::optional<uint16_t> picture_id;
  std::optional<uint8_t> tl0;
  if (sent_history_ && packets_sent_ > 0) {
    const SentPacket& last = sent_history_[last_seq_out_ & (kSentHistorySize - 1)];
    if (last.valid && last.out_seq == last_seq_out_) {
      const std::span<const uint8_t> stored = producer_->StoredPacket(last.layer, last.in_seq, now_ms);
      if (!stored.empty() && stored.size() <= kScratchSize) {
        uint8_t* scratch = t_retransmit_scratch.data();
        std::memcpy(scratch, stored.data(), stored.size());
        RtpPacket packet;
        if (RtpPacket::Parse(std::span<uint8_t>(scratch, stored.size()), packet)) {
          if (const auto d = Vp8PayloadDescriptor::Parse(packet.Payload()); d && d->has_picture_id) {
            picture_id = d->picture_id;
            if (d->has_tl0_pic_idx) tl0 = d->tl0_pic_idx;
          }
        }
      }
    }
  }
  if (picture_id) {
    temporal_filter_->ContinueAfter(*picture_id, tl0);
  } else {
    temporal_filter_->Reset();  // nothing to continue from: the new stream's own ids
  }
}

bool Consumer::ApplySvcFilter(RtpPacket& packet, uint16_t in_seq) {
  const Vp9SvcFilter::Result r =
      svc_filter_->Process(packet.Payload(), packet.Timestamp(), packet.Marker(),
                           SvcSpatialTarget(), effective_temporal_ceiling());
  if (!r.forward) {
    ++svc_drops_;
    seq_.Drop(in_seq);  // the next forwarded packet takes this number
    return false;
  }
  // The producer restores the fixed header (marker included) for the next consumer.
  packet.SetMarker(r.marker);
  return true;
}

bool Consumer::RewriteExtensions(RtpPacket& packet, int64_t now_ms) {
  // Header extensions (router ids after the producer's ingress rewrite).
  bool modified = false;
  if (packet.ExtensionCount() == 0) {
    return false;
  }
  for (std::size_t i = 0; i < blocked_count_; ++i) {
    if (packet.HasExtension(blocked_ids_[i])) {
      packet.ClearExtension(blocked_ids_[i]);
      modified = true;
    }
  }
  if (mid_id_ != 0 && packet.HasExtension(mid_id_)) {
    if (!packet.SetExtensionValue(mid_id_, AsBytes(mid_))) {
      packet.ClearExtension(mid_id_);  // no room: Chrome then demuxes by SSRC
      modified = true;
    }
  }
  if (twcc_id_ != 0 && packet.HasExtension(twcc_id_)) {
    packet.SetExtension<TransportSequenceNumberExtension>(
        twcc_id_, transport_->NextTransportSequenceNumber());
  }
  if (abs_send_time_id_ != 0 && packet.HasExtension(abs_send_time_id_)) {
    packet.SetExtension<AbsSendTimeExtension>(abs_send_time_id_,
                                              AbsSendTimeExtension::FromMicros(now_ms * 1000));
  }
  return modified;
}

void Consumer::ReceiveNack(const GenericNack& nack, int64_t now_ms) {
  ++nacks_received_;
  if (!sent_history_ || paused_ || producer_paused_) {
    return;
  }
  nack.ForEachLost([&](uint16_t seq) { RetransmitPacket(seq, now_ms); });
}

bool Consumer::RetransmitPacket(uint16_t seq, int64_t now_ms) {
  ++nack_items_received_;
  if (!sent_history_ || !transport_->IsConnected()) {
    return false;
  }
  if (has_nack_floor_ && SeqNumIsOlder(seq, nack_floor_seq_)) {
    ++retransmissions_skipped_;
    return false;
  }
  SentPacket& sent = sent_history_[seq & (kSentHistorySize - 1)];
  if (!sent.valid || sent.out_seq != seq) {
    ++retransmissions_missed_;
    // Overwritten by a newer packet: ours, but long gone. Never sent (a gap in what we
    // forwarded): lost on the host's uplink, and our NACK to the host may still repair it.
    if (sent.valid && SeqNumIsNewer(sent.out_seq, seq)) {
      OnUnrecoverableLoss(now_ms);
    }
    return false;
  }
  const int64_t interval =
      rtt_ms_ ? std::clamp<int64_t>(static_cast<int64_t>(*rtt_ms_), 10, kDefaultRetransmitIntervalMs)
              : kDefaultRetransmitIntervalMs;
  if (sent.resent_ms >= 0 && now_ms - sent.resent_ms < interval) {
    ++retransmissions_throttled_;
    return false;
  }
  const std::span<const uint8_t> stored = producer_->StoredPacket(sent.layer, sent.in_seq, now_ms);
  uint8_t* scratch = t_retransmit_scratch.data();
  if (stored.empty() || stored.size() + 2 > kScratchSize) {
    ++retransmissions_missed_;
    OnUnrecoverableLoss(now_ms);
    return false;
  }
  std::memcpy(scratch, stored.data(), stored.size());
  RtpPacket packet;
  if (!RtpPacket::Parse(std::span<uint8_t>(scratch, stored.size()), packet)) {
    ++retransmissions_missed_;
    return false;
  }
  packet.SetMarker(sent.marker);
  if (sent.has_vp8_ids) {
    Vp8PayloadDescriptor::RewritePictureId(packet.Payload(), sent.picture_id);
    Vp8PayloadDescriptor::RewriteTl0PicIdx(packet.Payload(), sent.tl0_pic_idx);
  }
  RewriteExtensions(packet, now_ms);
  packet.SetSsrc(ssrc_);
  packet.SetSequenceNumber(seq);
  packet.SetTimestamp(packet.Timestamp() + sent.ts_offset);
  packet.SetPayloadType(payload_type_);
  bool ok;
  if (rtx_ssrc_ != 0) {
    const std::size_t n =
        BuildRtxPacket(packet, rtx_payload_type_, rtx_ssrc_, rtx_seq_, t_rtx_scratch);
    ok = n > 0 && transport_->SendRtpPacket(t_rtx_scratch.data(), n);
    if (ok) {
      ++rtx_seq_;
    }
  } else {
    ok = transport_->SendRtpPacket(packet.Data().data(), packet.Size());
  }
  if (ok) {
    sent.resent_ms = now_ms;
    ++retransmissions_sent_;
  }
  return ok;
}

void Consumer::OnUnrecoverableLoss(int64_t now_ms) {
  if (!video_ || paused_ || producer_paused_ || sync_required_ ||
      (last_loss_key_frame_ms_ >= 0 && now_ms - last_loss_key_frame_ms_ < kLossKeyFrameIntervalMs)) {
    return;  // (while waiting for a sync key frame, one is being requested anyway)
  }
  last_loss_key_frame_ms_ = now_ms;
  ++key_frames_for_loss_;
  const int layer = current_layer_ >= 0 ? current_layer_ : target_layer_;
  producer_->RequestKeyFrame(static_cast<std::size_t>(std::max(layer, 0)), now_ms);
}

void Consumer::SkipPacket(std::size_t layer, uint16_t seq) {
  if (static_cast<int>(layer) != current_layer_ || sync_required_ || paused_ ||
      producer_paused_) {
    return;
  }
  seq_.Drop(seq);  // the next forwarded packet takes this number
}

// ---------------------------------------------------------------- RTCP

void Consumer::ReceiveKeyFrameRequest(int64_t now_ms) {
  ++key_frame_requests_received_;
  if (!video_ || paused_ || producer_paused_) {
    return;
  }
  const int layer = current_layer_ >= 0 ? current_layer_ : target_layer_;
  producer_->RequestKeyFrame(static_cast<std::size_t>(std::max(layer, 0)), now_ms);
}

void Consumer::ReceiveReportBlock(const ReportBlock& block, int64_t now_ms) {
  fraction_lost_ = block.fraction_lost;
  packets_lost_ = block.cumulative_lost;
  jitter_ = block.jitter;
  if (block.last_sr == 0) {
    return;
  }
  for (const auto& [compact, sent_ms] : sent_srs_) {
    if (compact == block.last_sr && sent_ms > 0) {
      const double dlsr_ms = static_cast<double>(MicrosFromCompactNtp(block.delay_since_last_sr)) / 1000.0;
      const double rtt = static_cast<double>(now_ms - sent_ms) - dlsr_ms;
      rtt_ms_ = rtt < 0 ? 0 : rtt;
      return;
    }
  }
}

std::size_t Consumer::BuildSenderReport(std::span<uint8_t> out, int64_t now_ms, int64_t unix_us) {
  if (packets_sent_ == 0 || current_layer_ < 0) {
    return 0;
  }
  const auto& stream = producer_->stream(static_cast<std::size_t>(current_layer_));
  const int64_t clock = stream.encoding.clock_rate;
  SenderInfo info;
  info.sender_ssrc = ssrc_;
  info.packet_count = static_cast<uint32_t>(packets_sent_);
  info.octet_count = static_cast<uint32_t>(octets_sent_);
  if (const auto& sr = stream.stats.last_sender_report()) {
    // The sender's own NTP ↔ RTP mapping, extrapolated: audio and video consumers of one
    // sender then carry the sender's relation, which is what lip sync needs.
    const int64_t elapsed_ms = now_ms - sr->received_ms;
    info.ntp = NtpTime::FromU64(sr->ntp.ToU64() +
                                static_cast<uint64_t>((elapsed_ms << 32) / 1000));
    info.rtp_timestamp = static_cast<uint32_t>(sr->rtp_timestamp + elapsed_ms * clock / 1000) +
                         ts_offset_;
  } else {
    info.ntp = NtpFromUnixMicros(unix_us);
    info.rtp_timestamp =
        last_ts_out_ + static_cast<uint32_t>((now_ms - last_send_ms_) * clock / 1000);
  }
  const std::size_t sr_size = SenderReport::Build(out, info);
  if (sr_size == 0) {
    return 0;
  }
  sent_srs_[sent_sr_index_++ % sent_srs_.size()] = {info.ntp.ToCompact(), now_ms};
  const std::size_t sdes_size = Sdes::BuildCname(out.subspan(sr_size), ssrc_, cname_);
  return sr_size + sdes_size;
}

Json Consumer::StatsJson(int64_t now_ms) const {
  Json j = {{"consumerId", id_},
            {"producerId", producer_->id()},
            {"type", TypeName(type_)},
            {"ssrc", ssrc_},
            {"paused", paused_},
            {"producerPaused", producer_paused_},
            {"packetsSent", packets_sent_},
            {"bytesSent", octets_sent_},
            {"keyFrameRequestsReceived", key_frame_requests_received_},
            {"nacksReceived", nacks_received_},
            {"nackedPackets", nack_items_received_},
            {"retransmittedPackets", retransmissions_sent_},
            {"retransmissionsMissed", retransmissions_missed_},
            {"retransmissionsThrottled", retransmissions_throttled_},
            {"retransmissionsSkipped", retransmissions_skipped_},
            {"keyFramesForLoss", key_frames_for_loss_},
            {"fractionLost", fraction_lost_},
            {"packetsLost", packets_lost_},
            {"jitter", jitter_},
            {"currentLayer", current_layer()},
            {"targetLayer", svc_filter_ ? SvcSpatialTarget() : target_layer_},
            {"currentTemporalLayer", current_temporal_layer()},
            {"preferredLayers", {{"spatialLayer", preferred_spatial_},
                                 {"temporalLayer", preferred_temporal_}}},
            {"temporalDrops", temporal_drops_},
            {"bitrate", static_cast<int64_t>(bytes_rate_.PerSecond(now_ms) * 8)},
            {"layerSwitches", layer_switches_}};
  if (svc_filter_) {
    j["svcDrops"] = svc_drops_;
  }
  if (rtt_ms_) {
    j["roundTripTime"] = *rtt_ms_;
  }
  if (video_) {
    j["frameRate"] = frame_rate_.PerSecond(now_ms);
  }
  return j;
}

}  // namespace tr::media
