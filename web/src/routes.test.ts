import { describe, expect, it } from 'vitest';
import { matchRoute, paths, safeNext } from './routes';

describe('routes', () => {
  it.each([
    ['/', { name: 'home' }],
    ['/signin', { name: 'signin' }],
    ['/invite/abc.DEF_123', { name: 'invite', token: 'abc.DEF_123' }],
    ['/rooms/room_1', { name: 'room', roomId: 'room_1' }],
    ['/orgs/org_1', { name: 'org', orgId: 'org_1' }],
    ['/orgs/org_1/admin', { name: 'admin', orgId: 'org_1', tab: 'members' }],
    ['/orgs/org_1/admin/audit', { name: 'admin', orgId: 'org_1', tab: 'audit' }],
    ['/orgs/org_1/admin/nope', { name: 'not-found' }],
    ['/orgs/org_1/analytics', { name: 'analytics', orgId: 'org_1' }],
    ['/orgs/org_1/analytics/x', { name: 'not-found' }],
    ['/rooms/', { name: 'not-found' }],
    ['/unknown/x', { name: 'not-found' }],
  ])('%s', (path, route) => {
    expect(matchRoute(path)).toEqual(route);
  });

  it('round-trips paths', () => {
    expect(matchRoute(paths.room('room/1'))).toEqual({ name: 'room', roomId: 'room/1' });
    expect(matchRoute(paths.analytics('org_1'))).toEqual({ name: 'analytics', orgId: 'org_1' });
    expect(paths.signin('/invite/x')).toBe('/signin?next=%2Finvite%2Fx');
  });

  it('accepts only local next targets', () => {
    expect(safeNext('/invite/x')).toBe('/invite/x');
    expect(safeNext('//evil.example')).toBeNull();
    expect(safeNext('https://evil.example')).toBeNull();
    expect(safeNext(null)).toBeNull();
  });
});
