// tr_loadgen: broadcast load generator for tradingroom's SFU.
//
// Sets up (REST) a host, an enterprise organization, a workspace, a room and viewers
// (invitation + accept), then over the real signaling protocol (/ws) joins one synthetic
// host that produces VP8 simulcast (r0/r1/r2) + Opus, and N synthetic viewers, each a
// full WebRTC client of its own (ICE, DTLS, SRTP, own UDP socket). Viewers are added
// phase by phase (--viewers 50,100,200,500); each phase is measured for --seconds:
// server CPU (/proc/PID/stat, user and system), packets and bits forwarded, loss per
// viewer against the host's send counts, and the probe's host-send → viewer-receive delay.
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/random.h"
#include "host_sender.h"
#include "http_client.h"
#include "lg_loop.h"
#include "rtc_peer.h"
#include "ws_client.h"

namespace tr::loadgen {

bool g_verbose = false;

namespace {

constexpr const char* kUriMid = "urn:ietf:params:rtp-hdrext:sdes:mid";
constexpr const char* kUriRid = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
constexpr const char* kUriRrid = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
constexpr const char* kUriAbs = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
constexpr const char* kUriTwcc = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
constexpr const char* kUriAudioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

struct Options {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::vector<int> viewers = {5};
  int seconds = 20;
  int warmup_ms = 3000;
  int full = 5;
  bool probe = true;
  int join_concurrency = 40;
  int join_timeout_s = 0;  // 0: 30 s + 0.2 s per viewer
  int server_pid = 0;
  std::string json_path;
  int consent_ms = 2500;
  int rcvbuf = 0;
  int poll_us = 1000;
  int full_drop_per_mille = 0;
  double pacing_factor = 2.5;  // × the layers' summed target bitrate; 0 = frame bursts
  int pacing_burst_us = 5000;
  std::string label;
};

[[noreturn]] void Die(const std::string& msg) {
  LG_LOG("fatal: %s", msg.c_str());
  std::exit(1);
}

std::string ToLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// ---------------------------------------------------------------------------------------
// /proc readers

struct CpuTicks {
  uint64_t utime = 0;
  uint64_t stime = 0;
  bool ok = false;
};

// Fields after the command name in /proc/.../stat; utime and stime are fields 14 and 15.
bool ParseStat(const std::string& line, std::string* comm, CpuTicks* out) {
  const std::size_t open = line.find('(');
  const std::size_t close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos) return false;
  if (comm) *comm = line.substr(open + 1, close - open - 1);
  std::istringstream in(line.substr(close + 2));
  std::string tok;
  for (int field = 3; field <= 15 && in >> tok; ++field) {
    if (field == 14) out->utime = std::strtoull(tok.c_str(), nullptr, 10);
    if (field == 15) out->stime = std::strtoull(tok.c_str(), nullptr, 10);
  }
  out->ok = true;
  return true;
}

CpuTicks ReadCpu(const std::string& path) {
  CpuTicks t;
  std::ifstream f(path);
  std::string line;
  if (std::getline(f, line)) ParseStat(line, nullptr, &t);
  return t;
}

std::map<int, std::pair<std::string, CpuTicks>> ReadThreads(int pid) {
  std::map<int, std::pair<std::string, CpuTicks>> out;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream f(dir + "/" + e->d_name + "/stat");
    std::string line;
    if (!std::getline(f, line)) continue;
    std::string comm;
    CpuTicks t;
    if (ParseStat(line, &comm, &t)) out[std::atoi(e->d_name)] = {comm, t};
  }
  closedir(d);
  return out;
}

std::string LoadAvg() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

// Per-CPU busy and total jiffies from /proc/stat (cpu0, cpu1, ...).
std::vector<std::pair<uint64_t, uint64_t>> ReadCpuBusy() {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  std::ifstream f("/proc/stat");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("cpu", 0) != 0 || line.size() < 4 || !std::isdigit(static_cast<unsigned char>(line[3]))) continue;
    std::istringstream in(line);
    std::string name;
    in >> name;
    uint64_t v, total = 0, idle = 0;
    for (int i = 0; in >> v; ++i) {
      total += v;
      if (i == 3 || i == 4) idle += v;  // idle, iowait
    }
    out.push_back({total - idle, total});
  }
  return out;
}

struct UdpDrops {
  uint64_t server = 0;     // sockets bound to the server's media port
  uint64_t generator = 0;  // our sockets connected to it
  uint64_t rcvbuf_errors = 0;  // /proc/net/snmp Udp RcvbufErrors (whole namespace)
};

UdpDrops ReadUdpDrops(uint16_t media_port) {
  UdpDrops d;
  std::ifstream f("/proc/net/udp");
  std::string line;
  std::getline(f, line);
  while (std::getline(f, line)) {
    std::istringstream in(line);
    std::string sl, local, remote, tok;
    in >> sl >> local >> remote;
    std::vector<std::string> rest;
    while (in >> tok) rest.push_back(tok);
    if (rest.empty()) continue;
    const uint64_t drops = std::strtoull(rest.back().c_str(), nullptr, 10);
    const auto port_of = [](const std::string& a) {
      const std::size_t c = a.find(':');
      return c == std::string::npos ? 0u : static_cast<unsigned>(std::strtoul(a.c_str() + c + 1, nullptr, 16));
    };
    if (port_of(local) == media_port) d.server += drops;
    else if (port_of(remote) == media_port) d.generator += drops;
  }
  std::ifstream snmp("/proc/net/snmp");
  std::string names, values;
  while (std::getline(snmp, names) && std::getline(snmp, values)) {
    if (names.rfind("Udp:", 0) != 0) continue;
    std::istringstream n(names), v(values);
    std::string name, value;
    while (n >> name && v >> value) {
      if (name == "RcvbufErrors") d.rcvbuf_errors = std::strtoull(value.c_str(), nullptr, 10);
    }
    break;
  }
  return d;
}

// ---------------------------------------------------------------------------------------
// REST setup

Json Rest(HttpClient& http, const std::string& method, const std::string& path, const Json& body,
          const std::string& bearer, int expect_lo = 200, int expect_hi = 299) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    const HttpResponse r = http.Request(method, path, body.is_null() ? "" : body.dump(), bearer);
    if (r.status == 429) {
      LG_LOG("%s %s: 429, retrying in %d s", method.c_str(), path.c_str(), std::max(1, r.retry_after_s));
      sleep(static_cast<unsigned>(std::max(1, r.retry_after_s)));
      continue;
    }
    if (r.status < expect_lo || r.status > expect_hi) {
      Die(method + " " + path + " → " + std::to_string(r.status) + " " + r.body.substr(0, 400));
    }
    if (r.body.empty()) return Json::object();
    Json j = Json::parse(r.body, nullptr, false);
    if (j.is_discarded()) Die(method + " " + path + ": response is not JSON");
    return j;
  }
  Die(method + " " + path + ": still rate limited (start the server with high --rate-limit-*)");
}

