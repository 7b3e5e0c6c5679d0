import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from './backoff';
import { parseServerFrame } from './protocol';
import { SignalingClient, SignalingError, type WebSocketLike } from './signaling';

class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: { event: string; data: Record<string, unknown>; requestId?: string }[] = [];
  closed: { code?: number } | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number) {
    this.closed = { code };
    this.readyState = 3;
  }
  // test helpers
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
  last() {
    return this.sent[this.sent.length - 1]!;
  }
  /** Completes the authenticate handshake. */
  authenticate() {
    const req = this.last();
    expect(req.event).toBe('authenticate');
    this.receive({ event: 'authenticated', requestId: req.requestId, data: authenticated });
  }
}

const authenticated = {
  userId: 'usr_1',
  organizationId: 'org_1',
  role: 'host',
  permissions: ['stream', 'chat', 'view'],
  limits: { maxRooms: 3, maxViewers: 50 },
  plan: 'starter',
};

function makeClient(overrides: Partial<ConstructorParameters<typeof SignalingClient>[0]> = {}) {
  const getToken = vi.fn(async ({ forceRefresh }: { forceRefresh: boolean }) => (forceRefresh ? 'fresh' : 'tok'));
  const client = new SignalingClient({
    url: 'ws://test/ws',
    getToken,
    createSocket: (url) => new FakeSocket(url),
    random: () => 1,
    pingIntervalMs: 0,
    ...overrides,
  });
  return { client, getToken };
}

