import { describe, expect, it } from 'vitest';
import { describeAuditDetails } from './audit';

describe('describeAuditDetails', () => {
  it('role change: subject and from → to', () => {
    expect(describeAuditDetails({ email: 'ann@example.com', from: 'viewer', to: 'moderator' })).toBe('ann@example.com: viewer → moderator');
  });
  it('plan change: empty overLimits left out, listed otherwise', () => {
    expect(describeAuditDetails({ from: 'starter', to: 'business', overLimits: [] })).toBe('starter → business');
    expect(describeAuditDetails({ from: 'business', to: 'starter', overLimits: [{ limit: 'rooms', current: 5, max: 3 }] })).toBe(
      'business → starter · overLimits: rooms',
    );
  });
  it('nested change of a field', () => {
    expect(describeAuditDetails({ name: { from: 'Old', to: 'New' } })).toBe('name: Old → New');
  });
  it('plain values, subject first', () => {
    expect(describeAuditDetails({ email: 'bo@example.com', role: 'host', invitationId: 'inv_1' })).toBe('bo@example.com: role: host · invitationId: inv_1');
    expect(describeAuditDetails({ name: 'Desk', workspaceId: 'wsp_1' })).toBe('Desk: workspaceId: wsp_1');
    expect(describeAuditDetails({ name: 'Desk' })).toBe('Desk');
  });
  it('nothing to show', () => {
    expect(describeAuditDetails(null)).toBe('');
    expect(describeAuditDetails(undefined)).toBe('');
    expect(describeAuditDetails({})).toBe('');
    expect(describeAuditDetails({ deep: { a: { b: 1 } } })).toBe('');
  });
  it('long text is cut', () => {
    const s = describeAuditDetails({ name: 'x'.repeat(500) });
    expect(s.length).toBe(200);
    expect(s.endsWith('…')).toBe(true);
  });
});
