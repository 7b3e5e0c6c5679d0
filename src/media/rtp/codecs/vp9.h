#pragma once
// VP9 RTP payload descriptor (RFC 9628 §4.2, formerly draft-ietf-payload-vp9) and key
// frame detection.
//
// DOC: https://www.rfc-editor.org/rfc/rfc9628#section-4.2
//
//        0 1 2 3 4 5 6 7
//       +-+-+-+-+-+-+-+-+
//       |I|P|L|F|B|E|V|Z| (REQUIRED)
//  I:   |M| PICTURE ID  | (7 or 15 bits)
//  L:   | TID |U| SID |D|
//       |   TL0PICIDX   | (only with L and F=0: non-flexible mode)
//  P,F: | P_DIFF      |N| (up to 3 times, flexible mode with P=1)
//  V:   | SS ...        | scalability structure
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace tr::media {

struct Vp9PayloadDescriptor {
  bool has_picture_id = false;           // I
  bool inter_picture_predicted = false;  // P
  bool has_layer_indices = false;        // L
  bool flexible_mode = false;            // F
  bool start_of_frame = false;           // B
  bool end_of_frame = false;             // E
  bool has_scalability_structure = false;  // V
  bool not_upper_spatial_reference = false;  // Z
  bool picture_id_15bit = false;         // M
  uint16_t picture_id = 0;
  uint8_t temporal_id = 0;      // TID
  bool switching_up_point = false;  // U
  uint8_t spatial_id = 0;       // SID
  bool inter_layer_dependency = false;  // D
  bool has_tl0_pic_idx = false;
  uint8_t tl0_pic_idx = 0;
  uint8_t num_ref_pics = 0;  // P_DIFF entries (flexible mode)
  std::array<uint8_t, 3> p_diff{};
  // Scalability structure (when V).
  uint8_t num_spatial_layers = 0;  // N_S + 1
  bool has_resolutions = false;    // Y
  std::array<uint16_t, 8> width{};
  std::array<uint16_t, 8> height{};
  uint8_t num_frames_in_group = 0;  // N_G
  // Bytes of descriptor before the VP9 payload.
  std::size_t size = 0;
  // Start of a key frame: B=1, P=0, base spatial layer (SID 0 when L is present).
  bool is_key_frame = false;

  // nullopt when truncated, a fourth P_DIFF is announced, or no payload follows.
  static std::optional<Vp9PayloadDescriptor> Parse(std::span<const uint8_t> payload);
  static bool IsKeyFrame(std::span<const uint8_t> payload);
};

}  // namespace tr::media
