// The SFU forwarding path, measured per packet per consumer.
//
// Setup (once per consumer count, real sockets on 127.0.0.1): a worker and a router; one
// sending test client and N receiving test clients, each through ICE, DTLS and SRTP
// against real WebRtcTransports; one VP8 producer and N consumers of it. Then the worker
// thread is stopped and the benchmark thread drives the worker's packet path directly:
// each iteration hands one SRTP packet (1200 bytes, Chrome-like header extensions) to the
// producer's transport exactly as the UDP receive loop would: SRTP unprotect once, RTP
// parse, producer lookup, stream bookkeeping, extension-id rewrite, then for every
// consumer SSRC / seq / timestamp / PT / MID / TWCC / abs-send-time rewrite and SRTP
// protect straight into the send batch. Since the loss-recovery / congestion-feedback
// work it also covers, per incoming packet, the transport-cc arrival record, the NACK
// generator and the copy into the retransmission buffer, and per consumer the restore of
// the shared header and the sent-packet record used to answer NACKs.
//
//   BM_Forward/N          : send batch discarded (no kernel), the SFU's own cost
//   BM_ForwardSendmmsg/N  : same with real sendmmsg to the N loopback clients (kernel
//                           included; loopback also charges the receive side to us)
//
// Counter "ns_per_pkt_consumer" = wall time / (packets × consumers).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "fake_video_sender.h"
#include "media/ortc/router_rtp_capabilities.h"
#include "media/router/router.h"
#include "media/worker/worker.h"
#include "rtp_test_packets.h"
#include "webrtc_test_client.h"

