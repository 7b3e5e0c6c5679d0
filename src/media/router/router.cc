#include "media/router/router.h"

#include <algorithm>
#include <chrono>

#include "common/log.h"
#include "common/random.h"
#include "common/time.h"
#include "media/ortc/consumable_rtp_parameters.h"
#include "media/ortc/consumer_rtp_parameters.h"
#include "media/ortc/ortc_error.h"
#include "media/ortc/producer_cname.h"
#include "media/ortc/router_rtp_capabilities.h"
#include "media/router/router_error.h"
#include "media/rtcp/fir.h"
#include "media/rtcp/generic_nack.h"
#include "media/rtcp/pli.h"
#include "media/rtcp/receiver_report.h"
#include "media/rtcp/rtcp_packet.h"
#include "media/rtcp/sdes.h"
#include "media/rtcp/sender_report.h"
#include "media/rtcp/transport_feedback.h"
#include "media/rtp/rtp_header_extensions.h"

namespace tr::media {

namespace {

constexpr std::string_view kComponent = "media.router";
constexpr int64_t kTickMs = 100;

std::string NewUuid() {
  uint8_t b[16];
  RandomBytes(b, sizeof(b));
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out += '-';
    }
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0x0F];
  }
  return out;
}

std::string StringField(const Json& data, const char* name) {
  const auto it = data.find(name);
  if (it == data.end() || !it->is_string()) {
    throw RouterError("invalid_parameters", std::string("missing or invalid ") + name);
  }
  return it->get<std::string>();
}

bool BoolField(const Json& data, const char* name, bool fallback) {
  const auto it = data.find(name);
  if (it == data.end() || it->is_null()) {
    return fallback;
  }
  if (!it->is_boolean()) {
    throw RouterError("invalid_parameters", std::string("invalid ") + name);
  }
  return it->get<bool>();
}

int64_t UnixMicrosNow() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Router::Router(Worker* worker, std::string id, Options options, NotifyFn notify)
    : worker_(worker),
      id_(std::move(id)),
      options_(options),
      notify_(std::move(notify)),
      failure_timer_(&worker->loop(), [this] { OnDeferredFailures(); }),
      rtcp_timer_(&worker->loop(), [this] { OnRtcpTimer(); }),
      tick_timer_(&worker->loop(), [this] { OnTick(); }),
      feedback_timer_(&worker->loop(), [this] { OnFeedbackTimer(); }) {
  report_blocks_.reserve(256);
  rtcp_buffer_.resize(1500);
  rtcp_timer_.Start(options_.rtcp_interval_ms / 2);
  tick_timer_.Start(kTickMs);
  feedback_timer_.Start(options_.feedback_interval_ms);
}

Router::~Router() { Close(); }

void Router::Close() {
  if (closed_) {
    return;
  }
  closed_ = true;
  failure_timer_.Stop();
  rtcp_timer_.Stop();
  tick_timer_.Stop();
  feedback_timer_.Stop();
  consumers_.clear();
  producers_.clear();
  for (auto& [id, entry] : transports_) {
    entry->transport->Close();
  }
  transports_.clear();
}

// ---------------------------------------------------------------- requests

