#include "media/router/producer.h"

#include <cstring>
#include <string_view>

#include "media/common/seq_num.h"
#include "media/ortc/header_extension_uris.h"
#include "media/router/consumer.h"
#include "media/rtcp/fir.h"
#include "media/rtcp/generic_nack.h"
#include "media/rtcp/pli.h"
#include "media/rtp/rtp_header_extensions.h"
#include "media/rtp/rtx.h"
#include "media/transport/webrtc_transport.h"

namespace tr::media {

namespace {

constexpr int64_t kMinKeyFrameRequestGapMs = 250;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

// Retransmission buffer sizes: ~2 s of a 2.5 Mbit/s video layer (≈ 300 packets/s plus
// key-frame bursts), ~1 s of 20 ms audio. 2 s, not 1: on a congested downlink the queue
// adds hundreds of milliseconds to every NACK round trip, and a repair that is still
// possible spares the viewer a key frame.
constexpr std::size_t kVideoRetransmissionSlots = 1024;
constexpr std::size_t kAudioRetransmissionSlots = 64;
constexpr std::size_t kRetransmissionSlotSize = 1500;
constexpr int64_t kRetransmissionMaxAgeMs = 2000;
// Sequence numbers per NACK round (more are sent in the next round).
constexpr std::size_t kMaxNacksPerRound = 256;

RtpCodec CodecOf(std::string_view mime_type) {
  if (EqualsIgnoreCase(mime_type, "video/VP8")) return RtpCodec::kVp8;
  if (EqualsIgnoreCase(mime_type, "video/VP9")) return RtpCodec::kVp9;
  if (EqualsIgnoreCase(mime_type, "video/H264")) return RtpCodec::kH264;
  if (EqualsIgnoreCase(mime_type, "audio/opus")) return RtpCodec::kOpus;
  return RtpCodec::kOther;
}

}  // namespace

Producer::Producer(std::string id, WebRtcTransport* transport, ortc::ProducerSetup setup,
                   ortc::RtpParameters consumable, Options options)
    : id_(std::move(id)),
      transport_(transport),
      setup_(std::move(setup)),
      consumable_(std::move(consumable)),
      options_(options) {
  streams_.reserve(setup_.encodings.size());
  for (const auto& encoding : setup_.encodings) {
    Stream s;
    s.encoding = encoding;
    s.codec = CodecOf(encoding.mime_type);
    s.stats = RtpReceiveStats(encoding.clock_rate);
    if (setup_.kind == ortc::MediaKind::kVideo || encoding.rtcp_feedback.nack) {
      RetransmissionBuffer::Options ro;
      ro.capacity = setup_.kind == ortc::MediaKind::kVideo ? kVideoRetransmissionSlots
                                                            : kAudioRetransmissionSlots;
      ro.slot_size = kRetransmissionSlotSize;
      ro.max_age_ms = kRetransmissionMaxAgeMs;
      s.retransmission = std::make_unique<RetransmissionBuffer>(ro);
    }
    streams_.push_back(std::move(s));
  }
  rtcp_sender_ssrc_ = setup_.encodings.empty() ? 1 : setup_.encodings.front().mapped_ssrc;
  // Sender's ids → router ids of the consumable extensions (everything else is dropped).
  for (const auto& ext : setup_.rtp_parameters.header_extensions) {
    const auto* routed = consumable_.FindHeaderExtension(ext.uri);
    if (routed != nullptr && ext.id < ingress_map_.size()) {
      ingress_map_[ext.id] = routed->id;
      has_ingress_map_ = true;
    }
  }
}

bool Producer::IsStreamActive(std::size_t index, int64_t now_ms, int64_t window_ms) const {
  const Stream& s = streams_[index];
  return s.ssrc != 0 && s.stats.HasPackets() && now_ms - s.stats.last_packet_ms() <= window_ms;
}

void Producer::AddConsumer(Consumer* consumer) { consumers_.push_back(consumer); }

void Producer::RemoveConsumer(Consumer* consumer) {
  for (auto it = consumers_.begin(); it != consumers_.end(); ++it) {
    if (*it == consumer) {
      consumers_.erase(it);
      return;
    }
  }
}

int Producer::StreamIndexOfSsrc(uint32_t ssrc) const {
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    if (streams_[i].ssrc == ssrc) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

int Producer::BindStream(const RtpPacket& packet, bool* is_rtx) {
  const uint32_t ssrc = packet.Ssrc();
  *is_rtx = false;
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    if (streams_[i].ssrc == ssrc) {
      return static_cast<int>(i);
    }
    if (streams_[i].rtx_ssrc == ssrc) {
      *is_rtx = true;
      return static_cast<int>(i);
    }
  }
  const uint8_t pt = packet.PayloadType();
  // 1. Signaled SSRCs.
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    Stream& s = streams_[i];
    if (s.encoding.ssrc && *s.encoding.ssrc == ssrc && pt == s.encoding.payload_type) {
      s.ssrc = ssrc;
      return static_cast<int>(i);
    }
    if (s.encoding.rtx_ssrc && *s.encoding.rtx_ssrc == ssrc && s.encoding.rtx_payload_type &&
        pt == *s.encoding.rtx_payload_type) {
      s.rtx_ssrc = ssrc;
      *is_rtx = true;
      return static_cast<int>(i);
    }
  }
  // 2. RID (repaired RID for RTX).
  const auto& ids = setup_.header_extension_ids;
  std::optional<std::string_view> rid;
  if (ids.rid != 0) {
    rid = packet.GetExtension<RtpStreamIdExtension>(ids.rid);
  }
  if (!rid && ids.rrid != 0) {
    rid = packet.GetExtension<RepairedRtpStreamIdExtension>(ids.rrid);
  }
  if (rid) {
    for (std::size_t i = 0; i < streams_.size(); ++i) {
      Stream& s = streams_[i];
      if (!s.encoding.rid || *s.encoding.rid != *rid) {
        continue;
      }
      if (pt == s.encoding.payload_type) {
        s.ssrc = ssrc;  // (re)bind: Chrome may change SSRCs on renegotiation
        s.stats = RtpReceiveStats(s.encoding.clock_rate);
        s.nack.Reset();
        if (s.retransmission) {
          s.retransmission->Clear();
        }
        return static_cast<int>(i);
      }
      if (s.encoding.rtx_payload_type && pt == *s.encoding.rtx_payload_type) {
        if (s.ssrc == 0) {
          return -1;  // RTX before any media of the encoding: ignored (mediasoup)
        }
        s.rtx_ssrc = ssrc;
        *is_rtx = true;
        return static_cast<int>(i);
      }
    }
    return -1;
  }
  // 3. One encoding with neither SSRC nor RID: bound by payload type.
  if (streams_.size() == 1 && !streams_[0].encoding.ssrc && !streams_[0].encoding.rid) {
    Stream& s = streams_[0];
    if (pt == s.encoding.payload_type && s.ssrc == 0) {
      s.ssrc = ssrc;
      return 0;
    }
    if (s.encoding.rtx_payload_type && pt == *s.encoding.rtx_payload_type && s.ssrc != 0 &&
        s.rtx_ssrc == 0) {
      s.rtx_ssrc = ssrc;
      *is_rtx = true;
      return 0;
    }
  }
  return -1;
}

