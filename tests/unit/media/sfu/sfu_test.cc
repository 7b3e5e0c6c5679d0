#include "media/sfu/sfu.h"

#include <cstdio>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <algorithm>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <random>
#include <thread>
#include <vector>

#include "fake_video_sender.h"
#include "media/common/seq_num.h"
#include "media/rtcp/generic_nack.h"
#include "media/rtcp/pli.h"
#include "media/rtcp/rtcp_packet.h"
#include "media/rtcp/sdes.h"
#include "media/rtcp/sender_report.h"
#include "media/rtp/rtp_header_extensions.h"
#include "media/rtp/codecs/codec_payload.h"
#include "media/rtp/codecs/vp9.h"
#include "media/rtp/codecs/vp8.h"
#include "media/rtp/rtp_packet.h"
#include "media/rtp/rtx.h"
#include "rtp_test_packets.h"
#include "sfu_test_util.h"
#include "webrtc_test_client.h"

namespace tr::media {
namespace {

using test::FakeVideoSender;
using test::WebRtcTestClient;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class SfuTest : public ::testing::Test {
 public:
  void SetUp() override {}
  void TearDown() override {
    clients_.clear();
    if (sfu_) sfu_->Stop();
  }

  void StartSfu(int workers = 1, int64_t consent_ms = 30'000) {
    SfuOptions o;
    o.workers = workers;
    o.listen_ip = "127.0.0.1";
    o.announced_ip = "127.0.0.1";
    o.port_min = 0;
    o.ice_consent_timeout_ms = consent_ms;
    o.rtcp_interval_ms = 200;
    o.key_frame_request_interval_ms = 500;
    sfu_ = CreateSfu(o);
    sfu_->SetNotificationHandler(
        [this](const std::string& event, const Json& data) { inbox_.Push(event, data); });
    sfu_->Start();
  }

  SfuReply Call(const std::string& method, Json data) {
    std::promise<SfuReply> p;
    auto f = p.get_future();
    sfu_->Request(method, std::move(data), [&p](SfuReply r) { p.set_value(std::move(r)); });
    EXPECT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    return f.get();
  }
  Json Ok(const std::string& method, Json data) {
    SfuReply r = Call(method, std::move(data));
    EXPECT_TRUE(r.ok) << method << ": " << r.error_code << " " << r.error_message;
    return r.data;
  }

  std::string CreateRouter() { return Ok("router.create", {})["routerId"]; }

  // Creates a transport, a client for it, connects DTLS. Returns the client.
  WebRtcTestClient* Connect(const std::string& router, std::string* transport_id,
                            bool tcp = false, int consent_interval_ms = 500) {
    Json t = Ok("transport.create", {{"routerId", router}, {"direction", "send"}});
    *transport_id = t["transportId"];
    WebRtcTestClient::Options o;
    o.use_tcp = tcp;
    o.consent_interval_ms = consent_interval_ms;
    clients_.push_back(std::make_unique<WebRtcTestClient>(o));
    WebRtcTestClient* c = clients_.back().get();
    EXPECT_TRUE(c->Open(test::RemoteTransportInfo::FromReply(t)));
    Json reply = Ok("transport.connect", {{"routerId", router},
                                          {"transportId", *transport_id},
                                          {"dtlsParameters", c->DtlsParameters()}});
    EXPECT_EQ(reply["dtlsLocalRole"], "server");
    c->StartIce();
    EXPECT_TRUE(c->RunUntil([c] { return c->dtls_connected(); }, 5000));
    return c;
  }

  // device.recvRtpCapabilities of a Chrome-like client: the router's, minus what the
  // router only receives.
  Json RecvCaps() {
    Json caps = sfu_->RouterRtpCapabilities();
    Json exts = Json::array();
    for (const auto& e : caps["headerExtensions"]) {
      if (e.value("direction", "sendrecv") != "recvonly") exts.push_back(e);
    }
    caps["headerExtensions"] = exts;
    return caps;
  }

  // Polls every client and lets `sender` emit a frame every 30 ms until `done` or timeout.
  bool Pump(FakeVideoSender* sender, const std::function<bool()>& done, int timeout_ms) {
    const int64_t deadline = NowMs() + timeout_ms;
    int64_t next_frame = 0;
    while (!done()) {
      if (NowMs() > deadline) return done();
      if (sender != nullptr && NowMs() >= next_frame) {
        sender->SendFrame();
        next_frame = NowMs() + 30;
      }
      for (auto& c : clients_) c->Poll(0);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
  }

  // Parsed copies of RTP packets a client received.
  static std::vector<std::vector<uint8_t>> Take(WebRtcTestClient* c) {
    auto out = std::move(c->rtp());
    c->rtp().clear();
    return out;
  }

  std::unique_ptr<Sfu> sfu_;
  test::NotificationInbox inbox_;
  std::vector<std::unique_ptr<WebRtcTestClient>> clients_;
};

struct Pub {
  std::string router;
  std::string send_transport;
  std::string producer;
  WebRtcTestClient* sender_client = nullptr;
  std::unique_ptr<FakeVideoSender> sender;
};

// `vp9_svc`: one stream of 3 spatial x 3 temporal VP9 layers (k-SVC) instead of `layers`.
Pub MakeProducer(SfuTest* t, std::vector<FakeVideoSender::Layer> layers, bool tcp = false,
                 bool vp9_svc = false) {
  Pub s;
  s.router = t->CreateRouter();
  s.sender_client = t->Connect(s.router, &s.send_transport, tcp);
  s.sender = std::make_unique<FakeVideoSender>(s.sender_client, "0", std::move(layers));
  if (vp9_svc) {
    s.sender->UseVp9Svc(3, 3);
  }
  Json p = t->Ok("producer.create", {{"routerId", s.router},
                                     {"transportId", s.send_transport},
                                     {"kind", "video"},
                                     {"rtpParameters", s.sender->RtpParameters()}});
  s.producer = p["producerId"];
  return s;
}

std::vector<FakeVideoSender::Layer> OneLayer() {
  FakeVideoSender::Layer l;
  l.ssrc = 11111111;
  return {l};
}

// Three simulcast streams r0..r2 (SSRCs ssrc_base + 10 i, payload fill fill_base + i).
std::vector<FakeVideoSender::Layer> SimulcastLayers(uint32_t ssrc_base, uint8_t fill_base) {
  std::vector<FakeVideoSender::Layer> layers(3);
  for (int i = 0; i < 3; ++i) {
    layers[i].ssrc = ssrc_base + static_cast<uint32_t>(i) * 10;
    layers[i].rid = "r" + std::to_string(i);
    layers[i].fill = static_cast<uint8_t>(fill_base + i);
  }
  return layers;
}

TEST_F(SfuTest, RoutersArePlacedOnTheLeastLoadedWorker) {
  StartSfu(2);
  for (int i = 0; i < 4; ++i) CreateRouter();
  Json stats = Ok("sfu.stats", {});
  ASSERT_EQ(stats["workers"].size(), 2u);
  EXPECT_EQ(stats["workers"][0]["routers"], 2);
  EXPECT_EQ(stats["workers"][1]["routers"], 2);
  EXPECT_NE(stats["workers"][0]["udpPort"], stats["workers"][1]["udpPort"]);
  EXPECT_EQ(stats["workers"][0]["udpPort"], stats["workers"][0]["tcpPort"]);
  EXPECT_EQ(Call("transport.create", {{"routerId", "nope"}}).error_code, "not_found");
  EXPECT_FALSE(sfu_->RouterRtpCapabilities()["codecs"].empty());
}

TEST_F(SfuTest, TransportConnectedNotification) {
  StartSfu();
  const std::string router = CreateRouter();
  std::string tid;
  Connect(router, &tid);
  Json n;
  ASSERT_TRUE(inbox_.WaitFor("transport.connected", 2000, &n));
  EXPECT_EQ(n["transportId"], tid);
  EXPECT_EQ(n["routerId"], router);
}

TEST_F(SfuTest, ForwardsVp8WithConsumerSsrcPtSeqAndExtensionIds) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer());
  std::string recv_tid;
  WebRtcTestClient* viewer = Connect(s.router, &recv_tid);
  Json c = Ok("consumer.create", {{"routerId", s.router},
                                  {"transportId", recv_tid},
                                  {"producerId", s.producer},
                                  {"rtpCapabilities", RecvCaps()},
                                  {"paused", true}});
  EXPECT_EQ(c["kind"], "video");
  EXPECT_EQ(c["type"], "simple");
  const Json& params = c["rtpParameters"];
  const uint32_t ssrc = params["encodings"][0]["ssrc"];
  const uint8_t pt = params["codecs"][0]["payloadType"];
  const std::string mid = params["mid"];
  uint8_t mid_id = 0, abs_id = 0, twcc_id = 0, toffset_id = 0;
  for (const auto& e : params["headerExtensions"]) {
    if (e["uri"] == MidExtension::kUri) mid_id = e["id"];
    if (e["uri"] == AbsSendTimeExtension::kUri) abs_id = e["id"];
    if (e["uri"] == TransportSequenceNumberExtension::kUri) twcc_id = e["id"];
    if (e["uri"] == "urn:ietf:params:rtp-hdrext:toffset") toffset_id = e["id"];
  }
  ASSERT_NE(mid_id, 0);
  ASSERT_NE(twcc_id, 0);
  // Paused: nothing arrives.
  Pump(s.sender.get(), [] { return false; }, 300);
  EXPECT_TRUE(viewer->rtp().empty());
  const int key_frames_before = s.sender->layers()[0].key_frames_sent;
  Ok("consumer.resume", {{"routerId", s.router}, {"consumerId", c["consumerId"]}});
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return viewer->rtp().size() >= 10; }, 5000));
  // The resume asked the producer for a key frame and forwarding started with it.
  EXPECT_GT(s.sender->layers()[0].key_frames_sent, key_frames_before);
  EXPECT_GE(s.sender->plis_received(), 1);
  const auto packets = Take(viewer);
  std::optional<uint16_t> prev;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    auto copy = packets[i];
    auto p = RtpPacket::Parse(copy);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->Ssrc(), ssrc);
    EXPECT_EQ(p->PayloadType(), pt);
    if (i == 0) {
      EXPECT_TRUE(IsKeyFrame(RtpCodec::kVp8, p->Payload()));
    }
    if (prev) {
      EXPECT_EQ(p->SequenceNumber(), static_cast<uint16_t>(*prev + 1));
    }
    prev = p->SequenceNumber();
    // Router ids, consumer MID; the sender's ids are gone.
    EXPECT_EQ(p->GetExtension<MidExtension>(mid_id).value_or(""), mid);
    EXPECT_TRUE(p->HasExtension(twcc_id));
    if (abs_id != 0) {
      EXPECT_TRUE(p->HasExtension(abs_id));
    }
    if (toffset_id != 0) {
      EXPECT_TRUE(p->HasExtension(toffset_id));
    }
    // Sender-only ids (2 = its abs-send-time, 3 = its video-orientation) are gone, and the
    // toffset value moved to the router's id.
    EXPECT_FALSE(p->HasExtension(FakeVideoSender::kAbsSendTimeId));
    EXPECT_FALSE(p->HasExtension(FakeVideoSender::kVideoOrientationId));
    ASSERT_NE(toffset_id, 0);
    const auto toffset = p->GetExtension(toffset_id);
    EXPECT_EQ(std::vector<uint8_t>(toffset.begin(), toffset.end()),
              (std::vector<uint8_t>{0, 0, 1}));
  }
  // Consecutive transport-wide sequence numbers of our own.
  auto a = packets[0];
  auto b = packets[1];
  EXPECT_EQ(static_cast<uint16_t>(
                *RtpPacket::Parse(a)->GetExtension<TransportSequenceNumberExtension>(twcc_id) + 1),
            *RtpPacket::Parse(b)->GetExtension<TransportSequenceNumberExtension>(twcc_id));
}

