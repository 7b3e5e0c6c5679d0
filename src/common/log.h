#pragma once
// Structured JSON logs: one object per line on stderr with time, level, component, msg and
// any extra fields (request_id, tenant, user, ...). Never log secrets (tokens, passwords,
// ICE passwords).
#include <string>
#include <string_view>

#include "common/json.h"

namespace tr::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void SetLevel(Level level);
Level GetLevel();
bool ParseLevel(std::string_view text, Level* out);
inline bool Enabled(Level level) { return static_cast<int>(level) >= static_cast<int>(GetLevel()); }

void Write(Level level, std::string_view component, std::string_view message,
           const Json& fields = Json::object());

// Per-thread request context: every line written while it is set carries `request_id`,
// and `user` / `tenant` once known. Set by the request's handler thread.
struct Context {
  std::string request_id;
  std::string user;
  std::string tenant;
};
Context& CurrentContext();

class ScopedContext {
 public:
  explicit ScopedContext(std::string request_id) {
    CurrentContext() = Context{std::move(request_id), {}, {}};
  }
  ~ScopedContext() { CurrentContext() = Context{}; }
  ScopedContext(const ScopedContext&) = delete;
  ScopedContext& operator=(const ScopedContext&) = delete;
};

inline void Debug(std::string_view c, std::string_view m, const Json& f = Json::object()) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, c, m, f);
}
inline void Info(std::string_view c, std::string_view m, const Json& f = Json::object()) {
  if (Enabled(Level::kInfo)) Write(Level::kInfo, c, m, f);
}
inline void Warn(std::string_view c, std::string_view m, const Json& f = Json::object()) {
  if (Enabled(Level::kWarn)) Write(Level::kWarn, c, m, f);
}
inline void Error(std::string_view c, std::string_view m, const Json& f = Json::object()) {
  Write(Level::kError, c, m, f);
}

}  // namespace tr::log
