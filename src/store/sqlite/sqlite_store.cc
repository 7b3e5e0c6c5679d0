#include "store/sqlite/sqlite_store.h"

#include "common/error.h"
#include "common/random.h"
#include "store/sqlite/migrations.h"

namespace tr::store::sqlite {
namespace {

// The tenant filter every scoped query ends with: the blueprint's tenant_isolation policy
// (organization_id IN the caller's memberships) plus an API key's / token's organization.
constexpr const char* kScopeFilter =
    "(organization_id IN (SELECT organization_id FROM organization_members WHERE user_id = ?1)"
    " OR organization_id = ?2)";

template <typename T, typename ReadRow>
Page<T> ReadPage(Statement& stmt, int limit, ReadRow read) {
  Page<T> page;
  while (stmt.Step()) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next = page.items.back().seq;
      break;
    }
    page.items.push_back(read(stmt));
  }
  return page;
}

constexpr const char* kUserColumns =
    "id, email, display_name, password_hash, external_subject, default_organization_id, "
    "created_at";
UserRecord ReadUser(Statement& s) {
  return {s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Int(6)};
}

constexpr const char* kOrgColumns =
    "id, name, slug, owner_id, plan, stripe_customer_id, created_at, updated_at, rowid";
OrganizationRecord ReadOrg(Statement& s, int o = 0) {
  return {s.Text(o),     s.Text(o + 1), s.Text(o + 2), s.Text(o + 3), s.Text(o + 4),
          s.Text(o + 5), s.Int(o + 6),  s.Int(o + 7),  s.Int(o + 8)};
}

constexpr const char* kWorkspaceColumns =
    "id, organization_id, name, description, created_by, created_at, updated_at, rowid";
WorkspaceRecord ReadWorkspace(Statement& s) {
  return {s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5), s.Int(6), s.Int(7)};
}

constexpr const char* kRoomColumns =
    "id, organization_id, workspace_id, name, description, status, created_by, created_at, "
    "updated_at, rowid";
RoomRecord ReadRoom(Statement& s) {
  return {s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4),
          s.Text(5), s.Text(6), s.Int(7),  s.Int(8),  s.Int(9)};
}

constexpr const char* kInvitationColumns =
    "id, organization_id, email, role, token_hash, status, invited_by, accepted_by, created_at, "
    "expires_at, rowid";
InvitationRecord ReadInvitation(Statement& s) {
  return {s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5),
          s.Text(6), s.Text(7), s.Int(8),  s.Int(9),  s.Int(10)};
}

constexpr const char* kApiKeyColumns =
    "id, organization_id, name, prefix, key_hash, created_by, created_at, last_used_at, "
    "revoked_at, rowid";
ApiKeyRecord ReadApiKey(Statement& s) {
  return {s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4),
          s.Text(5), s.Int(6),  s.Int(7),  s.Int(8),  s.Int(9)};
}

constexpr const char* kFileColumns =
    "id, organization_id, room_id, name, content_type, size_bytes, blob_key, uploaded_by, "
    "created_at, rowid";
FileRecord ReadFile(Statement& s) {
  return {s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4),
          s.Int(5),  s.Text(6), s.Text(7), s.Int(8),  s.Int(9)};
}

MemberRecord ReadMember(Statement& s) {
  return {s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5), s.Int(6)};
}

std::string Sql(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out += p;
  return out;
}

}  // namespace

SqliteStore::SqliteStore(std::filesystem::path path, int pool_size)
    : pool_(std::move(path), pool_size) {}