TEST_F(SfuTest, TwoConsumersGetOwnSsrcAndContinuousSequences) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer());
  std::string t1, t2;
  WebRtcTestClient* v1 = Connect(s.router, &t1);
  WebRtcTestClient* v2 = Connect(s.router, &t2);
  Json c1 = Ok("consumer.create", {{"routerId", s.router}, {"transportId", t1},
                                   {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  Json c2 = Ok("consumer.create", {{"routerId", s.router}, {"transportId", t2},
                                   {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  const uint32_t ssrc1 = c1["rtpParameters"]["encodings"][0]["ssrc"];
  const uint32_t ssrc2 = c2["rtpParameters"]["encodings"][0]["ssrc"];
  EXPECT_NE(ssrc1, ssrc2);
  ASSERT_TRUE(Pump(s.sender.get(),
                   [&] { return v1->rtp().size() >= 15 && v2->rtp().size() >= 15; }, 5000));
  for (auto* v : {v1, v2}) {
    const uint32_t want = v == v1 ? ssrc1 : ssrc2;
    std::optional<uint16_t> prev;
    for (auto& bytes : Take(v)) {
      auto p = RtpPacket::Parse(bytes);
      ASSERT_TRUE(p);
      EXPECT_EQ(p->Ssrc(), want);
      if (prev) {
        EXPECT_EQ(p->SequenceNumber(), static_cast<uint16_t>(*prev + 1));
      }
      prev = p->SequenceNumber();
    }
  }
}

TEST_F(SfuTest, PauseAndResumeKeepSequenceContinuous) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer());
  std::string tid;
  WebRtcTestClient* v = Connect(s.router, &tid);
  Json c = Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                                  {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  const std::string cid = c["consumerId"];
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 5; }, 5000));
  Ok("consumer.pause", {{"routerId", s.router}, {"consumerId", cid}});
  Pump(s.sender.get(), [] { return false; }, 100);  // in-flight packets drain
  auto before = Take(v);
  auto last = RtpPacket::Parse(before.back());
  const uint16_t last_seq = last->SequenceNumber();
  const uint32_t last_ts = last->Timestamp();
  Pump(s.sender.get(), [] { return false; }, 400);
  EXPECT_TRUE(v->rtp().empty()) << "paused consumer received packets";
  Ok("consumer.resume", {{"routerId", s.router}, {"consumerId", cid}});
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 3; }, 5000));
  auto after = Take(v);
  auto first = RtpPacket::Parse(after.front());
  EXPECT_EQ(first->SequenceNumber(), static_cast<uint16_t>(last_seq + 1));
  EXPECT_TRUE(TimestampIsNewer(first->Timestamp(), last_ts));
  EXPECT_TRUE(IsKeyFrame(RtpCodec::kVp8, first->Payload()));
}

TEST_F(SfuTest, ClosingProducerClosesConsumersWithNotification) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer());
  std::string tid;
  Connect(s.router, &tid);
  Json c = Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                                  {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  Ok("producer.close", {{"routerId", s.router}, {"producerId", s.producer}});
  Json n;
  ASSERT_TRUE(inbox_.WaitFor("consumer.closed", 2000, &n));
  EXPECT_EQ(n["consumerId"], c["consumerId"]);
  EXPECT_EQ(n["producerId"], s.producer);
  EXPECT_EQ(n["reason"], "producer_closed");
  EXPECT_EQ(Call("consumer.pause", {{"routerId", s.router}, {"consumerId", c["consumerId"]}})
                .error_code,
            "not_found");
  // Closing the sender's transport now has nothing left to cascade; closing the viewer's
  // router closes everything.
  Ok("router.close", {{"routerId", s.router}});
  EXPECT_EQ(Call("router.stats", {{"routerId", s.router}}).error_code, "not_found");
}

