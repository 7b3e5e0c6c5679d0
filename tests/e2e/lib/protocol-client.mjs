// A Node client of the signaling protocol (docs/protocol.md) for protocol-level and negative
// tests. Every frame the server sends is validated against the server schemas of protocol.md;
// violations are collected here and in a global registry: `assertNoViolations()` (called by the
// tests' after() hooks) fails the test on any of them.
//
//   const c = await ProtocolClient.open(srv.wsUrl, { ip: user.ip, name: 'host' });
//   await c.authenticate(user.token);                       // -> authenticated data
//   const joined = await c.call('join-room', { roomId, role: 'host' }, 'room-joined');
//   const err = await c.expectError('produce', {...}, 'forbidden');
//   const ev = await c.waitFor('participant-left', (d) => d.userId === id);
import WebSocket from 'ws';
import { checkServerFrame } from './schemas.mjs';

const DEFAULT_TIMEOUT_MS = Number(process.env.TR_EVENT_TIMEOUT_MS || 10_000);
const allClients = new Set();
const globalViolations = [];

export class ProtocolError extends Error {
  constructor(what, msg) {
    super(`${what}: got error ${JSON.stringify(msg.data)}`);
    this.code = msg.data?.code;
    this.data = msg.data;
    this.msg = msg;
  }
}

