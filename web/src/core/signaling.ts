/**
 * Typed WebSocket client of the signaling protocol (docs/protocol.md).
 *
 * - Requests carry a `requestId`; the reply (or `error`) echoing it settles the promise.
 *   Every valid server message is also dispatched to `on(event)` listeners.
 * - Incoming frames are validated against the protocol's JSON Schemas; invalid ones are
 *   dropped and reported through `on('protocol-violation')`.
 * - The socket authenticates first; when it drops it reconnects with exponential backoff and
 *   jitter, re-authenticates (fresh token), and emits `session` with `reconnected: true` so
 *   the room can rejoin (the server forgets a participant whose socket closed).
 * - A heartbeat (`ping` → `pong`) detects dead connections after a network change, which a
 *   browser WebSocket may otherwise not notice for minutes.
 */
import { backoffDelay, type BackoffOptions } from './backoff';
import { Emitter, Observable, type ReadonlyObservable, type Unsubscribe } from './observable';
import {
  parseServerFrame,
  REPLIES,
  validateClientEvent,
  type AuthenticatedData,
  type ClientEventName,
  type ClientEvents,
  type ReplyOf,
  type ServerEventName,
  type ServerEvents,
} from './protocol';

export type SignalingState = 'idle' | 'connecting' | 'authenticating' | 'open' | 'reconnecting' | 'closed';

/** The part of the browser WebSocket this client uses (injectable for tests). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export class SignalingError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'SignalingError';
  }
}

export interface SignalingOptions {
  url: string;
  /** A valid access token; `forceRefresh` after the server rejected the previous one. */
  getToken: (opts: { forceRefresh: boolean }) => Promise<string | null>;
  organizationId?: string;
  deviceInfo?: { userAgent?: string; platform?: string };
  createSocket?: (url: string) => WebSocketLike;
  backoff?: BackoffOptions;
  random?: () => number;
  /** Timeout of a request with a defined reply (ms). Default 10 000. */
  requestTimeoutMs?: number;
  /** For requests without a defined reply: resolve when no error came in this window. Default 2 000. */
  ackWindowMs?: number;
  /** Heartbeat period (ms); 0 disables. Default 15 000. */
  pingIntervalMs?: number;
  /** Reconnect when no pong within this time (ms). Default 8 000. */
  pongTimeoutMs?: number;
  /** Give up after this many consecutive failed attempts (default: never). */
  maxAttempts?: number;
}

export interface SessionInfo {
  authenticated: AuthenticatedData;
  /** False on the first session, true after every reconnect. */
  reconnected: boolean;
}

type MetaEvents = {
  session: SessionInfo;
  /** Permanent failure: invalid token twice, or maxAttempts reached. */
  fatal: SignalingError;
  'protocol-violation': { reason: string; raw: string };
  /** A reconnect attempt was scheduled. */
  retry: { attempt: number; delayMs: number };
};

type AllEvents = { [K in ServerEventName]: ServerEvents[K] } & MetaEvents;

interface Pending {
  event: ClientEventName;
  resolve: (data: unknown) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1;

export class SignalingClient {
  private readonly opts: Required<
    Pick<SignalingOptions, 'requestTimeoutMs' | 'ackWindowMs' | 'pingIntervalMs' | 'pongTimeoutMs'>
  > &
    SignalingOptions;
  private ws: WebSocketLike | null = null;
  private readonly stateObs = new Observable<SignalingState>('idle');
  private readonly emitter = new Emitter<AllEvents>();
  private readonly pending = new Map<string, Pending>();
  private seq = 0;
  private attempt = 0;
  private authFailures = 0;
  private retryAfterMs = 0;
  private everAuthenticated = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private auth: AuthenticatedData | null = null;

  constructor(options: SignalingOptions) {
    this.opts = {
      requestTimeoutMs: 10_000,
      ackWindowMs: 2_000,
      pingIntervalMs: 15_000,
      pongTimeoutMs: 8_000,
      ...options,
    };
  }

  get state(): ReadonlyObservable<SignalingState> {
    return this.stateObs;
  }

  /** The latest `authenticated` data (null before the first session). */
  get authenticated(): AuthenticatedData | null {
    return this.auth;
  }