struct Account {
  std::string email;
  std::string token;
  std::string user_id;
};

struct Setup {
  Account host;
  std::vector<Account> viewers;
  std::string org_id;
  std::string workspace_id;
  std::string room_id;
};

Setup RunSetup(const Options& o, int viewer_count) {
  HttpClient http(o.host, o.port);
  Setup s;
  const std::string run = RandomAlnum(8);
  const std::string password = "loadgen-" + RandomAlnum(12);
  auto signup = [&](const std::string& email, const std::string& name) {
    const Json r = Rest(http, "POST", "/api/v1/auth/signup",
                        {{"email", email}, {"password", password}, {"displayName", name}}, "");
    return Account{email, r.at("accessToken").get<std::string>(), r.at("user").at("id").get<std::string>()};
  };
  s.host = signup("lg-" + run + "-host@loadgen.test", "Loadgen host");
  const Json org = Rest(http, "POST", "/api/v1/organizations", {{"name", "loadgen " + run}}, s.host.token);
  s.org_id = org.at("id").get<std::string>();
  Rest(http, "PUT", "/api/v1/organizations/" + s.org_id + "/plan", {{"plan", "enterprise"}}, s.host.token);
  const Json ws = Rest(http, "POST", "/api/v1/organizations/" + s.org_id + "/workspaces",
                       {{"name", "loadgen"}}, s.host.token);
  s.workspace_id = ws.at("id").get<std::string>();
  const Json room = Rest(http, "POST", "/api/v1/workspaces/" + s.workspace_id + "/rooms",
                         {{"name", "broadcast " + run}}, s.host.token);
  s.room_id = room.at("id").get<std::string>();
  const int64_t t0 = MonoMs();
  for (int i = 0; i < viewer_count; ++i) {
    Account v = signup("lg-" + run + "-v" + std::to_string(i) + "@loadgen.test", "viewer " + std::to_string(i));
    const Json inv = Rest(http, "POST", "/api/v1/organizations/" + s.org_id + "/invitations",
                          {{"email", v.email}, {"role", "viewer"}}, s.host.token);
    Rest(http, "POST", "/api/v1/invitations/" + inv.at("token").get<std::string>() + "/accept", nullptr, v.token);
    s.viewers.push_back(std::move(v));
    if ((i + 1) % 50 == 0) LG_LOG("setup: %d/%d viewers (%.1f s)", i + 1, viewer_count, (MonoMs() - t0) / 1000.0);
  }
  LG_LOG("setup: org %s room %s, %d viewers in %.1f s", s.org_id.c_str(), s.room_id.c_str(), viewer_count,
         (MonoMs() - t0) / 1000.0);
  return s;
}

// ---------------------------------------------------------------------------------------
// Signaling participants

struct Shared {
  const Options* opts = nullptr;
  std::string org_id;
  std::string room_id;
  Json router_caps;
  Json consume_caps;
  HostMediaConfig media;
  std::string video_producer;
  std::string audio_producer;
  uint16_t media_port = 0;
  uint64_t ws_messages = 0;
  uint64_t ws_broadcasts_skipped = 0;
  std::map<std::string, int> events;  // notable server events (errors, removals), counted
};

uint8_t ExtId(const Json& caps, const char* kind, const char* uri) {
  for (const auto& e : caps.at("headerExtensions")) {
    if (e.value("kind", "") == kind && e.value("uri", "") == uri) return e.value("preferredId", uint8_t{0});
  }
  return 0;
}

// What a browser running mediasoup-client would offer to consume: Opus, VP8 and its RTX,
// and the header extensions it supports, with the router's ids.
Json ConsumeCapabilities(const Json& router) {
  Json codecs = Json::array();
  int vp8_pt = -1;
  for (const auto& c : router.at("codecs")) {
    if (ToLower(c.value("mimeType", "")) == "video/vp8" && vp8_pt < 0) vp8_pt = c.value("preferredPayloadType", -1);
  }
  for (const auto& c : router.at("codecs")) {
    const std::string mime = ToLower(c.value("mimeType", ""));
    if (mime == "audio/opus" || (mime == "video/vp8" && c.value("preferredPayloadType", -2) == vp8_pt)) {
      codecs.push_back(c);
    } else if (mime == "video/rtx" && c.contains("parameters") && c["parameters"].value("apt", -1) == vp8_pt) {
      codecs.push_back(c);
    }
  }
  // No transport-cc: the synthetic viewers send no transport-wide feedback, and a viewer
  // that negotiates it and stays silent is (rightly) held at the lowest layer by the SFU's
  // bandwidth estimator. The benchmark measures forwarding of the full 2.5 Mbit/s layer.
  Json exts = Json::array();
  for (const auto& e : router.at("headerExtensions")) {
    const std::string uri = e.value("uri", "");
    if (uri == kUriMid || uri == kUriAbs || uri == kUriAudioLevel) exts.push_back(e);
  }
  return {{"codecs", codecs}, {"headerExtensions", exts}};
}

RemoteTransport ParseTransport(const Json& d) {
  RemoteTransport r;
  r.ufrag = d.at("iceParameters").at("usernameFragment").get<std::string>();
  r.password = d.at("iceParameters").at("password").get<std::string>();
  for (const auto& c : d.at("iceCandidates")) {
    if (c.value("protocol", "") != "udp") continue;
    r.ip = c.contains("address") ? c["address"].get<std::string>() : c.value("ip", "");
    r.port = c.at("port").get<uint16_t>();
    break;
  }
  const auto& fps = d.at("dtlsParameters").at("fingerprints");
  for (const auto& fp : fps) {
    if (fp.value("algorithm", "") == "sha-256") {
      r.fingerprint_algorithm = "sha-256";
      r.fingerprint = fp.at("value").get<std::string>();
    }
  }
  if (r.fingerprint.empty()) {
    r.fingerprint_algorithm = fps.back().at("algorithm").get<std::string>();
    r.fingerprint = fps.back().at("value").get<std::string>();
  }
  return r;
}