Json Router::HandleRequest(const std::string& method, const Json& data) {
  if (closed_) {
    throw RouterError("invalid_state", "router closed");
  }
  const int64_t now = worker_->loop().UpdateNow();
  if (method == "transport.create") {
    return CreateTransport(data);
  }
  if (method == "transport.connect") {
    return ConnectTransport(data);
  }
  if (method == "transport.restartIce") {
    return RestartIce(data);
  }
  if (method == "transport.close") {
    GetTransport(data);  // not_found check
    CloseTransport(StringField(data, "transportId"), "closed", /*notify=*/false);
    return Json::object();
  }
  if (method == "producer.create") {
    return CreateProducer(data);
  }
  if (method == "producer.pause" || method == "producer.resume") {
    Producer& producer = GetProducer(data);
    const bool pause = method == "producer.pause";
    if (producer.paused() != pause) {
      producer.SetPaused(pause);
      for (Consumer* c : producer.consumers()) {
        c->SetProducerPaused(pause, now);
        notify_(pause ? "consumer.producerPaused" : "consumer.producerResumed",
                {{"routerId", id_}, {"consumerId", c->id()}});
      }
    }
    return Json::object();
  }
  if (method == "producer.close") {
    GetProducer(data);
    CloseProducer(StringField(data, "producerId"), "closed", /*notify=*/false);
    return Json::object();
  }
  if (method == "consumer.create") {
    return CreateConsumer(data);
  }
  if (method == "consumer.pause") {
    GetConsumer(data).Pause();
    return Json::object();
  }
  if (method == "consumer.resume") {
    GetConsumer(data).Resume(now);
    return Json::object();
  }
  if (method == "consumer.close") {
    GetConsumer(data);
    CloseConsumer(StringField(data, "consumerId"), "closed", /*notify=*/false);
    return Json::object();
  }
  if (method == "consumer.setPreferredLayers") {
    return SetPreferredLayers(data);
  }
  if (method == "consumer.requestKeyFrame") {
    GetConsumer(data).RequestKeyFrame(now);
    return Json::object();
  }
  if (method == "transport.setTestNetwork") {
    return SetTestNetwork(data);
  }
  if (method == "router.stats") {
    return Stats();
  }
  throw RouterError("invalid_parameters", "unknown method " + method);
}

Router::TransportEntry& Router::GetTransport(const Json& data) {
  const auto it = transports_.find(StringField(data, "transportId"));
  if (it == transports_.end()) {
    throw RouterError("not_found", "transport not found");
  }
  return *it->second;
}

Producer& Router::GetProducer(const Json& data) {
  const auto it = producers_.find(StringField(data, "producerId"));
  if (it == producers_.end()) {
    throw RouterError("not_found", "producer not found");
  }
  return *it->second;
}

Consumer& Router::GetConsumer(const Json& data) {
  const auto it = consumers_.find(StringField(data, "consumerId"));
  if (it == consumers_.end()) {
    throw RouterError("not_found", "consumer not found");
  }
  return *it->second;
}

Json Router::CreateTransport(const Json& data) {
  WebRtcTransport::Options o;
  o.candidates.enable_udp = BoolField(data, "enableUdp", true);
  o.candidates.enable_tcp = BoolField(data, "enableTcp", true);
  o.candidates.prefer_udp = BoolField(data, "preferUdp", false);
  o.candidates.prefer_tcp = BoolField(data, "preferTcp", false);
  if (!o.candidates.enable_udp && !o.candidates.enable_tcp) {
    throw RouterError("invalid_parameters", "enableUdp and enableTcp are both false");
  }
  o.consent_timeout_ms = options_.ice_consent_timeout_ms;
  o.certificate = options_.certificate;
  auto entry = std::make_unique<TransportEntry>();
  entry->router = this;
  entry->direction = data.contains("direction") && data["direction"].is_string()
                         ? data["direction"].get<std::string>()
                         : "";
  RandomBytes(reinterpret_cast<uint8_t*>(&entry->rtcp_ssrc), sizeof(entry->rtcp_ssrc));
  const std::string id = NewUuid();
  entry->transport = std::make_unique<WebRtcTransport>(worker_, entry.get(), id, o);
  Json reply = {{"transportId", id},
                {"iceParameters", entry->transport->IceParameters()},
                {"iceCandidates", entry->transport->IceCandidates()},
                {"dtlsParameters", entry->transport->DtlsParameters()}};
  transports_.emplace(id, std::move(entry));
  return reply;
}

Json Router::ConnectTransport(const Json& data) {
  TransportEntry& entry = GetTransport(data);
  if (!data.contains("dtlsParameters")) {
    throw RouterError("invalid_parameters", "missing dtlsParameters");
  }
  std::string error;
  const auto role = entry.transport->Connect(data["dtlsParameters"], &error);
  if (!role) {
    throw RouterError(error.find("already") != std::string::npos ? "invalid_state"
                                                                 : "invalid_parameters",
                      error);
  }
  return {{"dtlsLocalRole", *role}};
}

Json Router::RestartIce(const Json& data) {
  TransportEntry& entry = GetTransport(data);
  return {{"iceParameters", entry.transport->RestartIce()}};
}

