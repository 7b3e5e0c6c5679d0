// Micro-benchmarks for the media plane's crypto (figures, never pass/fail).
//
//  BM_SrtpProtectRtp / BM_SrtpUnprotectRtp   SrtpSession over the system libsrtp2, per
//      packet: protect copies the RTP packet into a send buffer and encrypts it there (the
//      fan-out path, once per consumer); unprotect decrypts in place (once per received
//      packet). Args: {profile (0 = AEAD_AES_128_GCM, 1 = AES_CM_128_HMAC_SHA1_80),
//      payload bytes}.
//  BM_EvpFloor  the same cipher work straight through OpenSSL's EVP with a context
//      reused across packets (no libsrtp, no allocation): what the packet costs at best.
//  BM_DtlsHandshake  two DtlsTransports completing a handshake in memory (ECDHE P-256 /
//      X25519, ECDSA P-256 both ways), plus SRTP key export.
//  BM_DtlsCertificateGenerate  one ECDSA P-256 key and self-signed certificate.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "media/dtls/dtls_certificate.h"
#include "media/dtls/dtls_transport.h"
#include "media/srtp/srtp_session.h"

namespace tr::media {
namespace {

using Bytes = std::vector<uint8_t>;
using Direction = SrtpSession::Direction;

SrtpProfile ProfileArg(int64_t arg) {
  return arg == 0 ? SrtpProfile::kAeadAes128Gcm : SrtpProfile::kAes128CmHmacSha1_80;
}

Bytes KeyAndSalt(SrtpProfile profile) {
  Bytes key(SrtpMasterKeyAndSaltLength(profile));
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 11 + 3);
  return key;
}

// RTP header (12 bytes, SSRC 0x01020304) + payload; total = 12 + payload.
Bytes Rtp(uint16_t seq, std::size_t payload) {
  Bytes p = {
      0x80, 96, static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq), 0, 0, 0x10, 0, 1, 2,
      3,    4};
  p.resize(12 + payload);
  for (std::size_t i = 12; i < p.size(); ++i) p[i] = static_cast<uint8_t>(i);
  return p;
}

void SetLabel(benchmark::State& state, SrtpProfile profile) {
  state.SetLabel(std::string(SrtpProfileCipherName(profile)));
}

void BM_SrtpProtectRtp(benchmark::State& state) {
  const SrtpProfile profile = ProfileArg(state.range(0));
  const auto payload = static_cast<std::size_t>(state.range(1));
  auto session =
      SrtpSession::CreateFromKeyAndSalt(Direction::kOutbound, profile, KeyAndSalt(profile));
  if (!session) {
    state.SkipWithError("cannot create session");
    return;
  }
  Bytes plain = Rtp(0, payload);
  alignas(16) static thread_local uint8_t out[65536];
  std::size_t len = 0;
  uint16_t seq = 0;
  for (auto _ : state) {
    plain[2] = static_cast<uint8_t>(seq >> 8);
    plain[3] = static_cast<uint8_t>(seq);
    ++seq;
    if (!session->ProtectRtp(plain.data(), plain.size(), out, sizeof out, &len)) {
      state.SkipWithError("protect failed");
      return;
    }
    benchmark::DoNotOptimize(out[len - 1]);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(plain.size()));
  SetLabel(state, profile);
}

void BM_SrtpUnprotectRtp(benchmark::State& state) {
  const SrtpProfile profile = ProfileArg(state.range(0));
  const auto payload = static_cast<std::size_t>(state.range(1));
  const Bytes key = KeyAndSalt(profile);
  // A batch of distinct protected packets; every batch gets a fresh receiver (replay
  // protection would reject a second pass) and fresh copies, outside the timed region.
  constexpr int kBatch = 4096;
  auto sender = SrtpSession::CreateFromKeyAndSalt(Direction::kOutbound, profile, key);
  std::vector<Bytes> pristine;
  for (int i = 0; i < kBatch; ++i) {
    const Bytes plain = Rtp(static_cast<uint16_t>(i), payload);
    Bytes packet(plain.size() + SrtpSession::kRtpTrailerRoom);
    std::size_t len = 0;
    if (!sender ||
        !sender->ProtectRtp(plain.data(), plain.size(), packet.data(), packet.size(), &len)) {
      state.SkipWithError("protect failed");
      return;
    }
    packet.resize(len);
    pristine.push_back(std::move(packet));
  }
  std::vector<Bytes> work = pristine;
  std::optional<SrtpSession> receiver;
  int next = kBatch;
  for (auto _ : state) {
    if (next == kBatch) {
      state.PauseTiming();
      receiver = SrtpSession::CreateFromKeyAndSalt(Direction::kInbound, profile, key);
      for (int i = 0; i < kBatch; ++i)
        std::memcpy(work[i].data(), pristine[i].data(), pristine[i].size());
      next = 0;
      state.ResumeTiming();
    }
    Bytes& packet = work[static_cast<std::size_t>(next++)];
    std::size_t len = packet.size();
    if (!receiver->UnprotectRtp(packet.data(), &len)) {
      state.SkipWithError("unprotect failed");
      return;
    }
    benchmark::DoNotOptimize(packet[len - 1]);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(12 + payload));
  SetLabel(state, profile);
}

