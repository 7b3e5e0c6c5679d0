#pragma once
// A Router: one room's media on one worker (mediasoup Router). Owns its WebRTC
// transports, producers and consumers; maps incoming RTP to producers (SSRC table, then
// MID, then RID — mediasoup's RtpListener), runs RTCP (receiver reports to senders, sender
// reports + SDES to receivers, PLI/FIR forwarding, transport-wide congestion control
// feedback and NACKs to senders, NACK → retransmission for receivers) and answers the
// JSON requests of sfu.h for this router.
//
// Threading: constructed, used and destroyed on its worker's thread. Requests throw
// RouterError / ortc::OrtcError (control path); the packet path never throws.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/json.h"
#include "media/router/consumer.h"
#include "media/router/downlink_controller.h"
#include "media/router/producer.h"
#include "media/router/transport_cc_feedback.h"
#include "media/transport/webrtc_transport.h"
#include "media/worker/event_loop.h"
#include "media/worker/worker.h"

namespace tr::media {

class DtlsCertificate;

class Router {
 public:
  // (event, data) notifications of sfu.h; called on the worker thread.
  using NotifyFn = std::function<void(const std::string& event, const Json& data)>;

  struct Options {
    int64_t ice_consent_timeout_ms = 30'000;
    int64_t rtcp_interval_ms = 1000;
    int64_t key_frame_request_interval_ms = 500;
    // Transport-wide CC feedback to senders, and NACK retries, are sent on this period.
    int64_t feedback_interval_ms = 50;
    const DtlsCertificate* certificate = nullptr;
  };

  Router(Worker* worker, std::string id, Options options, NotifyFn notify);
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;
  ~Router();

  const std::string& id() const { return id_; }

  // Handles one request of sfu.h (method without the routerId check). Returns the reply
  // data; throws RouterError or ortc::OrtcError.
  Json HandleRequest(const std::string& method, const Json& data);

  // Closes everything (no notifications for the objects closed this way).
  void Close();

  std::size_t TransportCount() const { return transports_.size(); }
  std::size_t ProducerCount() const { return producers_.size(); }
  std::size_t ConsumerCount() const { return consumers_.size(); }
  Json Stats() const;

  // Test/bench hooks.
  WebRtcTransport* FindTransportForTest(const std::string& id) const;
  Producer* FindProducerForTest(const std::string& id) const;
  Consumer* FindConsumerForTest(const std::string& id) const;

 private:
  // One transport of this router and what hangs off it.
  struct TransportEntry : public WebRtcTransport::Listener,
                          public TransportCcFeedbackGenerator::Listener {
    Router* router = nullptr;
    std::unique_ptr<WebRtcTransport> transport;
    std::string direction;
    std::vector<Producer*> producers;
    std::vector<Consumer*> consumers;
    std::unordered_map<uint32_t, Producer*> ssrc_table;  // learned SSRC → producer
    std::string cname;                                   // shared by its producers
    uint32_t next_mid = 0;
    uint32_t rtcp_ssrc = 0;  // sender SSRC of our RRs
    // Transport-wide CC feedback for what the sender sends us (created with the first
    // producer that negotiated the extension); twcc_id: that producer's extension id, used
    // for packets no producer claims (e.g. probes on unsignaled SSRCs).
    std::unique_ptr<TransportCcFeedbackGenerator> twcc;
    uint8_t twcc_id = 0;
    // Congestion control of what we send (created with the first consumer that negotiated
    // transport-wide CC).
    std::unique_ptr<DownlinkController> downlink;

    void OnTransportConnected(WebRtcTransport* t) override;
    void OnTransportFailed(WebRtcTransport* t, std::string_view reason) override;
    void OnTransportRtpPacket(WebRtcTransport* t, RtpPacket& packet) override;
    void OnTransportRtcpPacket(WebRtcTransport* t, std::span<const uint8_t> compound) override;
    void OnTransportCcFeedback(TransportCcFeedbackGenerator* g,
                               std::span<const uint8_t> packet) override;
  };

  // Requests.
  Json CreateTransport(const Json& data);
  Json ConnectTransport(const Json& data);
  Json RestartIce(const Json& data);
  Json CreateProducer(const Json& data);
  Json CreateConsumer(const Json& data);
  Json SetPreferredLayers(const Json& data);
  Json SetTestNetwork(const Json& data);

  TransportEntry& GetTransport(const Json& data);
  Producer& GetProducer(const Json& data);
  Consumer& GetConsumer(const Json& data);

  // Closing (cascades). `notify` sends the matching *.closed notification.
  void CloseTransport(const std::string& id, const std::string& reason, bool notify);
  void CloseProducer(const std::string& id, const std::string& reason, bool notify);
  void CloseConsumer(const std::string& id, const std::string& reason, bool notify);

  // Packet path.
  void OnRtp(TransportEntry& entry, RtpPacket& packet);
  void OnRtcp(TransportEntry& entry, std::span<const uint8_t> compound);
  Producer* FindProducerForPacket(TransportEntry& entry, const RtpPacket& packet);

  void OnRtcpTimer();
  void OnTick();
  void OnFeedbackTimer();
  void OnDeferredFailures();

  Worker* const worker_;
  const std::string id_;
  const Options options_;
  NotifyFn notify_;
  std::unordered_map<std::string, std::unique_ptr<TransportEntry>> transports_;
  std::unordered_map<std::string, std::unique_ptr<Producer>> producers_;
  std::unordered_map<std::string, std::unique_ptr<Consumer>> consumers_;
  // Transports that failed inside a callback, closed from a zero-delay timer.
  std::vector<std::pair<std::string, std::string>> pending_failures_;
  Timer failure_timer_;
  Timer rtcp_timer_;
  Timer tick_timer_;
  Timer feedback_timer_;
  std::vector<ReportBlock> report_blocks_;  // scratch for RRs (reserved once)
  std::vector<uint8_t> rtcp_buffer_;        // scratch for compounds (reserved once)
  bool closed_ = false;
};

}  // namespace tr::media