namespace tr::media {
namespace {

using test::WebRtcTestClient;

constexpr std::size_t kPayload = 1200 - 12 - 4 - 20 - 1 - 3;  // ~1200-byte RTP packets
constexpr std::size_t kPrepared = 4096;

struct Fixture {
  std::unique_ptr<Worker> worker;
  std::unique_ptr<Router> router;
  std::unique_ptr<WebRtcTestClient> sender;
  std::vector<std::unique_ptr<WebRtcTestClient>> viewers;
  WebRtcTransport* producer_transport = nullptr;
  TransportTuple tuple;
  uint16_t seq = 1;
  uint16_t twcc_seq = 1;
  uint32_t ts = 1000;
  // Pre-protected packets (a fresh sequence number each: SRTP replay protection).
  std::vector<std::vector<uint8_t>> prepared;
  std::size_t next = 0;
};

Json Request(Fixture& f, const std::string& method, const Json& data) {
  Json out;
  f.worker->RunSyncForTest([&] { out = f.router->HandleRequest(method, data); });
  return out;
}

WebRtcTestClient* ConnectClient(Fixture& f, std::unique_ptr<WebRtcTestClient>& slot,
                                std::string* tid) {
  Json t = Request(f, "transport.create", {{"direction", "recv"}});
  *tid = t["transportId"];
  WebRtcTestClient::Options o;
  o.decrypt = false;
  o.consent_interval_ms = 0;
  slot = std::make_unique<WebRtcTestClient>(o);
  slot->Open(test::RemoteTransportInfo::FromReply(t));
  Request(f, "transport.connect", {{"transportId", *tid}, {"dtlsParameters", slot->DtlsParameters()}});
  slot->StartIce();
  WebRtcTestClient* c = slot.get();
  if (!c->RunUntil([c] { return c->dtls_connected(); }, 10000)) {
    std::fprintf(stderr, "client did not connect\n");
    std::abort();
  }
  return c;
}

std::vector<uint8_t> Packet(Fixture& f, bool key) {
  test::TestRtpPacketSpec spec;
  spec.payload_type = test::FakeVideoSender::kPayloadType;
  spec.sequence_number = f.seq++;
  spec.timestamp = f.ts;
  f.ts += 3000;
  spec.ssrc = 11111111;
  spec.key_frame = key;
  spec.payload_size = kPayload;
  // A transport-wide sequence number per packet, as Chrome sends: the SFU records each
  // one for its transport-cc feedback.
  const uint16_t twcc = f.twcc_seq++;
  const char twcc_bytes[2] = {static_cast<char>(twcc >> 8), static_cast<char>(twcc & 0xFF)};
  spec.extensions = {{test::FakeVideoSender::kMidId, "0"},
                     {test::FakeVideoSender::kAbsSendTimeId, std::string("\x01\x02\x03", 3)},
                     {test::FakeVideoSender::kTwccId, std::string(twcc_bytes, 2)},
                     {test::FakeVideoSender::kToffsetId, std::string("\x00\x00\x01", 3)}};
  return test::BuildTestRtpPacket(spec);
}

void Prepare(Fixture& f) {
  f.prepared.resize(kPrepared);
  for (auto& p : f.prepared) {
    const auto plain = Packet(f, false);
    p.resize(plain.size() + 200);
    p.resize(f.sender->ProtectRtp(plain, p.data(), p.size()));
  }
  f.next = 0;
}

Fixture& GetFixture(int consumers) {
  static std::map<int, std::unique_ptr<Fixture>> fixtures;
  auto& slot = fixtures[consumers];
  if (slot) {
    return *slot;
  }
  slot = std::make_unique<Fixture>();
  Fixture& f = *slot;
  WorkerOptions wo;
  wo.listen_ip = "127.0.0.1";
  f.worker = std::make_unique<Worker>(wo);
  f.worker->Bind();
  f.worker->Start();
  f.worker->RunSyncForTest([&] {
    Router::Options ro;
    ro.ice_consent_timeout_ms = 0;
    ro.rtcp_interval_ms = 3'600'000;
    f.router = std::make_unique<Router>(f.worker.get(), "bench", ro,
                                        [](const std::string&, const Json&) {});
  });
  std::string send_tid;
  ConnectClient(f, f.sender, &send_tid);
  std::vector<test::FakeVideoSender::Layer> layers(1);
  layers[0].ssrc = 11111111;
  test::FakeVideoSender params_source(f.sender.get(), "0", layers);
  Json p = Request(f, "producer.create", {{"transportId", send_tid},
                                          {"kind", "video"},
                                          {"rtpParameters", params_source.RtpParameters()}});
  Json caps;
  f.worker->RunSyncForTest([&] {
    // device.recvRtpCapabilities: the router's minus what the router only receives.
    caps = ortc::RouterRtpCapabilities().ToJson();
  });
  Json exts = Json::array();
  for (const auto& e : caps["headerExtensions"]) {
    if (e.value("direction", "sendrecv") != "recvonly") exts.push_back(e);
  }
  caps["headerExtensions"] = exts;
  f.viewers.resize(static_cast<std::size_t>(consumers));
  for (auto& v : f.viewers) {
    std::string tid;
    ConnectClient(f, v, &tid);
    Request(f, "consumer.create", {{"transportId", tid},
                                   {"producerId", p["producerId"]},
                                   {"rtpCapabilities", caps}});
  }
  f.producer_transport = f.router->FindTransportForTest(send_tid);
  // From here on the benchmark thread owns the worker's objects.
  f.worker->Stop();
  f.tuple = *f.producer_transport->SelectedTuple();
  // Prime: a key frame starts every consumer.
  auto key = Packet(f, true);
  std::vector<uint8_t> buf(key.size() + 200);
  buf.resize(f.sender->ProtectRtp(key, buf.data(), buf.size()));
  f.producer_transport->OnPacketReceived(f.tuple, buf.data(), buf.size());
  f.worker->Flush();
  Prepare(f);
  return f;
}

void RunForward(benchmark::State& state, bool discard) {
  const int consumers = static_cast<int>(state.range(0));
  Fixture& f = GetFixture(consumers);
  f.worker->SetDiscardSendsForTest(discard);
  std::vector<uint8_t> buf(2048);
  const uint64_t sent_before = f.worker->stats().packets_sent;
  for (auto _ : state) {
    if (f.next == f.prepared.size()) {
      state.PauseTiming();
      f.worker->Flush();
      Prepare(f);
      state.ResumeTiming();
    }
    const auto& p = f.prepared[f.next++];
    std::memcpy(buf.data(), p.data(), p.size());  // unprotect works in place
    f.producer_transport->OnPacketReceived(f.tuple, buf.data(), p.size());
  }
  f.worker->Flush();
  const uint64_t sent = f.worker->stats().packets_sent - sent_before;
  state.counters["ns_per_pkt_consumer"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * consumers,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["forwarded"] = static_cast<double>(sent);
  state.SetItemsProcessed(state.iterations() * consumers);
  // Drain what the viewers got (sockets must not fill up between runs).
  for (auto& v : f.viewers) v->Poll(0);
}

// Baseline: SRTP-protecting one 1200-byte packet with one session of the same profile
// (what every consumer pays inside libsrtp); Forward minus this is the SFU's own cost.
void BM_SrtpProtectOnly(benchmark::State& state) {
  Fixture& f = GetFixture(1);
  const auto plain = Packet(f, false);
  std::vector<uint8_t> out(2048);
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.sender->ProtectRtp(plain, out.data(), out.size()));
  }
}

void BM_Forward(benchmark::State& state) { RunForward(state, true); }
void BM_ForwardSendmmsg(benchmark::State& state) { RunForward(state, false); }

BENCHMARK(BM_SrtpProtectOnly);
BENCHMARK(BM_Forward)->Arg(1)->Arg(10)->Arg(100)->Arg(500)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ForwardSendmmsg)->Arg(1)->Arg(10)->Arg(100)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tr::media

BENCHMARK_MAIN();