Json VideoRtpParameters(const HostSender& h, const std::string& cname) {
  const auto& c = h.config();
  Json exts = Json::array();
  auto ext = [&exts](const char* uri, uint8_t id) {
    if (id != 0) exts.push_back({{"uri", uri}, {"id", id}, {"encrypt", false}, {"parameters", Json::object()}});
  };
  ext(kUriMid, c.ext_mid);
  ext(kUriRid, c.ext_rid);
  ext(kUriRrid, c.ext_rrid);
  ext(kUriAbs, c.ext_abs_send_time);
  ext(kUriTwcc, c.ext_twcc);
  Json encodings = Json::array();
  const char* rids[3] = {"r0", "r1", "r2"};
  const int scale[3] = {4, 2, 1};
  for (int l = 0; l < 3; ++l) {
    encodings.push_back({{"rid", rids[l]},
                         {"active", true},
                         {"scalabilityMode", "L1T3"},
                         {"scaleResolutionDownBy", scale[l]},
                         {"maxBitrate", c.bitrate_bps[static_cast<std::size_t>(l)]}});
  }
  return {{"mid", c.video_mid},
          {"codecs",
           Json::array({{{"mimeType", "video/VP8"},
                         {"payloadType", c.video_pt},
                         {"clockRate", 90000},
                         {"parameters", Json::object()},
                         {"rtcpFeedback", Json::array({{{"type", "goog-remb"}, {"parameter", ""}},
                                                       {{"type", "transport-cc"}, {"parameter", ""}},
                                                       {{"type", "ccm"}, {"parameter", "fir"}},
                                                       {{"type", "nack"}, {"parameter", ""}},
                                                       {{"type", "nack"}, {"parameter", "pli"}}})}},
                        {{"mimeType", "video/rtx"},
                         {"payloadType", c.rtx_pt},
                         {"clockRate", 90000},
                         {"parameters", {{"apt", c.video_pt}}},
                         {"rtcpFeedback", Json::array()}}})},
          {"headerExtensions", exts},
          {"encodings", encodings},
          {"rtcp", {{"cname", cname}, {"reducedSize", true}}}};
}

Json AudioRtpParameters(const HostSender& h, const std::string& cname) {
  const auto& c = h.config();
  Json exts = Json::array();
  auto ext = [&exts](const char* uri, uint8_t id) {
    if (id != 0) exts.push_back({{"uri", uri}, {"id", id}, {"encrypt", false}, {"parameters", Json::object()}});
  };
  ext(kUriMid, c.ext_mid);
  ext(kUriAbs, c.ext_abs_send_time);
  ext(kUriTwcc, c.ext_twcc);
  ext(kUriAudioLevel, c.ext_audio_level);
  return {{"mid", c.audio_mid},
          {"codecs", Json::array({{{"mimeType", "audio/opus"},
                                   {"payloadType", c.audio_pt},
                                   {"clockRate", 48000},
                                   {"channels", 2},
                                   {"parameters", {{"minptime", 10}, {"useinbandfec", 1}}},
                                   {"rtcpFeedback", Json::array({{{"type", "transport-cc"}, {"parameter", ""}}})}}})},
          {"headerExtensions", exts},
          {"encodings", Json::array({{{"ssrc", h.audio_ssrc()}, {"dtx", false}}})},
          {"rtcp", {{"cname", cname}, {"reducedSize", true}}}};
}

class Participant {
 public:
  enum class State { kIdle, kSignaling, kReady, kFailed };

  Participant(EventLoop* loop, Shared* shared, Account account, int index, PeerMode mode, bool host)
      : loop_(loop),
        shared_(shared),
        account_(std::move(account)),
        index_(index),
        host_(host),
        mode_(mode),
        ws_(loop, WsClient::Callbacks{[this] { OnOpen(); },
                                      [this](std::string_view t) { OnMessage(t); },
                                      [this](const std::string& why) { OnClosed(why); }}) {}

  void Begin() {
    state_ = State::kSignaling;
    started_ms_ = MonoMs();
    if (!ws_.Connect(shared_->opts->host, shared_->opts->port, "/ws")) Fail("websocket connect failed");
  }

  void Tick(int64_t now_ms) {
    if (peer_ && !(host_ && host_started_)) peer_->Tick(now_ms);
    if (state_ == State::kSignaling) {
      if (peer_ && peer_->dtls_failed()) return Fail("DTLS failed");
      if (host_ && peer_ && peer_->dtls_connected() && transport_connected_ && !produce_sent_) Produce();
      if (!host_ && peer_ && peer_->dtls_connected() && resumed_ == 2) {
        state_ = State::kReady;
        ready_ms_ = now_ms;
      }
      if (host_ && peer_ && peer_->dtls_connected() && !shared_->audio_producer.empty() &&
          !shared_->video_producer.empty()) {
        state_ = State::kReady;
        ready_ms_ = now_ms;
      }
    }
  }

  void Close() {
    if (ws_.state() == WsClient::State::kOpen) Send("leave-room", {{"roomId", shared_->room_id}});
    ws_.Close();
  }

  State state() const { return state_; }
  bool is_host() const { return host_; }
  int index() const { return index_; }
  PeerMode mode() const { return mode_; }
  RtcPeer* peer() const { return peer_.get(); }
  int64_t join_ms() const { return ready_ms_ - started_ms_; }
  int64_t started_ms() const { return started_ms_; }
  int video_layer() const { return video_layer_; }
  const std::string& failure() const { return failure_; }
  HostSender* sender() const { return sender_.get(); }
  void MarkHostStarted() { host_started_ = true; }
  const char* srtp_profile() const { return peer_ ? peer_->srtp_profile_name() : ""; }
  void SetLatencySink(std::vector<uint32_t>* sink) { latency_sink_ = sink; }
  void Fail(const std::string& why) {
    if (state_ == State::kFailed) return;
    if (state_ == State::kReady) {
      shared_->events["dropped after ready: " + why.substr(0, 60)]++;
    }
    state_ = State::kFailed;
    failure_ = why;
    LG_LOG("%s %d failed: %s", host_ ? "host" : "viewer", index_, why.c_str());
  }

 private:
  void Send(const char* event, Json data) {
    Json m = {{"event", event}, {"data", std::move(data)}, {"requestId", std::to_string(++request_id_)}};
    ws_.SendText(m.dump());
  }

  void OnOpen() {
    Send("authenticate", {{"token", account_.token},
                          {"organizationId", shared_->org_id},
                          {"deviceInfo", {{"userAgent", "tr_loadgen"}, {"platform", "loadgen"}}}});
  }

  void OnClosed(const std::string& why) {
    if (state_ != State::kFailed) Fail("websocket: " + why);
  }

  void OnMessage(std::string_view text) {
    ++shared_->ws_messages;
    // The room broadcasts every join/leave to everyone: O(N²) messages; skip parsing them.
    if (text.find("\"participant-joined\"") != std::string_view::npos ||
        text.find("\"participant-left\"") != std::string_view::npos) {
      ++shared_->ws_broadcasts_skipped;
      return;
    }
    Json m = Json::parse(text, nullptr, false);
    if (m.is_discarded() || !m.is_object()) return;
    const std::string event = m.value("event", "");
    const Json& d = m.contains("data") ? m["data"] : Json::object();
    try {
      Handle(event, d);
    } catch (const std::exception& e) {
      Fail("bad " + event + ": " + e.what());
    }
  }

