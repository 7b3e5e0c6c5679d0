#include "media/srtp/srtp_library.h"

#include <gtest/gtest.h>
#include <srtp2/srtp.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace tr::media {
namespace {

TEST(SrtpLibrary, InitializesOnceFromManyThreads) {
  std::vector<std::thread> threads;
  std::vector<int> results(8, 0);
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&results, i] { results[i] = SrtpLibrary::Initialize() ? 1 : 0; });
  }
  for (auto& t : threads) t.join();
  for (int r : results) EXPECT_EQ(r, 1);
  EXPECT_TRUE(SrtpLibrary::Initialize());
}

TEST(SrtpLibrary, ErrorStrings) {
  EXPECT_EQ(SrtpLibrary::ErrorString(srtp_err_status_ok), "ok");
  EXPECT_EQ(SrtpLibrary::ErrorString(srtp_err_status_auth_fail), "auth_fail");
  EXPECT_EQ(SrtpLibrary::ErrorString(srtp_err_status_replay_fail), "replay_fail");
  EXPECT_EQ(SrtpLibrary::ErrorString(srtp_err_status_replay_old), "replay_old");
  EXPECT_EQ(SrtpLibrary::ErrorString(srtp_err_status_pkt_idx_adv), "pkt_idx_adv");
  EXPECT_EQ(SrtpLibrary::ErrorString(12345), "unknown");
  EXPECT_EQ(SrtpLibrary::ErrorString(-1), "unknown");
}

TEST(SrtpLibrary, ReportsVersion) {
  EXPECT_NE(SrtpLibrary::Version().find("2."), std::string_view::npos) << SrtpLibrary::Version();
}

// With the OpenSSL build of libsrtp2 (scripts/build-libsrtp.sh), neither NSS nor the shared
// system libsrtp2 may end up in the process: either would mean the slow path is back
// (e.g. a target linking PkgConfig::SRTP2 again, whose srtp_* symbols could win).
TEST(SrtpLibrary, OpenSslBuildLoadsNoNssAndNoSharedLibsrtp) {
#if !defined(TR_LIBSRTP_OPENSSL)
  GTEST_SKIP() << "built against the system libsrtp2";
#else
  ASSERT_TRUE(SrtpLibrary::Initialize());
  std::ifstream maps("/proc/self/maps");
  ASSERT_TRUE(maps.is_open());
  std::string line;
  while (std::getline(maps, line)) {
    for (const char* name : {"libnss3", "libsoftokn3", "libnspr4", "libsrtp2.so"}) {
      EXPECT_EQ(line.find(name), std::string::npos) << line;
    }
  }
#endif
}

}  // namespace
}  // namespace tr::media
