#include "media/dtls/dtls_transport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "media/dtls/dtls_certificate.h"
#include "media/srtp/srtp_session.h"

namespace tr::media {
namespace {

using Bytes = std::vector<uint8_t>;
using Role = DtlsTransport::Role;
using State = DtlsTransport::State;
using Failure = DtlsTransport::Failure;

// One side of an in-memory association: records what its transport emits and reports.
struct Peer : DtlsTransport::Listener {
  explicit Peer(DtlsTransport::Options options = {}) {
    if (options.certificate == nullptr) {
      own_certificate = DtlsCertificate::Generate();
      options.certificate = &*own_certificate;
    }
    certificate = options.certificate;
    mtu = options.mtu;
    transport = std::make_unique<DtlsTransport>(this, std::move(options));
  }

  std::string Fingerprint(const char* algorithm = "sha-256") const {
    return certificate->Fingerprint(algorithm);
  }

  void OnDtlsSendPacket(DtlsTransport* t, const uint8_t* data, std::size_t len) override {
    EXPECT_EQ(t, transport.get());
    EXPECT_LE(len, mtu) << "datagram larger than the MTU";
    EXPECT_TRUE(DtlsTransport::IsDtls(data, len));
    outbox.emplace_back(data, data + len);
    ++sent;
  }
  void OnDtlsConnected(DtlsTransport* t, SrtpProfile p, std::span<const uint8_t> local,
                       std::span<const uint8_t> remote) override {
    EXPECT_EQ(t, transport.get());
    EXPECT_EQ(t->state(), State::kConnected);
    ++connected;
    profile = p;
    local_key.assign(local.begin(), local.end());
    remote_key.assign(remote.begin(), remote.end());
  }
  void OnDtlsFailed(DtlsTransport* t, Failure f) override {
    EXPECT_EQ(t->state(), State::kFailed);
    failures.push_back(f);
  }
  void OnDtlsClosed(DtlsTransport* t) override {
    EXPECT_EQ(t->state(), State::kClosed);
    ++closed;
  }
  void OnDtlsApplicationData(DtlsTransport*, const uint8_t* data, std::size_t len) override {
    received.emplace_back(data, data + len);
  }

  std::optional<DtlsCertificate> own_certificate;
  const DtlsCertificate* certificate = nullptr;
  std::size_t mtu = 0;
  std::unique_ptr<DtlsTransport> transport;
  std::deque<Bytes> outbox;
  int sent = 0;
  int connected = 0;
  int closed = 0;
  std::optional<SrtpProfile> profile;
  Bytes local_key;
  Bytes remote_key;
  std::vector<Failure> failures;
  std::vector<Bytes> received;
};

// Decides whether a datagram is lost; `from_client` tells the direction, `index` counts
// datagrams in that direction from 0.
using DropFn = std::function<bool(const Bytes&, bool from_client, int index)>;

struct Link {
  Peer& client;
  Peer& server;
  DropFn drop;
  int from_client = 0;
  int from_server = 0;

  // Delivers queued datagrams both ways until nothing is in flight.
  void Pump() {
    for (int round = 0; round < 50; ++round) {
      if (client.outbox.empty() && server.outbox.empty()) return;
      Step();
    }
    ADD_FAILURE() << "handshake did not quiesce";
  }

  // One round trip: what each side has queued is delivered once.
  void Step() {
    Deliver(client, server, true);
    Deliver(server, client, false);
  }

