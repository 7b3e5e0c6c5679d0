#include "media/dtls/openssl_library.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace tr::media {

bool OpenSslLibrary::Initialize() {
  static const bool ok =
      OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, nullptr) ==
      1;
  return ok;
}

void OpenSslLibrary::ClearErrors() { ERR_clear_error(); }

std::string OpenSslLibrary::DrainErrors() {
  std::string out;
  char buffer[256];
  while (const unsigned long code = ERR_get_error()) {
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!out.empty()) out += "; ";
    out += buffer;
  }
  return out;
}

}  // namespace tr::media
