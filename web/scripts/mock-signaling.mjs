#!/usr/bin/env node
// Development stand-in for the signaling server (docs/protocol.md) while the real one is
// being built: speaks the protocol over /ws with no media plane (transports never pass ICE;
// producers/consumers exist only as signaling state), and proxies every other request
// (REST API, static files) to a running `tradingroom serve`.
//
//   node scripts/mock-signaling.mjs [--port 18301] [--upstream http://localhost:18300]
//
// Every message it sends is validated against src/core/protocolSchemas.json (extracted
// from docs/protocol.md); a violation is logged as a bug in the mock.
// Tokens are decoded, not verified: this is a local development tool only.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
const schemas = JSON.parse(readFileSync(join(here, '../src/core/protocolSchemas.json'), 'utf8'));
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const PORT = Number(arg('port', process.env.MOCK_PORT ?? 18301));
const UPSTREAM = new URL(arg('upstream', process.env.TR_SERVER ?? 'http://localhost:18300'));

const id = (p) => `${p}_${randomBytes(6).toString('hex')}`;
const FB = [{ type: 'nack', parameter: '' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb', parameter: '' }];
const routerRtpCapabilities = {
  codecs: [
    { kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [{ type: 'nack', parameter: '' }] },
    { kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 101, clockRate: 90000, parameters: {}, rtcpFeedback: FB },
    { kind: 'video', mimeType: 'video/rtx', preferredPayloadType: 102, clockRate: 90000, parameters: { apt: 101 }, rtcpFeedback: [] },
  ],
  headerExtensions: [
    { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1, preferredEncrypt: false, direction: 'sendrecv' },
    { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1, preferredEncrypt: false, direction: 'sendrecv' },
    { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', preferredId: 2, preferredEncrypt: false, direction: 'recvonly' },
  ],
};
const PERMS = {
  owner: ['manage_billing', 'manage_organization', 'create_workspaces', 'create_rooms', 'stream', 'share_screen', 'mute_participants', 'remove_participants', 'chat', 'view', 'upload_files', 'view_analytics', 'manage_integrations'],
  host: ['create_rooms', 'stream', 'share_screen', 'mute_participants', 'remove_participants', 'chat', 'view', 'upload_files', 'view_analytics'],
  'co-host': ['stream', 'share_screen', 'mute_participants', 'remove_participants', 'chat', 'view', 'upload_files'],
  moderator: ['mute_participants', 'remove_participants', 'chat', 'view'],
  viewer: ['chat', 'view'],
};
const RANK = { viewer: 1, moderator: 2, 'co-host': 3, host: 4 };

// ---- minimal schema check (same subset as src/core/protocol.ts) ----
function typeOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}
function check(s, v, path = '') {
  if (s.type) {
    const allowed = [].concat(s.type);
    const t = typeOf(v);
    if (!allowed.some((a) => a === t || (a === 'number' && t === 'integer'))) return `${path}: ${t}`;
  }
  if (s.enum && !s.enum.includes(v)) return `${path}: enum`;
  if (Array.isArray(v) && s.items) for (let i = 0; i < v.length; i++) { const e = check(s.items, v[i], `${path}/${i}`); if (e) return e; }
  if (Array.isArray(v) && s.minItems && v.length < s.minItems) return `${path}: minItems`;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const k of s.required ?? []) if (!(k in v)) return `${path}/${k}: required`;
    for (const [k, sub] of Object.entries(s.properties ?? {})) if (k in v) { const e = check(sub, v[k], `${path}/${k}`); if (e) return e; }
  }
  return null;
}

// ---- state ----
const rooms = new Map(); // roomId -> { participants: Map<userId, P>, chat: [] }
function room(roomId) {
  if (!rooms.has(roomId)) rooms.set(roomId, { participants: new Map(), chat: [] });
  return rooms.get(roomId);
}