export class ProtocolClient {
  constructor(url, { ip, name, headers, maxPayload } = {}) {
    this.url = url;
    this.name = name || 'client';
    this.received = []; // every parsed server message, in order: {event, data, requestId, at}
    this.unread = []; // messages not yet taken by waitFor/request
    this.waiters = [];
    this.pending = new Map(); // requestId -> {resolve, timer}
    this.violations = [];
    this.seq = 0;
    this.sentIds = new Set();
    this.closeInfo = null;
    const h = { ...(headers || {}) };
    if (ip) h['X-Forwarded-For'] = ip;
    this.ws = new WebSocket(url, { headers: h, maxPayload: maxPayload || 16 * 1024 * 1024 });
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString(), at: Date.now() };
        for (const w of this.waiters.splice(0)) w.onClose(this.closeInfo);
        for (const [, p] of this.pending) p.onClose(this.closeInfo);
        this.pending.clear();
        resolve(this.closeInfo);
      });
    });
    this.ws.on('error', (e) => { this.lastError = e; });
    this.ws.on('message', (buf, isBinary) => this.onFrame(buf, isBinary));
    allClients.add(this);
  }

  /** Opens the socket; rejects with the HTTP status when the upgrade is refused. */
  static open(url, opts = {}) {
    const c = new ProtocolClient(url, opts);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${c.name}: WebSocket open timed out (${url})`)), 10_000);
      c.ws.once('open', () => { clearTimeout(timer); resolve(c); });
      c.ws.once('unexpected-response', (req, res) => {
        clearTimeout(timer);
        reject(new Error(`${c.name}: WebSocket upgrade of ${url} refused: HTTP ${res.statusCode}`));
      });
      c.ws.once('error', (e) => { clearTimeout(timer); reject(new Error(`${c.name}: WebSocket error: ${e.message}`)); });
    });
  }

  violation(text) {
    const v = `[${this.name}] ${text}`;
    this.violations.push(v);
    globalViolations.push(v);
  }

  onFrame(buf, isBinary) {
    if (isBinary) {
      this.violation(`server sent a binary frame (${buf.length} bytes); the protocol is text frames only`);
      return;
    }
    const text = buf.toString('utf8');
    const { msg, violations } = checkServerFrame(text);
    for (const v of violations) this.violation(`${v}\n    frame: ${text.slice(0, 600)}`);
    if (!msg || typeof msg !== 'object') return;
    if (typeof msg.requestId === 'string' && !this.sentIds.has(msg.requestId)) {
      this.violation(`"${msg.event}" carries requestId ${JSON.stringify(msg.requestId)} that this client never sent ` +
        '(server-initiated events carry no requestId)');
    }
    msg.at = Date.now();
    this.received.push(msg);
    if (process.env.TR_TRACE) console.log(`# ${this.name} <- ${text.slice(0, 300)}`);
    // A reply (or error) to one of our requests?
    const rid = msg.requestId ?? (msg.event === 'error' ? msg.data?.requestId : undefined);
    if (rid !== undefined && this.pending.has(rid)) {
      const p = this.pending.get(rid);
      this.pending.delete(rid);
      p.resolve(msg);
      return;
    }
    for (let i = 0; i < this.waiters.length; i++) {
      if (this.waiters[i].match(msg)) {
        const [w] = this.waiters.splice(i, 1);
        w.resolve(msg);
        return;
      }
    }
    this.unread.push(msg);
  }

  get isOpen() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a raw frame (string or Buffer) as it is. */
  sendRaw(payload, opts) {
    if (typeof payload === 'string' && payload.length < 70000) {
      try { const m = JSON.parse(payload); if (typeof m?.requestId === 'string') this.sentIds.add(m.requestId); } catch { /* raw */ }
    }
    return new Promise((resolve, reject) => this.ws.send(payload, opts || {}, (e) => (e ? reject(e) : resolve())));
  }

  /** Sends {event, data, requestId?}; returns the requestId used. */
  async send(event, data, { requestId } = {}) {
    const msg = { event, data };
    if (requestId !== null) msg.requestId = requestId ?? `${this.name}-${++this.seq}`;
    if (typeof msg.requestId === 'string') this.sentIds.add(msg.requestId);
    if (process.env.TR_TRACE) console.log(`# ${this.name} -> ${JSON.stringify(msg).slice(0, 300)}`);
    await this.sendRaw(JSON.stringify(msg));
    return msg.requestId;
  }

  /**
   * Sends a request and resolves with the server's reply (or `error`) that echoes its requestId.
   * Rejects on timeout or when the socket closes first.
   */
  async request(event, data, { timeoutMs = DEFAULT_TIMEOUT_MS, requestId } = {}) {
    const rid = requestId ?? `${this.name}-${++this.seq}`;
    const p = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rid);
        reject(new Error(`${this.name}: no reply to "${event}" (requestId ${rid}) within ${timeoutMs} ms; ` +
          `unread: ${this.describeUnread()}`));
      }, timeoutMs);
      this.pending.set(rid, {
        resolve: (m) => { clearTimeout(timer); resolve(m); },
        onClose: (ci) => { clearTimeout(timer); reject(new Error(`${this.name}: socket closed (${ci.code} ${ci.reason}) while waiting for the reply to "${event}"`)); },
      });
    });
    await this.send(event, data, { requestId: rid });
    return p;
  }

  /** request(), asserting that the reply is `expectEvent` (not an error); resolves with its data. */
  async call(event, data, expectEvent, opts) {
    const m = await this.request(event, data, opts);
    if (m.event === 'error') throw new ProtocolError(`${this.name}: "${event}" (expected "${expectEvent}")`, m);
    if (expectEvent && m.event !== expectEvent) {
      throw new Error(`${this.name}: "${event}" answered with "${m.event}" (expected "${expectEvent}"): ${JSON.stringify(m.data).slice(0, 500)}`);
    }
    return m.data;
  }

  /** request(), asserting an `error` with the given code; resolves with the error data. */
  async expectError(event, data, code, opts) {
    const m = await this.request(event, data, opts);
    if (m.event !== 'error') {
      throw new Error(`${this.name}: "${event}" ${JSON.stringify(data).slice(0, 300)}: expected error "${code}", got "${m.event}" ${JSON.stringify(m.data).slice(0, 500)}`);
    }
    if (code && m.data.code !== code) {
      throw new Error(`${this.name}: "${event}" ${JSON.stringify(data).slice(0, 300)}: expected error "${code}", got error "${m.data.code}" (${m.data.message})`);
    }
    return m.data;
  }

  async authenticate(token, extra = {}) {
    return this.call('authenticate', { token, ...extra }, 'authenticated');
  }

  /**
   * Waits for a message with this event (already received and unread, or future) whose data
   * matches `pred` (function or object of expected field values). Resolves with its data.
   */
  waitFor(event, pred, { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    return this.waitForMessage(event, pred, { timeoutMs }).then((m) => m.data);
  }

  waitForMessage(event, pred, { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    const test = typeof pred === 'function' ? pred
      : pred ? (d) => Object.entries(pred).every(([k, v]) => d?.[k] === v) : () => true;
    const match = (m) => (event === '*' || m.event === event) && test(m.data);
    const idx = this.unread.findIndex(match);
    if (idx >= 0) return Promise.resolve(this.unread.splice(idx, 1)[0]);
    if (this.closeInfo) {
      return Promise.reject(new Error(`${this.name}: socket already closed (${this.closeInfo.code}) while waiting for "${event}"; unread: ${this.describeUnread()}`));
    }
    return new Promise((resolve, reject) => {
      const w = {
        match,
        resolve: (m) => { clearTimeout(timer); resolve(m); },
        onClose: (ci) => { clearTimeout(timer); reject(new Error(`${this.name}: socket closed (${ci.code} ${ci.reason}) while waiting for "${event}"; unread: ${this.describeUnread()}`)); },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`${this.name}: no "${event}"${pred ? ' matching ' + (typeof pred === 'function' ? pred.toString() : JSON.stringify(pred)) : ''} within ${timeoutMs} ms; unread: ${this.describeUnread()}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Asserts that no (unread) message of this event arrives within ms. */
  async expectNo(event, pred, ms = 1000) {
    try {
      const m = await this.waitForMessage(event, pred, { timeoutMs: ms });
      throw Object.assign(new Error(`${this.name}: unexpected "${event}": ${JSON.stringify(m.data).slice(0, 400)}`), { unexpected: true });
    } catch (e) {
      if (e.unexpected) throw e;
    }
  }

  /** Resolves with {code, reason} once the server closed the socket; rejects after timeoutMs. */
  async waitClose(timeoutMs = DEFAULT_TIMEOUT_MS) {
    if (this.closeInfo) return this.closeInfo;
    let timer;
    const t = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name}: socket not closed within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, t]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drops the TCP connection without a close handshake (a crashed/vanished client). */
  terminate() {
    this.ws.terminate();
  }

  close(code = 1000) {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      try { this.ws.close(code); } catch { /* ignore */ }
    }
  }

  describeUnread() {
    if (!this.unread.length) return '(none)';
    return this.unread.slice(-8).map((m) => `${m.event} ${JSON.stringify(m.data).slice(0, 160)}`).join(' | ');
  }

  assertNoViolations() {
    if (this.violations.length) throw new Error(`schema violations:\n${this.violations.join('\n')}`);
  }
}

/** Records violations found elsewhere (e.g. frames seen by the browser pages). */
export function recordViolation(text) {
  globalViolations.push(text);
}

/** Throws when any client (or page) saw a server message that violates protocol.md. */
export function assertNoViolations() {
  if (globalViolations.length) {
    const list = globalViolations.splice(0);
    throw new Error(`${list.length} message(s) violate docs/protocol.md (server frames, or page frames marked "page bug"):\n${list.slice(0, 30).join('\n')}`);
  }
}

export function closeAll() {
  for (const c of allClients) c.close();
  allClients.clear();
}

// ---------------------------------------------------------------------------------------------
// Fake media parameters for protocol-level tests (no browser). Shapes follow mediasoup v3.

export function fakeDtlsParameters(role = 'client') {
  const bytes = Array.from({ length: 32 }, (_, i) => ((i * 37 + 11) & 255).toString(16).padStart(2, '0').toUpperCase());
  return { role, fingerprints: [{ algorithm: 'sha-256', value: bytes.join(':') }] };
}

/** Opus send parameters as mediasoup-client produces them (PT 111, one SSRC). */
export function fakeAudioRtpParameters(ssrc = 11111111) {
  return {
    mid: '0',
    codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2,
      parameters: { minptime: 10, useinbandfec: 1 }, rtcpFeedback: [{ type: 'transport-cc', parameter: '' }] }],
    headerExtensions: [
      { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4, encrypt: false, parameters: {} },
      { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: 2, encrypt: false, parameters: {} },
      { uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 1, encrypt: false, parameters: {} },
    ],
    encodings: [{ ssrc, dtx: false }],
    rtcp: { cname: 'e2e-fake', reducedSize: true },
  };
}

/** A minimal receive capability set (opus + VP8) as device.recvRtpCapabilities would carry. */
export function fakeRecvRtpCapabilities(routerCaps) {
  if (routerCaps?.codecs) {
    return { codecs: routerCaps.codecs, headerExtensions: routerCaps.headerExtensions || [] };
  }
  return {
    codecs: [
      { kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] },
      { kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 101, clockRate: 90000, parameters: {}, rtcpFeedback: [] },
    ],
    headerExtensions: [],
  };
}
