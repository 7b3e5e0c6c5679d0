#include "media/srtp/srtp_session.h"

#include <srtp2/srtp.h>

#include <array>
#include <cstring>
#include <string>
#include <utility>

#include "common/log.h"
#include "media/srtp/srtp_library.h"

namespace tr::media {
namespace {

constexpr std::string_view kComponent = "srtp";

static_assert(SrtpSession::kRtpTrailerRoom == SRTP_MAX_TRAILER_LEN);
static_assert(SrtpMasterKeyLength(SrtpProfile::kAeadAes128Gcm) == SRTP_AES_128_KEY_LEN);
static_assert(SrtpMasterSaltLength(SrtpProfile::kAeadAes128Gcm) == SRTP_AEAD_SALT_LEN);
static_assert(SrtpMasterSaltLength(SrtpProfile::kAes128CmHmacSha1_80) == SRTP_SALT_LEN);
static_assert(SrtpMasterKeyAndSaltLength(SrtpProfile::kAeadAes128Gcm) ==
              SRTP_AES_GCM_128_KEY_LEN_WSALT);
static_assert(SrtpMasterKeyAndSaltLength(SrtpProfile::kAes128CmHmacSha1_80) ==
              SRTP_AES_ICM_128_KEY_LEN_WSALT);

// Smallest packets libsrtp can process: the fixed RTP header, and the first RTCP header
// word plus the sender SSRC.
constexpr std::size_t kMinRtpLength = 12;
constexpr std::size_t kMinRtcpLength = 8;

// Overwrites key material in a way the optimiser may not drop.
void Wipe(void* data, std::size_t size) {
  volatile uint8_t* p = static_cast<volatile uint8_t*>(data);
  for (std::size_t i = 0; i < size; ++i) p[i] = 0;
}

}  // namespace

void SrtpSession::SrtpDeleter::operator()(srtp_ctx_t_* session) const noexcept {
  const srtp_err_status_t status = srtp_dealloc(session);
  if (status != srtp_err_status_ok) {
    log::Warn(kComponent, "srtp_dealloc failed",
              {{"error", std::string(SrtpLibrary::ErrorString(status))}});
  }
}

std::optional<SrtpSession> SrtpSession::Create(Direction direction, SrtpProfile profile,
                                               std::span<const uint8_t> master_key,
                                               std::span<const uint8_t> master_salt) {
  if (master_key.size() != SrtpMasterKeyLength(profile) ||
      master_salt.size() != SrtpMasterSaltLength(profile)) {
    log::Warn(kComponent, "wrong master key or salt length",
              {{"profile", std::string(SrtpProfileName(profile))},
               {"key_length", master_key.size()},
               {"salt_length", master_salt.size()}});
    return std::nullopt;
  }
  if (!SrtpLibrary::Initialize()) return std::nullopt;

  // libsrtp wants master key ‖ master salt in one buffer; it copies it during srtp_create.
  std::array<uint8_t, kSrtpMaxMasterKeyAndSaltLength> key{};
  std::memcpy(key.data(), master_key.data(), master_key.size());
  std::memcpy(key.data() + master_key.size(), master_salt.data(), master_salt.size());

  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof policy);
  switch (profile) {
    case SrtpProfile::kAeadAes128Gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
      break;
    case SrtpProfile::kAes128CmHmacSha1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      break;
  }
  policy.ssrc.type = direction == Direction::kInbound ? ssrc_any_inbound : ssrc_any_outbound;
  policy.ssrc.value = 0;
  policy.key = key.data();
  policy.window_size = kReplayWindowSize;
  // Retransmissions (NACK) re-send a packet with the same sequence number and payload;
  // only meaningful, and only enabled, for the sending side.
  policy.allow_repeat_tx = direction == Direction::kOutbound ? 1 : 0;
  policy.next = nullptr;

  srtp_t session = nullptr;
  const srtp_err_status_t status = srtp_create(&session, &policy);
  Wipe(key.data(), key.size());
  if (status != srtp_err_status_ok) {
    log::Warn(kComponent, "srtp_create failed",
              {{"profile", std::string(SrtpProfileName(profile))},
               {"error", std::string(SrtpLibrary::ErrorString(status))}});
    if (session != nullptr) srtp_dealloc(session);
    return std::nullopt;
  }
  return SrtpSession(session, direction, profile);
}

