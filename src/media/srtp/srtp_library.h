#pragma once
// The one place that talks to libsrtp2 as a library: process-wide initialisation, its log
// output and its error codes (the Dep* wrapper of STYLE.md §2.1 for libsrtp2).
#include <string_view>

namespace tr::media {

class SrtpLibrary {
 public:
  SrtpLibrary() = delete;

  // Runs srtp_init() (and installs a log handler that forwards libsrtp's error and warning
  // reports to tr::log, rate limited) exactly once per process. Thread-safe: any thread may
  // call it any number of times. Returns false if libsrtp failed its self-tests; then no
  // SrtpSession can be created.
  static bool Initialize();

  // Text for a srtp_err_status_t value ("auth_fail", "replay_fail", ...); "unknown" for
  // values libsrtp does not define. Never allocates.
  static std::string_view ErrorString(int srtp_err_status);

  // libsrtp's version string, e.g. "libsrtp2 2.5.0".
  static std::string_view Version();
};

}  // namespace tr::media
