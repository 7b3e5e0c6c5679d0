#pragma once
// The one place that talks to OpenSSL as a library for the media plane: one-time
// initialisation and the thread-local error queue (the Dep* wrapper of STYLE.md §2.1).
#include <string>

namespace tr::media {

class OpenSslLibrary {
 public:
  OpenSslLibrary() = delete;

  // OPENSSL_init_ssl() once per process; thread-safe. Returns false if OpenSSL failed.
  static bool Initialize();

  // Empties this thread's OpenSSL error queue. Call before an SSL_* call whose result is
  // read with SSL_get_error(): stale entries left by another transport on the same worker
  // thread would otherwise be attributed to this one.
  static void ClearErrors();

  // Empties this thread's error queue and returns its entries as one line ("" if empty).
  // Control path only (allocates).
  static std::string DrainErrors();
};

}  // namespace tr::media
