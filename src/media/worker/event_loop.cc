#include "media/worker/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <stdexcept>
#include <utility>

namespace tr::media {

namespace {

int64_t MonotonicNowMs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

// Dispatch tags stored in epoll_event.data.ptr for the loop's own descriptors.
char kEventFdTag;
char kTimerFdTag;

}  // namespace

// ---------------------------------------------------------------- Timer

Timer::Timer(EventLoop* loop, std::function<void()> callback)
    : loop_(loop), callback_(std::move(callback)) {}

Timer::~Timer() { Stop(); }

void Timer::Start(int64_t delay_ms) {
  Stop();
  deadline_ms_ = loop_->UpdateNow() + (delay_ms < 0 ? 0 : delay_ms);
  loop_->ScheduleTimer(this);
}

void Timer::Stop() {
  if (IsRunning()) {
    loop_->UnscheduleTimer(this);
  }
}

// ---------------------------------------------------------------- EventLoop

EventLoop::EventLoop() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  event_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (epoll_fd_ < 0 || event_fd_ < 0 || timer_fd_ < 0) {
    throw std::runtime_error("event loop: cannot create epoll/eventfd/timerfd");
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &kEventFdTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, event_fd_, &ev);
  ev.data.ptr = &kTimerFdTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, timer_fd_, &ev);
  now_ms_ = MonotonicNowMs();
  heap_.reserve(256);
}

EventLoop::~EventLoop() {
  for (Timer* t : heap_) {
    t->heap_index_ = Timer::kNotInHeap;
  }
  if (timer_fd_ >= 0) close(timer_fd_);
  if (event_fd_ >= 0) close(event_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

bool EventLoop::AddFd(int fd, uint32_t events, FdHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool EventLoop::ModifyFd(int fd, uint32_t events, FdHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void EventLoop::RemoveFd(int fd) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

void EventLoop::Post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    posted_.push_back(std::move(fn));
  }
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = write(event_fd_, &one, sizeof(one));
}

void EventLoop::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_requested_ = true;
  }
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = write(event_fd_, &one, sizeof(one));
}

int64_t EventLoop::UpdateNow() {
  now_ms_ = MonotonicNowMs();
  return now_ms_;
}

void EventLoop::RunPosted() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    running_.swap(posted_);
    if (stop_requested_) {
      stop_ = true;
    }
  }
  for (auto& fn : running_) {
    fn();
  }
  running_.clear();
}

void EventLoop::Run() {
  thread_id_ = std::this_thread::get_id();
  constexpr int kMaxEvents = 64;
  epoll_event events[kMaxEvents];
  while (!stop_) {
    ArmTimerFd();
    const int n = epoll_wait(epoll_fd_, events, kMaxEvents, -1);
    UpdateNow();
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;
    }
    for (int i = 0; i < n; ++i) {
      void* tag = events[i].data.ptr;
      if (tag == &kEventFdTag) {
        uint64_t value;
        while (read(event_fd_, &value, sizeof(value)) > 0) {
        }
        RunPosted();
      } else if (tag == &kTimerFdTag) {
        uint64_t value;
        while (read(timer_fd_, &value, sizeof(value)) > 0) {
        }
        armed_deadline_ms_ = -1;
      } else {
        static_cast<FdHandler*>(tag)->OnFdEvent(events[i].events);
      }
    }
    RunExpiredTimers();
    if (iteration_end_) {
      iteration_end_();
    }
  }
  RunPosted();  // closures posted right before Stop() (e.g. final close requests)
  if (iteration_end_) {
    iteration_end_();
  }
}

// ---- timers: a binary min-heap of Timer*, ordered by (deadline, sequence) ----

bool EventLoop::Earlier(const Timer* a, const Timer* b) {
  return a->deadline_ms_ != b->deadline_ms_ ? a->deadline_ms_ < b->deadline_ms_
                                            : a->sequence_ < b->sequence_;
}

void EventLoop::HeapSwap(std::size_t a, std::size_t b) {
  std::swap(heap_[a], heap_[b]);
  heap_[a]->heap_index_ = a;
  heap_[b]->heap_index_ = b;
}

void EventLoop::HeapUp(std::size_t i) {
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!Earlier(heap_[i], heap_[parent])) {
      break;
    }
    HeapSwap(i, parent);
    i = parent;
  }
}

void EventLoop::HeapDown(std::size_t i) {
  for (;;) {
    const std::size_t l = 2 * i + 1;
    const std::size_t r = l + 1;
    std::size_t best = i;
    if (l < heap_.size() && Earlier(heap_[l], heap_[best])) best = l;
    if (r < heap_.size() && Earlier(heap_[r], heap_[best])) best = r;
    if (best == i) {
      break;
    }
    HeapSwap(i, best);
    i = best;
  }
}

void EventLoop::ScheduleTimer(Timer* timer) {
  timer->sequence_ = ++timer_sequence_;
  timer->heap_index_ = heap_.size();
  heap_.push_back(timer);
  HeapUp(timer->heap_index_);
}

void EventLoop::UnscheduleTimer(Timer* timer) {
  const std::size_t i = timer->heap_index_;
  const std::size_t last = heap_.size() - 1;
  if (i != last) {
    HeapSwap(i, last);
  }
  heap_.pop_back();
  timer->heap_index_ = Timer::kNotInHeap;
  if (i < heap_.size()) {
    HeapUp(i);
    HeapDown(heap_[i]->heap_index_);
  }
}

void EventLoop::ArmTimerFd() {
  if (heap_.empty()) {
    return;  // a stale expiry only causes one spurious wake-up
  }
  const int64_t deadline = heap_.front()->deadline_ms_;
  if (deadline == armed_deadline_ms_) {
    return;
  }
  armed_deadline_ms_ = deadline;
  int64_t delay = deadline - UpdateNow();
  if (delay < 1) {
    delay = 0;
  }
  itimerspec spec{};
  if (delay == 0) {
    spec.it_value.tv_nsec = 1;  // fire at once (0 would disarm)
  } else {
    spec.it_value.tv_sec = delay / 1000;
    spec.it_value.tv_nsec = (delay % 1000) * 1'000'000;
  }
  timerfd_settime(timer_fd_, 0, &spec, nullptr);
}

void EventLoop::RunExpiredTimers() {
  const int64_t now = UpdateNow();
  while (!heap_.empty() && heap_.front()->deadline_ms_ <= now) {
    Timer* timer = heap_.front();
    UnscheduleTimer(timer);
    // The callback may restart or destroy its own timer: nothing of it is touched after.
    timer->callback_();
  }
}

}  // namespace tr::media
