#pragma once
// Packets in the exact shape Chrome sends them (header extension ids as in a captured
// Chrome offer: video 2 abs-send-time, 3 video-orientation, 4 transport-wide-cc, 9 mid,
// 10 rid; audio 1 audio-level, 2 abs-send-time, 3 transport-wide-cc, 4 mid).
#include <array>
#include <cstdint>

namespace tr::media::test {

// First packet of a VP8 key frame of simulcast layer "r0", mid "0".
inline constexpr auto kChromeVp8KeyFrame = std::to_array<uint8_t>({
    0x90, 0x60, 0x1a, 0x2b,  // V=2 X=1 CC=0, M=0 PT=96, seq 6699
    0x3c, 0x4d, 0x5e, 0x6f,  // timestamp
    0x7a, 0x1b, 0x2c, 0x3d,  // SSRC
    0xbe, 0xde, 0x00, 0x04,  // one-byte extensions, 4 words
    0x22, 0x5d, 0x3c, 0x1f,  // id 2 abs-send-time (3 bytes) 0x5d3c1f
    0x30, 0x00,              // id 3 video-orientation (1 byte)
    0x41, 0x01, 0x2c,        // id 4 transport-wide seq (2 bytes) 300
    0x90, 0x30,              // id 9 mid "0"
    0xa1, 0x72, 0x30,        // id 10 rid "r0"
    0x00, 0x00,              // padding
    0x90, 0xe0, 0x80, 0x2a,  // VP8: X S, I L T, 15-bit PictureID 42
    0x05, 0x20,              // TL0PICIDX 5, TID 0 Y=1
    0x50, 0x42, 0x00,        // frame tag: P=0 (key frame), show_frame
    0x9d, 0x01, 0x2a,        // start code
    0x80, 0x02, 0xe0, 0x01,  // 640 x 480
    0x39, 0x2a, 0x11, 0x07,  // first partition bytes
});

// A VP8 delta frame packet of temporal layer 2 (no MID/RID: the SSRC is already known).
inline constexpr auto kChromeVp8DeltaTl2 = std::to_array<uint8_t>({
    0x90, 0x60, 0x1a, 0x2c,  // seq 6700
    0x3c, 0x4d, 0x6c, 0x7f,  //
    0x7a, 0x1b, 0x2c, 0x3d,  //
    0xbe, 0xde, 0x00, 0x03,  // 3 words
    0x22, 0x5d, 0x40, 0x02,  // abs-send-time
    0x30, 0x00,              // video-orientation
    0x41, 0x01, 0x2d,        // transport-wide seq 301
    0x00, 0x00, 0x00,        // padding
    0x90, 0xe0, 0x80, 0x2b,  // X S, I L T, PictureID 43
    0x05, 0x80,              // TL0PICIDX 5, TID 2 Y=0
    0x31, 0x05, 0x00, 0x11,  // frame tag with P=1 (inter frame), data
});

// Opus with audio level (voice, -35 dBov), mid "1".
inline constexpr auto kChromeOpus = std::to_array<uint8_t>({
    0x90, 0x6f, 0x00, 0x07,  // V=2 X=1, PT=111, seq 7
    0x00, 0x00, 0x03, 0xc0,  // timestamp 960
    0x0a, 0x0b, 0x0c, 0x0d,  // SSRC
    0xbe, 0xde, 0x00, 0x03,  // 3 words
    0x10, 0xa3,              // id 1 audio level: V=1, level 35
    0x22, 0x12, 0x34, 0x56,  // id 2 abs-send-time
    0x31, 0x00, 0x2a,        // id 3 transport-wide seq 42
    0x40, 0x31,              // id 4 mid "1"
    0x00,                    // padding
    0x78, 0x0b, 0xe4, 0x7f,  // Opus TOC + data
});

}  // namespace tr::media::test
