import { describe, expect, it } from 'vitest';
import type { Analytics } from './apiTypes';
import { levelInfo, membersByRoleSeries, roomStatusSeries, scaleBars, shareOfLimit } from './analytics';

const sample: Analytics = {
  level: 'advanced',
  rooms: { total: 5, live: 1, idle: 3, closed: 1 },
  workspaces: 2,
  members: { total: 16, byRole: { owner: 1, host: 2, viewer: 12, auditor: 1 } },
  liveViewers: 7,
  storageBytes: 1024,
};

describe('analytics levels (blueprint plan table)', () => {
  it('names the level, its plans and the upgrade', () => {
    expect(levelInfo('basic')).toEqual({ level: 'basic', label: 'Basic', plans: ['starter'], next: { level: 'advanced', label: 'Advanced', plan: 'professional' } });
    expect(levelInfo('advanced').next).toEqual({ level: 'full', label: 'Full', plan: 'business' });
    expect(levelInfo('full')).toMatchObject({ label: 'Full', plans: ['business', 'enterprise'], next: null });
    expect(levelInfo('something-new').level).toBe('basic');
  });
});

describe('series', () => {
  it('rooms by status', () => {
    expect(roomStatusSeries(sample).map((d) => [d.label, d.value])).toEqual([['Live', 1], ['Offline', 3], ['Ended', 1]]);
  });
  it('members by role: every known role in matrix order, unknown roles last', () => {
    const s = membersByRoleSeries(sample);
    expect(s.map((d) => d.key)).toEqual(['owner', 'admin', 'host', 'co-host', 'moderator', 'viewer', 'auditor']);
    expect(s.map((d) => d.value)).toEqual([1, 0, 2, 0, 0, 12, 1]);
    expect(s[3]!.label).toBe('Co-host');
  });
});

describe('scaleBars', () => {
  it('scales to the largest value and gives shares of the total', () => {
    const bars = scaleBars([{ key: 'a', label: 'A', value: 2 }, { key: 'b', label: 'B', value: 6 }, { key: 'c', label: 'C', value: 0 }]);
    expect(bars.map((b) => b.fraction)).toEqual([2 / 6, 1, 0]);
    expect(bars.map((b) => b.percent)).toEqual([25, 75, 0]);
  });
  it('all zero (or empty) gives empty bars, not NaN', () => {
    expect(scaleBars([{ key: 'a', label: 'A', value: 0 }])).toEqual([{ key: 'a', label: 'A', value: 0, fraction: 0, percent: 0 }]);
    expect(scaleBars([])).toEqual([]);
  });
  it('negative values are drawn as zero', () => {
    expect(scaleBars([{ key: 'a', label: 'A', value: -3 }, { key: 'b', label: 'B', value: 3 }]).map((b) => b.fraction)).toEqual([0, 1]);
  });
});

describe('shareOfLimit', () => {
  it('handles unlimited, zero and overflow', () => {
    expect(shareOfLimit(3, null)).toBeNull();
    expect(shareOfLimit(3, 0)).toBe(1);
    expect(shareOfLimit(5, 10)).toBe(0.5);
    expect(shareOfLimit(50, 10)).toBe(1);
  });
});
