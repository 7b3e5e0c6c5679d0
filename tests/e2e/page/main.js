// Browser side of the e2e tests: one participant per page, driven by Playwright through
// `window.tr`. Uses the unmodified npm package mediasoup-client over our signaling
// (docs/protocol.md): authenticate -> join-room -> device.load(routerRtpCapabilities) ->
// create-transport / connect-transport / produce ; consume -> resume-consumer.
//
// Every tr.* function returns plain JSON (Playwright serializes it) and throws Error objects
// whose message names the event and the server's error code.
import { Device, version as msVersion } from 'mediasoup-client';

const REQUEST_TIMEOUT_MS = 15000;

// Blueprint simulcast ladder for the camera (low -> high, as mediasoup-client expects):
// 360p@15 300 kbps, 720p 1000 kbps, 1080p 2500 kbps (scaled from a 1080p capture).
export const CAMERA_ENCODINGS = [
  { scaleResolutionDownBy: 3, maxBitrate: 300000, maxFramerate: 15 },
  { scaleResolutionDownBy: 1.5, maxBitrate: 1000000 },
  { scaleResolutionDownBy: 1, maxBitrate: 2500000 },
];

const S = {
  ws: null,
  authenticated: null,
  roomId: null,
  joined: null,
  device: null,
  send: null, // send transport
  recv: null, // recv transport
  sendCreated: null, // transport-created data
  recvCreated: null,
  producers: new Map(), // source -> Producer
  known: new Map(), // producerId -> {producerId, producerUserId, kind, appData, paused}
  consumers: new Map(), // consumerId -> {consumer, producerId, kind, source, userId, el, firstFrameAt, resumedAt}
  consuming: new Map(), // producerId -> Promise
  log: [], // every server message {event, data, requestId, at}
  errors: [], // async errors in handlers
  pending: new Map(), // requestId -> {resolve, reject, timer, event}
  waiters: [],
  seq: 0,
  autoSubscribe: false,
  opts: {},
  marks: {}, // timing marks (performance.now())
  localStreams: [],
};

function now() { return performance.now(); }

function status(text) {
  const el = document.getElementById('status');
  if (el) el.textContent = text;
}

function fail(e) {
  const msg = e && e.stack ? `${e.message}` : String(e);
  S.errors.push(msg);
  console.error('[tr] ' + msg);
}

class SignalError extends Error {
  constructor(event, data) {
    super(`"${event}" -> error ${data.code}: ${data.message}`);
    this.code = data.code;
    this.data = data;
  }
}

// --------------------------------------------------------------------------------------------
// signaling

function onMessage(ev) {
  let msg;
  try {
    msg = JSON.parse(ev.data);
  } catch (e) {
    fail(new Error(`non-JSON frame from server: ${String(ev.data).slice(0, 200)}`));
    return;
  }
  msg.at = now();
  S.log.push(msg);
  const rid = msg.requestId ?? (msg.event === 'error' ? msg.data?.requestId : undefined);
  if (rid !== undefined && S.pending.has(rid)) {
    const p = S.pending.get(rid);
    S.pending.delete(rid);
    clearTimeout(p.timer);
    p.resolve(msg);
  }
  try {
    handleServerEvent(msg);
  } catch (e) {
    fail(e);
  }
  for (let i = S.waiters.length - 1; i >= 0; i--) {
    const w = S.waiters[i];
    if (!w.done && w.match(msg)) {
      w.done = true;
      S.waiters.splice(i, 1);
      w.resolve(msg.data);
    }
  }
}

