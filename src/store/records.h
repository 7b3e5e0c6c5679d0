#pragma once
// Rows as the store returns them. Times are unix seconds. `seq` is the row's insertion
// order (SQLite rowid), used as the pagination cursor.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tr::store {

struct UserRecord {
  std::string id;
  std::string email;
  std::string display_name;
  std::string password_hash;     // empty for users that only sign in through Supabase
  std::string external_subject;  // Supabase `sub`, empty for local users
  std::string default_organization_id;
  int64_t created_at = 0;
};

struct OrganizationRecord {
  std::string id;
  std::string name;
  std::string slug;
  std::string owner_id;
  std::string plan;  // starter | professional | business | enterprise
  std::string stripe_customer_id;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t seq = 0;
};

struct MemberRecord {
  std::string organization_id;
  std::string user_id;
  std::string email;
  std::string display_name;
  std::string role;
  int64_t joined_at = 0;
  int64_t seq = 0;
};

struct WorkspaceRecord {
  std::string id;
  std::string organization_id;
  std::string name;
  std::string description;
  std::string created_by;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t seq = 0;
};

struct RoomRecord {
  std::string id;
  std::string organization_id;
  std::string workspace_id;
  std::string name;
  std::string description;
  std::string status;  // idle | live | closed
  std::string created_by;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t seq = 0;
};

struct InvitationRecord {
  std::string id;
  std::string organization_id;
  std::string email;
  std::string role;
  std::string token_hash;
  std::string status;  // pending | accepted | revoked
  std::string invited_by;
  std::string accepted_by;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t seq = 0;
};

struct RefreshTokenRecord {
  std::string id;
  std::string user_id;
  std::string family_id;
  std::string token_hash;
  std::string organization_id;  // the organization named in tokens minted from it
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t used_at = 0;
  int64_t revoked_at = 0;
};

struct ApiKeyRecord {
  std::string id;
  std::string organization_id;
  std::string name;
  std::string prefix;
  std::string key_hash;
  std::string created_by;
  int64_t created_at = 0;
  int64_t last_used_at = 0;
  int64_t revoked_at = 0;
  int64_t seq = 0;
};

struct AuditRecord {
  int64_t id = 0;
  std::string organization_id;
  std::string actor_id;
  std::string actor_email;
  std::string action;       // e.g. "member.role_changed"
  std::string target_type;  // member | room | workspace | plan | api_key | invitation | ...
  std::string target_id;
  std::string details_json = "{}";
  std::string ip;
  std::string user_agent;
  std::string request_id;
  int64_t created_at = 0;
};

struct FileRecord {
  std::string id;
  std::string organization_id;
  std::string room_id;
  std::string name;
  std::string content_type;
  int64_t size_bytes = 0;
  std::string blob_key;
  std::string uploaded_by;
  int64_t created_at = 0;
  int64_t seq = 0;
};

struct SubscriptionRecord {
  std::string id;
  std::string organization_id;
  std::string plan;
  std::string status;  // active | past_due | canceled
  std::string stripe_subscription_id;
  int64_t current_period_end = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// Cursor pagination: rows with seq > after, at most `limit` (the store fetches one more to
// know whether a next page exists).
struct PageRequest {
  int limit = 20;
  int64_t after = 0;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<int64_t> next;  // seq to pass as `after` for the next page
};

// Who is asking: tenant tables are visible only for organizations the user is a member of,
// plus `extra_organization_id` (an API key's organization, or the organization named by an
// external Supabase token). This is the store's form of the blueprint's RLS policy.
struct Scope {
  std::string user_id;
  std::string extra_organization_id;
};

struct UsageCounts {
  int64_t workspaces = 0;
  int64_t rooms = 0;
  int64_t hosts = 0;
  int64_t members = 0;
  int64_t storage_bytes = 0;
};

}  // namespace tr::store
