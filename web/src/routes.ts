/** The app's routes, matched from a pathname (pure; tested). */
export type Route =
  | { name: 'home' }
  | { name: 'signin' }
  | { name: 'signup' }
  | { name: 'invite'; token: string }
  | { name: 'org'; orgId: string }
  | { name: 'admin'; orgId: string; tab: AdminTab }
  | { name: 'analytics'; orgId: string }
  | { name: 'room'; roomId: string }
  | { name: 'not-found' };

export type AdminTab = 'members' | 'workspaces' | 'plan' | 'audit' | 'api-keys';
export const ADMIN_TABS: { id: AdminTab; label: string }[] = [
  { id: 'members', label: 'Members' },
  { id: 'workspaces', label: 'Workspaces & rooms' },
  { id: 'plan', label: 'Plan & usage' },
  { id: 'audit', label: 'Audit log' },
  { id: 'api-keys', label: 'API keys' },
];

export function matchRoute(pathname: string): Route {
  const parts = pathname.replace(/\/+$/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [a, b, c, d] = parts;
  if (parts.length === 0) return { name: 'home' };
  if (a === 'signin' && parts.length === 1) return { name: 'signin' };
  if (a === 'signup' && parts.length === 1) return { name: 'signup' };
  if (a === 'invite' && b && parts.length === 2) return { name: 'invite', token: b };
  if (a === 'rooms' && b && parts.length === 2) return { name: 'room', roomId: b };
  if (a === 'orgs' && b) {
    if (parts.length === 2) return { name: 'org', orgId: b };
    if (c === 'analytics' && parts.length === 3) return { name: 'analytics', orgId: b };
    if (c === 'admin' && parts.length <= 4) {
      const tab = (ADMIN_TABS.find((t) => t.id === d)?.id ?? (d === undefined ? 'members' : null));
      if (tab) return { name: 'admin', orgId: b, tab };
    }
  }
  return { name: 'not-found' };
}

export const paths = {
  home: () => '/',
  signin: (next?: string) => (next ? `/signin?next=${encodeURIComponent(next)}` : '/signin'),
  signup: (next?: string) => (next ? `/signup?next=${encodeURIComponent(next)}` : '/signup'),
  org: (orgId: string) => `/orgs/${encodeURIComponent(orgId)}`,
  admin: (orgId: string, tab: AdminTab = 'members') => `/orgs/${encodeURIComponent(orgId)}/admin/${tab}`,
  analytics: (orgId: string) => `/orgs/${encodeURIComponent(orgId)}/analytics`,
  room: (roomId: string, as?: string) => `/rooms/${encodeURIComponent(roomId)}${as ? `?as=${as}` : ''}`,
};

/** Only same-app paths are accepted as ?next= targets (no open redirects). */
export function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  return next;
}