TEST_F(SfuTest, TransportCloseCascadesToProducersAndTheirConsumers) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer());
  std::string tid;
  Connect(s.router, &tid);
  Json c = Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                                  {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  Ok("transport.close", {{"routerId", s.router}, {"transportId", s.send_transport}});
  Json n;
  ASSERT_TRUE(inbox_.WaitFor("producer.closed", 2000, &n));
  EXPECT_EQ(n["reason"], "transport_closed");
  ASSERT_TRUE(inbox_.WaitFor("consumer.closed", 2000, &n));
  EXPECT_EQ(n["reason"], "producer_closed");
  Json stats = Ok("router.stats", {{"routerId", s.router}});
  EXPECT_EQ(stats["transports"].size(), 1u);
  EXPECT_TRUE(stats["producers"].empty());
  EXPECT_TRUE(stats["consumers"].empty());
}

TEST_F(SfuTest, ConsumerPliReachesProducerThrottled) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer());
  std::string tid;
  WebRtcTestClient* v = Connect(s.router, &tid);
  Json c = Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                                  {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  const uint32_t ssrc = c["rtpParameters"]["encodings"][0]["ssrc"];
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 3; }, 5000));
  // Let the start-up request's throttle window pass.
  Pump(s.sender.get(), [] { return false; }, 700);
  const int plis_before = s.sender->plis_received();
  // Ten PLIs within ~100 ms from the viewer.
  for (int i = 0; i < 10; ++i) {
    uint8_t buf[12];
    Pli::Build(buf, 1, ssrc);
    v->SendRtcp(buf);
    Pump(s.sender.get(), [] { return false; }, 10);
  }
  Pump(s.sender.get(), [] { return false; }, 300);
  const int plis = s.sender->plis_received() - plis_before;
  EXPECT_GE(plis, 1);
  EXPECT_LE(plis, 2);  // merged: at most one per 500 ms window
  Json stats = Ok("router.stats", {{"routerId", s.router}});
  EXPECT_GE(stats["consumers"][0]["keyFrameRequestsReceived"].get<int>(), 10);
}

TEST_F(SfuTest, NackThatCannotBeAnsweredAsksTheHostForAKeyFrameAtOnce) {
  // The viewer's decoder waits for that packet until a key frame comes; Chromium asks for
  // one only after ~3 s without a decodable frame.
  StartSfu();
  Pub s = MakeProducer(this, OneLayer());
  std::string tid;
  WebRtcTestClient* v = Connect(s.router, &tid);
  Json c = Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                                  {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  const uint32_t ssrc = c["rtpParameters"]["encodings"][0]["ssrc"];
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 5; }, 5000));
  auto first = Take(v).front();
  const uint16_t sent_early = RtpPacket::Parse(first)->SequenceNumber();
  auto nack = [&](uint16_t seq) {
    uint8_t buf[64];
    const uint16_t lost[] = {seq};
    const std::size_t n = GenericNack::Build(buf, 0x12345678, ssrc, lost);
    ASSERT_GT(n, 0u);
    v->SendRtcp(std::span<const uint8_t>(buf, n));
  };
  // A gap we never sent (lost on the host's uplink): the host's repair may still come.
  const int plis_before = s.sender->plis_received();
  nack(static_cast<uint16_t>(sent_early + 3000));
  Pump(s.sender.get(), [] { return false; }, 300);
  EXPECT_EQ(s.sender->plis_received(), plis_before);
  // A packet we sent that the retransmission buffer no longer holds (older than 2 s).
  Pump(s.sender.get(), [] { return false; }, 2200);
  const int plis_mid = s.sender->plis_received();
  for (int i = 0; i < 5; ++i) {  // asked again and again: still one request per second
    nack(sent_early);
    Pump(s.sender.get(), [] { return false; }, 20);
  }
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return s.sender->plis_received() > plis_mid; }, 1000));
  Pump(s.sender.get(), [] { return false; }, 200);
  EXPECT_EQ(s.sender->plis_received() - plis_mid, 1);
  const Json st = Ok("router.stats", {{"routerId", s.router}})["consumers"][0];
  EXPECT_EQ(st["retransmissionsMissed"], 6) << st.dump();
  EXPECT_EQ(st["keyFramesForLoss"], 1) << st.dump();
}

TEST_F(SfuTest, ReceiverReportsToProducerAndSenderReportsToConsumer) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer());
  std::string tid;
  WebRtcTestClient* v = Connect(s.router, &tid);
  Json c = Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                                  {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  const uint32_t ssrc = c["rtpParameters"]["encodings"][0]["ssrc"];
  const std::string cname = c["rtpParameters"]["rtcp"]["cname"];
  EXPECT_EQ(cname, "sendercname");
  bool got_sr = false;
  bool got_cname = false;
  ASSERT_TRUE(Pump(s.sender.get(),
                   [&] {
                     for (const auto& compound : v->rtcp()) {
                       RtcpCompoundIterator it(compound);
                       RtcpPacket packet;
                       while (it.Next(&packet)) {
                         if (const auto sr = SenderReport::Parse(packet)) {
                           got_sr = got_sr || sr->SenderSsrc() == ssrc;
                         }
                         if (const auto sdes = Sdes::Parse(packet)) {
                           got_cname = got_cname || sdes->Cname(ssrc) == cname;
                         }
                       }
                     }
                     // The first RR may come right after the first packet (seq 1000):
                     // wait for one that saw more.
                     return got_sr && got_cname && s.sender->receiver_reports() > 0 &&
                            s.sender->last_rr_highest_seq() > 1000u;
                   },
                   5000));
  EXPECT_GT(s.sender->last_rr_highest_seq(), 1000u);
}

TEST_F(SfuTest, SimulcastSwitchesLayersOnKeyFrameWithContinuousSeqAndTs) {
  StartSfu();
  std::vector<FakeVideoSender::Layer> layers = SimulcastLayers(50000000u, 0xA0);
  for (int i = 0; i < 3; ++i) {
    layers[i].seq = static_cast<uint16_t>(100 + i * 20000);
    layers[i].ts_base = static_cast<uint32_t>(i) * 7'000'000u;
  }
  Pub s = MakeProducer(this, layers);
  std::string tid;
  WebRtcTestClient* v = Connect(s.router, &tid);
  Json c = Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                                  {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  EXPECT_EQ(c["type"], "simulcast");
  EXPECT_EQ(c["rtpParameters"]["encodings"][0]["scalabilityMode"], "L3T3");
  const std::string cid = c["consumerId"];
  auto fill_of = [](const std::vector<uint8_t>& bytes) {
    auto copy = bytes;
    auto p = RtpPacket::Parse(copy);
    return p->Payload().back();
  };
  // Highest layer by default.
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 10; }, 5000));
  Json n;
  ASSERT_TRUE(inbox_.WaitFor("consumer.layersChanged", 2000, &n));
  EXPECT_EQ(n["spatialLayer"], 2);
  auto before = Take(v);
  for (const auto& b : before) EXPECT_EQ(fill_of(b), 0xA2);
  // Prefer layer 0: switch on its key frame.
  Json layers_reply = Ok("consumer.setPreferredLayers",
                         {{"routerId", s.router}, {"consumerId", cid}, {"spatialLayer", 0}});
  EXPECT_EQ(layers_reply["spatialLayer"], 0);
  ASSERT_TRUE(Pump(s.sender.get(),
                   [&] {
                     for (const auto& b : v->rtp()) if (fill_of(b) == 0xA0) return true;
                     return false;
                   },
                   5000));
  Pump(s.sender.get(), [] { return false; }, 200);
  auto after = Take(v);
  std::vector<std::vector<uint8_t>> all = before;
  all.insert(all.end(), after.begin(), after.end());
  std::optional<uint16_t> prev_seq;
  std::optional<uint32_t> prev_ts;
  bool switched = false;
  for (auto& bytes : all) {
    const uint8_t fill = fill_of(bytes);
    auto p = RtpPacket::Parse(bytes);
    if (prev_seq) {
      EXPECT_EQ(p->SequenceNumber(), static_cast<uint16_t>(*prev_seq + 1));
    }
    if (prev_ts) {
      const uint32_t delta = p->Timestamp() - *prev_ts;
      EXPECT_GT(delta, 0u);
      EXPECT_LT(delta, 90000u) << "timestamp jump at a layer switch";
    }
    if (fill == 0xA0 && !switched) {
      switched = true;
      EXPECT_TRUE(IsKeyFrame(RtpCodec::kVp8, p->Payload()));
    }
    if (switched) {
      EXPECT_EQ(fill, 0xA0) << "went back to another layer";
    }
    prev_seq = p->SequenceNumber();
    prev_ts = p->Timestamp();
  }
  EXPECT_TRUE(switched);
  ASSERT_TRUE(inbox_.WaitFor("consumer.layersChanged",
                             [](const Json& d) { return d["spatialLayer"] == 0; }, 2000));
}