Json Router::CreateProducer(const Json& data) {
  TransportEntry& entry = GetTransport(data);
  const auto kind = ortc::MediaKindFromJson(data.at("kind"), "kind");
  ortc::RtpParameters params = ortc::RtpParameters::FromJson(data.at("rtpParameters"));
  std::string cname = entry.cname;
  ortc::ApplyTransportCname(cname, params);
  const auto& caps = ortc::RouterRtpCapabilities();
  ortc::ProducerSetup setup = ortc::ValidateAndMapProducer(kind, params, caps);
  // mediasoup's RtpListener rules: MID unique per transport, SSRCs unique.
  for (const Producer* p : entry.producers) {
    if (setup.mid && p->setup().mid && *setup.mid == *p->setup().mid) {
      throw RouterError("invalid_parameters", "MID already used by another producer");
    }
  }
  for (const auto& e : setup.encodings) {
    for (const auto ssrc : {e.ssrc, e.rtx_ssrc}) {
      if (ssrc && entry.ssrc_table.count(*ssrc) != 0) {
        throw RouterError("invalid_parameters", "SSRC already used by another producer");
      }
    }
  }
  ortc::RtpParameters consumable =
      ortc::GetConsumableRtpParameters(kind, setup.rtp_parameters, caps, setup.rtp_mapping);
  entry.cname = cname;
  Producer::Options po;
  po.key_frame_request_interval_ms = options_.key_frame_request_interval_ms;
  const std::string id = NewUuid();
  auto producer = std::make_unique<Producer>(id, entry.transport.get(), std::move(setup),
                                             std::move(consumable), po);
  producer->SetPaused(BoolField(data, "paused", false));
  if (const auto it = data.find("source"); it != data.end() && it->is_string()) {
    producer->SetSource(it->get<std::string>());
  }
  for (const auto& e : producer->setup().encodings) {
    if (e.ssrc) {
      entry.ssrc_table[*e.ssrc] = producer.get();
    }
    if (e.rtx_ssrc) {
      entry.ssrc_table[*e.rtx_ssrc] = producer.get();
    }
  }
  const uint8_t twcc_id = producer->setup().header_extension_ids.transport_wide_cc;
  if (twcc_id != 0 && !entry.twcc) {
    entry.twcc = std::make_unique<TransportCcFeedbackGenerator>(&entry, entry.rtcp_ssrc);
    entry.twcc_id = twcc_id;
  }
  entry.producers.push_back(producer.get());
  const std::string type(ortc::ProducerTypeName(producer->type()));
  producers_.emplace(id, std::move(producer));
  return {{"producerId", id}, {"type", type}};
}

Json Router::CreateConsumer(const Json& data) {
  TransportEntry& entry = GetTransport(data);
  Producer& producer = GetProducer(data);
  if (!data.contains("rtpCapabilities")) {
    throw RouterError("invalid_parameters", "missing rtpCapabilities");
  }
  const auto caps = ortc::RtpCapabilities::FromJson(data["rtpCapabilities"]);
  if (!ortc::CanConsume(producer.consumable_parameters(), caps)) {
    throw RouterError("cannot_consume", "the capabilities cannot consume this producer");
  }
  ortc::RtpParameters params;
  try {
    params = ortc::GetConsumerRtpParameters(producer.consumable_parameters(), caps);
  } catch (const ortc::OrtcError& e) {
    throw RouterError("cannot_consume", e.what());
  }
  // MID per transport: "0", "1", ... (never "probator", which is not numeric anyway).
  params.mid = std::to_string(entry.next_mid++ % 100'000'000);
  const bool paused = BoolField(data, "paused", false);
  const std::string id = NewUuid();
  auto consumer = std::make_unique<Consumer>(id, &producer, entry.transport.get(), params,
                                             paused, Consumer::Options{});
  Consumer* c = consumer.get();
  c->SetProducerPaused(producer.paused(), worker_->loop().NowMs());
  producer.AddConsumer(c);
  entry.consumers.push_back(c);
  consumers_.emplace(id, std::move(consumer));
  if (c->transport_cc_extension_id() != 0 && !entry.downlink) {
    entry.downlink = std::make_unique<DownlinkController>(&worker_->loop(), entry.transport.get(),
                                                          DownlinkController::Options{});
  }
  if (!paused && !producer.paused()) {
    c->RequestKeyFrame(worker_->loop().NowMs());
  }
  return {{"consumerId", id},
          {"producerId", producer.id()},
          {"kind", ortc::MediaKindName(producer.kind())},
          {"rtpParameters", params.ToJson()},
          {"type", Consumer::TypeName(c->type())},
          {"producerPaused", producer.paused()}};
}

