#pragma once
// What mediasoup-client 3.24 (handler Chrome111) in Chromium sends, against our
// RouterRtpCapabilities(): producer `rtpParameters` of the `produce` event (Chrome's own
// payload types and extension ids, codecs ordered by router preference and reduced to one
// media codec + its RTX, header extensions in router order, `active: true` and `dtx: false`
// added by mediasoup-client's normalization), and `device.recvRtpCapabilities` (router
// payload types and ids, Chrome's codec parameters and feedback). Shapes and values follow
// shared/notes/mediasoup-client-interop.md §3.2 / §4 and mediasoup-client's ortc.ts
// (getSendingRtpParameters, getRecvRtpCapabilities); Chrome ids as in captured Chrome
// offers (audio: 1 audio-level, 2 abs-send-time, 3 twcc, 4 mid; video: 1 toffset,
// 2 abs-send-time, 3 video-orientation, 4 twcc, 5 playout-delay, 9 mid, 10 rid, 11 rrid).
#include <string_view>

namespace tr::media::ortc::test {

// (a) Microphone: opus, single SSRC, no RTX.
inline constexpr std::string_view kChromeOpusProducer = R"json({
  "mid": "1",
  "codecs": [
    { "mimeType": "audio/opus", "payloadType": 111, "clockRate": 48000, "channels": 2,
      "parameters": { "minptime": 10, "useinbandfec": 1 },
      "rtcpFeedback": [ { "type": "transport-cc", "parameter": "" },
                        { "type": "nack", "parameter": "" } ] }
  ],
  "headerExtensions": [
    { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 4, "encrypt": false, "parameters": {} },
    { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 2,
      "encrypt": false, "parameters": {} },
    { "uri": "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
      "id": 3, "encrypt": false, "parameters": {} },
    { "uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "id": 1, "encrypt": false,
      "parameters": {} }
  ],
  "encodings": [ { "ssrc": 2893741552, "dtx": false } ],
  "rtcp": { "cname": "Qw3rTy9uIo0pAs1d", "reducedSize": true },
  "msid": "3f6c1d2e-stream 9a0b7c6d-mic"
})json";

// (b) Camera, RID simulcast with the blueprint's layers, given low to high as
// mediasoup-client expects (encoding index = spatial layer): r0 360p@15 300 kbps,
// r1 720p@30 1000 kbps, r2 1080p@30 2500 kbps. The handler set rid rN and L1T3 on each; no
// SSRCs and an empty cname (Chrome writes no a=ssrc lines for RID simulcast).
inline constexpr std::string_view kChromeVp8SimulcastProducer = R"json({
  "mid": "0",
  "codecs": [
    { "mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": {},
      "rtcpFeedback": [ { "type": "goog-remb", "parameter": "" },
                        { "type": "transport-cc", "parameter": "" },
                        { "type": "ccm", "parameter": "fir" },
                        { "type": "nack", "parameter": "" },
                        { "type": "nack", "parameter": "pli" } ] },
    { "mimeType": "video/rtx", "payloadType": 97, "clockRate": 90000,
      "parameters": { "apt": 96 }, "rtcpFeedback": [] }
  ],
  "headerExtensions": [
    { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 9, "encrypt": false, "parameters": {} },
    { "uri": "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", "id": 10, "encrypt": false,
      "parameters": {} },
    { "uri": "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id", "id": 11,
      "encrypt": false, "parameters": {} },
    { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 2,
      "encrypt": false, "parameters": {} },
    { "uri": "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
      "id": 4, "encrypt": false, "parameters": {} },
    { "uri": "urn:3gpp:video-orientation", "id": 3, "encrypt": false, "parameters": {} },
    { "uri": "urn:ietf:params:rtp-hdrext:toffset", "id": 1, "encrypt": false, "parameters": {} },
    { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay", "id": 5,
      "encrypt": false, "parameters": {} }
  ],
  "encodings": [
    { "active": true, "rid": "r0", "scalabilityMode": "L1T3", "scaleResolutionDownBy": 3,
      "maxBitrate": 300000, "maxFramerate": 15, "dtx": false },
    { "active": true, "rid": "r1", "scalabilityMode": "L1T3", "scaleResolutionDownBy": 1.5,
      "maxBitrate": 1000000, "maxFramerate": 30, "dtx": false },
    { "active": true, "rid": "r2", "scalabilityMode": "L1T3", "scaleResolutionDownBy": 1,
      "maxBitrate": 2500000, "maxFramerate": 30, "dtx": false }
  ],
  "rtcp": { "cname": "", "reducedSize": true },
  "msid": "3f6c1d2e-stream 2d7c9e41-camera"
})json";

