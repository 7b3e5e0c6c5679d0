// libFuzzer target: untrusted DTLS datagrams into DtlsTransport.
//
// Input format (so the fuzzer can reach both roles and multi-datagram exchanges):
//   byte 0        flags: bit 0 = our transport is the DTLS client (it sends its ClientHello
//                 first, the input plays the server), bit 1 = start without the remote
//                 fingerprint and set it after the datagrams (mediasoup's late `connect`),
//                 bit 2 = fire the retransmission timer after every datagram
//   then          datagrams, each as a 2-byte big-endian length and that many bytes; a
//                 length running past the end takes what is left.
// Every datagram is also run through the record screen (IsPlausibleDtlsDatagram) on its
// own. A fresh transport per input: no state leaks between inputs, and ASan/LSan see
// every SSL object freed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "common/log.h"
#include "media/dtls/dtls_certificate.h"
#include "media/dtls/dtls_record.h"
#include "media/dtls/dtls_transport.h"
#include "media/srtp/srtp_session.h"

namespace {

using tr::media::DtlsTransport;
using tr::media::SrtpProfile;
using tr::media::SrtpSession;

class Sink : public DtlsTransport::Listener {
 public:
  void OnDtlsSendPacket(DtlsTransport*, const uint8_t* data, std::size_t len) override {
    // Everything the transport emits must itself be well-formed DTLS.
    if (len == 0 || !DtlsTransport::IsDtls(data, len)) __builtin_trap();
  }
  void OnDtlsConnected(DtlsTransport*, SrtpProfile profile, std::span<const uint8_t> local,
                       std::span<const uint8_t> remote) override {
    // Would need the peer's private key to get here; if the fuzzer ever does, the keys must
    // still make working sessions.
    auto out = SrtpSession::CreateFromKeyAndSalt(SrtpSession::Direction::kOutbound, profile, local);
    auto in = SrtpSession::CreateFromKeyAndSalt(SrtpSession::Direction::kInbound, profile, remote);
    if (!out || !in) __builtin_trap();
  }
  void OnDtlsFailed(DtlsTransport*, DtlsTransport::Failure) override {}
  void OnDtlsClosed(DtlsTransport*) override {}
  void OnDtlsApplicationData(DtlsTransport*, const uint8_t*, std::size_t) override {}
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  tr::log::SetLevel(tr::log::Level::kError);  // failures are expected; keep stderr quiet
  (void)tr::media::DtlsCertificate::Process();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  std::span<const uint8_t> rest(data + 1, size - 1);

  static const std::string kFingerprint =
      tr::media::DtlsCertificate::Process().Fingerprint("sha-256");
  Sink sink;
  DtlsTransport transport(&sink);
  const bool client = (flags & 1) != 0;
  const bool late_fingerprint = (flags & 2) != 0;
  const bool fire_timer = (flags & 4) != 0;
  transport.Start(client ? DtlsTransport::Role::kClient : DtlsTransport::Role::kServer,
                  late_fingerprint ? "" : "sha-256", late_fingerprint ? "" : kFingerprint);

  while (!rest.empty()) {
    std::size_t len = rest.size();
    if (rest.size() >= 2) {
      len = std::min<std::size_t>((std::size_t{rest[0]} << 8) | rest[1], rest.size() - 2);
      rest = rest.subspan(2);
    }
    const std::span<const uint8_t> datagram = rest.first(len);
    rest = rest.subspan(len);
    (void)tr::media::ParseDtlsRecordHeader(datagram);
    (void)tr::media::IsPlausibleDtlsDatagram(datagram);
    transport.HandleRecord(datagram.data(), datagram.size());
    if (fire_timer) {
      (void)transport.NextTimeoutMs();
      transport.OnTimer();  // not yet due: must be a no-op
    }
  }
  if (late_fingerprint) transport.SetRemoteFingerprint("sha-256", kFingerprint);
  const uint8_t probe[] = {0x13, 0x88, 0x13, 0x88};
  (void)transport.SendApplicationData(probe, sizeof probe);
  transport.Close();
  return 0;
}
