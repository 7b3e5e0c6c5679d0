#include "auth/signing_key.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "auth/jwt.h"
#include "test_keys.h"
#include "common/base64.h"
#include "common/digest.h"
#include "common/random.h"

namespace tr::auth {
namespace {

namespace fs = std::filesystem;

class SigningKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tr_signing_key_test_" + RandomAlnum(12));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void WriteFile(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  static std::string ReadFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  fs::path dir_;
};

// The kid recomputed from the public PEM, independently of SigningKey's code path.
std::string ExpectedKid(const std::string& public_pem) {
  std::unique_ptr<BIO, testing::BioFree> bio(
      BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size())));
  testing::PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key.get(), &der);
  auto digest = Sha256(std::string_view(reinterpret_cast<char*>(der), static_cast<size_t>(len)));
  OPENSSL_free(der);
  return Base64UrlEncode(std::string_view(reinterpret_cast<char*>(digest.data()), digest.size()))
      .substr(0, 16);
}

TEST_F(SigningKeyTest, CreatesKeyOnceAndLoadsItAfterwards) {
  fs::path path = dir_ / "nested" / "dirs" / "jwt.pem";
  SigningKey first = SigningKey::LoadOrCreate(path);
  ASSERT_TRUE(fs::exists(path));

  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_TRUE(ReadFile(path).starts_with("-----BEGIN PRIVATE KEY-----"));
  // No temporary files are left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(path.parent_path()), fs::directory_iterator()),
            1);

  SigningKey second = SigningKey::LoadOrCreate(path);
  EXPECT_EQ(first.KeyId(), second.KeyId());
  EXPECT_EQ(first.Jwks(), second.Jwks());

  // A token signed after the restart verifies with the JWKS published before it.
  JwtVerifier verifier;
  verifier.AddJwks(first.Jwks());
  Json payload = {{"sub", "usr_1"}, {"exp", 2000000000}};
  EXPECT_TRUE(verifier.Verify(second.Sign(payload), 1900000000).Ok());
}

TEST_F(SigningKeyTest, KeyIdIsTruncatedSpkiThumbprint) {
  SigningKey key = SigningKey::Generate();
  EXPECT_EQ(key.KeyId().size(), 16u);
  EXPECT_EQ(key.KeyId(), ExpectedKid(key.PublicKeyPem()));
  EXPECT_NE(key.KeyId(), SigningKey::Generate().KeyId());
}

TEST_F(SigningKeyTest, JwksDescribesThePublicKey) {
  SigningKey key = SigningKey::Generate();
  Json jwks = key.Jwks();
  ASSERT_TRUE(jwks["keys"].is_array());
  ASSERT_EQ(jwks["keys"].size(), 1u);
  const Json& jwk = jwks["keys"][0];
  EXPECT_EQ(jwk["kty"], "RSA");
  EXPECT_EQ(jwk["use"], "sig");
  EXPECT_EQ(jwk["alg"], "RS256");
  EXPECT_EQ(jwk["kid"], key.KeyId());
  EXPECT_EQ(jwk["e"], "AQAB");  // 65537
  auto n = Base64UrlDecode(jwk["n"].get<std::string>());
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->size(), 256u);  // 2048 bits, no leading zero byte
  EXPECT_NE(static_cast<uint8_t>((*n)[0]), 0);
  EXPECT_EQ(jwk.size(), 6u);  // nothing private
}

TEST_F(SigningKeyTest, SignProducesCompactJwsWithOurHeader) {
  SigningKey key = SigningKey::Generate();
  std::string token = key.Sign({{"sub", "usr_1"}});
  std::size_t dot1 = token.find('.');
  std::size_t dot2 = token.find('.', dot1 + 1);
  ASSERT_NE(dot2, std::string::npos);
  EXPECT_EQ(token.find('.', dot2 + 1), std::string::npos);
  auto header = Base64UrlDecode(token.substr(0, dot1));
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(Json::parse(*header), (Json{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", key.KeyId()}}));
  auto payload = Base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(Json::parse(*payload), (Json{{"sub", "usr_1"}}));
  auto signature = Base64UrlDecode(token.substr(dot2 + 1));
  ASSERT_TRUE(signature.has_value());
  EXPECT_EQ(signature->size(), 256u);
}

TEST_F(SigningKeyTest, IsMovable) {
  SigningKey a = SigningKey::Generate();
  const std::string kid = a.KeyId();
  SigningKey b = std::move(a);
  EXPECT_EQ(b.KeyId(), kid);
  SigningKey c = SigningKey::Generate();
  c = std::move(b);
  EXPECT_EQ(c.KeyId(), kid);
  JwtVerifier verifier;
  verifier.AddRsaKey(c);
  EXPECT_TRUE(verifier.Verify(c.Sign({{"sub", "u"}, {"exp", 100}}), 50).Ok());
}

TEST_F(SigningKeyTest, FromPemLoadsTheSameKey) {
  fs::path path = dir_ / "key.pem";
  SigningKey created = SigningKey::LoadOrCreate(path);
  SigningKey parsed = SigningKey::FromPem(ReadFile(path));
  EXPECT_EQ(parsed.KeyId(), created.KeyId());
}

TEST_F(SigningKeyTest, RejectsFilesThatHoldNoUsableKey) {
  const std::pair<const char*, std::string> cases[] = {
      {"empty.pem", ""},
      {"garbage.pem", "not a key at all"},
      {"truncated.pem", testing::RsaPrivatePem(2048).substr(0, 300)},
      {"ec.pem", testing::EcPrivatePem()},
      {"weak.pem", testing::RsaPrivatePem(1024)},
      {"public.pem", SigningKey::Generate().PublicKeyPem()},
  };
  for (const auto& [name, content] : cases) {
    SCOPED_TRACE(name);
    fs::path path = dir_ / name;
    WriteFile(path, content);
    EXPECT_THROW(SigningKey::LoadOrCreate(path), std::runtime_error);
    EXPECT_EQ(ReadFile(path), content);  // never overwritten
  }
}

TEST_F(SigningKeyTest, RejectsDirectoriesAndUnreadableFiles) {
  fs::create_directories(dir_ / "a_directory.pem");
  EXPECT_THROW(SigningKey::LoadOrCreate(dir_ / "a_directory.pem"), std::runtime_error);

  // A parent that is a regular file cannot hold the key.
  WriteFile(dir_ / "file", "x");
  EXPECT_THROW(SigningKey::LoadOrCreate(dir_ / "file" / "key.pem"), std::runtime_error);

  if (::geteuid() == 0) {
    GTEST_SKIP() << "root can read files with mode 0000";
  }
  fs::path path = dir_ / "locked.pem";
  { SigningKey::LoadOrCreate(path); }
  fs::permissions(path, fs::perms::none);
  EXPECT_THROW(SigningKey::LoadOrCreate(path), std::runtime_error);
}

}  // namespace
}  // namespace tr::auth
