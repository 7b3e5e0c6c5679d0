/**
 * The role/permission matrix of blueprint section 3, mirrored for the UI only: it hides
 * buttons a role cannot use. The server enforces every permission; never rely on this.
 */
import type { Role } from './apiTypes';
import type { JoinRole } from './protocol';

export type Permission =
  | 'manage_billing'
  | 'manage_organization'
  | 'create_workspaces'
  | 'create_rooms'
  | 'stream'
  | 'share_screen'
  | 'mute_participants'
  | 'remove_participants'
  | 'chat'
  | 'view'
  | 'upload_files'
  | 'view_analytics'
  | 'manage_integrations';

export const ROLES: readonly Role[] = ['owner', 'admin', 'host', 'co-host', 'moderator', 'viewer'];

//                                         owner  admin  host   co-host moderator viewer
const MATRIX: Record<Permission, readonly [boolean, boolean, boolean, boolean, boolean, boolean]> = {
  manage_billing: /*                    */ [true, false, false, false, false, false],
  manage_organization: /*               */ [true, true, false, false, false, false],
  create_workspaces: /*                 */ [true, true, false, false, false, false],
  create_rooms: /*                      */ [true, true, true, false, false, false],
  stream: /*                            */ [true, true, true, true, false, false],
  share_screen: /*                      */ [true, true, true, true, false, false],
  mute_participants: /*                 */ [true, true, true, true, true, false],
  remove_participants: /*               */ [true, true, true, true, true, false],
  chat: /*                              */ [true, true, true, true, true, true],
  view: /*                              */ [true, true, true, true, true, true],
  upload_files: /*                      */ [true, true, true, true, false, false],
  view_analytics: /*                    */ [true, true, true, false, false, false],
  manage_integrations: /*               */ [true, true, false, false, false, false],
};

export const PERMISSIONS = Object.keys(MATRIX) as Permission[];

function isRole(r: string): r is Role {
  return (ROLES as readonly string[]).includes(r);
}

/** Whether `role` has `permission` (unknown roles have none). */
export function can(role: string | null | undefined, permission: Permission): boolean {
  if (!role || !isRole(role)) return false;
  return MATRIX[permission][ROLES.indexOf(role)] ?? false;
}

export function permissionsOf(role: string): Permission[] {
  return PERMISSIONS.filter((p) => can(role, p));
}

/** Rank for "nobody can moderate someone ranked above them" (higher = more powerful). */
export function roleRank(role: string): number {
  const i = ROLES.indexOf(role as Role);
  return i < 0 ? -1 : ROLES.length - i;
}

/** The join roles a member of `orgRole` may take in a room, most powerful first (docs/protocol.md). */
export function joinRolesFor(orgRole: string): JoinRole[] {
  const all: JoinRole[] = ['host', 'co-host', 'moderator', 'viewer'];
  if (orgRole === 'owner' || orgRole === 'admin') return all;
  const rank = roleRank(orgRole);
  return all.filter((r) => roleRank(r) <= rank);
}

/** The role to join with by default: present if allowed to stream, else moderate or watch. */
export function defaultJoinRole(orgRole: string): JoinRole {
  return joinRolesFor(orgRole)[0] ?? 'viewer';
}

/** Whether `actor` (joined role) may mute/remove `target` (joined role). */
export function canModerate(actorRole: string, targetRole: string): boolean {
  return can(actorRole, 'mute_participants') && roleRank(targetRole) <= roleRank(actorRole);
}

/** The roles an admin can give (owner is not assignable). */
export const ASSIGNABLE_ROLES: readonly Role[] = ['admin', 'host', 'co-host', 'moderator', 'viewer'];

export const ROLE_LABELS: Record<string, string> = {
  owner: 'Owner',
  admin: 'Admin',
  host: 'Host',
  'co-host': 'Co-host',
  moderator: 'Moderator',
  viewer: 'Viewer',
};