bool Producer::ReceiveRtp(RtpPacket& packet, int64_t now_ms) {
  bool is_rtx = false;
  const int index = BindStream(packet, &is_rtx);
  if (index < 0) {
    ++dropped_;
    return false;
  }
  const std::size_t layer = static_cast<std::size_t>(index);
  Stream& s = streams_[layer];
  if (is_rtx) {
    // RFC 4588: OSN + original payload on the RTX SSRC. Padding-only packets (no OSN) are
    // the sender's bandwidth probes; RTX of packets we have (duplicates, or Chrome's
    // "payload padding" probes) is dropped; a repair of a missing packet is media.
    ++s.rtx_packets;
    if (s.ssrc == 0 || !s.encoding.rtx_payload_type ||
        packet.PayloadType() != *s.encoding.rtx_payload_type) {
      ++dropped_;
      return false;
    }
    if (packet.PayloadSize() < 2) {
      ++s.padding_packets;
      return false;
    }
    if (!RtxDecodeInPlace(packet, s.encoding.payload_type, s.ssrc)) {
      ++dropped_;
      return false;
    }
    if (s.nack.OnPacket(packet.SequenceNumber(), now_ms) != NackGenerator::Result::kRecovered) {
      ++s.rtx_discarded;
      return false;
    }
    ++s.packets_repaired;
    s.stats.UpdateRecovered(packet.Size(), now_ms);
    return Forward(layer, packet, now_ms);
  }
  if (packet.PayloadType() != s.encoding.payload_type) {
    ++dropped_;
    return false;
  }
  const uint16_t seq = packet.SequenceNumber();
  const uint64_t missing_before = s.nack.stats().missing_detected;
  const NackGenerator::Result result = s.nack.OnPacket(seq, now_ms);
  if (result == NackGenerator::Result::kDuplicate) {
    ++s.duplicates;
    return false;
  }
  if (result == NackGenerator::Result::kRecovered) {
    s.stats.UpdateRecovered(packet.Size(), now_ms);  // late (reordered): no jitter sample
  } else {
    s.stats.Update(seq, packet.Timestamp(), packet.Size(), now_ms);
  }
  if (s.nack.TakeKeyFrameRequest()) {
    RequestKeyFrame(layer, now_ms);  // too much lost to repair by retransmission
  }
  if (s.nack.stats().missing_detected != missing_before && s.encoding.rtcp_feedback.nack) {
    SendNacks(s, now_ms);  // a new gap: ask at once (Chromium does the same)
  }
  if (packet.PayloadSize() == 0) {
    // Padding-only (bandwidth probing): never forwarded, and consumers close the gap.
    ++s.padding_packets;
    for (Consumer* c : consumers_) {
      c->SkipPacket(layer, seq);
    }
    return false;
  }
  return Forward(layer, packet, now_ms);
}