std::optional<SrtpSession> SrtpSession::CreateFromKeyAndSalt(
    Direction direction, SrtpProfile profile, std::span<const uint8_t> master_key_and_salt) {
  if (master_key_and_salt.size() != SrtpMasterKeyAndSaltLength(profile)) {
    log::Warn(kComponent, "wrong master key and salt length",
              {{"profile", std::string(SrtpProfileName(profile))},
               {"length", master_key_and_salt.size()}});
    return std::nullopt;
  }
  const std::size_t key_length = SrtpMasterKeyLength(profile);
  return Create(direction, profile, master_key_and_salt.first(key_length),
                master_key_and_salt.subspan(key_length));
}

SrtpSession::SrtpSession(srtp_ctx_t_* session, Direction direction, SrtpProfile profile)
    : session_(session), direction_(direction), profile_(profile) {}

bool SrtpSession::UnprotectRtp(uint8_t* data, std::size_t* len) {
  return Unprotect(/*rtcp=*/false, data, len);
}

bool SrtpSession::UnprotectRtcp(uint8_t* data, std::size_t* len) {
  return Unprotect(/*rtcp=*/true, data, len);
}

bool SrtpSession::ProtectRtp(const uint8_t* in, std::size_t len, uint8_t* out,
                             std::size_t out_capacity, std::size_t* out_len) {
  return Protect(/*rtcp=*/false, in, len, out, out_capacity, out_len);
}

bool SrtpSession::ProtectRtcp(const uint8_t* in, std::size_t len, uint8_t* out,
                              std::size_t out_capacity, std::size_t* out_len) {
  return Protect(/*rtcp=*/true, in, len, out, out_capacity, out_len);
}

bool SrtpSession::Protect(bool rtcp, const uint8_t* in, std::size_t len, uint8_t* out,
                          std::size_t out_capacity, std::size_t* out_len) {
  const std::size_t trailer = rtcp ? kRtcpTrailerRoom : kRtpTrailerRoom;
  if (session_ == nullptr || direction_ != Direction::kOutbound || in == nullptr ||
      out == nullptr || out_len == nullptr || len < (rtcp ? kMinRtcpLength : kMinRtpLength) ||
      len > kMaxPacketSize || out_capacity < len + trailer) {
    Fail(srtp_err_status_bad_param);
    return false;
  }
  if (out != in) std::memmove(out, in, len);
  int length = static_cast<int>(len);
  const srtp_err_status_t status = rtcp ? srtp_protect_rtcp(session_.get(), out, &length)
                                        : srtp_protect(session_.get(), out, &length);
  if (status != srtp_err_status_ok) {
    Fail(status);
    return false;
  }
  *out_len = static_cast<std::size_t>(length);
  ++stats_.protected_packets;
  return true;
}

bool SrtpSession::Unprotect(bool rtcp, uint8_t* data, std::size_t* len) {
  if (session_ == nullptr || direction_ != Direction::kInbound || data == nullptr ||
      len == nullptr || *len < (rtcp ? kMinRtcpLength : kMinRtpLength) || *len > kMaxPacketSize) {
    Fail(srtp_err_status_bad_param);
    return false;
  }
  int length = static_cast<int>(*len);
  const srtp_err_status_t status = rtcp ? srtp_unprotect_rtcp(session_.get(), data, &length)
                                        : srtp_unprotect(session_.get(), data, &length);
  if (status != srtp_err_status_ok) {
    Fail(status);
    return false;
  }
  *len = static_cast<std::size_t>(length);
  ++stats_.unprotected_packets;
  return true;
}

void SrtpSession::Fail(int status) {
  last_error_ = status;
  switch (status) {
    case srtp_err_status_auth_fail:
      ++stats_.auth_failures;
      break;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
      ++stats_.replay_failures;
      break;
    default:
      ++stats_.other_failures;
      break;
  }
}

}  // namespace tr::media