int SqliteStore::Migrate() {
  auto conn = pool_.Acquire();
  conn->ExecScript(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  int applied = 0;
  for (const Migration& m : AllMigrations()) {
    Transaction tx(*conn);
    bool done;
    {
      auto check = conn->Prepare("SELECT 1 FROM schema_migrations WHERE version = ?1");
      check.Bind(1, m.version);
      done = check.Step();
    }
    if (done) continue;
    conn->ExecScript(std::string(m.sql));
    auto record = conn->Prepare(
        "INSERT INTO schema_migrations(version, name, applied_at) "
        "VALUES (?1, ?2, strftime('%s','now'))");
    record.Bind(1, m.version).Bind(2, m.name).Exec();
    tx.Commit();
    ++applied;
  }
  return applied;
}

void SqliteStore::Close() { pool_.CloseAll(); }

int SqliteStore::SchemaVersion() {
  auto conn = pool_.Acquire();
  auto exists = conn->Prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!exists.Step()) return 0;
  auto s = conn->Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  s.Step();
  return static_cast<int>(s.Int(0));
}

int SqliteStore::LatestSchemaVersion() { return AllMigrations().back().version; }

bool SqliteStore::Ping() {
  try {
    auto conn = pool_.Acquire();
    auto s = conn->Prepare("SELECT 1");
    return s.Step();
  } catch (const std::exception&) {
    return false;
  }
}

// --- users -------------------------------------------------------------------------

void SqliteStore::CreateUser(const UserRecord& u) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "INSERT INTO users(id, email, display_name, password_hash, external_subject, "
      "default_organization_id, created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?7)");
  s.Bind(1, u.id).Bind(2, u.email).Bind(3, u.display_name).BindOptional(4, u.password_hash);
  s.BindOptional(5, u.external_subject).BindOptional(6, u.default_organization_id);
  s.Bind(7, u.created_at);
  try {
    s.Exec();
  } catch (const DatabaseError& e) {
    if (e.IsConstraint()) {
      throw ApiError::Conflict("email_taken", "an account with this email already exists");
    }
    throw;
  }
}

std::optional<UserRecord> SqliteStore::FindUserById(const std::string& id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(Sql({"SELECT ", kUserColumns, " FROM users WHERE id = ?1"}));
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  return ReadUser(s);
}

std::optional<UserRecord> SqliteStore::FindUserByEmail(const std::string& email) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(Sql({"SELECT ", kUserColumns, " FROM users WHERE email = ?1"}));
  s.Bind(1, email);
  if (!s.Step()) return std::nullopt;
  return ReadUser(s);
}

UserRecord SqliteStore::FindOrCreateExternalUser(const std::string& subject,
                                                 const std::string& email, int64_t now) {
  auto conn = pool_.Acquire();
  {
    auto s = conn->Prepare(
        Sql({"SELECT ", kUserColumns, " FROM users WHERE external_subject = ?1"}));
    s.Bind(1, subject);
    if (s.Step()) return ReadUser(s);
  }
  UserRecord user{NewId("usr"), email, email.substr(0, email.find('@')), "", subject, "", now};
  auto s = conn->Prepare(
      "INSERT INTO users(id, email, display_name, external_subject, created_at, updated_at) "
      "VALUES (?1,?2,?3,?4,?5,?5) ON CONFLICT(email) DO UPDATE SET external_subject = ?4 "
      "WHERE users.external_subject IS NULL");
  s.Bind(1, user.id).Bind(2, email).Bind(3, user.display_name).Bind(4, subject).Bind(5, now);
  s.Exec();
  auto again =
      conn->Prepare(Sql({"SELECT ", kUserColumns, " FROM users WHERE external_subject = ?1"}));
  again.Bind(1, subject);
  if (!again.Step()) {
    throw ApiError::Conflict("email_taken", "the token's email belongs to another account");
  }
  return ReadUser(again);
}

void SqliteStore::SetDefaultOrganization(const std::string& user_id, const std::string& org_id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare("UPDATE users SET default_organization_id = ?2 WHERE id = ?1");
  s.Bind(1, user_id).BindOptional(2, org_id).Exec();
}

// --- refresh tokens -------------------------------------------------------------------

void SqliteStore::InsertRefreshToken(const RefreshTokenRecord& t) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "INSERT INTO refresh_tokens(id, user_id, family_id, token_hash, organization_id, "
      "created_at, expires_at) VALUES (?1,?2,?3,?4,?5,?6,?7)");
  s.Bind(1, t.id).Bind(2, t.user_id).Bind(3, t.family_id).Bind(4, t.token_hash);
  s.BindOptional(5, t.organization_id).Bind(6, t.created_at).Bind(7, t.expires_at).Exec();
}

