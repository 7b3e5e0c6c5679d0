#pragma once
// Where new SSRCs come from (mapped producer SSRCs, consumer SSRCs). Production code uses
// RandomSsrc(); tests inject a deterministic source.
#include <cstdint>
#include <functional>

namespace tr::media::ortc {

using SsrcSource = std::function<uint32_t()>;

// Uniform in [100000000, 999999999] like mediasoup's generateRandomNumber(): never 0, never
// the probator SSRC 1234 that mediasoup-client reserves, and room for the consecutive
// SSRCs derived from it (mapped SSRCs of simulcast encodings, RTX = SSRC + 1).
inline constexpr uint32_t kMinRandomSsrc = 100'000'000;
inline constexpr uint32_t kMaxRandomSsrc = 999'999'999;
uint32_t RandomSsrc();

}  // namespace tr::media::ortc
