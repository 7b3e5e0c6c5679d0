#pragma once
// tr_loadgen: clocks, a tiny epoll loop and logging shared by the load generator's parts.
// Single-threaded per loop; the host's media sender runs a second loop on its own thread.
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <vector>

namespace tr::loadgen {

inline int64_t MonoNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
inline int64_t MonoMs() { return MonoNs() / 1'000'000; }
// Wall clock in ns: the probe compares it with SO_TIMESTAMPNS kernel receive times.
inline int64_t RealNs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

extern bool g_verbose;
#define LG_LOG(...)                 \
  do {                              \
    std::fprintf(stderr, "[loadgen] "); \
    std::fprintf(stderr, __VA_ARGS__);  \
    std::fputc('\n', stderr);       \
  } while (0)
#define LG_DEBUG(...)                \
  do {                               \
    if (::tr::loadgen::g_verbose) LG_LOG(__VA_ARGS__); \
  } while (0)

// Something with a file descriptor in an EventLoop.
class FdHandler {
 public:
  virtual ~FdHandler() = default;
  virtual void OnFdEvent(uint32_t events) = 0;
};

class EventLoop {
 public:
  EventLoop() : ep_(epoll_create1(EPOLL_CLOEXEC)), events_(1024) {}
  ~EventLoop() {
    if (ep_ >= 0) ::close(ep_);
  }
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  bool Add(int fd, FdHandler* h, uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = h;
    return epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev) == 0;
  }
  bool Mod(int fd, FdHandler* h, uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = h;
    return epoll_ctl(ep_, EPOLL_CTL_MOD, fd, &ev) == 0;
  }
  void Del(int fd) { epoll_ctl(ep_, EPOLL_CTL_DEL, fd, nullptr); }

  // Waits at most timeout_ms and dispatches what is ready; returns the number of events.
  int RunOnce(int timeout_ms) {
    const int n = epoll_wait(ep_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
    for (int i = 0; i < n; ++i) {
      static_cast<FdHandler*>(events_[static_cast<std::size_t>(i)].data.ptr)
          ->OnFdEvent(events_[static_cast<std::size_t>(i)].events);
    }
    return n < 0 ? 0 : n;
  }

 private:
  int ep_;
  std::vector<epoll_event> events_;
};

}  // namespace tr::loadgen
