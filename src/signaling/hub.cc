#include "signaling/hub.h"

#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>

#include "common/log.h"
#include "common/random.h"
#include "common/time.h"
#include "signaling/room_permissions.h"
#include "tenancy/permission.h"

namespace tr::signaling {

namespace asio = boost::asio;
using tenancy::Permission;
using tenancy::Role;

namespace {

ProtocolError Error(std::string code, std::string message) {
  return {std::move(code), std::move(message), 0};
}

Json LimitOrNull(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

std::atomic<uint64_t> g_next_session{1};

// For requests whose outcome needs no answer (closing what is already gone to the client).
media::SfuReplyHandler IgnoreReply() {
  return [](media::SfuReply) {};
}

}  // namespace

struct SignalingHub::Loop {
  asio::io_context ioc{1};
  asio::executor_work_guard<asio::io_context::executor_type> guard{asio::make_work_guard(ioc)};
  // Reconnect grace timers by generation (cancelled on Stop so that shutdown is prompt).
  std::unordered_map<uint64_t, std::unique_ptr<asio::steady_timer>> grace_timers;
};

// The WebSocket side of one connection: forwards to the hub thread.
class SignalingHub::Session : public http::WebSocketSession {
 public:
  Session(SignalingHub& hub, uint64_t id) : hub_(hub), id_(id) {}
  void OnMessage(std::string_view text) override {
    asio::post(hub_.loop_->ioc, [hub = &hub_, id = id_, msg = std::string(text)]() mutable {
      hub->OnMessage(id, std::move(msg));
    });
  }
  void OnClose() override {
    asio::post(hub_.loop_->ioc, [hub = &hub_, id = id_]() { hub->OnClosed(id); });
  }

