// Consumable parameters (per producer) and consumer parameters (per consumer), checked
// against the exact JSON mediasoup would produce for the same input (notes §4.1/§4.2) and
// against what mediasoup-client's transport.consume() requires.
#include "media/ortc/consumer_rtp_parameters.h"

#include <gtest/gtest.h>

#include <string>

#include "chrome_fixtures.h"
#include "media/ortc/consumable_rtp_parameters.h"
#include "media/ortc/header_extension_uris.h"
#include "media/ortc/producer_cname.h"
#include "media/ortc/producer_setup.h"
#include "media/ortc/router_rtp_capabilities.h"
#include "ortc_test_util.h"

namespace tr::media::ortc {
namespace {

using test::CountingSsrcs;
using test::ParseJson;

constexpr const char* kTransportCname = "e5f1a2b3";

struct Produced {
  ProducerSetup setup;
  RtpParameters consumable;
};

Produced ProduceJson(MediaKind kind, const Json& json) {
  std::string cname = kTransportCname;
  RtpParameters params = RtpParameters::FromJson(json);
  ApplyTransportCname(cname, params);
  Produced out;
  out.setup =
      ValidateAndMapProducer(kind, params, RouterRtpCapabilities(), CountingSsrcs(500000000));
  out.consumable = GetConsumableRtpParameters(kind, out.setup.rtp_parameters,
                                              RouterRtpCapabilities(), out.setup.rtp_mapping);
  return out;
}

Produced Produce(MediaKind kind, std::string_view fixture) {
  return ProduceJson(kind, ParseJson(fixture));
}

RtpCapabilities ChromeRecvCaps() {
  return RtpCapabilities::FromJson(ParseJson(test::kChromeRecvRtpCapabilities));
}

ConsumerRtpOptions Options(uint32_t first_ssrc) {
  ConsumerRtpOptions options;
  options.ssrc_source = CountingSsrcs(first_ssrc);
  return options;
}

// What mediasoup-client checks in transport.consume(): its ortc.validateRtpParameters()
// shape, and canReceive(): codecs[0].payloadType is the preferredPayloadType of a media
// codec of device.recvRtpCapabilities. Plus what its recv SDP needs: SSRC and CNAME.
void ExpectMediasoupClientAccepts(const Json& rtp_parameters, const RtpCapabilities& recv_caps) {
  ASSERT_TRUE(rtp_parameters["codecs"].is_array());
  ASSERT_FALSE(rtp_parameters["codecs"].empty());
  const int first_pt = rtp_parameters["codecs"][0]["payloadType"].get<int>();
  const RtpCodecCapability* cap = recv_caps.FindCodecByPayloadType(static_cast<uint8_t>(first_pt));
  ASSERT_NE(cap, nullptr);
  EXPECT_FALSE(cap->IsRtx());
  ASSERT_EQ(rtp_parameters["encodings"].size(), 1u);
  EXPECT_TRUE(rtp_parameters["encodings"][0]["ssrc"].is_number_integer());
  EXPECT_FALSE(rtp_parameters["rtcp"]["cname"].get<std::string>().empty());
  EXPECT_TRUE(rtp_parameters["mid"].is_string());
  for (const auto& ext : rtp_parameters["headerExtensions"]) {
    EXPECT_TRUE(ext["id"].is_number_integer());
  }
}

TEST(ConsumableRtpParametersTest, Vp8Simulcast) {
  const Produced p = Produce(MediaKind::kVideo, test::kChromeVp8SimulcastProducer);
  EXPECT_EQ(p.consumable.ToJson(), ParseJson(R"({
    "codecs": [
      { "mimeType": "video/VP8", "payloadType": 101, "clockRate": 90000, "parameters": {},
        "rtcpFeedback": [ { "type": "nack", "parameter": "" },
                          { "type": "nack", "parameter": "pli" },
                          { "type": "ccm", "parameter": "fir" },
                          { "type": "goog-remb", "parameter": "" },
                          { "type": "transport-cc", "parameter": "" } ] },
      { "mimeType": "video/rtx", "payloadType": 102, "clockRate": 90000,
        "parameters": { "apt": 101 }, "rtcpFeedback": [] }
    ],
    "headerExtensions": [
      { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 1, "encrypt": false,
        "parameters": {} },
      { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 4,
        "encrypt": false, "parameters": {} },
      { "uri": "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
        "id": 5, "encrypt": false, "parameters": {} },
      { "uri": "urn:3gpp:video-orientation", "id": 8, "encrypt": false, "parameters": {} },
      { "uri": "urn:ietf:params:rtp-hdrext:toffset", "id": 9, "encrypt": false,
        "parameters": {} },
      { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay", "id": 11,
        "encrypt": false, "parameters": {} }
    ],
    "encodings": [
      { "ssrc": 500000000, "active": true, "scalabilityMode": "L1T3",
        "scaleResolutionDownBy": 3, "maxBitrate": 300000, "maxFramerate": 15, "dtx": false },
      { "ssrc": 500000001, "active": true, "scalabilityMode": "L1T3",
        "scaleResolutionDownBy": 1.5, "maxBitrate": 1000000, "maxFramerate": 30, "dtx": false },
      { "ssrc": 500000002, "active": true, "scalabilityMode": "L1T3",
        "scaleResolutionDownBy": 1, "maxBitrate": 2500000, "maxFramerate": 30, "dtx": false }
    ],
    "rtcp": { "cname": "e5f1a2b3", "reducedSize": true },
    "msid": "3f6c1d2e-stream 2d7c9e41-camera"
  })"));
}

TEST(ConsumableRtpParametersTest, OpusHasNoTransportCcAndAbsCaptureTimeOnlyIfNegotiated) {
  const Produced p = Produce(MediaKind::kAudio, test::kChromeOpusProducer);
  ASSERT_EQ(p.consumable.codecs.size(), 1u);
  EXPECT_EQ(p.consumable.codecs[0].payload_type, 100);
  EXPECT_EQ(p.consumable.codecs[0].channels, 2);
  // The producer's parameters, not the router's.
  EXPECT_EQ(p.consumable.codecs[0].parameters,
            (ParameterMap{{"minptime", int64_t{10}}, {"useinbandfec", int64_t{1}}}));
  std::vector<std::pair<std::string, int>> exts;
  for (const auto& e : p.consumable.header_extensions) {
    exts.emplace_back(e.uri, e.id);
  }
  EXPECT_EQ(exts, (std::vector<std::pair<std::string, int>>{
                      {"urn:ietf:params:rtp-hdrext:sdes:mid", 1},
                      {"http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", 4},
                      {"urn:ietf:params:rtp-hdrext:ssrc-audio-level", 6},
                      {"http://www.webrtc.org/experiments/rtp-hdrext/playout-delay", 11}}));

  Json with_capture_time = ParseJson(test::kChromeOpusProducer);
  with_capture_time["headerExtensions"].push_back(
      {{"uri", "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time"}, {"id", 5}});
  const Produced q = ProduceJson(MediaKind::kAudio, with_capture_time);
  EXPECT_EQ(q.setup.header_extension_ids.abs_capture_time, 5);
  EXPECT_NE(q.consumable.FindHeaderExtension(
                "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time"),
            nullptr);
}

TEST(ConsumableRtpParametersTest, RejectsAForeignMapping) {
  const Produced p = Produce(MediaKind::kVideo, test::kChromeVp8ScreenProducer);
  RtpMapping mapping = p.setup.rtp_mapping;
  mapping.codecs.clear();
  EXPECT_ORTC_ERROR(GetConsumableRtpParameters(MediaKind::kVideo, p.setup.rtp_parameters,
                                               RouterRtpCapabilities(), mapping),
                    "no router codec for producer payload type 96");
  mapping = p.setup.rtp_mapping;
  mapping.encodings.push_back(mapping.encodings[0]);
  EXPECT_ORTC_ERROR(GetConsumableRtpParameters(MediaKind::kVideo, p.setup.rtp_parameters,
                                               RouterRtpCapabilities(), mapping),
                    "size does not match");
}

TEST(ConsumerRtpParametersTest, Vp8SimulcastConsumerIsL3T3) {
  const Produced p = Produce(MediaKind::kVideo, test::kChromeVp8SimulcastProducer);
  const RtpCapabilities recv = ChromeRecvCaps();
  ASSERT_TRUE(CanConsume(p.consumable, recv));
  RtpParameters consumer = GetConsumerRtpParameters(p.consumable, recv, Options(728694626));
  EXPECT_FALSE(consumer.mid.has_value());
  consumer.mid = "0";  // the transport's counter
  const Json json = consumer.ToJson();
  EXPECT_EQ(json, ParseJson(R"({
    "mid": "0",
    "codecs": [
      { "mimeType": "video/VP8", "payloadType": 101, "clockRate": 90000, "parameters": {},
        "rtcpFeedback": [ { "type": "transport-cc", "parameter": "" },
                          { "type": "ccm", "parameter": "fir" },
                          { "type": "nack", "parameter": "" },
                          { "type": "nack", "parameter": "pli" } ] },
      { "mimeType": "video/rtx", "payloadType": 102, "clockRate": 90000,
        "parameters": { "apt": 101 }, "rtcpFeedback": [] }
    ],
    "headerExtensions": [
      { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 1, "encrypt": false,
        "parameters": {} },
      { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 4,
        "encrypt": false, "parameters": {} },
      { "uri": "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
        "id": 5, "encrypt": false, "parameters": {} },
      { "uri": "urn:3gpp:video-orientation", "id": 8, "encrypt": false, "parameters": {} },
      { "uri": "urn:ietf:params:rtp-hdrext:toffset", "id": 9, "encrypt": false,
        "parameters": {} },
      { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay", "id": 11,
        "encrypt": false, "parameters": {} }
    ],
    "encodings": [ { "ssrc": 728694626, "rtx": { "ssrc": 728694627 }, "scalabilityMode": "L3T3",
                     "maxBitrate": 2500000 } ],
    "rtcp": { "cname": "e5f1a2b3", "reducedSize": true },
    "msid": "3f6c1d2e-stream 2d7c9e41-camera"
  })"));
  ExpectMediasoupClientAccepts(json, recv);
  // It is valid RtpParameters again (what a pipe or a test client would parse).
  EXPECT_EQ(RtpParameters::FromJson(json), consumer);
}

TEST(ConsumerRtpParametersTest, OpusConsumer) {
  const Produced p = Produce(MediaKind::kAudio, test::kChromeOpusProducer);
  const RtpCapabilities recv = ChromeRecvCaps();
  RtpParameters consumer = GetConsumerRtpParameters(p.consumable, recv, Options(111222333));
  consumer.mid = "1";
  const Json json = consumer.ToJson();
  // No RTX for audio => no plain nack; no TWCC extension for audio consumers => no
  // transport-cc; playout-delay is only in Chrome's video capabilities.
  EXPECT_EQ(json, ParseJson(R"({
    "mid": "1",
    "codecs": [
      { "mimeType": "audio/opus", "payloadType": 100, "clockRate": 48000, "channels": 2,
        "parameters": { "minptime": 10, "useinbandfec": 1 }, "rtcpFeedback": [] }
    ],
    "headerExtensions": [
      { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 1, "encrypt": false,
        "parameters": {} },
      { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 4,
        "encrypt": false, "parameters": {} },
      { "uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "id": 6, "encrypt": false,
        "parameters": {} }
    ],
    "encodings": [ { "ssrc": 111222333 } ],
    "rtcp": { "cname": "e5f1a2b3", "reducedSize": true },
    "msid": "3f6c1d2e-stream 9a0b7c6d-mic"
  })"));
  ExpectMediasoupClientAccepts(json, recv);
}

TEST(ConsumerRtpParametersTest, ScreenShareConsumerHasNoScalabilityMode) {
  const Produced p = Produce(MediaKind::kVideo, test::kChromeVp8ScreenProducer);
  const RtpParameters consumer =
      GetConsumerRtpParameters(p.consumable, ChromeRecvCaps(), Options(400000000));
  EXPECT_EQ(consumer.ToJson()["encodings"],
            ParseJson(R"([ { "ssrc": 400000000, "rtx": { "ssrc": 400000001 },
                            "maxBitrate": 1500000 } ])"));
}

TEST(ConsumerRtpParametersTest, H264Consumer) {
  const Produced p = Produce(MediaKind::kVideo, test::kChromeH264Producer);
  const RtpCapabilities recv = ChromeRecvCaps();
  RtpParameters consumer = GetConsumerRtpParameters(p.consumable, recv, Options(300000000));
  ASSERT_EQ(consumer.codecs.size(), 2u);
  EXPECT_EQ(consumer.codecs[0].mime_type, "video/H264");
  EXPECT_EQ(consumer.codecs[0].payload_type, 107);
  EXPECT_EQ(consumer.codecs[0].parameters,
            (ParameterMap{{"level-asymmetry-allowed", int64_t{1}},
                          {"packetization-mode", int64_t{1}},
                          {"profile-level-id", std::string("42e01f")}}));
  EXPECT_EQ(consumer.codecs[1].payload_type, 108);
  EXPECT_EQ(consumer.codecs[1].Apt(), 107);
  // The dependency descriptor is receive-only for the router: never in consumers.
  EXPECT_EQ(consumer.FindHeaderExtension(uris::kDependencyDescriptor), nullptr);
  EXPECT_EQ(consumer.header_extensions.size(), 6u);
  consumer.mid = "3";
  ExpectMediasoupClientAccepts(consumer.ToJson(), recv);

  // H.264 Main: matched to Chrome's 4d001f receive entry.
  Json main = ParseJson(test::kChromeH264Producer);
  main["codecs"][0]["parameters"]["profile-level-id"] = "4d001f";
  const Produced m = ProduceJson(MediaKind::kVideo, main);
  const RtpParameters main_consumer =
      GetConsumerRtpParameters(m.consumable, recv, Options(7000000));
  EXPECT_EQ(main_consumer.codecs[0].payload_type, 109);
  EXPECT_EQ(main_consumer.codecs[1].payload_type, 110);
}

TEST(ConsumerRtpParametersTest, Vp9SvcKeepsTheProducerScalabilityMode) {
  Json json = ParseJson(test::kChromeVp8ScreenProducer);
  json["codecs"][0]["mimeType"] = "video/VP9";
  json["codecs"][0]["parameters"] = Json{{"profile-id", 0}};
  json["encodings"][0]["scalabilityMode"] = "L3T3_KEY";
  const Produced p = ProduceJson(MediaKind::kVideo, json);
  const RtpParameters consumer =
      GetConsumerRtpParameters(p.consumable, ChromeRecvCaps(), Options(600000000));
  EXPECT_EQ(consumer.codecs[0].payload_type, 103);
  EXPECT_EQ(consumer.encodings[0].scalability_mode, "L3T3_KEY");
}

TEST(ConsumerRtpParametersTest, SimulcastTemporalLayersComeFromTheProducer) {
  Json json = ParseJson(test::kChromeVp8SimulcastProducer);
  json["encodings"].erase(2);
  for (auto& e : json["encodings"]) {
    e["scalabilityMode"] = "L1T2";
  }
  const Produced p = ProduceJson(MediaKind::kVideo, json);
  EXPECT_EQ(GetConsumerRtpParameters(p.consumable, ChromeRecvCaps(), Options(5000000))
                .encodings[0]
                .scalability_mode,
            "L2T2");
  for (auto& e : json["encodings"]) {
    e.erase("scalabilityMode");
  }
  const Produced q = ProduceJson(MediaKind::kVideo, json);
  EXPECT_EQ(GetConsumerRtpParameters(q.consumable, ChromeRecvCaps(), Options(5000000))
                .encodings[0]
                .scalability_mode,
            "L2T1");
}

TEST(ConsumerRtpParametersTest, ClientWithoutVp8CannotConsumeVp8) {
  const auto no_vp8 = RtpCapabilities::FromJson(ParseJson(test::kRecvCapabilitiesWithoutVp8));
  const Produced vp8 = Produce(MediaKind::kVideo, test::kChromeVp8SimulcastProducer);
  EXPECT_FALSE(CanConsume(vp8.consumable, no_vp8));
  EXPECT_ORTC_ERROR(GetConsumerRtpParameters(vp8.consumable, no_vp8),
                    "no compatible media codecs: the endpoint cannot receive video/VP8");

  const Produced h264 = Produce(MediaKind::kVideo, test::kChromeH264Producer);
  ASSERT_TRUE(CanConsume(h264.consumable, no_vp8));
  const RtpParameters consumer =
      GetConsumerRtpParameters(h264.consumable, no_vp8, Options(9000000));
  EXPECT_EQ(consumer.codecs.size(), 2u);  // H264 + its RTX
  EXPECT_EQ(consumer.codecs[0].rtcp_feedback,
            (std::vector<RtcpFeedback>{{"nack", ""}, {"nack", "pli"}}));
  ASSERT_EQ(consumer.header_extensions.size(), 1u);
  EXPECT_EQ(consumer.header_extensions[0].id, 1);
  EXPECT_EQ(consumer.encodings[0].rtx, (RtxParameters{9000001}));

  // H.264 Main is another profile: not receivable by a Constrained-Baseline-only client.
  Json main = ParseJson(test::kChromeH264Producer);
  main["codecs"][0]["parameters"]["profile-level-id"] = "4d001f";
  EXPECT_FALSE(CanConsume(ProduceJson(MediaKind::kVideo, main).consumable, no_vp8));

  EXPECT_TRUE(CanConsume(Produce(MediaKind::kAudio, test::kChromeOpusProducer).consumable, no_vp8));
}

TEST(ConsumerRtpParametersTest, CapabilitiesOfAnotherRouterAreRefused) {
  // Same codecs, other payload types: mediasoup-client would refuse the consumer
  // ("cannot consume this Producer"), so the server must not offer it.
  Json caps = ParseJson(test::kChromeRecvRtpCapabilities);
  caps["codecs"][1]["preferredPayloadType"] = 96;
  caps["codecs"][2]["preferredPayloadType"] = 97;
  caps["codecs"][2]["parameters"]["apt"] = 96;
  const auto other = RtpCapabilities::FromJson(caps);
  const Produced p = Produce(MediaKind::kVideo, test::kChromeVp8ScreenProducer);
  EXPECT_FALSE(CanConsume(p.consumable, other));
  EXPECT_ORTC_ERROR(GetConsumerRtpParameters(p.consumable, other),
                    "rtpCapabilities do not list payload type 101");
}

TEST(ConsumerRtpParametersTest, RtxNeedsTheClientsRtxAndCanBeDisabled) {
  const Produced p = Produce(MediaKind::kVideo, test::kChromeVp8ScreenProducer);
  Json caps = ParseJson(test::kChromeRecvRtpCapabilities);
  caps["codecs"].erase(2);  // VP8's RTX
  const RtpParameters no_client_rtx =
      GetConsumerRtpParameters(p.consumable, RtpCapabilities::FromJson(caps), Options(1000000));
  EXPECT_EQ(no_client_rtx.codecs.size(), 1u);
  EXPECT_FALSE(no_client_rtx.encodings[0].rtx.has_value());

  ConsumerRtpOptions options = Options(2000000);
  options.enable_rtx = false;
  const RtpParameters no_rtx = GetConsumerRtpParameters(p.consumable, ChromeRecvCaps(), options);
  ASSERT_EQ(no_rtx.codecs.size(), 1u);
  EXPECT_FALSE(no_rtx.encodings[0].rtx.has_value());
  EXPECT_EQ(no_rtx.codecs[0].rtcp_feedback,
            (std::vector<RtcpFeedback>{{"transport-cc", ""}, {"ccm", "fir"}, {"nack", "pli"}}));
}

TEST(ConsumerRtpParametersTest, FeedbackFollowsTheNegotiatedBandwidthExtension) {
  const Produced p = Produce(MediaKind::kVideo, test::kChromeVp8ScreenProducer);
  Json caps = ParseJson(test::kChromeRecvRtpCapabilities);
  caps["headerExtensions"].erase(4);  // video transport-wide-cc
  const RtpParameters remb =
      GetConsumerRtpParameters(p.consumable, RtpCapabilities::FromJson(caps), Options(1000000));
  EXPECT_EQ(remb.codecs[0].rtcp_feedback,
            (std::vector<RtcpFeedback>{
                {"goog-remb", ""}, {"ccm", "fir"}, {"nack", ""}, {"nack", "pli"}}));
  caps["headerExtensions"].erase(3);  // video abs-send-time
  const RtpParameters none =
      GetConsumerRtpParameters(p.consumable, RtpCapabilities::FromJson(caps), Options(1000000));
  EXPECT_EQ(none.codecs[0].rtcp_feedback,
            (std::vector<RtcpFeedback>{{"ccm", "fir"}, {"nack", ""}, {"nack", "pli"}}));
}

TEST(ConsumerRtpParametersTest, HeaderExtensionsNeedSameUriKindAndRouterId) {
  const Produced p = Produce(MediaKind::kVideo, test::kChromeVp8ScreenProducer);
  Json caps = ParseJson(test::kChromeRecvRtpCapabilities);
  caps["headerExtensions"][1]["preferredId"] = 14;  // video mid with another id
  caps["headerExtensions"][6]["kind"] = "audio";    // video-orientation listed as audio
  const RtpParameters consumer =
      GetConsumerRtpParameters(p.consumable, RtpCapabilities::FromJson(caps), Options(1000000));
  EXPECT_EQ(consumer.FindHeaderExtension("urn:ietf:params:rtp-hdrext:sdes:mid"), nullptr);
  EXPECT_EQ(consumer.FindHeaderExtension("urn:3gpp:video-orientation"), nullptr);
  EXPECT_EQ(consumer.header_extensions.size(), 4u);
}

TEST(ConsumerRtpParametersTest, PipeConsumerKeepsAllEncodings) {
  const Produced p = Produce(MediaKind::kVideo, test::kChromeVp8SimulcastProducer);
  ConsumerRtpOptions options = Options(800000000);
  options.pipe = true;
  const RtpParameters pipe = GetConsumerRtpParameters(p.consumable, ChromeRecvCaps(), options);
  ASSERT_EQ(pipe.encodings.size(), 3u);
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(pipe.encodings[i].ssrc, 800000000u + i);
    EXPECT_EQ(pipe.encodings[i].rtx, (RtxParameters{800001000u + i}));
    EXPECT_EQ(pipe.encodings[i].scalability_mode, "L1T3");
  }
}

