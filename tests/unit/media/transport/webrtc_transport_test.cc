// WebRtcTransport on a real worker (127.0.0.1, ephemeral ports) against the test client:
// ICE checks and errors, consent expiry, DTLS + SRTP both ways over UDP and ICE-TCP, and
// garbage input.
#include "media/transport/webrtc_transport.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "rtp_test_packets.h"
#include "webrtc_test_client.h"

namespace tr::media {
namespace {

using test::WebRtcTestClient;

// Records events; echoes every RTP packet back (tests SRTP in both directions).
class EchoListener : public WebRtcTransport::Listener {
 public:
  void OnTransportConnected(WebRtcTransport*) override { connected = true; }
  void OnTransportFailed(WebRtcTransport*, std::string_view reason) override {
    std::lock_guard<std::mutex> lock(mutex);
    failure = std::string(reason);
  }
  void OnTransportRtpPacket(WebRtcTransport* t, RtpPacket& packet) override {
    ++rtp;
    t->SendRtpPacket(packet.Data().data(), packet.Size());
  }
  void OnTransportRtcpPacket(WebRtcTransport*, std::span<const uint8_t>) override { ++rtcp; }
  std::string Failure() {
    std::lock_guard<std::mutex> lock(mutex);
    return failure;
  }

  std::atomic<bool> connected{false};
  std::atomic<int> rtp{0};
  std::atomic<int> rtcp{0};
  std::mutex mutex;
  std::string failure;
};

class WebRtcTransportTest : public ::testing::Test {
 public:
  void SetUp() override {
    WorkerOptions options;
    options.listen_ip = "127.0.0.1";
    options.announced_ip = "127.0.0.1";
    worker = std::make_unique<Worker>(options);
    worker->Bind();
    worker->Start();
  }
  void TearDown() override {
    worker->RunSyncForTest([&] { transport.reset(); });
    worker->Stop();
  }
  test::RemoteTransportInfo Create(int64_t consent_ms = 30'000) {
    Json reply;
    worker->RunSyncForTest([&] {
      WebRtcTransport::Options o;
      o.consent_timeout_ms = consent_ms;
      transport = std::make_unique<WebRtcTransport>(worker.get(), &listener, "t1", o);
      reply = {{"iceParameters", transport->IceParameters()},
               {"iceCandidates", transport->IceCandidates()},
               {"dtlsParameters", transport->DtlsParameters()}};
    });
    return test::RemoteTransportInfo::FromReply(reply);
  }
  std::string Connect(const Json& dtls) {
    std::string role;
    worker->RunSyncForTest([&] {
      std::string error;
      role = transport->Connect(dtls, &error).value_or("error:" + error);
    });
    return role;
  }
  WebRtcTransport::Stats Stats() {
    WebRtcTransport::Stats s;
    worker->RunSyncForTest([&] { s = transport->stats(); });
    return s;
  }

