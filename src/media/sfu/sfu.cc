// The Sfu facade: N workers (one thread each, own UDP + TCP port), routers placed on the
// worker with the fewest routers, requests posted to the owning worker's event loop.
#include "media/sfu/sfu.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/log.h"
#include "common/random.h"
#include "media/ortc/ortc_error.h"
#include "media/ortc/router_rtp_capabilities.h"
#include "media/router/router.h"
#include "media/router/router_error.h"
#include "media/worker/worker.h"

namespace tr::media {

namespace {

constexpr std::string_view kComponent = "media.sfu";

std::string NewRouterId() {
  uint8_t b[16];
  RandomBytes(b, sizeof(b));
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0x0F];
  }
  return out;
}

class SfuImpl final : public Sfu {
 public:
  explicit SfuImpl(const SfuOptions& options)
      : options_(options), capabilities_(ortc::RouterRtpCapabilities().ToJson()) {}

  ~SfuImpl() override { Stop(); }

  const Json& RouterRtpCapabilities() const override { return capabilities_; }

  void SetNotificationHandler(SfuNotificationHandler handler) override {
    notify_ = std::move(handler);
  }

  void Start() override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (started_) {
      return;
    }
    int count = options_.workers;
    if (count <= 0) {
      count = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    }
    if (options_.port_min != 0 &&
        static_cast<int>(options_.port_min) + count - 1 > static_cast<int>(options_.port_max)) {
      throw std::runtime_error("sfu: port range too small for the number of workers");
    }
    std::vector<std::unique_ptr<Slot>> slots;
    for (int i = 0; i < count; ++i) {
      WorkerOptions wo;
      wo.index = i;
      wo.listen_ip = options_.listen_ip;
      wo.announced_ip = options_.announced_ip;
      wo.port = options_.port_min == 0 ? 0 : static_cast<uint16_t>(options_.port_min + i);
      auto slot = std::make_unique<Slot>();
      slot->worker = std::make_unique<Worker>(wo);
      slot->worker->Bind();  // throws when the port is taken: nothing started yet
      slots.push_back(std::move(slot));
    }
    for (auto& slot : slots) {
      slot->worker->Start();
    }
    slots_ = std::move(slots);
    started_ = true;
    log::Info(kComponent, "sfu started",
              {{"workers", count}, {"port", slots_.front()->worker->udp_port()}});
  }

  void Stop() override {
    std::vector<std::unique_ptr<Slot>> slots;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!started_) {
        return;
      }
      started_ = false;
      slots = std::move(slots_);
      router_worker_.clear();
    }
    for (auto& slot : slots) {
      Slot* s = slot.get();
      s->worker->Post([s] {
        for (auto& [id, router] : s->routers) {
          router->Close();
        }
        s->routers.clear();
      });
      s->worker->Stop();
    }
  }

  void Request(const std::string& method, Json data, SfuReplyHandler reply) override {
    if (!data.is_object()) {
      data = Json::object();
    }
    if (method == "router.create") {
      CreateRouter(std::move(reply));
      return;
    }
    if (method == "sfu.stats") {
      CollectStats(std::move(reply));
      return;
    }
    const auto rid = data.find("routerId");
    if (rid == data.end() || !rid->is_string()) {
      reply(SfuReply::Error("invalid_parameters", "missing routerId"));
      return;
    }
    const std::string router_id = rid->get<std::string>();
    Slot* slot = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!started_) {
        reply(SfuReply::Error("invalid_state", "sfu not started"));
        return;
      }
      const auto it = router_worker_.find(router_id);
      if (it != router_worker_.end()) {
        slot = slots_[it->second].get();
      }
    }
    if (slot == nullptr) {
      reply(SfuReply::Error("not_found", "router not found"));
      return;
    }
    slot->worker->Post([this, slot, method, router_id, data = std::move(data),
                        reply = std::move(reply)] {
      const auto it = slot->routers.find(router_id);
      if (it == slot->routers.end()) {
        reply(SfuReply::Error("not_found", "router not found"));
        return;
      }
      if (method == "router.close") {
        it->second->Close();
        slot->routers.erase(it);
        {
          std::lock_guard<std::mutex> lock(mutex_);
          router_worker_.erase(router_id);
        }
        --slot->router_count;
        reply(SfuReply::Ok());
        return;
      }
      SfuReply result;
      try {
        result = SfuReply::Ok(it->second->HandleRequest(method, data));
      } catch (const RouterError& e) {
        result = SfuReply::Error(e.code(), e.what());
      } catch (const ortc::OrtcError& e) {
        result = SfuReply::Error("invalid_parameters", e.what());
      } catch (const std::exception& e) {
        result = SfuReply::Error("invalid_parameters", e.what());
      }
      reply(std::move(result));
    });
  }

 private:
  struct Slot {
    std::unique_ptr<Worker> worker;
    // Worker thread only.
    std::unordered_map<std::string, std::unique_ptr<Router>> routers;
    // Placement load, read by the control plane.
    std::atomic<int> router_count{0};
  };

  void CreateRouter(SfuReplyHandler reply) {
    Slot* slot = nullptr;
    const std::string id = NewRouterId();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!started_) {
        reply(SfuReply::Error("invalid_state", "sfu not started"));
        return;
      }
      std::size_t best = 0;
      for (std::size_t i = 1; i < slots_.size(); ++i) {
        if (slots_[i]->router_count.load() < slots_[best]->router_count.load()) {
          best = i;
        }
      }
      slot = slots_[best].get();
      ++slot->router_count;
      router_worker_[id] = best;
    }
    Router::Options ro;
    ro.ice_consent_timeout_ms = options_.ice_consent_timeout_ms;
    ro.rtcp_interval_ms = options_.rtcp_interval_ms;
    ro.key_frame_request_interval_ms = options_.key_frame_request_interval_ms;
    slot->worker->Post([this, slot, id, ro, reply = std::move(reply)] {
      slot->routers[id] = std::make_unique<Router>(
          slot->worker.get(), id, ro, [this](const std::string& event, const Json& data) {
            if (notify_) {
              notify_(event, data);
            }
          });
      reply(SfuReply::Ok({{"routerId", id}}));
    });
  }

  void CollectStats(SfuReplyHandler reply) {
    std::vector<Slot*> slots;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto& s : slots_) {
        slots.push_back(s.get());
      }
    }
    if (slots.empty()) {
      reply(SfuReply::Ok({{"workers", Json::array()}}));
      return;
    }
    struct Gather {
      std::mutex mutex;
      Json workers;
      std::size_t remaining;
      SfuReplyHandler reply;
    };
    auto gather = std::make_shared<Gather>();
    gather->workers = Json::array();
    for (std::size_t i = 0; i < slots.size(); ++i) {
      gather->workers.push_back(nullptr);
    }
    gather->remaining = slots.size();
    gather->reply = std::move(reply);
    for (std::size_t i = 0; i < slots.size(); ++i) {
      Slot* s = slots[i];
      s->worker->Post([s, i, gather] {
        std::size_t transports = 0, producers = 0, consumers = 0;
        for (const auto& [id, router] : s->routers) {
          transports += router->TransportCount();
          producers += router->ProducerCount();
          consumers += router->ConsumerCount();
        }
        const auto& st = s->worker->stats();
        Json w = {{"index", s->worker->index()},
                  {"udpPort", s->worker->udp_port()},
                  {"tcpPort", s->worker->tcp_port()},
                  {"routers", s->routers.size()},
                  {"transports", transports},
                  {"producers", producers},
                  {"consumers", consumers},
                  {"packetsIn", st.packets_received},
                  {"bytesIn", st.bytes_received},
                  {"packetsOut", st.packets_sent},
                  {"bytesOut", st.bytes_sent},
                  {"sendErrors", st.send_errors},
                  {"droppedUnknown", st.dropped_unknown},
                  {"droppedTruncated", st.dropped_truncated},
                  {"tcpConnections", s->worker->TcpConnectionCount()}};
        SfuReplyHandler done;
        Json all;
        {
          std::lock_guard<std::mutex> lock(gather->mutex);
          gather->workers[i] = std::move(w);
          if (--gather->remaining == 0) {
            done = std::move(gather->reply);
            all = std::move(gather->workers);
          }
        }
        if (done) {
          done(SfuReply::Ok({{"workers", std::move(all)}}));
        }
      });
    }
  }

  const SfuOptions options_;
  const Json capabilities_;
  SfuNotificationHandler notify_;
  std::mutex mutex_;
  bool started_ = false;                                    // guarded by mutex_
  std::vector<std::unique_ptr<Slot>> slots_;                // guarded by mutex_ (the vector)
  std::unordered_map<std::string, std::size_t> router_worker_;  // guarded by mutex_
};

}  // namespace

std::unique_ptr<Sfu> CreateSfu(const SfuOptions& options) {
  return std::make_unique<SfuImpl>(options);
}

}  // namespace tr::media
