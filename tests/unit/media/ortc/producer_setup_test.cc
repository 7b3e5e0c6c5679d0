#include "media/ortc/producer_setup.h"

#include <gtest/gtest.h>

#include <string>

#include "chrome_fixtures.h"
#include "media/ortc/header_extension_uris.h"
#include "media/ortc/producer_cname.h"
#include "media/ortc/router_rtp_capabilities.h"
#include "ortc_test_util.h"

namespace tr::media::ortc {
namespace {

using test::CountingSsrcs;
using test::ParseJson;

ProducerSetup Produce(MediaKind kind, const Json& json, uint32_t first_mapped_ssrc = 500000000) {
  return ValidateAndMapProducer(kind, RtpParameters::FromJson(json), RouterRtpCapabilities(),
                                CountingSsrcs(first_mapped_ssrc));
}

ProducerSetup Produce(MediaKind kind, std::string_view fixture) {
  return Produce(kind, ParseJson(fixture));
}

TEST(ProducerSetupTest, OpusMicrophone) {
  const ProducerSetup s = Produce(MediaKind::kAudio, test::kChromeOpusProducer);
  EXPECT_EQ(s.kind, MediaKind::kAudio);
  EXPECT_EQ(s.type, ProducerType::kSimple);
  EXPECT_EQ(ProducerTypeName(s.type), "simple");
  EXPECT_EQ(s.mid, "1");
  EXPECT_EQ(s.rtp_mapping.ToJson(), ParseJson(R"({
    "codecs": [ { "payloadType": 111, "mappedPayloadType": 100 } ],
    "encodings": [ { "ssrc": 2893741552, "mappedSsrc": 500000000 } ] })"));

  HeaderExtensionIds ids;
  ids.mid = 4;
  ids.abs_send_time = 2;
  ids.transport_wide_cc = 3;
  ids.ssrc_audio_level = 1;
  EXPECT_EQ(s.header_extension_ids, ids);

  ASSERT_EQ(s.encodings.size(), 1u);
  const ProducerEncoding& e = s.encodings[0];
  EXPECT_EQ(e.ssrc, 2893741552u);
  EXPECT_FALSE(e.rtx_ssrc.has_value());
  EXPECT_FALSE(e.rid.has_value());
  EXPECT_EQ(e.mapped_ssrc, 500000000u);
  EXPECT_EQ(e.payload_type, 111);
  EXPECT_EQ(e.mapped_payload_type, 100);
  EXPECT_FALSE(e.rtx_payload_type.has_value());
  EXPECT_EQ(e.mime_type, "audio/opus");
  EXPECT_EQ(e.clock_rate, 48000u);
  EXPECT_EQ(e.scalability_mode, (ScalabilityMode{1, 1, false}));
  EXPECT_EQ(e.rtcp_feedback, (RtcpFeedbackSupport{true, false, false, true, false}));

  // Nothing to filter: the validated parameters are Chrome's.
  EXPECT_EQ(s.rtp_parameters.ToJson(), ParseJson(test::kChromeOpusProducer));
}

TEST(ProducerSetupTest, Vp8RidSimulcast) {
  const ProducerSetup s = Produce(MediaKind::kVideo, test::kChromeVp8SimulcastProducer);
  EXPECT_EQ(s.type, ProducerType::kSimulcast);
  EXPECT_EQ(ProducerTypeName(s.type), "simulcast");
  EXPECT_EQ(s.mid, "0");
  EXPECT_EQ(s.rtp_mapping.ToJson(), ParseJson(R"({
    "codecs": [ { "payloadType": 96, "mappedPayloadType": 101 },
                { "payloadType": 97, "mappedPayloadType": 102 } ],
    "encodings": [ { "rid": "r0", "scalabilityMode": "L1T3", "mappedSsrc": 500000000 },
                   { "rid": "r1", "scalabilityMode": "L1T3", "mappedSsrc": 500000001 },
                   { "rid": "r2", "scalabilityMode": "L1T3", "mappedSsrc": 500000002 } ] })"));

  const HeaderExtensionIds& ids = s.header_extension_ids;
  EXPECT_EQ(ids.mid, 9);
  EXPECT_EQ(ids.rid, 10);
  EXPECT_EQ(ids.rrid, 11);
  EXPECT_EQ(ids.abs_send_time, 2);
  EXPECT_EQ(ids.transport_wide_cc, 4);
  EXPECT_EQ(ids.video_orientation, 3);
  EXPECT_EQ(ids.toffset, 1);
  EXPECT_EQ(ids.playout_delay, 5);
  EXPECT_EQ(ids.ssrc_audio_level, 0);
  EXPECT_EQ(ids.dependency_descriptor, 0);
  EXPECT_EQ(ids.abs_capture_time, 0);

  ASSERT_EQ(s.encodings.size(), 3u);
  const uint32_t max_bitrates[] = {300000, 1000000, 2500000};
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    const ProducerEncoding& e = s.encodings[i];
    EXPECT_FALSE(e.ssrc.has_value());
    EXPECT_FALSE(e.rtx_ssrc.has_value());
    EXPECT_EQ(e.rid, "r" + std::to_string(i));
    EXPECT_EQ(e.mapped_ssrc, 500000000u + i);
    EXPECT_EQ(e.payload_type, 96);
    EXPECT_EQ(e.mapped_payload_type, 101);
    EXPECT_EQ(e.rtx_payload_type, 97);
    EXPECT_EQ(e.mapped_rtx_payload_type, 102);
    EXPECT_EQ(e.mime_type, "video/VP8");
    EXPECT_EQ(e.clock_rate, 90000u);
    EXPECT_EQ(e.scalability_mode, (ScalabilityMode{1, 3, false}));
    EXPECT_EQ(e.max_bitrate, max_bitrates[i]);
    EXPECT_EQ(e.rtcp_feedback, (RtcpFeedbackSupport{true, true, true, true, true}));
  }
}

TEST(ProducerSetupTest, Vp8ScreenShareSingleEncoding) {
  const ProducerSetup s = Produce(MediaKind::kVideo, test::kChromeVp8ScreenProducer);
  EXPECT_EQ(s.type, ProducerType::kSimple);
  EXPECT_EQ(s.rtp_mapping.ToJson(), ParseJson(R"({
    "codecs": [ { "payloadType": 96, "mappedPayloadType": 101 },
                { "payloadType": 97, "mappedPayloadType": 102 } ],
    "encodings": [ { "ssrc": 3141592653, "mappedSsrc": 500000000 } ] })"));
  ASSERT_EQ(s.encodings.size(), 1u);
  EXPECT_EQ(s.encodings[0].ssrc, 3141592653u);
  EXPECT_EQ(s.encodings[0].rtx_ssrc, 2718281828u);
  EXPECT_EQ(s.encodings[0].rtx_payload_type, 97);
  EXPECT_EQ(s.encodings[0].max_bitrate, 1500000u);
}

TEST(ProducerSetupTest, H264ConstrainedBaseline) {
  const ProducerSetup s = Produce(MediaKind::kVideo, test::kChromeH264Producer);
  EXPECT_EQ(s.type, ProducerType::kSimple);
  EXPECT_EQ(s.rtp_mapping.ToJson(), ParseJson(R"({
    "codecs": [ { "payloadType": 106, "mappedPayloadType": 107 },
                { "payloadType": 107, "mappedPayloadType": 108 } ],
    "encodings": [ { "ssrc": 1111111111, "mappedSsrc": 500000000 } ] })"));
  EXPECT_EQ(s.header_extension_ids.dependency_descriptor, 12);
  EXPECT_EQ(s.encodings[0].mime_type, "video/H264");
  EXPECT_EQ(s.encodings[0].mapped_payload_type, 107);
  EXPECT_EQ(s.encodings[0].mapped_rtx_payload_type, 108);
  EXPECT_EQ(s.rtp_parameters.codecs[0].parameters.at("profile-level-id"), ParameterValue("42e01f"));
}

Json H264Main(const char* profile_level_id, int packetization_mode = 1) {
  Json json = ParseJson(test::kChromeH264Producer);
  json["codecs"][0]["payloadType"] = 127;
  json["codecs"][0]["parameters"]["profile-level-id"] = profile_level_id;
  json["codecs"][0]["parameters"]["packetization-mode"] = packetization_mode;
  json["codecs"][1]["payloadType"] = 125;
  json["codecs"][1]["parameters"]["apt"] = 127;
  return json;
}

TEST(ProducerSetupTest, H264MainMapsToTheMainEntryAndKeepsTheNegotiatedLevel) {
  const ProducerSetup s = Produce(MediaKind::kVideo, H264Main("4d001f"));
  EXPECT_EQ(s.rtp_mapping.codecs, (std::vector<RtpCodecMapping>{{127, 109}, {125, 110}}));
  // Both sides allow level asymmetry: the producer's level stays (mediasoup writes the
  // negotiated answer back).
  EXPECT_EQ(s.rtp_parameters.codecs[0].parameters.at("profile-level-id"), ParameterValue("4d001f"));
}

TEST(ProducerSetupTest, H264ProfileAndPacketizationModeMustMatch) {
  EXPECT_ORTC_ERROR(Produce(MediaKind::kVideo, H264Main("42001f")),
                    "rtpParameters.codecs[0]: unsupported codec video/H264 (payload type 127)");
  EXPECT_ORTC_ERROR(Produce(MediaKind::kVideo, H264Main("640c1f")), "unsupported codec");
  EXPECT_ORTC_ERROR(Produce(MediaKind::kVideo, H264Main("42e01f", 0)), "unsupported codec");
}

Json Vp9(int profile_id, const char* scalability_mode) {
  Json json = ParseJson(test::kChromeVp8ScreenProducer);
  json["codecs"][0]["mimeType"] = "video/VP9";
  json["codecs"][0]["payloadType"] = 98;
  json["codecs"][0]["parameters"] = Json{{"profile-id", profile_id}};
  json["codecs"][1]["payloadType"] = 99;
  json["codecs"][1]["parameters"]["apt"] = 98;
  json["encodings"][0]["scalabilityMode"] = scalability_mode;
  return json;
}

TEST(ProducerSetupTest, Vp9Svc) {
  const ProducerSetup s = Produce(MediaKind::kVideo, Vp9(0, "L3T3_KEY"));
  EXPECT_EQ(s.type, ProducerType::kSvc);
  EXPECT_EQ(ProducerTypeName(s.type), "svc");
  EXPECT_EQ(s.rtp_mapping.codecs, (std::vector<RtpCodecMapping>{{98, 103}, {99, 104}}));
  EXPECT_EQ(s.encodings[0].scalability_mode, (ScalabilityMode{3, 3, true}));
  EXPECT_EQ(s.rtp_mapping.encodings[0].scalability_mode, "L3T3_KEY");

  const ProducerSetup p2 = Produce(MediaKind::kVideo, Vp9(2, "L1T3"));
  EXPECT_EQ(p2.type, ProducerType::kSvc);
  EXPECT_EQ(p2.rtp_mapping.codecs[0].mapped_payload_type, 105);

  EXPECT_EQ(Produce(MediaKind::kVideo, Vp9(0, "L1T1")).type, ProducerType::kSimple);
  EXPECT_ORTC_ERROR(Produce(MediaKind::kVideo, Vp9(1, "L1T3")),
                    "unsupported codec video/VP9 (payload type 98)");
}

TEST(ProducerSetupTest, Vp8SingleEncodingWithTemporalLayersIsSimulcastType) {
  Json json = ParseJson(test::kChromeVp8ScreenProducer);
  json["encodings"][0]["scalabilityMode"] = "L1T3";
  EXPECT_EQ(Produce(MediaKind::kVideo, json).type, ProducerType::kSimulcast);
  json["encodings"][0]["scalabilityMode"] = "L3T3";
  EXPECT_ORTC_ERROR(Produce(MediaKind::kVideo, json),
                    "encodings[0].scalabilityMode: \"L3T3\" is not supported with video/VP8");
}

TEST(ProducerSetupTest, DropsHeaderExtensionsTheRouterDoesNotAccept) {
  Json json = ParseJson(test::kChromeVp8ScreenProducer);
  json["headerExtensions"].push_back(
      {{"uri", "http://www.webrtc.org/experiments/rtp-hdrext/video-content-type"}, {"id", 6}});
  json["headerExtensions"].push_back(
      {{"uri", "http://www.webrtc.org/experiments/rtp-hdrext/color-space"},
       {"id", 8},
       {"encrypt", true}});  // dropped, so its encrypt flag does not matter
  // Audio-only extension on a video producer.
  json["headerExtensions"].push_back(
      {{"uri", "urn:ietf:params:rtp-hdrext:ssrc-audio-level"}, {"id", 12}});
  const ProducerSetup s = Produce(MediaKind::kVideo, json);
  EXPECT_EQ(s.rtp_parameters.header_extensions.size(), 8u);
  EXPECT_EQ(s.rtp_parameters.FindHeaderExtension(uris::kSsrcAudioLevel), nullptr);
  EXPECT_EQ(s.header_extension_ids.ssrc_audio_level, 0);
  EXPECT_EQ(s.rtp_parameters.header_extensions,
            RtpParameters::FromJson(ParseJson(test::kChromeVp8ScreenProducer)).header_extensions);
}

TEST(ProducerSetupTest, SingleEncodingBoundByMidOnly) {
  Json json = ParseJson(test::kChromeVp8ScreenProducer);
  json["encodings"] = Json::array({Json::object()});
  const ProducerSetup s = Produce(MediaKind::kVideo, json);
  EXPECT_FALSE(s.encodings[0].ssrc.has_value());
  EXPECT_EQ(s.rtp_mapping.ToJson()["encodings"], ParseJson(R"([ { "mappedSsrc": 500000000 } ])"));
  json.erase("mid");
  EXPECT_ORTC_ERROR(Produce(MediaKind::kVideo, json),
                    "encodings[0]: cannot be bound to incoming RTP");
}

TEST(ProducerSetupTest, DefaultSsrcSourceGivesFreshConsecutiveSsrcs) {
  const auto params = RtpParameters::FromJson(ParseJson(test::kChromeVp8SimulcastProducer));
  const ProducerSetup a =
      ValidateAndMapProducer(MediaKind::kVideo, params, RouterRtpCapabilities());
  const ProducerSetup b =
      ValidateAndMapProducer(MediaKind::kVideo, params, RouterRtpCapabilities());
  const uint32_t base = a.rtp_mapping.encodings[0].mapped_ssrc;
  EXPECT_GE(base, kMinRandomSsrc);
  EXPECT_LE(base, kMaxRandomSsrc);
  EXPECT_EQ(a.rtp_mapping.encodings[1].mapped_ssrc, base + 1);
  EXPECT_EQ(a.rtp_mapping.encodings[2].mapped_ssrc, base + 2);
  EXPECT_NE(b.rtp_mapping.encodings[0].mapped_ssrc, base);  // 1 in 9e8 to flake
}

TEST(ProducerSetupTest, TransportCnameIsSharedByAllProducers) {
  std::string transport_cname;
  auto video = RtpParameters::FromJson(ParseJson(test::kChromeVp8SimulcastProducer));
  ApplyTransportCname(transport_cname, video);  // cname "" -> random
  EXPECT_EQ(transport_cname.size(), 8u);
  EXPECT_EQ(video.rtcp.cname, transport_cname);
  auto audio = RtpParameters::FromJson(ParseJson(test::kChromeOpusProducer));
  ApplyTransportCname(transport_cname, audio);
  EXPECT_EQ(audio.rtcp.cname, transport_cname);  // overrides "Qw3rTy9uIo0pAs1d"

  std::string other;
  auto audio_first = RtpParameters::FromJson(ParseJson(test::kChromeOpusProducer));
  ApplyTransportCname(other, audio_first);
  EXPECT_EQ(other, "Qw3rTy9uIo0pAs1d");
}

// Producer-level rejections (the JSON itself is well-formed).
struct BadProducer {
  const char* name;
  MediaKind kind;
  std::string_view fixture;
  void (*mutate)(Json&);
  const char* expected;
};

TEST(ProducerSetupTest, RejectsInvalidProducers) {
  constexpr auto kA = MediaKind::kAudio;
  constexpr auto kV = MediaKind::kVideo;
  const std::vector<BadProducer> cases = {
      {"unknown codec", kV, test::kChromeVp8ScreenProducer,
       [](Json& j) { j["codecs"][0]["mimeType"] = "video/AV1"; },
       "rtpParameters.codecs[0]: unsupported codec video/AV1 (payload type 96)"},
      {"wrong clock rate", kA, test::kChromeOpusProducer,
       [](Json& j) { j["codecs"][0]["clockRate"] = 44100; }, "unsupported codec audio/opus"},
      {"mono opus", kA, test::kChromeOpusProducer, [](Json& j) { j["codecs"][0]["channels"] = 1; },
       "unsupported codec audio/opus"},
      {"kind mismatch", kA, test::kChromeVp8ScreenProducer, [](Json&) {},
       "codecs[0].mimeType: video/VP8 does not match the producer kind \"audio\""},
      {"rtcp-mux payload type", kV, test::kChromeVp8ScreenProducer,
       [](Json& j) {
         j["codecs"][0]["payloadType"] = 72;
         j["codecs"][1]["parameters"]["apt"] = 72;
       },
       "codecs[0].payloadType: payload types 64..95 collide with RTCP"},
      {"rtx without router rtx", kA, test::kChromeOpusProducer,
       [](Json& j) {
         j["codecs"].push_back({{"mimeType", "audio/rtx"},
                                {"payloadType", 112},
                                {"clockRate", 48000},
                                {"parameters", {{"apt", 111}}}});
       },
       "codecs[1]: no RTX codec in the router for audio/opus"},
      {"second rtx", kV, test::kChromeVp8ScreenProducer,
       [](Json& j) {
         j["codecs"].push_back(j["codecs"][1]);
         j["codecs"][2]["payloadType"] = 98;
       },
       "codecs[2].parameters.apt: a second RTX codec for payload type 96"},
      {"rtx clock rate", kV, test::kChromeVp8ScreenProducer,
       [](Json& j) { j["codecs"][1]["clockRate"] = 48000; }, "codecs[1].clockRate: differs"},
      {"empty encodings", kV, test::kChromeVp8ScreenProducer,
       [](Json& j) { j["encodings"] = Json::array(); },
       "rtpParameters.encodings: must have at least one entry"},
      {"missing encodings", kV, test::kChromeVp8ScreenProducer,
       [](Json& j) { j.erase("encodings"); },
       "rtpParameters.encodings: must have at least one entry"},
      {"simulcast without rid or ssrc", kV, test::kChromeVp8SimulcastProducer,
       [](Json& j) { j["encodings"][1].erase("rid"); },
       "encodings[1]: cannot be bound to incoming RTP"},
      {"rid without rid extension", kV, test::kChromeVp8SimulcastProducer,
       [](Json& j) { j["headerExtensions"].erase(1); },
       "encodings[0]: cannot be bound to incoming RTP"},
      {"duplicated rid", kV, test::kChromeVp8SimulcastProducer,
       [](Json& j) { j["encodings"][2]["rid"] = "r0"; }, "encodings[2].rid: duplicated rid \"r0\""},
      {"duplicated ssrc", kV, test::kChromeVp8ScreenProducer,
       [](Json& j) { j["encodings"][0]["rtx"]["ssrc"] = 3141592653u; },
       "encodings[0].rtx.ssrc: duplicated SSRC 3141592653"},
      {"duplicated ssrc across encodings", kV, test::kChromeVp8SimulcastProducer,
       [](Json& j) {
         j["encodings"][0]["ssrc"] = 5;
         j["encodings"][1]["ssrc"] = 5;
       },
       "encodings[1].ssrc: duplicated SSRC 5"},
      {"rtx ssrc without rtx codec", kV, test::kChromeVp8ScreenProducer,
       [](Json& j) { j["codecs"].erase(1); },
       "encodings[0].rtx: given but there is no RTX codec for payload type 96"},
      {"simulcast with spatial layers", kV, test::kChromeVp8SimulcastProducer,
       [](Json& j) { j["encodings"][1]["scalabilityMode"] = "L2T3"; },
       "encodings[1].scalabilityMode: simulcast cannot be combined with spatial layers"},
      {"vp9 simulcast", kV, test::kChromeVp8SimulcastProducer,
       [](Json& j) { j["codecs"][0]["mimeType"] = "video/VP9"; },
       "rtpParameters.encodings: video/VP9 cannot be simulcast"},
      {"audio with layers", kA, test::kChromeOpusProducer,
       [](Json& j) { j["encodings"][0]["scalabilityMode"] = "L1T3"; },
       "\"L1T3\" is not supported with audio/opus"},
      {"audio simulcast", kA, test::kChromeOpusProducer,
       [](Json& j) {
         j["encodings"].push_back({{"ssrc", 7}});
       },
       "audio/opus cannot be simulcast"},
      {"encrypted extension", kV, test::kChromeVp8ScreenProducer,
       [](Json& j) { j["headerExtensions"][0]["encrypt"] = true; },
       "headerExtensions[0].encrypt: encrypted header extensions (RFC 6904) are not supported"},
      {"malformed json", kV, test::kChromeVp8ScreenProducer,
       [](Json& j) { j["encodings"][0]["ssrc"] = "3141592653"; },
       "rtpParameters.encodings[0].ssrc: must be an integer"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Json json = ParseJson(c.fixture);
    c.mutate(json);
    EXPECT_ORTC_ERROR(Produce(c.kind, json), c.expected);
  }
}

TEST(ProducerSetupTest, RejectsAnUnusableSsrcSource) {
  const auto params = RtpParameters::FromJson(ParseJson(test::kChromeVp8SimulcastProducer));
  EXPECT_ORTC_ERROR(ValidateAndMapProducer(MediaKind::kVideo, params, RouterRtpCapabilities(),
                                           [] { return uint32_t{0}; }),
                    "unusable SSRC");
  EXPECT_ORTC_ERROR(ValidateAndMapProducer(MediaKind::kVideo, params, RouterRtpCapabilities(),
                                           [] { return uint32_t{0xFFFFFFFF}; }),
                    "unusable SSRC");
}

TEST(ProducerSetupTest, RejectsRouterCapabilitiesWithoutTheCodec) {
  RtpCapabilities router = RouterRtpCapabilities();
  router.codecs.erase(router.codecs.begin() + 1, router.codecs.begin() + 3);  // VP8 + RTX
  EXPECT_ORTC_ERROR(
      ValidateAndMapProducer(MediaKind::kVideo,
                             RtpParameters::FromJson(ParseJson(test::kChromeVp8ScreenProducer)),
                             router, CountingSsrcs(1)),
      "unsupported codec video/VP8");
}

}  // namespace
}  // namespace tr::media::ortc