TEST(ConsumerRtpParametersTest, DefaultSsrcsAreRandomAndRtxIsNext) {
  const Produced p = Produce(MediaKind::kVideo, test::kChromeVp8SimulcastProducer);
  const RtpParameters a = GetConsumerRtpParameters(p.consumable, ChromeRecvCaps());
  const RtpParameters b = GetConsumerRtpParameters(p.consumable, ChromeRecvCaps());
  ASSERT_TRUE(a.encodings[0].ssrc.has_value());
  EXPECT_GE(*a.encodings[0].ssrc, kMinRandomSsrc);
  EXPECT_LE(*a.encodings[0].ssrc, kMaxRandomSsrc);
  EXPECT_EQ(a.encodings[0].rtx->ssrc, *a.encodings[0].ssrc + 1);
  EXPECT_NE(a.encodings[0].ssrc, b.encodings[0].ssrc);
  ConsumerRtpOptions probator;
  probator.ssrc_source = [] { return uint32_t{1234}; };
  EXPECT_ORTC_ERROR(GetConsumerRtpParameters(p.consumable, ChromeRecvCaps(), probator),
                    "unusable SSRC");
}

// Every leaf of every fixture replaced by hostile values: only OrtcError may escape, at any
// stage of the pipeline.
void ForEachLeafPointer(const Json& json, const std::string& prefix,
                        std::vector<std::string>& out) {
  if (json.is_object()) {
    for (const auto& [key, value] : json.items()) {
      ForEachLeafPointer(value, prefix + "/" + key, out);
    }
  } else if (json.is_array()) {
    for (std::size_t i = 0; i < json.size(); ++i) {
      ForEachLeafPointer(json[i], prefix + "/" + std::to_string(i), out);
    }
  }
  out.push_back(prefix);
}

