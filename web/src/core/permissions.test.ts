import { describe, expect, it } from 'vitest';
import { can, canModerate, defaultJoinRole, joinRolesFor, permissionsOf, PERMISSIONS, ROLES } from './permissions';

describe('permission matrix (blueprint section 3)', () => {
  // Independent transcription of the blueprint table: the roles that have each permission.
  const table: Record<string, string[]> = {
    manage_billing: ['owner'],
    manage_organization: ['owner', 'admin'],
    create_workspaces: ['owner', 'admin'],
    create_rooms: ['owner', 'admin', 'host'],
    stream: ['owner', 'admin', 'host', 'co-host'],
    share_screen: ['owner', 'admin', 'host', 'co-host'],
    mute_participants: ['owner', 'admin', 'host', 'co-host', 'moderator'],
    remove_participants: ['owner', 'admin', 'host', 'co-host', 'moderator'],
    chat: ['owner', 'admin', 'host', 'co-host', 'moderator', 'viewer'],
    view: ['owner', 'admin', 'host', 'co-host', 'moderator', 'viewer'],
    upload_files: ['owner', 'admin', 'host', 'co-host'],
    view_analytics: ['owner', 'admin', 'host'],
    manage_integrations: ['owner', 'admin'],
  };

  it('has every permission of the blueprint', () => {
    expect([...PERMISSIONS].sort()).toEqual(Object.keys(table).sort());
  });

  it.each(Object.entries(table))('%s', (permission, roles) => {
    for (const role of ROLES) expect(can(role, permission as never), `${role}`).toBe(roles.includes(role));
  });

  it('grants nothing to unknown roles', () => {
    expect(permissionsOf('superuser')).toEqual([]);
    expect(can(null, 'view')).toBe(false);
  });

  it('never lets a member join above their organization role', () => {
    expect(joinRolesFor('owner')).toEqual(['host', 'co-host', 'moderator', 'viewer']);
    expect(joinRolesFor('admin')).toEqual(['host', 'co-host', 'moderator', 'viewer']);
    expect(joinRolesFor('host')).toEqual(['host', 'co-host', 'moderator', 'viewer']);
    expect(joinRolesFor('co-host')).toEqual(['co-host', 'moderator', 'viewer']);
    expect(joinRolesFor('moderator')).toEqual(['moderator', 'viewer']);
    expect(joinRolesFor('viewer')).toEqual(['viewer']);
    expect(defaultJoinRole('moderator')).toBe('moderator');
  });

  it('lets moderators act only on roles not above their own', () => {
    expect(canModerate('moderator', 'viewer')).toBe(true);
    expect(canModerate('moderator', 'moderator')).toBe(true);
    expect(canModerate('moderator', 'host')).toBe(false);
    expect(canModerate('host', 'co-host')).toBe(true);
    expect(canModerate('viewer', 'viewer')).toBe(false);
  });
});