std::optional<RefreshTokenRecord> SqliteStore::FindRefreshToken(const std::string& token_hash) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "SELECT id, user_id, family_id, token_hash, organization_id, created_at, expires_at, "
      "COALESCE(used_at, 0), COALESCE(revoked_at, 0) FROM refresh_tokens WHERE token_hash = ?1");
  s.Bind(1, token_hash);
  if (!s.Step()) return std::nullopt;
  return RefreshTokenRecord{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4),
                            s.Int(5),  s.Int(6),  s.Int(7),  s.Int(8)};
}

bool SqliteStore::ConsumeRefreshToken(const std::string& id, int64_t now) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "UPDATE refresh_tokens SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL AND "
      "revoked_at IS NULL");
  return s.Bind(1, id).Bind(2, now).Exec() == 1;
}

void SqliteStore::RevokeRefreshFamily(const std::string& family_id, int64_t now) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "UPDATE refresh_tokens SET revoked_at = ?2 WHERE family_id = ?1 AND revoked_at IS NULL");
  s.Bind(1, family_id).Bind(2, now).Exec();
}

// --- organizations ----------------------------------------------------------------------

void SqliteStore::CreateOrganization(const OrganizationRecord& org, int64_t now) {
  auto conn = pool_.Acquire();
  Transaction tx(*conn);
  {
    auto s = conn->Prepare(
        "INSERT INTO organizations(id, name, slug, owner_id, plan, stripe_customer_id, "
        "created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?7)");
    s.Bind(1, org.id).Bind(2, org.name).Bind(3, org.slug).Bind(4, org.owner_id);
    s.Bind(5, org.plan).BindOptional(6, org.stripe_customer_id).Bind(7, now);
    try {
      s.Exec();
    } catch (const DatabaseError& e) {
      if (e.IsConstraint()) throw ApiError::Conflict("conflict", "organization slug is taken");
      throw;
    }
  }
  {
    auto s = conn->Prepare(
        "INSERT INTO organization_members(organization_id, user_id, role, created_at) "
        "VALUES (?1, ?2, 'owner', ?3)");
    s.Bind(1, org.id).Bind(2, org.owner_id).Bind(3, now).Exec();
  }
  {
    auto s = conn->Prepare(
        "INSERT INTO subscriptions(id, organization_id, plan, status, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, 'active', ?4, ?4)");
    s.Bind(1, NewId("sub")).Bind(2, org.id).Bind(3, org.plan).Bind(4, now).Exec();
  }
  tx.Commit();
}

std::optional<OrganizationRecord> SqliteStore::FindOrganization(const Scope& scope,
                                                                const std::string& org_id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(Sql({"SELECT ", kOrgColumns, " FROM organizations WHERE id = ?3 AND ",
                              "(id IN (SELECT organization_id FROM organization_members WHERE "
                              "user_id = ?1) OR id = ?2)"}));
  s.Bind(1, scope.user_id).Bind(2, scope.extra_organization_id).Bind(3, org_id);
  if (!s.Step()) return std::nullopt;
  return ReadOrg(s);
}

std::vector<std::pair<OrganizationRecord, std::string>> SqliteStore::ListOrganizationsForUser(
    const std::string& user_id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "SELECT o.id, o.name, o.slug, o.owner_id, o.plan, o.stripe_customer_id, o.created_at, "
      "o.updated_at, o.rowid, m.role FROM organizations o JOIN organization_members m ON "
      "m.organization_id = o.id WHERE m.user_id = ?1 ORDER BY m.created_at, o.rowid");
  s.Bind(1, user_id);
  std::vector<std::pair<OrganizationRecord, std::string>> out;
  while (s.Step()) out.emplace_back(ReadOrg(s), s.Text(9));
  return out;
}