TEST_F(SfuTest, SimulcastSwitchContinuesVp8PictureIdAndTl0PicIdx) {
  // Each simulcast stream has its own PictureID / TL0PICIDX space (Chrome starts them at
  // random): after a switch the viewer must see both continue, or Chromium's reference
  // finder may drop the new stream's frames as old until the next key frame.
  StartSfu();
  std::vector<FakeVideoSender::Layer> layers = SimulcastLayers(56000000u, 0xD0);
  for (int i = 0; i < 3; ++i) {
    layers[i].vp8_ids = true;
    layers[i].picture_id = static_cast<uint16_t>(30000 - i * 12000);  // layer 0 is "ahead"
    layers[i].tl0_pic_idx = static_cast<uint8_t>(200 + i * 25);
  }
  Pub s = MakeProducer(this, layers);
  std::string tid;
  WebRtcTestClient* v = Connect(s.router, &tid);
  Json c = Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                                  {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  const std::string cid = c["consumerId"];
  auto fill_of = [](const std::vector<uint8_t>& bytes) {
    auto copy = bytes;
    return RtpPacket::Parse(copy)->Payload().back();
  };
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 6 && fill_of(v->rtp().back()) == 0xD2; }, 5000));
  // Down to layer 0, then up to layer 1: two switches.
  for (int target : {0, 1}) {
    Ok("consumer.setPreferredLayers", {{"routerId", s.router}, {"consumerId", cid}, {"spatialLayer", target}});
    const auto fill = static_cast<uint8_t>(0xD0 + target);
    ASSERT_TRUE(Pump(s.sender.get(), [&] {
      int n = 0;
      for (const auto& b : v->rtp()) n += fill_of(b) == fill;
      return n >= 4;
    }, 5000)) << "no switch to layer " << target;
  }
  std::optional<uint16_t> prev_pid;
  std::optional<uint8_t> prev_tl0;
  int switches = 0;
  uint8_t prev_fill = 0;
  for (auto bytes : Take(v)) {
    auto p = RtpPacket::Parse(bytes);
    ASSERT_TRUE(p);
    const auto d = Vp8PayloadDescriptor::Parse(p->Payload());
    ASSERT_TRUE(d && d->has_picture_id && d->has_tl0_pic_idx);
    const uint8_t fill = p->Payload().back();
    switches += prev_fill != 0 && fill != prev_fill;
    prev_fill = fill;
    if (prev_pid) {
      EXPECT_EQ(d->picture_id, static_cast<uint16_t>((*prev_pid + 1) & 0x7FFF)) << "PictureID jumps at a switch";
      EXPECT_EQ(d->tl0_pic_idx, static_cast<uint8_t>(*prev_tl0 + 1)) << "TL0PICIDX jumps at a switch";
    }
    prev_pid = d->picture_id;
    prev_tl0 = d->tl0_pic_idx;
  }
  EXPECT_EQ(switches, 2);
}

TEST_F(SfuTest, NacksFromBeforeALayerSwitchAreNotAnswered) {
  // After a switch the viewer decodes from the new layer's key frame on: resending older
  // packets would only compete with that key frame on a congested link.
  StartSfu();
  std::vector<FakeVideoSender::Layer> layers = SimulcastLayers(55000000u, 0xC0);
  Pub s = MakeProducer(this, layers);
  std::string tid;
  WebRtcTestClient* v = Connect(s.router, &tid);
  Json c = Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                                  {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  const std::string cid = c["consumerId"];
  const uint32_t ssrc = c["rtpParameters"]["encodings"][0]["ssrc"];
  auto fill_of = [](const std::vector<uint8_t>& bytes) {
    auto copy = bytes;
    return RtpPacket::Parse(copy)->Payload().back();
  };
  auto seq_of = [](const std::vector<uint8_t>& bytes) {
    auto copy = bytes;
    return RtpPacket::Parse(copy)->SequenceNumber();
  };
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 8 && fill_of(v->rtp().back()) == 0xC2; }, 5000));
  const uint16_t before_switch = seq_of(Take(v).back());
  Ok("consumer.setPreferredLayers", {{"routerId", s.router}, {"consumerId", cid}, {"spatialLayer", 0}});
  ASSERT_TRUE(Pump(s.sender.get(), [&] {
    int n = 0;
    for (const auto& b : v->rtp()) n += fill_of(b) == 0xC0;
    return n >= 4;
  }, 5000));
  uint16_t after_switch = 0;
  for (const auto& b : v->rtp()) {
    if (fill_of(b) == 0xC0) after_switch = seq_of(b);
  }
  auto nack = [&](uint16_t seq) {
    uint8_t buf[64];
    const uint16_t lost[] = {seq};
    const std::size_t n = GenericNack::Build(buf, 0x12345678, ssrc, lost);
    ASSERT_GT(n, 0u);
    v->SendRtcp(std::span<const uint8_t>(buf, n));
  };
  nack(before_switch);
  nack(after_switch);
  auto consumer_stats = [&] { return Ok("router.stats", {{"routerId", s.router}})["consumers"][0]; };
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return consumer_stats()["nackedPackets"].get<int>() >= 2; }, 2000));
  Pump(s.sender.get(), [] { return false; }, 50);
  const Json st = consumer_stats();
  EXPECT_EQ(st["retransmissionsSkipped"], 1) << st.dump();
  EXPECT_EQ(st["retransmittedPackets"], 1) << st.dump();
}

// ---- VP9 SVC ----

// One received packet of a VP9 SVC consumer (RTX packets excluded).
struct SvcPacket {
  uint16_t seq = 0;
  uint32_t ts = 0;
  bool marker = false;
  Vp9PayloadDescriptor vp9;
};

std::vector<SvcPacket> ParseSvc(const std::vector<std::vector<uint8_t>>& packets, uint32_t ssrc) {
  std::vector<SvcPacket> out;
  for (auto bytes : packets) {
    auto p = RtpPacket::Parse(bytes);
    if (!p || p->Ssrc() != ssrc) continue;
    const auto d = Vp9PayloadDescriptor::Parse(p->Payload());
    EXPECT_TRUE(d && d->has_layer_indices);
    if (!d) continue;
    out.push_back(SvcPacket{p->SequenceNumber(), p->Timestamp(), p->Marker(), *d});
  }
  return out;
}

