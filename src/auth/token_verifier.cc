#include "auth/token_verifier.h"

namespace tr::auth {

TokenVerifier::TokenVerifier(JwtVerifier internal, std::optional<JwtVerifier> external)
    : internal_(std::move(internal)), external_(std::move(external)) {}

TokenCheck TokenVerifier::Verify(const std::string& token, int64_t now_unix) {
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(token);
    if (it != cache_.end()) {
      if (it->second.claims.exp > now_unix) return it->second;
      cache_.erase(it);
    }
  }
  TokenCheck check;
  JwtResult result = internal_.Verify(token, now_unix);
  if (!result.Ok() && external_) {
    JwtResult ext = external_->Verify(token, now_unix);
    if (ext.Ok()) {
      result = std::move(ext);
      check.external = true;
    }
  }
  check.error = result.error;
  if (!result.Ok()) return check;
  check.claims = std::move(result.claims);
  std::lock_guard lock(mutex_);
  // A full cache is simply dropped: entries are cheap to rebuild and this bounds memory.
  if (cache_.size() >= kMaxCached) cache_.clear();
  cache_.emplace(token, check);
  return check;
}

}  // namespace tr::auth