  void Deliver(Peer& from, Peer& to, bool is_client) {
    std::deque<Bytes> batch;
    batch.swap(from.outbox);
    for (const Bytes& datagram : batch) {
      const int index = is_client ? from_client++ : from_server++;
      if (drop && drop(datagram, is_client, index)) continue;
      to.transport->HandleRecord(datagram.data(), datagram.size());
    }
  }
};

bool Start(Peer& client, Peer& server) {
  return server.transport->Start(Role::kServer, "sha-256", client.Fingerprint()) &&
         client.transport->Start(Role::kClient, "sha-256", server.Fingerprint());
}

// Sleeps until the transport's retransmission timer is due, then fires it.
void FireTimer(DtlsTransport& transport) {
  const std::optional<uint64_t> due = transport.NextTimeoutMs();
  ASSERT_TRUE(due.has_value()) << "no retransmission timer running";
  std::this_thread::sleep_for(std::chrono::milliseconds(*due + 2));
  transport.OnTimer();
}

Bytes MakeRtp(uint16_t seq) {
  Bytes p = {
      0x80, 111, static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq), 0, 0, 0, 1, 0x12, 0x34,
      0x56, 0x78};
  for (int i = 0; i < 160; ++i) p.push_back(static_cast<uint8_t>(i));
  return p;
}

// Keys handed to each side must interoperate: client → server and server → client.
void ExpectSrtpWorks(const Peer& client, const Peer& server) {
  ASSERT_TRUE(client.profile && server.profile);
  const SrtpProfile profile = *client.profile;
  using Direction = SrtpSession::Direction;
  auto client_out =
      SrtpSession::CreateFromKeyAndSalt(Direction::kOutbound, profile, client.local_key);
  auto client_in =
      SrtpSession::CreateFromKeyAndSalt(Direction::kInbound, profile, client.remote_key);
  auto server_out =
      SrtpSession::CreateFromKeyAndSalt(Direction::kOutbound, profile, server.local_key);
  auto server_in =
      SrtpSession::CreateFromKeyAndSalt(Direction::kInbound, profile, server.remote_key);
  ASSERT_TRUE(client_out && client_in && server_out && server_in);

  for (auto [out, in] :
       {std::pair{&*client_out, &*server_in}, std::pair{&*server_out, &*client_in}}) {
    const Bytes plain = MakeRtp(7);
    Bytes buffer(plain.size() + SrtpSession::kRtpTrailerRoom);
    std::size_t len = 0;
    ASSERT_TRUE(out->ProtectRtp(plain.data(), plain.size(), buffer.data(), buffer.size(), &len));
    ASSERT_TRUE(in->UnprotectRtp(buffer.data(), &len));
    buffer.resize(len);
    EXPECT_EQ(buffer, plain);
  }
}

struct ProfileCase {
  const char* name;
  std::vector<SrtpProfile> client;
  std::vector<SrtpProfile> server;
  SrtpProfile expected;
};

class DtlsHandshakeTest : public ::testing::TestWithParam<ProfileCase> {};

INSTANTIATE_TEST_SUITE_P(
    SrtpProfiles, DtlsHandshakeTest,
    ::testing::Values(ProfileCase{"DefaultsPreferGcm", {}, {}, SrtpProfile::kAeadAes128Gcm},
                      ProfileCase{"ClientOnlySha1",
                                  {SrtpProfile::kAes128CmHmacSha1_80},
                                  {},
                                  SrtpProfile::kAes128CmHmacSha1_80},
                      ProfileCase{"ServerOnlySha1",
                                  {},
                                  {SrtpProfile::kAes128CmHmacSha1_80},
                                  SrtpProfile::kAes128CmHmacSha1_80},
                      ProfileCase{"BothOnlyGcm",
                                  {SrtpProfile::kAeadAes128Gcm},
                                  {SrtpProfile::kAeadAes128Gcm},
                                  SrtpProfile::kAeadAes128Gcm},
                      // Like Chrome: offers SHA1_80 first, GCM too; the server's preference wins.
                      ProfileCase{"ServerPreferenceWins",
                                  {SrtpProfile::kAes128CmHmacSha1_80, SrtpProfile::kAeadAes128Gcm},
                                  {},
                                  SrtpProfile::kAeadAes128Gcm}),
    [](const ::testing::TestParamInfo<ProfileCase>& param_info) {
      return std::string(param_info.param.name);
    });

TEST_P(DtlsHandshakeTest, BothSidesAgreeOnProfileAndKeys) {
  DtlsTransport::Options client_options;
  client_options.srtp_profiles = GetParam().client;
  DtlsTransport::Options server_options;
  server_options.srtp_profiles = GetParam().server;
  Peer client(client_options);
  Peer server(server_options);
  Link link{client, server, nullptr};
  ASSERT_TRUE(Start(client, server));
  EXPECT_EQ(client.sent, 1) << "the client sends its ClientHello at once";
  link.Pump();

  ASSERT_EQ(client.connected, 1);
  ASSERT_EQ(server.connected, 1);
  EXPECT_TRUE(client.failures.empty());
  EXPECT_TRUE(server.failures.empty());
  EXPECT_EQ(client.transport->state(), State::kConnected);
  EXPECT_EQ(server.transport->state(), State::kConnected);
  EXPECT_EQ(client.profile, GetParam().expected);
  EXPECT_EQ(server.profile, GetParam().expected);
  EXPECT_EQ(client.transport->srtp_profile(), GetParam().expected);

  const std::size_t length = SrtpMasterKeyAndSaltLength(GetParam().expected);
  EXPECT_EQ(client.local_key.size(), length);
  EXPECT_EQ(client.remote_key.size(), length);
  EXPECT_EQ(client.local_key, server.remote_key);
  EXPECT_EQ(client.remote_key, server.local_key);
  EXPECT_NE(client.local_key, client.remote_key);
  ExpectSrtpWorks(client, server);
  EXPECT_FALSE(server.transport->NextTimeoutMs().has_value() &&
               client.transport->NextTimeoutMs().has_value())
      << "no flight left to retransmit on both sides";
}

TEST(DtlsTransport, IsDtlsFollowsRfc7983) {
  uint8_t record[13] = {22, 0xfe, 0xfd};
  EXPECT_TRUE(DtlsTransport::IsDtls(record, sizeof record));
  EXPECT_FALSE(DtlsTransport::IsDtls(record, 12)) << "shorter than a record header";
  for (int first = 0; first < 256; ++first) {
    record[0] = static_cast<uint8_t>(first);
    EXPECT_EQ(DtlsTransport::IsDtls(record, sizeof record), first >= 20 && first <= 63) << first;
  }
}

TEST(DtlsTransport, ServerAnswersCapturedClientHello) {
  std::ifstream in(std::string(TR_TEST_DATA_DIR) + "/client_hello.bin", std::ios::binary);
  const Bytes hello((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(hello.size(), 170u);
  Peer server;
  ASSERT_TRUE(server.transport->Start(Role::kServer, "sha-256", "AA:BB"));
  server.transport->HandleRecord(hello.data(), hello.size());
  ASSERT_EQ(server.outbox.size(), 1u) << "ServerHello … ServerHelloDone in one datagram";
  EXPECT_EQ(server.outbox[0][0], 22);
  EXPECT_TRUE(server.transport->NextTimeoutMs().has_value()) << "flight 4 awaits an answer";
  EXPECT_EQ(server.transport->state(), State::kConnecting);
}

TEST(DtlsTransport, StartValidatesArguments) {
  Peer peer;
  EXPECT_FALSE(peer.transport->Start(Role::kServer, "md5", "AA:BB"));
  EXPECT_EQ(peer.transport->state(), State::kNew);
  EXPECT_TRUE(peer.transport->Start(Role::kServer, "sha-256", "AA:BB"));
  EXPECT_FALSE(peer.transport->Start(Role::kServer, "sha-256", "AA:BB")) << "only once";
  EXPECT_EQ(peer.transport->role(), Role::kServer);
  EXPECT_EQ(peer.transport->state(), State::kConnecting);
  EXPECT_EQ(peer.sent, 0) << "a server waits for the ClientHello";
  EXPECT_FALSE(peer.transport->SetRemoteFingerprint("sha-256", "CC:DD")) << "already set";
}

TEST(DtlsTransport, OtherFingerprintAlgorithmsAndLowercaseAreAccepted) {
  for (const char* algorithm : {"sha-1", "sha-384", "sha-512", "SHA-256"}) {
    Peer client;
    Peer server;
    std::string lowercase = client.Fingerprint(algorithm);
    for (char& c : lowercase) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_TRUE(server.transport->Start(Role::kServer, algorithm, lowercase));
    ASSERT_TRUE(client.transport->Start(Role::kClient, algorithm, server.Fingerprint(algorithm)));
    Link{client, server, nullptr}.Pump();
    EXPECT_EQ(server.connected, 1) << algorithm;
    EXPECT_EQ(client.connected, 1) << algorithm;
  }
}

TEST(DtlsTransport, ServerRejectsClientCertificateNotMatchingFingerprint) {
  Peer client;
  Peer server;
  Peer stranger;
  ASSERT_TRUE(server.transport->Start(Role::kServer, "sha-256", stranger.Fingerprint()));
  ASSERT_TRUE(client.transport->Start(Role::kClient, "sha-256", server.Fingerprint()));
  Link{client, server, nullptr}.Pump();

  EXPECT_EQ(server.connected, 0) << "no keys for an impostor";
  ASSERT_EQ(server.failures.size(), 1u);
  EXPECT_EQ(server.failures[0], Failure::kFingerprintMismatch);
  EXPECT_EQ(server.transport->failure(), Failure::kFingerprintMismatch);
  EXPECT_TRUE(server.local_key.empty());
  // The client verified the server correctly, then hears the server's close_notify.
  EXPECT_EQ(client.closed, 1);
  EXPECT_EQ(client.transport->state(), State::kClosed);
}

TEST(DtlsTransport, ClientRejectsServerCertificateNotMatchingFingerprint) {
  Peer client;
  Peer server;
  Peer stranger;
  ASSERT_TRUE(server.transport->Start(Role::kServer, "sha-256", client.Fingerprint()));
  ASSERT_TRUE(client.transport->Start(Role::kClient, "sha-256", stranger.Fingerprint()));
  Link{client, server, nullptr}.Pump();

  EXPECT_EQ(client.connected, 0);
  ASSERT_EQ(client.failures.size(), 1u);
  EXPECT_EQ(client.failures[0], Failure::kFingerprintMismatch);
  EXPECT_EQ(server.closed, 1) << "the server learns through close_notify";
}

TEST(DtlsTransport, FingerprintMayArriveAfterTheHandshake) {
  for (bool correct : {true, false}) {
    Peer client;
    Peer server;
    Peer stranger;
    ASSERT_TRUE(server.transport->Start(Role::kServer, "", ""));
    ASSERT_TRUE(client.transport->Start(Role::kClient, "sha-256", server.Fingerprint()));
    Link{client, server, nullptr}.Pump();
    EXPECT_EQ(client.connected, 1);
    EXPECT_EQ(server.connected, 0) << "keys only once the fingerprint is checked";
    EXPECT_EQ(server.transport->state(), State::kConnecting);

    // Application data that arrives meanwhile is not delivered.
    const uint8_t early[] = {1, 2, 3};
    ASSERT_TRUE(client.transport->SendApplicationData(early, sizeof early));
    Link{client, server, nullptr}.Pump();
    EXPECT_TRUE(server.received.empty());
    EXPECT_EQ(server.transport->stats().application_data_dropped, 1u);

    ASSERT_TRUE(server.transport->SetRemoteFingerprint(
        "sha-256", correct ? client.Fingerprint() : stranger.Fingerprint()));
    if (correct) {
      EXPECT_EQ(server.connected, 1);
      EXPECT_EQ(server.remote_key, client.local_key);
      EXPECT_TRUE(server.failures.empty());
    } else {
      EXPECT_EQ(server.connected, 0);
      ASSERT_EQ(server.failures.size(), 1u);
      EXPECT_EQ(server.failures[0], Failure::kFingerprintMismatch);
    }
  }
}

TEST(DtlsTransport, NoCommonSrtpProfileFails) {
  DtlsTransport::Options client_options;
  client_options.srtp_profiles = {SrtpProfile::kAes128CmHmacSha1_80};
  DtlsTransport::Options server_options;
  server_options.srtp_profiles = {SrtpProfile::kAeadAes128Gcm};
  Peer client(client_options);
  Peer server(server_options);
  ASSERT_TRUE(Start(client, server));
  Link{client, server, nullptr}.Pump();
  EXPECT_EQ(client.connected + server.connected, 0);
  ASSERT_FALSE(server.failures.empty());
  EXPECT_EQ(server.failures[0], Failure::kNoSrtpProfile);
}

TEST(DtlsTransport, SmallMtuFragmentsTheHandshake) {
  DtlsTransport::Options client_options;
  client_options.mtu = 300;
  DtlsTransport::Options server_options;
  server_options.mtu = 300;
  Peer client(client_options);
  Peer server(server_options);
  ASSERT_TRUE(Start(client, server));
  Link{client, server, nullptr}.Pump();
  EXPECT_EQ(client.connected, 1);
  EXPECT_EQ(server.connected, 1);
  EXPECT_GT(server.sent, 2) << "the certificate flight had to be split";
}

TEST(DtlsTransport, GarbageNeverCrashesNorBreaksTheHandshake) {
  Peer client;
  Peer server;
  // Before Start(): ignored.
  const uint8_t junk[] = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2};
  server.transport->HandleRecord(junk, sizeof junk);
  EXPECT_EQ(server.transport->stats().datagrams_ignored, 1u);
  EXPECT_EQ(server.connected + server.sent, 0);

  std::vector<Bytes> garbage;
  garbage.push_back(Bytes(junk, junk + sizeof junk));  // length beyond the datagram
  garbage.push_back(Bytes{22});                        // one byte
  garbage.push_back(Bytes(13, 0));                     // zeros
  garbage.push_back(Bytes(1500, 0xff));                // ones
  garbage.push_back(
      Bytes{23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 5, 0, 3, 1, 2, 3});  // app data, epoch 1
  garbage.push_back(Bytes{21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, 16, 2, 40});  // short alert
  garbage.push_back(Bytes{22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 1});  // DTLS 1.0 record
  Bytes pseudo_random(600);
  uint32_t x = 12345;
  for (auto& b : pseudo_random) {
    x = x * 1103515245 + 12345;
    b = static_cast<uint8_t>(x >> 16);
  }
  pseudo_random[0] = 22;
  pseudo_random[1] = 0xfe;
  pseudo_random[2] = 0xfd;
  garbage.push_back(pseudo_random);
  garbage.push_back(Bytes{});

  for (std::size_t i = 0; i < garbage.size(); ++i) {
    Peer c;
    Peer s;
    ASSERT_TRUE(Start(c, s));
    Link{c, s, nullptr}.Pump();
    ASSERT_EQ(s.connected, 1);
    s.transport->HandleRecord(garbage[i].data(), garbage[i].size());
    EXPECT_EQ(s.transport->state(), State::kConnected) << "connected garbage " << i;
  }
  for (std::size_t i = 0; i < garbage.size(); ++i) {
    Peer c;
    Peer s;
    ASSERT_TRUE(Start(c, s));
    for (int step = 0; step < 6; ++step) {
      s.transport->HandleRecord(garbage[i].data(), garbage[i].size());
      c.transport->HandleRecord(garbage[i].data(), garbage[i].size());
      Link{c, s, nullptr}.Step();
    }
    Link{c, s, nullptr}.Pump();
    EXPECT_EQ(c.connected + s.connected, 2) << "garbage " << i;
  }

  ASSERT_TRUE(Start(client, server));
  // Interleave the garbage with the real flights, in both directions.
  for (int step = 0; step < 6; ++step) {
    for (const Bytes& g : garbage) {
      server.transport->HandleRecord(g.data(), g.size());
      client.transport->HandleRecord(g.data(), g.size());
    }
    Link{client, server, nullptr}.Step();
  }
  Link{client, server, nullptr}.Pump();
  EXPECT_EQ(client.connected, 1);
  EXPECT_EQ(server.connected, 1);

  // Connected: still ignored, still connected, data still flows.
  for (const Bytes& g : garbage) server.transport->HandleRecord(g.data(), g.size());
  EXPECT_EQ(server.transport->state(), State::kConnected);
  const uint8_t hello[] = {'h', 'i'};
  EXPECT_EQ(client.transport->state(), State::kConnected);
  ASSERT_TRUE(client.transport->SendApplicationData(hello, sizeof hello));
  Link{client, server, nullptr}.Pump();
  ASSERT_EQ(server.received.size(), 1u);
  EXPECT_EQ(server.received[0], Bytes(hello, hello + 2));
  EXPECT_TRUE(server.failures.empty());
  EXPECT_TRUE(client.failures.empty());
}

// OpenSSL 3.0 silently kills an association that is handed an encrypted record shorter
// than the AEAD overhead (no alert, no error; every later write fails). The transport
// screens such records out, so one spoofed datagram cannot break DataChannels.
TEST(DtlsTransport, ShortEncryptedRecordsDoNotKillTheAssociation) {
  Peer client;
  Peer server;
  ASSERT_TRUE(Start(client, server));
  Link link{client, server, nullptr};
  link.Pump();
  ASSERT_EQ(server.connected, 1);
  for (uint8_t type : {uint8_t{21}, uint8_t{22}, uint8_t{23}}) {
    for (uint8_t length = 1; length < 40; ++length) {
      Bytes record = {type, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 1, length, 0, length};
      record.resize(record.size() + length, 0x5a);
      server.transport->HandleRecord(record.data(), record.size());
      client.transport->HandleRecord(record.data(), record.size());
    }
  }
  EXPECT_GT(server.transport->stats().datagrams_invalid, 0u);
  const uint8_t ping[] = {'p', 'i', 'n', 'g'};
  ASSERT_TRUE(client.transport->SendApplicationData(ping, sizeof ping));
  ASSERT_TRUE(server.transport->SendApplicationData(ping, sizeof ping));
  link.Pump();
  EXPECT_EQ(server.received.size(), 1u);
  EXPECT_EQ(client.received.size(), 1u);
  EXPECT_TRUE(server.failures.empty());
  EXPECT_TRUE(client.failures.empty());
}

TEST(DtlsTransport, LostClientHelloIsRetransmittedOnTimer) {
  DtlsTransport::Options fast;
  fast.initial_retransmit_ms = 20;
  Peer client(fast);
  Peer server;
  Link link{client, server,
            [](const Bytes&, bool from_client, int index) { return from_client && index == 0; }};
  ASSERT_TRUE(Start(client, server));
  link.Pump();
  EXPECT_EQ(server.transport->stats().datagrams_received, 0u) << "the ClientHello was lost";
  EXPECT_EQ(client.connected, 0);

  const std::optional<uint64_t> due = client.transport->NextTimeoutMs();
  ASSERT_TRUE(due.has_value());
  EXPECT_LE(*due, 20u);
  client.transport->OnTimer();  // early: nothing to do yet
  EXPECT_EQ(client.transport->stats().retransmit_timeouts, 0u);
  FireTimer(*client.transport);
  EXPECT_EQ(client.transport->stats().retransmit_timeouts, 1u);
  link.Pump();
  EXPECT_EQ(client.connected, 1);
  EXPECT_EQ(server.connected, 1);
  EXPECT_EQ(client.local_key, server.remote_key);
}

TEST(DtlsTransport, LostServerFlightIsRecovered) {
  DtlsTransport::Options fast;
  fast.initial_retransmit_ms = 20;
  Peer client(fast);
  Peer server(fast);
  // Lose the server's first flight (ServerHello … ServerHelloDone).
  Link link{client, server,
            [](const Bytes&, bool from_client, int index) { return !from_client && index == 0; }};
  ASSERT_TRUE(Start(client, server));
  link.Pump();
  EXPECT_EQ(client.connected, 0);
  // Whichever timer fires first (client resends ClientHello, or server resends its flight)
  // gets the handshake going again.
  FireTimer(*server.transport);
  link.Pump();
  if (client.connected == 0) {
    FireTimer(*client.transport);
    link.Pump();
  }
  EXPECT_EQ(client.connected, 1);
  EXPECT_EQ(server.connected, 1);
}

TEST(DtlsTransport, GivesUpWhenThePeerNeverAnswers) {
  DtlsTransport::Options fast;
  fast.initial_retransmit_ms = 20;
  fast.max_retransmit_ms = 40;
  Peer client(fast);
  ASSERT_TRUE(client.transport->Start(Role::kClient, "sha-256", "AA:BB"));
  for (int i = 0; i < 40 && client.failures.empty(); ++i) FireTimer(*client.transport);
  ASSERT_EQ(client.failures.size(), 1u);
  EXPECT_EQ(client.failures[0], Failure::kTimeout);
  EXPECT_EQ(client.transport->state(), State::kFailed);
  EXPECT_GE(client.sent, 12) << "ClientHello sent and retransmitted";
  EXPECT_FALSE(client.transport->NextTimeoutMs().has_value());
  client.transport->OnTimer();  // harmless after failure
  EXPECT_EQ(client.failures.size(), 1u);
}

// Handshake alerts are not authenticated (RFC 6347 §4.1.2.7 lets DTLS drop invalid records,
// not valid plaintext alerts): a close_notify before the handshake ends closes the server.
TEST(DtlsTransport, CloseNotifyDuringHandshakeCloses) {
  Peer client;
  Peer server;
  ASSERT_TRUE(Start(client, server));
  const uint8_t close_notify[] = {21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0, 2, 1, 0};
  server.transport->HandleRecord(close_notify, sizeof close_notify);
  Link{client, server, nullptr}.Pump();
  EXPECT_EQ(server.transport->state(), State::kClosed);
  EXPECT_EQ(server.closed, 1);
  EXPECT_EQ(server.connected, 0);
}

TEST(DtlsTransport, ApplicationDataBothWays) {
  Peer client;
  Peer server;
  ASSERT_TRUE(Start(client, server));
  Link link{client, server, nullptr};
  link.Pump();
  Bytes big(1000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i);
  ASSERT_TRUE(client.transport->SendApplicationData(big.data(), big.size()));
  ASSERT_TRUE(server.transport->SendApplicationData(big.data(), 10));
  link.Pump();
  ASSERT_EQ(server.received.size(), 1u);
  EXPECT_EQ(server.received[0], big);
  ASSERT_EQ(client.received.size(), 1u);
  EXPECT_EQ(client.received[0], Bytes(big.begin(), big.begin() + 10));
}

TEST(DtlsTransport, SendApplicationDataNeedsConnection) {
  Peer peer;
  const uint8_t data[] = {1};
  EXPECT_FALSE(peer.transport->SendApplicationData(data, 1));
  ASSERT_TRUE(peer.transport->Start(Role::kServer, "sha-256", "AA"));
  EXPECT_FALSE(peer.transport->SendApplicationData(data, 1));
}

TEST(DtlsTransport, CloseSendsCloseNotify) {
  Peer client;
  Peer server;
  ASSERT_TRUE(Start(client, server));
  Link link{client, server, nullptr};
  link.Pump();
  ASSERT_EQ(server.connected, 1);
  client.transport->Close();
  EXPECT_EQ(client.transport->state(), State::kClosed);
  EXPECT_EQ(client.closed, 0) << "no callback for a local close";
  link.Pump();
  EXPECT_EQ(server.closed, 1);
  EXPECT_EQ(server.transport->state(), State::kClosed);
  EXPECT_TRUE(server.failures.empty());
  // Everything afterwards is ignored.
  const uint64_t ignored = server.transport->stats().datagrams_ignored;
  const uint8_t record[13] = {23, 0xfe, 0xfd};
  server.transport->HandleRecord(record, sizeof record);
  EXPECT_EQ(server.transport->stats().datagrams_ignored, ignored + 1);
  EXPECT_FALSE(client.transport->SendApplicationData(record, 1));
}

TEST(DtlsTransport, CloseDuringHandshakeIsQuiet) {
  Peer client;
  Peer server;
  ASSERT_TRUE(Start(client, server));
  client.transport->Close();
  EXPECT_EQ(client.transport->state(), State::kClosed);
  Link{client, server, nullptr}.Pump();
  EXPECT_EQ(client.connected, 0);
  EXPECT_TRUE(client.failures.empty());
}

TEST(DtlsTransport, NamesForLogs) {
  EXPECT_EQ(DtlsTransport::FailureName(Failure::kFingerprintMismatch), "fingerprint_mismatch");
  EXPECT_EQ(DtlsTransport::FailureName(Failure::kTimeout), "timeout");
  EXPECT_EQ(DtlsTransport::StateName(State::kConnected), "connected");
}

TEST(DtlsTransport, ProcessCertificateByDefault) {
  struct Quiet : DtlsTransport::Listener {
    void OnDtlsSendPacket(DtlsTransport*, const uint8_t*, std::size_t) override {}
    void OnDtlsConnected(DtlsTransport*, SrtpProfile, std::span<const uint8_t>,
                         std::span<const uint8_t>) override {}
    void OnDtlsFailed(DtlsTransport*, Failure) override {}
    void OnDtlsClosed(DtlsTransport*) override {}
    void OnDtlsApplicationData(DtlsTransport*, const uint8_t*, std::size_t) override {}
  } listener;
  DtlsTransport transport(&listener);
  EXPECT_EQ(transport.LocalFingerprint("sha-256"),
            DtlsCertificate::Process().Fingerprint("sha-256"));
}

}  // namespace
}  // namespace tr::media