void SqliteStore::UpdateOrganizationName(const std::string& org_id, const std::string& name,
                                         int64_t now) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare("UPDATE organizations SET name = ?2, updated_at = ?3 WHERE id = ?1");
  s.Bind(1, org_id).Bind(2, name).Bind(3, now).Exec();
}

void SqliteStore::SetPlan(const std::string& org_id, const std::string& plan, int64_t now) {
  auto conn = pool_.Acquire();
  Transaction tx(*conn);
  {
    auto s = conn->Prepare("UPDATE organizations SET plan = ?2, updated_at = ?3 WHERE id = ?1");
    s.Bind(1, org_id).Bind(2, plan).Bind(3, now).Exec();
  }
  {
    auto s = conn->Prepare(
        "UPDATE subscriptions SET plan = ?2, updated_at = ?3 WHERE organization_id = ?1");
    s.Bind(1, org_id).Bind(2, plan).Bind(3, now).Exec();
  }
  tx.Commit();
}

// --- members ---------------------------------------------------------------------------

std::optional<std::string> SqliteStore::MemberRole(const std::string& org_id,
                                                   const std::string& user_id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "SELECT role FROM organization_members WHERE organization_id = ?1 AND user_id = ?2");
  s.Bind(1, org_id).Bind(2, user_id);
  if (!s.Step()) return std::nullopt;
  return s.Text(0);
}

constexpr const char* kMemberSelect =
    "SELECT m.organization_id, m.user_id, u.email, u.display_name, m.role, m.created_at, m.rowid "
    "FROM organization_members m JOIN users u ON u.id = m.user_id ";

std::optional<MemberRecord> SqliteStore::FindMember(const std::string& org_id,
                                                    const std::string& user_id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      Sql({kMemberSelect, "WHERE m.organization_id = ?1 AND m.user_id = ?2"}));
  s.Bind(1, org_id).Bind(2, user_id);
  if (!s.Step()) return std::nullopt;
  return ReadMember(s);
}

Page<MemberRecord> SqliteStore::ListMembers(const std::string& org_id,
                                            const std::string& role_filter,
                                            const PageRequest& page) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(Sql({kMemberSelect,
                              "WHERE m.organization_id = ?1 AND (?2 = '' OR m.role = ?2) AND "
                              "m.rowid > ?3 ORDER BY m.rowid LIMIT ?4"}));
  s.Bind(1, org_id).Bind(2, role_filter).Bind(3, page.after).Bind(4, page.limit + 1);
  return ReadPage<MemberRecord>(s, page.limit, ReadMember);
}

void SqliteStore::AddMember(const std::string& org_id, const std::string& user_id,
                            const std::string& role, int64_t now) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "INSERT INTO organization_members(organization_id, user_id, role, created_at) "
      "VALUES (?1,?2,?3,?4)");
  s.Bind(1, org_id).Bind(2, user_id).Bind(3, role).Bind(4, now);
  try {
    s.Exec();
  } catch (const DatabaseError& e) {
    if (e.IsConstraint()) {
      throw ApiError::Conflict("already_member", "the user is already a member");
    }
    throw;
  }
}

bool SqliteStore::UpdateMemberRole(const std::string& org_id, const std::string& user_id,
                                   const std::string& role) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "UPDATE organization_members SET role = ?3 WHERE organization_id = ?1 AND user_id = ?2");
  return s.Bind(1, org_id).Bind(2, user_id).Bind(3, role).Exec() == 1;
}

bool SqliteStore::RemoveMember(const std::string& org_id, const std::string& user_id) {
  auto conn = pool_.Acquire();
  Transaction tx(*conn);
  bool removed;
  {
    auto s = conn->Prepare(
        "DELETE FROM organization_members WHERE organization_id = ?1 AND user_id = ?2");
    removed = s.Bind(1, org_id).Bind(2, user_id).Exec() == 1;
  }
  {
    auto s = conn->Prepare(
        "DELETE FROM workspace_members WHERE organization_id = ?1 AND user_id = ?2");
    s.Bind(1, org_id).Bind(2, user_id).Exec();
  }
  tx.Commit();
  return removed;
}