  void Handle(const std::string& event, const Json& d) {
    if (event == "error") {
      shared_->events["error " + d.value("code", std::string("?"))]++;
      return Fail("server error " + d.value("code", std::string("?")) + ": " + d.value("message", std::string()));
    }
    if (event == "authenticated") {
      Send("join-room", {{"roomId", shared_->room_id},
                         {"role", host_ ? "host" : "viewer"},
                         {"displayName", host_ ? std::string("loadgen host") : "viewer " + std::to_string(index_)}});
    } else if (event == "room-joined") {
      if (host_) {
        shared_->router_caps = d.at("routerRtpCapabilities");
        shared_->consume_caps = ConsumeCapabilities(shared_->router_caps);
      }
      Send("create-transport", {{"roomId", shared_->room_id}, {"direction", host_ ? "send" : "recv"}});
    } else if (event == "transport-created") {
      transport_id_ = d.at("transportId").get<std::string>();
      const RemoteTransport remote = ParseTransport(d);
      shared_->media_port = remote.port;
      RtcPeer::Options po;
      po.mode = mode_;
      po.consent_interval_ms = shared_->opts->consent_ms;
      po.rcvbuf_bytes = shared_->opts->rcvbuf;
      po.drop_per_mille = shared_->opts->full_drop_per_mille;
      peer_ = std::make_unique<RtcPeer>(po);
      if (!peer_->Open(remote, loop_)) return Fail("UDP socket to " + remote.ip + ":" + std::to_string(remote.port));
      if (latency_sink_) peer_->SetLatencySink(latency_sink_);
      peer_->StartIce(MonoMs());
      Send("connect-transport",
           {{"transportId", transport_id_},
            {"dtlsParameters",
             {{"role", "client"},
              {"fingerprints", Json::array({{{"algorithm", "sha-256"}, {"value", RtcPeer::LocalFingerprint()}}})}}}});
      if (host_) {
        HostMediaConfig cfg = shared_->media;
        const Json& caps = shared_->router_caps;
        cfg.ext_mid = ExtId(caps, "video", kUriMid);
        cfg.ext_rid = ExtId(caps, "video", kUriRid);
        cfg.ext_rrid = ExtId(caps, "video", kUriRrid);
        cfg.ext_abs_send_time = ExtId(caps, "video", kUriAbs);
        cfg.ext_twcc = ExtId(caps, "video", kUriTwcc);
        cfg.ext_audio_level = ExtId(caps, "audio", kUriAudioLevel);
        if (ExtId(caps, "audio", kUriMid) != cfg.ext_mid) Die("audio and video MID ids differ; not supported");
        sender_ = std::make_unique<HostSender>(peer_.get(), cfg);
      } else {
        for (const char* kind : {"video", "audio"}) {
          const std::string& pid = std::string(kind) == "video" ? shared_->video_producer : shared_->audio_producer;
          Send("consume", {{"producerId", pid}, {"rtpCapabilities", shared_->consume_caps}, {"transportId", transport_id_}});
        }
      }
    } else if (event == "transport-connected") {
      transport_connected_ = true;
    } else if (event == "produced") {
      const std::string kind = d.value("kind", "");
      if (kind == "video") {
        shared_->video_producer = d.at("producerId").get<std::string>();
        Send("produce", {{"transportId", transport_id_},
                         {"kind", "audio"},
                         {"rtpParameters", AudioRtpParameters(*sender_, cname_)},
                         {"appData", {{"source", "microphone"}}}});
      } else {
        shared_->audio_producer = d.at("producerId").get<std::string>();
      }
    } else if (event == "consumer-created") {
      const std::string kind = d.at("kind").get<std::string>();
      const Json& enc = d.at("rtpParameters").at("encodings").at(0);
      const uint32_t ssrc = enc.at("ssrc").get<uint32_t>();
      if (kind == "video") {
        uint32_t rtx = 0;
        if (enc.contains("rtx")) rtx = enc["rtx"].value("ssrc", 0u);
        peer_->SetVideoSsrc(ssrc, rtx);
        video_consumer_ = d.at("consumerId").get<std::string>();
      } else {
        peer_->SetAudioSsrc(ssrc);
      }
      Send("resume-consumer", {{"consumerId", d.at("consumerId")}});
    } else if (event == "consumer-resumed") {
      ++resumed_;
    } else if (event == "layers-changed") {
      if (d.value("consumerId", "") == video_consumer_) video_layer_ = d.value("spatialLayer", video_layer_);
      shared_->events["layers-changed"]++;
    } else if (event == "consumer-closed" || event == "removed" || event == "room-closed" ||
               event == "producer-closed" || event == "producer-paused") {
      std::string why = d.value("reason", d.value("by", std::string()));
      shared_->events[event + (why.empty() ? "" : " (" + why + ")")]++;
      if (event != "producer-paused") Fail("server event " + event + (why.empty() ? "" : " (" + why + ")"));
    }
  }

  void Produce() {
    produce_sent_ = true;
    cname_ = RandomAlnum(16);
    Send("produce", {{"transportId", transport_id_},
                     {"kind", "video"},
                     {"rtpParameters", VideoRtpParameters(*sender_, cname_)},
                     {"appData", {{"source", "camera"}}}});
  }

  EventLoop* loop_;
  Shared* shared_;
  Account account_;
  int index_;
  bool host_;
  PeerMode mode_;
  WsClient ws_;
  std::unique_ptr<RtcPeer> peer_;
  std::unique_ptr<HostSender> sender_;
  std::vector<uint32_t>* latency_sink_ = nullptr;
  State state_ = State::kIdle;
  std::string failure_;
  std::string transport_id_;
  std::string video_consumer_;
  std::string cname_;
  uint64_t request_id_ = 0;
  int resumed_ = 0;
  int video_layer_ = 2;
  bool transport_connected_ = false;
  bool produce_sent_ = false;
  bool host_started_ = false;
  int64_t started_ms_ = 0;
  int64_t ready_ms_ = 0;
};

// ---------------------------------------------------------------------------------------
// Measurement

struct Snapshot {
  int64_t mono_ns = 0;
  CpuTicks server;
  CpuTicks self;
  std::map<int, std::pair<std::string, CpuTicks>> threads;
  std::array<uint64_t, HostSender::kStreams> host_packets{};
  std::array<uint64_t, HostSender::kStreams> host_bytes{};
  uint64_t paced = 0;
  uint64_t pacer_wait_us = 0;
  uint64_t pacer_overflows = 0;
  std::vector<PeerCounters> viewers;
  UdpDrops drops;
  std::vector<std::pair<uint64_t, uint64_t>> cpus;
};

double Percentile(std::vector<uint32_t>& v, double p) {
  if (v.empty()) return 0;
  const std::size_t k = std::min(v.size() - 1, static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];  // µs
}

class Runner {
 public:
  explicit Runner(Options o) : o_(std::move(o)) {
    shared_.opts = &o_;
    shared_.media.pacing_factor = o_.pacing_factor;
    shared_.media.pacing_burst_us = o_.pacing_burst_us;
    latency_.reserve(4'000'000);
  }

