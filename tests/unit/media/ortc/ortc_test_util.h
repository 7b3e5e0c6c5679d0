#pragma once
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/json.h"
#include "media/ortc/ortc_error.h"
#include "media/ortc/ssrc_source.h"

namespace tr::media::ortc::test {

inline Json ParseJson(std::string_view text) { return Json::parse(text); }

// Deterministic SSRCs: start, start + 1000, start + 2000, ...
inline SsrcSource CountingSsrcs(uint32_t start) {
  return [next = start]() mutable {
    const uint32_t out = next;
    next += 1000;
    return out;
  };
}

// Runs `fn`, expects an OrtcError whose message contains `needle`.
#define EXPECT_ORTC_ERROR(statement, needle)                                         \
  do {                                                                               \
    try {                                                                            \
      statement;                                                                     \
      ADD_FAILURE() << "no OrtcError thrown, expected one containing: " << (needle); \
    } catch (const ::tr::media::ortc::OrtcError& e) {                                \
      EXPECT_THAT(std::string(e.what()), ::testing::HasSubstr(needle));              \
    } catch (const std::exception& e) {                                              \
      ADD_FAILURE() << "unexpected exception type: " << e.what();                    \
    }                                                                                \
  } while (0)

}  // namespace tr::media::ortc::test
