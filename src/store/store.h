#pragma once
// The persistence interface of the control plane. Every query on a tenant table takes the
// organization id or a Scope (the caller's memberships), so one tenant's rows are never
// reachable from another's request. Implementations: sqlite/ (embedded default).
//
// Errors: methods throw ApiError for conflicts the caller can act on (409), and
// std::runtime_error for database failures (rendered as 500).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/records.h"

namespace tr::store {

class Store {
 public:
  virtual ~Store() = default;

  // --- health ---------------------------------------------------------------
  virtual int SchemaVersion() = 0;       // highest applied migration
  virtual int LatestSchemaVersion() = 0; // highest known migration
  virtual bool Ping() = 0;

  // --- users (global, not tenant rows) ---------------------------------------
  virtual void CreateUser(const UserRecord& user) = 0;  // 409 email_taken
  virtual std::optional<UserRecord> FindUserById(const std::string& id) = 0;
  virtual std::optional<UserRecord> FindUserByEmail(const std::string& email) = 0;
  // A local shadow of a Supabase user, created on first sight.
  virtual UserRecord FindOrCreateExternalUser(const std::string& subject, const std::string& email,
                                              int64_t now) = 0;
  virtual void SetDefaultOrganization(const std::string& user_id, const std::string& org_id) = 0;

  // --- refresh tokens ----------------------------------------------------------
  virtual void InsertRefreshToken(const RefreshTokenRecord& token) = 0;
  virtual std::optional<RefreshTokenRecord> FindRefreshToken(const std::string& token_hash) = 0;
  // Marks it used if it was not; false when it was already used or revoked (reuse).
  virtual bool ConsumeRefreshToken(const std::string& id, int64_t now) = 0;
  virtual void RevokeRefreshFamily(const std::string& family_id, int64_t now) = 0;

  // --- organizations and members --------------------------------------------------
  // Inserts the organization, its owner membership and its subscription row at once.
  virtual void CreateOrganization(const OrganizationRecord& org, int64_t now) = 0;
  virtual std::optional<OrganizationRecord> FindOrganization(const Scope& scope,
                                                             const std::string& org_id) = 0;
  // The user's organizations with the user's role in each.
  virtual std::vector<std::pair<OrganizationRecord, std::string>> ListOrganizationsForUser(
      const std::string& user_id) = 0;
  virtual void UpdateOrganizationName(const std::string& org_id, const std::string& name,
                                      int64_t now) = 0;
  virtual void SetPlan(const std::string& org_id, const std::string& plan, int64_t now) = 0;

  virtual std::optional<std::string> MemberRole(const std::string& org_id,
                                                const std::string& user_id) = 0;
  virtual std::optional<MemberRecord> FindMember(const std::string& org_id,
                                                 const std::string& user_id) = 0;
  virtual Page<MemberRecord> ListMembers(const std::string& org_id, const std::string& role_filter,
                                         const PageRequest& page) = 0;
  virtual void AddMember(const std::string& org_id, const std::string& user_id,
                         const std::string& role, int64_t now) = 0;  // 409 already_member
  virtual bool UpdateMemberRole(const std::string& org_id, const std::string& user_id,
                                const std::string& role) = 0;
  virtual bool RemoveMember(const std::string& org_id, const std::string& user_id) = 0;
  virtual UsageCounts Usage(const std::string& org_id) = 0;
  virtual std::map<std::string, int64_t> MemberCountsByRole(const std::string& org_id) = 0;

  // --- workspaces ----------------------------------------------------------------
  virtual void CreateWorkspace(const WorkspaceRecord& workspace) = 0;
  virtual std::optional<WorkspaceRecord> FindWorkspace(const Scope& scope,
                                                       const std::string& workspace_id) = 0;
  virtual Page<WorkspaceRecord> ListWorkspaces(const std::string& org_id,
                                               const PageRequest& page) = 0;
  virtual void UpdateWorkspace(const WorkspaceRecord& workspace) = 0;  // by (org, id)
  virtual bool DeleteWorkspace(const std::string& org_id, const std::string& workspace_id) = 0;

  // --- rooms ---------------------------------------------------------------------
  virtual void CreateRoom(const RoomRecord& room) = 0;
  virtual std::optional<RoomRecord> FindRoom(const Scope& scope, const std::string& room_id) = 0;
  struct RoomFilter {
    std::string workspace_id;
    std::string status;
  };
  virtual Page<RoomRecord> ListRooms(const std::string& org_id, const RoomFilter& filter,
                                     const PageRequest& page) = 0;
  virtual void UpdateRoom(const RoomRecord& room) = 0;  // by (org, id)
  virtual bool DeleteRoom(const std::string& org_id, const std::string& room_id) = 0;
  virtual int64_t CountRoomsInWorkspace(const std::string& org_id,
                                        const std::string& workspace_id) = 0;

  // --- invitations ---------------------------------------------------------------
  virtual void CreateInvitation(const InvitationRecord& invitation) = 0;
  // Looked up by the secret token's hash: the token is the capability, so this is the one
  // tenant-row query that is not scoped by organization.
  virtual std::optional<InvitationRecord> FindInvitationByTokenHash(const std::string& hash) = 0;
  virtual Page<InvitationRecord> ListInvitations(const std::string& org_id,
                                                 const PageRequest& page) = 0;
  virtual bool RevokeInvitation(const std::string& org_id, const std::string& invitation_id) = 0;
  // Marks the invitation accepted and adds the member in one transaction; false if it was
  // no longer pending.
  virtual bool AcceptInvitation(const InvitationRecord& invitation, const std::string& user_id,
                                int64_t now) = 0;
  virtual int64_t CountPendingInvitations(const std::string& org_id,
                                          const std::vector<std::string>& roles) = 0;

  // --- API keys ------------------------------------------------------------------
  virtual void CreateApiKey(const ApiKeyRecord& key) = 0;
  // By the key's hash: the key is the credential (like invitations, not org-scoped).
  virtual std::optional<ApiKeyRecord> FindApiKeyByHash(const std::string& hash) = 0;
  virtual Page<ApiKeyRecord> ListApiKeys(const std::string& org_id, const PageRequest& page) = 0;
  virtual bool RevokeApiKey(const std::string& org_id, const std::string& key_id,
                            int64_t now) = 0;
  virtual void TouchApiKey(const std::string& key_id, int64_t now) = 0;

  // --- audit log (append-only) ------------------------------------------------------
  virtual void AppendAudit(const AuditRecord& entry) = 0;
  // Newest first; the cursor continues to older entries.
  virtual Page<AuditRecord> ListAudit(const std::string& org_id, const std::string& action_filter,
                                      const PageRequest& page) = 0;

  // --- files ---------------------------------------------------------------------
  virtual void CreateFile(const FileRecord& file) = 0;
  virtual std::optional<FileRecord> FindFile(const Scope& scope, const std::string& file_id) = 0;
  virtual Page<FileRecord> ListFiles(const std::string& org_id, const std::string& room_id,
                                     const PageRequest& page) = 0;
  virtual bool DeleteFile(const std::string& org_id, const std::string& file_id) = 0;

  // --- subscriptions ---------------------------------------------------------------
  virtual std::optional<SubscriptionRecord> FindSubscription(const std::string& org_id) = 0;
};

}  // namespace tr::store