Json Router::SetPreferredLayers(const Json& data) {
  Consumer& consumer = GetConsumer(data);
  const auto it = data.find("spatialLayer");
  if (it == data.end() || !it->is_number_integer()) {
    throw RouterError("invalid_parameters", "missing or invalid spatialLayer");
  }
  int temporal = consumer.preferred_temporal_layer();
  if (const auto t = data.find("temporalLayer"); t != data.end() && !t->is_null()) {
    if (!t->is_number_integer()) {
      throw RouterError("invalid_parameters", "invalid temporalLayer");
    }
    temporal = t->get<int>();
  }
  const auto [s, tl] =
      consumer.SetPreferredLayers(it->get<int>(), temporal, worker_->loop().NowMs());
  return {{"spatialLayer", s}, {"temporalLayer", tl}};
}

Json Router::SetTestNetwork(const Json& data) {
  TransportEntry& entry = GetTransport(data);
  const auto number = [&data](const char* name, double fallback, double lo, double hi) {
    const auto it = data.find(name);
    if (it == data.end() || it->is_null()) {
      return fallback;
    }
    if (!it->is_number() || it->get<double>() < lo || it->get<double>() > hi) {
      throw RouterError("invalid_parameters", std::string("invalid ") + name);
    }
    return it->get<double>();
  };
  EgressShaper::Config config;
  config.loss_fraction = number("lossPercent", 0, 0, 100) / 100.0;
  config.rate_bps = static_cast<int64_t>(number("downlinkKbps", 0, 0, 1'000'000) * 1000);
  config.queue_ms = static_cast<int64_t>(number("queueMs", 300, 10, 2000));
  entry.transport->SetEgressShaping(config);
  return {{"lossPercent", config.loss_fraction * 100},
          {"downlinkKbps", config.rate_bps / 1000},
          {"queueMs", config.queue_ms}};
}

// ---------------------------------------------------------------- closing

void Router::CloseConsumer(const std::string& id, const std::string& reason, bool notify) {
  const auto it = consumers_.find(id);
  if (it == consumers_.end()) {
    return;
  }
  Consumer* c = it->second.get();
  c->producer()->RemoveConsumer(c);
  for (auto& [tid, entry] : transports_) {
    auto& list = entry->consumers;
    list.erase(std::remove(list.begin(), list.end(), c), list.end());
  }
  const std::string producer_id = c->producer()->id();
  consumers_.erase(it);
  if (notify && !closed_) {
    notify_("consumer.closed", {{"routerId", id_},
                                {"consumerId", id},
                                {"producerId", producer_id},
                                {"reason", reason}});
  }
}

void Router::CloseProducer(const std::string& id, const std::string& reason, bool notify) {
  const auto it = producers_.find(id);
  if (it == producers_.end()) {
    return;
  }
  Producer* p = it->second.get();
  std::vector<std::string> consumer_ids;
  for (const Consumer* c : p->consumers()) {
    consumer_ids.push_back(c->id());
  }
  for (const auto& cid : consumer_ids) {
    CloseConsumer(cid, "producer_closed", /*notify=*/true);
  }
  for (auto& [tid, entry] : transports_) {
    auto& list = entry->producers;
    list.erase(std::remove(list.begin(), list.end(), p), list.end());
    for (auto s = entry->ssrc_table.begin(); s != entry->ssrc_table.end();) {
      s = s->second == p ? entry->ssrc_table.erase(s) : std::next(s);
    }
  }
  producers_.erase(it);
  if (notify && !closed_) {
    notify_("producer.closed", {{"routerId", id_}, {"producerId", id}, {"reason", reason}});
  }
}

void Router::CloseTransport(const std::string& id, const std::string& reason, bool notify) {
  const auto it = transports_.find(id);
  if (it == transports_.end()) {
    return;
  }
  TransportEntry& entry = *it->second;
  std::vector<std::string> producer_ids;
  for (const Producer* p : entry.producers) {
    producer_ids.push_back(p->id());
  }
  std::vector<std::string> consumer_ids;
  for (const Consumer* c : entry.consumers) {
    consumer_ids.push_back(c->id());
  }
  for (const auto& pid : producer_ids) {
    CloseProducer(pid, "transport_closed", /*notify=*/true);
  }
  for (const auto& cid : consumer_ids) {
    CloseConsumer(cid, "transport_closed", /*notify=*/true);
  }
  entry.transport->Close();
  transports_.erase(it);
  if (notify && !closed_) {
    notify_("transport.closed", {{"routerId", id_}, {"transportId", id}, {"reason", reason}});
  }
}

