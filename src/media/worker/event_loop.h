#pragma once
// The event loop of one media worker thread: epoll over non-blocking file descriptors,
// one timerfd for all timers (a binary heap of deadlines), and an eventfd-woken queue of
// closures that other threads post (the control path; the packet path takes no locks).
//
// Threading: Post() and Stop() are thread-safe; everything else is called on the loop
// thread (the one running Run()).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tr::media {

class EventLoop;

// A one-shot timer owned by its user; restart it from its own callback for periodic work.
// Destroying a running timer stops it.
class Timer {
 public:
  Timer(EventLoop* loop, std::function<void()> callback);
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  ~Timer();

  // (Re)starts the timer to fire once, `delay_ms` from now (loop clock).
  void Start(int64_t delay_ms);
  void Stop();
  bool IsRunning() const { return heap_index_ != kNotInHeap; }
  int64_t deadline_ms() const { return deadline_ms_; }

 private:
  friend class EventLoop;
  static constexpr std::size_t kNotInHeap = static_cast<std::size_t>(-1);

  EventLoop* const loop_;
  std::function<void()> callback_;
  int64_t deadline_ms_ = 0;
  uint64_t sequence_ = 0;  // FIFO order among equal deadlines
  std::size_t heap_index_ = kNotInHeap;
};

class EventLoop {
 public:
  class FdHandler {
   public:
    virtual ~FdHandler() = default;
    // `events` is the epoll event mask (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, ...). A
    // handler serves one descriptor. It may remove (not destroy) itself from inside.
    virtual void OnFdEvent(uint32_t events) = 0;
  };

  EventLoop();  // throws std::runtime_error if epoll/eventfd/timerfd cannot be created
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  ~EventLoop();

  bool AddFd(int fd, uint32_t events, FdHandler* handler);
  bool ModifyFd(int fd, uint32_t events, FdHandler* handler);
  void RemoveFd(int fd);

  // Thread-safe: runs `fn` on the loop thread, in posting order.
  void Post(std::function<void()> fn);
  // Runs until Stop(); posted closures still queued at Stop() are run before returning.
  void Run();
  // Thread-safe.
  void Stop();

  // Called at the end of every loop iteration (after all events of one epoll_wait):
  // where batched sends are flushed. Loop thread only.
  void SetIterationEndHook(std::function<void()> hook) { iteration_end_ = std::move(hook); }

  // Monotonic milliseconds, refreshed once per loop iteration (cheap to read).
  int64_t NowMs() const { return now_ms_; }
  // Refreshes and returns the clock.
  int64_t UpdateNow();
  bool IsLoopThread() const { return std::this_thread::get_id() == thread_id_; }

 private:
  friend class Timer;
  void ScheduleTimer(Timer* timer);
  void UnscheduleTimer(Timer* timer);
  void HeapSwap(std::size_t a, std::size_t b);
  void HeapUp(std::size_t i);
  void HeapDown(std::size_t i);
  static bool Earlier(const Timer* a, const Timer* b);
  void ArmTimerFd();
  void RunExpiredTimers();
  void RunPosted();

  int epoll_fd_ = -1;
  int event_fd_ = -1;
  int timer_fd_ = -1;
  std::thread::id thread_id_;
  bool stop_ = false;
  int64_t now_ms_ = 0;
  int64_t armed_deadline_ms_ = -1;
  uint64_t timer_sequence_ = 0;
  std::vector<Timer*> heap_;
  std::function<void()> iteration_end_;

  std::mutex mutex_;
  std::vector<std::function<void()>> posted_;  // guarded by mutex_
  bool stop_requested_ = false;                // guarded by mutex_
  std::vector<std::function<void()>> running_;  // loop thread only
};

}  // namespace tr::media
