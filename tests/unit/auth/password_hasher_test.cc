#include "auth/password_hasher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace tr::auth {
namespace {

using namespace std::string_literals;

TEST(PasswordHasherTest, HashIsArgon2idPhcStringWithOwaspParameters) {
  std::string hash = HashPassword("correct horse battery staple");
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
  EXPECT_NE(hash.find("$v=19$m=19456,t=2,p=1$"), std::string::npos) << hash;
}

TEST(PasswordHasherTest, VerifiesMatchingPasswordOnly) {
  std::string hash = HashPassword("hunter2");
  EXPECT_TRUE(VerifyPassword(hash, "hunter2"));
  EXPECT_FALSE(VerifyPassword(hash, "hunter3"));
  EXPECT_FALSE(VerifyPassword(hash, "Hunter2"));
  EXPECT_FALSE(VerifyPassword(hash, ""));
  EXPECT_FALSE(VerifyPassword(hash, "hunter2 "));
}

TEST(PasswordHasherTest, SaltMakesEveryHashDifferent) {
  std::string a = HashPassword("same");
  std::string b = HashPassword("same");
  EXPECT_NE(a, b);
  EXPECT_TRUE(VerifyPassword(a, "same"));
  EXPECT_TRUE(VerifyPassword(b, "same"));
}

TEST(PasswordHasherTest, HandlesEmptyUnicodeAndEmbeddedNul) {
  std::string empty = HashPassword("");
  EXPECT_TRUE(VerifyPassword(empty, ""));
  EXPECT_FALSE(VerifyPassword(empty, "x"));

  std::string unicode = HashPassword("pässwörd-密码");
  EXPECT_TRUE(VerifyPassword(unicode, "pässwörd-密码"));

  // The whole password counts, not just the part before a NUL.
  std::string with_nul = HashPassword("ab\0cd"s);
  EXPECT_TRUE(VerifyPassword(with_nul, "ab\0cd"s));
  EXPECT_FALSE(VerifyPassword(with_nul, "ab"));
}

TEST(PasswordHasherTest, MalformedHashesAreRejectedWithoutThrowing) {
  std::string good = HashPassword("pw");
  std::string truncated = good.substr(0, good.size() - 10);
  std::string flipped = good;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  const std::string cases[] = {
      "",
      "garbage",
      "$argon2id$",
      "$argon2id$v=19$m=19456,t=2,p=1$",
      truncated,
      flipped,
      "$2b$12$KIXQJkTDoLV0p6p5n7p8xOaSbGq1G0uYd8lLr5HNM4eCQ5G8mG9aO",  // bcrypt
      good + "\0"s + "x",
      std::string(1000, '$'),
  };
  for (const std::string& hash : cases) {
    EXPECT_NO_THROW(EXPECT_FALSE(VerifyPassword(hash, "pw")) << hash);
  }
}

TEST(PasswordHasherTest, RefusesHashesWithAbsurdCost) {
  // A tampered row must not cost gigabytes or minutes per login attempt.
  std::string good = HashPassword("pw");
  std::string huge_memory = good;
  huge_memory.replace(huge_memory.find("m=19456"), 7, "m=4194304");
  std::string huge_time = good;
  huge_time.replace(huge_time.find("t=2"), 3, "t=100000");
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(VerifyPassword(huge_memory, "pw"));
  EXPECT_FALSE(VerifyPassword(huge_time, "pw"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

}  // namespace
}  // namespace tr::auth
