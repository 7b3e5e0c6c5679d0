#include "sfu_test_util.h"

#include <chrono>

namespace tr::media::test {

void NotificationInbox::Push(const std::string& event, const Json& data) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    items_.push_back({event, data});
  }
  cv_.notify_all();
}

bool NotificationInbox::WaitFor(const std::string& event,
                                const std::function<bool(const Json&)>& pred, int timeout_ms,
                                Json* out) {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    for (auto it = items_.begin(); it != items_.end(); ++it) {
      if (it->event == event && pred(it->data)) {
        if (out != nullptr) {
          *out = it->data;
        }
        items_.erase(it);
        return true;
      }
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      // one last scan happens on the next loop iteration only if notified; check now
      for (auto it = items_.begin(); it != items_.end(); ++it) {
        if (it->event == event && pred(it->data)) {
          if (out != nullptr) {
            *out = it->data;
          }
          items_.erase(it);
          return true;
        }
      }
      return false;
    }
  }
}

int NotificationInbox::Count(const std::string& event) {
  std::lock_guard<std::mutex> lock(mutex_);
  int n = 0;
  for (const auto& item : items_) {
    n += item.event == event ? 1 : 0;
  }
  return n;
}

}  // namespace tr::media::test
