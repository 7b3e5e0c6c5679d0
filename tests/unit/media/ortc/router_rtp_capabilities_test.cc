#include "media/ortc/router_rtp_capabilities.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "chrome_fixtures.h"
#include "media/ortc/codec_matching.h"
#include "media/ortc/header_extension_uris.h"
#include "ortc_test_util.h"

namespace tr::media::ortc {
namespace {

using test::ParseJson;

struct ExpectedCodec {
  const char* mime_type;
  int payload_type;
  std::optional<int> apt;
};

TEST(RouterRtpCapabilitiesTest, CodecsAndPayloadTypes) {
  const RtpCapabilities& caps = RouterRtpCapabilities();
  const std::vector<ExpectedCodec> expected = {
      {"audio/opus", 100, {}}, {"video/VP8", 101, {}},  {"video/rtx", 102, 101},
      {"video/VP9", 103, {}},  {"video/rtx", 104, 103}, {"video/VP9", 105, {}},
      {"video/rtx", 106, 105}, {"video/H264", 107, {}}, {"video/rtx", 108, 107},
      {"video/H264", 109, {}}, {"video/rtx", 110, 109},
  };
  ASSERT_EQ(caps.codecs.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    const auto& codec = caps.codecs[i];
    EXPECT_EQ(codec.mime_type, expected[i].mime_type);
    EXPECT_EQ(codec.preferred_payload_type, expected[i].payload_type);
    if (expected[i].apt) {
      EXPECT_EQ(codec.parameters, (ParameterMap{{"apt", int64_t{*expected[i].apt}}}));
      EXPECT_TRUE(codec.rtcp_feedback.empty());
      EXPECT_EQ(codec.clock_rate, 90000u);
    }
  }
  EXPECT_EQ(&caps, &RouterRtpCapabilities());  // computed once
}

TEST(RouterRtpCapabilitiesTest, ExactJsonOfTheFirstEntries) {
  const Json json = RouterRtpCapabilities().ToJson();
  EXPECT_EQ(json["codecs"][0], ParseJson(R"({
    "kind": "audio", "mimeType": "audio/opus", "preferredPayloadType": 100, "clockRate": 48000,
    "channels": 2, "parameters": { "useinbandfec": 1, "usedtx": 1 },
    "rtcpFeedback": [ { "type": "nack", "parameter": "" },
                      { "type": "transport-cc", "parameter": "" } ] })"));
  EXPECT_EQ(json["codecs"][1], ParseJson(R"({
    "kind": "video", "mimeType": "video/VP8", "preferredPayloadType": 101, "clockRate": 90000,
    "parameters": { "x-google-start-bitrate": 1000 },
    "rtcpFeedback": [ { "type": "nack", "parameter": "" }, { "type": "nack", "parameter": "pli" },
                      { "type": "ccm", "parameter": "fir" },
                      { "type": "goog-remb", "parameter": "" },
                      { "type": "transport-cc", "parameter": "" } ] })"));
  EXPECT_EQ(json["codecs"][2], ParseJson(R"({
    "kind": "video", "mimeType": "video/rtx", "preferredPayloadType": 102, "clockRate": 90000,
    "parameters": { "apt": 101 }, "rtcpFeedback": [] })"));
  EXPECT_EQ(json["codecs"][3]["parameters"]["profile-id"], 0);
  EXPECT_EQ(json["codecs"][5]["parameters"]["profile-id"], 2);
  EXPECT_EQ(json["codecs"][7]["parameters"], ParseJson(R"({
    "level-asymmetry-allowed": 1, "packetization-mode": 1, "profile-level-id": "42e01f",
    "x-google-start-bitrate": 1000 })"));
  EXPECT_EQ(json["codecs"][9]["parameters"]["profile-level-id"], "4d0032");
  EXPECT_EQ(json["headerExtensions"][0], ParseJson(R"({
    "kind": "audio", "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "preferredId": 1,
    "preferredEncrypt": false, "direction": "sendrecv" })"));
}

struct ExpectedExt {
  MediaKind kind;
  std::string_view uri;
  int id;
  RtpHeaderExtensionDirection direction;
};

TEST(RouterRtpCapabilitiesTest, HeaderExtensionsAsMediasoup327) {
  constexpr auto kA = MediaKind::kAudio;
  constexpr auto kV = MediaKind::kVideo;
  constexpr auto kSR = RtpHeaderExtensionDirection::kSendRecv;
  constexpr auto kR = RtpHeaderExtensionDirection::kRecvOnly;
  const std::vector<ExpectedExt> expected = {
      {kA, uris::kMid, 1, kSR},
      {kV, uris::kMid, 1, kSR},
      {kV, uris::kRtpStreamId, 2, kR},
      {kV, uris::kRepairedRtpStreamId, 3, kR},
      {kA, uris::kAbsSendTime, 4, kSR},
      {kV, uris::kAbsSendTime, 4, kSR},
      {kA, uris::kTransportWideCc01, 5, kR},
      {kV, uris::kTransportWideCc01, 5, kSR},
      {kA, uris::kSsrcAudioLevel, 6, kSR},
      {kV, uris::kDependencyDescriptor, 7, kR},
      {kV, uris::kVideoOrientation, 8, kSR},
      {kV, uris::kToffset, 9, kSR},
      {kA, uris::kAbsCaptureTime, 10, kSR},
      {kV, uris::kAbsCaptureTime, 10, kSR},
      {kA, uris::kPlayoutDelay, 11, kSR},
      {kV, uris::kPlayoutDelay, 11, kSR},
  };
  const auto& exts = RouterRtpCapabilities().header_extensions;
  ASSERT_EQ(exts.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(exts[i].kind, expected[i].kind);
    EXPECT_EQ(exts[i].uri, expected[i].uri);
    EXPECT_EQ(exts[i].preferred_id, expected[i].id);
    EXPECT_EQ(exts[i].direction, expected[i].direction);
    EXPECT_FALSE(exts[i].preferred_encrypt);
  }
}

TEST(RouterRtpCapabilitiesTest, RoundTripsThroughJson) {
  const RtpCapabilities& caps = RouterRtpCapabilities();
  const Json json = caps.ToJson();
  const RtpCapabilities parsed = RtpCapabilities::FromJson(Json::parse(json.dump()));
  EXPECT_EQ(parsed, caps);
  EXPECT_EQ(parsed.ToJson(), json);
}

// What mediasoup-client's validateAndNormalizeRtpCapabilities() insists on (client
// requirement), checked on the JSON we send.
TEST(RouterRtpCapabilitiesTest, JsonSatisfiesMediasoupClientValidation) {
  const Json json = RouterRtpCapabilities().ToJson();
  const std::regex mime("^(audio|video)/(.+)", std::regex::icase);
  for (const auto& codec : json["codecs"]) {
    SCOPED_TRACE(codec.dump());
    ASSERT_TRUE(codec["mimeType"].is_string());
    EXPECT_TRUE(std::regex_match(codec["mimeType"].get<std::string>(), mime));
    EXPECT_TRUE(codec["preferredPayloadType"].is_number_integer());
    EXPECT_TRUE(codec["clockRate"].is_number_integer());
    if (codec["kind"] == "video") {
      EXPECT_FALSE(codec.contains("channels"));
    } else {
      EXPECT_TRUE(codec["channels"].is_number_integer());
    }
    for (const auto& [key, value] : codec["parameters"].items()) {
      EXPECT_TRUE(value.is_string() || value.is_number()) << key;
      if (key == "apt") {
        EXPECT_TRUE(value.is_number());
      }
    }
    for (const auto& fb : codec["rtcpFeedback"]) {
      EXPECT_TRUE(fb["type"].is_string());
      EXPECT_TRUE(fb["parameter"].is_string());
    }
  }
  for (const auto& ext : json["headerExtensions"]) {
    EXPECT_TRUE(ext["kind"] == "audio" || ext["kind"] == "video");
    EXPECT_TRUE(ext["uri"].is_string());
    EXPECT_TRUE(ext["preferredId"].is_number_integer());
    EXPECT_LE(ext["preferredId"].get<int>(), 14);  // fits one-byte header extensions
  }
}

// The recvRtpCapabilities fixture is consistent with the router: every codec is a router
// codec (same PT, strict match), every extension a router one Chrome may receive.
TEST(RouterRtpCapabilitiesTest, ChromeRecvCapabilitiesFixtureMatchesRouter) {
  const RtpCapabilities& router = RouterRtpCapabilities();
  const auto recv = RtpCapabilities::FromJson(ParseJson(test::kChromeRecvRtpCapabilities));
  for (const auto& codec : recv.codecs) {
    SCOPED_TRACE(codec.mime_type + " " + std::to_string(*codec.preferred_payload_type));
    const RtpCodecCapability* router_codec =
        router.FindCodecByPayloadType(*codec.preferred_payload_type);
    ASSERT_NE(router_codec, nullptr);
    if (codec.IsRtx()) {
      EXPECT_EQ(router_codec->parameters, codec.parameters);
    } else {
      EXPECT_TRUE(MatchCodecs(ViewOf(codec), ViewOf(*router_codec), CodecMatchMode::kStrict));
    }
  }
  for (const auto& ext : recv.header_extensions) {
    const RtpHeaderExtension* router_ext = router.FindHeaderExtension(ext.kind, ext.uri);
    ASSERT_NE(router_ext, nullptr) << ext.uri;
    EXPECT_EQ(router_ext->preferred_id, ext.preferred_id);
    EXPECT_EQ(router_ext->direction, RtpHeaderExtensionDirection::kSendRecv);
  }
}

RtpCodecCapability Codec(const char* mime, uint32_t clock_rate, std::optional<uint8_t> channels,
                         std::optional<uint8_t> pt = std::nullopt) {
  RtpCodecCapability c;
  c.mime_type = mime;
  c.clock_rate = clock_rate;
  c.channels = channels;
  c.preferred_payload_type = pt;
  return c;
}

TEST(RouterRtpCapabilitiesTest, GenerateHonorsPreferredPayloadTypes) {
  const auto caps = GenerateRouterRtpCapabilities(
      {Codec("audio/OPUS", 48000, 2, 111), Codec("video/vp8", 90000, std::nullopt)});
  ASSERT_EQ(caps.codecs.size(), 3u);
  EXPECT_EQ(caps.codecs[0].mime_type, "audio/opus");  // canonical spelling
  EXPECT_EQ(caps.codecs[0].preferred_payload_type, 111);
  EXPECT_EQ(caps.codecs[1].preferred_payload_type, 100);
  EXPECT_EQ(caps.codecs[2].preferred_payload_type, 101);
}

TEST(RouterRtpCapabilitiesTest, GenerateRejectsWhatTheSfuCannotForward) {
  EXPECT_ORTC_ERROR(GenerateRouterRtpCapabilities({Codec("video/AV1", 90000, std::nullopt)}),
                    "media codec not supported: video/AV1");
  EXPECT_ORTC_ERROR(GenerateRouterRtpCapabilities({Codec("audio/opus", 48000, 1)}),
                    "media codec not supported: audio/opus");
  EXPECT_ORTC_ERROR(GenerateRouterRtpCapabilities({Codec("video/rtx", 90000, std::nullopt)}),
                    "not supported");
  EXPECT_ORTC_ERROR(GenerateRouterRtpCapabilities({Codec("video/VP8", 90000, std::nullopt, 100),
                                                   Codec("video/VP9", 90000, std::nullopt, 100)}),
                    "duplicated preferredPayloadType 100");
  EXPECT_ORTC_ERROR(GenerateRouterRtpCapabilities({Codec("video/VP8", 90000, std::nullopt),
                                                   Codec("video/VP8", 90000, std::nullopt)}),
                    "codec listed twice");
  EXPECT_ORTC_ERROR(GenerateRouterRtpCapabilities({Codec("video/VP8", 90000, std::nullopt, 72)}),
                    "payload type 72");
}

}  // namespace
}  // namespace tr::media::ortc