 private:
  SignalingHub& hub_;
  uint64_t id_;
};

struct SignalingHub::SessionState {
  uint64_t id = 0;
  std::shared_ptr<http::WebSocketConnection> conn;
  std::string remote_ip;
  std::unique_ptr<asio::steady_timer> auth_timer;
  bool authenticated = false;
  bool closing = false;
  std::string user_id;
  std::string email;
  std::string display_name;
  std::string org_id;
  Role org_role = Role::kViewer;
  const tenancy::Plan* plan = nullptr;
  std::string room_id;  // joined room, empty when none
};

struct SignalingHub::Participant {
  uint64_t session_id = 0;
  std::string user_id;
  std::string display_name;
  Role role = Role::kViewer;  // joined role
  Role org_role = Role::kViewer;
  std::string send_transport;
  std::string recv_transport;
  std::set<std::string> connected_transports;
  struct ProducerInfo {
    std::string kind;
    Json app_data;
    bool paused = false;
  };
  std::map<std::string, ProducerInfo> producers;
  std::set<std::string> consumers;
  int pending_transports = 0;
  // The socket dropped (session_id is 0 then); removed when the grace period with this
  // generation ends, unless the user rejoins first.
  bool disconnected = false;
  uint64_t grace_generation = 0;
};

struct SignalingHub::Room {
  std::string id;
  std::string org_id;
  std::string router_id;  // empty while being created
  const tenancy::Plan* plan = nullptr;
  std::map<std::string, Participant> participants;  // by user id
  std::deque<Json> chat;
  // Joins that arrived while the router was being created.
  std::vector<std::function<void()>> pending;
  bool live = false;
};

SignalingHub::SignalingHub(HubOptions options, store::Store& store, auth::TokenVerifier& tokens,
                           media::Sfu& sfu)
    : options_(std::move(options)), store_(store), tokens_(tokens), sfu_(sfu),
      loop_(std::make_unique<Loop>()) {}

SignalingHub::~SignalingHub() { Stop(); }

void SignalingHub::Start() {
  sfu_.SetNotificationHandler([this](const std::string& event, const Json& data) {
    asio::post(loop_->ioc, [this, event, data]() { OnSfuNotification(event, data); });
  });
  thread_ = std::thread([this] { loop_->ioc.run(); });
}

void SignalingHub::Stop() {
  if (!thread_.joinable()) return;
  asio::post(loop_->ioc, [this] {
    for (auto& [id, room] : rooms_) {
      Broadcast(*room, "room-closed", {{"roomId", room->id}, {"reason", "server_shutdown"}});
      if (!room->router_id.empty()) sfu_.Request("router.close", {{"routerId", room->router_id}}, IgnoreReply());
      if (room->live) SetRoomStatus(*room, "idle");
    }
    rooms_.clear();
    for (auto& [generation, timer] : loop_->grace_timers) timer->cancel();
    loop_->grace_timers.clear();
    for (auto& [id, s] : sessions_) {
      if (s->auth_timer) s->auth_timer->cancel();
      s->conn->Close(1001, "server shutting down");
    }
    sessions_.clear();
    loop_->guard.reset();
  });
  thread_.join();
}

std::shared_ptr<http::WebSocketSession> SignalingHub::Accept(
    const http::Request& request, std::shared_ptr<http::WebSocketConnection> conn) {
  uint64_t id = g_next_session.fetch_add(1);
  asio::post(loop_->ioc, [this, id, conn, ip = request.remote_ip]() mutable {
    OnOpen(id, std::move(conn), std::move(ip));
  });
  return std::make_shared<Session>(*this, id);
}

int SignalingHub::LiveViewers(const std::string& room_id) const {
  std::lock_guard lock(viewers_mutex_);
  auto it = viewers_.find(room_id);
  return it == viewers_.end() ? 0 : it->second;
}

void SignalingHub::NotifyRoom(const std::string& room_id, std::string event, Json data) {
  asio::post(loop_->ioc, [this, room_id, event = std::move(event), data = std::move(data)] {
    auto it = rooms_.find(room_id);
    if (it != rooms_.end()) Broadcast(*it->second, event, data, "");
  });
}

// --- sessions -----------------------------------------------------------------------

void SignalingHub::OnOpen(uint64_t id, std::shared_ptr<http::WebSocketConnection> conn,
                          std::string remote_ip) {
  auto state = std::make_unique<SessionState>();
  state->id = id;
  state->conn = std::move(conn);
  state->remote_ip = std::move(remote_ip);
  state->auth_timer = std::make_unique<asio::steady_timer>(loop_->ioc);
  state->auth_timer->expires_after(std::chrono::milliseconds(options_.auth_timeout_ms));
  state->auth_timer->async_wait([this, id](const boost::system::error_code& ec) {
    if (ec) return;
    auto it = sessions_.find(id);
    if (it == sessions_.end() || it->second->authenticated) return;
    SendError(id, Error("unauthenticated", "authenticate within 10 seconds of connecting"), "");
    CloseSession(*it->second, 4001, "authentication timeout");
  });
  sessions_.emplace(id, std::move(state));
}

void SignalingHub::OnClosed(uint64_t id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  SessionState& s = *it->second;
  if (s.auth_timer) s.auth_timer->cancel();
  if (!s.room_id.empty()) {
    auto room = rooms_.find(s.room_id);
    if (room != rooms_.end()) {
      auto p = room->second->participants.find(s.user_id);
      if (p != room->second->participants.end() && p->second.session_id == id) {
        if (options_.reconnect_grace_ms > 0) {
          StartReconnectGrace(*room->second, p->second);
        } else {
          RemoveParticipant(*room->second, s.user_id, "disconnected");
          ReleaseRoomIfEmpty(s.room_id);
        }
      }
    }
  }
  sessions_.erase(it);
}

void SignalingHub::CloseSession(SessionState& s, int code, const std::string& reason) {
  if (s.closing) return;
  s.closing = true;
  s.conn->Close(code, reason);
}

void SignalingHub::Send(uint64_t session_id, std::string_view event, const Json& data,
                        const std::string& request_id) {
  auto it = sessions_.find(session_id);
  if (it == sessions_.end() || it->second->closing) return;
  it->second->conn->Send(RenderEvent(event, data, request_id));
}

void SignalingHub::SendError(uint64_t session_id, const ProtocolError& error,
                             const std::string& request_id) {
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return;
  it->second->conn->Send(RenderError(error, request_id));
}

void SignalingHub::Broadcast(const Room& room, std::string_view event, const Json& data,
                             const std::string& except_user) {
  std::string frame = RenderEvent(event, data, "");
  for (const auto& [user_id, p] : room.participants) {
    if (user_id == except_user) continue;
    auto it = sessions_.find(p.session_id);
    if (it != sessions_.end() && !it->second->closing) it->second->conn->Send(frame);
  }
}

void SignalingHub::OnMessage(uint64_t id, std::string text) {
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second->closing) return;
  SessionState& s = *it->second;
  auto parsed = ParseClientMessage(text);
  if (auto* failure = std::get_if<1>(&parsed)) {
    SendError(id, failure->first, failure->second);
    return;
  }
  const ClientMessage& m = std::get<0>(parsed);
  try {
    Dispatch(s, m);
  } catch (const ProtocolError& e) {
    SendError(id, e, m.request_id);
    // Authentication failures end the connection (docs/protocol.md, "Framing").
    if (e.code == "invalid_token" || e.code == "unauthenticated") {
      auto again = sessions_.find(id);
      if (again != sessions_.end()) {
        CloseSession(*again->second, 4001,
                     e.code == "invalid_token" ? "invalid token" : "not authenticated");
      }
    }
  } catch (const std::exception& e) {
    log::Error("signaling", "handler failed",
               {{"event", m.event}, {"session", id}, {"error", e.what()}});
    SendError(id, Error("internal", "internal error"), m.request_id);
  }
}

void SignalingHub::Dispatch(SessionState& s, const ClientMessage& m) {
  const std::string& e = m.event;
  if (e == "authenticate") return HandleAuthenticate(s, m);
  if (e == "ping") {
    if (!s.authenticated) throw Error("unauthenticated", "send authenticate first");
    return Send(s.id, "pong", Json::object(), m.request_id);
  }
  static const std::set<std::string> kKnown = {
      "join-room", "create-transport", "connect-transport", "produce", "consume",
      "set-preferred-layers", "resume-consumer", "pause-consumer", "pause-producer",
      "resume-producer", "close-producer", "restart-ice", "leave-room", "close-room",
      "send-chat", "delete-chat", "mute-participant", "remove-participant", "get-stats"};
  // Before authentication every other message, known or not, is refused the same way.
  if (!s.authenticated) throw Error("unauthenticated", "send authenticate first");
  if (e == "test-network" && options_.test_hooks) return HandleTestNetwork(s, m);
  if (!kKnown.count(e)) throw Error("unknown_event", "unknown event '" + e + "'");
  if (e == "join-room") return HandleJoin(s, m);
  if (e == "create-transport") return HandleCreateTransport(s, m);
  if (e == "connect-transport") return HandleConnectTransport(s, m);
  if (e == "produce") return HandleProduce(s, m);
  if (e == "consume") return HandleConsume(s, m);
  if (e == "set-preferred-layers" || e == "resume-consumer" || e == "pause-consumer") {
    return HandleConsumerAction(s, m);
  }
  if (e == "pause-producer" || e == "resume-producer" || e == "close-producer") {
    return HandleProducerAction(s, m);
  }
  if (e == "restart-ice") return HandleRestartIce(s, m);
  if (e == "leave-room") return HandleLeave(s, m);
  if (e == "close-room") return HandleCloseRoom(s, m);
  if (e == "send-chat") return HandleChat(s, m);
  if (e == "delete-chat") return HandleDeleteChat(s, m);
  if (e == "mute-participant") return HandleMute(s, m);
  if (e == "remove-participant") return HandleRemove(s, m);
  if (e == "get-stats") return HandleGetStats(s, m);
}

// --- authenticate ------------------------------------------------------------------

void SignalingHub::HandleAuthenticate(SessionState& s, const ClientMessage& m) {
  if (s.authenticated) throw Error("invalid_state", "already authenticated");
  std::string token = RequireString(m.data, "token", 8192);
  auto requested_org = OptionalString(m.data, "organizationId");
  int64_t now = NowUnixSeconds();
  auth::TokenCheck check = tokens_.Verify(token, now);
  if (!check.Ok()) {
    throw Error("invalid_token", std::string("token rejected: ") + auth::JwtErrorName(check.error));
  }
  std::string user_id = check.claims.sub;
  std::string email = check.claims.email;
  std::string display_name;
  if (check.external) {
    if (email.empty()) throw Error("invalid_token", "token has no email");
    auto user = store_.FindOrCreateExternalUser(check.claims.sub, email, now);
    user_id = user.id;
    display_name = user.display_name;
  } else {
    auto user = store_.FindUserById(user_id);
    if (!user) throw Error("invalid_token", "account no longer exists");
    display_name = user->display_name;
  }

  auto decision = limiter_.Check("ws:" + user_id, options_.websocket_limit.limit,
                                 options_.websocket_limit.window_ms, MonotonicMillis());
  if (!decision.allowed) {
    ProtocolError error{"rate_limited", "too many connections; retry later",
                        decision.retry_after_seconds};
    SendError(s.id, error, m.request_id);
    CloseSession(s, 4029, "rate limited");
    return;
  }

  std::string org_id = requested_org.value_or(check.claims.organization_id);
  std::optional<Role> role;
  if (!org_id.empty()) {
    if (check.external && org_id == check.claims.organization_id) {
      role = tenancy::ParseRole(check.claims.organization_role);
    }
    if (!role) {
      if (auto r = store_.MemberRole(org_id, user_id)) role = tenancy::ParseRole(*r);
    }
  } else {
    auto orgs = store_.ListOrganizationsForUser(user_id);
    if (!orgs.empty()) {
      org_id = orgs.back().first.id;
      role = tenancy::ParseRole(orgs.back().second);
    }
  }
  if (!role) throw Error("forbidden", "not a member of that organization");
  auto org = store_.FindOrganization({user_id, check.external ? org_id : ""}, org_id);
  if (!org) throw Error("forbidden", "not a member of that organization");
  const auto& plan = tenancy::GetPlan(tenancy::ParsePlan(org->plan).value_or(tenancy::PlanId::kStarter));

  s.authenticated = true;
  s.auth_timer->cancel();
  s.user_id = user_id;
  s.email = email;
  s.display_name = display_name;
  s.org_id = org_id;
  s.org_role = *role;
  s.plan = &plan;
  Json permissions = Json::array();
  for (const auto& name : tenancy::PermissionNames(*role)) permissions.push_back(name);
  Send(s.id, "authenticated",
       {{"userId", user_id},
        {"organizationId", org_id},
        {"role", tenancy::RoleName(*role)},
        {"permissions", permissions},
        {"plan", plan.name},
        {"limits",
         {{"maxRooms", LimitOrNull(plan.limits.rooms)},
          {"maxViewers", LimitOrNull(plan.limits.viewers)},
          {"maxWorkspaces", LimitOrNull(plan.limits.workspaces)},
          {"maxHosts", LimitOrNull(plan.limits.hosts)}}}},
       m.request_id);
}

// --- rooms ---------------------------------------------------------------------------

std::pair<SignalingHub::Room*, SignalingHub::Participant*> SignalingHub::FindParticipant(
    const std::string& room_id, const std::string& user_id, uint64_t session_id) {
  auto r = rooms_.find(room_id);
  if (r == rooms_.end()) return {nullptr, nullptr};
  auto p = r->second->participants.find(user_id);
  bool same = p != r->second->participants.end() && p->second.session_id == session_id;
  return {r->second.get(), same ? &p->second : nullptr};
}

SignalingHub::Room& SignalingHub::RequireRoom(SessionState& s) {
  if (s.room_id.empty()) throw Error("invalid_state", "join a room first");
  auto it = rooms_.find(s.room_id);
  if (it == rooms_.end()) throw Error("room_closed", "the room is closed");
  return *it->second;
}

SignalingHub::Participant& SignalingHub::RequireParticipant(SessionState& s) {
  Room& room = RequireRoom(s);
  auto it = room.participants.find(s.user_id);
  if (it == room.participants.end() || it->second.session_id != s.id) {
    throw Error("invalid_state", "not in the room");
  }
  return it->second;
}

void SignalingHub::HandleJoin(SessionState& s, const ClientMessage& m) {
  std::string room_id = RequireString(m.data, "roomId");
  std::string role_name =
      RequireEnum(m.data, "role", {"host", "co-host", "moderator", "viewer"}, "viewer");
  auto display = OptionalString(m.data, "displayName", 100);
  if (!s.room_id.empty()) throw Error("invalid_state", "already in a room; leave it first");
  auto record = store_.FindRoom({s.user_id, s.org_id}, room_id);
  if (!record || record->organization_id != s.org_id) throw Error("not_found", "no such room");
  if (record->status == "closed") throw Error("room_closed", "the room is closed");
  Role role = *tenancy::ParseRole(role_name);
  if (!CanJoinAs(s.org_role, role)) {
    throw Error("forbidden", "your organization role (" + std::string(tenancy::RoleName(s.org_role)) +
                                 ") cannot join as " + role_name);
  }
  if (!tenancy::Allows(role, Permission::kViewStream)) throw Error("forbidden", "cannot view");
  std::string name = display && !display->empty() ? *display : s.display_name;

  auto it = rooms_.find(room_id);
  if (it == rooms_.end()) {
    auto room = std::make_unique<Room>();
    room->id = room_id;
    room->org_id = record->organization_id;
    room->plan = s.plan;
    room->live = record->status == "live";
    it = rooms_.emplace(room_id, std::move(room)).first;
    SfuCall("router.create", Json::object(), [this, room_id](media::SfuReply reply) {
      auto r = rooms_.find(room_id);
      if (r == rooms_.end()) {
        if (reply.ok) sfu_.Request("router.close", {{"routerId", reply.data["routerId"]}}, IgnoreReply());
        return;
      }
      auto pending = std::move(r->second->pending);
      if (!reply.ok) {
        log::Error("signaling", "router creation failed", {{"room", room_id}, {"error", reply.error_message}});
        rooms_.erase(r);
        for (auto& fn : pending) fn();  // each join re-checks and reports room_closed
        return;
      }
      r->second->router_id = reply.data.value("routerId", "");
      for (auto& fn : pending) fn();
    });
  }
  // Claim the room slot now so that a second join on this session is refused.
  s.room_id = room_id;
  Room& room = *it->second;
  auto proceed = [this, id = s.id, m, role, name]() { CompleteJoin(id, m, role, name); };
  if (room.router_id.empty()) {
    room.pending.push_back(std::move(proceed));
  } else {
    proceed();
  }
}

void SignalingHub::CompleteJoin(uint64_t session_id, const ClientMessage& m, Role role,
                                std::string display_name) {
  auto sit = sessions_.find(session_id);
  if (sit == sessions_.end()) return;
  SessionState& s = *sit->second;
  auto rit = rooms_.find(s.room_id);
  if (rit == rooms_.end()) {
    s.room_id.clear();
    SendError(session_id, Error("room_closed", "the room could not be opened"), m.request_id);
    return;
  }
  Room& room = *rit->second;
  // The plan's viewer limit counts participants joined as viewers in this room.
  if (role == Role::kViewer && room.plan && room.plan->limits.viewers) {
    int64_t viewers = 0;
    for (const auto& [uid, p] : room.participants) {
      if (p.role == Role::kViewer && uid != s.user_id) ++viewers;
    }
    if (viewers >= *room.plan->limits.viewers) {
      s.room_id.clear();
      SendError(session_id,
                Error("limit_exceeded", "the room is full: the " +
                                            std::string(room.plan->display_name) + " plan allows " +
                                            std::to_string(*room.plan->limits.viewers) + " viewers"),
                m.request_id);
      ReleaseRoomIfEmpty(room.id);
      return;
    }
  }
  // A second session of the same user replaces the first (reconnect, second tab). A user
  // back within the reconnect grace period, as before, resumes silently: the others only
  // see its old producers close (the client publishes anew).
  bool resumed = false;
  if (auto old = room.participants.find(s.user_id); old != room.participants.end()) {
    const Participant& previous = old->second;
    resumed = previous.disconnected && previous.role == role && previous.display_name == display_name;
    uint64_t old_session = previous.session_id;
    if (resumed) {
      DetachParticipant(room, s.user_id);
    } else {
      Send(old_session, "removed", {{"roomId", room.id}, {"by", "replaced"}});
      RemoveParticipant(room, s.user_id, "replaced");
    }
    if (auto os = sessions_.find(old_session); os != sessions_.end()) os->second->room_id.clear();
  }
  Json others = Json::array();
  for (const auto& [uid, p] : room.participants) others.push_back(ParticipantJson(p));
  Participant participant;
  participant.session_id = session_id;
  participant.user_id = s.user_id;
  participant.display_name = display_name;
  participant.role = role;
  participant.org_role = s.org_role;
  room.participants.emplace(s.user_id, std::move(participant));
  UpdateViewerCount(room);
  Json history = Json::array();
  for (const auto& msg : room.chat) history.push_back(msg);
  Send(session_id, "room-joined",
       {{"roomId", room.id},
        {"routerRtpCapabilities", sfu_.RouterRtpCapabilities()},
        {"participants", others},
        {"sfuNode", options_.node_name},
        {"chatHistory", history},
        {"you", {{"userId", s.user_id}, {"role", tenancy::RoleName(role)}, {"displayName", display_name}}}},
       m.request_id);
  if (!resumed) {
    Broadcast(room, "participant-joined",
              {{"userId", s.user_id}, {"displayName", display_name}, {"role", tenancy::RoleName(role)}},
              s.user_id);
  }
}

Json SignalingHub::ParticipantJson(const Participant& p) const {
  Json producers = Json::array();
  for (const auto& [id, info] : p.producers) {
    producers.push_back({{"producerId", id}, {"kind", info.kind}, {"appData", info.app_data},
                         {"paused", info.paused}});
  }
  return {{"userId", p.user_id},
          {"displayName", p.display_name},
          {"role", tenancy::RoleName(p.role)},
          {"producers", producers}};
}

SignalingHub::Participant SignalingHub::DetachParticipant(Room& room, const std::string& user_id) {
  auto it = room.participants.find(user_id);
  if (it == room.participants.end()) return {};
  Participant p = std::move(it->second);
  room.participants.erase(it);
  const std::string transports[] = {p.send_transport, p.recv_transport};  // DetachTransport clears them
  for (const std::string& transport : transports) {
    if (transport.empty()) continue;
    // Closing the transport closes its producers and consumers in the SFU.
    sfu_.Request("transport.close", {{"routerId", room.router_id}, {"transportId", transport}}, IgnoreReply());
    DetachTransport(room, p, transport);
  }
  if (p.disconnected) loop_->grace_timers.erase(p.grace_generation);
  return p;
}

void SignalingHub::DetachTransport(Room& room, Participant& p, const std::string& transport_id) {
  transports_.erase(transport_id);
  p.connected_transports.erase(transport_id);
  if (p.send_transport == transport_id) {
    p.send_transport.clear();
    for (const auto& [producer_id, info] : p.producers) {
      producers_.erase(producer_id);
      Broadcast(room, "producer-closed", {{"producerId", producer_id}, {"userId", p.user_id}});
    }
    p.producers.clear();
  }
  if (p.recv_transport == transport_id) {
    p.recv_transport.clear();
    for (const auto& consumer_id : p.consumers) consumers_.erase(consumer_id);
    p.consumers.clear();
  }
}

void SignalingHub::StartReconnectGrace(Room& room, Participant& p) {
  p.session_id = 0;
  p.disconnected = true;
  p.grace_generation = next_grace_generation_++;
  auto timer = std::make_unique<asio::steady_timer>(
      loop_->ioc, std::chrono::milliseconds(options_.reconnect_grace_ms));
  timer->async_wait([this, room_id = room.id, user_id = p.user_id,
                     generation = p.grace_generation](const std::error_code& ec) {
    if (ec) return;  // cancelled: shutting down
    loop_->grace_timers.erase(generation);
    auto r = rooms_.find(room_id);
    if (r == rooms_.end()) return;
    auto it = r->second->participants.find(user_id);
    if (it == r->second->participants.end() || !it->second.disconnected ||
        it->second.grace_generation != generation) {
      return;  // back (or removed) meanwhile
    }
    RemoveParticipant(*r->second, user_id, "disconnected");
    ReleaseRoomIfEmpty(room_id);
  });
  loop_->grace_timers[p.grace_generation] = std::move(timer);
}

void SignalingHub::RemoveParticipant(Room& room, const std::string& user_id,
                                     const std::string& reason) {
  if (room.participants.find(user_id) == room.participants.end()) return;
  Participant p = DetachParticipant(room, user_id);
  Broadcast(room, "participant-left", {{"userId", user_id}, {"reason", reason}});
  UpdateViewerCount(room);
  if (auto s = sessions_.find(p.session_id); s != sessions_.end() && s->second->room_id == room.id) {
    s->second->room_id.clear();
  }
}

void SignalingHub::ReleaseRoomIfEmpty(const std::string& room_id) {
  auto it = rooms_.find(room_id);
  if (it == rooms_.end()) return;
  Room& room = *it->second;
  if (!room.participants.empty() || !room.pending.empty()) return;
  if (room.router_id.empty()) return;  // still being created; its reply will find no joins
  sfu_.Request("router.close", {{"routerId", room.router_id}}, IgnoreReply());
  if (room.live) SetRoomStatus(room, "idle");
  {
    std::lock_guard lock(viewers_mutex_);
    viewers_.erase(room_id);
  }
  rooms_.erase(it);
}

void SignalingHub::SetRoomStatus(const Room& room, const std::string& status) {
  try {
    auto record = store_.FindRoom({"", room.org_id}, room.id);
    if (!record || record->status == status || record->status == "closed") return;
    record->status = status;
    record->updated_at = NowUnixSeconds();
    store_.UpdateRoom(*record);
  } catch (const std::exception& e) {
    log::Warn("signaling", "room status update failed", {{"room", room.id}, {"error", e.what()}});
  }
}

void SignalingHub::UpdateViewerCount(const Room& room) {
  int viewers = 0;
  for (const auto& [uid, p] : room.participants) viewers += p.role == Role::kViewer ? 1 : 0;
  std::lock_guard lock(viewers_mutex_);
  viewers_[room.id] = viewers;
}

void SignalingHub::CloseRoom(Room& room, const std::string& reason,
                             const std::string& already_told) {
  std::string room_id = room.id;
  Broadcast(room, "room-closed", {{"roomId", room_id}, {"reason", reason}}, already_told);
  std::vector<std::string> users;
  for (const auto& [uid, p] : room.participants) users.push_back(uid);
  for (const auto& uid : users) {
    auto p = room.participants.find(uid);
    uint64_t sid = p->second.session_id;
    for (const auto& t : {p->second.send_transport, p->second.recv_transport}) {
      if (!t.empty()) transports_.erase(t);
    }
    for (const auto& [pid, info] : p->second.producers) producers_.erase(pid);
    for (const auto& cid : p->second.consumers) consumers_.erase(cid);
    room.participants.erase(p);
    if (auto s = sessions_.find(sid); s != sessions_.end()) s->second->room_id.clear();
  }
  if (!room.router_id.empty()) sfu_.Request("router.close", {{"routerId", room.router_id}}, IgnoreReply());
  try {
    auto record = store_.FindRoom({"", room.org_id}, room_id);
    if (record) {
      record->status = "closed";
      record->updated_at = NowUnixSeconds();
      store_.UpdateRoom(*record);
    }
  } catch (const std::exception& e) {
    log::Warn("signaling", "room close persist failed", {{"room", room_id}, {"error", e.what()}});
  }
  {
    std::lock_guard lock(viewers_mutex_);
    viewers_.erase(room_id);
  }
  rooms_.erase(room_id);
}

// --- media -----------------------------------------------------------------------------

void SignalingHub::SfuCall(const std::string& method, Json data,
                           std::function<void(media::SfuReply)> done) {
  sfu_.Request(method, std::move(data), [this, done = std::move(done)](media::SfuReply reply) mutable {
    asio::post(loop_->ioc, [done = std::move(done), reply = std::move(reply)]() mutable {
      done(std::move(reply));
    });
  });
}

void SignalingHub::HandleCreateTransport(SessionState& s, const ClientMessage& m) {
  std::string room_id = RequireString(m.data, "roomId");
  std::string direction = RequireEnum(m.data, "direction", {"send", "recv"});
  bool force_tcp = OptionalBool(m.data, "forceTcp").value_or(false);
  Participant& p = RequireParticipant(s);
  Room& room = RequireRoom(s);
  if (room_id != room.id) throw Error("not_found", "not in that room");
  if (!MayPerform(p.role, "create-transport", m.data)) {
    throw Error("forbidden", "your role may not send media in this room");
  }
  std::string& slot = direction == "send" ? p.send_transport : p.recv_transport;
  if (!slot.empty()) throw Error("invalid_state", "a " + direction + " transport already exists");
  if (p.pending_transports > 0) throw Error("invalid_state", "a transport is being created");
  auto decision = limiter_.Check("transport:" + room.id, options_.transport_limit.limit,
                                 options_.transport_limit.window_ms, MonotonicMillis());
  if (!decision.allowed) {
    throw ProtocolError{"rate_limited", "too many transports created in this room",
                        decision.retry_after_seconds};
  }
  ++p.pending_transports;
  Json request = {{"routerId", room.router_id}, {"direction", direction}};
  if (force_tcp) request["enableUdp"] = false;
  SfuCall("transport.create", request,
          [this, sid = s.id, room_id = room.id, user = s.user_id, direction,
           rid = m.request_id](media::SfuReply reply) {
            auto [r, part] = FindParticipant(room_id, user, sid);
            if (part) --part->pending_transports;
            if (!reply.ok) {
              SendError(sid, Error(reply.error_code.empty() ? "internal" : reply.error_code,
                                   reply.error_message),
                        rid);
              return;
            }
            std::string transport_id = reply.data.value("transportId", "");
            if (!part) {
              // The participant left while the transport was being made.
              sfu_.Request("transport.close",
                           {{"routerId", r ? r->router_id : std::string()},
                            {"transportId", transport_id}},
                           IgnoreReply());
              return;
            }
            (direction == "send" ? part->send_transport : part->recv_transport) = transport_id;
            transports_[transport_id] = {room_id, user};
            Json out = reply.data;
            out["direction"] = direction;
            Send(sid, "transport-created", out, rid);
          });
}

void SignalingHub::HandleConnectTransport(SessionState& s, const ClientMessage& m) {
  std::string transport_id = RequireString(m.data, "transportId");
  const Json& dtls = RequireObject(m.data, "dtlsParameters");
  auto fps = dtls.find("fingerprints");
  if (fps == dtls.end() || !fps->is_array() || fps->empty()) {
    throw Error("invalid_parameters", "dtlsParameters.fingerprints must be a non-empty array");
  }
  Participant& p = RequireParticipant(s);
  Room& room = RequireRoom(s);
  if (transport_id != p.send_transport && transport_id != p.recv_transport) {
    throw Error("not_found", "no such transport");
  }
  if (p.connected_transports.count(transport_id)) {
    throw Error("invalid_state", "transport already connected");
  }
  p.connected_transports.insert(transport_id);
  SfuCall("transport.connect",
          {{"routerId", room.router_id}, {"transportId", transport_id}, {"dtlsParameters", dtls}},
          [this, sid = s.id, room_id = room.id, user = s.user_id, transport_id,
           rid = m.request_id](media::SfuReply reply) {
            if (!reply.ok) {
              auto r = rooms_.find(room_id);
              if (r != rooms_.end()) {
                auto pit = r->second->participants.find(user);
                if (pit != r->second->participants.end()) {
                  pit->second.connected_transports.erase(transport_id);
                }
              }
              SendError(sid, Error(reply.error_code, reply.error_message), rid);
              return;
            }
            Send(sid, "transport-connected", {{"transportId", transport_id}}, rid);
          });
}

void SignalingHub::HandleProduce(SessionState& s, const ClientMessage& m) {
  std::string transport_id = RequireString(m.data, "transportId");
  std::string kind = RequireEnum(m.data, "kind", {"audio", "video"});
  const Json& rtp = RequireObject(m.data, "rtpParameters");
  bool paused = OptionalBool(m.data, "paused").value_or(false);
  Json app = Json::object();
  if (auto it = m.data.find("appData"); it != m.data.end() && !it->is_null()) {
    if (!it->is_object()) throw Error("invalid_parameters", "appData must be an object");
    std::string source = RequireEnum(*it, "source", {"camera", "microphone", "screen", "screen-audio"},
                                     kind == "audio" ? "microphone" : "camera");
    app["source"] = source;
  } else {
    app["source"] = kind == "audio" ? "microphone" : "camera";
  }
  Participant& p = RequireParticipant(s);
  Room& room = RequireRoom(s);
  Json check = {{"appData", app}};
  if (!MayPerform(p.role, "produce", check)) {
    throw Error("forbidden", "your role (" + std::string(tenancy::RoleName(p.role)) +
                                 ") may not " + (app["source"] == "screen" ? "share the screen" : "stream"));
  }
  if (transport_id != p.send_transport) throw Error("not_found", "no such send transport");
  if (p.producers.size() >= 4) throw Error("limit_exceeded", "at most 4 sources per participant");
  app["displayName"] = p.display_name;
  SfuCall("producer.create",
          {{"routerId", room.router_id}, {"transportId", transport_id}, {"kind", kind},
           {"rtpParameters", rtp}, {"paused", paused}, {"source", app["source"]}},
          [this, sid = s.id, room_id = room.id, user = s.user_id, kind, app, paused,
           rid = m.request_id](media::SfuReply reply) {
            if (!reply.ok) {
              SendError(sid, Error(reply.error_code, reply.error_message), rid);
              return;
            }
            std::string producer_id = reply.data.value("producerId", "");
            auto [r, part] = FindParticipant(room_id, user, sid);
            if (!part) {
              if (r) {
                sfu_.Request("producer.close", {{"routerId", r->router_id}, {"producerId", producer_id}}, IgnoreReply());
              }
              return;
            }
            part->producers[producer_id] = {kind, app, paused};
            producers_[producer_id] = {room_id, user};
            Room& room_ref = *r;
            Send(sid, "produced", {{"producerId", producer_id}, {"kind", kind}}, rid);
            Broadcast(room_ref, "new-producer",
                      {{"producerId", producer_id}, {"producerUserId", user}, {"kind", kind},
                       {"appData", app}, {"paused", paused}},
                      user);
            if (!room_ref.live) {
              room_ref.live = true;
              SetRoomStatus(room_ref, "live");
            }
          });
}

void SignalingHub::HandleConsume(SessionState& s, const ClientMessage& m) {
  std::string producer_id = RequireString(m.data, "producerId");
  const Json& caps = RequireObject(m.data, "rtpCapabilities");
  auto transport_opt = OptionalString(m.data, "transportId");
  bool paused = OptionalBool(m.data, "paused").value_or(true);
  Participant& p = RequireParticipant(s);
  Room& room = RequireRoom(s);
  auto owner = producers_.find(producer_id);
  if (owner == producers_.end() || owner->second.first != room.id) {
    throw Error("not_found", "no such producer in this room");
  }
  std::string transport_id = transport_opt.value_or(p.recv_transport);
  if (transport_id.empty() || transport_id != p.recv_transport) {
    throw Error(p.recv_transport.empty() ? "invalid_state" : "not_found",
                "create a recv transport first");
  }
  Json app = Json::object();
  auto producer_owner = room.participants.find(owner->second.second);
  if (producer_owner != room.participants.end()) {
    auto info = producer_owner->second.producers.find(producer_id);
    if (info != producer_owner->second.producers.end()) app = info->second.app_data;
  }
  SfuCall("consumer.create",
          {{"routerId", room.router_id}, {"transportId", transport_id},
           {"producerId", producer_id}, {"rtpCapabilities", caps}, {"paused", paused}},
          [this, sid = s.id, room_id = room.id, user = s.user_id, app, paused,
           rid = m.request_id](media::SfuReply reply) {
            if (!reply.ok) {
              SendError(sid, Error(reply.error_code, reply.error_message), rid);
              return;
            }
            std::string consumer_id = reply.data.value("consumerId", "");
            auto [r, part] = FindParticipant(room_id, user, sid);
            if (!part) {
              if (r) {
                sfu_.Request("consumer.close", {{"routerId", r->router_id}, {"consumerId", consumer_id}}, IgnoreReply());
              }
              return;
            }
            part->consumers.insert(consumer_id);
            consumers_[consumer_id] = {room_id, user};
            Json out = {{"consumerId", consumer_id},
                        {"producerId", reply.data.value("producerId", "")},
                        {"kind", reply.data.value("kind", "")},
                        {"rtpParameters", reply.data["rtpParameters"]},
                        {"type", reply.data.value("type", "simple")},
                        {"producerPaused", reply.data.value("producerPaused", false)},
                        {"paused", paused},
                        {"appData", app}};
            Send(sid, "consumer-created", out, rid);
          });
}

void SignalingHub::HandleConsumerAction(SessionState& s, const ClientMessage& m) {
  std::string consumer_id = RequireString(m.data, "consumerId");
  // Parameters are checked before any lookup, so a malformed request is always reported
  // as invalid_parameters.
  std::optional<int> spatial;
  std::optional<int> temporal;
  if (m.event == "set-preferred-layers") {
    spatial = OptionalInt(m.data, "spatialLayer", 0, 3);
    if (!spatial) throw Error("invalid_parameters", "spatialLayer is required");
    temporal = OptionalInt(m.data, "temporalLayer", 0, 3);
  }
  Participant& p = RequireParticipant(s);
  Room& room = RequireRoom(s);
  if (!p.consumers.count(consumer_id)) throw Error("not_found", "no such consumer");
  Json request = {{"routerId", room.router_id}, {"consumerId", consumer_id}};
  std::string method;
  std::string reply_event;
  if (m.event == "resume-consumer") {
    method = "consumer.resume";
    reply_event = "consumer-resumed";
  } else if (m.event == "pause-consumer") {
    method = "consumer.pause";
    reply_event = "consumer-paused";
  } else {
    request["spatialLayer"] = *spatial;
    if (temporal) request["temporalLayer"] = *temporal;
    method = "consumer.setPreferredLayers";
    reply_event = "layers-set";
  }
  SfuCall(method, request,
          [this, sid = s.id, consumer_id, reply_event, rid = m.request_id](media::SfuReply reply) {
            if (!reply.ok) {
              SendError(sid, Error(reply.error_code, reply.error_message), rid);
              return;
            }
            Json out = {{"consumerId", consumer_id}};
            if (reply_event == "layers-set") {
              out["spatialLayer"] = reply.data.value("spatialLayer", 0);
              out["temporalLayer"] = reply.data.contains("temporalLayer") ? reply.data["temporalLayer"] : Json(nullptr);
            }
            Send(sid, reply_event, out, rid);
          });
}

void SignalingHub::HandleProducerAction(SessionState& s, const ClientMessage& m) {
  std::string producer_id = RequireString(m.data, "producerId");
  Participant& p = RequireParticipant(s);
  Room& room = RequireRoom(s);
  auto info = p.producers.find(producer_id);
  if (info == p.producers.end()) throw Error("not_found", "no such producer");
  std::string method;
  std::string event;
  if (m.event == "pause-producer") {
    method = "producer.pause";
    event = "producer-paused";
    info->second.paused = true;
  } else if (m.event == "resume-producer") {
    method = "producer.resume";
    event = "producer-resumed";
    info->second.paused = false;
  } else {
    method = "producer.close";
    event = "producer-closed";
    p.producers.erase(info);
    producers_.erase(producer_id);
  }
  Json data = {{"producerId", producer_id}, {"userId", s.user_id}};
  sfu_.Request(method, {{"routerId", room.router_id}, {"producerId", producer_id}}, IgnoreReply());
  Send(s.id, event, data, m.request_id);
  Broadcast(room, event, data, s.user_id);
}

void SignalingHub::HandleRestartIce(SessionState& s, const ClientMessage& m) {
  std::string transport_id = RequireString(m.data, "transportId");
  Participant& p = RequireParticipant(s);
  Room& room = RequireRoom(s);
  if (transport_id != p.send_transport && transport_id != p.recv_transport) {
    throw Error("not_found", "no such transport");
  }
  SfuCall("transport.restartIce", {{"routerId", room.router_id}, {"transportId", transport_id}},
          [this, sid = s.id, transport_id, rid = m.request_id](media::SfuReply reply) {
            if (!reply.ok) {
              SendError(sid, Error(reply.error_code, reply.error_message), rid);
              return;
            }
            Send(sid, "ice-restarted",
                 {{"transportId", transport_id}, {"iceParameters", reply.data["iceParameters"]}}, rid);
          });
}

void SignalingHub::HandleLeave(SessionState& s, const ClientMessage& m) {
  Room& room = RequireRoom(s);
  std::string room_id = room.id;
  if (auto given = OptionalString(m.data, "roomId"); given && *given != room_id) {
    throw Error("not_found", "not in that room");
  }
  RemoveParticipant(room, s.user_id, "left");
  s.room_id.clear();
  Send(s.id, "left-room", {{"roomId", room_id}}, m.request_id);
  ReleaseRoomIfEmpty(room_id);
}

void SignalingHub::HandleCloseRoom(SessionState& s, const ClientMessage& m) {
  Participant& p = RequireParticipant(s);
  Room& room = RequireRoom(s);
  if (auto given = OptionalString(m.data, "roomId"); given && *given != room.id) {
    throw Error("not_found", "not in that room");
  }
  bool allowed = p.role == Role::kHost || p.org_role == Role::kOwner || p.org_role == Role::kAdmin;
  if (!allowed) throw Error("forbidden", "only the host or an administrator can close the room");
  Send(s.id, "room-closed", {{"roomId", room.id}, {"reason", "closed_by_host"}}, m.request_id);
  CloseRoom(room, "closed_by_host", s.user_id);
}

// --- chat and moderation -------------------------------------------------------------------

void SignalingHub::HandleChat(SessionState& s, const ClientMessage& m) {
  std::string text = RequireString(m.data, "text", 2000);
  Participant& p = RequireParticipant(s);
  Room& room = RequireRoom(s);
  if (!MayPerform(p.role, m.event, m.data)) throw Error("forbidden", "you may not chat");
  auto decision = limiter_.Check("chat:" + s.user_id, options_.chat_limit.limit,
                                 options_.chat_limit.window_ms, MonotonicMillis());
  if (!decision.allowed) {
    throw ProtocolError{"rate_limited", "slow down", decision.retry_after_seconds};
  }
  Json msg = {{"messageId", NewId("msg")},
              {"userId", s.user_id},
              {"displayName", p.display_name},
              {"role", tenancy::RoleName(p.role)},
              {"text", text},
              {"sentAt", FormatIso8601Millis(NowUnixMillis())}};
  room.chat.push_back(msg);
  while (room.chat.size() > options_.chat_history) room.chat.pop_front();
  // Everyone gets the message; the sender's copy doubles as the reply to its request.
  Broadcast(room, "chat-message", msg, s.user_id);
  Send(s.id, "chat-message", msg, m.request_id);
}

void SignalingHub::HandleDeleteChat(SessionState& s, const ClientMessage& m) {
  std::string message_id = RequireString(m.data, "messageId");
  Participant& p = RequireParticipant(s);
  Room& room = RequireRoom(s);
  auto it = std::find_if(room.chat.begin(), room.chat.end(),
                         [&](const Json& msg) { return msg["messageId"] == message_id; });
  if (it == room.chat.end()) throw Error("not_found", "no such message");
  bool own = (*it)["userId"] == s.user_id;
  if (!own && !MayPerform(p.role, m.event, m.data)) {
    throw Error("forbidden", "only moderators can delete others' messages");
  }
  room.chat.erase(it);
  Json deleted = {{"messageId", message_id}, {"deletedBy", s.user_id}};
  Broadcast(room, "chat-deleted", deleted, s.user_id);
  Send(s.id, "chat-deleted", deleted, m.request_id);
}

void SignalingHub::HandleMute(SessionState& s, const ClientMessage& m) {
  std::string target = RequireString(m.data, "userId");
  std::string kind = RequireEnum(m.data, "kind", {"audio", "video", "all"}, "audio");
  Participant& p = RequireParticipant(s);
  Room& room = RequireRoom(s);
  if (!MayPerform(p.role, m.event, m.data)) throw Error("forbidden", "you may not mute participants");
  auto t = room.participants.find(target);
  if (t == room.participants.end()) throw Error("not_found", "no such participant");
  if (!CanModerate(p.role, t->second.role)) throw Error("forbidden", "cannot mute a higher role");
  for (auto& [producer_id, info] : t->second.producers) {
    if (kind != "all" && info.kind != kind) continue;
    if (info.paused) continue;
    info.paused = true;
    sfu_.Request("producer.pause", {{"routerId", room.router_id}, {"producerId", producer_id}}, IgnoreReply());
    Broadcast(room, "producer-paused", {{"producerId", producer_id}, {"userId", target}});
  }
  Send(t->second.session_id, "muted", {{"by", s.user_id}, {"kind", kind}});
  if (t->second.session_id != s.id) Send(s.id, "muted", {{"by", s.user_id}, {"kind", kind}}, m.request_id);
}

void SignalingHub::HandleRemove(SessionState& s, const ClientMessage& m) {
  std::string target = RequireString(m.data, "userId");
  Participant& p = RequireParticipant(s);
  Room& room = RequireRoom(s);
  if (!MayPerform(p.role, m.event, m.data)) throw Error("forbidden", "you may not remove participants");
  auto t = room.participants.find(target);
  if (t == room.participants.end()) throw Error("not_found", "no such participant");
  if (target == s.user_id) throw Error("invalid_parameters", "use leave-room to leave");
  if (!CanModerate(p.role, t->second.role)) throw Error("forbidden", "cannot remove a higher role");
  uint64_t target_session = t->second.session_id;
  Send(target_session, "removed", {{"roomId", room.id}, {"by", s.user_id}});
  RemoveParticipant(room, target, "removed");
  // The moderator's participant-left, sent by RemoveParticipant, has no request id; this
  // reply has.
  Send(s.id, "participant-left", {{"userId", target}, {"reason", "removed"}}, m.request_id);
}

// --- statistics ------------------------------------------------------------------------------

void SignalingHub::HandleGetStats(SessionState& s, const ClientMessage& m) {
  std::string scope = RequireEnum(m.data, "scope", {"self", "room"}, "self");
  Participant& p = RequireParticipant(s);
  Room& room = RequireRoom(s);
  bool room_wide = scope == "room";
  if (room_wide && p.role != Role::kHost && p.role != Role::kCoHost &&
      p.org_role != Role::kOwner && p.org_role != Role::kAdmin) {
    throw Error("forbidden", "room-wide statistics are for the host");
  }
  SfuCall("router.stats", {{"routerId", room.router_id}},
          [this, sid = s.id, room_id = room.id, user = s.user_id, scope,
           rid = m.request_id](media::SfuReply reply) {
            if (!reply.ok) {
              SendError(sid, Error(reply.error_code, reply.error_message), rid);
              return;
            }
            // Each object is attributed to its participant; "self" keeps only the caller's.
            auto owner_of = [this](const auto& index, const std::string& id) -> std::string {
              auto it = index.find(id);
              return it == index.end() ? std::string() : it->second.second;
            };
            auto pick = [&](const Json& list, const char* id_field, const auto& index) {
              Json out = Json::array();
              if (!list.is_array()) return out;
              for (const auto& item : list) {
                std::string owner = owner_of(index, item.value(id_field, ""));
                if (owner.empty() || (scope == "self" && owner != user)) continue;
                Json copy = item;
                copy["userId"] = owner;
                out.push_back(std::move(copy));
              }
              return out;
            };
            Send(sid, "stats",
                 {{"roomId", room_id},
                  {"scope", scope},
                  {"timestamp", NowUnixMillis()},
                  {"transports", pick(reply.data["transports"], "transportId", transports_)},
                  {"producers", pick(reply.data["producers"], "producerId", producers_)},
                  {"consumers", pick(reply.data["consumers"], "consumerId", consumers_)}},
                 rid);
          });
}

// --- test-network (only with --test-hooks) -----------------------------------------------------

void SignalingHub::HandleTestNetwork(SessionState& s, const ClientMessage& m) {
  Participant& p = RequireParticipant(s);
  Room& room = RequireRoom(s);
  if (p.recv_transport.empty()) throw Error("invalid_state", "create a recv transport first");
  Json request = {{"routerId", room.router_id}, {"transportId", p.recv_transport}};
  for (const char* field : {"lossPercent", "downlinkKbps", "queueMs"}) {
    auto it = m.data.find(field);
    if (it == m.data.end() || it->is_null()) continue;
    if (!it->is_number()) throw Error("invalid_parameters", std::string(field) + " must be a number");
    request[field] = *it;
  }
  SfuCall("transport.setTestNetwork", request,
          [this, sid = s.id, rid = m.request_id](media::SfuReply reply) {
            if (!reply.ok) {
              SendError(sid, Error(reply.error_code, reply.error_message), rid);
              return;
            }
            Send(sid, "test-network-set", reply.data, rid);
          });
}

// --- notifications from the SFU ----------------------------------------------------------------

void SignalingHub::OnSfuNotification(const std::string& event, const Json& data) {
  if (event == "consumer.closed") {
    std::string consumer_id = data.value("consumerId", "");
    auto it = consumers_.find(consumer_id);
    if (it == consumers_.end()) return;
    auto [room_id, user] = it->second;
    consumers_.erase(it);
    auto r = rooms_.find(room_id);
    if (r == rooms_.end()) return;
    auto p = r->second->participants.find(user);
    if (p == r->second->participants.end()) return;
    p->second.consumers.erase(consumer_id);
    Send(p->second.session_id, "consumer-closed",
         {{"consumerId", consumer_id}, {"producerId", data.value("producerId", "")},
          {"reason", data.value("reason", "closed")}});
  } else if (event == "transport.closed") {
    std::string transport_id = data.value("transportId", "");
    auto it = transports_.find(transport_id);
    if (it == transports_.end()) return;
    auto [room_id, user] = it->second;
    auto r = rooms_.find(room_id);
    if (r == rooms_.end()) return;
    auto p = r->second->participants.find(user);
    if (p == r->second->participants.end()) return;
    const std::string reason = data.value("reason", "transport_closed");
    if (p->second.disconnected || reason == "dtls_closed") {
      // The client closed its peer connection (DTLS close_notify: e.g. it is reconnecting,
      // its socket may not have dropped yet on our side), or the participant is in its
      // reconnect grace: only that transport goes.
      DetachTransport(*r->second, p->second, transport_id);
      return;
    }
    // ICE consent lost: the participant is gone from the network's point of view.
    log::Info("signaling", "transport closed by the media plane",
              {{"room", room_id}, {"user", user}, {"reason", data.value("reason", "")}});
    uint64_t sid = p->second.session_id;
    Send(sid, "removed", {{"roomId", room_id}, {"by", "media"}});
    RemoveParticipant(*r->second, user, reason);
    ReleaseRoomIfEmpty(room_id);
  } else if (event == "consumer.layersChanged") {
    std::string consumer_id = data.value("consumerId", "");
    auto it = consumers_.find(consumer_id);
    if (it == consumers_.end()) return;
    auto r = rooms_.find(it->second.first);
    if (r == rooms_.end()) return;
    auto p = r->second->participants.find(it->second.second);
    if (p == r->second->participants.end()) return;
    Send(p->second.session_id, "layers-changed",
         {{"consumerId", consumer_id}, {"spatialLayer", data.value("spatialLayer", -1)},
          {"temporalLayer", data.value("temporalLayer", -1)}});
  }
}

}  // namespace tr::signaling
