#pragma once
// Everything the REST handlers need, wired once by the composition root (src/app).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/organization_locks.h"
#include "auth/signing_key.h"
#include "common/json.h"
#include "auth/token_verifier.h"
#include "blobs/blob_store.h"
#include "store/store.h"
#include "tenancy/rate_limiter.h"

namespace tr::api {

class Mailer;

struct ApiConfig {
  std::string public_url = "http://localhost:8080";
  std::string issuer = "tradingroom";
  int64_t access_token_ttl = 900;
  int64_t refresh_token_ttl = 30 * 24 * 3600;
  int64_t invitation_ttl = 7 * 24 * 3600;
  std::size_t max_upload_bytes = 25 * 1024 * 1024;
  tenancy::RateLimits rate_limits;
};

struct ApiContext {
  ApiConfig config;
  store::Store* store = nullptr;
  const auth::SigningKey* signing_key = nullptr;
  auth::TokenVerifier* tokens = nullptr;
  tenancy::RateLimiter rate_limiter;
  // Held across "plan limit check + create" (organization_locks.h).
  OrganizationLocks limit_locks;
  blobs::BlobStore* blobs = nullptr;
  // Sends invitation mail when SMTP is configured; may be null.
  std::function<void(const std::string& to, const std::string& subject, const std::string& body)>
      send_mail;
  // Live viewer count of a room, from signaling; 0 when not wired.
  std::function<int(const std::string& room_id)> live_viewers;
  // Tells everyone in a live room about a change (signaling event); may be null.
  std::function<void(const std::string& room_id, const std::string& event, const Json& data)>
      notify_room;
};

}  // namespace tr::api