  int Run() {
    const int max_viewers = *std::max_element(o_.viewers.begin(), o_.viewers.end());
    const Setup setup = RunSetup(o_, max_viewers);
    shared_.org_id = setup.org_id;
    shared_.room_id = setup.room_id;
    started_at_ = std::time(nullptr);
    load_start_ = LoadAvg();

    host_ = std::make_unique<Participant>(&loop_, &shared_, setup.host, -1, PeerMode::kSender, true);
    host_->Begin();
    RunUntil([&] { return host_->state() != Participant::State::kSignaling; }, 30'000);
    if (host_->state() != Participant::State::kReady) Die("host could not start: " + host_->failure());
    host_->sender()->Start();
    host_->MarkHostStarted();
    LG_LOG("host producing (SRTP %s), media port %u", host_->srtp_profile(), shared_.media_port);
    RunFor(500);

    for (int i = 0; i < max_viewers; ++i) {
      PeerMode mode = PeerMode::kCheap;
      if (i == 0 && o_.probe) mode = PeerMode::kProbe;
      else if (i < o_.full) mode = PeerMode::kFull;
      viewers_.push_back(std::make_unique<Participant>(&loop_, &shared_, setup.viewers[static_cast<std::size_t>(i)],
                                                       i, mode, false));
      if (mode == PeerMode::kProbe) viewers_.back()->SetLatencySink(&latency_);
    }

    for (int n : o_.viewers) RunPhase(n);

    for (auto& v : viewers_) v->Close();
    host_->Close();
    RunFor(300);
    host_->sender()->Stop();
    PrintTable();
    if (!o_.json_path.empty()) WriteJson();
    bool all_ok = true;
    for (const auto& r : results_) {
      if (r.value("viewersReceiving", 0) != r.value("viewers", -1)) all_ok = false;
    }
    return all_ok ? 0 : 3;
  }

 private:
  template <typename F>
  bool RunUntil(F done, int64_t timeout_ms) {
    const int64_t deadline = MonoMs() + timeout_ms;
    while (!done()) {
      if (MonoMs() >= deadline) return false;
      Step();
    }
    return true;
  }

  void RunFor(int64_t ms) {
    const int64_t end = MonoMs() + ms;
    while (MonoMs() < end) Step();
  }

  // One loop turn. With poll_us > 0 the loop does not block in epoll_wait: it takes what
  // is ready, then sleeps poll_us. Each epoll_wait then returns hundreds of sockets, and
  // the server's sends do not have to wake a sleeping receiver per packet (on loopback
  // that wake-up is charged to the sender). Delay figures are unaffected: the probe reads
  // kernel receive timestamps.
  void Step() {
    if (o_.poll_us > 0) {
      loop_.RunOnce(0);
      timespec ts{0, static_cast<long>(o_.poll_us) * 1000};
      nanosleep(&ts, nullptr);
    } else {
      loop_.RunOnce(5);
    }
    const int64_t now = MonoMs();
    if (now >= next_tick_) {
      next_tick_ = now + 20;
      host_->Tick(now);
      for (std::size_t i = 0; i < launched_; ++i) viewers_[i]->Tick(now);
    }
  }

  void RunPhase(int n) {
    const int64_t t0 = MonoMs();
    const int64_t timeout = o_.join_timeout_s > 0 ? o_.join_timeout_s * 1000LL : 30'000 + 200LL * n;
    LG_LOG("phase N=%d: joining %zu more viewers", n, static_cast<std::size_t>(n) - launched_);
    while (MonoMs() - t0 < timeout) {
      int joining = 0;
      int settled = 0;
      for (std::size_t i = 0; i < launched_; ++i) {
        const auto st = viewers_[i]->state();
        if (st == Participant::State::kSignaling) {
          ++joining;
          if (MonoMs() - viewers_[i]->started_ms() > 30'000) viewers_[i]->Fail("join timeout (30 s)");
        } else {
          ++settled;
        }
      }
      while (launched_ < static_cast<std::size_t>(n) && joining < o_.join_concurrency) {
        viewers_[launched_++]->Begin();
        ++joining;
      }
      if (settled == n) break;
      Step();
    }
    int ready = 0;
    std::vector<double> join_ms;
    for (std::size_t i = 0; i < launched_; ++i) {
      if (viewers_[i]->state() == Participant::State::kReady) {
        ++ready;
        join_ms.push_back(static_cast<double>(viewers_[i]->join_ms()));
      }
    }
    std::sort(join_ms.begin(), join_ms.end());
    LG_LOG("phase N=%d: %d ready in %.1f s; warming up %d ms", n, ready, (MonoMs() - t0) / 1000.0, o_.warmup_ms);
    RunFor(o_.warmup_ms);

    // Window: quiesce the host so that no packet is in flight at either edge.
    const std::string load_before = LoadAvg();
    HostSender* hs = host_->sender();
    quiesce_ms_.clear();
    hs->SetPaused(true);
    Quiesce(1500);
    const Snapshot a = Take();
    latency_.clear();
    SetProbeRecording(true);
    hs->ResetPacerMax();
    hs->SetPaused(false);
    RunFor(static_cast<int64_t>(o_.seconds) * 1000);
    hs->SetPaused(true);
    Quiesce(8000);  // a saturated server may hold seconds of input in its socket
    SetProbeRecording(false);
    const Snapshot b = Take();
    hs->SetPaused(false);
    const std::string load_after = LoadAvg();
    results_.push_back(Compute(n, a, b, ready, join_ms, load_before, load_after));
    PrintRow(results_.back());
  }

  uint64_t TotalReceived() const {
    uint64_t t = 0;
    for (std::size_t i = 0; i < launched_; ++i) {
      if (const RtcPeer* p = viewers_[i]->peer()) t += p->counters().video_packets + p->counters().audio_packets;
    }
    return t;
  }

  // With the host paused, runs until no viewer received anything for 100 ms. Before the
  // window at most 1.5 s (longer and the SFU would deem the simulcast layers inactive);
  // if that cap is hit, packets sent before the window arrive inside it and the
  // host-count loss is biased low: seqLossPct (by RTP sequence numbers) is not.
  void Quiesce(int64_t max_ms) {
    const int64_t start = MonoMs();
    uint64_t last = TotalReceived();
    int64_t last_change = start;
    while (MonoMs() - start < max_ms) {
      Step();
      const uint64_t t = TotalReceived();
      if (t != last || host_->sender()->pacer_queued.load() > 0) {
        last = t;
        last_change = MonoMs();
      } else if (MonoMs() - last_change >= 100) {
        break;
      }
    }
    quiesce_ms_.push_back(MonoMs() - start);
  }

  void SetProbeRecording(bool on) {
    for (std::size_t i = 0; i < launched_; ++i) {
      if (viewers_[i]->peer() && viewers_[i]->mode() == PeerMode::kProbe) viewers_[i]->peer()->SetRecordLatency(on);
    }
  }

  Snapshot Take() {
    Snapshot s;
    s.mono_ns = MonoNs();
    if (o_.server_pid > 0) {
      s.server = ReadCpu("/proc/" + std::to_string(o_.server_pid) + "/stat");
      s.threads = ReadThreads(o_.server_pid);
    }
    s.self = ReadCpu("/proc/self/stat");
    HostSender* hs = host_->sender();
    for (int i = 0; i < HostSender::kStreams; ++i) {
      s.host_packets[static_cast<std::size_t>(i)] = hs->streams[i].packets.load();
      s.host_bytes[static_cast<std::size_t>(i)] = hs->streams[i].bytes.load();
    }
    s.paced = hs->paced_packets.load();
    s.pacer_wait_us = hs->pacer_wait_us_sum.load();
    s.pacer_overflows = hs->pacer_overflows.load();
    for (std::size_t i = 0; i < launched_; ++i) {
      s.viewers.push_back(viewers_[i]->peer() ? viewers_[i]->peer()->counters() : PeerCounters{});
    }
    s.drops = ReadUdpDrops(shared_.media_port);
    s.cpus = ReadCpuBusy();
    return s;
  }

  Json Compute(int n, const Snapshot& a, const Snapshot& b, int ready, const std::vector<double>& join_ms,
               const std::string& load_before, const std::string& load_after) {
    const double secs = static_cast<double>(b.mono_ns - a.mono_ns) / 1e9;
    const double tck = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double su = static_cast<double>(b.server.utime - a.server.utime) / tck;
    const double ss = static_cast<double>(b.server.stime - a.server.stime) / tck;
    const double gu = static_cast<double>(b.self.utime - a.self.utime) / tck;
    const double gs = static_cast<double>(b.self.stime - a.self.stime) / tck;
    uint64_t video_pk = 0, audio_pk = 0, bytes = 0, expected = 0, rtx = 0, other = 0, rtcp = 0;
    uint64_t seq_expected = 0;
    double worst_seq = 0;
    int receiving = 0, lossy = 0;
    double worst = 0;
    Json full = Json::array();
    for (std::size_t i = 0; i < a.viewers.size() && i < b.viewers.size(); ++i) {
      if (viewers_[i]->state() != Participant::State::kReady) continue;
      const PeerCounters& x = a.viewers[i];
      const PeerCounters& y = b.viewers[i];
      const uint64_t v = y.video_packets - x.video_packets;
      const uint64_t au = y.audio_packets - x.audio_packets;
      video_pk += v;
      audio_pk += au;
      bytes += (y.video_bytes - x.video_bytes) + (y.audio_bytes - x.audio_bytes);
      rtx += y.rtx_packets - x.rtx_packets;
      other += y.other_rtp_packets - x.other_rtp_packets;
      rtcp += y.rtcp_packets - x.rtcp_packets;
      const int layer = std::clamp(viewers_[i]->video_layer(), 0, 2);
      const uint64_t exp = (b.host_packets[static_cast<std::size_t>(layer)] - a.host_packets[static_cast<std::size_t>(layer)]) +
                           (b.host_packets[3] - a.host_packets[3]);
      expected += exp;
      if (v > 0 && au > 0) ++receiving;
      const uint64_t sx = (x.video_ext_seq == 0 ? 0 : y.video_ext_seq - x.video_ext_seq) +
                          (x.audio_ext_seq == 0 ? 0 : y.audio_ext_seq - x.audio_ext_seq);
      seq_expected += sx;
      if (sx > 0) worst_seq = std::max(worst_seq, 100.0 * (1.0 - static_cast<double>(v + au) / static_cast<double>(sx)));
      const double loss = exp == 0 ? 0 : 100.0 * (1.0 - static_cast<double>(v + au) / static_cast<double>(exp));
      worst = std::max(worst, loss);
      if (loss > 1.0) ++lossy;
      if (viewers_[i]->mode() != PeerMode::kCheap) {
        full.push_back({{"viewer", i},
                        {"mode", viewers_[i]->mode() == PeerMode::kProbe ? "probe" : "full"},
                        {"lossPct", loss},
                        {"nackPackets", y.nack_packets_sent - x.nack_packets_sent},
                        {"nackedSeqs", y.nacked_seqs - x.nacked_seqs},
                        {"recovered", y.recovered - x.recovered},
                        {"unrecovered", y.unrecovered - x.unrecovered},
                        {"rtx", y.rtx_packets - x.rtx_packets},
                        {"rrSent", y.rr_sent - x.rr_sent},
                        {"srReceived", y.sr_received - x.sr_received},
                        {"srtpFailures", y.srtp_failures - x.srtp_failures},
                        {"simulatedDrops", y.simulated_drops - x.simulated_drops}});
      }
    }
    Json cpu_busy = Json::array();
    for (std::size_t i = 0; i < a.cpus.size() && i < b.cpus.size(); ++i) {
      const double busy = static_cast<double>(b.cpus[i].first - a.cpus[i].first);
      const double total = static_cast<double>(b.cpus[i].second - a.cpus[i].second);
      cpu_busy.push_back(total > 0 ? 100.0 * busy / total : 0.0);
    }
    const uint64_t fwd = video_pk + audio_pk;
    const double loss_pct = expected == 0 ? 0 : 100.0 * (1.0 - static_cast<double>(fwd) / static_cast<double>(expected));
    std::vector<uint32_t> lat = latency_;
    Json threads = Json::array();
    std::vector<std::pair<double, Json>> tl;
    for (const auto& [tid, t] : b.threads) {
      const auto it = a.threads.find(tid);
      const CpuTicks before = it == a.threads.end() ? CpuTicks{} : it->second.second;
      const double u = static_cast<double>(t.second.utime - before.utime) / tck;
      const double s = static_cast<double>(t.second.stime - before.stime) / tck;
      if (u + s <= 0) continue;
      tl.push_back({u + s, {{"tid", tid}, {"name", t.first}, {"userPct", 100 * u / secs}, {"sysPct", 100 * s / secs}}});
    }
    std::sort(tl.begin(), tl.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    for (std::size_t i = 0; i < tl.size() && i < 6; ++i) threads.push_back(tl[i].second);
    const HostSender* hs = host_->sender();
    Json host_sent = Json::object();
    const char* names[4] = {"r0", "r1", "r2", "audio"};
    for (std::size_t i = 0; i < 4; ++i) {
      host_sent[names[i]] = {{"pps", static_cast<double>(b.host_packets[i] - a.host_packets[i]) / secs},
                             {"kbps", static_cast<double>(b.host_bytes[i] - a.host_bytes[i]) * 8 / secs / 1000}};
    }
    const double server_cpu = su + ss;
    const double streams = 2.0 * std::max(1, ready);
    auto pct = [&join_ms](double p) {
      return join_ms.empty() ? 0.0 : join_ms[std::min(join_ms.size() - 1, static_cast<std::size_t>(p * join_ms.size()))];
    };
    Json r = {
        {"viewers", n},
        {"viewersReady", ready},
        {"viewersReceiving", receiving},
        {"viewersOverOnePctLoss", lossy},
        {"windowSeconds", secs},
        {"forwardedPacketsPerSecond", static_cast<double>(fwd) / secs},
        {"forwardedVideoPacketsPerSecond", static_cast<double>(video_pk) / secs},
        {"forwardedAudioPacketsPerSecond", static_cast<double>(audio_pk) / secs},
        {"forwardedMbps", static_cast<double>(bytes) * 8 / secs / 1e6},
        {"rtxPacketsPerSecond", static_cast<double>(rtx) / secs},
        {"rtcpPacketsPerSecondToViewers", static_cast<double>(rtcp) / secs},
        {"unexpectedSsrcPackets", other},
        {"lossPct", loss_pct},
        {"worstViewerLossPct", worst},
        {"seqLossPct", seq_expected == 0 ? 0.0 : 100.0 * (1.0 - static_cast<double>(fwd) / static_cast<double>(seq_expected))},
        {"worstViewerSeqLossPct", worst_seq},
        {"serverCpu",
         {{"userSeconds", su},
          {"systemSeconds", ss},
          {"pctOfOneCore", 100 * server_cpu / secs},
          {"userPct", 100 * su / secs},
          {"systemPct", 100 * ss / secs},
          {"usPerForwardedPacket", fwd ? server_cpu * 1e6 / static_cast<double>(fwd) : 0},
          {"userUsPerForwardedPacket", fwd ? su * 1e6 / static_cast<double>(fwd) : 0},
          {"systemUsPerForwardedPacket", fwd ? ss * 1e6 / static_cast<double>(fwd) : 0},
          {"pctPerForwardedStream", 100 * server_cpu / secs / streams},
          {"pctPerViewer", 100 * server_cpu / secs / std::max(1, ready)},
          {"threads", threads}}},
        {"generatorCpu", {{"userPct", 100 * gu / secs}, {"systemPct", 100 * gs / secs}}},
        {"latencyUs",
         {{"samples", lat.size()},
          {"p50", Percentile(lat, 50)},
          {"p95", Percentile(lat, 95)},
          {"p99", Percentile(lat, 99)},
          {"max", lat.empty() ? 0.0 : static_cast<double>(*std::max_element(lat.begin(), lat.end()))}}},
        {"joinMs", {{"p50", pct(0.5)}, {"p95", pct(0.95)}, {"max", join_ms.empty() ? 0.0 : join_ms.back()}}},
        {"hostSent", host_sent},
        {"hostFeedback",
         {{"plis", hs->plis.load()},
          {"firs", hs->firs.load()},
          {"nackPackets", hs->nack_packets.load()},
          {"nackedSeqs", hs->nacked_seqs.load()},
          {"rtxSent", hs->rtx_sent.load()},
          {"receiverReports", hs->receiver_reports.load()},
          {"lateTicks", hs->late_ticks.load()},
          {"sendFailures", hs->send_failures.load()}}},
        {"hostPacer",
         {{"factor", o_.pacing_factor},
          {"rateMbps", hs->pacing_rate_bps() / 1e6},
          {"burstMs", o_.pacing_burst_us / 1000.0},
          {"pacedPackets", b.paced - a.paced},
          {"meanWaitUs", b.paced > a.paced ? static_cast<double>(b.pacer_wait_us - a.pacer_wait_us) / static_cast<double>(b.paced - a.paced) : 0.0},
          {"maxWaitUs", hs->pacer_max_wait_us.load()},
          {"maxQueuePackets", hs->pacer_max_queue.load()},
          {"overflowSends", b.pacer_overflows - a.pacer_overflows}}},
        {"udpDrops",
         {{"serverSocket", b.drops.server - a.drops.server},
          {"generatorSockets", b.drops.generator - a.drops.generator},
          {"rcvbufErrorsAll", b.drops.rcvbuf_errors - a.drops.rcvbuf_errors}}},
        {"fullViewers", full},
        {"quiesceMs", quiesce_ms_},
        {"cpuBusyPct", cpu_busy},
        {"loadavgBefore", load_before},
        {"loadavgAfter", load_after},
    };
    return r;
  }

  void PrintRow(const Json& r) {
    const Json& c = r["serverCpu"];
    const Json& l = r["latencyUs"];
    std::printf("N=%-4d ready %d/%d recv %d | fwd %.0f pkt/s %.1f Mbit/s | loss %.3f%% (worst %.2f%%, by seq %.3f%%) | server CPU %.1f%% "
                "(usr %.1f sys %.1f) %.2f us/pkt (usr %.2f sys %.2f) | delay p50 %.2f p95 %.2f p99 %.2f max %.2f ms | "
                "gen CPU %.1f%% | load %s\n",
                r["viewers"].get<int>(), r["viewersReady"].get<int>(), r["viewers"].get<int>(),
                r["viewersReceiving"].get<int>(), r["forwardedPacketsPerSecond"].get<double>(),
                r["forwardedMbps"].get<double>(), r["lossPct"].get<double>(), r["worstViewerLossPct"].get<double>(),
                r["seqLossPct"].get<double>(), c["pctOfOneCore"].get<double>(), c["userPct"].get<double>(), c["systemPct"].get<double>(),
                c["usPerForwardedPacket"].get<double>(), c["userUsPerForwardedPacket"].get<double>(),
                c["systemUsPerForwardedPacket"].get<double>(), l["p50"].get<double>() / 1000,
                l["p95"].get<double>() / 1000, l["p99"].get<double>() / 1000, l["max"].get<double>() / 1000,
                r["generatorCpu"]["userPct"].get<double>() + r["generatorCpu"]["systemPct"].get<double>(),
                r["loadavgAfter"].get<std::string>().c_str());
    std::fflush(stdout);
  }

  void PrintTable() {
    std::printf("\n%6s %6s %9s %8s %8s %8s %8s %9s %8s %8s %8s %8s %8s %8s %8s %8s\n", "N", "recv", "fwd pk/s",
                "Mbit/s", "loss%", "worst%", "seqloss%", "srvCPU%", "usr%", "sys%", "us/pkt", "%/strm", "p50 ms", "p95 ms", "p99 ms", "max ms");
    for (const auto& r : results_) {
      const Json& c = r["serverCpu"];
      const Json& l = r["latencyUs"];
      std::printf("%6d %6d %9.0f %8.1f %8.3f %8.2f %8.3f %9.1f %8.1f %8.1f %8.2f %8.3f %8.2f %8.2f %8.2f %8.2f\n",
                  r["viewers"].get<int>(), r["viewersReceiving"].get<int>(),
                  r["forwardedPacketsPerSecond"].get<double>(), r["forwardedMbps"].get<double>(),
                  r["lossPct"].get<double>(), r["worstViewerLossPct"].get<double>(), r["seqLossPct"].get<double>(),
                  c["pctOfOneCore"].get<double>(),
                  c["userPct"].get<double>(), c["systemPct"].get<double>(), c["usPerForwardedPacket"].get<double>(),
                  c["pctPerForwardedStream"].get<double>(), l["p50"].get<double>() / 1000,
                  l["p95"].get<double>() / 1000, l["p99"].get<double>() / 1000, l["max"].get<double>() / 1000);
    }
    std::fflush(stdout);
  }

  void WriteJson() {
    char date[64];
    const std::time_t now = std::time(nullptr);
    std::strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    Json events = Json::object();
    for (const auto& [k, v] : shared_.events) events[k] = v;
    Json out = {
        {"tool", "tr_loadgen"},
        {"date", date},
        {"label", o_.label},
        {"machine", {{"nproc", sysconf(_SC_NPROCESSORS_ONLN)}, {"loadavgStart", load_start_}, {"loadavgEnd", LoadAvg()}}},
        {"config",
         {{"server", o_.host + ":" + std::to_string(o_.port)},
          {"serverPid", o_.server_pid},
          {"viewers", o_.viewers},
          {"seconds", o_.seconds},
          {"warmupMs", o_.warmup_ms},
          {"fullViewers", o_.full},
          {"probe", o_.probe},
          {"consentIntervalMs", o_.consent_ms},
          {"pollUs", o_.poll_us},
          {"fullDropPct", o_.full_drop_per_mille / 10.0},
          {"pacing", {{"factor", o_.pacing_factor},
                      {"burstMs", o_.pacing_burst_us / 1000.0},
                      {"rateMbps", host_->sender()->pacing_rate_bps() / 1e6}}},
          {"video", {{"rids", {"r0", "r1", "r2"}},
                     {"bitrateBps", shared_.media.bitrate_bps},
                     {"fps", shared_.media.fps},
                     {"keyIntervalMs", shared_.media.key_interval_ms},
                     {"maxPacketBytes", shared_.media.max_packet_bytes}}},
          {"audio", {{"ptimeMs", 20}, {"payloadBytes", shared_.media.audio_payload_bytes}}},
          {"srtpProfile", host_->srtp_profile()}}},
        {"signaling", {{"messages", shared_.ws_messages}, {"broadcastsSkipped", shared_.ws_broadcasts_skipped}, {"events", events}}},
        {"results", results_},
    };
    std::ofstream f(o_.json_path);
    f << out.dump(2) << "\n";
    if (!f) Die("cannot write " + o_.json_path);
    LG_LOG("wrote %s", o_.json_path.c_str());
  }

  Options o_;
  Shared shared_;
  EventLoop loop_;
  std::unique_ptr<Participant> host_;
  std::vector<std::unique_ptr<Participant>> viewers_;
  std::size_t launched_ = 0;
  int64_t next_tick_ = 0;
  std::vector<uint32_t> latency_;
  std::vector<Json> results_;
  std::vector<int64_t> quiesce_ms_;
  std::time_t started_at_ = 0;
  std::string load_start_;
};

constexpr const char* kUsage = R"(tr_loadgen: broadcast load on a running tradingroom server

  --server HOST:PORT      HTTP/WebSocket address (default 127.0.0.1:8080)
  --viewers N[,N...]      viewer counts, added phase by phase (default 5)
  --seconds S             measurement window per phase (default 20)
  --warmup-ms MS          after the viewers joined, before measuring (default 3000)
  --full K                viewers that decrypt, send RR and NACK (default 5; the probe is one)
  --no-probe              no latency probe
  --server-pid PID        read the server's CPU from /proc/PID (else CPU is not reported)
  --json PATH             write the results as JSON
  --join-concurrency C    viewers joining at once (default 40)
  --join-timeout S        per phase (default 30 + 0.2 × N)
  --consent-ms MS         consent check interval per viewer (default 2500, jittered)
  --rcvbuf BYTES          SO_RCVBUF of each viewer socket (default: system)
  --full-drop-pct P       full viewers discard P % of their video packets (exercises NACK/RTX;
                          their loss figures then include these drops)
  --poll-us US            receive loop period (default 1000; 0 = block in epoll_wait)
  --pacing-factor F       host video pacing rate = F × (sum of the layers' target bitrates),
                          like libwebrtc's pacer (default 2.5; 0 = each frame as one burst)
  --pacing-burst-ms MS    pacer debt allowance: this much of the pacing rate may leave at
                          once (default 5; libwebrtc since 2023: 40)
  --label TEXT            stored in the JSON
  --verbose
The server must run with high rate limits (--rate-limit-auth 100000 --rate-limit-api
10000000 --rate-limit-ws 100000 --rate-limit-transport 100000).
)";

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value for " + a);
      return argv[++i];
    };
    if (a == "--server") {
      const std::string v = next();
      const std::size_t c = v.rfind(':');
      if (c == std::string::npos) Die("--server HOST:PORT");
      o.host = v.substr(0, c);
      o.port = static_cast<uint16_t>(std::atoi(v.c_str() + c + 1));
    } else if (a == "--viewers") {
      o.viewers.clear();
      std::stringstream ss(next());
      std::string tok;
      while (std::getline(ss, tok, ',')) {
        const int n = std::atoi(tok.c_str());
        if (n <= 0 || n > 5000) Die("--viewers: 1..5000 each");
        if (!o.viewers.empty() && n < o.viewers.back()) Die("--viewers must be ascending");
        o.viewers.push_back(n);
      }
      if (o.viewers.empty()) Die("--viewers: empty");
    } else if (a == "--seconds") {
      o.seconds = std::clamp(std::atoi(next().c_str()), 1, 3600);
    } else if (a == "--warmup-ms") {
      o.warmup_ms = std::clamp(std::atoi(next().c_str()), 0, 600'000);
    } else if (a == "--full") {
      o.full = std::max(0, std::atoi(next().c_str()));
    } else if (a == "--no-probe") {
      o.probe = false;
    } else if (a == "--server-pid") {
      o.server_pid = std::atoi(next().c_str());
    } else if (a == "--json") {
      o.json_path = next();
    } else if (a == "--join-concurrency") {
      o.join_concurrency = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--join-timeout") {
      o.join_timeout_s = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--consent-ms") {
      o.consent_ms = std::clamp(std::atoi(next().c_str()), 100, 20'000);
    } else if (a == "--rcvbuf") {
      o.rcvbuf = std::max(0, std::atoi(next().c_str()));
    } else if (a == "--full-drop-pct") {
      o.full_drop_per_mille = static_cast<int>(std::clamp(std::atof(next().c_str()), 0.0, 50.0) * 10);
    } else if (a == "--poll-us") {
      o.poll_us = std::clamp(std::atoi(next().c_str()), 0, 20'000);
    } else if (a == "--pacing-factor") {
      o.pacing_factor = std::clamp(std::atof(next().c_str()), 0.0, 100.0);
    } else if (a == "--pacing-burst-ms") {
      o.pacing_burst_us = static_cast<int>(std::clamp(std::atof(next().c_str()), 0.0, 1000.0) * 1000);
    } else if (a == "--label") {
      o.label = next();
    } else if (a == "--verbose") {
      g_verbose = true;
    } else if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else {
      std::fputs(kUsage, stderr);
      Die("unknown argument " + a);
    }
  }
  return o;
}

}  // namespace
}  // namespace tr::loadgen

int main(int argc, char** argv) {
  // One socket per viewer plus its WebSocket: raise the descriptor limit.
  rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  tr::loadgen::Runner runner(tr::loadgen::ParseArgs(argc, argv));
  return runner.Run();
}