UsageCounts SqliteStore::Usage(const std::string& org_id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "SELECT (SELECT COUNT(*) FROM workspaces WHERE organization_id = ?1),"
      " (SELECT COUNT(*) FROM rooms WHERE organization_id = ?1 AND status != 'closed'),"
      " (SELECT COUNT(*) FROM organization_members WHERE organization_id = ?1 AND role IN "
      "('host','co-host')),"
      " (SELECT COUNT(*) FROM organization_members WHERE organization_id = ?1),"
      " (SELECT COALESCE(SUM(size_bytes), 0) FROM files WHERE organization_id = ?1)");
  s.Bind(1, org_id);
  s.Step();
  return {s.Int(0), s.Int(1), s.Int(2), s.Int(3), s.Int(4)};
}

std::map<std::string, int64_t> SqliteStore::MemberCountsByRole(const std::string& org_id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "SELECT role, COUNT(*) FROM organization_members WHERE organization_id = ?1 GROUP BY role");
  s.Bind(1, org_id);
  std::map<std::string, int64_t> out;
  while (s.Step()) out[s.Text(0)] = s.Int(1);
  return out;
}

// --- workspaces -------------------------------------------------------------------------

void SqliteStore::CreateWorkspace(const WorkspaceRecord& w) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "INSERT INTO workspaces(id, organization_id, name, description, created_by, created_at, "
      "updated_at) VALUES (?1,?2,?3,?4,?5,?6,?6)");
  s.Bind(1, w.id).Bind(2, w.organization_id).Bind(3, w.name).Bind(4, w.description);
  s.BindOptional(5, w.created_by).Bind(6, w.created_at).Exec();
}

std::optional<WorkspaceRecord> SqliteStore::FindWorkspace(const Scope& scope,
                                                          const std::string& workspace_id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      Sql({"SELECT ", kWorkspaceColumns, " FROM workspaces WHERE id = ?3 AND ", kScopeFilter}));
  s.Bind(1, scope.user_id).Bind(2, scope.extra_organization_id).Bind(3, workspace_id);
  if (!s.Step()) return std::nullopt;
  return ReadWorkspace(s);
}

Page<WorkspaceRecord> SqliteStore::ListWorkspaces(const std::string& org_id,
                                                  const PageRequest& page) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(Sql({"SELECT ", kWorkspaceColumns,
                              " FROM workspaces WHERE organization_id = ?1 AND rowid > ?2 "
                              "ORDER BY rowid LIMIT ?3"}));
  s.Bind(1, org_id).Bind(2, page.after).Bind(3, page.limit + 1);
  return ReadPage<WorkspaceRecord>(s, page.limit, ReadWorkspace);
}

void SqliteStore::UpdateWorkspace(const WorkspaceRecord& w) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "UPDATE workspaces SET name = ?3, description = ?4, updated_at = ?5 "
      "WHERE organization_id = ?1 AND id = ?2");
  s.Bind(1, w.organization_id).Bind(2, w.id).Bind(3, w.name).Bind(4, w.description);
  s.Bind(5, w.updated_at).Exec();
}

bool SqliteStore::DeleteWorkspace(const std::string& org_id, const std::string& workspace_id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare("DELETE FROM workspaces WHERE organization_id = ?1 AND id = ?2");
  return s.Bind(1, org_id).Bind(2, workspace_id).Exec() == 1;
}

// --- rooms -----------------------------------------------------------------------------

void SqliteStore::CreateRoom(const RoomRecord& r) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "INSERT INTO rooms(id, organization_id, workspace_id, name, description, status, "
      "created_by, created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?8)");
  s.Bind(1, r.id).Bind(2, r.organization_id).Bind(3, r.workspace_id).Bind(4, r.name);
  s.Bind(5, r.description).Bind(6, r.status).BindOptional(7, r.created_by).Bind(8, r.created_at);
  s.Exec();
}

