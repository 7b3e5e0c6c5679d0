#include "fake_video_sender.h"

#include <algorithm>
#include <chrono>

#include "media/common/byte_io.h"
#include "media/common/ntp_time.h"
#include "media/rtcp/fir.h"
#include "media/rtcp/generic_nack.h"
#include "media/rtcp/pli.h"
#include "media/rtcp/receiver_report.h"
#include "media/rtcp/rtcp_packet.h"
#include "media/rtcp/sender_report.h"
#include "media/rtcp/transport_feedback.h"
#include "media/rtp/rtp_header_extensions.h"
#include "media/rtp/rtp_packet.h"
#include "media/rtp/rtx.h"
#include "rtp_test_packets.h"

namespace tr::media::test {

namespace {

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t UnixUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

FakeVideoSender::FakeVideoSender(WebRtcTestClient* client, std::string mid,
                                 std::vector<Layer> layers)
    : client_(client), mid_(std::move(mid)), layers_(std::move(layers)), start_ms_(SteadyMs()) {}

void FakeVideoSender::UseVp9Svc(int spatial, int temporal) {
  svc_spatial_ = spatial;
  svc_temporal_ = temporal;
}

Json FakeVideoSender::RtpParameters() const {
  Json encodings = Json::array();
  for (const auto& l : layers_) {
    if (vp9_svc()) {
      encodings.push_back({{"ssrc", l.ssrc},
                           {"rtx", {{"ssrc", l.ssrc + 1}}},
                           {"scalabilityMode", "L" + std::to_string(svc_spatial_) + "T" +
                                                   std::to_string(svc_temporal_) + "_KEY"}});
      break;
    }
    if (!l.rid.empty()) {
      encodings.push_back({{"rid", l.rid}, {"scalabilityMode", "L1T3"}, {"active", true}});
    } else {
      encodings.push_back({{"ssrc", l.ssrc}, {"rtx", {{"ssrc", l.ssrc + 1}}}});
    }
  }
  Json exts = Json::array({
      {{"uri", "urn:ietf:params:rtp-hdrext:sdes:mid"}, {"id", kMidId}},
      {{"uri", "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"}, {"id", kAbsSendTimeId}},
      {{"uri", "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"},
       {"id", kTwccId}},
      {{"uri", "urn:3gpp:video-orientation"}, {"id", kVideoOrientationId}},
      {{"uri", "urn:ietf:params:rtp-hdrext:toffset"}, {"id", kToffsetId}},
  });
  if (!layers_.empty() && !layers_[0].rid.empty()) {
    exts.push_back({{"uri", "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"}, {"id", kRidId}});
  }
  return {
      {"mid", mid_},
      {"codecs",
       Json::array({{{"mimeType", vp9_svc() ? "video/VP9" : "video/VP8"},
                     {"payloadType", kPayloadType},
                     {"clockRate", 90000},
                     {"parameters", vp9_svc() ? Json{{"profile-id", 0}} : Json::object()},
                     {"rtcpFeedback", Json::array({{{"type", "nack"}, {"parameter", ""}},
                                                   {{"type", "nack"}, {"parameter", "pli"}},
                                                   {{"type", "ccm"}, {"parameter", "fir"}},
                                                   {{"type", "transport-cc"}, {"parameter", ""}}})}},
                    {{"mimeType", "video/rtx"},
                     {"payloadType", kPayloadType + 1},
                     {"clockRate", 90000},
                     {"parameters", {{"apt", kPayloadType}}},
                     {"rtcpFeedback", Json::array()}}})},
      {"headerExtensions", exts},
      {"encodings", encodings},
      {"rtcp", {{"cname", layers_.empty() || layers_[0].rid.empty() ? "sendercname" : ""},
                {"reducedSize", true}}},
  };
}

void FakeVideoSender::SendFrame() {
  HandleRtcp();
  const int64_t now = SteadyMs();
  const uint32_t elapsed_ticks = static_cast<uint32_t>((now - start_ms_) * 90);
  for (auto& l : layers_) {
    if (!l.enabled) {
      continue;
    }
    if (vp9_svc()) {
      SendSvcPicture(l, l.ts_base + elapsed_ticks);
      break;
    }
    TestRtpPacketSpec spec = NextSpec(l, l.ts_base + elapsed_ticks);
    spec.key_frame = l.key_pending;
    if (l.vp8_ids) {
      spec.vp8_picture_id = l.picture_id;
      spec.vp8_tl0_pic_idx = l.tl0_pic_idx;
      l.picture_id = static_cast<uint16_t>((l.picture_id + 1) & 0x7FFF);
      ++l.tl0_pic_idx;
    }
    if (l.key_pending) {
      l.key_pending = false;
      ++l.key_frames_sent;
    }
    Emit(l, spec.sequence_number, BuildTestRtpPacket(spec));
  }
  if (now - last_sr_ms_ >= 300) {
    last_sr_ms_ = now;
    for (const auto& l : layers_) {
      SenderInfo info;
      info.sender_ssrc = l.ssrc;
      info.ntp = NtpFromUnixMicros(UnixUs());
      info.rtp_timestamp = l.ts_base + elapsed_ticks;
      info.packet_count = l.seq;
      info.octet_count = l.seq * 200u;
      uint8_t buf[64];
      const std::size_t n = SenderReport::Build(buf, info);
      client_->SendRtcp(std::span<const uint8_t>(buf, n));
    }
  }
}

TestRtpPacketSpec FakeVideoSender::NextSpec(Layer& l, uint32_t timestamp) {
  TestRtpPacketSpec spec;
  spec.payload_type = kPayloadType;
  spec.sequence_number = l.seq++;
  spec.timestamp = timestamp;
  spec.ssrc = l.ssrc;
  spec.fill = l.fill;
  spec.payload_size = 200;
  uint8_t abs[3];
  WriteU24(abs, 0x123456);
  uint8_t twcc[2];
  WriteU16(twcc, ++twcc_seq_);
  spec.extensions = {{kMidId, mid_},
                     {kAbsSendTimeId, std::string(reinterpret_cast<char*>(abs), 3)},
                     {kTwccId, std::string(reinterpret_cast<char*>(twcc), 2)},
                     {kToffsetId, std::string("\x00\x00\x01", 3)}};
  if (!l.rid.empty()) {
    spec.extensions.push_back({kRidId, l.rid});
  }
  return spec;
}

void FakeVideoSender::Emit(Layer& l, uint16_t seq, std::vector<uint8_t> bytes) {
  l.history[seq] = bytes;
  if (l.history.size() > 200) {
    l.history.erase(l.history.begin());
  }
  if (&l == &layers_[0] && drop_next_ > 0) {
    --drop_next_;
    dropped_seqs_.push_back(seq);
    dropped_twcc_seqs_.push_back(twcc_seq_);
    return;
  }
  client_->SendRtp(bytes);
}

void FakeVideoSender::SendSvcPicture(Layer& l, uint32_t timestamp) {
  const bool key = l.key_pending;
  if (key) {
    l.key_pending = false;
    ++l.key_frames_sent;
    pictures_since_key_ = 0;
  }
  static constexpr uint8_t kTid3[] = {0, 2, 1, 2};
  static constexpr uint8_t kDiff3[] = {4, 1, 2, 1};
  const int pos = pictures_since_key_ % (svc_temporal_ >= 3 ? 4 : svc_temporal_);
  const uint8_t tid = svc_temporal_ >= 3 ? kTid3[pos] : static_cast<uint8_t>(pos);
  const int diff = svc_temporal_ >= 3 ? kDiff3[pos] : (pos == 0 ? svc_temporal_ : 1);
  const auto p_diff = static_cast<uint8_t>(std::min(diff, std::max(pictures_since_key_, 1)));
  ++picture_id_;
  for (int sid = 0; sid < svc_spatial_; ++sid) {
    for (int part = 0; part < 2; ++part) {
      TestRtpPacketSpec spec = NextSpec(l, timestamp);
      spec.vp8 = false;
      spec.payload_size = 0;
      spec.marker = sid == svc_spatial_ - 1 && part == 1;
      std::vector<uint8_t> bytes = BuildTestRtpPacket(spec);
      // RFC 9628 §4.2 descriptor: I, P, L, F, B, E, V.
      const bool ss = key && sid == 0 && part == 0;
      bytes.push_back(static_cast<uint8_t>(0xB0 | (key ? 0 : 0x40) | (part == 0 ? 0x08 : 0) |
                                           (part == 1 ? 0x04 : 0) | (ss ? 0x02 : 0)));
      bytes.push_back(static_cast<uint8_t>(0x80 | (picture_id_ >> 8)));
      bytes.push_back(static_cast<uint8_t>(picture_id_));
      bytes.push_back(static_cast<uint8_t>((tid << 5) | 0x10 | (sid << 1) | (key && sid > 0)));
      if (!key) {
        bytes.push_back(static_cast<uint8_t>(p_diff << 1));
      }
      if (ss) {
        bytes.push_back(static_cast<uint8_t>(((svc_spatial_ - 1) << 5) | 0x10));
        for (int s = 0; s < svc_spatial_; ++s) {
          const int shift = svc_spatial_ - 1 - s;
          uint8_t size[4];
          WriteU16(size, static_cast<uint16_t>(1280 >> shift));
          WriteU16(size + 2, static_cast<uint16_t>(720 >> shift));
          bytes.insert(bytes.end(), size, size + 4);
        }
      }
      // A recognizable body: fill byte + spatial layer.
      bytes.insert(bytes.end(), 100, static_cast<uint8_t>(l.fill + sid));
      Emit(l, spec.sequence_number, std::move(bytes));
    }
  }
  ++pictures_since_key_;
}

void FakeVideoSender::HandleRtcp() {
  for (const auto& compound : client_->rtcp()) {
    RtcpCompoundIterator it(compound);
    RtcpPacket packet;
    while (it.Next(&packet)) {
      if (packet.Type() == rtcp_type::kPayloadFeedback && packet.Fmt() == Pli::kFmt) {
        if (const auto pli = Pli::Parse(packet)) {
          ++plis_;
          for (auto& l : layers_) {
            if (l.ssrc == pli->MediaSsrc()) l.key_pending = true;
          }
        }
      } else if (packet.Type() == rtcp_type::kPayloadFeedback && packet.Fmt() == Fir::kFmt) {
        if (const auto fir = Fir::Parse(packet)) {
          ++firs_;
          for (std::size_t i = 0; i < fir->EntryCount(); ++i) {
            for (auto& l : layers_) {
              if (l.ssrc == fir->Entry(i).ssrc) l.key_pending = true;
            }
          }
        }
      } else if (packet.Type() == rtcp_type::kRtpFeedback && packet.Fmt() == GenericNack::kFmt) {
        if (const auto nack = GenericNack::Parse(packet)) {
          for (auto& l : layers_) {
            if (l.ssrc != nack->MediaSsrc()) continue;
            nack->ForEachLost([&](uint16_t seq) {
              nacked_seqs_.push_back(seq);
              const auto found = l.history.find(seq);
              if (!answer_nacks_ || found == l.history.end()) return;
              auto original = found->second;
              auto parsed = RtpPacket::Parse(original);
              if (!parsed) return;
              std::vector<uint8_t> rtx(original.size() + 2);
              const std::size_t n = BuildRtxPacket(*parsed, kPayloadType + 1, l.ssrc + 1,
                                                   l.rtx_seq++, rtx);
              rtx.resize(n);
              auto rtx_packet = RtpPacket::Parse(rtx);
              if (!rtx_packet) return;
              rtx_packet->SetExtension<TransportSequenceNumberExtension>(kTwccId, ++twcc_seq_);
              client_->SendRtp(rtx);
              ++rtx_sent_;
            });
          }
        }
      } else if (packet.Type() == rtcp_type::kRtpFeedback &&
                 packet.Fmt() == TransportFeedback::kFmt) {
        if (const auto fb = TransportFeedback::Parse(packet)) {
          ++twcc_feedback_packets_;
          twcc_feedback_counts_.push_back(fb->FeedbackPacketCount());
          fb->ForEachPacket([&](const TwccPacketStatus& st) { twcc_statuses_.push_back(st); });
        }
      } else if (packet.Type() == rtcp_type::kReceiverReport) {
        if (const auto rr = ReceiverReport::Parse(packet)) {
          for (std::size_t i = 0; i < rr->ReportBlockCount(); ++i) {
            const ReportBlock b = rr->GetReportBlock(i);
            if (!layers_.empty() && b.ssrc == layers_[0].ssrc) {
              ++rrs_;
              last_rr_highest_seq_ = b.extended_highest_sequence;
            }
          }
        }
      }
    }
  }
  client_->rtcp().clear();
}

}  // namespace tr::media::test