bool Producer::Forward(std::size_t index, RtpPacket& packet, int64_t now_ms) {
  Stream& s = streams_[index];
  bool key_frame;
  if (setup_.kind == ortc::MediaKind::kAudio) {
    key_frame = true;  // every audio packet is a sync point
    s.bitrate.Add(packet.Size(), 0, now_ms);
  } else {
    const CodecPayloadInfo info = InspectPayload(s.codec, packet.Payload());
    key_frame = info.is_key_frame;
    s.bitrate.Add(packet.Size(), info.spatial_layer, info.temporal_layer, now_ms);
    if (!s.has_frame_timestamp || packet.Timestamp() != s.last_frame_timestamp) {
      s.frames.Add(1, now_ms);
      s.last_frame_timestamp = packet.Timestamp();
      s.has_frame_timestamp = true;
    }
    if (key_frame) {
      ++s.key_frames_received;
      s.last_key_frame_ms = now_ms;
      s.key_frame_request_pending = false;  // whatever was pending is answered
      s.key_frame_request_to_start = false;
    }
  }
  if (paused_ || consumers_.empty()) {
    return true;
  }
  // Sender's extension ids → router ids, once for all consumers (mediasoup's
  // MangleRtpPacket).
  if (packet.ExtensionCount() > 0) {
    packet.ClearUnmappedExtensions(ingress_map_);
    if (!packet.RemapExtensionIds(ingress_map_)) {
      ++dropped_;
      return false;
    }
  }
  const std::span<uint8_t> block = packet.ExtensionBlock();
  if (block.size() > saved_extensions_.size()) {
    ++dropped_;
    return false;
  }
  if (!block.empty()) {
    std::memcpy(saved_extensions_.data(), block.data(), block.size());
  }
  // Kept (router form, before any consumer edits it) for consumers' NACKs.
  if (s.retransmission) {
    s.retransmission->Insert(packet, now_ms);
  }
  const std::span<const uint8_t> saved(saved_extensions_.data(), block.size());
  // Each consumer stamps its SSRC / sequence number / timestamp / payload type on the
  // shared packet: the next one must see the producer's values again.
  uint8_t fixed_header[kRtpFixedHeaderSize];
  uint8_t* const header = packet.Data().data();
  std::memcpy(fixed_header, header, kRtpFixedHeaderSize);
  // Fan-out to N viewers takes N sends; starting each packet one consumer further spreads
  // the wait for the last place evenly instead of always charging the same viewer.
  const std::size_t n = consumers_.size();
  const std::size_t start = fanout_start_++ % n;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t k = start + i < n ? start + i : start + i - n;
    if (consumers_[k]->SendRtp(index, packet, key_frame, now_ms)) {
      packet.RestoreExtensionBlock(saved);  // this consumer edited the shared extensions
    }
    std::memcpy(header, fixed_header, kRtpFixedHeaderSize);
  }
  return true;
}

