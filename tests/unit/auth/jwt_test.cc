#include "auth/jwt.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_keys.h"
#include "common/base64.h"
#include "common/digest.h"

namespace tr::auth {
namespace {

constexpr int64_t kNow = 1800000000;
constexpr char kIssuer[] = "https://tradingroom.example";
constexpr char kAudience[] = "authenticated";
constexpr char kSecret[] = "super-secret-jwt-token-with-at-least-32-characters-long";

std::string B64(std::string_view data) { return Base64UrlEncode(data); }

std::string Hs256Token(const Json& header, const Json& payload, std::string_view secret) {
  std::string input = B64(header.dump()) + "." + B64(payload.dump());
  auto mac = HmacSha256(secret, input);
  return input + "." + B64(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

std::string Rs256Token(const Json& header, const Json& payload, EVP_PKEY* key) {
  std::string input = B64(header.dump()) + "." + B64(payload.dump());
  return input + "." + B64(testing::Rs256Signature(key, input));
}

Claims SampleClaims() {
  Claims claims;
  claims.sub = "usr_alice";
  claims.email = "alice@example.com";
  claims.role = "authenticated";
  claims.organization_id = "org_abc123";
  claims.organization_role = "admin";
  claims.iss = kIssuer;
  claims.aud = kAudience;
  claims.iat = kNow;
  claims.exp = kNow + 900;
  return claims;
}

Json SamplePayload() { return ClaimsToPayload(SampleClaims()); }

// Two RSA keys shared by all tests (generation is slow); for key A the test also holds the
// raw private key so it can sign arbitrary headers.
class JwtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string pem = testing::RsaPrivatePem(2048);
    raw_a_ = testing::LoadPrivateKey(pem).release();
    key_a_ = new SigningKey(SigningKey::FromPem(pem));
    key_b_ = new SigningKey(SigningKey::Generate());
  }
  static void TearDownTestSuite() {
    delete key_a_;
    delete key_b_;
    EVP_PKEY_free(raw_a_);
  }

  static JwtVerifier::Options StrictOptions() {
    JwtVerifier::Options options;
    options.issuer = kIssuer;
    options.audience = kAudience;
    return options;
  }
  // Trusts key A (RS256) only.
  static JwtVerifier RsaVerifier(JwtVerifier::Options options = StrictOptions()) {
    JwtVerifier verifier(std::move(options));
    verifier.AddRsaKey(*key_a_);
    return verifier;
  }
  static JwtVerifier HsVerifier(JwtVerifier::Options options = StrictOptions()) {
    JwtVerifier verifier(std::move(options));
    verifier.SetHs256Secret(kSecret);
    return verifier;
  }
  static Json HeaderA() { return {{"alg", "RS256"}, {"typ", "JWT"}, {"kid", key_a_->KeyId()}}; }

  static inline SigningKey* key_a_ = nullptr;
  static inline SigningKey* key_b_ = nullptr;
  static inline EVP_PKEY* raw_a_ = nullptr;
};

TEST_F(JwtTest, ValidRs256TokenYieldsClaims) {
  JwtResult result = RsaVerifier().Verify(key_a_->Sign(SamplePayload()), kNow);
  ASSERT_TRUE(result.Ok()) << JwtErrorName(result.error);
  const Claims& c = result.claims;
  EXPECT_EQ(c.sub, "usr_alice");
  EXPECT_EQ(c.email, "alice@example.com");
  EXPECT_EQ(c.role, "authenticated");
  EXPECT_EQ(c.organization_id, "org_abc123");
  EXPECT_EQ(c.organization_role, "admin");
  EXPECT_EQ(c.iss, kIssuer);
  EXPECT_EQ(c.aud, kAudience);
  EXPECT_EQ(c.iat, kNow);
  EXPECT_EQ(c.exp, kNow + 900);
  EXPECT_EQ(c.nbf, 0);
  EXPECT_EQ(c.payload, SamplePayload());
}

TEST_F(JwtTest, ExpiryHonoursLeeway) {
  JwtVerifier verifier = RsaVerifier();  // leeway 30 s
  Json payload = SamplePayload();
  payload["exp"] = kNow - 10;
  EXPECT_TRUE(verifier.Verify(key_a_->Sign(payload), kNow).Ok());
  payload["exp"] = kNow - 29;
  EXPECT_TRUE(verifier.Verify(key_a_->Sign(payload), kNow).Ok());
  payload["exp"] = kNow - 30;
  EXPECT_EQ(verifier.Verify(key_a_->Sign(payload), kNow).error, JwtError::kExpired);
  payload["exp"] = kNow - 3600;
  EXPECT_EQ(verifier.Verify(key_a_->Sign(payload), kNow).error, JwtError::kExpired);

  JwtVerifier::Options no_leeway = StrictOptions();
  no_leeway.leeway_seconds = 0;
  payload["exp"] = kNow;  // "exp" is the first instant the token is no longer valid
  EXPECT_EQ(RsaVerifier(no_leeway).Verify(key_a_->Sign(payload), kNow).error,
            JwtError::kExpired);
  payload["exp"] = kNow + 1;
  EXPECT_TRUE(RsaVerifier(no_leeway).Verify(key_a_->Sign(payload), kNow).Ok());
}

TEST_F(JwtTest, NotBeforeHonoursLeeway) {
  JwtVerifier verifier = RsaVerifier();
  Json payload = SamplePayload();
  payload["nbf"] = kNow + 20;
  JwtResult result = verifier.Verify(key_a_->Sign(payload), kNow);
  EXPECT_TRUE(result.Ok());
  EXPECT_EQ(result.claims.nbf, kNow + 20);
  payload["nbf"] = kNow + 31;
  EXPECT_EQ(verifier.Verify(key_a_->Sign(payload), kNow).error, JwtError::kNotYetValid);
}

TEST_F(JwtTest, ExpAndSubAreRequired) {
  JwtVerifier verifier = RsaVerifier();
  Json payload = SamplePayload();
  payload.erase("exp");
  EXPECT_EQ(verifier.Verify(key_a_->Sign(payload), kNow).error, JwtError::kMissingClaim);

  // Supabase's anon key is a valid HS256 JWT without "sub"; it must not authenticate.
  payload = SamplePayload();
  payload.erase("sub");
  EXPECT_EQ(verifier.Verify(key_a_->Sign(payload), kNow).error, JwtError::kMissingClaim);
  payload["sub"] = "";
  EXPECT_EQ(verifier.Verify(key_a_->Sign(payload), kNow).error, JwtError::kMissingClaim);
}

TEST_F(JwtTest, ClaimsWithWrongTypesAreMalformed) {
  JwtVerifier verifier = RsaVerifier();
  const std::pair<const char*, Json> cases[] = {
      {"exp", "tomorrow"}, {"exp", nullptr},  {"nbf", true},  {"iat", Json::array()},
      {"sub", 42},         {"email", 1},      {"iss", Json::object()},
      {"aud", 7},          {"aud", Json::array({"a", 1})},
  };
  for (const auto& [name, value] : cases) {
    SCOPED_TRACE(std::string(name) + "=" + value.dump());
    Json payload = SamplePayload();
    payload[name] = value;
    EXPECT_EQ(verifier.Verify(key_a_->Sign(payload), kNow).error, JwtError::kMalformed);
  }
}

TEST_F(JwtTest, NumericDatesMayBeFractionalOrHuge) {
  JwtVerifier verifier = RsaVerifier();
  Json payload = SamplePayload();
  payload["exp"] = static_cast<double>(kNow) + 100.5;
  JwtResult result = verifier.Verify(key_a_->Sign(payload), kNow);
  ASSERT_TRUE(result.Ok());
  EXPECT_EQ(result.claims.exp, kNow + 100);

  payload["exp"] = 1e300;
  EXPECT_TRUE(verifier.Verify(key_a_->Sign(payload), kNow).Ok());
  payload["exp"] = 18446744073709551615ull;
  EXPECT_TRUE(verifier.Verify(key_a_->Sign(payload), kNow).Ok());
  payload["exp"] = -1e300;
  EXPECT_EQ(verifier.Verify(key_a_->Sign(payload), kNow).error, JwtError::kExpired);
  payload["exp"] = INT64_MIN;
  EXPECT_EQ(verifier.Verify(key_a_->Sign(payload), kNow).error, JwtError::kExpired);
}

TEST_F(JwtTest, TokenOfAnotherKeyIsRejected) {
  JwtVerifier verifier = RsaVerifier();
  // B's kid is unknown to a verifier that trusts only A.
  EXPECT_EQ(verifier.Verify(key_b_->Sign(SamplePayload()), kNow).error, JwtError::kUnknownKey);

  // B's signature presented under A's kid fails the signature check.
  std::string token_b = key_b_->Sign(SamplePayload());
  std::string forged = B64(HeaderA().dump()) + "." + B64(SamplePayload().dump()) +
                       token_b.substr(token_b.rfind('.'));
  EXPECT_EQ(verifier.Verify(forged, kNow).error, JwtError::kBadSignature);
}

TEST_F(JwtTest, UnknownKidIsRejected) {
  Json header = HeaderA();
  header["kid"] = "not-a-known-kid";
  EXPECT_EQ(RsaVerifier().Verify(Rs256Token(header, SamplePayload(), raw_a_), kNow).error,
            JwtError::kUnknownKey);
  header["kid"] = 17;
  EXPECT_EQ(RsaVerifier().Verify(Rs256Token(header, SamplePayload(), raw_a_), kNow).error,
            JwtError::kMalformed);
}

TEST_F(JwtTest, TokenWithoutKidNeedsAnUnambiguousKey) {
  std::string token = Rs256Token({{"alg", "RS256"}, {"typ", "JWT"}}, SamplePayload(), raw_a_);
  JwtVerifier one_key = RsaVerifier();
  EXPECT_TRUE(one_key.Verify(token, kNow).Ok());

  JwtVerifier two_keys = RsaVerifier();
  two_keys.AddRsaKey(*key_b_);
  EXPECT_EQ(two_keys.Verify(token, kNow).error, JwtError::kUnknownKey);
  // With a kid, each key still verifies its own tokens.
  EXPECT_TRUE(two_keys.Verify(key_a_->Sign(SamplePayload()), kNow).Ok());
  EXPECT_TRUE(two_keys.Verify(key_b_->Sign(SamplePayload()), kNow).Ok());
}

TEST_F(JwtTest, AlgNoneIsRejected) {
  JwtVerifier verifier = RsaVerifier();
  verifier.SetHs256Secret(kSecret);
  for (const char* alg : {"none", "None", "NONE", "nOnE"}) {
    SCOPED_TRACE(alg);
    std::string unsigned_token =
        B64(Json{{"alg", alg}, {"typ", "JWT"}}.dump()) + "." + B64(SamplePayload().dump()) + ".";
    EXPECT_EQ(verifier.Verify(unsigned_token, kNow).error, JwtError::kUnsupportedAlgorithm);
    // The same with a signature part attached.
    std::string valid = key_a_->Sign(SamplePayload());
    std::string with_sig = B64(Json{{"alg", alg}}.dump()) + "." + B64(SamplePayload().dump()) +
                           valid.substr(valid.rfind('.'));
    EXPECT_EQ(verifier.Verify(with_sig, kNow).error, JwtError::kUnsupportedAlgorithm);
  }
}

TEST_F(JwtTest, OtherAlgorithmsAreRejected) {
  JwtVerifier verifier = RsaVerifier();
  verifier.SetHs256Secret(kSecret);
  for (const char* alg : {"HS384", "HS512", "RS384", "RS512", "PS256", "ES256", "EdDSA", "rs256",
                          "hs256", "RS256 ", ""}) {
    SCOPED_TRACE(alg);
    Json header = {{"alg", alg}, {"typ", "JWT"}};
    EXPECT_EQ(verifier.Verify(Hs256Token(header, SamplePayload(), kSecret), kNow).error,
              JwtError::kUnsupportedAlgorithm);
  }
}

TEST_F(JwtTest, TamperedPayloadIsRejected) {
  JwtVerifier verifier = RsaVerifier();
  std::string token = key_a_->Sign(SamplePayload());
  std::size_t dot1 = token.find('.');
  std::size_t dot2 = token.rfind('.');

  // Privilege escalation attempt: same header and signature, different claims.
  Json escalated = SamplePayload();
  escalated["app_metadata"]["organization_role"] = "owner";
  std::string swapped = token.substr(0, dot1 + 1) + B64(escalated.dump()) + token.substr(dot2);
  EXPECT_EQ(verifier.Verify(swapped, kNow).error, JwtError::kBadSignature);

  // One character of the payload changed.
  std::string flipped = token;
  flipped[dot1 + 5] = flipped[dot1 + 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verifier.Verify(flipped, kNow).error, JwtError::kBadSignature);

  // Same with HS256.
  JwtVerifier hs = HsVerifier();
  std::string hs_token = Hs256Token({{"alg", "HS256"}}, SamplePayload(), kSecret);
  std::string hs_swapped = hs_token.substr(0, hs_token.find('.') + 1) + B64(escalated.dump()) +
                           hs_token.substr(hs_token.rfind('.'));
  EXPECT_EQ(hs.Verify(hs_swapped, kNow).error, JwtError::kBadSignature);
}

TEST_F(JwtTest, TamperedSignatureIsRejected) {
  JwtVerifier verifier = RsaVerifier();
  std::string token = key_a_->Sign(SamplePayload());
  std::size_t dot2 = token.rfind('.');
  std::string signature = *Base64UrlDecode(token.substr(dot2 + 1));

  std::string bit_flipped = signature;
  bit_flipped[100] = static_cast<char>(bit_flipped[100] ^ 0x01);
  EXPECT_EQ(verifier.Verify(token.substr(0, dot2 + 1) + B64(bit_flipped), kNow).error,
            JwtError::kBadSignature);
  // Truncated, extended and empty signatures.
  EXPECT_EQ(verifier.Verify(token.substr(0, dot2 + 1) + B64(signature.substr(1)), kNow).error,
            JwtError::kBadSignature);
  EXPECT_EQ(verifier.Verify(token.substr(0, dot2 + 1) + B64(signature + "x"), kNow).error,
            JwtError::kBadSignature);
  EXPECT_EQ(verifier.Verify(token.substr(0, dot2 + 1), kNow).error, JwtError::kBadSignature);
}

TEST_F(JwtTest, Hs256WithTheRightSecretOnly) {
  Json header = {{"alg", "HS256"}, {"typ", "JWT"}};
  JwtResult ok = HsVerifier().Verify(Hs256Token(header, SamplePayload(), kSecret), kNow);
  ASSERT_TRUE(ok.Ok()) << JwtErrorName(ok.error);
  EXPECT_EQ(ok.claims.sub, "usr_alice");
  EXPECT_EQ(ok.claims.organization_role, "admin");

  EXPECT_EQ(HsVerifier().Verify(Hs256Token(header, SamplePayload(), "wrong-secret"), kNow).error,
            JwtError::kBadSignature);
  // A kid in an HS256 header does not matter.
  header["kid"] = "whatever";
  EXPECT_TRUE(HsVerifier().Verify(Hs256Token(header, SamplePayload(), kSecret), kNow).Ok());
}

TEST_F(JwtTest, Hs256NeedsAConfiguredSecret) {
  std::string token = Hs256Token({{"alg", "HS256"}}, SamplePayload(), kSecret);
  // An RS256-only verifier refuses HS256 outright.
  EXPECT_EQ(RsaVerifier().Verify(token, kNow).error, JwtError::kUnsupportedAlgorithm);
  // An empty secret disables HS256 (HMAC with an empty key would be forgeable by anyone).
  JwtVerifier empty = RsaVerifier();
  empty.SetHs256Secret("");
  EXPECT_EQ(empty.Verify(Hs256Token({{"alg", "HS256"}}, SamplePayload(), ""), kNow).error,
            JwtError::kUnsupportedAlgorithm);
}

TEST_F(JwtTest, Rs256NeedsAnRsaKey) {
  EXPECT_EQ(HsVerifier().Verify(key_a_->Sign(SamplePayload()), kNow).error,
            JwtError::kUnsupportedAlgorithm);
  EXPECT_EQ(JwtVerifier().Verify(key_a_->Sign(SamplePayload()), kNow).error,
            JwtError::kUnsupportedAlgorithm);
}

// RFC 8725 section 2.1: an attacker signs an HS256 token using the server's public RSA key
// (which is public: JWKS, PEM) as the HMAC secret.
TEST_F(JwtTest, PublicKeyIsNeverUsedAsHmacSecret) {
  const std::string pem = key_a_->PublicKeyPem();
  const std::string jwk = key_a_->Jwks()["keys"][0].dump();
  const std::string n = *Base64UrlDecode(key_a_->Jwks()["keys"][0]["n"].get<std::string>());
  for (const std::string& secret : {pem, jwk, n}) {
    for (const Json& header : {Json{{"alg", "HS256"}, {"typ", "JWT"}},
                               Json{{"alg", "HS256"}, {"kid", key_a_->KeyId()}}}) {
      std::string forged = Hs256Token(header, SamplePayload(), secret);
      // Verifier that trusts only the RSA key: HS256 is not even considered.
      EXPECT_EQ(RsaVerifier().Verify(forged, kNow).error, JwtError::kUnsupportedAlgorithm);
      // Verifier that also has a (different) HS256 secret: the HMAC does not match.
      JwtVerifier both = RsaVerifier();
      both.SetHs256Secret(kSecret);
      EXPECT_EQ(both.Verify(forged, kNow).error, JwtError::kBadSignature);
    }
  }
}

// The mirror case: a deployment misconfigured with the RSA public key as its HS256 secret
// must still not accept RS256 tokens through the HMAC path, nor HS256 through the RSA path.
TEST_F(JwtTest, Rs256TokenIsNotCheckedWithHs256Secret) {
  JwtVerifier verifier(StrictOptions());
  verifier.SetHs256Secret(key_a_->PublicKeyPem());
  EXPECT_EQ(verifier.Verify(key_a_->Sign(SamplePayload()), kNow).error,
            JwtError::kUnsupportedAlgorithm);
  std::string relabelled = key_a_->Sign(SamplePayload());
  std::size_t dot1 = relabelled.find('.');
  relabelled = B64(Json{{"alg", "HS256"}, {"typ", "JWT"}}.dump()) + relabelled.substr(dot1);
  EXPECT_EQ(verifier.Verify(relabelled, kNow).error, JwtError::kBadSignature);
}

TEST_F(JwtTest, IssuerIsCheckedWhenConfigured) {
  Json payload = SamplePayload();
  payload["iss"] = "https://evil.example";
  EXPECT_EQ(RsaVerifier().Verify(key_a_->Sign(payload), kNow).error, JwtError::kWrongIssuer);
  payload.erase("iss");
  EXPECT_EQ(RsaVerifier().Verify(key_a_->Sign(payload), kNow).error, JwtError::kWrongIssuer);

  JwtVerifier::Options lax = StrictOptions();
  lax.issuer.clear();
  payload["iss"] = "https://evil.example";
  JwtResult result = RsaVerifier(lax).Verify(key_a_->Sign(payload), kNow);
  EXPECT_TRUE(result.Ok());
  EXPECT_EQ(result.claims.iss, "https://evil.example");
}

TEST_F(JwtTest, AudienceMayBeStringOrArray) {
  JwtVerifier verifier = RsaVerifier();
  Json payload = SamplePayload();
  payload["aud"] = "someone-else";
  EXPECT_EQ(verifier.Verify(key_a_->Sign(payload), kNow).error, JwtError::kWrongAudience);
  payload["aud"] = Json::array({"someone-else", "another"});
  EXPECT_EQ(verifier.Verify(key_a_->Sign(payload), kNow).error, JwtError::kWrongAudience);
  payload["aud"] = Json::array();
  EXPECT_EQ(verifier.Verify(key_a_->Sign(payload), kNow).error, JwtError::kWrongAudience);
  payload.erase("aud");
  EXPECT_EQ(verifier.Verify(key_a_->Sign(payload), kNow).error, JwtError::kWrongAudience);

  payload["aud"] = Json::array({"someone-else", kAudience});
  JwtResult result = verifier.Verify(key_a_->Sign(payload), kNow);
  ASSERT_TRUE(result.Ok());
  EXPECT_EQ(result.claims.aud, kAudience);

  JwtVerifier::Options lax = StrictOptions();
  lax.audience.clear();
  payload["aud"] = Json::array({"first", "second"});
  result = RsaVerifier(lax).Verify(key_a_->Sign(payload), kNow);
  ASSERT_TRUE(result.Ok());
  EXPECT_EQ(result.claims.aud, "first");
}

TEST_F(JwtTest, OrganizationClaimsAreOptional) {
  Json payload = SamplePayload();
  payload.erase("app_metadata");
  JwtResult result = RsaVerifier().Verify(key_a_->Sign(payload), kNow);
  ASSERT_TRUE(result.Ok());
  EXPECT_EQ(result.claims.organization_id, "");
  EXPECT_EQ(result.claims.organization_role, "");

  // Supabase puts its own data in app_metadata too; unknown or odd members are ignored.
  payload["app_metadata"] = {{"provider", "email"}, {"providers", {"email"}},
                             {"organization_id", 5}};
  result = RsaVerifier().Verify(key_a_->Sign(payload), kNow);
  ASSERT_TRUE(result.Ok());
  EXPECT_EQ(result.claims.organization_id, "");
}

TEST_F(JwtTest, JwksRoundTrip) {
  // Through text, as a client fetching /.well-known/jwks.json would see it.
  Json published = Json::parse(key_a_->Jwks().dump());
  JwtVerifier verifier(StrictOptions());
  verifier.AddJwks(published);
  JwtResult result = verifier.Verify(key_a_->Sign(SamplePayload()), kNow);
  ASSERT_TRUE(result.Ok()) << JwtErrorName(result.error);
  EXPECT_EQ(result.claims.sub, "usr_alice");
  EXPECT_EQ(verifier.Verify(key_b_->Sign(SamplePayload()), kNow).error, JwtError::kUnknownKey);
}

TEST_F(JwtTest, JwksSkipsKeysOfOtherTypesAndUses) {
  Json jwk_b = key_b_->Jwks()["keys"][0];
  Json enc_b = jwk_b;
  enc_b["use"] = "enc";
  Json ps_b = jwk_b;
  ps_b["alg"] = "PS256";
  Json jwks = {{"keys",
                {{{"kty", "EC"}, {"crv", "P-256"}, {"x", "abc"}, {"y", "def"}, {"kid", "ec1"}},
                 {{"kty", "oct"}, {"k", "c2VjcmV0"}},
                 enc_b,
                 ps_b,
                 key_a_->Jwks()["keys"][0]}}};
  JwtVerifier verifier(StrictOptions());
  verifier.AddJwks(jwks);
  EXPECT_TRUE(verifier.Verify(key_a_->Sign(SamplePayload()), kNow).Ok());
  EXPECT_EQ(verifier.Verify(key_b_->Sign(SamplePayload()), kNow).error, JwtError::kUnknownKey);
}

TEST_F(JwtTest, MalformedJwksThrowsAndAddsNothing) {
  Json good = key_a_->Jwks()["keys"][0];
  Json no_n = good;
  no_n.erase("n");
  Json bad_n = good;
  bad_n["n"] = "not base64!";
  Json small_n = good;
  small_n["n"] = B64(std::string(128, '\xC3'));  // 1024-bit modulus
  Json even_e = good;
  even_e["e"] = B64(std::string("\x01\x00\x00", 3));
  Json kid_number = good;
  kid_number["kid"] = 5;
  const Json documents[] = {
      nullptr,
      Json::array(),
      Json::object(),
      {{"keys", "nope"}},
      {{"keys", {5}}},
      {{"keys", {{{"n", "abc"}}}}},  // no kty
      {{"keys", {good, no_n}}},
      {{"keys", {good, bad_n}}},
      {{"keys", {good, small_n}}},
      {{"keys", {good, even_e}}},
      {{"keys", {good, kid_number}}},
  };
  for (const Json& jwks : documents) {
    SCOPED_TRACE(jwks.dump().substr(0, 80));
    JwtVerifier verifier;
    EXPECT_THROW(verifier.AddJwks(jwks), std::invalid_argument);
    // All or nothing: the good key before the bad one was not added.
    EXPECT_EQ(verifier.Verify(key_a_->Sign(SamplePayload()), kNow).error,
              JwtError::kUnsupportedAlgorithm);
  }
}

TEST_F(JwtTest, MalformedTokensAreRejected) {
  const std::string payload = B64(SamplePayload().dump());
  const std::string header = B64(HeaderA().dump());
  const std::string signature = B64(std::string(256, 'x'));
  const std::pair<std::string, std::string> cases[] = {
      {"empty", ""},
      {"one dot", "."},
      {"two dots", ".."},
      {"two parts", header + "." + payload},
      {"four parts", header + "." + payload + "." + signature + ".x"},
      {"five parts (JWE)", header + ".a." + payload + ".b." + signature},
      {"empty header", "." + payload + "." + signature},
      {"empty payload", header + ".." + signature},
      {"bad base64 header", "!!!." + payload + "." + signature},
      {"padded header", header + "=." + payload + "." + signature},
      {"standard base64 alphabet", header + "+/." + payload + "." + signature},
      {"bad base64 signature", header + "." + payload + ".***"},
      {"non-JSON header", B64("not json") + "." + payload + "." + signature},
      {"header is an array", B64("[\"RS256\"]") + "." + payload + "." + signature},
      {"header without alg", B64(R"({"typ":"JWT"})") + "." + payload + "." + signature},
      {"alg is not a string", B64(R"({"alg":256})") + "." + payload + "." + signature},
      {"crit header", B64(R"({"alg":"RS256","crit":["exp"],"exp":1})") + "." + payload + "." +
                          signature},
      {"whitespace", " " + header + "." + payload + "." + signature},
      {"nul byte", header + std::string(1, '\0') + "." + payload + "." + signature},
      {"huge", header + "." + std::string(9000, 'A') + "." + signature},
      {"bearer prefix", "Bearer " + header + "." + payload + "." + signature},
  };
  JwtVerifier verifier = RsaVerifier();
  verifier.SetHs256Secret(kSecret);
  for (const auto& [name, token] : cases) {
    SCOPED_TRACE(name);
    JwtResult result;
    EXPECT_NO_THROW(result = verifier.Verify(token, kNow));
    EXPECT_EQ(result.error, JwtError::kMalformed) << JwtErrorName(result.error);
    EXPECT_TRUE(result.claims.sub.empty());
  }
}

TEST_F(JwtTest, SignedButMalformedPayloadIsRejected) {
  JwtVerifier verifier = HsVerifier();
  for (const std::string& payload_text :
       {std::string("not json"), std::string("[1,2]"), std::string("\"string\""),
        std::string(5000, '['), std::string("{\"sub\":\"a\",\"exp\":9999999999")}) {
    std::string input = B64(R"({"alg":"HS256"})") + "." + B64(payload_text);
    auto mac = HmacSha256(kSecret, input);
    std::string token =
        input + "." + B64(std::string_view(reinterpret_cast<const char*>(mac.data()), 32));
    EXPECT_EQ(verifier.Verify(token, kNow).error, JwtError::kMalformed);
  }
}

TEST_F(JwtTest, TokenLengthLimitIs8KiB) {
  JwtVerifier verifier = HsVerifier();
  Json payload = SamplePayload();
  payload["pad"] = "";
  std::string token = Hs256Token({{"alg", "HS256"}}, payload, kSecret);
  // Grow the padding claim until the token is exactly 8192 bytes.
  payload["pad"] = std::string((8192 - token.size()) * 3 / 4, 'p');
  token = Hs256Token({{"alg", "HS256"}}, payload, kSecret);
  while (token.size() < 8192) {
    payload["pad"] = payload["pad"].get<std::string>() + "p";
    token = Hs256Token({{"alg", "HS256"}}, payload, kSecret);
  }
  while (token.size() > 8192) {
    std::string pad = payload["pad"].get<std::string>();
    pad.pop_back();
    payload["pad"] = pad;
    token = Hs256Token({{"alg", "HS256"}}, payload, kSecret);
  }
  if (token.size() == 8192) {
    EXPECT_TRUE(verifier.Verify(token, kNow).Ok());
  }
  payload["pad"] = std::string(8192, 'p');
  EXPECT_EQ(verifier.Verify(Hs256Token({{"alg", "HS256"}}, payload, kSecret), kNow).error,
            JwtError::kMalformed);
}

TEST_F(JwtTest, RandomMutationsNeverVerifyAndNeverThrow) {
  JwtVerifier verifier = RsaVerifier();
  verifier.SetHs256Secret(kSecret);
  const std::string tokens[] = {key_a_->Sign(SamplePayload()),
                                Hs256Token({{"alg", "HS256"}}, SamplePayload(), kSecret)};
  std::mt19937 rng(12345);  // fixed seed: deterministic
  for (const std::string& original : tokens) {
    ASSERT_TRUE(verifier.Verify(original, kNow).Ok());
    for (int i = 0; i < 1000; ++i) {
      std::string token = original;
      int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits; ++e) {
        std::size_t pos = rng() % token.size();
        switch (rng() % 3) {
          case 0:
            token[pos] = static_cast<char>(rng() % 256);
            break;
          case 1:
            token.erase(pos, 1 + rng() % 8);
            break;
          default:
            token.insert(pos, 1, "A._-=\0x"[rng() % 7]);
            break;
        }
      }
      if (token == original) {
        continue;
      }
      JwtResult result;
      ASSERT_NO_THROW(result = verifier.Verify(token, kNow));
      EXPECT_FALSE(result.Ok()) << token;
    }
  }
}

TEST_F(JwtTest, VerifyMayRunOnManyThreads) {
  JwtVerifier verifier = RsaVerifier();
  verifier.SetHs256Secret(kSecret);
  const std::string rs = key_a_->Sign(SamplePayload());
  const std::string hs = Hs256Token({{"alg", "HS256"}}, SamplePayload(), kSecret);
  std::string bad = rs;
  bad[bad.size() - 10] = bad[bad.size() - 10] == 'A' ? 'B' : 'A';
  std::atomic<int> correct{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        correct += verifier.Verify(rs, kNow).Ok();
        correct += verifier.Verify(hs, kNow).Ok();
        correct += verifier.Verify(bad, kNow).error == JwtError::kBadSignature;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(correct.load(), 4 * 50 * 3);
}

TEST(JwtErrorNameTest, NamesEveryError) {
  EXPECT_STREQ(JwtErrorName(JwtError::kNone), "none");
  EXPECT_STREQ(JwtErrorName(JwtError::kMalformed), "malformed");
  EXPECT_STREQ(JwtErrorName(JwtError::kUnsupportedAlgorithm), "unsupported_algorithm");
  EXPECT_STREQ(JwtErrorName(JwtError::kUnknownKey), "unknown_key");
  EXPECT_STREQ(JwtErrorName(JwtError::kBadSignature), "bad_signature");
  EXPECT_STREQ(JwtErrorName(JwtError::kExpired), "expired");
  EXPECT_STREQ(JwtErrorName(JwtError::kNotYetValid), "not_yet_valid");
  EXPECT_STREQ(JwtErrorName(JwtError::kWrongIssuer), "wrong_issuer");
  EXPECT_STREQ(JwtErrorName(JwtError::kWrongAudience), "wrong_audience");
  EXPECT_STREQ(JwtErrorName(JwtError::kMissingClaim), "missing_claim");
}

TEST(ClaimsToPayloadTest, ProducesBlueprintClaims) {
  EXPECT_EQ(ClaimsToPayload(SampleClaims()),
            (Json{{"sub", "usr_alice"},
                  {"email", "alice@example.com"},
                  {"role", "authenticated"},
                  {"app_metadata", {{"organization_id", "org_abc123"},
                                    {"organization_role", "admin"}}},
                  {"iss", kIssuer},
                  {"aud", kAudience},
                  {"iat", kNow},
                  {"exp", kNow + 900}}));
}

TEST(ClaimsToPayloadTest, OmitsEmptyOptionalMembers) {
  Claims claims;
  claims.sub = "usr_1";
  claims.email = "a@b.c";
  claims.role = "authenticated";
  claims.iat = 10;
  claims.exp = 20;
  claims.nbf = 5;  // not part of the issued payload
  EXPECT_EQ(ClaimsToPayload(claims), (Json{{"sub", "usr_1"},
                                           {"email", "a@b.c"},
                                           {"role", "authenticated"},
                                           {"app_metadata", Json::object()},
                                           {"iat", 10},
                                           {"exp", 20}}));
  claims.organization_id = "org_1";
  EXPECT_EQ(ClaimsToPayload(claims)["app_metadata"], (Json{{"organization_id", "org_1"}}));
}

}  // namespace
}  // namespace tr::auth