  on<K extends keyof AllEvents>(event: K, handler: (data: AllEvents[K]) => void): Unsubscribe {
    return this.emitter.on(event, handler);
  }

  /** Opens the connection (and keeps it open until `close()`). */
  connect(): void {
    this.stopped = false;
    if (this.ws || this.reconnectTimer) return;
    void this.open();
  }

  /** Skips the backoff wait (e.g. on the browser's `online` event). */
  reconnectNow(): void {
    if (this.stopped) return;
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      void this.open();
    } else if (this.ws && this.stateObs.get() === 'open') {
      this.heartbeat(); // verify the current socket quickly
    }
  }

  /** Closes for good; pending requests fail with `closed`. */
  close(): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopHeartbeat();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
      try {
        ws.close(1000, 'client closed');
      } catch {
        // ignore
      }
    }
    this.failPending(new SignalingError('closed', 'Connection closed.'));
    this.stateObs.set('closed');
  }

  /** Sends `event` and resolves with its reply; rejects with SignalingError. */
  request<K extends ClientEventName>(event: K, data: ClientEvents[K], opts: { timeoutMs?: number } = {}): Promise<ReplyOf<K>> {
    if (event !== 'authenticate' && this.stateObs.get() !== 'open') {
      return Promise.reject(new SignalingError('not_connected', 'Not connected to the signaling server.'));
    }
    const invalid = validateClientEvent(event, data);
    if (invalid) return Promise.reject(new SignalingError('invalid_parameters', `${event}${invalid}`));
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) {
      return Promise.reject(new SignalingError('not_connected', 'Not connected to the signaling server.'));
    }
    const requestId = `r${++this.seq}`;
    const hasReply = REPLIES[event] !== null;
    return new Promise<ReplyOf<K>>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.pending.delete(requestId);
          if (hasReply) reject(new SignalingError('timeout', `No reply to ${event}.`));
          else resolve(undefined as ReplyOf<K>);
        },
        hasReply ? (opts.timeoutMs ?? this.opts.requestTimeoutMs) : this.opts.ackWindowMs,
      );
      this.pending.set(requestId, { event, resolve: resolve as (d: unknown) => void, reject, timer });
      try {
        ws.send(JSON.stringify({ event, data, requestId }));
      } catch (e) {
        clearTimeout(timer);
        this.pending.delete(requestId);
        reject(new SignalingError('not_connected', e instanceof Error ? e.message : 'send failed'));
      }
    });
  }

  // ---- connection lifecycle ---------------------------------------------------------------

  private async open(): Promise<void> {
    this.reconnectTimer = null;
    const first = !this.everAuthenticated && this.attempt === 0;
    this.stateObs.set(first ? 'connecting' : 'reconnecting');
    let token: string | null;
    try {
      token = await this.opts.getToken({ forceRefresh: this.authFailures > 0 });
    } catch {
      // The token could not be refreshed right now (network down, server unreachable): that
      // is part of the outage, not a sign-out. Retry with backoff; a session that is really
      // gone makes getToken resolve null on a later attempt.
      if (this.stopped) return;
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) return;
    if (!token) {
      this.fail(new SignalingError('unauthenticated', 'Signed out.'));
      return;
    }
    const create = this.opts.createSocket ?? ((url: string) => new WebSocket(url) as unknown as WebSocketLike);
    let ws: WebSocketLike;
    try {
      ws = create(this.opts.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.stateObs.set('authenticating');
      const data: ClientEvents['authenticate'] = { token };
      if (this.opts.organizationId) data.organizationId = this.opts.organizationId;
      if (this.opts.deviceInfo) data.deviceInfo = this.opts.deviceInfo;
      this.request('authenticate', data).then(
        (auth) => {
          if (this.ws !== ws) return;
          const reconnected = this.everAuthenticated;
          this.everAuthenticated = true;
          this.attempt = 0;
          this.authFailures = 0;
          this.retryAfterMs = 0;
          this.auth = auth;
          this.stateObs.set('open');
          this.startHeartbeat();
          this.emitter.emit('session', { authenticated: auth, reconnected });
        },
        (err: unknown) => {
          if (this.ws !== ws) return;
          if (err instanceof SignalingError) {
            if (err.code === 'invalid_token' || err.code === 'unauthenticated') this.authFailures++;
            if (err.code === 'rate_limited' && err.retryAfter) this.retryAfterMs = err.retryAfter * 1000;
          }
          this.dropSocket(ws);
        },
      );
    };
    ws.onmessage = (ev) => {
      if (this.ws === ws) this.handleMessage(ev.data);
    };
    ws.onerror = () => {
      // onclose follows
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      if (ev.code === 4001) this.authFailures++;
      this.dropSocket(ws);
    };
  }

  /** Forgets a dead socket and schedules the next attempt. */
  private dropSocket(ws: WebSocketLike): void {
    if (this.ws !== ws) return;
    this.ws = null;
    ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
    try {
      ws.close(4000, 'reconnecting');
    } catch {
      // ignore
    }
    this.stopHeartbeat();
    this.failPending(new SignalingError('disconnected', 'Connection lost.'));
    if (this.stopped) return;
    if (this.authFailures >= 2) {
      this.fail(new SignalingError('invalid_token', 'The server rejected the session. Sign in again.'));
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.opts.maxAttempts !== undefined && this.attempt >= this.opts.maxAttempts) {
      this.fail(new SignalingError('unreachable', 'Could not reconnect to the signaling server.'));
      return;
    }
    const delay = Math.max(backoffDelay(this.attempt, this.opts.backoff, this.opts.random), this.retryAfterMs);
    this.retryAfterMs = 0;
    this.attempt++;
    this.stateObs.set('reconnecting');
    this.emitter.emit('retry', { attempt: this.attempt, delayMs: delay });
    this.reconnectTimer = setTimeout(() => void this.open(), delay);
  }

  private fail(err: SignalingError): void {
    this.stopped = true;
    this.failPending(err);
    this.stateObs.set('closed');
    this.emitter.emit('fatal', err);
  }

  private failPending(err: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(err);
    }
  }

  private handleMessage(raw: unknown): void {
    if (typeof raw !== 'string') return;
    const parsed = parseServerFrame(raw);
    if (!parsed.ok) {
      this.emitter.emit('protocol-violation', { reason: parsed.reason, raw: raw.slice(0, 500) });
      return;
    }
    const { frame } = parsed;
    const pending = frame.requestId ? this.pending.get(frame.requestId) : undefined;
    if (pending && frame.requestId) {
      this.pending.delete(frame.requestId);
      clearTimeout(pending.timer);
      if (frame.event === 'error') {
        const e = frame.data as unknown as ServerEvents['error'];
        pending.reject(new SignalingError(e.code, e.message, e.retryAfter));
        if (e.code === 'rate_limited' && e.retryAfter) this.retryAfterMs = e.retryAfter * 1000;
        return;
      }
      pending.resolve(frame.data);
    }
    if (!parsed.known) return;
    if (frame.event === 'error' && pending) return;
    this.emitter.emit(frame.event as ServerEventName, frame.data as never);
  }

  // ---- heartbeat --------------------------------------------------------------------------

  private startHeartbeat(): void {
    this.stopHeartbeat();
    if (this.opts.pingIntervalMs <= 0) return;
    this.pingTimer = setInterval(() => this.heartbeat(), this.opts.pingIntervalMs);
  }

  private heartbeat(): void {
    if (this.pongTimer || !this.ws) return;
    const ws = this.ws;
    this.pongTimer = setTimeout(() => {
      this.pongTimer = null;
      this.dropSocket(ws); // no pong: the connection is dead
    }, this.opts.pongTimeoutMs);
    this.request('ping', {}, { timeoutMs: this.opts.pongTimeoutMs + 1000 }).then(
      () => {
        if (this.pongTimer) clearTimeout(this.pongTimer);
        this.pongTimer = null;
      },
      () => undefined,
    );
  }

  private stopHeartbeat(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pingTimer = null;
    this.pongTimer = null;
  }
}

/** `ws(s)://<host>/ws` for the page's origin. */
export function defaultSignalingUrl(loc: { protocol: string; host: string } = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}
