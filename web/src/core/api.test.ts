import { describe, expect, it, vi } from 'vitest';
import { ApiClient, type FetchLike } from './api';
import { ApiError, describeError } from './errors';
import { MemorySessionStore, type Session } from './tokens';

const user = { id: 'usr_1', email: 'a@example.com', displayName: 'A', createdAt: '2026-11-26T04:02:33Z' };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

interface Call {
  url: string;
  method: string;
  auth: string | null;
  body: unknown;
}

/** A fake server: valid access tokens are in `valid`; refresh rotates r<n> -> r<n+1>. */
function fakeServer(opts: { refreshStatus?: number } = {}) {
  const calls: Call[] = [];
  const valid = new Set(['a1']);
  let n = 1;
  const fetch: FetchLike = async (url, init) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ url, method: init?.method ?? 'GET', auth: headers.Authorization ?? null, body });
    if (url.endsWith('/auth/refresh')) {
      if (opts.refreshStatus) return json(opts.refreshStatus, { error: { code: 'unauthorized', message: 'revoked' } });
      if (body.refreshToken !== `r${n}`) return json(401, { error: { code: 'unauthorized', message: 'reused' } });
      n += 1;
      valid.clear();
      valid.add(`a${n}`);
      return json(200, { accessToken: `a${n}`, refreshToken: `r${n}`, expiresIn: 900, tokenType: 'Bearer', user });
    }
    const token = headers.Authorization?.replace('Bearer ', '');
    if (!token || !valid.has(token)) return json(401, { error: { code: 'unauthorized', message: 'expired' } });
    return json(200, { user, organizations: [] });
  };
  return { fetch, calls, valid };
}

function session(overrides: Partial<Session> = {}): Session {
  return { accessToken: 'a1', refreshToken: 'r1', expiresAt: 10_000_000, user, ...overrides };
}

function client(store: MemorySessionStore, fetch: FetchLike, now = () => 1_000) {
  return new ApiClient({ store, fetch, now, setTimer: () => 0, clearTimer: () => undefined });
}

