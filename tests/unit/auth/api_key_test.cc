#include "auth/api_key.h"

#include <gtest/gtest.h>

#include <set>

#include "common/digest.h"

namespace tr::auth {
namespace {

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

TEST(ApiKeyTest, GeneratedKeyHasDocumentedFormat) {
  NewApiKey key = GenerateApiKey();
  ASSERT_TRUE(key.plaintext.starts_with("trk_"));
  // 32 random bytes are 43 base64url characters without padding.
  EXPECT_EQ(key.plaintext.size(), 4u + 43u);
  for (char c : key.plaintext.substr(4)) {
    EXPECT_TRUE(IsBase64UrlChar(c)) << c;
  }
  EXPECT_EQ(key.prefix, key.plaintext.substr(0, 12));
  EXPECT_EQ(key.hash, Sha256Hex(key.plaintext));
  EXPECT_EQ(key.hash, HashApiKey(key.plaintext));
  EXPECT_EQ(key.hash.size(), 64u);
  EXPECT_TRUE(LooksLikeApiKey(key.plaintext));
}

TEST(ApiKeyTest, KeysAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(seen.insert(GenerateApiKey().plaintext).second);
  }
}

TEST(ApiKeyTest, HashIsLowercaseHexSha256) {
  // Independently computed: sha256("trk_test").
  EXPECT_EQ(HashApiKey("trk_test"),
            "65fd2ab352c04135fedd14f12a323bdb51b15fdcaa820a1c827651b02878c77c");
  EXPECT_NE(HashApiKey("trk_test"), HashApiKey("trk_tesT"));
}

TEST(ApiKeyTest, LooksLikeApiKey) {
  EXPECT_TRUE(LooksLikeApiKey("trk_abc"));
  EXPECT_TRUE(LooksLikeApiKey("trk_"));
  EXPECT_FALSE(LooksLikeApiKey(""));
  EXPECT_FALSE(LooksLikeApiKey("trk"));
  EXPECT_FALSE(LooksLikeApiKey("TRK_abc"));
  EXPECT_FALSE(LooksLikeApiKey("eyJhbGciOiJSUzI1NiJ9.e30.sig"));
  EXPECT_FALSE(LooksLikeApiKey(" trk_abc"));
}

}  // namespace
}  // namespace tr::auth
