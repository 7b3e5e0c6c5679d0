const KEY = 'tradingroom.lastOrg';

export function lastOrgId(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function rememberOrg(orgId: string): void {
  try {
    localStorage.setItem(KEY, orgId);
  } catch {
    // ignore
  }
}