  std::unique_ptr<Worker> worker;
  EchoListener listener;
  std::unique_ptr<WebRtcTransport> transport;
};

TEST_F(WebRtcTransportTest, CandidatesAndParametersHaveMediasoupShape) {
  Json reply;
  Create();
  worker->RunSyncForTest([&] {
    reply = {{"ice", transport->IceParameters()},
             {"candidates", transport->IceCandidates()},
             {"dtls", transport->DtlsParameters()}};
  });
  EXPECT_EQ(reply["ice"]["iceLite"], true);
  EXPECT_GE(reply["ice"]["password"].get<std::string>().size(), 22u);
  ASSERT_EQ(reply["candidates"].size(), 2u);
  EXPECT_EQ(reply["candidates"][0]["protocol"], "udp");
  EXPECT_EQ(reply["candidates"][0]["priority"], 1076302079u);
  EXPECT_EQ(reply["candidates"][0]["foundation"], "udpcandidate");
  EXPECT_EQ(reply["candidates"][1]["protocol"], "tcp");
  EXPECT_EQ(reply["candidates"][1]["tcpType"], "passive");
  EXPECT_EQ(reply["candidates"][1]["priority"], 1076276479u);
  EXPECT_EQ(reply["candidates"][0]["port"], worker->udp_port());
  EXPECT_EQ(reply["candidates"][1]["port"], worker->tcp_port());
  EXPECT_EQ(reply["dtls"]["role"], "auto");
  EXPECT_EQ(reply["dtls"]["fingerprints"][0]["algorithm"], "sha-256");
}

void ConnectAndEcho(WebRtcTransportTest* t, bool tcp) {
  const auto remote = t->Create();
  WebRtcTestClient::Options o;
  o.use_tcp = tcp;
  WebRtcTestClient client(o);
  ASSERT_TRUE(client.Open(remote));
  EXPECT_EQ(t->Connect(client.DtlsParameters()), "server");
  client.StartIce();
  ASSERT_TRUE(client.RunUntil([&] { return client.dtls_connected(); }, 5000));
  ASSERT_TRUE(client.RunUntil([&] { return t->listener.connected.load(); }, 2000));
  for (uint16_t i = 0; i < 5; ++i) {
    test::TestRtpPacketSpec spec;
    spec.sequence_number = static_cast<uint16_t>(100 + i);
    spec.ssrc = 1234567;
    ASSERT_TRUE(client.SendRtp(test::BuildTestRtpPacket(spec)));
  }
  ASSERT_TRUE(client.RunUntil([&] { return client.rtp().size() == 5; }, 3000));
  EXPECT_EQ(RtpPacket::Parse(client.rtp()[4])->SequenceNumber(), 104);
  EXPECT_EQ(t->listener.rtp.load(), 5);
  const auto stats = t->Stats();
  EXPECT_EQ(stats.rtp_packets_received, 5u);
  EXPECT_EQ(stats.rtp_packets_sent, 5u);
  EXPECT_EQ(stats.dropped_srtp, 0u);
}

TEST_F(WebRtcTransportTest, UdpIceDtlsSrtpBothWays) { ConnectAndEcho(this, false); }

TEST_F(WebRtcTransportTest, TcpIceDtlsSrtpBothWays) { ConnectAndEcho(this, true); }

TEST_F(WebRtcTransportTest, StunErrorsForBadCredentialsAndRole) {
  const auto remote = Create();
  WebRtcTestClient client;
  ASSERT_TRUE(client.Open(remote));
  const std::string wrong = "wrongwrongwrongwrongwrong";
  client.SendBindingRequest(true, &wrong);
  ASSERT_TRUE(client.RunUntil([&] { return client.stats().stun_errors == 1; }, 2000));
  EXPECT_EQ(client.stats().last_stun_error, 401);
  client.SendBindingRequest(true, nullptr, /*controlled=*/true);
  ASSERT_TRUE(client.RunUntil([&] { return client.stats().stun_errors == 2; }, 2000));
  EXPECT_EQ(client.stats().last_stun_error, 487);
  EXPECT_FALSE(client.ice_connected());
}

TEST_F(WebRtcTransportTest, ConsentTimeoutFailsTransport) {
  const auto remote = Create(/*consent_ms=*/600);
  WebRtcTestClient::Options o;
  o.consent_interval_ms = 150;
  WebRtcTestClient client(o);
  ASSERT_TRUE(client.Open(remote));
  Connect(client.DtlsParameters());
  client.StartIce();
  ASSERT_TRUE(client.RunUntil([&] { return client.dtls_connected(); }, 5000));
  // Keep checking for a while: no timeout.
  client.RunUntil([] { return false; }, 900);
  EXPECT_EQ(listener.Failure(), "");
  client.SetConsentEnabled(false);
  ASSERT_TRUE(client.RunUntil([&] { return listener.Failure() == "ice_timeout"; }, 3000));
}

TEST_F(WebRtcTransportTest, SecondConnectIsRefused) {
  const auto remote = Create();
  WebRtcTestClient client;
  EXPECT_EQ(Connect(client.DtlsParameters()), "server");
  EXPECT_EQ(Connect(client.DtlsParameters()).rfind("error:", 0), 0u);
}

TEST_F(WebRtcTransportTest, RemoteServerRoleMakesUsClient) {
  const auto remote = Create();
  WebRtcTestClient client;
  Json dtls = client.DtlsParameters();
  dtls["role"] = "auto";
  EXPECT_EQ(Connect(dtls), "client");
}

TEST_F(WebRtcTransportTest, GarbageIsDroppedAndCounted) {
  const auto remote = Create();
  WebRtcTestClient client;
  ASSERT_TRUE(client.Open(remote));
  Connect(client.DtlsParameters());
  // Garbage from an unvalidated tuple never reaches the transport.
  const uint8_t junk[] = {0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 9, 9};
  client.SendRaw(junk);
  client.StartIce();
  ASSERT_TRUE(client.RunUntil([&] { return client.dtls_connected(); }, 5000));
  const auto before = Stats();
  std::vector<std::vector<uint8_t>> bad = {
      {0x80},                                       // too short for anything
      {0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1},   // RTP header, no SRTP tag
      std::vector<uint8_t>(200, 0x90),               // RTP-looking, bogus
      {0x81, 0xC9, 0, 1, 0, 0, 0, 1},               // RTCP-looking, bogus
      {0x17, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 1, 2},  // DTLS app data, bogus
      {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
       12, 0xFF},                                    // STUN, truncated attribute
      {0xFF, 0xFF, 0xFF},                            // nothing
  };
  for (const auto& b : bad) {
    client.SendRaw(b);
  }
  // Truncated real SRTP: protect a packet, then cut it.
  client.RunUntil([] { return false; }, 300);
  const auto after = Stats();
  EXPECT_GE(after.dropped_malformed + after.dropped_srtp - before.dropped_malformed -
                before.dropped_srtp,
            5u);
  // Still works afterwards.
  test::TestRtpPacketSpec spec;
  spec.ssrc = 42;
  ASSERT_TRUE(client.SendRtp(test::BuildTestRtpPacket(spec)));
  ASSERT_TRUE(client.RunUntil([&] { return client.rtp().size() == 1; }, 3000));
}

}  // namespace
}  // namespace tr::media
