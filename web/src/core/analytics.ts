/**
 * The organization analytics (`GET /organizations/{orgId}/analytics`) shaped for the page:
 * what the plan's level includes, and the series of the small charts.
 */
import type { Analytics, PlanId } from './apiTypes';
import { ROLE_LABELS, ROLES } from './permissions';

export type AnalyticsLevel = Analytics['level'];

export interface LevelInfo {
  level: AnalyticsLevel;
  label: string;
  /** The plans whose analytics are at this level (blueprint section 4). */
  plans: PlanId[];
  /** The next level up and the cheapest plan with it, or null at Full. */
  next: { level: AnalyticsLevel; label: string; plan: PlanId } | null;
}

const LEVELS: Record<AnalyticsLevel, Omit<LevelInfo, 'level'>> = {
  basic: { label: 'Basic', plans: ['starter'], next: { level: 'advanced', label: 'Advanced', plan: 'professional' } },
  advanced: { label: 'Advanced', plans: ['professional'], next: { level: 'full', label: 'Full', plan: 'business' } },
  full: { label: 'Full', plans: ['business', 'enterprise'], next: null },
};

export function levelInfo(level: string): LevelInfo {
  const key: AnalyticsLevel = level === 'advanced' || level === 'full' ? level : 'basic';
  return { level: key, ...LEVELS[key] };
}

export interface Datum {
  key: string;
  label: string;
  value: number;
}

/** Rooms by status: live, idle (offline), closed (ended). */
export function roomStatusSeries(a: Analytics): Datum[] {
  return [
    { key: 'live', label: 'Live', value: a.rooms.live },
    { key: 'idle', label: 'Offline', value: a.rooms.idle },
    { key: 'closed', label: 'Ended', value: a.rooms.closed },
  ];
}

/** Members by role, in the matrix's order; unknown roles last; every known role shown. */
export function membersByRoleSeries(a: Analytics): Datum[] {
  const known: Datum[] = ROLES.map((r) => ({ key: r, label: ROLE_LABELS[r] ?? r, value: a.members.byRole[r] ?? 0 }));
  const extra: Datum[] = Object.entries(a.members.byRole)
    .filter(([r]) => !(ROLES as readonly string[]).includes(r))
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([r, n]) => ({ key: r, label: r, value: n }));
  return [...known, ...extra];
}

export interface Bar extends Datum {
  /** 0..1 of the chart's width. */
  fraction: number;
  percent: number;
}

/** Bars scaled to the largest value (all zero = empty bars), with each one's share of the total. */
export function scaleBars(data: readonly Datum[]): Bar[] {
  const max = Math.max(0, ...data.map((d) => d.value));
  const total = data.reduce((s, d) => s + Math.max(0, d.value), 0);
  return data.map((d) => ({
    ...d,
    fraction: max > 0 ? Math.max(0, d.value) / max : 0,
    percent: total > 0 ? Math.round((Math.max(0, d.value) / total) * 100) : 0,
  }));
}

/** "3 of 10" / "3 (unlimited)" style share of a limit, as a 0..1 fraction (null = unlimited). */
export function shareOfLimit(used: number, max: number | null): number | null {
  if (max === null) return null;
  if (max <= 0) return 1;
  return Math.min(1, Math.max(0, used / max));
}
