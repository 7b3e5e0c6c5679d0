// libFuzzer target for tr::auth::JwtVerifier::Verify, the first code that sees a bearer token.
// Each input is used twice:
//  1. as a token, against a verifier with an RS256 key and an HS256 secret (header parsing,
//     base64url, algorithm and key selection, signature checks);
//  2. as the payload of a token correctly signed with the HS256 secret, so the claim parsing
//     behind the signature check is reached too.
// Seeds: tests/fuzz/corpus/jwt/ (HS256 seeds use kSecret below and expire in 2100).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/jwt.h"
#include "auth/signing_key.h"
#include "common/base64.h"
#include "common/digest.h"

namespace {

constexpr char kSecret[] = "fuzz-secret-0123456789abcdef0123456789";
constexpr int64_t kNow = 1800000000;

const tr::auth::JwtVerifier& Verifier() {
  static const tr::auth::JwtVerifier verifier = [] {
    tr::auth::JwtVerifier::Options options;
    options.issuer = "https://tradingroom.example";
    options.audience = "authenticated";
    tr::auth::JwtVerifier v(options);
    v.AddRsaKey(tr::auth::SigningKey::Generate());
    v.SetHs256Secret(kSecret);
    return v;
  }();
  return verifier;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const tr::auth::JwtVerifier& verifier = Verifier();
  std::string_view input(reinterpret_cast<const char*>(data), size);

  tr::auth::JwtResult as_token = verifier.Verify(input, kNow);
  if (as_token.Ok() && as_token.claims.sub.empty()) {
    __builtin_trap();  // "sub" is required
  }

  std::string signed_token =
      tr::Base64UrlEncode(R"({"alg":"HS256","typ":"JWT"})") + "." + tr::Base64UrlEncode(input);
  auto mac = tr::HmacSha256(kSecret, signed_token);
  signed_token += "." + tr::Base64UrlEncode(std::string_view(
                            reinterpret_cast<const char*>(mac.data()), mac.size()));
  tr::auth::JwtResult as_payload = verifier.Verify(signed_token, kNow);
  if (as_payload.Ok() && !as_payload.claims.payload.is_object()) {
    __builtin_trap();
  }
  return 0;
}