std::optional<RoomRecord> SqliteStore::FindRoom(const Scope& scope, const std::string& room_id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      Sql({"SELECT ", kRoomColumns, " FROM rooms WHERE id = ?3 AND ", kScopeFilter}));
  s.Bind(1, scope.user_id).Bind(2, scope.extra_organization_id).Bind(3, room_id);
  if (!s.Step()) return std::nullopt;
  return ReadRoom(s);
}

Page<RoomRecord> SqliteStore::ListRooms(const std::string& org_id, const RoomFilter& filter,
                                        const PageRequest& page) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(Sql({"SELECT ", kRoomColumns,
                              " FROM rooms WHERE organization_id = ?1 AND (?2 = '' OR "
                              "workspace_id = ?2) AND (?3 = '' OR status = ?3) AND rowid > ?4 "
                              "ORDER BY rowid LIMIT ?5"}));
  s.Bind(1, org_id).Bind(2, filter.workspace_id).Bind(3, filter.status);
  s.Bind(4, page.after).Bind(5, page.limit + 1);
  return ReadPage<RoomRecord>(s, page.limit, ReadRoom);
}

void SqliteStore::UpdateRoom(const RoomRecord& r) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "UPDATE rooms SET name = ?3, description = ?4, status = ?5, updated_at = ?6 "
      "WHERE organization_id = ?1 AND id = ?2");
  s.Bind(1, r.organization_id).Bind(2, r.id).Bind(3, r.name).Bind(4, r.description);
  s.Bind(5, r.status).Bind(6, r.updated_at).Exec();
}

bool SqliteStore::DeleteRoom(const std::string& org_id, const std::string& room_id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare("DELETE FROM rooms WHERE organization_id = ?1 AND id = ?2");
  return s.Bind(1, org_id).Bind(2, room_id).Exec() == 1;
}

int64_t SqliteStore::CountRoomsInWorkspace(const std::string& org_id,
                                           const std::string& workspace_id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "SELECT COUNT(*) FROM rooms WHERE organization_id = ?1 AND workspace_id = ?2");
  s.Bind(1, org_id).Bind(2, workspace_id);
  s.Step();
  return s.Int(0);
}

// --- invitations -------------------------------------------------------------------------

void SqliteStore::CreateInvitation(const InvitationRecord& i) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "INSERT INTO invitations(id, organization_id, email, role, token_hash, status, "
      "invited_by, created_at, expires_at) VALUES (?1,?2,?3,?4,?5,'pending',?6,?7,?8)");
  s.Bind(1, i.id).Bind(2, i.organization_id).Bind(3, i.email).Bind(4, i.role);
  s.Bind(5, i.token_hash).BindOptional(6, i.invited_by).Bind(7, i.created_at);
  s.Bind(8, i.expires_at).Exec();
}

std::optional<InvitationRecord> SqliteStore::FindInvitationByTokenHash(const std::string& hash) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      Sql({"SELECT ", kInvitationColumns, " FROM invitations WHERE token_hash = ?1"}));
  s.Bind(1, hash);
  if (!s.Step()) return std::nullopt;
  return ReadInvitation(s);
}

Page<InvitationRecord> SqliteStore::ListInvitations(const std::string& org_id,
                                                    const PageRequest& page) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(Sql({"SELECT ", kInvitationColumns,
                              " FROM invitations WHERE organization_id = ?1 AND rowid > ?2 "
                              "ORDER BY rowid LIMIT ?3"}));
  s.Bind(1, org_id).Bind(2, page.after).Bind(3, page.limit + 1);
  return ReadPage<InvitationRecord>(s, page.limit, ReadInvitation);
}

bool SqliteStore::RevokeInvitation(const std::string& org_id, const std::string& invitation_id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "UPDATE invitations SET status = 'revoked' WHERE organization_id = ?1 AND id = ?2 AND "
      "status = 'pending'");
  return s.Bind(1, org_id).Bind(2, invitation_id).Exec() == 1;
}

