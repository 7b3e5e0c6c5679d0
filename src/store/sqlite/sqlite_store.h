#pragma once
// The embedded SQLite implementation of Store (WAL, foreign keys, one pooled connection
// per concurrent caller).
#include <filesystem>

#include "store/sqlite/database.h"
#include "store/store.h"

namespace tr::store::sqlite {

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) `path`. Migrations run only through Migrate().
  SqliteStore(std::filesystem::path path, int pool_size);
  // Applies pending migrations; returns how many ran.
  int Migrate();
  void Close();

  int SchemaVersion() override;
  int LatestSchemaVersion() override;
  bool Ping() override;

  void CreateUser(const UserRecord& user) override;
  std::optional<UserRecord> FindUserById(const std::string& id) override;
  std::optional<UserRecord> FindUserByEmail(const std::string& email) override;
  UserRecord FindOrCreateExternalUser(const std::string& subject, const std::string& email,
                                      int64_t now) override;
  void SetDefaultOrganization(const std::string& user_id, const std::string& org_id) override;

  void InsertRefreshToken(const RefreshTokenRecord& token) override;
  std::optional<RefreshTokenRecord> FindRefreshToken(const std::string& token_hash) override;
  bool ConsumeRefreshToken(const std::string& id, int64_t now) override;
  void RevokeRefreshFamily(const std::string& family_id, int64_t now) override;

  void CreateOrganization(const OrganizationRecord& org, int64_t now) override;
  std::optional<OrganizationRecord> FindOrganization(const Scope& scope,
                                                     const std::string& org_id) override;
  std::vector<std::pair<OrganizationRecord, std::string>> ListOrganizationsForUser(
      const std::string& user_id) override;
  void UpdateOrganizationName(const std::string& org_id, const std::string& name,
                              int64_t now) override;
  void SetPlan(const std::string& org_id, const std::string& plan, int64_t now) override;

  std::optional<std::string> MemberRole(const std::string& org_id,
                                        const std::string& user_id) override;
  std::optional<MemberRecord> FindMember(const std::string& org_id,
                                         const std::string& user_id) override;
  Page<MemberRecord> ListMembers(const std::string& org_id, const std::string& role_filter,
                                 const PageRequest& page) override;
  void AddMember(const std::string& org_id, const std::string& user_id, const std::string& role,
                 int64_t now) override;
  bool UpdateMemberRole(const std::string& org_id, const std::string& user_id,
                        const std::string& role) override;
  bool RemoveMember(const std::string& org_id, const std::string& user_id) override;
  UsageCounts Usage(const std::string& org_id) override;
  std::map<std::string, int64_t> MemberCountsByRole(const std::string& org_id) override;

  void CreateWorkspace(const WorkspaceRecord& workspace) override;
  std::optional<WorkspaceRecord> FindWorkspace(const Scope& scope,
                                               const std::string& workspace_id) override;
  Page<WorkspaceRecord> ListWorkspaces(const std::string& org_id, const PageRequest& page) override;
  void UpdateWorkspace(const WorkspaceRecord& workspace) override;
  bool DeleteWorkspace(const std::string& org_id, const std::string& workspace_id) override;

  void CreateRoom(const RoomRecord& room) override;
  std::optional<RoomRecord> FindRoom(const Scope& scope, const std::string& room_id) override;
  Page<RoomRecord> ListRooms(const std::string& org_id, const RoomFilter& filter,
                             const PageRequest& page) override;
  void UpdateRoom(const RoomRecord& room) override;
  bool DeleteRoom(const std::string& org_id, const std::string& room_id) override;
  int64_t CountRoomsInWorkspace(const std::string& org_id,
                                const std::string& workspace_id) override;

  void CreateInvitation(const InvitationRecord& invitation) override;
  std::optional<InvitationRecord> FindInvitationByTokenHash(const std::string& hash) override;
  Page<InvitationRecord> ListInvitations(const std::string& org_id,
                                         const PageRequest& page) override;
  bool RevokeInvitation(const std::string& org_id, const std::string& invitation_id) override;
  bool AcceptInvitation(const InvitationRecord& invitation, const std::string& user_id,
                        int64_t now) override;
  int64_t CountPendingInvitations(const std::string& org_id,
                                  const std::vector<std::string>& roles) override;

  void CreateApiKey(const ApiKeyRecord& key) override;
  std::optional<ApiKeyRecord> FindApiKeyByHash(const std::string& hash) override;
  Page<ApiKeyRecord> ListApiKeys(const std::string& org_id, const PageRequest& page) override;
  bool RevokeApiKey(const std::string& org_id, const std::string& key_id, int64_t now) override;
  void TouchApiKey(const std::string& key_id, int64_t now) override;

  void AppendAudit(const AuditRecord& entry) override;
  Page<AuditRecord> ListAudit(const std::string& org_id, const std::string& action_filter,
                              const PageRequest& page) override;

  void CreateFile(const FileRecord& file) override;
  std::optional<FileRecord> FindFile(const Scope& scope, const std::string& file_id) override;
  Page<FileRecord> ListFiles(const std::string& org_id, const std::string& room_id,
                             const PageRequest& page) override;
  bool DeleteFile(const std::string& org_id, const std::string& file_id) override;

  std::optional<SubscriptionRecord> FindSubscription(const std::string& org_id) override;

 private:
  ConnectionPool pool_;
};

}  // namespace tr::store::sqlite
