// Downlink congestion control and loss recovery, seen from both ends: the SFU's view of a
// viewer's recv transport (get-stats: bandwidthEstimation, consumer layers, NACKs) next to
// the viewer's own getStats() (decoded size, frames, freezes), sampled into a timeline.
//
//   const tl = new Timeline(viewer, { label: 'viewer' });
//   await tl.sample('limit 700');                 // one row: server + browser
//   console.log(tl.table());
import { consumerOf } from './media.mjs';

/** get-stats (scope self) through the participant's own socket; throws on an error reply. */
export async function serverStats(p) {
  const r = await p.request('get-stats', {});
  if (r.event !== 'stats') throw new Error(`${p.name}: get-stats -> ${r.event} ${JSON.stringify(r.data).slice(0, 300)}`);
  return r.data;
}

/** test-network through the participant's socket; resolves with test-network-set. */
export async function setNetwork(p, net) {
  const r = await p.request('test-network', net);
  if (r.event !== 'test-network-set') throw new Error(`${p.name}: test-network ${JSON.stringify(net)} -> ${r.event} ${JSON.stringify(r.data).slice(0, 300)}`);
  return r.data;
}

/** The recv transport of a viewer in a get-stats reply (the one with bandwidthEstimation). */
export function recvTransport(stats) {
  return stats.transports.find((t) => t.bandwidthEstimation) || null;
}

const kbps = (bps) => (bps == null ? null : Math.round(bps / 1000));

/**
 * Samples a viewer (page getStats + the SFU's get-stats) into rows; `t` in seconds since
 * construction (or since reset()). Each row keeps the raw server consumer objects too, so a
 * failure can print the stats JSON.
 */
export class Timeline {
  constructor(viewer, { label } = {}) {
    this.viewer = viewer;
    this.label = label || viewer.name;
    this.t0 = Date.now();
    this.rows = [];
    this.consumerIds = null; // source -> consumerId
  }

  async ids() {
    if (!this.consumerIds) {
      const list = await this.viewer.consumers();
      this.consumerIds = Object.fromEntries(list.filter((c) => !c.closed).map((c) => [c.source, c.consumerId]));
    }
    return this.consumerIds;
  }

  async sample(phase = '') {
    const ids = await this.ids();
    const [vs, ss] = await Promise.all([this.viewer.stats(), serverStats(this.viewer)]);
    const tr = recvTransport(ss);
    const bwe = tr?.bandwidthEstimation || null;
    const sc = (src) => ss.consumers.find((c) => c.consumerId === ids[src]) || null;
    const cam = consumerOf(vs, 'camera');
    const mic = consumerOf(vs, 'microphone');
    const scam = sc('camera');
    const lc = (await this.viewer.events('layers-changed')).filter((e) => e.data.consumerId === ids.camera);
    const row = {
      t: Math.round((Date.now() - this.t0) / 100) / 10,
      phase,
      estimateKbps: kbps(bwe?.estimateBps),
      delayKbps: kbps(bwe?.delayBasedBps),
      lossKbps: kbps(bwe?.lossBasedBps),
      ackedKbps: kbps(bwe?.ackedBps),
      lossFraction: bwe?.lossFraction ?? null,
      delayState: bwe?.delayState ?? null,
      allocatedKbps: kbps(bwe?.allocatedBps),
      desiredKbps: kbps(bwe?.desiredBps),
      probes: bwe?.probes ?? null,
      lastProbeKbps: kbps(bwe?.lastProbeBps),
      paddingPackets: bwe?.paddingPackets ?? null,
      feedbackPackets: bwe?.feedbackPackets ?? null,
      layer: scam ? scam.currentLayer : null,
      targetLayer: scam ? scam.targetLayer : null,
      temporal: scam ? scam.currentTemporalLayer : null,
      lastLayersChanged: lc.length ? lc[lc.length - 1].data : null,
      layersChangedCount: lc.length,
      frame: cam?.frameWidth ? `${cam.frameWidth}x${cam.frameHeight}` : null,
      frameWidth: cam?.frameWidth ?? null,
      framesDecoded: cam?.framesDecoded ?? 0,
      framesReceived: cam?.framesReceived ?? null,
      serverPacketsSent: scam ? scam.packetsSent : null,
      temporalDrops: scam ? scam.temporalDrops : null,
      rtxSkipped: scam ? scam.retransmissionsSkipped : null,
      keyFramesDecoded: cam?.keyFramesDecoded ?? 0,
      fps: cam?.framesPerSecond ?? null,
      freezeCount: cam?.freezeCount ?? null,
      totalFreezesDuration: cam?.totalFreezesDuration ?? null,
      packetsLost: cam?.packetsLost ?? 0,
      nackCount: cam?.nackCount ?? null,
      pliCount: cam?.pliCount ?? null,
      retransmittedPacketsReceived: cam?.retransmittedPacketsReceived ?? null,
      rtxMissed: scam ? scam.retransmissionsMissed : null,
      audioPackets: mic?.packetsReceived ?? null,
      audioSamples: mic?.totalSamplesReceived ?? null,
      errors: vs.errors.length,
      server: { camera: scam, microphone: sc('microphone'), bandwidthEstimation: bwe },
      browser: { camera: cam, microphone: mic },
    };
    this.rows.push(row);
    return row;
  }