int MaxSid(const std::vector<SvcPacket>& packets) {
  int top = -1;
  for (const auto& p : packets) top = std::max(top, static_cast<int>(p.vp9.spatial_id));
  return top;
}

// A viewer of an SVC producer that prefers spatial layer 0 only.
struct SvcViewer {
  WebRtcTestClient* client = nullptr;
  Json consumer;
  uint32_t ssrc = 0;
};
SvcViewer SvcViewerOfLayer0(SfuTest* t, const Pub& s) {
  SvcViewer sv;
  std::string tid;
  sv.client = t->Connect(s.router, &tid);
  sv.consumer = t->Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                                          {"producerId", s.producer}, {"rtpCapabilities", t->RecvCaps()}});
  sv.ssrc = sv.consumer["rtpParameters"]["encodings"][0]["ssrc"];
  t->Ok("consumer.setPreferredLayers", {{"routerId", s.router},
                                        {"consumerId", sv.consumer["consumerId"]},
                                        {"spatialLayer", 0}});
  return sv;
}

TEST_F(SfuTest, SvcConsumerForwardsUpToThePreferredSpatialLayer) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer(), /*tcp=*/false, /*vp9_svc=*/true);
  std::string tid;
  WebRtcTestClient* v = Connect(s.router, &tid);
  Json c = Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                                  {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  EXPECT_EQ(c["type"], "svc");
  EXPECT_EQ(c["rtpParameters"]["encodings"][0]["scalabilityMode"], "L3T3_KEY");
  const std::string cid = c["consumerId"];
  const uint32_t ssrc = c["rtpParameters"]["encodings"][0]["ssrc"];
  auto consumer_stats = [&] {
    return Ok("router.stats", {{"routerId", s.router}})["consumers"][0];
  };
  std::vector<SvcPacket> received;  // everything, for sequence continuity

  // Default: every layer, the marker only on the end of the top one.
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 60; }, 5000));
  auto whole = ParseSvc(Take(v), ssrc);
  ASSERT_FALSE(whole.empty());
  EXPECT_TRUE(whole.front().vp9.is_key_frame);
  EXPECT_EQ(MaxSid(whole), 2);
  for (const auto& p : whole) {
    EXPECT_EQ(p.marker, p.vp9.end_of_frame && p.vp9.spatial_id == 2) << p.seq;
  }
  received.insert(received.end(), whole.begin(), whole.end());
  Json n;
  ASSERT_TRUE(inbox_.WaitFor("consumer.layersChanged",
                             [](const Json& d) { return d["spatialLayer"] == 2; }, 2000, &n));
  EXPECT_EQ(n["temporalLayer"], 2);

  // Spatial 0: from the next picture on only SID 0, each of its ends marked.
  Json reply = Ok("consumer.setPreferredLayers",
                  {{"routerId", s.router}, {"consumerId", cid}, {"spatialLayer", 0}});
  EXPECT_EQ(reply["spatialLayer"], 0);
  Pump(s.sender.get(), [] { return false; }, 150);  // the picture in flight
  auto transition = ParseSvc(Take(v), ssrc);
  received.insert(received.end(), transition.begin(), transition.end());
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 30; }, 5000));
  auto base = ParseSvc(Take(v), ssrc);
  EXPECT_EQ(MaxSid(base), 0);
  for (const auto& p : base) {
    EXPECT_EQ(p.marker, p.vp9.end_of_frame) << p.seq;
  }
  received.insert(received.end(), base.begin(), base.end());
  ASSERT_TRUE(inbox_.WaitFor("consumer.layersChanged",
                             [](const Json& d) { return d["spatialLayer"] == 0; }, 2000));
  Json st = consumer_stats();
  EXPECT_EQ(st["currentLayer"], 0);
  EXPECT_EQ(st["currentTemporalLayer"], 2);
  EXPECT_GT(st["svcDrops"].get<int>(), 0);

  // Back to 2: waits for a key picture, which the SFU asks the host for.
  const int plis = s.sender->plis_received();
  const int keys = s.sender->layers()[0].key_frames_sent;
  Ok("consumer.setPreferredLayers",
     {{"routerId", s.router}, {"consumerId", cid}, {"spatialLayer", 2}});
  std::vector<SvcPacket> up;
  ASSERT_TRUE(Pump(s.sender.get(),
                   [&] {
                     auto more = ParseSvc(Take(v), ssrc);
                     up.insert(up.end(), more.begin(), more.end());
                     return MaxSid(up) == 2 && up.size() >= 60;
                   },
                   5000));
  EXPECT_GT(s.sender->plis_received(), plis);
  EXPECT_GT(s.sender->layers()[0].key_frames_sent, keys);
  // The first upper-layer packet belongs to a key picture: from that picture on everything.
  const auto first_upper = std::find_if(up.begin(), up.end(),
                                        [](const SvcPacket& p) { return p.vp9.spatial_id > 0; });
  ASSERT_NE(first_upper, up.end());
  EXPECT_FALSE(first_upper->vp9.inter_picture_predicted);
  const uint32_t key_ts = first_upper->ts;
  bool key_seen = false;
  for (const auto& p : up) {
    const bool upper = p.ts == key_ts || TimestampIsNewer(p.ts, key_ts);
    if (p.ts == key_ts && !key_seen) {
      key_seen = true;
      EXPECT_TRUE(p.vp9.is_key_frame);  // its base layer starts it
    }
    if (upper) {
      EXPECT_EQ(p.marker, p.vp9.end_of_frame && p.vp9.spatial_id == 2) << p.seq;
    } else {
      EXPECT_EQ(p.vp9.spatial_id, 0);
      EXPECT_EQ(p.marker, p.vp9.end_of_frame) << p.seq;
    }
  }
  received.insert(received.end(), up.begin(), up.end());
  ASSERT_TRUE(inbox_.WaitFor("consumer.layersChanged",
                             [](const Json& d) { return d["spatialLayer"] == 2; }, 2000));

  // One continuous sequence number space across the drops.
  for (std::size_t i = 1; i < received.size(); ++i) {
    EXPECT_EQ(received[i].seq, static_cast<uint16_t>(received[i - 1].seq + 1)) << i;
  }
}

TEST_F(SfuTest, RepairOfAnUpstreamLossTakesItsReservedNumberDespiteLaterDrops) {
  // A viewer of spatial layer 0 only: the consumer drops the upper layers' packets. A base
  // layer packet is lost on the host's uplink and repaired (RTX) only after several upper
  // layer packets were dropped: the repair must fill the viewer's gap, not reuse the number
  // of another packet.
  StartSfu();
  Pub s = MakeProducer(this, OneLayer(), /*tcp=*/false, /*vp9_svc=*/true);
  const SvcViewer sv = SvcViewerOfLayer0(this, s);
  WebRtcTestClient* v = sv.client;
  const uint32_t ssrc = sv.ssrc;
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 12; }, 5000));
  Pump(s.sender.get(), [] { return false; }, 300);  // at layer 0 by now
  Take(v);
  s.sender->SetAnswerNacks(false);
  s.sender->DropNextPackets(1);  // the next picture's first (SID 0) packet
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return !s.sender->dropped_seqs().empty(); }, 1000));
  // Let a few pictures (their upper layers dropped by the consumer) pass, then repair.
  Pump(s.sender.get(), [] { return false; }, 200);
  s.sender->SetAnswerNacks(true);
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return s.sender->rtx_sent() >= 1; }, 2000));
  Pump(s.sender.get(), [] { return false; }, 300);
  std::vector<uint16_t> seqs;
  for (const auto& p : ParseSvc(Take(v), ssrc)) {
    EXPECT_EQ(p.vp9.spatial_id, 0);
    seqs.push_back(p.seq);
  }
  ASSERT_GE(seqs.size(), 10u);
  const std::set<uint16_t> unique(seqs.begin(), seqs.end());
  EXPECT_EQ(unique.size(), seqs.size()) << "a number was used twice";
  // Contiguous from the lowest: the repair filled the gap.
  const uint16_t first = *std::min_element(seqs.begin(), seqs.end());
  for (std::size_t i = 0; i < unique.size(); ++i) {
    EXPECT_EQ(unique.count(static_cast<uint16_t>(first + i)), 1u) << "missing viewer seq " << first + i;
  }
}