describe('ApiClient auth', () => {
  it('sends the bearer token and parses JSON', async () => {
    const srv = fakeServer();
    const api = client(new MemorySessionStore(session()), srv.fetch);
    const me = await api.me();
    expect(me.user.id).toBe('usr_1');
    expect(srv.calls).toHaveLength(1);
    expect(srv.calls[0]!.auth).toBe('Bearer a1');
    expect(srv.calls[0]!.url).toBe('/api/v1/me');
  });

  it('on 401 refreshes once, stores the rotated refresh token and retries', async () => {
    const srv = fakeServer();
    srv.valid.clear(); // a1 was revoked server-side
    const store = new MemorySessionStore(session());
    const api = client(store, srv.fetch);
    await api.me();
    expect(srv.calls.map((c) => c.url)).toEqual(['/api/v1/me', '/api/v1/auth/refresh', '/api/v1/me']);
    expect(srv.calls[2]!.auth).toBe('Bearer a2');
    expect(store.load()?.refreshToken).toBe('r2');
    expect(api.session.get()?.accessToken).toBe('a2');
  });

  it('retries only once: a second 401 is thrown', async () => {
    const calls: string[] = [];
    const fetch: FetchLike = async (url) => {
      calls.push(url);
      if (url.endsWith('/auth/refresh'))
        return json(200, { accessToken: 'x', refreshToken: 'r9', expiresIn: 900, tokenType: 'Bearer', user });
      return json(401, { error: { code: 'unauthorized', message: 'nope' } });
    };
    const api = client(new MemorySessionStore(session()), fetch);
    await expect(api.me()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(calls.filter((u) => u.endsWith('/auth/refresh'))).toHaveLength(1);
    expect(calls.filter((u) => u.endsWith('/me'))).toHaveLength(2);
  });

  it('shares one refresh between concurrent 401s (rotating tokens must not be reused)', async () => {
    const srv = fakeServer();
    srv.valid.clear();
    const api = client(new MemorySessionStore(session()), srv.fetch);
    await Promise.all([api.me(), api.me(), api.me()]);
    expect(srv.calls.filter((c) => c.url.endsWith('/auth/refresh'))).toHaveLength(1);
  });

  it('refreshes before a request when the access token is about to expire', async () => {
    const srv = fakeServer();
    const api = client(new MemorySessionStore(session({ expiresAt: 1_000 + 30_000 })), srv.fetch);
    await api.me();
    expect(srv.calls.map((c) => c.url)).toEqual(['/api/v1/auth/refresh', '/api/v1/me']);
  });

  it('refreshes on a timer ahead of expiry', async () => {
    vi.useFakeTimers();
    try {
      const srv = fakeServer();
      const now = () => Date.now();
      const store = new MemorySessionStore(session({ expiresAt: Date.now() + 900_000 }));
      const api = new ApiClient({ store, fetch: srv.fetch, now });
      api.startAutoRefresh();
      await vi.advanceTimersByTimeAsync(839_000);
      expect(srv.calls).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(srv.calls.map((c) => c.url)).toEqual(['/api/v1/auth/refresh']);
      expect(store.load()?.refreshToken).toBe('r2');
      api.stopAutoRefresh();
    } finally {
      vi.useRealTimers();
    }
  });

  it('uses the session another tab already refreshed instead of reusing the old token', async () => {
    const srv = fakeServer();
    const store = new MemorySessionStore(session({ expiresAt: 1_000 + 10_000 }));
    const api = client(store, srv.fetch);
    // the other tab rotated r1 -> r2 on the server and in storage
    await srv.fetch('/api/v1/auth/refresh', { method: 'POST', body: JSON.stringify({ refreshToken: 'r1' }) });
    srv.calls.length = 0;
    store.externalWriteForTest(session({ accessToken: 'a2', refreshToken: 'r2', expiresAt: 1_000_000 }));
    await api.me();
    expect(srv.calls.map((c) => c.url)).toEqual(['/api/v1/me']);
    expect(srv.calls[0]!.auth).toBe('Bearer a2');
  });

  it('signs out when the refresh token is rejected', async () => {
    const srv = fakeServer({ refreshStatus: 401 });
    srv.valid.clear();
    const store = new MemorySessionStore(session());
    const api = client(store, srv.fetch);
    await expect(api.me()).rejects.toBeInstanceOf(ApiError);
    expect(store.load()).toBeNull();
    expect(api.session.get()).toBeNull();
  });

  it('keeps the session when the refresh fails for another reason (rate limit)', async () => {
    const srv = fakeServer({ refreshStatus: 429 });
    srv.valid.clear();
    const store = new MemorySessionStore(session());
    const api = client(store, srv.fetch);
    await expect(api.me()).rejects.toMatchObject({ status: 429 });
    expect(store.load()?.refreshToken).toBe('r1');
  });

  it('stores a new session on login and clears it on logout', async () => {
    const calls: Call[] = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push({ url, method: init?.method ?? 'GET', auth: null, body: init?.body ? JSON.parse(String(init.body)) : undefined });
      if (url.endsWith('/auth/login'))
        return json(200, { accessToken: 'a', refreshToken: 'r', expiresIn: 900, tokenType: 'Bearer', user });
      return new Response(null, { status: 204 });
    };
    const store = new MemorySessionStore();
    const api = client(store, fetch, () => 5_000);
    await api.login({ email: 'a@example.com', password: 'password1' });
    expect(store.load()).toMatchObject({ accessToken: 'a', refreshToken: 'r', expiresAt: 5_000 + 900_000 });
    await api.logout();
    expect(store.load()).toBeNull();
    expect(calls[1]).toMatchObject({ url: '/api/v1/auth/logout', body: { refreshToken: 'r' } });
  });

  it('refuses an authenticated request when signed out', async () => {
    const api = client(new MemorySessionStore(), fakeServer().fetch);
    await expect(api.me()).rejects.toMatchObject({ status: 401 });
  });
});