const sock = (i = FakeSocket.all.length - 1) => FakeSocket.all[i]!;

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SignalingClient', () => {
  it('authenticates first, with the token and organization', async () => {
    const { client } = makeClient({ organizationId: 'org_1' });
    const sessions: unknown[] = [];
    client.on('session', (s) => sessions.push(s));
    client.connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(client.state.get()).toBe('connecting');
    sock().open();
    expect(client.state.get()).toBe('authenticating');
    expect(sock().sent[0]).toMatchObject({ event: 'authenticate', data: { token: 'tok', organizationId: 'org_1' } });
    sock().authenticate();
    await vi.advanceTimersByTimeAsync(0);
    expect(client.state.get()).toBe('open');
    expect(sessions).toEqual([{ authenticated, reconnected: false }]);
    expect(client.authenticated?.role).toBe('host');
  });

  async function connected(overrides: Parameters<typeof makeClient>[0] = {}) {
    const made = makeClient(overrides);
    made.client.connect();
    await vi.advanceTimersByTimeAsync(0);
    sock().open();
    sock().authenticate();
    await vi.advanceTimersByTimeAsync(0);
    return made;
  }

  it('correlates replies by requestId, also when they arrive out of order', async () => {
    const { client } = await connected();
    const a = client.request('create-transport', { roomId: 'room_1', direction: 'send' });
    const b = client.request('create-transport', { roomId: 'room_1', direction: 'recv' });
    const [reqA, reqB] = sock().sent.slice(-2);
    expect(reqA!.requestId).not.toBe(reqB!.requestId);
    const transport = (id: string, direction: string) => ({
      transportId: id,
      direction,
      iceParameters: { usernameFragment: 'u', password: 'p', iceLite: true },
      iceCandidates: [{ foundation: 'udpcandidate', priority: 1, ip: '127.0.0.1', protocol: 'udp', port: 4000, type: 'host' }],
      dtlsParameters: { role: 'auto', fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] },
    });
    sock().receive({ event: 'transport-created', requestId: reqB!.requestId, data: transport('t_recv', 'recv') });
    sock().receive({ event: 'transport-created', requestId: reqA!.requestId, data: transport('t_send', 'send') });
    await expect(a).resolves.toMatchObject({ transportId: 't_send' });
    await expect(b).resolves.toMatchObject({ transportId: 't_recv' });
  });

  it('rejects with the server error echoing the requestId', async () => {
    const { client } = await connected();
    const p = client.request('send-chat', { text: 'hi' });
    sock().receive({
      event: 'error',
      requestId: sock().last().requestId,
      data: { code: 'rate_limited', message: 'slow down', retryAfter: 3 },
    });
    await expect(p).rejects.toMatchObject({ code: 'rate_limited', retryAfter: 3 });
  });

  it('times out a request without reply, and acks a reply-less request after the window', async () => {
    const { client } = await connected();
    const join = client.request('join-room', { roomId: 'room_1' });
    const mute = client.request('mute-participant', { userId: 'usr_2' });
    const joinResult = join.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(mute).resolves.toBeUndefined();
    await vi.advanceTimersByTimeAsync(8_000);
    expect(await joinResult).toMatchObject({ code: 'timeout' });
  });

  it('dispatches server-initiated events to listeners', async () => {
    const { client } = await connected();
    const got: unknown[] = [];
    client.on('new-producer', (d) => got.push(d));
    sock().receive({
      event: 'new-producer',
      data: { producerId: 'p1', producerUserId: 'usr_2', kind: 'video', appData: { source: 'screen' } },
    });
    expect(got).toEqual([{ producerId: 'p1', producerUserId: 'usr_2', kind: 'video', appData: { source: 'screen' } }]);
  });

  it('drops frames that violate the schema and reports them', async () => {
    const { client } = await connected();
    const got: unknown[] = [];
    const violations: string[] = [];
    client.on('new-producer', (d) => got.push(d));
    client.on('protocol-violation', (v) => violations.push(v.reason));
    sock().receive({ event: 'new-producer', data: { producerId: 'p1', kind: 'video', appData: {} } }); // no producerUserId
    sock().receive({ event: 'new-producer', data: { producerId: 'p1', producerUserId: 'u', kind: 'data', appData: {} } });
    sock().receive('not json');
    expect(got).toEqual([]);
    expect(violations).toHaveLength(3);
    expect(violations[0]).toContain('producerUserId');
  });

  it('refuses to send an event that violates its client schema', async () => {
    const { client } = await connected();
    await expect(client.request('set-preferred-layers', { consumerId: 'c1', spatialLayer: 7 })).rejects.toMatchObject({
      code: 'invalid_parameters',
    });
    await expect(client.request('send-chat', { text: '' })).rejects.toBeInstanceOf(SignalingError);
  });

  it('reconnects with exponential backoff and re-authenticates', async () => {
    const { client } = await connected({ backoff: { initialMs: 500, maxMs: 4_000, factor: 2, jitter: 0.5 } });
    const sessions: { reconnected: boolean }[] = [];
    const retries: number[] = [];
    client.on('session', (s) => sessions.push(s));
    client.on('retry', (r) => retries.push(r.delayMs));
    const pending = client.request('join-room', { roomId: 'room_1' }).catch((e: unknown) => e);

    sock().drop();
    expect(client.state.get()).toBe('reconnecting');
    expect(await pending).toMatchObject({ code: 'disconnected' });
    expect(FakeSocket.all).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(499);
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(2);
    sock().drop(); // the attempt fails before opening

    await vi.advanceTimersByTimeAsync(999);
    expect(FakeSocket.all).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(3);
    sock().drop();
    await vi.advanceTimersByTimeAsync(2_000);
    sock().drop();
    await vi.advanceTimersByTimeAsync(4_000);
    sock().drop();
    await vi.advanceTimersByTimeAsync(4_000); // capped at maxMs
    expect(retries).toEqual([500, 1000, 2000, 4000, 4000]);

    sock().open();
    sock().authenticate();
    await vi.advanceTimersByTimeAsync(0);
    expect(client.state.get()).toBe('open');
    expect(sessions).toEqual([{ authenticated, reconnected: true }]);

    // the backoff starts over after a successful session
    sock().drop();
    expect(retries[retries.length - 1]).toBe(500);
  });

  it('applies jitter within [d*(1-j), d]', () => {
    expect(backoffDelay(0, { initialMs: 1000, jitter: 0.5 }, () => 0)).toBe(500);
    expect(backoffDelay(0, { initialMs: 1000, jitter: 0.5 }, () => 1)).toBe(1000);
    expect(backoffDelay(3, { initialMs: 1000, jitter: 0 }, () => 0.3)).toBe(8000);
    expect(backoffDelay(30, { initialMs: 1000, maxMs: 15_000, jitter: 0 })).toBe(15_000);
  });

  it('reconnectNow skips the wait', async () => {
    const { client } = await connected();
    sock().drop();
    expect(FakeSocket.all).toHaveLength(1);
    client.reconnectNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('keeps retrying while the token cannot be refreshed (network down), and stops once signed out', async () => {
    let mode: 'ok' | 'offline' | 'signed-out' = 'ok';
    const getToken = vi.fn(async () => {
      if (mode === 'offline') throw new Error('Network error');
      return mode === 'ok' ? 'tok' : null;
    });
    const { client } = await connected({ getToken });
    const fatal: string[] = [];
    const retries: number[] = [];
    client.on('fatal', (e) => fatal.push(e.code));
    client.on('retry', (r) => retries.push(r.delayMs));
    mode = 'offline'; // the access token is due for a refresh and the network is gone
    sock().drop();
    await vi.advanceTimersByTimeAsync(500 + 1_000 + 2_000);
    expect(fatal).toEqual([]);
    expect(client.state.get()).toBe('reconnecting');
    expect(retries).toEqual([500, 1000, 2000, 4000]);
    expect(FakeSocket.all).toHaveLength(1); // no socket without a token
    mode = 'ok'; // the network is back
    await vi.advanceTimersByTimeAsync(4_000);
    expect(FakeSocket.all).toHaveLength(2);
    sock().open();
    sock().authenticate();
    await vi.advanceTimersByTimeAsync(0);
    expect(client.state.get()).toBe('open');
    mode = 'signed-out';
    sock().drop();
    await vi.advanceTimersByTimeAsync(500);
    expect(fatal).toEqual(['unauthenticated']);
    expect(client.state.get()).toBe('closed');
  });

  it('retries a rejected token once with a refreshed one, then gives up', async () => {
    const { client, getToken } = makeClient();
    const fatal: string[] = [];
    client.on('fatal', (e) => fatal.push(e.code));
    client.connect();
    await vi.advanceTimersByTimeAsync(0);
    sock().open();
    sock().receive({ event: 'error', requestId: sock().last().requestId, data: { code: 'invalid_token', message: 'bad' } });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(getToken).toHaveBeenLastCalledWith({ forceRefresh: true });
    sock().open();
    expect(sock().last().data.token).toBe('fresh');
    sock().receive({ event: 'error', requestId: sock().last().requestId, data: { code: 'invalid_token', message: 'bad' } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fatal).toEqual(['invalid_token']);
    expect(client.state.get()).toBe('closed');
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('waits at least retryAfter after rate_limited', async () => {
    const { client } = makeClient();
    const retries: number[] = [];
    client.on('retry', (r) => retries.push(r.delayMs));
    client.connect();
    await vi.advanceTimersByTimeAsync(0);
    sock().open();
    sock().receive({
      event: 'error',
      requestId: sock().last().requestId,
      data: { code: 'rate_limited', message: 'too many', retryAfter: 30 },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(retries).toEqual([30_000]);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('detects a dead connection with the heartbeat', async () => {
    const { client } = await connected({ pingIntervalMs: 10_000, pongTimeoutMs: 5_000 });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sock().last().event).toBe('ping');
    sock().receive({ event: 'pong', requestId: sock().last().requestId, data: {} });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sock().last().event).toBe('ping'); // second ping, never answered
    await vi.advanceTimersByTimeAsync(5_000);
    expect(client.state.get()).toBe('reconnecting');
    expect(sock().closed).not.toBeNull();
  });

  it('close() stops reconnecting and fails pending requests', async () => {
    const { client } = await connected();
    const p = client.request('leave-room', {}).catch((e: unknown) => e);
    client.close();
    expect(await p).toMatchObject({ code: 'closed' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(client.state.get()).toBe('closed');
  });
});

describe('parseServerFrame', () => {
  it('accepts a schema-conformant room-joined and keeps the requestId', () => {
    const r = parseServerFrame(
      JSON.stringify({
        event: 'room-joined',
        requestId: 'r1',
        data: {
          roomId: 'room_1',
          routerRtpCapabilities: { codecs: [], headerExtensions: [] },
          participants: [{ userId: 'u', displayName: 'U', role: 'host', producers: [{ producerId: 'p', kind: 'audio', appData: {} }] }],
          sfuNode: 'local',
        },
      }),
    );
    expect(r).toMatchObject({ ok: true, known: true, frame: { requestId: 'r1' } });
  });

  it.each([
    ['{"event":1,"data":{}}', 'missing event'],
    ['[]', 'not an object'],
    ['{"event":"pong","data":[]}', 'data is not an object'],
    ['{"event":"layers-set","data":{"consumerId":"c","spatialLayer":1.5}}', 'expected integer'],
    ['{"event":"error","data":{"code":"x","message":"y","retryAfter":0}}', 'below 1'],
    ['{"event":"room-joined","data":{"roomId":"r","routerRtpCapabilities":{"codecs":[]},"participants":[],"sfuNode":"n"}}', 'headerExtensions'],
  ])('rejects %s', (text, reason) => {
    const r = parseServerFrame(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('passes unknown events through as unknown (forward compatible)', () => {
    expect(parseServerFrame('{"event":"future-thing","data":{"x":1}}')).toMatchObject({ ok: true, known: false });
  });
});
