#include "media/srtp/srtp_library.h"

#include <srtp2/srtp.h>

#include <atomic>
#include <string>

#include "common/log.h"

namespace tr::media {
namespace {

constexpr std::string_view kComponent = "srtp";

// libsrtp reports rarely (self-test failures, key limits), but a report could in principle
// follow packets; log the first 100 and then one in 1000 so it never floods.
std::atomic<uint64_t> g_reports{0};

void OnSrtpLog(srtp_log_level_t level, const char* msg, void* /*data*/) {
  if (level != srtp_log_level_error && level != srtp_log_level_warning) return;
  const uint64_t n = g_reports.fetch_add(1, std::memory_order_relaxed);
  if (n >= 100 && n % 1000 != 0) return;
  log::Warn(kComponent, "libsrtp report",
            {{"level", level == srtp_log_level_error ? "error" : "warning"},
             {"message", msg != nullptr ? msg : ""},
             {"count", n + 1}});
}

}  // namespace

bool SrtpLibrary::Initialize() {
  static const bool ok = [] {
    const srtp_err_status_t status = srtp_init();
    if (status != srtp_err_status_ok) {
      log::Error(kComponent, "srtp_init failed", {{"error", std::string(ErrorString(status))}});
      return false;
    }
    srtp_install_log_handler(&OnSrtpLog, nullptr);
    log::Debug(kComponent, "libsrtp initialized", {{"version", std::string(Version())}});
    return true;
  }();
  return ok;
}

std::string_view SrtpLibrary::ErrorString(int srtp_err_status) {
  switch (srtp_err_status) {  // an int: values outside the enum are not UB here
    case srtp_err_status_ok:
      return "ok";
    case srtp_err_status_fail:
      return "fail";
    case srtp_err_status_bad_param:
      return "bad_param";
    case srtp_err_status_alloc_fail:
      return "alloc_fail";
    case srtp_err_status_dealloc_fail:
      return "dealloc_fail";
    case srtp_err_status_init_fail:
      return "init_fail";
    case srtp_err_status_terminus:
      return "terminus";
    case srtp_err_status_auth_fail:
      return "auth_fail";
    case srtp_err_status_cipher_fail:
      return "cipher_fail";
    case srtp_err_status_replay_fail:
      return "replay_fail";
    case srtp_err_status_replay_old:
      return "replay_old";
    case srtp_err_status_algo_fail:
      return "algo_fail";
    case srtp_err_status_no_such_op:
      return "no_such_op";
    case srtp_err_status_no_ctx:
      return "no_ctx";
    case srtp_err_status_cant_check:
      return "cant_check";
    case srtp_err_status_key_expired:
      return "key_expired";
    case srtp_err_status_socket_err:
      return "socket_err";
    case srtp_err_status_signal_err:
      return "signal_err";
    case srtp_err_status_nonce_bad:
      return "nonce_bad";
    case srtp_err_status_read_fail:
      return "read_fail";
    case srtp_err_status_write_fail:
      return "write_fail";
    case srtp_err_status_parse_err:
      return "parse_err";
    case srtp_err_status_encode_err:
      return "encode_err";
    case srtp_err_status_semaphore_err:
      return "semaphore_err";
    case srtp_err_status_pfkey_err:
      return "pfkey_err";
    case srtp_err_status_bad_mki:
      return "bad_mki";
    case srtp_err_status_pkt_idx_old:
      return "pkt_idx_old";
    case srtp_err_status_pkt_idx_adv:
      return "pkt_idx_adv";
  }
  return "unknown";
}

std::string_view SrtpLibrary::Version() {
  const char* version = srtp_get_version_string();
  return version != nullptr ? std::string_view(version) : std::string_view();
}

}  // namespace tr::media