describe('ApiClient error mapping', () => {
  const signedIn = () => new MemorySessionStore(session());

  it('maps 402 room_limit_exceeded with its details', async () => {
    const fetch: FetchLike = async () =>
      json(
        402,
        {
          error: {
            code: 'room_limit_exceeded',
            message: 'room limit reached',
            details: { limit: 'rooms', max: 3, current: 3, plan: 'starter' },
          },
        },
        { 'X-Request-Id': 'req_1' },
      );
    const api = client(signedIn(), fetch);
    const err = await api.createRoom('wsp_1', { name: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e).toMatchObject({ status: 402, code: 'room_limit_exceeded', requestId: 'req_1' });
    expect(e.isLimitExceeded).toBe(true);
    expect(describeError(e)).toBe(
      'Plan limit reached: the Starter plan allows 3 rooms (3 of 3 in use). Upgrade the plan or free one up.',
    );
  });

  it('maps 403 plan_feature_unavailable to an upsell sentence', async () => {
    const fetch: FetchLike = async () =>
      json(403, { error: { code: 'plan_feature_unavailable', message: 'x', details: { feature: 'audit_logs' } } });
    const e = (await client(signedIn(), fetch).listAuditLog('org_1').catch((x: unknown) => x)) as ApiError;
    expect(e.isPlanFeatureUnavailable).toBe(true);
    expect(describeError(e)).toMatch(/audit log is not included in your plan/i);
  });

  it('reads Retry-After of 429', async () => {
    const fetch: FetchLike = async () =>
      json(429, { error: { code: 'rate_limited', message: 'slow down', details: { retryAfter: 12 } } }, { 'Retry-After': '12' });
    const e = (await client(signedIn(), fetch).login({ email: 'a', password: 'b' }).catch((x: unknown) => x)) as ApiError;
    expect(e.retryAfter).toBe(12);
    expect(describeError(e)).toBe('Too many attempts. Try again in 12 s.');
  });

  it('keeps the HTTP status for a non-JSON error body', async () => {
    const fetch: FetchLike = async () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' });
    await expect(client(signedIn(), fetch).me()).rejects.toMatchObject({ status: 502, code: 'http_502' });
  });

  it('maps a failed fetch to a network error', async () => {
    const fetch: FetchLike = async () => {
      throw new TypeError('Failed to fetch');
    };
    const e = (await client(signedIn(), fetch).me().catch((x: unknown) => x)) as ApiError;
    expect(e.isNetwork).toBe(true);
    expect(describeError(e)).toMatch(/can't reach the server/i);
  });

  it('maps forbidden and validation errors', () => {
    expect(describeError(new ApiError(403, 'forbidden', 'x', { permission: 'create_rooms' }))).toBe(
      'Your role doesn\'t allow this (needs “create rooms”).',
    );
    expect(describeError(new ApiError(400, 'validation_failed', 'too short', { field: 'password' }))).toBe('password: too short');
  });

  it('encodes path parameters and builds list queries', async () => {
    const urls: string[] = [];
    const fetch: FetchLike = async (url) => {
      urls.push(url);
      return json(200, { items: [], nextCursor: null });
    };
    await client(signedIn(), fetch).listOrganizationRooms('org/1', { status: 'live' });
    expect(urls[0]).toBe('/api/v1/organizations/org%2F1/rooms?status=live&limit=100');
  });

  it('follows nextCursor across pages', async () => {
    const fetch: FetchLike = async (url) =>
      url.includes('cursor=c2')
        ? json(200, { items: [{ id: 'b' }], nextCursor: null })
        : json(200, { items: [{ id: 'a' }], nextCursor: 'c2' });
    const items = await client(signedIn(), fetch).listWorkspaces('org_1');
    expect(items.map((w) => w.id)).toEqual(['a', 'b']);
  });
});