// (c) Screen share: VP8, one encoding given by the app ({ maxBitrate }) merged into the
// SSRCs parsed from Chrome's offer (a=ssrc-group:FID).
inline constexpr std::string_view kChromeVp8ScreenProducer = R"json({
  "mid": "2",
  "codecs": [
    { "mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": {},
      "rtcpFeedback": [ { "type": "goog-remb", "parameter": "" },
                        { "type": "transport-cc", "parameter": "" },
                        { "type": "ccm", "parameter": "fir" },
                        { "type": "nack", "parameter": "" },
                        { "type": "nack", "parameter": "pli" } ] },
    { "mimeType": "video/rtx", "payloadType": 97, "clockRate": 90000,
      "parameters": { "apt": 96 }, "rtcpFeedback": [] }
  ],
  "headerExtensions": [
    { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 9, "encrypt": false, "parameters": {} },
    { "uri": "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", "id": 10, "encrypt": false,
      "parameters": {} },
    { "uri": "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id", "id": 11,
      "encrypt": false, "parameters": {} },
    { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 2,
      "encrypt": false, "parameters": {} },
    { "uri": "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
      "id": 4, "encrypt": false, "parameters": {} },
    { "uri": "urn:3gpp:video-orientation", "id": 3, "encrypt": false, "parameters": {} },
    { "uri": "urn:ietf:params:rtp-hdrext:toffset", "id": 1, "encrypt": false, "parameters": {} },
    { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay", "id": 5,
      "encrypt": false, "parameters": {} }
  ],
  "encodings": [ { "ssrc": 3141592653, "rtx": { "ssrc": 2718281828 }, "active": true,
                   "maxBitrate": 1500000, "dtx": false } ],
  "rtcp": { "cname": "Qw3rTy9uIo0pAs1d", "reducedSize": true },
  "msid": "3f6c1d2e-stream 77aa0c1e-screen"
})json";

// (d) Camera with produce({ codec: <H264 42e01f> }): Chrome's PT 106/107 (payload types
// vary by Chrome version). Chrome keeps the dependency descriptor for H.264 (id 12 here).
inline constexpr std::string_view kChromeH264Producer = R"json({
  "mid": "3",
  "codecs": [
    { "mimeType": "video/H264", "payloadType": 106, "clockRate": 90000,
      "parameters": { "level-asymmetry-allowed": 1, "packetization-mode": 1,
                      "profile-level-id": "42e01f" },
      "rtcpFeedback": [ { "type": "goog-remb", "parameter": "" },
                        { "type": "transport-cc", "parameter": "" },
                        { "type": "ccm", "parameter": "fir" },
                        { "type": "nack", "parameter": "" },
                        { "type": "nack", "parameter": "pli" } ] },
    { "mimeType": "video/rtx", "payloadType": 107, "clockRate": 90000,
      "parameters": { "apt": 106 }, "rtcpFeedback": [] }
  ],
  "headerExtensions": [
    { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 9, "encrypt": false, "parameters": {} },
    { "uri": "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", "id": 10, "encrypt": false,
      "parameters": {} },
    { "uri": "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id", "id": 11,
      "encrypt": false, "parameters": {} },
    { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 2,
      "encrypt": false, "parameters": {} },
    { "uri": "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
      "id": 4, "encrypt": false, "parameters": {} },
    { "uri": "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension",
      "id": 12, "encrypt": false, "parameters": {} },
    { "uri": "urn:3gpp:video-orientation", "id": 3, "encrypt": false, "parameters": {} },
    { "uri": "urn:ietf:params:rtp-hdrext:toffset", "id": 1, "encrypt": false, "parameters": {} },
    { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay", "id": 5,
      "encrypt": false, "parameters": {} }
  ],
  "encodings": [ { "ssrc": 1111111111, "rtx": { "ssrc": 2222222222 }, "dtx": false } ],
  "rtcp": { "cname": "Qw3rTy9uIo0pAs1d", "reducedSize": true },
  "msid": "3f6c1d2e-stream 5e4f3a2b-camera"
})json";