TEST_F(SfuTest, SvcRetransmissionCarriesTheMarkerItWasSentWith) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer(), /*tcp=*/false, /*vp9_svc=*/true);
  const SvcViewer sv = SvcViewerOfLayer0(this, s);
  WebRtcTestClient* v = sv.client;
  const Json& c = sv.consumer;
  const uint32_t ssrc = sv.ssrc;
  const uint8_t pt = c["rtpParameters"]["codecs"][0]["payloadType"];
  const uint32_t rtx_ssrc = c["rtpParameters"]["encodings"][0]["rtx"]["ssrc"];
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 20; }, 5000));
  const auto base = ParseSvc(Take(v), ssrc);
  ASSERT_EQ(MaxSid(base), 0);
  std::optional<uint16_t> nacked;
  for (const auto& p : base) {
    if (p.marker) nacked = p.seq;
  }
  ASSERT_TRUE(nacked);
  uint8_t buf[64];
  const uint16_t lost[] = {*nacked};
  const std::size_t size = GenericNack::Build(buf, 0x12345678, ssrc, lost);
  v->SendRtcp(std::span<const uint8_t>(buf, size));
  std::optional<std::vector<uint8_t>> rtx;
  ASSERT_TRUE(Pump(s.sender.get(),
                   [&] {
                     for (const auto& bytes : v->rtp()) {
                       auto copy = bytes;
                       auto p = RtpPacket::Parse(copy);
                       if (p && p->Ssrc() == rtx_ssrc) rtx = bytes;
                     }
                     return rtx.has_value();
                   },
                   2000));
  auto p = RtpPacket::Parse(*rtx);
  ASSERT_TRUE(RtxDecodeInPlace(*p, pt, ssrc));
  EXPECT_EQ(p->SequenceNumber(), *nacked);
  EXPECT_TRUE(p->Marker());  // the source's marker was on SID 2
}

TEST_F(SfuTest, SimulcastFallsBackWithinASecondWhenTheForwardedLayerStops) {
  StartSfu();
  std::vector<FakeVideoSender::Layer> layers = SimulcastLayers(60000000u, 0xB0);
  Pub s = MakeProducer(this, layers);
  std::string tid;
  WebRtcTestClient* v = Connect(s.router, &tid);
  Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                         {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  auto last_fill = [v] {
    auto copy = v->rtp().back();
    return RtpPacket::Parse(copy)->Payload().back();
  };
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return !v->rtp().empty() && last_fill() == 0xB2; }, 5000));
  // The host's uplink degrades: Chrome stops sending the top layer.
  s.sender->layers()[2].enabled = false;
  const int64_t stopped = NowMs();
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return last_fill() == 0xB1; }, 3000));
  const int64_t fallback_ms = NowMs() - stopped;
  std::printf("fell back to layer 1 after %lld ms\n", static_cast<long long>(fallback_ms));
  EXPECT_LE(fallback_ms, 1000);
  ASSERT_TRUE(inbox_.WaitFor("consumer.layersChanged",
                             [](const Json& d) { return d["spatialLayer"] == 1; }, 1000));
  // And back up once the layer returns.
  s.sender->layers()[2].enabled = true;
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return last_fill() == 0xB2; }, 3000));
}

TEST_F(SfuTest, IceTcpPathForwardsMedia) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer(), /*tcp=*/true);
  std::string tid;
  WebRtcTestClient* v = Connect(s.router, &tid, /*tcp=*/true);
  Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                         {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 10; }, 5000));
  Json stats = Ok("router.stats", {{"routerId", s.router}});
  for (const auto& t : stats["transports"]) {
    EXPECT_EQ(t["iceSelectedTuple"].get<std::string>().rfind("tcp:", 0), 0u);
  }
}

TEST_F(SfuTest, ConsentTimeoutClosesTransportAndCascades) {
  StartSfu(1, /*consent_ms=*/800);
  Pub s = MakeProducer(this, OneLayer());
  std::string tid;
  Connect(s.router, &tid, false, 200);
  Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                         {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  s.sender_client->SetConsentEnabled(false);  // the sender goes silent on STUN
  Pump(s.sender.get(), [&] { return inbox_.Count("transport.closed") > 0; }, 4000);
  Json n;
  ASSERT_TRUE(inbox_.WaitFor("transport.closed", 100, &n));
  EXPECT_EQ(n["transportId"], s.send_transport);
  EXPECT_EQ(n["reason"], "ice_timeout");
  ASSERT_TRUE(inbox_.WaitFor("consumer.closed", 1000, &n));
  EXPECT_EQ(n["reason"], "producer_closed");
}

TEST_F(SfuTest, GarbageIsDroppedAndCountedNeverCrashes) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer());
  std::string tid;
  WebRtcTestClient* v = Connect(s.router, &tid);
  Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                         {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 3; }, 5000));
  // From a stranger: unknown tuple.
  Json ws = Ok("sfu.stats", {});
  const uint16_t port = ws["workers"][0]["udpPort"];
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  std::vector<std::vector<uint8_t>> junk;
  std::mt19937 rng(42);
  for (int i = 0; i < 200; ++i) {
    std::vector<uint8_t> b(rng() % 300);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    if (!b.empty() && i % 3 == 0) b[0] = 0x80;  // RTP/RTCP-looking
    if (!b.empty() && i % 5 == 0) b[0] = 0x16;  // DTLS-looking
    junk.push_back(b);
  }
  for (const auto& b : junk) {
    ::sendto(fd, b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  }
  ::close(fd);
  // From the connected sender's own tuple: garbage and truncated SRTP.
  for (const auto& b : junk) s.sender_client->SendRaw(b);
  auto spec = test::TestRtpPacketSpec{};
  spec.ssrc = 11111111;
  auto pkt = test::BuildTestRtpPacket(spec);
  s.sender_client->SendRaw(std::span<const uint8_t>(pkt.data(), 20));
  Pump(s.sender.get(), [] { return false; }, 300);
  Json after = Ok("sfu.stats", {});
  EXPECT_GE(after["workers"][0]["droppedUnknown"].get<uint64_t>(),
            ws["workers"][0]["droppedUnknown"].get<uint64_t>() + 150);
  Json stats = Ok("router.stats", {{"routerId", s.router}});
  uint64_t dropped = 0;
  for (const auto& t : stats["transports"]) {
    dropped += t["droppedMalformed"].get<uint64_t>() + t["droppedSrtp"].get<uint64_t>() +
               t["droppedNotConnected"].get<uint64_t>();
  }
  EXPECT_GE(dropped, 100u);
  // Media still flows.
  v->rtp().clear();
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 3; }, 3000));
}