TEST(OrtcRobustnessTest, HostileValuesOnlyEverRaiseOrtcError) {
  const std::vector<Json> hostile = {nullptr,
                                     "",
                                     -1,
                                     0,
                                     1,
                                     127,
                                     4294967295ULL,
                                     18446744073709551615ULL,
                                     -9223372036854775807LL,
                                     1e308,
                                     0.5,
                                     true,
                                     Json::array(),
                                     Json::object(),
                                     std::string(5000, 'x'),
                                     "video/rtx",
                                     "L3T3",
                                     Json::array({Json::object()})};
  const RtpCapabilities recv = ChromeRecvCaps();
  int accepted = 0;
  int rejected = 0;
  for (const auto& [kind, fixture] : std::vector<std::pair<MediaKind, std::string_view>>{
           {MediaKind::kAudio, test::kChromeOpusProducer},
           {MediaKind::kVideo, test::kChromeVp8SimulcastProducer},
           {MediaKind::kVideo, test::kChromeH264Producer}}) {
    const Json base = ParseJson(fixture);
    std::vector<std::string> pointers;
    ForEachLeafPointer(base, "", pointers);
    for (const auto& pointer : pointers) {
      for (const auto& value : hostile) {
        Json input = base;
        if (pointer.empty()) {
          input = value;
        } else {
          input[Json::json_pointer(pointer)] = value;
        }
        try {
          const Produced p = ProduceJson(kind, input);
          if (CanConsume(p.consumable, recv)) {
            RtpParameters consumer = GetConsumerRtpParameters(p.consumable, recv);
            consumer.mid = "0";
            (void)RtpParameters::FromJson(consumer.ToJson());
          }
          ++accepted;
        } catch (const OrtcError&) {
          ++rejected;
        } catch (const std::exception& e) {
          ADD_FAILURE() << pointer << " = " << value.dump().substr(0, 40) << ": " << e.what();
        }
      }
    }
  }
  EXPECT_GT(accepted, 0);
  EXPECT_GT(rejected, 0);
}

}  // namespace
}  // namespace tr::media::ortc
