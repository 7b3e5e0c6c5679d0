/**
 * Types of the REST API (`/api/v1`), mirroring `docs/api/openapi.yaml` components/schemas.
 * `apiTypes.contract.test.ts` checks every type below against the YAML (property names and
 * which of them are required), so a change on either side fails a test.
 */

export type Role = 'owner' | 'admin' | 'host' | 'co-host' | 'moderator' | 'viewer';
export type InvitableRole = Exclude<Role, 'owner'>;
export type PlanId = 'starter' | 'professional' | 'business' | 'enterprise';
export type RoomStatus = 'idle' | 'live' | 'closed';
export type Timestamp = string;

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> | null };
}

export interface ListEnvelope<T> {
  items: T[];
  nextCursor: string | null;
}

export interface User {
  id: string;
  email: string;
  displayName: string;
  createdAt: Timestamp;
}

export interface SignupRequest {
  email: string;
  password: string;
  displayName: string;
}
export interface LoginRequest {
  email: string;
  password: string;
}
export interface RefreshRequest {
  refreshToken: string;
  organizationId?: string;
}
export interface LogoutRequest {
  refreshToken: string;
}

export interface AuthResult {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
  user: User;
}

export interface Organization {
  id: string;
  name: string;
  slug: string;
  plan: PlanId;
  ownerId: string;
  stripeCustomerId?: string | null;
  createdAt: Timestamp;
  /** The caller's role in this organization. */
  role: Role;
}

export interface Me {
  user: User;
  organizations: Organization[];
}

export interface CreateOrganizationRequest {
  name: string;
}
export interface UpdateOrganizationRequest {
  name?: string;
}

export interface Workspace {
  id: string;
  organizationId: string;
  name: string;
  description: string | null;
  createdAt: Timestamp;
}
export interface CreateWorkspaceRequest {
  name: string;
  description?: string;
}
export interface UpdateWorkspaceRequest {
  name?: string;
  description?: string;
}

export interface Room {
  id: string;
  organizationId: string;
  workspaceId: string;
  name: string;
  description: string | null;
  status: RoomStatus;
  createdBy: string;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  viewerCount: number;
}
export interface CreateRoomRequest {
  name: string;
  description?: string;
}
export interface UpdateRoomRequest {
  name?: string;
  description?: string;
  status?: RoomStatus;
}

export interface Member {
  userId: string;
  organizationId: string;
  email: string;
  displayName: string;
  role: Role;
  joinedAt: Timestamp;
}
export interface UpdateMemberRequest {
  role: InvitableRole;
}

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';
export interface Invitation {
  id: string;
  organizationId: string;
  email: string;
  role: InvitableRole;
  status: InvitationStatus;
  invitedBy: string;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  /** Only in the creation response. */
  token?: string;
  /** Only in the creation response: `<public-url>/invite/<token>`. */
  acceptUrl?: string;
}
export interface InvitationPreview {
  organizationName: string;
  email: string;
  role: InvitableRole;
  status: InvitationStatus;
  expiresAt: Timestamp;
}
export interface CreateInvitationRequest {
  email: string;
  role: InvitableRole;
}

export interface PlanFeatures {
  recording: boolean;
  analytics: 'basic' | 'advanced' | 'full';
  apiAccess: boolean;
  customBranding: boolean;
  sso: boolean;
  auditLogs: boolean;
  support?: 'email' | 'chat' | 'phone' | 'dedicated';
}

/** `null` = unlimited. */
export interface PlanLimits {
  workspaces: number | null;
  rooms: number | null;
  hosts: number | null;
  viewers: number | null;
  storageBytes: number | null;
}
export interface Limits extends PlanLimits {
  features: PlanFeatures;
}

export interface Plan {
  id: PlanId;
  name: PlanId;
  displayName: string;
  priceUsdMonth?: number;
  limits: PlanLimits;
  features: PlanFeatures;
}

export interface UsageCounts {
  workspaces: number;
  rooms: number;
  hosts: number;
  members: number;
  storageBytes: number;
}
export interface Usage {
  plan: PlanId;
  limits: Limits;
  usage: UsageCounts;
}

export type LimitName = 'workspaces' | 'rooms' | 'hosts' | 'storageBytes';
export interface OverLimit {
  limit: LimitName;
  max: number;
  current: number;
}
export interface ChangePlanRequest {
  plan: PlanId;
  acceptOverLimit?: boolean;
}
export interface PlanChangeResult {
  organization: Organization;
  usage: Usage;
  overLimits: OverLimit[];
}

export interface ApiKey {
  id: string;
  organizationId: string;
  name: string;
  prefix: string;
  createdBy: string;
  createdAt: Timestamp;
  lastUsedAt: Timestamp | null;
  revokedAt: Timestamp | null;
}
export interface ApiKeyCreated extends ApiKey {
  /** The plaintext key, shown only once. */
  key: string;
}
export interface CreateApiKeyRequest {
  name: string;
}

export interface AuditEntry {
  id: string;
  organizationId: string;
  actorId: string | null;
  actorEmail?: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details?: Record<string, unknown> | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  createdAt: Timestamp;
}

export interface FileInfo {
  id: string;
  organizationId: string;
  roomId: string;
  name: string;
  contentType: string;
  sizeBytes: number;
  uploadedBy: string;
  createdAt: Timestamp;
}

export interface Analytics {
  level: 'basic' | 'advanced' | 'full';
  rooms: { total: number; live: number; idle: number; closed: number };
  workspaces: number;
  members: { total: number; byRole: Record<string, number> };
  /** Viewers connected right now, summed over the organization's rooms. */
  liveViewers?: number;
  storageBytes: number;
}