// The cipher work of one SRTP protect done directly with EVP and reused contexts: AES-128-
// GCM with a per-packet IV and a 16-byte tag, or AES-128-CTR plus HMAC-SHA1 over header,
// payload and ROC. No key derivation, no replay database.
void BM_EvpFloor(benchmark::State& state) {
  const SrtpProfile profile = ProfileArg(state.range(0));
  const auto payload = static_cast<std::size_t>(state.range(1));
  Bytes packet = Rtp(1, payload);
  packet.resize(packet.size() + 32);
  const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  const uint8_t auth_key[20] = {7};
  uint8_t iv[16] = {};
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  const bool gcm = profile == SrtpProfile::kAeadAes128Gcm;
  EVP_EncryptInit_ex(ctx, gcm ? EVP_aes_128_gcm() : EVP_aes_128_ctr(), nullptr, key, nullptr);
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* hmac = EVP_MAC_CTX_new(mac);
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", const_cast<char*>("SHA1"), 0),
                         OSSL_PARAM_construct_end()};
  EVP_MAC_init(hmac, auth_key, sizeof auth_key, params);
  uint32_t counter = 0;
  for (auto _ : state) {
    std::memcpy(iv + 8, &counter, sizeof counter);
    ++counter;
    int n = 0;
    uint8_t* body = packet.data() + 12;
    const int body_len = static_cast<int>(payload);
    if (gcm) {
      EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, iv);
      EVP_EncryptUpdate(ctx, nullptr, &n, packet.data(), 12);
      EVP_EncryptUpdate(ctx, body, &n, body, body_len);
      EVP_EncryptFinal_ex(ctx, body + body_len, &n);
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, body + body_len);
    } else {
      EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, iv);
      EVP_EncryptUpdate(ctx, body, &n, body, body_len);
      uint8_t tag[20];
      std::size_t tag_len = 0;
      EVP_MAC_init(hmac, nullptr, 0, nullptr);
      EVP_MAC_update(hmac, packet.data(), 12 + payload + 4);
      EVP_MAC_final(hmac, tag, &tag_len, sizeof tag);
      std::memcpy(body + body_len, tag, 10);
    }
    benchmark::DoNotOptimize(packet[12 + payload]);
  }
  EVP_MAC_CTX_free(hmac);
  EVP_MAC_free(mac);
  EVP_CIPHER_CTX_free(ctx);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(12 + payload));
  SetLabel(state, profile);
}

struct Peer : DtlsTransport::Listener {
  void OnDtlsSendPacket(DtlsTransport*, const uint8_t* data, std::size_t len) override {
    outbox.emplace_back(data, data + len);
  }
  void OnDtlsConnected(DtlsTransport*, SrtpProfile, std::span<const uint8_t>,
                       std::span<const uint8_t>) override {
    connected = true;
  }
  void OnDtlsFailed(DtlsTransport*, DtlsTransport::Failure) override { failed = true; }
  void OnDtlsClosed(DtlsTransport*) override {}
  void OnDtlsApplicationData(DtlsTransport*, const uint8_t*, std::size_t) override {}
  std::deque<Bytes> outbox;
  bool connected = false;
  bool failed = false;
};

void BM_DtlsHandshake(benchmark::State& state) {
  static const auto client_certificate = DtlsCertificate::Generate();
  static const auto server_certificate = DtlsCertificate::Generate();
  const std::string client_fingerprint = client_certificate->Fingerprint("sha-256");
  const std::string server_fingerprint = server_certificate->Fingerprint("sha-256");
  int64_t datagrams = 0;
  for (auto _ : state) {
    Peer client;
    Peer server;
    DtlsTransport::Options client_options;
    client_options.certificate = &*client_certificate;
    DtlsTransport::Options server_options;
    server_options.certificate = &*server_certificate;
    DtlsTransport client_transport(&client, client_options);
    DtlsTransport server_transport(&server, server_options);
    server_transport.Start(DtlsTransport::Role::kServer, "sha-256", client_fingerprint);
    client_transport.Start(DtlsTransport::Role::kClient, "sha-256", server_fingerprint);
    while (!client.outbox.empty() || !server.outbox.empty()) {
      while (!client.outbox.empty()) {
        Bytes d = std::move(client.outbox.front());
        client.outbox.pop_front();
        ++datagrams;
        server_transport.HandleRecord(d.data(), d.size());
      }
      while (!server.outbox.empty()) {
        Bytes d = std::move(server.outbox.front());
        server.outbox.pop_front();
        ++datagrams;
        client_transport.HandleRecord(d.data(), d.size());
      }
    }
    if (!client.connected || !server.connected) {
      state.SkipWithError("handshake failed");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["datagrams"] =
      benchmark::Counter(static_cast<double>(datagrams), benchmark::Counter::kAvgIterations);
}

void BM_DtlsCertificateGenerate(benchmark::State& state) {
  for (auto _ : state) {
    auto certificate = DtlsCertificate::Generate();
    benchmark::DoNotOptimize(certificate);
  }
}

void Sizes(benchmark::internal::Benchmark* b) {
  for (int profile : {0, 1}) {
    for (int payload : {148, 1188}) b->Args({profile, payload});  // 160 / 1200 bytes with header
  }
}

BENCHMARK(BM_SrtpProtectRtp)->Apply(Sizes);
BENCHMARK(BM_SrtpProtectRtp)->Args({0, 1188})->Threads(2);
BENCHMARK(BM_SrtpUnprotectRtp)->Apply(Sizes);
BENCHMARK(BM_EvpFloor)->Apply(Sizes);
BENCHMARK(BM_DtlsHandshake)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DtlsCertificateGenerate)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tr::media