TEST_F(SfuTest, CannotConsumeWithIncompatibleCapabilities) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer());
  std::string tid;
  Connect(s.router, &tid);
  Json caps = RecvCaps();
  Json codecs = Json::array();
  for (const auto& codec : caps["codecs"]) {
    if (codec["mimeType"] == "audio/opus") codecs.push_back(codec);
  }
  caps["codecs"] = codecs;
  SfuReply r = Call("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                                        {"producerId", s.producer}, {"rtpCapabilities", caps}});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error_code, "cannot_consume");
  SfuReply bad = Call("producer.create", {{"routerId", s.router}, {"transportId", tid},
                                          {"kind", "video"}, {"rtpParameters", {{"codecs", 1}}}});
  EXPECT_EQ(bad.error_code, "invalid_parameters");
}


// ---------------------------------------------------------------- congestion feedback, NACK/RTX

TEST_F(SfuTest, TransportCcFeedbackReportsReceivedAndLostPacketsToTheSender) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer());
  // No consumer needed: feedback is about what the SFU receives.
  Pump(s.sender.get(), [&] { return s.sender->twcc_seq() >= 20; }, 5000);
  s.sender->DropNextPackets(2);
  Pump(s.sender.get(), [&] { return s.sender->twcc_seq() >= 40; }, 5000);
  const uint16_t last_sent = s.sender->twcc_seq();
  ASSERT_TRUE(Pump(s.sender.get(),
                   [&] {
                     for (const auto& st : s.sender->twcc_statuses()) {
                       if (st.sequence_number == last_sent) return true;
                     }
                     return false;
                   },
                   3000));
  std::map<uint16_t, bool> reported;
  for (const auto& st : s.sender->twcc_statuses()) {
    EXPECT_EQ(reported.count(st.sequence_number), 0u) << "reported twice";
    reported[st.sequence_number] = st.received;
  }
  const auto& dropped = s.sender->dropped_twcc_seqs();
  ASSERT_EQ(dropped.size(), 2u);
  for (uint16_t seq = 1; seq <= last_sent; ++seq) {
    ASSERT_EQ(reported.count(seq), 1u) << seq;
    const bool lost = seq == dropped[0] || seq == dropped[1];
    EXPECT_EQ(reported[seq], !lost) << seq;
  }
  // Feedback packet counts go up by one.
  const auto& counts = s.sender->twcc_feedback_counts();
  ASSERT_GE(counts.size(), 2u);
  for (std::size_t i = 1; i < counts.size(); ++i) {
    EXPECT_EQ(counts[i], static_cast<uint8_t>(counts[i - 1] + 1));
  }
  // Receive times move forward with the ~30 ms frame spacing (not all at one instant).
  int64_t first = 0, last = 0;
  for (const auto& st : s.sender->twcc_statuses()) {
    if (!st.received) continue;
    if (first == 0) first = st.receive_time_us;
    last = st.receive_time_us;
  }
  EXPECT_GT(last - first, 30 * 25'000);
  Json stats = Ok("router.stats", {{"routerId", s.router}});
  EXPECT_GE(stats["transports"][0]["transportCc"]["feedbackPackets"].get<int>(), 2);
}

TEST_F(SfuTest, ProducerGapIsNackedAndTheRtxRepairReachesTheConsumer) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer());
  std::string tid;
  WebRtcTestClient* v = Connect(s.router, &tid);
  Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                         {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 5; }, 5000));
  s.sender->SetAnswerNacks(false);  // first see the NACK retries
  s.sender->DropNextPackets(1);
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return !s.sender->dropped_seqs().empty(); }, 1000));
  const uint16_t lost = s.sender->dropped_seqs()[0];
  ASSERT_TRUE(Pump(s.sender.get(),
                   [&] {
                     return std::count(s.sender->nacked_seqs().begin(),
                                       s.sender->nacked_seqs().end(), lost) >= 2;
                   },
                   3000))
      << "the gap was not NACKed (and retried)";
  for (uint16_t seq : s.sender->nacked_seqs()) EXPECT_EQ(seq, lost);
  // Now answer: the RTX repair is forwarded to the viewer, filling its sequence gap.
  s.sender->SetAnswerNacks(true);
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return s.sender->rtx_sent() >= 1; }, 2000));
  Pump(s.sender.get(), [] { return false; }, 300);
  std::set<uint16_t> seqs;
  uint16_t first = 0;
  for (auto& bytes : Take(v)) {
    auto p = RtpPacket::Parse(bytes);
    ASSERT_TRUE(p);
    if (seqs.empty()) first = p->SequenceNumber();
    seqs.insert(p->SequenceNumber());
  }
  ASSERT_GE(seqs.size(), 10u);
  // Contiguous from the first packet: the repaired packet arrived (late).
  uint16_t expect = first;
  for (std::size_t i = 0; i < seqs.size(); ++i, ++expect) {
    EXPECT_EQ(seqs.count(expect), 1u) << "missing viewer seq " << expect;
  }
  Json stats = Ok("router.stats", {{"routerId", s.router}});
  const Json& stream = stats["producers"][0]["streams"][0];
  EXPECT_EQ(stream["packetsRepaired"], 1);
  EXPECT_GE(stream["nackPacketsSent"].get<int>(), 2);
  EXPECT_EQ(stream["packetsLost"], 0);
}

TEST_F(SfuTest, SimulcastRtxRepairIsBoundByRidAndForwarded) {
  StartSfu();
  std::vector<FakeVideoSender::Layer> layers(2);
  for (int i = 0; i < 2; ++i) {
    layers[i].ssrc = 60000000u + static_cast<uint32_t>(i) * 10;
    layers[i].rid = "r" + std::to_string(i);
    layers[i].fill = static_cast<uint8_t>(0xA0 + i);
    layers[i].seq = static_cast<uint16_t>(100 + i * 20000);
  }
  Pub s = MakeProducer(this, layers);
  std::string tid;
  WebRtcTestClient* v = Connect(s.router, &tid);
  Json c = Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                                  {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  Ok("consumer.setPreferredLayers",
     {{"routerId", s.router}, {"consumerId", c["consumerId"]}, {"spatialLayer", 0}});
  auto fill_of = [](const std::vector<uint8_t>& bytes) {
    auto copy = bytes;
    return RtpPacket::Parse(copy)->Payload().back();
  };
  ASSERT_TRUE(Pump(s.sender.get(),
                   [&] {
                     int n = 0;
                     for (const auto& b : v->rtp()) n += fill_of(b) == 0xA0 ? 1 : 0;
                     return n >= 5;
                   },
                   5000));
  Take(v);
  // The RTX SSRC (unsignaled) is learned from the RID the RTX packet carries.
  s.sender->DropNextPackets(1);
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return s.sender->rtx_sent() >= 1; }, 3000));
  Pump(s.sender.get(), [] { return false; }, 300);
  std::set<uint16_t> seqs;
  for (auto& bytes : Take(v)) {
    if (fill_of(bytes) != 0xA0) continue;
    seqs.insert(RtpPacket::Parse(bytes)->SequenceNumber());
  }
  ASSERT_GE(seqs.size(), 5u);
  EXPECT_EQ(static_cast<std::size_t>(*seqs.rbegin() - *seqs.begin() + 1), seqs.size())
      << "the repaired packet did not fill the viewer's gap";
  Json stats = Ok("router.stats", {{"routerId", s.router}});
  const Json& stream = stats["producers"][0]["streams"][0];
  EXPECT_EQ(stream["packetsRepaired"], 1);
  EXPECT_EQ(stream["rtxSsrc"], layers[0].ssrc + 1);
}

