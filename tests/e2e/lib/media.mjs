// Media assertions on tr.stats() results (see page/main.js), shared by the browser tests.
import { summarize } from './browser.mjs';
import { sleep } from './util.mjs';

export function consumerOf(stats, source) {
  return stats.consumers.find((c) => c.source === source && !c.closed);
}

export function producerOf(stats, source) {
  return stats.producers.find((p) => p.source === source && !p.closed);
}

/**
 * The host's layers of `source` that are being sent right now (packetsSent grew between two
 * stats samples `gapMs` apart), highest (largest frame) first.
 */
export async function activeLayers(host, source, gapMs = 600) {
  const a = producerOf(await host.stats(), source);
  await sleep(gapMs);
  const bStats = await host.stats();
  const b = producerOf(bStats, source);
  if (!a || !b) throw new Error(`${host.name} has no producer for ${source}: ${JSON.stringify(summarize(bStats))}`);
  const before = new Map(a.layers.map((l) => [l.ssrc, l]));
  return b.layers
    .filter((l) => l.frameWidth && l.packetsSent > (before.get(l.ssrc)?.packetsSent ?? 0))
    .sort((x, y) => y.frameWidth * y.frameHeight - x.frameWidth * x.frameHeight);
}

/** Waits until the viewer's consumers of the given sources exist. */
export async function waitConsumers(viewer, sources, timeoutMs = 15_000) {
  return viewer.pollStats((s) => sources.every((src) => consumerOf(s, src)),
    { timeoutMs, what: `consumers of ${sources.join(', ')}` });
}

/** Waits until video sources decode frames and audio sources play samples. */
export async function waitMediaFlowing(viewer, { video = [], audio = [] }, timeoutMs = 20_000) {
  return viewer.pollStats((s) => video.every((src) => (consumerOf(s, src)?.framesDecoded ?? 0) > 0)
    && audio.every((src) => {
      const c = consumerOf(s, src);
      return c && c.packetsReceived > 0 && c.bytesReceived > 0 && c.totalSamplesReceived > 0;
    }), { timeoutMs, what: `frames decoded for [${video}] and audio received for [${audio}]` });
}

/**
 * Waits until the host sends its top simulcast layer of `source` (the last encoding, rid `topRid`;
 * null for a single-encoding producer) and the viewer decodes exactly that layer's frame size.
 * Bandwidth estimation must let the sender ramp up to it (loopback: a few seconds), and the SFU
 * must forward it. Returns {viewer: WxH, host: WxH, hostLayers}.
 */
export async function waitTopLayerReceived(host, viewer, source, { topRid = 'r2', timeoutMs = 25_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  for (let i = 0; i < 200 && Date.now() < deadline; i++) {
    const layers = await activeLayers(host, source);
    const top = layers.find((l) => (topRid ? l.rid === topRid : true));
    const vs = await viewer.stats();
    const c = consumerOf(vs, source);
    const hs = await host.stats();
    last = {
      viewer: c && c.frameWidth ? `${c.frameWidth}x${c.frameHeight}` : null,
      host: top ? `${top.frameWidth}x${top.frameHeight}` : `(layer ${topRid} not being sent)`,
      hostLayers: layers.map((l) => `${l.rid}:${l.frameWidth}x${l.frameHeight}@${l.framesPerSecond}fps ${l.qualityLimitationReason}`),
      hostAvailableOutgoingBitrate: hs.transports.send?.selectedPair?.availableOutgoingBitrate ?? null,
      viewerAvailableIncomingBitrate: vs.transports.recv?.selectedPair?.availableIncomingBitrate ?? null,
      viewerFramesDecoded: c?.framesDecoded,
    };
    if (top && c && c.frameWidth === top.frameWidth && c.frameHeight === top.frameHeight) return last;
    await sleep(400);
  }
  throw new Error(`${viewer.name}: ${source}: expected to decode the host's top layer ${topRid ?? ''} (${last?.host}), got ${last?.viewer} within ${timeoutMs} ms; ${JSON.stringify(last)}`);
}

/** Asserts that frames keep being decoded (framesDecoded grows over `ms`). */
export async function assertStillDecoding(viewer, source, ms = 3000) {
  const a = consumerOf(await viewer.stats(), source);
  await sleep(ms);
  const b = consumerOf(await viewer.stats(), source);
  if (!a || !b || !(b.framesDecoded > a.framesDecoded)) {
    throw new Error(`${viewer.name}: ${source} stopped decoding (framesDecoded ${a?.framesDecoded} -> ${b?.framesDecoded} in ${ms} ms)`);
  }
  return b;
}
