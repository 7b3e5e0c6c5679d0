#pragma once
// Plays a browser's sending side over a WebRtcTestClient: VP8 frames on one or more
// encodings (simulcast by RID, or one SSRC) or VP9 SVC pictures on one SSRC, key frames
// on start and whenever a PLI/FIR asks for one, timestamps from the real clock (90 kHz),
// MID/RID/abs-send-time/TWCC extensions with Chrome-like ids, and periodic Sender Reports.
// Like Chrome it keeps what it sent and answers Generic NACKs with RTX (SSRC = media SSRC + 1
// for SSRC-signaled encodings, PT 97, its own transport-wide sequence number); it can
// simulate loss (DropNextPackets) and records the transport-cc feedback it gets.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "media/rtcp/transport_feedback.h"

#include "rtp_test_packets.h"
#include "webrtc_test_client.h"

namespace tr::media::test {

class FakeVideoSender {
 public:
  struct Layer {
    uint32_t ssrc = 0;
    std::string rid;  // empty: no RID extension
    uint8_t fill = 0xAB;
    uint16_t seq = 1000;
    uint32_t ts_base = 0;
    bool key_pending = true;
    int key_frames_sent = 0;
    bool enabled = true;
    uint16_t rtx_seq = 500;
    // VP8 with PictureID / TL0PICIDX / TID (every frame TL0, each id +1 per frame), as a
    // simulcast stream of Chrome's with its own id spaces; off: the minimal descriptor.
    bool vp8_ids = false;
    uint16_t picture_id = 0;
    uint8_t tl0_pic_idx = 0;
    // Sent packets (plain RTP) by sequence number, for NACK answers (last 200).
    std::map<uint16_t, std::vector<uint8_t>> history;
  };

  // Extension ids as Chrome numbers them (differ from the router's on purpose).
  static constexpr uint8_t kToffsetId = 1;
  static constexpr uint8_t kAbsSendTimeId = 2;
  static constexpr uint8_t kVideoOrientationId = 3;
  static constexpr uint8_t kTwccId = 4;
  static constexpr uint8_t kMidId = 9;
  static constexpr uint8_t kRidId = 10;
  static constexpr uint8_t kPayloadType = 96;

  FakeVideoSender(WebRtcTestClient* client, std::string mid, std::vector<Layer> layers);

  // VP9 k-SVC ("L<spatial>T<temporal>_KEY") on the first layer instead of VP8, as Chromium
  // sends it: each frame is a picture of `spatial` layer frames of two packets each
  // (flexible mode, 15-bit picture id, TID/U/SID/D, B/E, P=0 and a scalability structure on
  // key pictures), TIDs 0,2,1,2 (0,1 for T2) from each key picture, U on every picture, the
  // marker on the last packet of the top layer. Call before RtpParameters().
  void UseVp9Svc(int spatial, int temporal);
  bool vp9_svc() const { return svc_spatial_ > 0; }

  // Producer rtpParameters JSON matching what this sender emits (VP8 + RTX, PLI/FIR/NACK
  // feedback, the extensions above; encodings by ssrc when layers have no rid).
  Json RtpParameters() const;

  // Sends one frame on every enabled layer (one packet per frame), handles the RTCP the
  // client received (PLI/FIR set key_pending), sends SRs every `sr_interval_ms`. VP9 SVC:
  // one picture (2 packets per spatial layer).
  void SendFrame();
  void HandleRtcp();

  std::vector<Layer>& layers() { return layers_; }
  int plis_received() const { return plis_; }
  int firs_received() const { return firs_; }
  int receiver_reports() const { return rrs_; }
  // Last report block the SFU sent about layer 0's SSRC (valid if receiver_reports() > 0).
  uint32_t last_rr_highest_seq() const { return last_rr_highest_seq_; }
  uint16_t twcc_seq() const { return twcc_seq_; }

  // The next `n` packets of layer 0 are "lost on the way": their sequence and
  // transport-wide numbers are used up, they are kept for retransmission, not sent.
  void DropNextPackets(int n) { drop_next_ = n; }
  const std::vector<uint16_t>& dropped_seqs() const { return dropped_seqs_; }
  const std::vector<uint16_t>& dropped_twcc_seqs() const { return dropped_twcc_seqs_; }
  // Answer NACKs with RTX (default true).
  void SetAnswerNacks(bool answer) { answer_nacks_ = answer; }
  // Media sequence numbers NACKed by the SFU (with repetitions) and RTX packets sent.
  const std::vector<uint16_t>& nacked_seqs() const { return nacked_seqs_; }
  int rtx_sent() const { return rtx_sent_; }
  // Transport-wide feedback received: packets, and every reported status in order.
  int twcc_feedback_packets() const { return twcc_feedback_packets_; }
  const std::vector<TwccPacketStatus>& twcc_statuses() const { return twcc_statuses_; }
  const std::vector<uint8_t>& twcc_feedback_counts() const { return twcc_feedback_counts_; }

 private:
  // Header fields and extensions of the next packet of `l` (takes a sequence number and a
  // transport-wide one).
  TestRtpPacketSpec NextSpec(Layer& l, uint32_t timestamp);
  // Keeps `bytes` for NACKs, then sends it unless it is to be "lost".
  void Emit(Layer& l, uint16_t seq, std::vector<uint8_t> bytes);
  void SendSvcPicture(Layer& l, uint32_t timestamp);

  WebRtcTestClient* client_;
  int svc_spatial_ = 0;  // 0: VP8
  int svc_temporal_ = 1;
  uint16_t picture_id_ = 0x1234;
  int pictures_since_key_ = 0;
  std::string mid_;
  std::vector<Layer> layers_;
  int64_t start_ms_;
  int64_t last_sr_ms_ = 0;
  uint16_t twcc_seq_ = 0;
  int plis_ = 0;
  int firs_ = 0;
  int rrs_ = 0;
  uint32_t last_rr_highest_seq_ = 0;
  int drop_next_ = 0;
  std::vector<uint16_t> dropped_seqs_;
  std::vector<uint16_t> dropped_twcc_seqs_;
  bool answer_nacks_ = true;
  std::vector<uint16_t> nacked_seqs_;
  int rtx_sent_ = 0;
  int twcc_feedback_packets_ = 0;
  std::vector<TwccPacketStatus> twcc_statuses_;
  std::vector<uint8_t> twcc_feedback_counts_;
};

}  // namespace tr::media::test
