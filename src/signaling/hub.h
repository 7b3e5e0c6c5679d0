#pragma once
// The signaling hub: every WebSocket session and every live room of this node. All hub
// state lives on ONE thread (its own io_context): sessions post their messages to it, the
// SFU's replies and notifications are posted back to it, so rooms need no locks. Database
// calls made here are short indexed reads/writes (authenticate, join, status changes).
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

#include "auth/token_verifier.h"
#include "common/json.h"
#include "http/request.h"
#include "http/websocket.h"
#include "media/sfu/sfu.h"
#include "signaling/message.h"
#include "store/store.h"
#include "tenancy/plan.h"
#include "tenancy/rate_limiter.h"
#include "tenancy/role.h"

namespace tr::signaling {

struct HubOptions {
  std::string node_name = "sfu-local";
  int auth_timeout_ms = 10000;
  tenancy::RateLimit websocket_limit{10, 60000};  // connections per user
  tenancy::RateLimit transport_limit{20, 60000};  // transports per room
  tenancy::RateLimit chat_limit{10, 10000};       // messages per user
  std::size_t chat_history = 100;
  // `test-network` (tests only): emulate loss / a rate limit on a participant's downlink.
  bool test_hooks = false;
  // A participant whose socket drops stays in the room this long (its media keeps flowing);
  // rejoining within it, with the same role and name, is silent for the others (no
  // participant-left / participant-joined). 0 = removed at once.
  int reconnect_grace_ms = 10000;
};

class SignalingHub {
 public:
  SignalingHub(HubOptions options, store::Store& store, auth::TokenVerifier& tokens,
               media::Sfu& sfu);
  ~SignalingHub();

  void Start();
  // Closes every session and room; joins the hub thread.
  void Stop();

  // http::WebSocketAcceptor for "/ws".
  std::shared_ptr<http::WebSocketSession> Accept(const http::Request& request,
                                                 std::shared_ptr<http::WebSocketConnection> conn);
  // Viewers currently in a room (any thread).
  int LiveViewers(const std::string& room_id) const;
  // Sends `event` to everyone in the room, if it is live (any thread; e.g. the REST API's
  // file-added / file-deleted).
  void NotifyRoom(const std::string& room_id, std::string event, Json data);

 private:
  class Session;
  struct SessionState;
  struct Participant;
  struct Room;

  // Everything below runs on the hub thread.
  void OnOpen(uint64_t session_id, std::shared_ptr<http::WebSocketConnection> conn,
              std::string remote_ip);
  void OnMessage(uint64_t session_id, std::string text);
  void OnClosed(uint64_t session_id);
  void OnSfuNotification(const std::string& event, const Json& data);

  void Dispatch(SessionState& s, const ClientMessage& m);
  void HandleAuthenticate(SessionState& s, const ClientMessage& m);
  void HandleJoin(SessionState& s, const ClientMessage& m);
  void CompleteJoin(uint64_t session_id, const ClientMessage& m, tenancy::Role role,
                    std::string display_name);
  void HandleCreateTransport(SessionState& s, const ClientMessage& m);
  void HandleConnectTransport(SessionState& s, const ClientMessage& m);
  void HandleProduce(SessionState& s, const ClientMessage& m);
  void HandleConsume(SessionState& s, const ClientMessage& m);
  void HandleConsumerAction(SessionState& s, const ClientMessage& m);
  void HandleProducerAction(SessionState& s, const ClientMessage& m);
  void HandleRestartIce(SessionState& s, const ClientMessage& m);
  void HandleLeave(SessionState& s, const ClientMessage& m);
  void HandleCloseRoom(SessionState& s, const ClientMessage& m);
  void HandleChat(SessionState& s, const ClientMessage& m);
  void HandleDeleteChat(SessionState& s, const ClientMessage& m);
  void HandleMute(SessionState& s, const ClientMessage& m);
  void HandleRemove(SessionState& s, const ClientMessage& m);
  void HandleGetStats(SessionState& s, const ClientMessage& m);
  void HandleTestNetwork(SessionState& s, const ClientMessage& m);

  // Sends the request to the SFU and runs `done` on the hub thread with the reply.
  void SfuCall(const std::string& method, Json data, std::function<void(media::SfuReply)> done);

  // After an asynchronous SFU call: the room (if still open) and the participant (if the
  // same session is still in it).
  std::pair<Room*, Participant*> FindParticipant(const std::string& room_id,
                                                 const std::string& user_id, uint64_t session_id);
  Room& RequireRoom(SessionState& s);
  Participant& RequireParticipant(SessionState& s);
  void RemoveParticipant(Room& room, const std::string& user_id, const std::string& reason);
  // Closes the participant's transports, tells the others its producers closed and takes
  // it out of the room, without participant-left (RemoveParticipant adds that).
  Participant DetachParticipant(Room& room, const std::string& user_id);
  // One transport of the participant closed in the SFU: forget it (and, for the send
  // transport, tell the others its producers closed); the participant stays.
  void DetachTransport(Room& room, Participant& p, const std::string& transport_id);
  // The socket of a joined participant dropped: keep it for the grace period, then remove.
  void StartReconnectGrace(Room& room, Participant& p);
  void ReleaseRoomIfEmpty(const std::string& room_id);
  // `already_told`: a user who got room-closed as the reply to their own request.
  void CloseRoom(Room& room, const std::string& reason, const std::string& already_told = {});
  void SetRoomStatus(const Room& room, const std::string& status);
  void UpdateViewerCount(const Room& room);

  void Send(uint64_t session_id, std::string_view event, const Json& data,
            const std::string& request_id = {});
  void SendError(uint64_t session_id, const ProtocolError& error, const std::string& request_id);
  void Broadcast(const Room& room, std::string_view event, const Json& data,
                 const std::string& except_user = {});
  void CloseSession(SessionState& s, int code, const std::string& reason);
  Json ParticipantJson(const Participant& p) const;

  HubOptions options_;
  store::Store& store_;
  auth::TokenVerifier& tokens_;
  media::Sfu& sfu_;
  tenancy::RateLimiter limiter_;

  struct Loop;
  std::unique_ptr<Loop> loop_;
  std::thread thread_;

  uint64_t next_session_id_ = 1;  // hub thread only after Start (Accept uses an atomic)
  std::unordered_map<uint64_t, std::unique_ptr<SessionState>> sessions_;
  std::map<std::string, std::unique_ptr<Room>> rooms_;
  // Object id → (room id, owner user id), for ownership checks.
  std::unordered_map<std::string, std::pair<std::string, std::string>> transports_;
  std::unordered_map<std::string, std::pair<std::string, std::string>> producers_;
  std::unordered_map<std::string, std::pair<std::string, std::string>> consumers_;

  uint64_t next_grace_generation_ = 1;

  mutable std::mutex viewers_mutex_;
  std::unordered_map<std::string, int> viewers_;
};

}  // namespace tr::signaling