// ---------------------------------------------------------------- transport events

void Router::TransportEntry::OnTransportConnected(WebRtcTransport* t) {
  const int64_t now = router->worker_->loop().NowMs();
  for (Consumer* c : consumers) {
    if (!c->paused()) {
      c->RequestKeyFrame(now);  // anything sent before went nowhere
    }
  }
  router->notify_("transport.connected", {{"routerId", router->id_}, {"transportId", t->id()}});
}

void Router::TransportEntry::OnTransportFailed(WebRtcTransport* t, std::string_view reason) {
  router->pending_failures_.emplace_back(t->id(), std::string(reason));
  router->failure_timer_.Start(0);
}

void Router::TransportEntry::OnTransportRtpPacket(WebRtcTransport* /*t*/, RtpPacket& packet) {
  router->OnRtp(*this, packet);
}

void Router::TransportEntry::OnTransportRtcpPacket(WebRtcTransport* /*t*/,
                                                   std::span<const uint8_t> compound) {
  router->OnRtcp(*this, compound);
}

void Router::TransportEntry::OnTransportCcFeedback(TransportCcFeedbackGenerator* /*g*/,
                                                   std::span<const uint8_t> packet) {
  transport->SendRtcpPacket(packet.data(), packet.size());
}

void Router::OnDeferredFailures() {
  auto failures = std::move(pending_failures_);
  pending_failures_.clear();
  for (const auto& [id, reason] : failures) {
    log::Info(kComponent, "transport closed", {{"transport", id}, {"reason", reason}});
    CloseTransport(id, reason, /*notify=*/true);
  }
}

// ---------------------------------------------------------------- packet path

Producer* Router::FindProducerForPacket(TransportEntry& entry, const RtpPacket& packet) {
  const auto it = entry.ssrc_table.find(packet.Ssrc());
  if (it != entry.ssrc_table.end()) {
    return it->second;
  }
  // MID first (Chrome stamps it until the SSRC is acknowledged by an RR).
  bool has_mid = false;
  for (Producer* p : entry.producers) {
    const uint8_t mid_id = p->setup().header_extension_ids.mid;
    if (mid_id == 0 || !packet.HasExtension(mid_id)) {
      continue;
    }
    const auto mid = packet.GetExtension<MidExtension>(mid_id);
    if (!mid) {
      continue;
    }
    has_mid = true;
    if (p->setup().mid && *p->setup().mid == *mid) {
      return p;
    }
  }
  if (has_mid) {
    return nullptr;
  }
  // RID only without MID (mediasoup#1666).
  for (Producer* p : entry.producers) {
    const uint8_t rid_id = p->setup().header_extension_ids.rid;
    if (rid_id == 0 || !packet.HasExtension(rid_id)) {
      continue;
    }
    const auto rid = packet.GetExtension<RtpStreamIdExtension>(rid_id);
    for (const auto& e : p->setup().encodings) {
      if (rid && e.rid && *e.rid == *rid) {
        return p;
      }
    }
  }
  return nullptr;
}

void Router::OnRtp(TransportEntry& entry, RtpPacket& packet) {
  Producer* producer = FindProducerForPacket(entry, packet);
  if (entry.twcc) {
    // Every packet with a transport-wide sequence number counts for the sender's
    // bandwidth estimate, including RTX, probes and packets dropped below.
    const uint8_t id =
        producer != nullptr ? producer->setup().header_extension_ids.transport_wide_cc
                            : entry.twcc_id;
    if (id != 0) {
      if (const auto seq = packet.GetExtension<TransportSequenceNumberExtension>(id)) {
        entry.twcc->OnPacket(*seq, worker_->packet_arrival_us(), packet.Ssrc());
      }
    }
  }
  if (producer == nullptr) {
    return;
  }
  const uint32_t ssrc = packet.Ssrc();
  if (entry.ssrc_table.find(ssrc) == entry.ssrc_table.end()) {
    bool is_rtx = false;
    if (producer->BindStream(packet, &is_rtx) < 0) {
      return;
    }
    entry.ssrc_table.emplace(ssrc, producer);  // once per new SSRC
  }
  producer->ReceiveRtp(packet, worker_->loop().NowMs());
}