bool SqliteStore::AcceptInvitation(const InvitationRecord& invitation, const std::string& user_id,
                                   int64_t now) {
  auto conn = pool_.Acquire();
  Transaction tx(*conn);
  {
    auto s = conn->Prepare(
        "UPDATE invitations SET status = 'accepted', accepted_by = ?3 WHERE organization_id = ?1 "
        "AND id = ?2 AND status = 'pending'");
    if (s.Bind(1, invitation.organization_id).Bind(2, invitation.id).Bind(3, user_id).Exec() != 1) {
      return false;
    }
  }
  {
    auto s = conn->Prepare(
        "INSERT INTO organization_members(organization_id, user_id, role, created_at) "
        "VALUES (?1,?2,?3,?4)");
    s.Bind(1, invitation.organization_id).Bind(2, user_id).Bind(3, invitation.role).Bind(4, now);
    try {
      s.Exec();
    } catch (const DatabaseError& e) {
      if (e.IsConstraint()) {
        throw ApiError::Conflict("already_member", "the user is already a member");
      }
      throw;
    }
  }
  {
    auto s = conn->Prepare("UPDATE users SET default_organization_id = ?2 WHERE id = ?1");
    s.Bind(1, user_id).Bind(2, invitation.organization_id).Exec();
  }
  tx.Commit();
  return true;
}

int64_t SqliteStore::CountPendingInvitations(const std::string& org_id,
                                             const std::vector<std::string>& roles) {
  auto conn = pool_.Acquire();
  int64_t total = 0;
  for (const auto& role : roles) {
    auto s = conn->Prepare(
        "SELECT COUNT(*) FROM invitations WHERE organization_id = ?1 AND role = ?2 AND "
        "status = 'pending' AND expires_at > strftime('%s','now')");
    s.Bind(1, org_id).Bind(2, role);
    s.Step();
    total += s.Int(0);
  }
  return total;
}

// --- API keys ---------------------------------------------------------------------------

void SqliteStore::CreateApiKey(const ApiKeyRecord& k) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "INSERT INTO api_keys(id, organization_id, name, prefix, key_hash, created_by, created_at) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7)");
  s.Bind(1, k.id).Bind(2, k.organization_id).Bind(3, k.name).Bind(4, k.prefix);
  s.Bind(5, k.key_hash).BindOptional(6, k.created_by).Bind(7, k.created_at).Exec();
}

std::optional<ApiKeyRecord> SqliteStore::FindApiKeyByHash(const std::string& hash) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(Sql({"SELECT ", kApiKeyColumns, " FROM api_keys WHERE key_hash = ?1"}));
  s.Bind(1, hash);
  if (!s.Step()) return std::nullopt;
  return ReadApiKey(s);
}

Page<ApiKeyRecord> SqliteStore::ListApiKeys(const std::string& org_id, const PageRequest& page) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(Sql({"SELECT ", kApiKeyColumns,
                              " FROM api_keys WHERE organization_id = ?1 AND rowid > ?2 "
                              "ORDER BY rowid LIMIT ?3"}));
  s.Bind(1, org_id).Bind(2, page.after).Bind(3, page.limit + 1);
  return ReadPage<ApiKeyRecord>(s, page.limit, ReadApiKey);
}

bool SqliteStore::RevokeApiKey(const std::string& org_id, const std::string& key_id,
                               int64_t now) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "UPDATE api_keys SET revoked_at = ?3 WHERE organization_id = ?1 AND id = ?2 AND "
      "revoked_at IS NULL");
  return s.Bind(1, org_id).Bind(2, key_id).Bind(3, now).Exec() == 1;
}

void SqliteStore::TouchApiKey(const std::string& key_id, int64_t now) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare("UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1");
  s.Bind(1, key_id).Bind(2, now).Exec();
}

// --- audit log ---------------------------------------------------------------------------

