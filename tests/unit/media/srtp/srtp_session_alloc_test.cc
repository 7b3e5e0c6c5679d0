// Checks the packet-path rule of STYLE.md §3 for SrtpSession: protect/unprotect allocate
// nothing beyond what libsrtp's own srtp_protect/srtp_unprotect do. malloc is interposed
// for this test binary (forwarding to glibc) to count calls; under AddressSanitizer the
// interposition is not possible and the test is skipped.
//
// With libsrtp2 built against OpenSSL (scripts/build-libsrtp.sh; TR_LIBSRTP_OPENSSL), the
// budget inside libsrtp is fixed too: AEAD_AES_128_GCM allocates nothing at all, and
// AES_CM_128_HMAC_SHA1_80 at most twice per protect or unprotect (OpenSSL 3.0's HMAC
// re-init and final copy the SHA-1 state with EVP_MD_CTX_copy_ex, which duplicates the
// provider context). Debian's NSS build allocates 5 and 14 times and is not held to it.
#include <gtest/gtest.h>
#include <srtp2/srtp.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <vector>

#include "media/srtp/srtp_session.h"

#if defined(__SANITIZE_ADDRESS__)
#define TR_COUNT_MALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || \
    __has_feature(thread_sanitizer)
#define TR_COUNT_MALLOC 0
#endif
#endif
#ifndef TR_COUNT_MALLOC
#define TR_COUNT_MALLOC 1
#endif

namespace {
std::atomic<bool> g_counting{false};
std::atomic<uint64_t> g_allocations{0};
}  // namespace

#if TR_COUNT_MALLOC
extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);

void* malloc(std::size_t size) noexcept {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1);
  return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) noexcept {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1);
  return __libc_calloc(count, size);
}
void* realloc(void* pointer, std::size_t size) noexcept {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1);
  return __libc_realloc(pointer, size);
}
}  // extern "C"
#endif

namespace tr::media {
namespace {

using Bytes = std::vector<uint8_t>;
constexpr int kPackets = 200;

struct RawSrtp {
  srtp_t session = nullptr;
  ~RawSrtp() {
    if (session != nullptr) srtp_dealloc(session);
  }
};

// The same policy SrtpSession builds, straight through libsrtp's API.
bool CreateRaw(RawSrtp* raw, SrtpProfile profile, bool inbound, Bytes key_and_salt) {
  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof policy);
  if (profile == SrtpProfile::kAeadAes128Gcm) {
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
  } else {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
  }
  policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
  policy.key = key_and_salt.data();
  policy.window_size = SrtpSession::kReplayWindowSize;
  policy.allow_repeat_tx = inbound ? 0 : 1;
  return srtp_create(&raw->session, &policy) == srtp_err_status_ok;
}

Bytes Rtp(uint16_t seq, std::size_t payload) {
  Bytes p = {0x80, 96, static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq), 0, 0, 0, 1, 0, 0,
             0,    42};
  p.resize(12 + payload, 0x77);
  return p;
}

struct Counts {
  uint64_t ours = 0;
  uint64_t libsrtp = 0;
};

Counts Measure(SrtpProfile profile) {
  Bytes key_and_salt(SrtpMasterKeyAndSaltLength(profile));
  for (std::size_t i = 0; i < key_and_salt.size(); ++i) key_and_salt[i] = static_cast<uint8_t>(i);
  using Direction = SrtpSession::Direction;
  auto out = SrtpSession::CreateFromKeyAndSalt(Direction::kOutbound, profile, key_and_salt);
  auto in = SrtpSession::CreateFromKeyAndSalt(Direction::kInbound, profile, key_and_salt);
  RawSrtp raw_out;
  RawSrtp raw_in;
  EXPECT_TRUE(out && in && CreateRaw(&raw_out, profile, false, key_and_salt) &&
              CreateRaw(&raw_in, profile, true, key_and_salt));
  if (!out || !in || raw_out.session == nullptr || raw_in.session == nullptr) return {};

  // Packets and buffers are prepared before counting; SSRC 42 is seen during warm-up
  // (libsrtp clones its per-SSRC stream then).
  std::vector<Bytes> plain;
  for (int i = 0; i < kPackets + 8; ++i) plain.push_back(Rtp(static_cast<uint16_t>(i), 1200));
  Bytes buffer(1300 + SrtpSession::kRtpTrailerRoom);
  std::size_t len = 0;
  auto ours = [&](int i) {
    EXPECT_TRUE(out->ProtectRtp(plain[static_cast<std::size_t>(i)].data(), 1212, buffer.data(),
                                buffer.size(), &len));
    EXPECT_TRUE(in->UnprotectRtp(buffer.data(), &len));
  };
  auto theirs = [&](int i) {
    std::memcpy(buffer.data(), plain[static_cast<std::size_t>(i)].data(), 1212);
    int n = 1212;
    EXPECT_EQ(srtp_protect(raw_out.session, buffer.data(), &n), srtp_err_status_ok);
    EXPECT_EQ(srtp_unprotect(raw_in.session, buffer.data(), &n), srtp_err_status_ok);
  };
  for (int i = 0; i < 8; ++i) {
    ours(i);
    theirs(i);
  }

  Counts counts;
  g_allocations = 0;
  g_counting = true;
  for (int i = 8; i < kPackets + 8; ++i) ours(i);
  g_counting = false;
  counts.ours = g_allocations.exchange(0);
  g_counting = true;
  for (int i = 8; i < kPackets + 8; ++i) theirs(i);
  g_counting = false;
  counts.libsrtp = g_allocations.exchange(0);
  return counts;
}

TEST(SrtpSessionAllocations, NoneBeyondLibsrtpItself) {
  if (!TR_COUNT_MALLOC) GTEST_SKIP() << "malloc cannot be interposed under a sanitizer";
  for (SrtpProfile profile : {SrtpProfile::kAeadAes128Gcm, SrtpProfile::kAes128CmHmacSha1_80}) {
    const Counts counts = Measure(profile);
#if defined(TR_LIBSRTP_OPENSSL)
    // Deterministic: ours adds nothing at all, and libsrtp stays within its budget.
    EXPECT_LE(counts.ours, counts.libsrtp) << SrtpProfileName(profile);
    const uint64_t budget_per_operation = profile == SrtpProfile::kAeadAes128Gcm ? 0 : 2;
    EXPECT_LE(counts.libsrtp, 2 * budget_per_operation * kPackets) << SrtpProfileName(profile);
#else
    // Any allocation of ours would cost at least one per packet.
    EXPECT_LE(counts.ours, counts.libsrtp + kPackets / 10) << SrtpProfileName(profile);
#endif
    std::printf(
        "%s: libsrtp allocates %.1f times per protect+unprotect (ours adds %.2f)\n",
        std::string(SrtpProfileName(profile)).c_str(),
        static_cast<double>(counts.libsrtp) / kPackets,
        (static_cast<double>(counts.ours) - static_cast<double>(counts.libsrtp)) / kPackets);
    RecordProperty(std::string(SrtpProfileName(profile)) + "_libsrtp_allocations_per_packet",
                   std::to_string(static_cast<double>(counts.libsrtp) / kPackets));
  }
}

}  // namespace
}  // namespace tr::media