function send(ws, event, data, requestId) {
  const schema = schemas.server[event];
  const err = schema ? check(schema, data) : `unknown event ${event}`;
  if (err) console.error(`[mock] BUG: ${event} violates its schema: ${err}`);
  const msg = { event, data };
  if (requestId) msg.requestId = requestId;
  if (ws.readyState === 1) ws.send(JSON.stringify(msg));
}
function broadcast(r, event, data, except) {
  for (const p of r.participants.values()) if (p.userId !== except) send(p.ws, event, data);
}
function decodeJwt(token) {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}
function producersOf(p) {
  return [...p.producers.values()].map((pr) => ({ producerId: pr.id, kind: pr.kind, appData: pr.appData, paused: pr.paused }));
}
function consumerParams(pr) {
  const ssrc = 100000 + Math.floor(Math.random() * 1e6);
  if (pr.kind === 'audio') {
    return { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }], encodings: [{ ssrc }], headerExtensions: [], rtcp: { cname: `mock-${pr.id}`, reducedSize: true } };
  }
  const layers = pr.appData.source === 'screen' ? 'L1T3' : 'L3T3';
  return {
    codecs: [
      { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, parameters: {}, rtcpFeedback: FB },
      { mimeType: 'video/rtx', payloadType: 102, clockRate: 90000, parameters: { apt: 101 }, rtcpFeedback: [] },
    ],
    encodings: [{ ssrc, rtx: { ssrc: ssrc + 1 }, scalabilityMode: layers }],
    headerExtensions: [],
    rtcp: { cname: `mock-${pr.id}`, reducedSize: true },
  };
}
function leave(conn, reason) {
  const r = conn.roomId && rooms.get(conn.roomId);
  if (!r || !conn.participant) return;
  const p = conn.participant;
  for (const pr of p.producers.values()) broadcast(r, 'producer-closed', { producerId: pr.id, userId: p.userId }, p.userId);
  r.participants.delete(p.userId);
  broadcast(r, 'participant-left', reason ? { userId: p.userId, reason } : { userId: p.userId });
  conn.participant = null;
  conn.roomId = null;
}