void SqliteStore::AppendAudit(const AuditRecord& e) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "INSERT INTO audit_log(organization_id, actor_id, actor_email, action, target_type, "
      "target_id, details, ip, user_agent, request_id, created_at) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)");
  s.Bind(1, e.organization_id).BindOptional(2, e.actor_id).BindOptional(3, e.actor_email);
  s.Bind(4, e.action).Bind(5, e.target_type).BindOptional(6, e.target_id);
  s.Bind(7, e.details_json).BindOptional(8, e.ip).BindOptional(9, e.user_agent);
  s.BindOptional(10, e.request_id).Bind(11, e.created_at).Exec();
}

Page<AuditRecord> SqliteStore::ListAudit(const std::string& org_id,
                                         const std::string& action_filter,
                                         const PageRequest& page) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "SELECT id, organization_id, actor_id, actor_email, action, target_type, target_id, "
      "details, ip, user_agent, request_id, created_at FROM audit_log WHERE organization_id = ?1 "
      "AND (?2 = '' OR action = ?2) AND (?3 = 0 OR id < ?3) ORDER BY id DESC LIMIT ?4");
  s.Bind(1, org_id).Bind(2, action_filter).Bind(3, page.after).Bind(4, page.limit + 1);
  Page<AuditRecord> out;
  while (s.Step()) {
    if (static_cast<int>(out.items.size()) == page.limit) {
      out.next = out.items.back().id;
      break;
    }
    out.items.push_back({s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5),
                         s.Text(6), s.Text(7), s.Text(8), s.Text(9), s.Text(10), s.Int(11)});
  }
  return out;
}

// --- files ---------------------------------------------------------------------------

void SqliteStore::CreateFile(const FileRecord& f) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "INSERT INTO files(id, organization_id, room_id, name, content_type, size_bytes, blob_key, "
      "uploaded_by, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
  s.Bind(1, f.id).Bind(2, f.organization_id).Bind(3, f.room_id).Bind(4, f.name);
  s.Bind(5, f.content_type).Bind(6, f.size_bytes).Bind(7, f.blob_key);
  s.BindOptional(8, f.uploaded_by).Bind(9, f.created_at).Exec();
}

std::optional<FileRecord> SqliteStore::FindFile(const Scope& scope, const std::string& file_id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      Sql({"SELECT ", kFileColumns, " FROM files WHERE id = ?3 AND ", kScopeFilter}));
  s.Bind(1, scope.user_id).Bind(2, scope.extra_organization_id).Bind(3, file_id);
  if (!s.Step()) return std::nullopt;
  return ReadFile(s);
}

Page<FileRecord> SqliteStore::ListFiles(const std::string& org_id, const std::string& room_id,
                                        const PageRequest& page) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(Sql({"SELECT ", kFileColumns,
                              " FROM files WHERE organization_id = ?1 AND room_id = ?2 AND "
                              "rowid > ?3 ORDER BY rowid LIMIT ?4"}));
  s.Bind(1, org_id).Bind(2, room_id).Bind(3, page.after).Bind(4, page.limit + 1);
  return ReadPage<FileRecord>(s, page.limit, ReadFile);
}

bool SqliteStore::DeleteFile(const std::string& org_id, const std::string& file_id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare("DELETE FROM files WHERE organization_id = ?1 AND id = ?2");
  return s.Bind(1, org_id).Bind(2, file_id).Exec() == 1;
}

std::optional<SubscriptionRecord> SqliteStore::FindSubscription(const std::string& org_id) {
  auto conn = pool_.Acquire();
  auto s = conn->Prepare(
      "SELECT id, organization_id, plan, status, stripe_subscription_id, "
      "COALESCE(current_period_end, 0), created_at, updated_at FROM subscriptions "
      "WHERE organization_id = ?1");
  s.Bind(1, org_id);
  if (!s.Step()) return std::nullopt;
  return SubscriptionRecord{s.Text(0), s.Text(1), s.Text(2), s.Text(3),
                            s.Text(4), s.Int(5),  s.Int(6),  s.Int(7)};
}

}  // namespace tr::store::sqlite