void Router::OnRtcp(TransportEntry& entry, std::span<const uint8_t> compound) {
  const int64_t now = worker_->loop().NowMs();
  auto consumer_by_ssrc = [&entry](uint32_t ssrc) -> Consumer* {
    for (Consumer* c : entry.consumers) {
      if (c->ssrc() == ssrc) {
        return c;
      }
    }
    return nullptr;
  };
  RtcpCompoundIterator it(compound);
  RtcpPacket packet;
  while (it.Next(&packet)) {
    switch (packet.Type()) {
      case rtcp_type::kSenderReport: {
        const auto sr = SenderReport::Parse(packet);
        if (!sr) break;
        const SenderInfo info = sr->Info();
        const auto p = entry.ssrc_table.find(info.sender_ssrc);
        if (p != entry.ssrc_table.end()) {
          p->second->ReceiveSenderReport(info.sender_ssrc, info.ntp, info.rtp_timestamp, now);
        }
        for (std::size_t i = 0; i < sr->ReportBlockCount(); ++i) {
          const ReportBlock block = sr->GetReportBlock(i);
          if (Consumer* c = consumer_by_ssrc(block.ssrc)) c->ReceiveReportBlock(block, now);
        }
        break;
      }
      case rtcp_type::kReceiverReport: {
        const auto rr = ReceiverReport::Parse(packet);
        if (!rr) break;
        for (std::size_t i = 0; i < rr->ReportBlockCount(); ++i) {
          const ReportBlock block = rr->GetReportBlock(i);
          if (Consumer* c = consumer_by_ssrc(block.ssrc)) c->ReceiveReportBlock(block, now);
        }
        break;
      }
      case rtcp_type::kPayloadFeedback: {
        if (packet.Fmt() == Pli::kFmt) {
          if (const auto pli = Pli::Parse(packet)) {
            if (Consumer* c = consumer_by_ssrc(pli->MediaSsrc())) c->ReceiveKeyFrameRequest(now);
          }
        } else if (packet.Fmt() == Fir::kFmt) {
          if (const auto fir = Fir::Parse(packet)) {
            for (std::size_t i = 0; i < fir->EntryCount(); ++i) {
              if (Consumer* c = consumer_by_ssrc(fir->Entry(i).ssrc)) c->ReceiveKeyFrameRequest(now);
            }
          }
        }
        break;
      }
      case rtcp_type::kRtpFeedback: {
        if (packet.Fmt() == GenericNack::kFmt) {
          if (const auto nack = GenericNack::Parse(packet)) {
            if (Consumer* c = consumer_by_ssrc(nack->MediaSsrc())) c->ReceiveNack(*nack, now);
          }
        } else if (packet.Fmt() == TransportFeedback::kFmt && entry.downlink) {
          if (const auto feedback = TransportFeedback::Parse(packet)) {
            entry.downlink->OnTransportFeedback(*feedback, MonotonicMicros());
          }
        }
        break;
      }
      default:
        break;  // SDES, BYE, XR, REMB: not used
    }
  }
}

// ---------------------------------------------------------------- timers