std::span<const uint8_t> Producer::StoredPacket(std::size_t layer, uint16_t seq,
                                                int64_t now_ms) {
  if (layer >= streams_.size() || !streams_[layer].retransmission) {
    return {};
  }
  return streams_[layer].retransmission->Get(seq, now_ms);
}

void Producer::ProcessNacks(int64_t now_ms) {
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    Stream& s = streams_[i];
    if (s.ssrc == 0 || s.nack.MissingCount() == 0) {
      continue;
    }
    if (!s.encoding.rtcp_feedback.nack) {
      uint16_t ignored[1];
      s.nack.CollectNacks(now_ms, std::span<uint16_t>(ignored, 0));  // expire only
      continue;
    }
    if (s.nack.HasDueNacks(now_ms)) {
      SendNacks(s, now_ms);
    }
  }
}

void Producer::SendNacks(Stream& stream, int64_t now_ms) {
  std::array<uint16_t, kMaxNacksPerRound> seqs;
  const std::size_t n = stream.nack.CollectNacks(now_ms, seqs);
  std::size_t offset = 0;
  uint8_t buf[GenericNack::kCommonSize + 4 * 64];
  while (offset < n) {
    std::size_t consumed = 0;
    const std::size_t size =
        GenericNack::Build(buf, rtcp_sender_ssrc_, stream.ssrc,
                           std::span<const uint16_t>(seqs.data() + offset, n - offset), &consumed);
    if (size == 0 || consumed == 0) {
      break;
    }
    if (transport_->SendRtcpPacket(buf, size)) {
      ++stream.nack_packets_sent;
    }
    offset += consumed;
  }
}

void Producer::ReceiveSenderReport(uint32_t ssrc, NtpTime ntp, uint32_t rtp_timestamp,
                                   int64_t now_ms) {
  for (Stream& s : streams_) {
    if (s.ssrc == ssrc && ssrc != 0) {
      s.stats.OnSenderReport(ntp, rtp_timestamp, now_ms);
      return;
    }
  }
}

void Producer::RequestKeyFrame(std::size_t layer, int64_t now_ms, bool to_start) {
  if (setup_.kind != ortc::MediaKind::kVideo || layer >= streams_.size()) {
    return;
  }
  Stream& s = streams_[layer];
  // Throttled per stream, but a request that starts a consumer may go out early once the
  // key frame answering the previous one has arrived (a viewer joining just after another
  // should not wait a whole interval); never more often than kMinKeyFrameRequestGapMs.
  const int64_t since = now_ms - s.last_key_frame_request_ms;
  const bool answered = s.last_key_frame_ms >= s.last_key_frame_request_ms;
  if (s.ssrc == 0 || (since < options_.key_frame_request_interval_ms &&
                      !(to_start && answered && since >= kMinKeyFrameRequestGapMs))) {
    s.key_frame_request_pending = true;  // merged; sent by Tick() when allowed
    s.key_frame_request_to_start = s.key_frame_request_to_start || to_start;
    return;
  }
  SendKeyFrameRequest(s, now_ms);
}

void Producer::Tick(int64_t now_ms) {
  for (Stream& s : streams_) {
    const int64_t since = now_ms - s.last_key_frame_request_ms;
    const bool answered = s.last_key_frame_ms >= s.last_key_frame_request_ms;
    if (s.key_frame_request_pending && s.ssrc != 0 &&
        (since >= options_.key_frame_request_interval_ms ||
         (s.key_frame_request_to_start && answered && since >= kMinKeyFrameRequestGapMs))) {
      SendKeyFrameRequest(s, now_ms);
    }
  }
}

