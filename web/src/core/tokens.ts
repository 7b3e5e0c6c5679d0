import type { AuthResult, User } from './apiTypes';

/** A signed-in session as kept on this device. */
export interface Session {
  accessToken: string;
  /** Rotates on every refresh: always the newest one. */
  refreshToken: string;
  /** Epoch milliseconds at which the access token expires. */
  expiresAt: number;
  user: User;
}

export function sessionFromAuthResult(result: AuthResult, now: number): Session {
  return {
    accessToken: result.accessToken,
    refreshToken: result.refreshToken,
    expiresAt: now + result.expiresIn * 1000,
    user: result.user,
  };
}

/**
 * Where the session lives. `runExclusive` serializes refreshes across tabs: refresh tokens
 * rotate and reusing one revokes the whole family, so two tabs must never refresh with the
 * same token.
 */
export interface SessionStore {
  load(): Session | null;
  save(session: Session | null): void;
  /** Called when another tab changed the session. */
  subscribe(listener: (session: Session | null) => void): () => void;
  runExclusive<T>(fn: () => Promise<T>): Promise<T>;
}

export class MemorySessionStore implements SessionStore {
  private listeners = new Set<(s: Session | null) => void>();
  private chain: Promise<unknown> = Promise.resolve();
  constructor(private session: Session | null = null) {}
  load(): Session | null {
    return this.session;
  }
  save(session: Session | null): void {
    this.session = session;
  }
  subscribe(listener: (s: Session | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** Simulates another tab writing the session. */
  externalWriteForTest(session: Session | null): void {
    this.session = session;
    for (const l of this.listeners) l(session);
  }
  runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

const KEY = 'tradingroom.session.v1';

function isSession(v: unknown): v is Session {
  if (!v || typeof v !== 'object') return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.accessToken === 'string' &&
    typeof s.refreshToken === 'string' &&
    typeof s.expiresAt === 'number' &&
    !!s.user &&
    typeof s.user === 'object'
  );
}

/**
 * Browser store: localStorage (survives reloads, shared by tabs) plus the Web Locks API to
 * serialize refreshes between tabs (falls back to an in-tab queue without it).
 */
export class BrowserSessionStore implements SessionStore {
  private local = new MemorySessionStore();

  load(): Session | null {
    try {
      const raw = localStorage.getItem(KEY);
      if (!raw) return null;
      const parsed: unknown = JSON.parse(raw);
      return isSession(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }

  save(session: Session | null): void {
    try {
      if (session) localStorage.setItem(KEY, JSON.stringify(session));
      else localStorage.removeItem(KEY);
    } catch {
      // storage full or disabled: the session still works for this page
    }
  }

  subscribe(listener: (s: Session | null) => void): () => void {
    const onStorage = (e: StorageEvent) => {
      if (e.key === KEY || e.key === null) listener(this.load());
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }

  runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    if (locks?.request) return locks.request('tradingroom.refresh', () => fn()) as Promise<T>;
    return this.local.runExclusive(fn);
  }
}
