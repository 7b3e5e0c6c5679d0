#pragma once
// ICE-lite agent of one WebRTC transport: answers the controlling peer's Binding requests,
// keeps the validated tuples, selects the one media goes to, and watches consent.
//
// DOC: https://www.rfc-editor.org/rfc/rfc8445#section-2.5 (lite implementations)
//      https://www.rfc-editor.org/rfc/rfc8445#section-7.3 (responding to checks)
//      https://www.rfc-editor.org/rfc/rfc8489#section-9.1 (short-term credentials)
//      https://www.rfc-editor.org/rfc/rfc7675 (consent freshness)
//
// Behaviour follows mediasoup's IceServer (mediasoup-client-interop.md §6.2):
//  - only Binding requests are answered; responses and indications are ignored;
//  - FINGERPRINT and PRIORITY required (400), USERNAME + MESSAGE-INTEGRITY required (400),
//    USERNAME must be "<our ufrag>:..." and the integrity must verify with our password
//    (401), ICE-CONTROLLED means the peer is not controlling (487), unknown
//    comprehension-required attributes (420);
//  - success = XOR-MAPPED-ADDRESS + MESSAGE-INTEGRITY + FINGERPRINT;
//  - the first valid check selects its tuple (state connected), USE-CANDIDATE or a higher
//    (GOOG-)NOMINATION value selects and completes; at most kMaxTuples tuples are kept;
//  - after RestartIce() the old credentials stay valid until a request authenticates
//    with the new ones;
//  - consent: once connected, if no valid check arrived for `consent_timeout_ms`, the
//    listener hears OnIceServerConsentExpired() (the transport then closes).
//
// Packet path: ProcessStunRequest() never allocates, throws or locks (responses are built
// into a member buffer). Threading: one transport's worker thread.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "media/ice/transport_tuple.h"
#include "media/stun/sha1.h"
#include "media/stun/stun_message.h"

namespace tr::media {

class IceServer {
 public:
  enum class State { kNew, kConnected, kCompleted, kDisconnected };
  static constexpr std::size_t kMaxTuples = 8;

  class Listener {
   public:
    virtual ~Listener() = default;
    // Put a STUN response on the wire to `tuple` (valid only during the call).
    virtual void OnIceServerSendStunPacket(IceServer* ice, const TransportTuple& tuple,
                                           const uint8_t* data, std::size_t len) = 0;
    // A tuple passed a check and is now valid for media/DTLS (register it for demux).
    virtual void OnIceServerTupleAdded(IceServer* ice, const TransportTuple& tuple) = 0;
    // A tuple was evicted or dropped (unregister it).
    virtual void OnIceServerTupleRemoved(IceServer* ice, const TransportTuple& tuple) = 0;
    // Media now goes to `tuple`.
    virtual void OnIceServerSelectedTuple(IceServer* ice, const TransportTuple& tuple) = 0;
    // The old credentials of an ICE restart are no longer accepted (unregister the ufrag).
    virtual void OnIceServerOldUfragRetired(IceServer* ice, std::string_view old_ufrag) = 0;
    // No valid check for the consent timeout while connected; all tuples were removed.
    virtual void OnIceServerConsentExpired(IceServer* ice) = 0;
  };

  struct Stats {
    uint64_t requests = 0;           // Binding requests processed
    uint64_t success_responses = 0;
    uint64_t error_responses = 0;
    uint64_t ignored = 0;            // not a request, bad FINGERPRINT, ...
  };

  // `consent_timeout_ms` 0 disables consent expiry.
  IceServer(Listener* listener, std::string ufrag, std::string password,
            int64_t consent_timeout_ms);

  // Handles one parsed STUN message received on `tuple` at `now_ms` (monotonic).
  void ProcessStunMessage(const StunMessage& message, const TransportTuple& tuple,
                          int64_t now_ms);

  // New credentials; the current ones are kept as "old" until the peer uses the new ones.
  void RestartIce(std::string ufrag, std::string password);

  // Call periodically (e.g. every second); fires OnIceServerConsentExpired when due.
  void CheckConsent(int64_t now_ms);

  // Drops a tuple (its TCP connection closed). Reselects another valid tuple if it was the
  // selected one, else goes disconnected.
  void RemoveTuple(const TransportTuple& tuple);

  // Drops every tuple (transport closing); no reselection, state disconnected.
  void RemoveAllTuples();

  // mediasoup's MayForceSelectedTuple: DTLS from a valid, non-selected tuple selects it.
  void ForceSelectedTuple(const TransportTuple& tuple);

  bool IsValidTuple(const TransportTuple& tuple) const;
  const TransportTuple* SelectedTuple() const {
    return selected_ >= 0 ? &tuples_[static_cast<std::size_t>(selected_)].tuple : nullptr;
  }
  State state() const { return state_; }
  const std::string& ufrag() const { return ufrag_; }
  const std::string& password() const { return password_; }
  const std::string& old_ufrag() const { return old_ufrag_; }
  const Stats& stats() const { return stats_; }
  std::size_t TupleCount() const { return tuple_count_; }

  static std::string_view StateName(State state);

 private:
  struct Entry {
    TransportTuple tuple;
    int64_t last_seen_ms = 0;
  };

  void SendError(const StunMessage& request, const TransportTuple& tuple, uint16_t code);
  int FindTuple(const TransportTuple& tuple) const;
  int AddTuple(const TransportTuple& tuple, int64_t now_ms);
  void Select(int index);
  void RemoveAt(int index);

  Listener* const listener_;
  std::string ufrag_;
  std::string password_;
  HmacSha1 key_;
  std::string old_ufrag_;  // empty when no restart is pending
  std::string old_password_;
  HmacSha1 old_key_;
  const int64_t consent_timeout_ms_;

  State state_ = State::kNew;
  std::array<Entry, kMaxTuples> tuples_{};
  std::size_t tuple_count_ = 0;
  int selected_ = -1;
  std::optional<uint32_t> last_nomination_;
  int64_t last_valid_check_ms_ = 0;
  Stats stats_;
  std::array<uint8_t, 256> response_{};
};

}  // namespace tr::media
