#pragma once
// One direction of SRTP/SRTCP protection for one transport, over libsrtp2.
// DOC: https://www.rfc-editor.org/rfc/rfc3711 (SRTP, AES-CM + HMAC-SHA1)
// DOC: https://www.rfc-editor.org/rfc/rfc7714 (AES-GCM for SRTP)
// DOC: https://www.rfc-editor.org/rfc/rfc5764#section-4.2 (keys come from DTLS-SRTP)
//
// A WebRTC transport owns two sessions: an inbound one keyed with the remote master key
// and salt (unprotects what the peer sent) and an outbound one keyed with the local master
// key and salt (protects what we send). The session matches every SSRC (libsrtp's
// ssrc_any_inbound / ssrc_any_outbound templates).
//
// Packet path contract (STYLE.md §3): Protect*/Unprotect* never allocate, throw or lock in
// this class; failures return false and are counted in Stats. Two things below us are not
// ours to change and are worth knowing when reading profiles:
//  - libsrtp clones its per-SSRC stream state (one heap allocation) the first time it sees
//    an SSRC, and for inbound only after that packet authenticated;
//  - we link libsrtp2 built against OpenSSL (scripts/build-libsrtp.sh): AES-GCM then
//    allocates nothing per packet; AES-CM + HMAC-SHA1 allocates twice per packet inside
//    OpenSSL 3.0's HMAC. The fallback, Debian's binary libsrtp2, is built against NSS,
//    whose AES contexts are created per packet (PK11_CreateContextBySymKey / PK11_Encrypt,
//    5-14 allocations and a lock). See bench/media_crypto and src/media/srtp/CMakeLists.txt.
//
// Thread model: one session is used by one thread at a time (its transport's worker).
// Move-only; the moved-from session fails every call.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "media/srtp/srtp_profile.h"

struct srtp_ctx_t_;

namespace tr::media {

class SrtpSession {
 public:
  enum class Direction { kInbound, kOutbound };

  // Room that ProtectRtp() needs after the packet (SRTP_MAX_TRAILER_LEN in libsrtp 2.5:
  // the largest tag plus the largest MKI; we use neither MKI nor more than a 16-byte tag,
  // but libsrtp documents that it may write this much).
  static constexpr std::size_t kRtpTrailerRoom = 144;
  // Room that ProtectRtcp() needs: the above plus the 4-byte E flag / SRTCP index.
  static constexpr std::size_t kRtcpTrailerRoom = kRtpTrailerRoom + 4;
  // Replay window in packets (RFC 3711 §3.3.2). Large enough that NACK-driven
  // retransmissions (RTX streams excepted, they have their own SSRC) still fit.
  static constexpr unsigned long kReplayWindowSize = 1024;
  // Largest packet accepted (a UDP payload).
  static constexpr std::size_t kMaxPacketSize = 65535;

  struct Stats {
    uint64_t protected_packets = 0;    // RTP + RTCP successfully protected
    uint64_t unprotected_packets = 0;  // RTP + RTCP successfully unprotected
    uint64_t auth_failures = 0;        // unprotect: tag did not verify (tampered / wrong key)
    uint64_t replay_failures = 0;      // unprotect: already seen or older than the window
    uint64_t other_failures = 0;       // bad length, bad header, wrong direction, buffer...
  };

  // Creates a session from the profile's master key and master salt (their lengths must be
  // SrtpMasterKeyLength() / SrtpMasterSaltLength()). Returns nullopt (and logs) on wrong
  // lengths or if libsrtp refuses. Control path; the key copy on the stack is wiped.
  static std::optional<SrtpSession> Create(Direction direction, SrtpProfile profile,
                                           std::span<const uint8_t> master_key,
                                           std::span<const uint8_t> master_salt);
  // Same, from key ‖ salt as DtlsTransport::Listener::OnDtlsConnected() hands them out.
  static std::optional<SrtpSession> CreateFromKeyAndSalt(
      Direction direction, SrtpProfile profile, std::span<const uint8_t> master_key_and_salt);

  SrtpSession(SrtpSession&& other) noexcept = default;
  SrtpSession& operator=(SrtpSession&& other) noexcept = default;
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;
  ~SrtpSession() = default;  // srtp_dealloc() through SrtpDeleter

  // Inbound only. Verifies and decrypts an SRTP (SRTCP) packet in place; on success *len
  // becomes the length of the plain RTP (RTCP) packet. On failure the buffer content is
  // unspecified and *len is unchanged.
  [[nodiscard]] bool UnprotectRtp(uint8_t* data, std::size_t* len);
  [[nodiscard]] bool UnprotectRtcp(uint8_t* data, std::size_t* len);

  // Outbound only. Copies the plain RTP (RTCP) packet `in`/`len` into `out` and protects it
  // there; `out_capacity` must be at least len + kRtpTrailerRoom (kRtcpTrailerRoom). `out`
  // may equal `in` (protect in place) and should be 4-byte aligned. On success *out_len is
  // the SRTP (SRTCP) length. A retransmission (same SSRC and sequence number, same
  // payload) is allowed (allow_repeat_tx).
  [[nodiscard]] bool ProtectRtp(const uint8_t* in, std::size_t len, uint8_t* out,
                                std::size_t out_capacity, std::size_t* out_len);
  [[nodiscard]] bool ProtectRtcp(const uint8_t* in, std::size_t len, uint8_t* out,
                                 std::size_t out_capacity, std::size_t* out_len);

  Direction direction() const { return direction_; }
  SrtpProfile profile() const { return profile_; }
  const Stats& stats() const { return stats_; }
  // srtp_err_status_t of the most recent failure (0 if none yet); see
  // SrtpLibrary::ErrorString().
  int last_error() const { return last_error_; }

 private:
  SrtpSession(srtp_ctx_t_* session, Direction direction, SrtpProfile profile);
  bool Protect(bool rtcp, const uint8_t* in, std::size_t len, uint8_t* out,
               std::size_t out_capacity, std::size_t* out_len);
  bool Unprotect(bool rtcp, uint8_t* data, std::size_t* len);
  void Fail(int status);

  struct SrtpDeleter {
    void operator()(srtp_ctx_t_* session) const noexcept;
  };

  std::unique_ptr<srtp_ctx_t_, SrtpDeleter> session_;
  Direction direction_;
  SrtpProfile profile_;
  Stats stats_;
  int last_error_ = 0;
};

}  // namespace tr::media