void Producer::SendKeyFrameRequest(Stream& stream, int64_t now_ms) {
  uint8_t buf[64];
  std::size_t n = 0;
  if (stream.encoding.rtcp_feedback.nack_pli) {
    n = Pli::Build(buf, rtcp_sender_ssrc_, stream.ssrc);
  } else if (stream.encoding.rtcp_feedback.ccm_fir) {
    const FirEntry entry{stream.ssrc, ++stream.fir_sequence};
    n = Fir::Build(buf, rtcp_sender_ssrc_, std::span<const FirEntry>(&entry, 1));
  }
  stream.key_frame_request_pending = false;
  stream.key_frame_request_to_start = false;
  stream.last_key_frame_request_ms = now_ms;
  if (n > 0 && transport_->SendRtcpPacket(buf, n)) {
    ++stream.key_frame_requests_sent;
  }
}

void Producer::CollectReportBlocks(std::vector<ReportBlock>* out, int64_t now_ms) {
  for (Stream& s : streams_) {
    if (s.ssrc != 0 && s.stats.HasPackets()) {
      out->push_back(s.stats.MakeReportBlock(s.ssrc, now_ms));
    }
  }
}

Json Producer::StatsJson(int64_t now_ms) const {
  Json streams = Json::array();
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    const Stream& s = streams_[i];
    Json j = {{"layer", i},
              {"ssrc", s.ssrc},
              {"mappedSsrc", s.encoding.mapped_ssrc},
              {"mimeType", s.encoding.mime_type},
              {"packetCount", s.stats.packets()},
              {"byteCount", s.stats.bytes()},
              {"packetsLost", s.stats.CumulativeLost()},
              {"jitter", s.stats.jitter()},
              {"keyFramesReceived", s.key_frames_received},
              {"keyFrameRequestsSent", s.key_frame_requests_sent},
              {"rtxPackets", s.rtx_packets},
              {"paddingPackets", s.padding_packets},
              {"nackPacketsSent", s.nack_packets_sent},
              {"nackedSequenceNumbers", s.nack.stats().nacks_requested},
              {"missingDetected", s.nack.stats().missing_detected},
              {"packetsRepaired", s.packets_repaired},
              {"rtxDiscarded", s.rtx_discarded},
              {"duplicates", s.duplicates},
              {"active", IsStreamActive(i, now_ms)},
              {"bitrate", s.bitrate.Bps(LayerBitrateMeter::kMaxTemporalLayers - 1, now_ms)},
              {"temporalLayerBitrates",
               {s.bitrate.Bps(0, now_ms), s.bitrate.Bps(1, now_ms), s.bitrate.Bps(2, now_ms)}}};
    if (setup_.kind == ortc::MediaKind::kVideo) {
      j["frameRate"] = s.frames.PerSecond(now_ms);
    }
    if (setup_.type == ortc::ProducerType::kSvc) {
      // What a viewer of spatial layer s receives (layers 0..s, every temporal layer).
      Json spatial = Json::array();
      for (int sl = 0; sl < s.encoding.scalability_mode.spatial_layers &&
                       sl < LayerBitrateMeter::kMaxSpatialLayers;
           ++sl) {
        spatial.push_back(s.bitrate.Bps(sl, LayerBitrateMeter::kMaxTemporalLayers - 1, now_ms));
      }
      j["spatialLayerBitrates"] = std::move(spatial);
    }
    if (s.encoding.rid) {
      j["rid"] = *s.encoding.rid;
    }
    if (s.rtx_ssrc != 0) {
      j["rtxSsrc"] = s.rtx_ssrc;
    }
    streams.push_back(std::move(j));
  }
  return {{"producerId", id_},
          {"kind", ortc::MediaKindName(setup_.kind)},
          {"type", ortc::ProducerTypeName(setup_.type)},
          {"paused", paused_},
          {"consumers", consumers_.size()},
          {"packetsDropped", dropped_},
          {"streams", std::move(streams)}};
}

}  // namespace tr::media
