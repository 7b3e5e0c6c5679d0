#pragma once
// The media plane as the control plane sees it: the in-process equivalent of mediasoup's
// channel. The control plane (signaling) never touches media objects; it sends requests
// that are posted to the worker thread owning the router, and gets one reply per request.
// Media-plane events (a transport that lost ICE consent, a consumer closed because its
// producer went away, layers that changed) arrive as notifications.
//
// Threading: Request() and the lifecycle methods are thread-safe. Replies and
// notifications are invoked ON THE WORKER THREAD; the receiver must re-post to its own
// executor and must not block. (A request rejected before it reaches a worker — unknown
// routerId, missing fields, SFU not started — is answered synchronously on the calling
// thread.)
//
// Request methods (data fields are mediasoup v3 JSON shapes; ids are chosen by the SFU):
//   router.create        {}                                  → {routerId}
//                        (picks the least-loaded worker; routerId is then used below)
//   router.close         {routerId}                          → {}
//   transport.create     {routerId, direction: "send"|"recv", enableUdp?, enableTcp?,
//                         preferUdp?}
//                        → {transportId, iceParameters, iceCandidates, dtlsParameters}
//   transport.connect    {routerId, transportId, dtlsParameters} → {dtlsLocalRole}
//   transport.restartIce {routerId, transportId}             → {iceParameters}
//   transport.close      {routerId, transportId}             → {}
//   producer.create      {routerId, transportId, kind, rtpParameters, paused?, source?}
//                        (source "camera"|"microphone"|"screen"|"screen-audio": screen
//                         shares get a viewer's bandwidth before cameras)
//                        → {producerId, type: "simple"|"simulcast"|"svc"}
//   producer.pause / producer.resume / producer.close {routerId, producerId} → {}
//   consumer.create      {routerId, transportId, producerId, rtpCapabilities, paused?}
//                        → {consumerId, producerId, kind, rtpParameters, type,
//                           producerPaused}
//                        (error code "cannot_consume" when the capabilities do not fit)
//   consumer.pause / consumer.resume / consumer.close {routerId, consumerId} → {}
//   consumer.setPreferredLayers {routerId, consumerId, spatialLayer, temporalLayer?}
//                        → {spatialLayer, temporalLayer}
//   consumer.requestKeyFrame {routerId, consumerId}          → {}
//   transport.setTestNetwork {routerId, transportId, lossPercent?, downlinkKbps?, queueMs?}
//                        → {lossPercent, downlinkKbps, queueMs}   (tests only: emulated
//                         loss / bottleneck on what we send to this transport)
//   router.stats         {routerId}                          → {routerId, transports: [...],
//                                                               producers: [...], consumers: [...]}
//                        (transports: transportId, iceState, dtlsState, iceSelectedTuple,
//                         srtpCipher, bytes/packets received/sent, rtp/rtcp counters, dropped*
//                         counters, producerIds, consumerIds, transportCc {packets, duplicates,
//                         late, feedbackPackets}; producers: per stream ssrc, rid,
//                         packetCount, byteCount, packetsLost, jitter, keyFrame*,
//                         nackPacketsSent, packetsRepaired, rtxDiscarded; consumers:
//                         ssrc, packetsSent, bytesSent, roundTripTime (ms, from RR), fractionLost,
//                         packetsLost, currentLayer, paused, nackedPackets,
//                         retransmittedPackets, ...)
//   sfu.stats            {}                                  → {workers: [{index, udpPort, tcpPort,
//                                                               routers, transports, producers,
//                                                               consumers, packetsIn, bytesIn,
//                                                               packetsOut, bytesOut, ...}]}
//
// Closing cascades: transport.close / a transport failure closes its producers (each
// notified as producer.closed reason "transport_closed") and consumers (consumer.closed
// reason "transport_closed"); a closed producer closes its consumers (consumer.closed
// reason "producer_closed"). The object named by a *.close request is not notified.
// router.close closes everything silently.
//
// Notifications (event, data):
//   transport.closed {routerId, transportId, reason: "ice_timeout"|"dtls_failed"|...}
//   transport.connected {routerId, transportId}
//   producer.closed  {routerId, producerId, reason}
//   consumer.closed  {routerId, consumerId, producerId, reason: "producer_closed"|...}
//   consumer.producerPaused / consumer.producerResumed {routerId, consumerId}
//   consumer.layersChanged {routerId, consumerId, spatialLayer, temporalLayer}
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/json.h"

namespace tr::media {

struct SfuOptions {
  int workers = 0;  // 0 = one per core
  std::string listen_ip = "0.0.0.0";
  std::string announced_ip = "127.0.0.1";  // address written into ICE candidates
  uint16_t port_min = 10000;               // worker i uses UDP and TCP port port_min + i
  uint16_t port_max = 10999;               // (port_min = 0: ephemeral ports, for tests)
  // ICE consent freshness: a connected transport without a valid STUN check for this
  // long is closed (transport.closed reason "ice_timeout"). 0 disables.
  int64_t ice_consent_timeout_ms = 30'000;
  // RTCP report interval (RR to producers, SR + SDES to consumers).
  int64_t rtcp_interval_ms = 1000;
  // Key-frame requests (PLI/FIR) to one producer stream are merged within this interval.
  int64_t key_frame_request_interval_ms = 500;
};

struct SfuReply {
  bool ok = true;
  std::string error_code;  // "not_found", "invalid_parameters", "cannot_consume", "invalid_state", ...
  std::string error_message;
  Json data = Json::object();

  static SfuReply Ok(Json data = Json::object()) { return {true, "", "", std::move(data)}; }
  static SfuReply Error(std::string code, std::string message) {
    return {false, std::move(code), std::move(message), Json::object()};
  }
};

using SfuReplyHandler = std::function<void(SfuReply)>;
using SfuNotificationHandler = std::function<void(const std::string& event, const Json& data)>;

class Sfu {
 public:
  virtual ~Sfu() = default;
  // The router RTP capabilities every router offers (mediasoup shape), for `room-joined`.
  virtual const Json& RouterRtpCapabilities() const = 0;
  virtual void Request(const std::string& method, Json data, SfuReplyHandler reply) = 0;
  // Set before Start(); called on worker threads.
  virtual void SetNotificationHandler(SfuNotificationHandler handler) = 0;
  // Binds the worker sockets (throws std::runtime_error when ports are taken) and starts
  // the worker threads.
  virtual void Start() = 0;
  // Closes every router and joins the worker threads.
  virtual void Stop() = 0;
};

std::unique_ptr<Sfu> CreateSfu(const SfuOptions& options);

}  // namespace tr::media