function handle(conn, msg) {
  const { ws } = conn;
  const { event, data = {}, requestId } = msg;
  const reply = (e, d) => send(ws, e, d, requestId);
  const fail = (code, message) => send(ws, 'error', requestId ? { code, message, requestId } : { code, message }, requestId);
  if (!schemas.client[event]) return fail('unknown_event', `no such event ${event}`);
  const invalid = check(schemas.client[event], data);
  if (invalid) return fail('invalid_parameters', `${event}${invalid}`);
  if (event !== 'authenticate' && !conn.user) return fail('unauthenticated', 'authenticate first');
  const r = conn.roomId ? rooms.get(conn.roomId) : null;
  const me = conn.participant;
  switch (event) {
    case 'authenticate': {
      const claims = decodeJwt(data.token);
      if (!claims?.sub) {
        fail('invalid_token', 'bad token');
        return ws.close(4001);
      }
      conn.user = { userId: claims.sub, email: claims.email ?? '', name: claims.user_metadata?.display_name ?? claims.email ?? claims.sub };
      return reply('authenticated', {
        userId: claims.sub,
        organizationId: data.organizationId ?? 'org_mock',
        role: 'owner',
        permissions: PERMS.owner,
        limits: { maxRooms: null, maxViewers: null, maxWorkspaces: null, maxHosts: null },
        plan: 'mock',
      });
    }
    case 'join-room': {
      if (me) leave(conn);
      const rr = room(data.roomId);
      if (rr.closed) return fail('room_closed', 'the room is closed');
      const role = data.role ?? 'viewer';
      const p = { userId: conn.user.userId, displayName: data.displayName || conn.user.name, role, producers: new Map(), ws, conn };
      const old = rr.participants.get(p.userId);
      if (old) old.conn.participant = null;
      conn.roomId = data.roomId;
      conn.participant = p;
      const others = [...rr.participants.values()].filter((o) => o.userId !== p.userId);
      rr.participants.set(p.userId, p);
      reply('room-joined', {
        roomId: data.roomId,
        routerRtpCapabilities,
        participants: others.map((o) => ({ userId: o.userId, displayName: o.displayName, role: o.role, producers: producersOf(o) })),
        sfuNode: 'mock',
        chatHistory: rr.chat.slice(-100),
        you: { userId: p.userId, role, displayName: p.displayName },
      });
      return broadcast(rr, 'participant-joined', { userId: p.userId, displayName: p.displayName, role }, p.userId);
    }
    case 'create-transport': {
      if (!me) return fail('invalid_state', 'join first');
      if (data.direction === 'send' && !(RANK[me.role] >= 3)) return fail('forbidden', 'stream permission needed');
      const fp = Array.from({ length: 32 }, () => randomBytes(1).toString('hex').toUpperCase()).join(':');
      return reply('transport-created', {
        transportId: id('tr'),
        direction: data.direction,
        iceParameters: { usernameFragment: randomBytes(8).toString('hex'), password: randomBytes(16).toString('hex'), iceLite: true },
        iceCandidates: [{ foundation: 'udpcandidate', priority: 1076302079, ip: '127.0.0.1', address: '127.0.0.1', protocol: 'udp', port: 9, type: 'host' }],
        dtlsParameters: { role: 'auto', fingerprints: [{ algorithm: 'sha-256', value: fp }] },
      });
    }
    case 'connect-transport':
      return reply('transport-connected', { transportId: data.transportId });
    case 'produce': {
      if (!me) return fail('invalid_state', 'join first');
      const pr = { id: id('pr'), kind: data.kind, appData: { source: data.appData?.source ?? (data.kind === 'audio' ? 'microphone' : 'camera'), displayName: me.displayName }, paused: false };
      me.producers.set(pr.id, pr);
      reply('produced', { producerId: pr.id, kind: pr.kind });
      return broadcast(r, 'new-producer', { producerId: pr.id, producerUserId: me.userId, kind: pr.kind, appData: pr.appData, paused: false }, me.userId);
    }
    case 'consume': {
      const owner = r && [...r.participants.values()].find((o) => o.producers.has(data.producerId));
      if (!owner) return fail('not_found', 'unknown producer');
      const pr = owner.producers.get(data.producerId);
      return reply('consumer-created', { consumerId: id('co'), producerId: pr.id, kind: pr.kind, rtpParameters: consumerParams(pr), appData: pr.appData, type: pr.kind === 'video' ? 'simulcast' : 'simple', producerPaused: pr.paused, paused: true });
    }
    case 'resume-consumer':
      reply('consumer-resumed', { consumerId: data.consumerId });
      return send(ws, 'layers-changed', { consumerId: data.consumerId, spatialLayer: 2, temporalLayer: 2 });
    case 'pause-consumer':
      return reply('consumer-paused', { consumerId: data.consumerId });
    case 'set-preferred-layers':
      reply('layers-set', { consumerId: data.consumerId, spatialLayer: data.spatialLayer, temporalLayer: data.temporalLayer ?? null });
      return send(ws, 'layers-changed', { consumerId: data.consumerId, spatialLayer: data.spatialLayer, temporalLayer: data.temporalLayer ?? 2 });
    case 'pause-producer':
    case 'resume-producer':
    case 'close-producer': {
      const pr = me?.producers.get(data.producerId);
      if (!pr) return fail('not_found', 'unknown producer');
      const ev = { 'pause-producer': 'producer-paused', 'resume-producer': 'producer-resumed', 'close-producer': 'producer-closed' }[event];
      if (event === 'close-producer') me.producers.delete(pr.id);
      else pr.paused = event === 'pause-producer';
      reply(ev, { producerId: pr.id, userId: me.userId });
      return broadcast(r, ev, { producerId: pr.id, userId: me.userId }, me.userId);
    }
    case 'restart-ice':
      return reply('ice-restarted', { transportId: data.transportId, iceParameters: { usernameFragment: randomBytes(8).toString('hex'), password: randomBytes(16).toString('hex'), iceLite: true } });
    case 'leave-room': {
      const roomId = conn.roomId ?? data.roomId ?? '';
      leave(conn);
      return reply('left-room', { roomId });
    }
    case 'close-room': {
      if (!r || !me || me.role !== 'host') return fail('forbidden', 'only the host can close the room');
      r.closed = true;
      const closedId = conn.roomId;
      for (const p of r.participants.values()) {
        send(p.ws, 'room-closed', { roomId: closedId, reason: 'closed_by_host' }, p.userId === me.userId ? requestId : undefined);
        p.conn.participant = null;
        p.conn.roomId = null;
      }
      r.participants.clear();
      setTimeout(() => rooms.delete(closedId), 30_000); // reopenable later
      return;
    }
    case 'send-chat': {
      if (!me) return fail('invalid_state', 'join first');
      const m = { messageId: id('msg'), userId: me.userId, displayName: me.displayName, role: me.role, text: data.text, sentAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
      r.chat.push(m);
      send(ws, 'chat-message', m, requestId);
      return broadcast(r, 'chat-message', m, me.userId);
    }
    case 'delete-chat': {
      const m = r?.chat.find((x) => x.messageId === data.messageId);
      if (!m) return fail('not_found', 'unknown message');
      if (m.userId !== me.userId && !(RANK[me.role] >= 2)) return fail('forbidden', 'mute_participants needed');
      r.chat = r.chat.filter((x) => x !== m);
      send(ws, 'chat-deleted', { messageId: m.messageId, deletedBy: me.userId }, requestId);
      return broadcast(r, 'chat-deleted', { messageId: m.messageId, deletedBy: me.userId }, me.userId);
    }
    case 'mute-participant':
    case 'remove-participant': {
      const target = r?.participants.get(data.userId);
      if (!target) return fail('not_found', 'not in the room');
      if (!(RANK[me.role] >= 2) || RANK[target.role] > RANK[me.role]) return fail('forbidden', 'not allowed');
      if (event === 'remove-participant') {
        send(target.ws, 'removed', { roomId: conn.roomId, by: me.userId });
        leave(target.conn, 'removed');
        return;
      }
      const kind = data.kind ?? 'audio';
      for (const pr of target.producers.values()) {
        if (kind === 'all' || pr.kind === kind) {
          pr.paused = true;
          broadcast(r, 'producer-paused', { producerId: pr.id, userId: target.userId });
        }
      }
      return send(target.ws, 'muted', { by: me.userId, kind });
    }
    case 'ping':
      return reply('pong', {});
    default:
      return fail('unknown_event', event);
  }
}

const server = http.createServer((req, res) => {
  const up = http.request({ hostname: UPSTREAM.hostname, port: UPSTREAM.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
    res.writeHead(r.statusCode ?? 502, r.headers);
    r.pipe(res);
  });
  up.on('error', () => {
    res.writeHead(502);
    res.end('upstream unavailable');
  });
  req.pipe(up);
});
const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  if (new URL(req.url, 'http://x').pathname !== '/ws') return socket.destroy();
  wss.handleUpgrade(req, socket, head, (ws) => {
    const conn = { ws, user: null, roomId: null, participant: null };
    const timer = setTimeout(() => {
      if (!conn.user) {
        send(ws, 'error', { code: 'unauthenticated', message: 'authenticate within 10 s' });
        ws.close(4001);
      }
    }, 10_000);
    ws.on('message', (raw) => {
      let msg;
      try {
        msg = JSON.parse(String(raw));
      } catch {
        return send(ws, 'error', { code: 'invalid_message', message: 'not JSON' });
      }
      if (!msg || typeof msg.event !== 'string') return send(ws, 'error', { code: 'invalid_message', message: 'missing event' });
      handle(conn, msg);
    });
    ws.on('close', () => {
      clearTimeout(timer);
      leave(conn);
    });
  });
});
server.listen(PORT, '127.0.0.1', () => console.log(`[mock] signaling on ws://127.0.0.1:${PORT}/ws, proxying HTTP to ${UPSTREAM.origin}`));