function request(event, data, { timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
  if (!S.ws || S.ws.readyState !== WebSocket.OPEN) {
    return Promise.reject(new Error(`"${event}": socket not open`));
  }
  const requestId = `p${++S.seq}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      S.pending.delete(requestId);
      reject(new Error(`"${event}" (requestId ${requestId}): no reply within ${timeoutMs} ms`));
    }, timeoutMs);
    S.pending.set(requestId, { resolve, reject, timer, event });
    S.ws.send(JSON.stringify({ event, data, requestId }));
  });
}

async function call(event, data, expectEvent) {
  const m = await request(event, data);
  if (m.event === 'error') throw new SignalError(event, m.data);
  if (expectEvent && m.event !== expectEvent) {
    throw new Error(`"${event}" answered with "${m.event}" (expected "${expectEvent}"): ${JSON.stringify(m.data).slice(0, 300)}`);
  }
  return m.data;
}

function matcher(event, match) {
  return (m) => m.event === event && (!match || Object.entries(match).every(([k, v]) => m.data?.[k] === v));
}

function waitFor(event, match, timeoutMs = REQUEST_TIMEOUT_MS, { includePast = true } = {}) {
  const test = matcher(event, match);
  if (includePast) {
    const past = S.log.find(test);
    if (past) return Promise.resolve(past.data);
  }
  return new Promise((resolve, reject) => {
    const w = { match: test, resolve, done: false };
    S.waiters.push(w);
    setTimeout(() => {
      if (w.done) return;
      w.done = true;
      const i = S.waiters.indexOf(w);
      if (i >= 0) S.waiters.splice(i, 1);
      const recent = S.log.slice(-6).map((m) => `${m.event} ${JSON.stringify(m.data).slice(0, 120)}`).join(' | ');
      reject(new Error(`no "${event}"${match ? ' ' + JSON.stringify(match) : ''} within ${timeoutMs} ms; last events: ${recent}`));
    }, timeoutMs);
  });
}

function handleServerEvent(msg) {
  const d = msg.data || {};
  switch (msg.event) {
    case 'new-producer':
      S.known.set(d.producerId, { producerId: d.producerId, producerUserId: d.producerUserId, kind: d.kind,
        appData: d.appData || {}, paused: !!d.paused });
      if (S.autoSubscribe && S.recv) consume(d.producerId).catch(fail);
      break;
    case 'producer-closed': {
      S.known.delete(d.producerId);
      for (const [id, c] of S.consumers) {
        if (c.producerId === d.producerId) closeConsumerLocally(id, 'producer-closed');
      }
      break;
    }
    case 'consumer-closed':
      closeConsumerLocally(d.consumerId, d.reason || 'consumer-closed');
      break;
    case 'participant-left':
      for (const [pid, p] of S.known) if (p.producerUserId === d.userId) S.known.delete(pid);
      break;
    case 'room-closed':
    case 'removed':
      teardown();
      break;
    default:
      break;
  }
}

function closeConsumerLocally(consumerId, reason) {
  const c = S.consumers.get(consumerId);
  if (!c) return;
  c.closed = reason;
  try { c.consumer.close(); } catch (e) { /* already closed */ }
  if (c.el) c.el.remove();
}

/** Local cleanup after leaving / room closed / removed: a later join starts from scratch. */
function teardown() {
  for (const id of S.consumers.keys()) closeConsumerLocally(id, 'teardown');
  for (const p of S.producers.values()) { try { p.close(); } catch (e) { /* closed */ } }
  try { S.send && S.send.close(); } catch (e) { /* closed */ }
  try { S.recv && S.recv.close(); } catch (e) { /* closed */ }
  S.send = null;
  S.recv = null;
  S.producers.clear();
  S.consumers.clear();
  S.consuming.clear();
  S.known.clear();
  S.autoSubscribe = false;
}

// --------------------------------------------------------------------------------------------
// transports

function transportOptions(created) {
  let iceCandidates = created.iceCandidates;
  if (S.opts.dropUdpCandidates) iceCandidates = iceCandidates.filter((c) => c.protocol !== 'udp');
  return {
    id: created.transportId,
    iceParameters: created.iceParameters,
    iceCandidates,
    dtlsParameters: created.dtlsParameters,
    sctpParameters: created.sctpParameters,
    iceTransportPolicy: S.opts.iceTransportPolicy,
  };
}

function watchTransport(t, direction) {
  t.on('connectionstatechange', (st) => {
    S.marks[`${direction}-${st}`] = S.marks[`${direction}-${st}`] ?? now();
    console.log(`[tr] ${direction} transport ${st}`);
  });
  t.on('connect', ({ dtlsParameters }, callback, errback) => {
    call('connect-transport', { transportId: t.id, dtlsParameters }, 'transport-connected')
      .then(() => callback(), errback);
  });
}

async function ensureSendTransport() {
  if (S.send) return S.send;
  const data = { roomId: S.roomId, direction: 'send' };
  if (S.opts.forceTcp) data.forceTcp = true;
  const created = await call('create-transport', data, 'transport-created');
  S.sendCreated = created;
  const t = S.device.createSendTransport(transportOptions(created));
  watchTransport(t, 'send');
  t.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
    call('produce', { transportId: t.id, kind, rtpParameters, appData: { source: appData.source } }, 'produced')
      .then((d) => callback({ id: d.producerId }), errback);
  });
  S.send = t;
  return t;
}

async function ensureRecvTransport() {
  if (S.recv) return S.recv;
  const data = { roomId: S.roomId, direction: 'recv' };
  if (S.opts.forceTcp) data.forceTcp = true;
  S.marks.recvCreateSent = now();
  const created = await call('create-transport', data, 'transport-created');
  S.marks.recvCreated = now();
  S.recvCreated = created;
  const t = S.device.createRecvTransport(transportOptions(created));
  watchTransport(t, 'recv');
  S.recv = t;
  return t;
}

// --------------------------------------------------------------------------------------------
// media

async function cameraTrack(opts) {
  const video = opts.videoConstraints || { width: { ideal: 1920 }, height: { ideal: 1080 }, frameRate: { ideal: 30 } };
  const stream = await navigator.mediaDevices.getUserMedia({ video });
  S.localStreams.push(stream);
  return stream.getVideoTracks()[0];
}

async function microphoneTrack() {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  S.localStreams.push(stream);
  return stream.getAudioTracks()[0];
}

async function screenTrack(opts) {
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: opts.screenConstraints || true, audio: false });
  S.localStreams.push(stream);
  return stream.getVideoTracks()[0];
}

function pickCodec(kind, mime) {
  if (!mime) return undefined;
  const c = S.device.rtpCapabilities.codecs.find((x) => x.kind === kind && x.mimeType.toLowerCase() === mime.toLowerCase());
  if (!c) throw new Error(`the router/device has no ${mime} codec`);
  return c;
}

async function produce(source, track, { encodings, codec, codecOptions } = {}) {
  const t = await ensureSendTransport();
  const producer = await t.produce({
    track,
    encodings,
    codecOptions,
    codec,
    stopTracks: true,
    appData: { source },
  });
  S.producers.set(source, producer);
  producer.on('transportclose', () => S.producers.delete(source));
  return producer;
}

function attach(entry) {
  const { consumer } = entry;
  const media = document.getElementById('media');
  const el = document.createElement(consumer.kind === 'video' ? 'video' : 'audio');
  el.autoplay = true;
  el.playsInline = true;
  if (consumer.kind === 'video') el.muted = true;
  el.dataset.consumerId = consumer.id;
  el.dataset.source = entry.source || '';
  el.srcObject = new MediaStream([consumer.track]);
  media.appendChild(el);
  el.play().catch((e) => console.log(`[tr] play() of ${consumer.kind}: ${e.name} ${e.message}`));
  entry.el = el;
  if (consumer.kind === 'video' && el.requestVideoFrameCallback) {
    el.requestVideoFrameCallback((ts, meta) => {
      entry.firstFrameAt = now();
      entry.firstFrameMeta = { width: meta.width, height: meta.height, presentedFrames: meta.presentedFrames };
    });
  }
}

async function consume(producerId) {
  if (S.consuming.has(producerId)) return S.consuming.get(producerId);
  const p = (async () => {
    const recv = await ensureRecvTransport();
    const info = S.known.get(producerId) || {};
    const sent = now();
    const data = await call('consume', { producerId, rtpCapabilities: consumeCapabilities() }, 'consumer-created');
    const created = now();
    const consumer = await recv.consume({
      id: data.consumerId, producerId: data.producerId, kind: data.kind, rtpParameters: data.rtpParameters,
      appData: data.appData || {},
    });
    const entry = {
      consumer, producerId, kind: data.kind, consumerType: data.type, rtpParameters: data.rtpParameters,
      source: (data.appData && data.appData.source) || (info.appData && info.appData.source),
      userId: info.producerUserId, consumeSentAt: sent, createdAt: created,
    };
    S.consumers.set(consumer.id, entry);
    attach(entry);
    await call('resume-consumer', { consumerId: consumer.id }, 'consumer-resumed');
    entry.resumedAt = now();
    return summarizeConsumer(entry);
  })();
  S.consuming.set(producerId, p);
  p.catch(() => S.consuming.delete(producerId));
  return p;
}

/**
 * The rtpCapabilities sent with `consume`: the device's, or with `connect(..., {noNack: true})`
 * the same without generic NACK (rtcpFeedback {type: "nack"} with no parameter; "nack pli"
 * stays) and without RTX codecs, so the SFU negotiates neither for this page's consumers.
 */
function consumeCapabilities() {
  const caps = S.device.recvRtpCapabilities;
  if (!S.opts.noNack) return caps;
  const c = JSON.parse(JSON.stringify(caps));
  c.codecs = c.codecs
    .filter((x) => !/\/rtx$/i.test(x.mimeType))
    .map((x) => ({ ...x, rtcpFeedback: (x.rtcpFeedback || []).filter((fb) => !(fb.type === 'nack' && !fb.parameter)) }));
  return c;
}

function summarizeConsumer(e) {
  return { consumerId: e.consumer.id, producerId: e.producerId, kind: e.kind, source: e.source, userId: e.userId,
    type: e.consumerType, closed: e.closed || null };
}

// --------------------------------------------------------------------------------------------
// stats

function statsToArray(report) {
  const out = [];
  report.forEach((r) => out.push(r));
  return out;
}

function selectedPair(report) {
  let pair = null;
  report.forEach((r) => {
    if (r.type === 'transport' && r.selectedCandidatePairId) pair = report.get(r.selectedCandidatePairId);
  });
  if (!pair) {
    report.forEach((r) => {
      if (!pair && r.type === 'candidate-pair' && r.state === 'succeeded' && (r.nominated || r.selected)) pair = r;
    });
  }
  if (!pair) return null;
  const l = report.get(pair.localCandidateId) || {};
  const rc = report.get(pair.remoteCandidateId) || {};
  return {
    state: pair.state, nominated: pair.nominated, bytesSent: pair.bytesSent, bytesReceived: pair.bytesReceived,
    currentRoundTripTime: pair.currentRoundTripTime, availableOutgoingBitrate: pair.availableOutgoingBitrate,
    availableIncomingBitrate: pair.availableIncomingBitrate,
    local: { protocol: l.protocol, candidateType: l.candidateType, address: l.address, port: l.port, tcpType: l.tcpType, relayProtocol: l.relayProtocol },
    remote: { protocol: rc.protocol, candidateType: rc.candidateType, address: rc.address, port: rc.port, tcpType: rc.tcpType },
  };
}

async function transportStats(t) {
  if (!t || t.closed) return null;
  const report = await t.getStats();
  const arr = statsToArray(report);
  return {
    id: t.id,
    connectionState: t.connectionState,
    selectedPair: selectedPair(report),
    localCandidates: arr.filter((r) => r.type === 'local-candidate').map((r) => ({ protocol: r.protocol, address: r.address, port: r.port, candidateType: r.candidateType, tcpType: r.tcpType })),
    remoteCandidates: arr.filter((r) => r.type === 'remote-candidate').map((r) => ({ protocol: r.protocol, address: r.address, port: r.port, tcpType: r.tcpType })),
  };
}

async function consumerStats(e) {
  const base = summarizeConsumer(e);
  if (e.closed) return base;
  const report = await e.consumer.getStats();
  let inbound = null;
  report.forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === e.kind) inbound = r; });
  const s = inbound || {};
  let codec = null;
  if (s.codecId && report.get(s.codecId)) codec = report.get(s.codecId).mimeType;
  return {
    ...base,
    codec,
    packetsReceived: s.packetsReceived ?? 0,
    packetsLost: s.packetsLost ?? 0,
    bytesReceived: s.bytesReceived ?? 0,
    framesDecoded: s.framesDecoded ?? 0,
    framesReceived: s.framesReceived ?? 0,
    keyFramesDecoded: s.keyFramesDecoded ?? 0,
    frameWidth: s.frameWidth ?? null,
    frameHeight: s.frameHeight ?? null,
    framesPerSecond: s.framesPerSecond ?? null,
    totalSamplesReceived: s.totalSamplesReceived ?? 0,
    // loss recovery / smoothness (Chromium inbound-rtp)
    freezeCount: s.freezeCount ?? null,
    totalFreezesDuration: s.totalFreezesDuration ?? null,
    pauseCount: s.pauseCount ?? null,
    totalPausesDuration: s.totalPausesDuration ?? null,
    framesDropped: s.framesDropped ?? null,
    nackCount: s.nackCount ?? null,
    pliCount: s.pliCount ?? null,
    firCount: s.firCount ?? null,
    retransmittedPacketsReceived: s.retransmittedPacketsReceived ?? null,
    retransmittedBytesReceived: s.retransmittedBytesReceived ?? null,
    packetsDiscarded: s.packetsDiscarded ?? null,
    jitterBufferDelay: s.jitterBufferDelay ?? null,
    jitterBufferEmittedCount: s.jitterBufferEmittedCount ?? null,
    concealedSamples: s.concealedSamples ?? 0,
    audioLevel: s.audioLevel ?? null,
    trackState: e.consumer.track.readyState,
    elementSize: e.el && e.kind === 'video' ? { videoWidth: e.el.videoWidth, videoHeight: e.el.videoHeight } : null,
    firstFrameMeta: e.firstFrameMeta || null,
  };
}

async function producerStats(source, p) {
  const out = { source, producerId: p.id, kind: p.kind, closed: p.closed, paused: p.paused, layers: [] };
  if (p.closed) return out;
  const report = await p.getStats();
  report.forEach((r) => {
    if (r.type === 'outbound-rtp') {
      out.layers.push({
        rid: r.rid ?? null, ssrc: r.ssrc, active: r.active, frameWidth: r.frameWidth ?? null, frameHeight: r.frameHeight ?? null,
        framesPerSecond: r.framesPerSecond ?? null, framesEncoded: r.framesEncoded ?? 0, framesSent: r.framesSent ?? 0,
        packetsSent: r.packetsSent ?? 0, bytesSent: r.bytesSent ?? 0, targetBitrate: r.targetBitrate ?? null,
        qualityLimitationReason: r.qualityLimitationReason ?? null, encoderImplementation: r.encoderImplementation ?? null,
        scalabilityMode: r.scalabilityMode ?? null,
      });
    }
  });
  out.layers.sort((a, b) => String(a.rid).localeCompare(String(b.rid)));
  const s = p.track ? p.track.getSettings() : {};
  out.trackSettings = { width: s.width, height: s.height, frameRate: s.frameRate };
  return out;
}

// --------------------------------------------------------------------------------------------
// public API

const tr = {
  version: msVersion,

  /**
   * Opens the signaling socket and authenticates; resolves with the `authenticated` data.
   * opts: dropUdpCandidates, forceTcp, iceTransportPolicy, organizationId, noNack (consume
   * without NACK/RTX, see consumeCapabilities()).
   */
  async connect(url, token, opts = {}) {
    S.opts = { ...S.opts, ...opts };
    const wsUrl = url || `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    S.ws = new WebSocket(wsUrl);
    S.ws.onmessage = onMessage;
    S.ws.onclose = (ev) => {
      S.closeInfo = { code: ev.code, reason: ev.reason };
      for (const [, p] of S.pending) { clearTimeout(p.timer); p.reject(new Error(`"${p.event}": socket closed (${ev.code} ${ev.reason})`)); }
      S.pending.clear();
    };
    await new Promise((resolve, reject) => {
      S.ws.onopen = resolve;
      S.ws.onerror = () => reject(new Error(`WebSocket to ${wsUrl} failed`));
      setTimeout(() => reject(new Error(`WebSocket to ${wsUrl}: open timed out`)), 10000);
    });
    const auth = { token };
    if (opts.organizationId) auth.organizationId = opts.organizationId;
    auth.deviceInfo = { userAgent: navigator.userAgent.slice(0, 500), platform: 'e2e' };
    S.authenticated = await call('authenticate', auth, 'authenticated');
    status(`authenticated as ${S.authenticated.userId}`);
    return S.authenticated;
  },

  /** join-room + device.load(). Resolves with {joined, timing}. */
  async join(roomId, role = 'viewer', { displayName } = {}) {
    S.roomId = roomId;
    const data = { roomId, role };
    if (displayName) data.displayName = displayName;
    S.marks.joinSent = now();
    const joined = await call('join-room', data, 'room-joined');
    S.marks.joined = now();
    S.joined = joined;
    for (const p of joined.participants || []) {
      for (const pr of p.producers || []) {
        S.known.set(pr.producerId, { producerId: pr.producerId, producerUserId: p.userId, kind: pr.kind,
          appData: pr.appData || {}, paused: !!pr.paused });
      }
    }
    S.device = new Device();
    await S.device.load({ routerRtpCapabilities: joined.routerRtpCapabilities });
    S.marks.deviceLoaded = now();
    status(`joined ${roomId} as ${role} (${S.device.handlerName})`);
    return {
      joined: { roomId: joined.roomId, sfuNode: joined.sfuNode, participants: joined.participants },
      handlerName: S.device.handlerName,
      canProduceVideo: S.device.canProduce('video'),
      canProduceAudio: S.device.canProduce('audio'),
      timing: { joinMs: S.marks.joined - S.marks.joinSent, loadMs: S.marks.deviceLoaded - S.marks.joined },
    };
  },

  /**
   * Publishes the requested sources. camera: VP8 simulcast with the blueprint ladder (or
   * `encodings`; `scalabilityMode`, e.g. 'L1T3', is set on every camera encoding); microphone:
   * opus; screen: getDisplayMedia, one encoding.
   * Resolves with {camera: producerId, microphone: ..., screen: ...}.
   */
  async publish({ camera = false, microphone = false, screen = false, encodings, videoCodec = 'video/VP8',
    videoConstraints, screenConstraints, startBitrateKbps = 1000, scalabilityMode } = {}) {
    const out = {};
    const codecOptions = { videoGoogleStartBitrate: startBitrateKbps };
    if (camera) {
      const track = await cameraTrack({ videoConstraints });
      let enc = encodings || CAMERA_ENCODINGS;
      // e.g. 'L1T3': every simulcast layer with three VP8 temporal layers
      if (scalabilityMode) enc = enc.map((e) => ({ ...e, scalabilityMode }));
      const p = await produce('camera', track, { encodings: enc,
        codec: pickCodec('video', videoCodec), codecOptions });
      out.camera = p.id;
    }
    if (microphone) {
      const track = await microphoneTrack();
      const p = await produce('microphone', track, {});
      out.microphone = p.id;
    }
    if (screen) {
      const track = await screenTrack({ screenConstraints });
      const p = await produce('screen', track, { codec: pickCodec('video', videoCodec), codecOptions,
        encodings: [{ maxBitrate: 1500000 }] });
      out.screen = p.id;
    }
    return out;
  },

  /** Consumes every known producer of the others (not yet consumed); returns the consumers. */
  async subscribeAll({ auto = true } = {}) {
    S.autoSubscribe = auto;
    await ensureRecvTransport();
    const mine = new Set([...S.producers.values()].map((p) => p.id));
    const ids = [...S.known.keys()].filter((id) => !mine.has(id));
    return Promise.all(ids.map((id) => consume(id)));
  },

  consume(producerId) { return consume(producerId); },

  /** Current consumers (summaries). */
  consumers() { return [...S.consumers.values()].map(summarizeConsumer); },

  knownProducers() { return [...S.known.values()]; },

  /** The rtpParameters of consumer-created for the (open) consumer of `source`. */
  consumerRtpParameters(source) {
    const e = [...S.consumers.values()].find((x) => x.source === source && !x.closed);
    if (!e) throw new Error(`no consumer of ${source}`);
    return e.rtpParameters;
  },

  /** The rtpCapabilities this page sends with consume (see connect's noNack). */
  consumeCapabilities() { return consumeCapabilities(); },

  /** getStats() numbers of consumers, producers and both transports. */
  async stats() {
    const consumers = [];
    for (const e of S.consumers.values()) consumers.push(await consumerStats(e));
    const producers = [];
    for (const [source, p] of S.producers) producers.push(await producerStats(source, p));
    return {
      consumers, producers,
      transports: { send: await transportStats(S.send), recv: await transportStats(S.recv) },
      errors: S.errors.slice(),
    };
  },

  /** Every getStats() entry of the producer (or consumer) of `source`, for diagnostics. */
  async rawStats(source, { side = 'producer', types } = {}) {
    let target = null;
    if (side === 'producer') target = S.producers.get(source);
    else target = [...S.consumers.values()].find((e) => e.source === source && !e.closed)?.consumer;
    if (!target) throw new Error(`no ${side} of ${source}`);
    const all = statsToArray(await target.getStats());
    return types ? all.filter((r) => types.includes(r.type)) : all;
  },

  /** Closes the local producer of `source` and tells the server (close-producer). */
  async closeProducer(source) {
    const p = S.producers.get(source);
    if (!p) throw new Error(`no producer for source ${source}`);
    p.close();
    S.producers.delete(source);
    return call('close-producer', { producerId: p.id }, 'producer-closed');
  },

  async leave() {
    const d = await call('leave-room', { roomId: S.roomId }, 'left-room');
    teardown();
    return d;
  },

  /**
   * close-room; resolves with the room-closed the requester gets. protocol.md does not say
   * whether that one echoes the requestId (a reply) or is the broadcast, so either counts.
   */
  async closeRoom() {
    const roomId = S.roomId;
    const reply = request('close-room', { roomId });
    const broadcast = waitFor('room-closed', { roomId }, REQUEST_TIMEOUT_MS, { includePast: false });
    const first = await Promise.race([
      reply.then((m) => ({ via: 'reply', m })),
      broadcast.then((data) => ({ via: 'broadcast', m: { event: 'room-closed', data } })),
    ]);
    reply.catch(() => {});
    broadcast.catch(() => {});
    if (first.m.event === 'error') throw new SignalError('close-room', first.m.data);
    return { event: first.m.event, data: first.m.data, via: first.via };
  },

  /** Sends any event; resolves with the reply or error message {event, data}. */
  async request(event, data) {
    const m = await request(event, data);
    return { event: m.event, data: m.data };
  },

  /** Waits for a server event whose data has the given field values (past ones count). */
  waitFor(event, match, timeoutMs, opts) { return waitFor(event, match, timeoutMs, opts); },

  /** All server messages received so far (optionally of one event). */
  events(event) {
    return S.log.filter((m) => !event || m.event === event).map((m) => ({ event: m.event, data: m.data, at: m.at }));
  },

  /**
   * Resolves when a video consumer (of `source`, or any) has decoded a first frame; timing
   * relative to the moment join-room was sent: rVFC (first presented frame) and getStats
   * polling (framesDecoded > 0, every 5 ms).
   */
  async waitFirstFrame({ source, timeoutMs = 10000 } = {}) {
    const deadline = now() + timeoutMs;
    let statsAt = null;
    let entry = null;
    while (now() < deadline) {
      entry = [...S.consumers.values()].find((e) => e.kind === 'video' && !e.closed && (!source || e.source === source));
      if (entry) {
        if (statsAt === null) {
          const st = await consumerStats(entry);
          if (st.framesDecoded > 0) statsAt = now();
        }
        if (statsAt !== null && (entry.firstFrameAt || now() - statsAt > 1000)) break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    if (!entry || statsAt === null) {
      throw new Error(`no decoded video frame${source ? ' of ' + source : ''} within ${timeoutMs} ms`);
    }
    const t0 = S.marks.joinSent;
    const rel = (t) => (t == null ? null : Math.round((t - t0) * 10) / 10);
    return {
      firstFrameMs: rel(entry.firstFrameAt ?? statsAt),
      rvfcMs: rel(entry.firstFrameAt),
      statsMs: rel(statsAt),
      steps: {
        joined: rel(S.marks.joined), deviceLoaded: rel(S.marks.deviceLoaded), recvCreated: rel(S.marks.recvCreated),
        consumeSent: rel(entry.consumeSentAt), consumerCreated: rel(entry.createdAt), resumed: rel(entry.resumedAt),
        recvConnected: rel(S.marks['recv-connected']),
      },
    };
  },

  /** Stops local tracks and closes the socket (without leave-room). */
  disconnect() {
    teardown();
    for (const s of S.localStreams) for (const t of s.getTracks()) t.stop();
    if (S.ws) S.ws.close();
  },

  closeInfo() { return S.closeInfo || null; },
  errors() { return S.errors.slice(); },

  /** Sanity check of the fake devices without signaling: track settings of getUserMedia/getDisplayMedia. */
  async probeDevices() {
    const res = {};
    const cam = await cameraTrack({});
    res.camera = { label: cam.label, ...cam.getSettings() };
    const mic = await microphoneTrack();
    res.microphone = { label: mic.label, sampleRate: mic.getSettings().sampleRate };
    const scr = await screenTrack({});
    res.screen = { label: scr.label, ...scr.getSettings() };
    for (const t of [cam, mic, scr]) t.stop();
    const d = new Device();
    res.handlerName = d.handlerName;
    return res;
  },
};

window.tr = tr;
window.mediasoupClientVersion = msVersion;
status(`ready (mediasoup-client ${msVersion})`);
