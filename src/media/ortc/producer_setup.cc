#include "media/ortc/producer_setup.h"

#include <set>

#include "media/ortc/codec_matching.h"
#include "media/ortc/header_extension_uris.h"
#include "media/ortc/json_fields.h"
#include "media/ortc/mime_type.h"
#include "media/ortc/ortc_error.h"

namespace tr::media::ortc {

namespace jf = json_fields;

namespace {

constexpr const char* kPath = "rtpParameters";

bool IsRtcpMuxConflict(uint8_t payload_type) { return payload_type >= 64 && payload_type <= 95; }

bool CanBeSimulcast(std::string_view mime_type) {
  return MimeTypeEquals(mime_type, "video/VP8") || MimeTypeEquals(mime_type, "video/H264");
}

bool CanBeSvc(std::string_view mime_type) { return MimeTypeEquals(mime_type, "video/VP9"); }

RtcpFeedbackSupport FeedbackOf(const RtpCodecParameters& codec) {
  RtcpFeedbackSupport f;
  f.nack = HasRtcpFeedback(codec.rtcp_feedback, "nack");
  f.nack_pli = HasRtcpFeedback(codec.rtcp_feedback, "nack", "pli");
  f.ccm_fir = HasRtcpFeedback(codec.rtcp_feedback, "ccm", "fir");
  f.transport_cc = HasRtcpFeedback(codec.rtcp_feedback, "transport-cc");
  f.goog_remb = HasRtcpFeedback(codec.rtcp_feedback, "goog-remb");
  return f;
}

HeaderExtensionIds IdsOf(const std::vector<RtpHeaderExtensionParameters>& exts) {
  HeaderExtensionIds ids;
  for (const auto& ext : exts) {
    const std::string_view uri = ext.uri;
    uint8_t* slot = nullptr;
    if (uri == uris::kMid) {
      slot = &ids.mid;
    } else if (uri == uris::kRtpStreamId) {
      slot = &ids.rid;
    } else if (uri == uris::kRepairedRtpStreamId) {
      slot = &ids.rrid;
    } else if (uri == uris::kAbsSendTime) {
      slot = &ids.abs_send_time;
    } else if (uri == uris::kTransportWideCc01) {
      slot = &ids.transport_wide_cc;
    } else if (uri == uris::kSsrcAudioLevel) {
      slot = &ids.ssrc_audio_level;
    } else if (uri == uris::kVideoOrientation) {
      slot = &ids.video_orientation;
    } else if (uri == uris::kToffset) {
      slot = &ids.toffset;
    } else if (uri == uris::kAbsCaptureTime) {
      slot = &ids.abs_capture_time;
    } else if (uri == uris::kPlayoutDelay) {
      slot = &ids.playout_delay;
    } else if (uri == uris::kDependencyDescriptor) {
      slot = &ids.dependency_descriptor;
    }
    if (slot != nullptr && *slot == 0) {
      *slot = ext.id;
    }
  }
  return ids;
}

const RtpCodecParameters& FirstMediaCodec(const RtpParameters& params) {
  for (const auto& codec : params.codecs) {
    if (!codec.IsRtx()) {
      return codec;
    }
  }
  throw OrtcError(std::string(kPath) + ".codecs: no media codec");  // ValidateStructure'd
}

// Maps every codec to the router's; fills mapping.codecs (media first, then RTX, as
// mediasoup) and writes the negotiated H.264 profile-level-id into `params`.
void MapCodecs(MediaKind kind, RtpParameters& params, const RtpCapabilities& router_caps,
               RtpMapping& mapping) {
  const std::string codecs_path = jf::Member(kPath, "codecs");
  for (std::size_t i = 0; i < params.codecs.size(); ++i) {
    RtpCodecParameters& codec = params.codecs[i];
    const std::string codec_path = jf::Element(codecs_path, i);
    if (codec.Kind() != kind) {
      jf::Fail(jf::Member(codec_path, "mimeType"), codec.mime_type +
                                                       " does not match the producer kind \"" +
                                                       std::string(MediaKindName(kind)) + "\"");
    }
    if (IsRtcpMuxConflict(codec.payload_type)) {
      jf::Fail(jf::Member(codec_path, "payloadType"),
               "payload types 64..95 collide with RTCP packet types under rtcp-mux "
               "(RFC 5761 §4)");
    }
    if (codec.IsRtx()) {
      continue;
    }
    const RtpCodecCapability* matched = nullptr;
    std::optional<std::string> answer;
    for (const auto& cap : router_caps.codecs) {
      if (cap.IsRtx() || cap.kind != kind || !cap.preferred_payload_type) {
        continue;
      }
      if (MatchCodecs(ViewOf(codec), ViewOf(cap), CodecMatchMode::kStrict, &answer)) {
        matched = &cap;
        break;
      }
    }
    if (matched == nullptr) {
      jf::Fail(codec_path, "unsupported codec " + codec.mime_type + " (payload type " +
                               std::to_string(codec.payload_type) + ")");
    }
    if (MimeTypeEquals(codec.mime_type, "video/H264")) {
      if (answer) {
        codec.parameters.insert_or_assign("profile-level-id", *answer);
      } else {
        codec.parameters.erase("profile-level-id");
      }
    }
    mapping.codecs.push_back({codec.payload_type, *matched->preferred_payload_type});
  }

  std::set<uint8_t> repaired;
  for (std::size_t i = 0; i < params.codecs.size(); ++i) {
    const RtpCodecParameters& codec = params.codecs[i];
    if (!codec.IsRtx()) {
      continue;
    }
    const std::string codec_path = jf::Element(codecs_path, i);
    const uint8_t apt = *codec.Apt();  // ValidateStructure: names a media codec
    const RtpCodecParameters* media = params.FindCodec(apt);
    if (!repaired.insert(apt).second) {
      jf::Fail(jf::Member(jf::Member(codec_path, "parameters"), "apt"),
               "a second RTX codec for payload type " + std::to_string(apt));
    }
    if (media == nullptr || codec.clock_rate != media->clock_rate) {
      jf::Fail(jf::Member(codec_path, "clockRate"), "differs from the clock rate of its apt codec");
    }
    const auto mapped_media = mapping.MappedPayloadType(apt);
    const RtpCodecCapability* router_rtx =
        mapped_media ? router_caps.FindRtxCodec(*mapped_media) : nullptr;
    if (router_rtx == nullptr || !router_rtx->preferred_payload_type) {
      jf::Fail(codec_path, "no RTX codec in the router for " + media->mime_type);
    }
    mapping.codecs.push_back({codec.payload_type, *router_rtx->preferred_payload_type});
  }
}

// Keeps the header extensions the router accepts from endpoints for this kind.
void FilterHeaderExtensions(MediaKind kind, RtpParameters& params,
                            const RtpCapabilities& router_caps) {
  std::vector<RtpHeaderExtensionParameters> kept;
  const std::string exts_path = jf::Member(kPath, "headerExtensions");
  for (std::size_t i = 0; i < params.header_extensions.size(); ++i) {
    auto& ext = params.header_extensions[i];
    const RtpHeaderExtension* router_ext = router_caps.FindHeaderExtension(kind, ext.uri);
    if (router_ext == nullptr ||
        (router_ext->direction != RtpHeaderExtensionDirection::kSendRecv &&
         router_ext->direction != RtpHeaderExtensionDirection::kRecvOnly)) {
      continue;
    }
    if (ext.encrypt) {
      jf::Fail(jf::Member(jf::Element(exts_path, i), "encrypt"),
               "encrypted header extensions (RFC 6904) are not supported");
    }
    kept.push_back(std::move(ext));
  }
  params.header_extensions = std::move(kept);
}

}  // namespace

std::string_view ProducerTypeName(ProducerType type) {
  switch (type) {
    case ProducerType::kSimple:
      return "simple";
    case ProducerType::kSimulcast:
      return "simulcast";
    case ProducerType::kSvc:
      return "svc";
  }
  return "simple";
}

ProducerSetup ValidateAndMapProducer(MediaKind kind, const RtpParameters& params,
                                     const RtpCapabilities& router_caps,
                                     const SsrcSource& ssrc_source) {
  params.ValidateStructure(kPath);

  ProducerSetup setup;
  setup.kind = kind;
  setup.rtp_parameters = params;
  RtpParameters& p = setup.rtp_parameters;
  setup.mid = p.mid;

  const std::string encodings_path = jf::Member(kPath, "encodings");
  if (p.encodings.empty()) {
    jf::Fail(encodings_path, "must have at least one entry");
  }

  MapCodecs(kind, p, router_caps, setup.rtp_mapping);
  FilterHeaderExtensions(kind, p, router_caps);
  setup.header_extension_ids = IdsOf(p.header_extensions);
  const HeaderExtensionIds& ids = setup.header_extension_ids;

  const std::size_t count = p.encodings.size();
  const uint8_t first_media_pt = FirstMediaCodec(p).payload_type;
  std::set<uint32_t> ssrcs;
  std::set<std::string> rids;
  for (std::size_t i = 0; i < count; ++i) {
    const RtpEncodingParameters& e = p.encodings[i];
    const std::string path = jf::Element(encodings_path, i);
    const bool by_ssrc = e.ssrc.has_value();
    const bool by_rid = e.rid.has_value() && ids.rid != 0;
    const bool by_mid = count == 1 && p.mid.has_value() && ids.mid != 0;
    if (!by_ssrc && !by_rid && !by_mid) {
      jf::Fail(path,
               "cannot be bound to incoming RTP: give an ssrc, or a rid with the "
               "rtp-stream-id header extension, or (single encoding) a mid with the sdes:mid "
               "header extension");
    }
    if (e.ssrc && !ssrcs.insert(*e.ssrc).second) {
      jf::Fail(jf::Member(path, "ssrc"), "duplicated SSRC " + std::to_string(*e.ssrc));
    }
    if (e.rtx && !ssrcs.insert(e.rtx->ssrc).second) {
      jf::Fail(jf::Member(jf::Member(path, "rtx"), "ssrc"),
               "duplicated SSRC " + std::to_string(e.rtx->ssrc));
    }
    if (e.rid && !rids.insert(*e.rid).second) {
      jf::Fail(jf::Member(path, "rid"), "duplicated rid \"" + *e.rid + "\"");
    }
    const uint8_t pt = e.codec_payload_type.value_or(first_media_pt);
    if (e.rtx && p.FindRtxCodec(pt) == nullptr) {
      jf::Fail(jf::Member(path, "rtx"),
               "given but there is no RTX codec for payload type " + std::to_string(pt));
    }
    const ScalabilityMode mode = ScalabilityModeOrDefault(e.scalability_mode);
    if (count > 1 && mode.spatial_layers > 1) {
      jf::Fail(jf::Member(path, "scalabilityMode"),
               "simulcast cannot be combined with spatial layers");
    }
  }

  // Type, from the first encoding's codec (mediasoup RtpParameters::GetType).
  const RtpCodecParameters& codec0 =
      *p.FindCodec(p.encodings[0].codec_payload_type.value_or(first_media_pt));
  const ScalabilityMode mode0 = ScalabilityModeOrDefault(p.encodings[0].scalability_mode);
  if (count > 1) {
    if (!CanBeSimulcast(codec0.mime_type)) {
      jf::Fail(encodings_path, codec0.mime_type + " cannot be simulcast (VP8 and H264 can)");
    }
    setup.type = ProducerType::kSimulcast;
  } else if (mode0.spatial_layers > 1 || mode0.temporal_layers > 1) {
    if (CanBeSvc(codec0.mime_type)) {
      setup.type = ProducerType::kSvc;
    } else if (CanBeSimulcast(codec0.mime_type) && mode0.spatial_layers == 1) {
      setup.type = ProducerType::kSimulcast;  // one stream with temporal layers
    } else {
      jf::Fail(
          jf::Member(jf::Element(encodings_path, 0), "scalabilityMode"),
          "\"" + *p.encodings[0].scalability_mode + "\" is not supported with " + codec0.mime_type);
    }
  } else {
    setup.type = ProducerType::kSimple;
  }

  const uint32_t base_ssrc = ssrc_source();
  if (base_ssrc == 0 || base_ssrc > 0xFFFFFFFFu - count) {
    throw OrtcError("ssrc source returned an unusable SSRC");
  }
  for (std::size_t i = 0; i < count; ++i) {
    const RtpEncodingParameters& e = p.encodings[i];
    RtpEncodingMapping entry;
    entry.ssrc = e.ssrc;
    entry.rid = e.rid;
    entry.scalability_mode = e.scalability_mode;
    entry.mapped_ssrc = base_ssrc + static_cast<uint32_t>(i);
    setup.rtp_mapping.encodings.push_back(entry);

    const uint8_t pt = e.codec_payload_type.value_or(first_media_pt);
    const RtpCodecParameters& codec = *p.FindCodec(pt);
    const RtpCodecCapability* router_codec =
        router_caps.FindCodecByPayloadType(*setup.rtp_mapping.MappedPayloadType(pt));
    ProducerEncoding out;
    out.ssrc = e.ssrc;
    if (e.rtx) {
      out.rtx_ssrc = e.rtx->ssrc;
    }
    out.rid = e.rid;
    out.mapped_ssrc = entry.mapped_ssrc;
    out.payload_type = pt;
    out.mapped_payload_type = *router_codec->preferred_payload_type;
    if (const RtpCodecParameters* rtx = p.FindRtxCodec(pt)) {
      out.rtx_payload_type = rtx->payload_type;
      out.mapped_rtx_payload_type = setup.rtp_mapping.MappedPayloadType(rtx->payload_type);
    }
    out.mime_type = router_codec->mime_type;
    out.clock_rate = codec.clock_rate;
    out.scalability_mode = ScalabilityModeOrDefault(e.scalability_mode);
    out.max_bitrate = e.max_bitrate;
    out.rtcp_feedback = FeedbackOf(codec);
    setup.encodings.push_back(std::move(out));
  }
  return setup;
}

}  // namespace tr::media::ortc
