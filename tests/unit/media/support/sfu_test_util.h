#pragma once
// Helpers to drive the Sfu facade from a test thread: synchronous requests (replies arrive
// on the worker thread) and a thread-safe notification inbox.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <utility>

#include "common/json.h"

namespace tr::media::test {

struct Notification {
  std::string event;
  Json data;
};

class NotificationInbox {
 public:
  void Push(const std::string& event, const Json& data);
  // Waits for the first notification with `event` matching `pred`, removing it.
  bool WaitFor(const std::string& event, const std::function<bool(const Json&)>& pred,
               int timeout_ms, Json* out = nullptr);
  bool WaitFor(const std::string& event, int timeout_ms, Json* out = nullptr) {
    return WaitFor(event, [](const Json&) { return true; }, timeout_ms, out);
  }
  // Non-blocking: count of matching notifications currently queued.
  int Count(const std::string& event);

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Notification> items_;
};

}  // namespace tr::media::test