void Router::OnRtcpTimer() {
  const int64_t now = worker_->loop().UpdateNow();
  const int64_t unix_us = UnixMicrosNow();
  uint8_t* buf = rtcp_buffer_.data();
  const std::size_t cap = rtcp_buffer_.size() - SrtpSession::kRtcpTrailerRoom;
  for (auto& [id, entry] : transports_) {
    if (!entry->transport->IsConnected()) {
      continue;
    }
    // Receiver reports for what this transport's producers send us.
    report_blocks_.clear();
    for (Producer* p : entry->producers) {
      p->CollectReportBlocks(&report_blocks_, now);
    }
    for (std::size_t offset = 0; offset < report_blocks_.size();
         offset += ReceiverReport::kMaxReportBlocks) {
      const std::size_t count =
          std::min(ReceiverReport::kMaxReportBlocks, report_blocks_.size() - offset);
      std::size_t n = ReceiverReport::Build(
          std::span<uint8_t>(buf, cap), entry->rtcp_ssrc,
          std::span<const ReportBlock>(report_blocks_.data() + offset, count));
      if (n == 0) break;
      n += Sdes::BuildCname(std::span<uint8_t>(buf + n, cap - n), entry->rtcp_ssrc, "tradingroom");
      entry->transport->SendRtcpPacket(buf, n);
    }
    // Sender reports (+ SDES CNAME) for what we send to this transport's consumers.
    for (Consumer* c : entry->consumers) {
      const std::size_t n = c->BuildSenderReport(std::span<uint8_t>(buf, cap), now, unix_us);
      if (n > 0) {
        entry->transport->SendRtcpPacket(buf, n);
      }
    }
  }
  rtcp_timer_.Start(options_.rtcp_interval_ms);
}

void Router::OnTick() {
  const int64_t now = worker_->loop().UpdateNow();
  for (auto& [id, p] : producers_) {
    p->Tick(now);
  }
  // Bandwidth first: it sets the layer limits the consumers' ticks select within.
  for (auto& [id, entry] : transports_) {
    if (entry->downlink) {
      entry->downlink->Tick(entry->consumers, now);
    }
  }
  for (auto& [id, c] : consumers_) {
    c->Tick(now);
    if (c->TakeLayersChanged() &&
        (c->type() == Consumer::Type::kSimulcast || c->has_temporal_filter() ||
         c->has_svc_filter())) {
      notify_("consumer.layersChanged", {{"routerId", id_},
                                         {"consumerId", id},
                                         {"spatialLayer", c->current_layer()},
                                         {"temporalLayer", c->current_temporal_layer()}});
    }
  }
  tick_timer_.Start(kTickMs);
}

void Router::OnFeedbackTimer() {
  const int64_t now = worker_->loop().UpdateNow();
  for (auto& [id, entry] : transports_) {
    if (entry->twcc) {
      entry->twcc->SendFeedback();
    }
  }
  for (auto& [id, p] : producers_) {
    p->ProcessNacks(now);
  }
  feedback_timer_.Start(options_.feedback_interval_ms);
}

// ---------------------------------------------------------------- stats / hooks

Json Router::Stats() const {
  const int64_t now = worker_->loop().NowMs();
  Json transports = Json::array();
  for (const auto& [id, entry] : transports_) {
    Json t = entry->transport->StatsJson();
    t["direction"] = entry->direction;
    Json producer_ids = Json::array();
    for (const Producer* p : entry->producers) producer_ids.push_back(p->id());
    Json consumer_ids = Json::array();
    for (const Consumer* c : entry->consumers) consumer_ids.push_back(c->id());
    t["producerIds"] = std::move(producer_ids);
    if (entry->twcc) {
      const auto& ts = entry->twcc->stats();
      t["transportCc"] = {{"packets", ts.packets},
                          {"duplicates", ts.duplicates},
                          {"late", ts.late},
                          {"feedbackPackets", ts.feedback_packets}};
    }
    t["consumerIds"] = std::move(consumer_ids);
    if (entry->downlink) {
      t["bandwidthEstimation"] = entry->downlink->StatsJson();
    }
    transports.push_back(std::move(t));
  }
  Json producers = Json::array();
  for (const auto& [id, p] : producers_) producers.push_back(p->StatsJson(now));
  Json consumers = Json::array();
  for (const auto& [id, c] : consumers_) consumers.push_back(c->StatsJson(now));
  return {{"routerId", id_},
          {"transports", std::move(transports)},
          {"producers", std::move(producers)},
          {"consumers", std::move(consumers)}};
}

WebRtcTransport* Router::FindTransportForTest(const std::string& id) const {
  const auto it = transports_.find(id);
  return it == transports_.end() ? nullptr : it->second->transport.get();
}

Producer* Router::FindProducerForTest(const std::string& id) const {
  const auto it = producers_.find(id);
  return it == producers_.end() ? nullptr : it->second.get();
}

Consumer* Router::FindConsumerForTest(const std::string& id) const {
  const auto it = consumers_.find(id);
  return it == consumers_.end() ? nullptr : it->second.get();
}

}  // namespace tr::media