  last() {
    return this.rows[this.rows.length - 1] || null;
  }

  /** A fixed-width table of the rows (for the log and failure messages). */
  table(rows = this.rows) {
    const cols = [
      ['t', 5], ['phase', 10], ['estimateKbps', 6], ['delayKbps', 6], ['lossKbps', 6], ['ackedKbps', 6], ['lossFraction', 5],
      ['delayState', 9], ['allocatedKbps', 6], ['desiredKbps', 6], ['probes', 4], ['lastProbeKbps', 6], ['paddingPackets', 6], ['layer', 3], ['targetLayer', 3],
      ['temporal', 3], ['frame', 9], ['serverPacketsSent', 6], ['temporalDrops', 5], ['framesReceived', 6], ['framesDecoded', 6], ['fps', 4], ['keyFramesDecoded', 4], ['freezeCount', 4], ['totalFreezesDuration', 6],
      ['packetsLost', 5], ['nackCount', 5], ['retransmittedPacketsReceived', 5], ['rtxMissed', 5], ['rtxSkipped', 5], ['pliCount', 4], ['audioPackets', 6],
    ];
    const short = {
      estimateKbps: 'est', delayKbps: 'delay', lossKbps: 'lossB', ackedKbps: 'acked', lossFraction: 'lossF', delayState: 'dstate',
      allocatedKbps: 'alloc', desiredKbps: 'desir', probes: 'prb', lastProbeKbps: 'lprb', paddingPackets: 'pad', layer: 'L', targetLayer: 'tL', temporal: 'T',
      framesDecoded: 'frames', framesReceived: 'frcv', serverPacketsSent: 'sent', temporalDrops: 'tdrp', rtxSkipped: 'skip', keyFramesDecoded: 'kf', freezeCount: 'frz', totalFreezesDuration: 'frzS', packetsLost: 'lost',
      nackCount: 'nack', retransmittedPacketsReceived: 'rtx', rtxMissed: 'miss', pliCount: 'pli', audioPackets: 'audio',
    };
    const fmt = (v) => {
      if (v == null) return '-';
      if (typeof v === 'number' && !Number.isInteger(v)) return String(Math.round(v * 100) / 100);
      return String(v);
    };
    const head = cols.map(([k, w]) => (short[k] || k).padStart(w)).join(' ');
    const lines = rows.map((r) => cols.map(([k, w]) => fmt(r[k]).padStart(w)).join(' '));
    return [`[${this.label}] timeline (kbps; L/tL/T = SFU current/target spatial and temporal layer; frz = freezeCount, frzS = totalFreezesDuration s; lost/nack/rtx/pli = viewer getStats; miss/skip = SFU retransmissionsMissed/Skipped; sent/tdrp = SFU camera packetsSent/temporalDrops; frcv = framesReceived)`, head, ...lines].join('\n');
  }

  /** The rows without the raw objects (for bench/results). */
  plain(rows = this.rows) {
    return rows.map(({ server, browser, ...r }) => r);
  }
}

/** Longest stretch (ms) between consecutive rows without framesDecoded growing. */
export function longestStall(rows) {
  let worst = 0;
  let since = rows[0];
  for (let i = 1; i < rows.length; i++) {
    if (rows[i].framesDecoded > since.framesDecoded) {
      since = rows[i];
    } else {
      worst = Math.max(worst, Math.round((rows[i].t - since.t) * 1000));
    }
  }
  return worst;
}
