// libFuzzer target for the STUN message view and builder (media/stun).
//
// Parses the input, calls every getter and both checks, then builds the responses an
// ICE-lite server would send for it and requires that they parse and verify again.
// Seeds: tests/fuzz/corpus/stun/.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "media/stun/stun_builder.h"
#include "media/stun/stun_message.h"
#include "fuzz_check.h"

namespace {

using tr::media::HmacSha1;
using tr::media::StunAddress;
using tr::media::StunBuilder;
using tr::media::StunMessage;

volatile uint64_t g_sink = 0;

void Consume(const StunMessage& m) {
  uint64_t h = m.Type() + m.Method() + static_cast<uint64_t>(m.Class()) + m.Size();
  h += m.IsBindingRequest();
  for (uint8_t b : m.TransactionId()) {
    h += b;
  }
  if (auto v = m.Username()) h += v->size();
  if (auto v = m.Software()) h += v->size();
  if (auto v = m.Realm()) h += v->size();
  if (auto v = m.Nonce()) h += v->size();
  if (auto v = m.Priority()) h += *v;
  if (auto v = m.IceControlling()) h += *v;
  if (auto v = m.IceControlled()) h += *v;
  if (auto v = m.Nomination()) h += *v;
  if (auto v = m.XorMappedAddress()) h += v->port + v->ip[0] + v->IpSize();
  if (auto v = m.ErrorCode()) {
    FUZZ_CHECK(v->code >= 300 && v->code <= 699);
    h += v->code + v->reason.size();
  }
  h += m.HasUseCandidate() + m.HasMessageIntegrity() + m.HasMessageIntegritySha256() +
       m.HasFingerprint() + m.MessageIntegritySha256().size();
  for (uint16_t t : m.UnknownRequiredAttributes()) {
    FUZZ_CHECK(t < 0x8000);
    h += t;
  }
  h += m.HasUnknownRequiredAttributes();
  h += m.CheckIntegrity("VOkJxbRl1RmTxUk/WvJxBt");
  h += m.CheckFingerprint();
  std::size_t total = tr::media::kStunHeaderSize;
  m.ForEachAttribute([&](uint16_t type, std::span<const uint8_t> value) {
    h += type + value.size();
    total += 4 + ((value.size() + 3) & ~std::size_t{3});
  });
  FUZZ_CHECK(total == m.Size());
  g_sink = g_sink + h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  // Exactly sized heap copy: any read past the end is caught by ASan.
  const std::vector<uint8_t> input(data, data + size);
  const bool is_stun = StunMessage::IsStun(input);
  const auto m = StunMessage::Parse(input);
  if (!m) {
    return 0;
  }
  FUZZ_CHECK(is_stun || input[0] > 3);  // Parse accepts first bytes up to 0x3F
  Consume(*m);

  // The responses an ICE-lite server would send back must parse and verify.
  const HmacSha1 key("server-password");
  StunAddress mapped = StunAddress::Ipv4({203, 0, 113, 7}, 54321);
  if (const auto xma = m->XorMappedAddress()) {
    mapped = *xma;
  }
  std::vector<uint8_t> out(128);
  const std::size_t n = StunBuilder::BuildBindingSuccess(out, m->TransactionId(), mapped, key);
  FUZZ_CHECK(n == (mapped.family == StunAddress::Family::kIpv4 ? 64u : 76u));
  const auto response = StunMessage::Parse(std::span<const uint8_t>(out).first(n));
  FUZZ_CHECK(response && response->CheckIntegrity(key) && response->CheckFingerprint());
  FUZZ_CHECK(response->XorMappedAddress() == mapped);

  std::vector<uint8_t> err(128);
  const std::size_t e = StunBuilder::BuildBindingError(
      err, m->TransactionId(), m->HasUnknownRequiredAttributes() ? 420 : 401, {},
      m->UnknownRequiredAttributes());
  FUZZ_CHECK(e > 0);
  const auto error = StunMessage::Parse(std::span<const uint8_t>(err).first(e));
  FUZZ_CHECK(error && error->CheckFingerprint() && error->ErrorCode());

  // Echo the request's USERNAME into a request of our own, into a buffer cut to a size
  // taken from the input: either it fits and round-trips, or the builder reports 0.
  if (const auto user = m->Username()) {
    std::vector<uint8_t> req(size % 600);
    StunBuilder b(req);
    b.Begin(tr::media::kStunBindingRequest, m->TransactionId());
    b.AddUsername(*user);
    b.AddPriority(m->Priority().value_or(1));
    b.AddMessageIntegrity(key);
    b.AddFingerprint();
    if (const std::size_t r = b.Finish()) {
      const auto again = StunMessage::Parse(std::span<const uint8_t>(req).first(r));
      FUZZ_CHECK(again && again->Username() == user && again->CheckIntegrity(key) &&
                 again->CheckFingerprint());
    }
  }
  return 0;
}
