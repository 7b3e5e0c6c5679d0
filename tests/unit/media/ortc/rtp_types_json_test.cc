// FromJson / ToJson of the mediasoup JSON types: Chrome's real payloads round-trip
// unchanged, defaults are filled like mediasoup's validators, and malformed input from the
// network is rejected with an OrtcError naming the field.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chrome_fixtures.h"
#include "media/ortc/rtp_capabilities.h"
#include "media/ortc/rtp_mapping.h"
#include "media/ortc/rtp_parameters.h"
#include "ortc_test_util.h"

namespace tr::media::ortc {
namespace {

using test::ParseJson;

TEST(RtpTypesJsonTest, ChromeProducerParametersRoundTripUnchanged) {
  for (const std::string_view fixture :
       {test::kChromeOpusProducer, test::kChromeVp8SimulcastProducer,
        test::kChromeVp8ScreenProducer, test::kChromeH264Producer}) {
    const Json json = ParseJson(fixture);
    const RtpParameters params = RtpParameters::FromJson(json);
    EXPECT_EQ(params.ToJson(), json) << fixture;
    EXPECT_EQ(RtpParameters::FromJson(params.ToJson()), params);
  }
}

TEST(RtpTypesJsonTest, ParsesSimulcastEncodingFields) {
  const auto params = RtpParameters::FromJson(ParseJson(test::kChromeVp8SimulcastProducer));
  ASSERT_EQ(params.encodings.size(), 3u);
  const auto& r1 = params.encodings[1];
  EXPECT_EQ(r1.rid, "r1");
  EXPECT_FALSE(r1.ssrc.has_value());
  EXPECT_EQ(r1.scalability_mode, "L1T3");
  EXPECT_EQ(r1.scale_resolution_down_by, 1.5);
  EXPECT_EQ(r1.max_bitrate, 1000000u);
  EXPECT_EQ(r1.max_framerate, 30.0);
  EXPECT_EQ(r1.active, true);
  EXPECT_EQ(r1.dtx, false);
  EXPECT_EQ(params.rtcp.cname, "");
  EXPECT_TRUE(params.rtcp.reduced_size);
  EXPECT_EQ(params.mid, "0");
  ASSERT_EQ(params.codecs.size(), 2u);
  EXPECT_TRUE(params.codecs[1].IsRtx());
  EXPECT_EQ(params.codecs[1].Apt(), 96);
  EXPECT_FALSE(params.codecs[0].channels.has_value());
}

TEST(RtpTypesJsonTest, ChromeRecvCapabilitiesRoundTripUnchanged) {
  const Json json = ParseJson(test::kChromeRecvRtpCapabilities);
  const RtpCapabilities caps = RtpCapabilities::FromJson(json);
  EXPECT_EQ(caps.ToJson(), json);
  ASSERT_EQ(caps.codecs.size(), 11u);
  EXPECT_EQ(caps.codecs[0].channels, 2);
  EXPECT_EQ(caps.codecs[9].parameters.at("profile-level-id"), ParameterValue("4d001f"));
  ASSERT_EQ(caps.header_extensions.size(), 9u);
  EXPECT_EQ(caps.header_extensions[4].preferred_id, 5);
  EXPECT_EQ(caps.header_extensions[4].kind, MediaKind::kVideo);
}

TEST(RtpTypesJsonTest, FillsMediasoupDefaults) {
  const auto caps = RtpCapabilities::FromJson(ParseJson(test::kRecvCapabilitiesWithoutVp8));
  EXPECT_EQ(caps.codecs[0].rtcp_feedback[0], (RtcpFeedback{"transport-cc", ""}));
  EXPECT_TRUE(caps.codecs[2].rtcp_feedback.empty());
  EXPECT_FALSE(caps.header_extensions[0].preferred_encrypt);
  EXPECT_EQ(caps.header_extensions[0].direction, RtpHeaderExtensionDirection::kSendRecv);

  const auto empty = RtpCapabilities::FromJson(Json::object());
  EXPECT_TRUE(empty.codecs.empty());
  EXPECT_TRUE(empty.header_extensions.empty());

  const auto params = RtpParameters::FromJson(ParseJson(R"({
    "codecs": [ { "mimeType": "audio/PCMU", "payloadType": 0, "clockRate": 8000 },
                { "mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000,
                  "channels": 2 } ] })"));
  EXPECT_EQ(params.codecs[0].channels, 1);              // audio default
  EXPECT_FALSE(params.codecs[1].channels.has_value());  // dropped for video
  EXPECT_TRUE(params.header_extensions.empty());
  EXPECT_TRUE(params.encodings.empty());
  EXPECT_TRUE(params.rtcp.reduced_size);
  EXPECT_FALSE(params.rtcp.cname.has_value());
  const Json out = params.ToJson();
  EXPECT_FALSE(out.contains("mid"));
  EXPECT_FALSE(out.contains("msid"));
  EXPECT_FALSE(out["codecs"][1].contains("channels"));
  EXPECT_EQ(out["rtcp"], (Json{{"reducedSize", true}}));
}

TEST(RtpTypesJsonTest, NullCountsAsAbsent) {
  const auto params = RtpParameters::FromJson(ParseJson(R"({
    "mid": null, "headerExtensions": null, "encodings": [ { "ssrc": 5, "rid": null } ],
    "codecs": [ { "mimeType": "audio/opus", "payloadType": 111, "clockRate": 48000,
                  "channels": 2, "parameters": null, "rtcpFeedback": null } ] })"));
  EXPECT_FALSE(params.mid.has_value());
  EXPECT_FALSE(params.encodings[0].rid.has_value());
  EXPECT_TRUE(params.codecs[0].parameters.empty());
}

TEST(RtpTypesJsonTest, EncodingToJsonOmitsAbsentFields) {
  RtpEncodingParameters e;
  e.ssrc = 1234567;
  e.rtx = RtxParameters{1234568};
  e.scalability_mode = "L3T3";
  e.priority = RtcPriority::kVeryLow;
  EXPECT_EQ(e.ToJson(), ParseJson(R"({ "ssrc": 1234567, "rtx": { "ssrc": 1234568 },
                                       "scalabilityMode": "L3T3", "priority": "very-low" })"));
}

TEST(RtpTypesJsonTest, RtpMappingRoundTrip) {
  const Json json = ParseJson(R"({
    "codecs": [ { "payloadType": 96, "mappedPayloadType": 101 },
                { "payloadType": 97, "mappedPayloadType": 102 } ],
    "encodings": [ { "rid": "r0", "scalabilityMode": "L1T3", "mappedSsrc": 500000000 },
                   { "ssrc": 11, "mappedSsrc": 500000001 } ] })");
  const RtpMapping mapping = RtpMapping::FromJson(json);
  EXPECT_EQ(mapping.ToJson(), json);
  EXPECT_EQ(mapping.MappedPayloadType(97), 102);
  EXPECT_FALSE(mapping.MappedPayloadType(98).has_value());
  EXPECT_ORTC_ERROR(RtpMapping::FromJson(ParseJson(R"({ "codecs": [], "encodings": [ {} ] })")),
                    "rtpMapping.encodings[0].mappedSsrc: missing");
}

// One mutation of a valid Chrome payload and the message it must produce.
struct Mutation {
  std::string pointer;  // JSON pointer into the payload; "" = replace the whole payload
  Json value;           // discarded() = remove the member
  std::string expected;
};

Json Apply(Json base, const Mutation& m) {
  if (m.pointer.empty()) {
    return m.value;
  }
  const Json::json_pointer ptr(m.pointer);
  if (m.value.is_discarded()) {
    base[ptr.parent_pointer()].erase(ptr.back());
  } else {
    base[ptr] = m.value;
  }
  return base;
}

Json Removed() { return Json(Json::value_t::discarded); }

Json ObjectWithKeys(int n) {
  Json out = Json::object();
  for (int i = 0; i < n; ++i) {
    out["k" + std::to_string(i)] = i;
  }
  return out;
}

Json RepeatedArray(const Json& element, int n) {
  Json out = Json::array();
  for (int i = 0; i < n; ++i) {
    out.push_back(element);
  }
  return out;
}

TEST(RtpTypesJsonTest, RejectsMalformedRtpParameters) {
  const Json base = ParseJson(test::kChromeVp8ScreenProducer);
  const Json ext = base["headerExtensions"][0];
  const std::vector<Mutation> mutations = {
      {"", Json::array(), "rtpParameters: must be an object"},
      {"", ParseJson(R"({"mid":"0"})"), "rtpParameters.codecs: missing"},
      {"/codecs", "x", "rtpParameters.codecs: must be an array"},
      {"/codecs", Json::array(), "rtpParameters.codecs: must not be empty"},
      {"/codecs", RepeatedArray(base["codecs"][0], 40), "codecs: must have at most 32 entries"},
      {"/codecs/0", 7, "rtpParameters.codecs[0]: must be an object"},
      {"/codecs/0/payloadType", "96", "codecs[0].payloadType: must be an integer in [0, 127]"},
      {"/codecs/0/payloadType", 128, "codecs[0].payloadType: must be an integer in [0, 127]"},
      {"/codecs/0/payloadType", 96.5, "codecs[0].payloadType: must be an integer"},
      {"/codecs/0/payloadType", -1, "codecs[0].payloadType: must be an integer"},
      {"/codecs/0/payloadType", Removed(), "codecs[0].payloadType: missing"},
      {"/codecs/0/clockRate", Removed(), "codecs[0].clockRate: missing"},
      {"/codecs/0/clockRate", 0, "codecs[0].clockRate: must be an integer in [1, 1000000]"},
      {"/codecs/0/clockRate", "90000", "codecs[0].clockRate: must be an integer"},
      {"/codecs/0/mimeType", "VP8", "codecs[0].mimeType: must look like"},
      {"/codecs/0/mimeType", "text/VP8", "codecs[0].mimeType: must look like"},
      {"/codecs/0/mimeType", "video/", "codecs[0].mimeType: must look like"},
      {"/codecs/0/mimeType", "video/VP 8", "codecs[0].mimeType: must look like"},
      {"/codecs/0/mimeType", 12, "codecs[0].mimeType: must be a string"},
      {"/codecs/0/mimeType", "video/" + std::string(100, 'x'), "at most 64 characters"},
      {"/codecs/0/parameters", Json::array({1}), "codecs[0].parameters: must be an object"},
      {"/codecs/0/parameters/foo", Json::object(),
       "codecs[0].parameters.foo: must be a string or a number"},
      {"/codecs/0/parameters/foo", true, "codecs[0].parameters.foo: must be a string or a number"},
      {"/codecs/0/parameters/foo", std::string(2000, 'x'), "parameters.foo: must have at most"},
      {"/codecs/0/parameters", ObjectWithKeys(40), "parameters: must have at most 32 entries"},
      {"/codecs/0/parameters/apt", "96", "codecs[0].parameters.apt: must be an integer"},
      {"/codecs/0/rtcpFeedback", Json::object(), "codecs[0].rtcpFeedback: must be an array"},
      {"/codecs/0/rtcpFeedback/0/type", 5, "codecs[0].rtcpFeedback[0].type: must be a string"},
      {"/codecs/0/rtcpFeedback/0/type", "", "codecs[0].rtcpFeedback[0].type: must not be empty"},
      {"/codecs/0/rtcpFeedback/0/parameter", 1, "rtcpFeedback[0].parameter: must be a string"},
      {"/codecs/0/rtcpFeedback", RepeatedArray(base["codecs"][0]["rtcpFeedback"][0], 33),
       "rtcpFeedback: must have at most 32 entries"},
      // RTX
      {"/codecs/1/parameters/apt", Removed(),
       "codecs[1].parameters.apt: missing (required for RTX)"},
      {"/codecs/1/parameters", Removed(), "codecs[1].parameters.apt: missing (required for RTX)"},
      {"/codecs/1/parameters/apt", 100, "points to a non existing codec (payload type 100)"},
      {"/codecs/1/parameters/apt", 97, "points to an RTX codec"},
      {"/codecs/1/parameters/apt", 200, "codecs[1].parameters.apt: must be an integer in [0, 127]"},
      {"/codecs/1/payloadType", 96, "codecs[1].payloadType: duplicated payload type 96"},
      {"/codecs/0/mimeType", "video/rtx", "codecs[0].parameters.apt: missing"},
      // encodings
      {"/encodings", Json::object(), "rtpParameters.encodings: must be an array"},
      {"/encodings", RepeatedArray(Json::object(), 5), "encodings: must have at most 4 entries"},
      {"/encodings/0", "r0", "rtpParameters.encodings[0]: must be an object"},
      {"/encodings/0/ssrc", "3141592653",
       "encodings[0].ssrc: must be an integer in [1, 4294967295]"},
      {"/encodings/0/ssrc", -1, "encodings[0].ssrc: must be an integer in [1, 4294967295]"},
      {"/encodings/0/ssrc", 0, "encodings[0].ssrc: must be an integer in [1, 4294967295]"},
      {"/encodings/0/ssrc", 4294967296LL, "encodings[0].ssrc: must be an integer"},
      {"/encodings/0/ssrc", 1.5, "encodings[0].ssrc: must be an integer"},
      {"/encodings/0/ssrc", Json::array({1}), "encodings[0].ssrc: must be an integer"},
      {"/encodings/0/rtx", 5, "encodings[0].rtx: must be an object"},
      {"/encodings/0/rtx", Json::object(), "encodings[0].rtx.ssrc: missing"},
      {"/encodings/0/rtx/ssrc", "1", "encodings[0].rtx.ssrc: must be an integer"},
      {"/encodings/0/rid", "r 0", "encodings[0].rid: must contain only letters, digits"},
      {"/encodings/0/rid", std::string(17, 'r'), "encodings[0].rid: must have at most 16"},
      {"/encodings/0/rid", 0, "encodings[0].rid: must be a string"},
      {"/encodings/0/scalabilityMode", "X1T3", "encodings[0].scalabilityMode: must look like"},
      {"/encodings/0/scalabilityMode", "L0T3", "encodings[0].scalabilityMode: must look like"},
      {"/encodings/0/scalabilityMode", "L9T3", "encodings[0].scalabilityMode: too many layers"},
      {"/encodings/0/scalabilityMode", "L1T3" + std::string(40, '_'), "at most 32 characters"},
      {"/encodings/0/maxBitrate", -5, "encodings[0].maxBitrate: must be an integer"},
      {"/encodings/0/maxBitrate", 0, "encodings[0].maxBitrate: must be an integer"},
      {"/encodings/0/maxBitrate", "1500000", "encodings[0].maxBitrate: must be an integer"},
      {"/encodings/0/scaleResolutionDownBy", 0.5,
       "encodings[0].scaleResolutionDownBy: must be a number in [1, 256]"},
      {"/encodings/0/maxFramerate", 1e9, "encodings[0].maxFramerate: must be a number in"},
      {"/encodings/0/dtx", "no", "encodings[0].dtx: must be a boolean"},
      {"/encodings/0/active", 1, "encodings[0].active: must be a boolean"},
      {"/encodings/0/adaptivePtime", "yes", "encodings[0].adaptivePtime: must be a boolean"},
      {"/encodings/0/priority", "urgent", "encodings[0].priority: must be \"very-low\""},
      {"/encodings/0/networkPriority", 3, "encodings[0].networkPriority: must be"},
      {"/encodings/0/codecPayloadType", 97,
       "encodings[0].codecPayloadType: must name a media codec"},
      {"/encodings/0/codecPayloadType", 98,
       "encodings[0].codecPayloadType: must name a media codec"},
      // header extensions
      {"/headerExtensions", "x", "rtpParameters.headerExtensions: must be an array"},
      {"/headerExtensions", RepeatedArray(ext, 40), "headerExtensions: must have at most 32"},
      {"/headerExtensions/0/id", 0, "headerExtensions[0].id: must be an integer in [1, 255]"},
      {"/headerExtensions/0/id", 256, "headerExtensions[0].id: must be an integer in [1, 255]"},
      {"/headerExtensions/0/id", Removed(), "headerExtensions[0].id: missing"},
      {"/headerExtensions/1/id", 9, "headerExtensions[1].id: duplicated id 9"},
      {"/headerExtensions/1/uri", ext["uri"], "headerExtensions[1].uri: duplicated uri"},
      {"/headerExtensions/0/uri", "", "headerExtensions[0].uri: must not be empty"},
      {"/headerExtensions/0/uri", "urn:a b", "headerExtensions[0].uri: invalid characters"},
      {"/headerExtensions/0/uri", "urn:" + std::string(300, 'x'), "at most 256 characters"},
      {"/headerExtensions/0/encrypt", "false", "headerExtensions[0].encrypt: must be a boolean"},
      {"/headerExtensions/0/parameters", 1, "headerExtensions[0].parameters: must be an object"},
      // mid, rtcp, msid
      {"/mid", "", "rtpParameters.mid: must not be empty"},
      {"/mid", 0, "rtpParameters.mid: must be a string"},
      {"/mid", std::string(17, '1'), "rtpParameters.mid: must have at most 16"},
      {"/mid", "a b", "rtpParameters.mid: invalid characters"},
      {"/mid", "0\n", "rtpParameters.mid: invalid characters"},
      {"/rtcp", "x", "rtpParameters.rtcp: must be an object"},
      {"/rtcp/cname", std::string(256, 'c'), "rtpParameters.rtcp.cname: must have at most 255"},
      {"/rtcp/cname", "a\x01", "rtpParameters.rtcp.cname: must not contain control characters"},
      {"/rtcp/reducedSize", 1, "rtpParameters.rtcp.reducedSize: must be a boolean"},
      {"/msid", 5, "rtpParameters.msid: must be a string"},
  };
  for (const auto& m : mutations) {
    SCOPED_TRACE(m.pointer + " = " + m.value.dump());
    const Json input = Apply(base, m);
    EXPECT_ORTC_ERROR(RtpParameters::FromJson(input), m.expected);
  }
}

TEST(RtpTypesJsonTest, RejectsMalformedRtpCapabilities) {
  const Json base = ParseJson(test::kChromeRecvRtpCapabilities);
  const std::vector<Mutation> mutations = {
      {"", "caps", "rtpCapabilities: must be an object"},
      {"/codecs", 1, "rtpCapabilities.codecs: must be an array"},
      {"/codecs", RepeatedArray(base["codecs"][1], 129), "codecs: must have at most 128 entries"},
      {"/codecs/1/kind", "audio", "rtpCapabilities.codecs[1].kind: does not match mimeType"},
      {"/codecs/1/kind", "data", "rtpCapabilities.codecs[1].kind: must be \"audio\" or \"video\""},
      {"/codecs/1/preferredPayloadType", 100,
       "codecs[1].preferredPayloadType: duplicated payload type 100"},
      {"/codecs/1/preferredPayloadType", "101",
       "codecs[1].preferredPayloadType: must be an integer"},
      {"/codecs/2/parameters/apt", Removed(), "codecs[2].parameters.apt: missing"},
      {"/codecs/0/channels", 0, "codecs[0].channels: must be an integer in [1, 8]"},
      {"/codecs/0/channels", "2", "codecs[0].channels: must be an integer"},
      {"/headerExtensions", Json::object(), "rtpCapabilities.headerExtensions: must be an array"},
      {"/headerExtensions", RepeatedArray(base["headerExtensions"][0], 65),
       "headerExtensions: must have at most 64"},
      {"/headerExtensions/0/kind", Removed(), "headerExtensions[0].kind: missing"},
      {"/headerExtensions/0/kind", "both", "headerExtensions[0].kind: must be \"audio\" or"},
      {"/headerExtensions/0/preferredId", 0, "headerExtensions[0].preferredId: must be an integer"},
      {"/headerExtensions/0/preferredId", Removed(), "headerExtensions[0].preferredId: missing"},
      {"/headerExtensions/0/direction", "both", "headerExtensions[0].direction: must be"},
      {"/headerExtensions/0/preferredEncrypt", "no", "preferredEncrypt: must be a boolean"},
  };
  for (const auto& m : mutations) {
    SCOPED_TRACE(m.pointer + " = " + m.value.dump());
    EXPECT_ORTC_ERROR(RtpCapabilities::FromJson(Apply(base, m)), m.expected);
  }
}

TEST(RtpTypesJsonTest, ValidateStructureCatchesCodeBuiltParameters) {
  RtpParameters p;
  EXPECT_ORTC_ERROR(p.ValidateStructure(), "rtpParameters.codecs: must not be empty");
  RtpCodecParameters rtx;
  rtx.mime_type = "video/rtx";
  rtx.payload_type = 97;
  rtx.clock_rate = 90000;
  rtx.parameters = {{"apt", int64_t{96}}};
  p.codecs.push_back(rtx);
  EXPECT_ORTC_ERROR(p.ValidateStructure(), "points to a non existing codec");
  RtpCodecParameters vp8;
  vp8.mime_type = "video/VP8";
  vp8.payload_type = 96;
  vp8.clock_rate = 90000;
  p.codecs.push_back(vp8);
  EXPECT_NO_THROW(p.ValidateStructure());
  p.codecs[0].payload_type = 200;
  EXPECT_ORTC_ERROR(p.ValidateStructure(), "codecs[0].payloadType: must be an integer in [0, 127]");
  p.codecs[0].payload_type = 97;
  p.header_extensions.push_back({"urn:ietf:params:rtp-hdrext:sdes:mid", 0, false, {}});
  EXPECT_ORTC_ERROR(p.ValidateStructure(), "headerExtensions[0].id: must not be 0");
  p.header_extensions[0].id = 1;
  p.encodings.resize(5);
  EXPECT_ORTC_ERROR(p.ValidateStructure(), "encodings: must have at most 4 entries");
  p.encodings.resize(1);
  p.encodings[0].ssrc = 0;
  EXPECT_ORTC_ERROR(p.ValidateStructure(), "encodings[0].ssrc: must not be 0");
}

}  // namespace
}  // namespace tr::media::ortc