TEST_F(SfuTest, ConsumerNackIsAnsweredWithRtxCarryingTheOsn) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer());
  std::string tid;
  WebRtcTestClient* v = Connect(s.router, &tid);
  Json c = Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                                  {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
  const Json& params = c["rtpParameters"];
  const uint32_t ssrc = params["encodings"][0]["ssrc"];
  ASSERT_TRUE(params["encodings"][0].contains("rtx"));
  const uint32_t rtx_ssrc = params["encodings"][0]["rtx"]["ssrc"];
  const uint8_t pt = params["codecs"][0]["payloadType"];
  uint8_t rtx_pt = 0;
  for (const auto& codec : params["codecs"]) {
    if (codec["mimeType"] == "video/rtx" && codec["parameters"]["apt"] == pt) {
      rtx_pt = codec["payloadType"];
    }
  }
  ASSERT_NE(rtx_pt, 0);
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 8; }, 5000));
  auto received = Take(v);
  auto original_bytes = received[4];
  auto original = RtpPacket::Parse(original_bytes);
  ASSERT_TRUE(original);
  const uint16_t nacked = original->SequenceNumber();
  const std::vector<uint8_t> payload(original->Payload().begin(), original->Payload().end());
  auto send_nack = [&] {
    uint8_t buf[64];
    const uint16_t lost[] = {nacked};
    const std::size_t n = GenericNack::Build(buf, 0x12345678, ssrc, lost);
    ASSERT_GT(n, 0u);
    v->SendRtcp(std::span<const uint8_t>(buf, n));
  };
  auto rtx_packets = [&] {
    std::vector<std::vector<uint8_t>> out;
    for (const auto& bytes : v->rtp()) {
      auto copy = bytes;
      auto p = RtpPacket::Parse(copy);
      if (p && p->Ssrc() == rtx_ssrc) out.push_back(bytes);
    }
    return out;
  };
  send_nack();
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return !rtx_packets().empty(); }, 2000));
  auto rtx_bytes = rtx_packets()[0];
  auto rtx = RtpPacket::Parse(rtx_bytes);
  ASSERT_TRUE(rtx);
  EXPECT_EQ(rtx->PayloadType(), rtx_pt);
  EXPECT_EQ(RtxOriginalSequenceNumber(*rtx).value_or(0), nacked);
  EXPECT_EQ(rtx->Timestamp(), original->Timestamp());
  const std::vector<uint8_t> rtx_payload(rtx->Payload().begin() + 2, rtx->Payload().end());
  EXPECT_EQ(rtx_payload, payload);
  // Decoded, it is the original packet (same header fields, own transport-wide seq).
  ASSERT_TRUE(RtxDecodeInPlace(*rtx, pt, ssrc));
  EXPECT_EQ(rtx->SequenceNumber(), nacked);
  EXPECT_EQ(rtx->Ssrc(), ssrc);
  // Asked again at once: not resent within the RTT; later it is, with the next RTX seq.
  send_nack();
  Pump(s.sender.get(), [] { return false; }, 50);
  EXPECT_EQ(rtx_packets().size(), 1u);
  Pump(s.sender.get(), [] { return false; }, 120);
  send_nack();
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return rtx_packets().size() >= 2; }, 2000));
  auto second_bytes = rtx_packets()[1];
  auto second = RtpPacket::Parse(second_bytes);
  auto first_bytes = rtx_packets()[0];
  EXPECT_EQ(second->SequenceNumber(),
            static_cast<uint16_t>(RtpPacket::Parse(first_bytes)->SequenceNumber() + 1));
  EXPECT_EQ(RtxOriginalSequenceNumber(*second).value_or(0), nacked);
  Json stats = Ok("router.stats", {{"routerId", s.router}});
  EXPECT_EQ(stats["consumers"][0]["retransmittedPackets"], 2);
  EXPECT_GE(stats["consumers"][0]["retransmissionsThrottled"].get<int>(), 1);
}

TEST_F(SfuTest, ConsumerWithoutRtxGetsTheRetransmissionOnTheMediaSsrc) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer());
  std::string tid;
  WebRtcTestClient* v = Connect(s.router, &tid);
  Json caps = RecvCaps();
  Json codecs = Json::array();
  for (const auto& codec : caps["codecs"]) {
    if (codec["mimeType"] != "video/rtx") codecs.push_back(codec);
  }
  caps["codecs"] = codecs;
  Json c = Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                                  {"producerId", s.producer}, {"rtpCapabilities", caps}});
  const uint32_t ssrc = c["rtpParameters"]["encodings"][0]["ssrc"];
  ASSERT_FALSE(c["rtpParameters"]["encodings"][0].contains("rtx"));
  ASSERT_TRUE(Pump(s.sender.get(), [&] { return v->rtp().size() >= 8; }, 5000));
  auto received = Take(v);
  auto original = RtpPacket::Parse(received[3]);
  const uint16_t nacked = original->SequenceNumber();
  const std::vector<uint8_t> payload(original->Payload().begin(), original->Payload().end());
  uint8_t buf[64];
  const uint16_t lost[] = {nacked};
  v->SendRtcp(std::span<const uint8_t>(buf, GenericNack::Build(buf, 1, ssrc, lost)));
  auto resent = [&]() -> std::optional<std::vector<uint8_t>> {
    for (auto& bytes : v->rtp()) {
      auto copy = bytes;
      auto p = RtpPacket::Parse(copy);
      if (p && p->SequenceNumber() == nacked) return bytes;
    }
    return std::nullopt;
  };
  // The same SSRC, sequence number and SRTP index again: a libsrtp receiver (ours, and
  // Chrome's) rejects it as a replay, which is why RTX exists. The SFU still sends it.
  const uint64_t srtp_failures = v->stats().srtp_failures;
  ASSERT_TRUE(Pump(s.sender.get(),
                   [&] { return resent() || v->stats().srtp_failures > srtp_failures; }, 2000));
  Json stats = Ok("router.stats", {{"routerId", s.router}});
  EXPECT_EQ(stats["consumers"][0]["retransmittedPackets"], 1);
  if (resent()) {
    auto bytes = *resent();
    auto p = RtpPacket::Parse(bytes);
    EXPECT_EQ(p->Ssrc(), ssrc);
    EXPECT_EQ(std::vector<uint8_t>(p->Payload().begin(), p->Payload().end()), payload);
  }
}

TEST_F(SfuTest, ManyViewersKeyFrameRequestsAreMergedPerStream) {
  StartSfu();
  Pub s = MakeProducer(this, OneLayer());
  constexpr int kViewers = 8;
  std::vector<std::pair<WebRtcTestClient*, uint32_t>> viewers;
  for (int i = 0; i < kViewers; ++i) {
    std::string tid;
    WebRtcTestClient* v = Connect(s.router, &tid);
    Json c = Ok("consumer.create", {{"routerId", s.router}, {"transportId", tid},
                                    {"producerId", s.producer}, {"rtpCapabilities", RecvCaps()}});
    viewers.emplace_back(v, c["rtpParameters"]["encodings"][0]["ssrc"].get<uint32_t>());
  }
  ASSERT_TRUE(Pump(s.sender.get(),
                   [&] {
                     for (auto& [v, ssrc] : viewers) if (v->rtp().empty()) return false;
                     return true;
                   },
                   5000));
  Pump(s.sender.get(), [] { return false; }, 600);
  const int before = s.sender->plis_received();
  // Every viewer sends a PLI every ~20 ms for 2 s (~800 requests).
  const int64_t end = NowMs() + 2000;
  while (NowMs() < end) {
    for (auto& [v, ssrc] : viewers) {
      uint8_t buf[12];
      Pli::Build(buf, 1, ssrc);
      v->SendRtcp(buf);
    }
    Pump(s.sender.get(), [] { return false; }, 20);
  }
  Pump(s.sender.get(), [] { return false; }, 100);
  const int plis = s.sender->plis_received() - before;
  EXPECT_GE(plis, 3);
  EXPECT_LE(plis, 5);  // one per 500 ms window
}

}  // namespace
}  // namespace tr::media