// device.recvRtpCapabilities of Chromium after device.load() with RouterRtpCapabilities():
// every router codec Chrome can decode (router PTs, Chrome's fmtp parameters and feedback;
// the H.264 Main entry carries Chrome's level 4d001f), RTX entries with router PTs, and the
// router extensions Chrome offers that the router may send (sendrecv), with router ids.
inline constexpr std::string_view kChromeRecvRtpCapabilities = R"json({
  "codecs": [
    { "mimeType": "audio/opus", "kind": "audio", "preferredPayloadType": 100, "clockRate": 48000,
      "channels": 2, "parameters": { "minptime": 10, "useinbandfec": 1 },
      "rtcpFeedback": [ { "type": "transport-cc", "parameter": "" },
                        { "type": "nack", "parameter": "" } ] },
    { "mimeType": "video/VP8", "kind": "video", "preferredPayloadType": 101, "clockRate": 90000,
      "parameters": {},
      "rtcpFeedback": [ { "type": "goog-remb", "parameter": "" },
                        { "type": "transport-cc", "parameter": "" },
                        { "type": "ccm", "parameter": "fir" },
                        { "type": "nack", "parameter": "" },
                        { "type": "nack", "parameter": "pli" } ] },
    { "mimeType": "video/rtx", "kind": "video", "preferredPayloadType": 102, "clockRate": 90000,
      "parameters": { "apt": 101 }, "rtcpFeedback": [] },
    { "mimeType": "video/VP9", "kind": "video", "preferredPayloadType": 103, "clockRate": 90000,
      "parameters": { "profile-id": 0 },
      "rtcpFeedback": [ { "type": "goog-remb", "parameter": "" },
                        { "type": "transport-cc", "parameter": "" },
                        { "type": "ccm", "parameter": "fir" },
                        { "type": "nack", "parameter": "" },
                        { "type": "nack", "parameter": "pli" } ] },
    { "mimeType": "video/rtx", "kind": "video", "preferredPayloadType": 104, "clockRate": 90000,
      "parameters": { "apt": 103 }, "rtcpFeedback": [] },
    { "mimeType": "video/VP9", "kind": "video", "preferredPayloadType": 105, "clockRate": 90000,
      "parameters": { "profile-id": 2 },
      "rtcpFeedback": [ { "type": "goog-remb", "parameter": "" },
                        { "type": "transport-cc", "parameter": "" },
                        { "type": "ccm", "parameter": "fir" },
                        { "type": "nack", "parameter": "" },
                        { "type": "nack", "parameter": "pli" } ] },
    { "mimeType": "video/rtx", "kind": "video", "preferredPayloadType": 106, "clockRate": 90000,
      "parameters": { "apt": 105 }, "rtcpFeedback": [] },
    { "mimeType": "video/H264", "kind": "video", "preferredPayloadType": 107, "clockRate": 90000,
      "parameters": { "level-asymmetry-allowed": 1, "packetization-mode": 1,
                      "profile-level-id": "42e01f" },
      "rtcpFeedback": [ { "type": "goog-remb", "parameter": "" },
                        { "type": "transport-cc", "parameter": "" },
                        { "type": "ccm", "parameter": "fir" },
                        { "type": "nack", "parameter": "" },
                        { "type": "nack", "parameter": "pli" } ] },
    { "mimeType": "video/rtx", "kind": "video", "preferredPayloadType": 108, "clockRate": 90000,
      "parameters": { "apt": 107 }, "rtcpFeedback": [] },
    { "mimeType": "video/H264", "kind": "video", "preferredPayloadType": 109, "clockRate": 90000,
      "parameters": { "level-asymmetry-allowed": 1, "packetization-mode": 1,
                      "profile-level-id": "4d001f" },
      "rtcpFeedback": [ { "type": "goog-remb", "parameter": "" },
                        { "type": "transport-cc", "parameter": "" },
                        { "type": "ccm", "parameter": "fir" },
                        { "type": "nack", "parameter": "" },
                        { "type": "nack", "parameter": "pli" } ] },
    { "mimeType": "video/rtx", "kind": "video", "preferredPayloadType": 110, "clockRate": 90000,
      "parameters": { "apt": 109 }, "rtcpFeedback": [] }
  ],
  "headerExtensions": [
    { "kind": "audio", "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "preferredId": 1,
      "preferredEncrypt": false, "direction": "sendrecv" },
    { "kind": "video", "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "preferredId": 1,
      "preferredEncrypt": false, "direction": "sendrecv" },
    { "kind": "audio", "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
      "preferredId": 4, "preferredEncrypt": false, "direction": "sendrecv" },
    { "kind": "video", "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
      "preferredId": 4, "preferredEncrypt": false, "direction": "sendrecv" },
    { "kind": "video",
      "uri": "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
      "preferredId": 5, "preferredEncrypt": false, "direction": "sendrecv" },
    { "kind": "audio", "uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "preferredId": 6,
      "preferredEncrypt": false, "direction": "sendrecv" },
    { "kind": "video", "uri": "urn:3gpp:video-orientation", "preferredId": 8,
      "preferredEncrypt": false, "direction": "sendrecv" },
    { "kind": "video", "uri": "urn:ietf:params:rtp-hdrext:toffset", "preferredId": 9,
      "preferredEncrypt": false, "direction": "sendrecv" },
    { "kind": "video", "uri": "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay",
      "preferredId": 11, "preferredEncrypt": false, "direction": "sendrecv" }
  ]
})json";

// An endpoint that decodes opus and H.264 Constrained Baseline only (no VP8/VP9).
inline constexpr std::string_view kRecvCapabilitiesWithoutVp8 = R"json({
  "codecs": [
    { "mimeType": "audio/opus", "kind": "audio", "preferredPayloadType": 100, "clockRate": 48000,
      "channels": 2, "parameters": { "minptime": 10, "useinbandfec": 1 },
      "rtcpFeedback": [ { "type": "transport-cc" } ] },
    { "mimeType": "video/H264", "kind": "video", "preferredPayloadType": 107, "clockRate": 90000,
      "parameters": { "level-asymmetry-allowed": 1, "packetization-mode": 1,
                      "profile-level-id": "42e01f" },
      "rtcpFeedback": [ { "type": "nack" }, { "type": "nack", "parameter": "pli" } ] },
    { "mimeType": "video/rtx", "kind": "video", "preferredPayloadType": 108, "clockRate": 90000,
      "parameters": { "apt": 107 } }
  ],
  "headerExtensions": [
    { "kind": "video", "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "preferredId": 1 }
  ]
})json";

}  // namespace tr::media::ortc::test
