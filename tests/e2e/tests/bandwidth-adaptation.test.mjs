// Downlink congestion control (issue 4) against a real Chromium viewer.
//
// The host publishes the camera (VP8 simulcast, blueprint ladder 360p/720p/1080p, each layer
// L1T3) and the microphone; one viewer consumes both. Then:
//  1. preferred layers: set-preferred-layers 0, 1, 2 -> the viewer decodes 640x360, 1280x720,
//     1920x1080 (getStats inbound-rtp frameWidth/frameHeight). webapp-host-viewer covers the
//     quality menu of the web app, but checks only 360p strictly (720p only when the host sends
//     it, 1080p not at all), hence this step.
//  2. bandwidth limit: `test-network {downlinkKbps: 700}` (the SFU's egress shaper on the
//     viewer's recv transport; the fake camera's 1080p layer needs ~900 kbps) -> within 8 s the
//     SFU moves the camera to spatial layer <= 1 (layers-changed) and the viewer decodes a
//     smaller frame; audio keeps flowing; the SFU's estimate (get-stats bandwidthEstimation)
//     comes down to the limit (median within 0.4x..1.25x). Then 350 kbps -> layer 0 (640x360).
//  3. lift (`downlinkKbps: 0`) -> probes grow the estimate and the viewer is back at 1080p
//     within 15 s.
// Throughout: no page errors, frames keep being decoded (longest stall bounded), few freezes.
// A timeline (estimate, layer, decoded size, freezes, ...) is printed at the end, and written
// to bench/results/bandwidth_adaptation.json with TR_RECORD_RESULTS=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { useSuite } from '../lib/suite.mjs';
import { inviteMember, setupRoom } from '../lib/api.mjs';
import { consumerOf, waitMediaFlowing, waitTopLayerReceived } from '../lib/media.mjs';
import { Timeline, longestStall, serverStats, setNetwork } from '../lib/downlink.mjs';
import { recordResult, sleep, softly, step } from '../lib/util.mjs';

const LIMIT_KBPS = Number(process.env.TR_BWE_LIMIT_KBPS || 700);
const LOW_LIMIT_KBPS = Number(process.env.TR_BWE_LOW_LIMIT_KBPS || 350);
const DOWN_WITHIN_MS = 8000;
const UP_WITHIN_MS = 15000;
const MAX_STALL_MS = Number(process.env.TR_BWE_MAX_STALL_MS || 3000);
// Chromium counts a freeze whenever no frame came for max(3 x frame interval, interval + 150 ms).
// Each layer switch waits for the new layer's key frame and each congestion onset loses
// packets the bottleneck dropped, so either may cost one short freeze: this test makes about
// 7 switches (3 by preference, 2 down, 2 up) and 2 onsets. What must not happen is a long
// outage, which MAX_STALL_MS bounds.
const MAX_FREEZES = Number(process.env.TR_BWE_MAX_FREEZES || 10);
const SAMPLE_MS = 500;

const SIZES = { 0: [640, 360], 1: [1280, 720], 2: [1920, 1080] };

const suite = useSuite({ server: { logLevel: 'warn' }, browser: {} });

test('downlink congestion control: preferred layers, layer drop under a bandwidth limit, back up when lifted', { timeout: 110_000 }, async () => {
  const { srv, browser } = suite;
  const ctx = { srv, browser };
  const { host: hostUser, org, room } = await step('REST: host, org, room, viewer', () => setupRoom(srv, { plan: 'business' }), ctx);
  const viewerUser = await inviteMember(srv, hostUser, org.id, 'viewer');
  const host = await browser.participant(srv, hostUser, 'host');
  const viewer = await browser.participant(srv, viewerUser, 'viewer');
  let camId = null;

  await step('host publishes camera (VP8 simulcast L1T3 x3) + microphone; the viewer decodes 1080p', async () => {
    await host.connect();
    await host.join(room.id, 'host');
    await host.publish({ camera: true, microphone: true, scalabilityMode: 'L1T3' });
    await viewer.connect();
    await viewer.join(room.id, 'viewer');
    const cons = await viewer.subscribeAll();
    camId = cons.find((c) => c.source === 'camera')?.consumerId;
    assert.ok(camId, `camera consumer: ${JSON.stringify(cons)}`);
    const rp = await viewer.tr('consumerRtpParameters', 'camera');
    assert.equal(rp.encodings[0].scalabilityMode, 'L3T3', `consumer scalabilityMode (3 spatial x 3 temporal): ${JSON.stringify(rp.encodings)}`);
    await waitMediaFlowing(viewer, { video: ['camera'], audio: ['microphone'] });
    const top = await waitTopLayerReceived(host, viewer, 'camera', { topRid: 'r2', timeoutMs: 30_000 });
    console.log(`# top layer: ${JSON.stringify(top)}`);
    const hs = await host.stats();
    const modes = hs.producers.find((p) => p.source === 'camera').layers.map((l) => `${l.rid}:${l.scalabilityMode}`);
    console.log(`# host camera layers: ${modes.join(' ')}`);
  }, ctx);

  const prefResults = [];
  await step('set-preferred-layers 0, 1, 2: the viewer decodes 640x360, 1280x720, 1920x1080', async () => {
    for (const s of [0, 1, 2]) {
      const t0 = Date.now();
      const r = await viewer.request('set-preferred-layers', { consumerId: camId, spatialLayer: s, temporalLayer: 2 });
      assert.equal(r.event, 'layers-set', `set-preferred-layers ${s}: ${JSON.stringify(r)}`);
      assert.equal(r.data.spatialLayer, s, `layers-set.spatialLayer: ${JSON.stringify(r.data)}`);
      const [w, h] = SIZES[s];
      const st = await viewer.pollStats((x) => {
        const c = consumerOf(x, 'camera');
        return c && c.frameWidth === w && c.frameHeight === h;
      }, { timeoutMs: 10_000, intervalMs: 200, what: `camera decoded at ${w}x${h} after preferring spatial layer ${s}` });
      const ms = Date.now() - t0;
      const sc = (await serverStats(viewer)).consumers.find((c) => c.consumerId === camId);
      assert.equal(sc.currentLayer, s, `SFU currentLayer after preferring ${s}: ${JSON.stringify(sc)}`);
      assert.deepEqual(sc.preferredLayers, { spatialLayer: s, temporalLayer: 2 }, 'get-stats preferredLayers');
      prefResults.push({ spatialLayer: s, frame: `${w}x${h}`, ms });
      console.log(`# preferred ${s}: ${w}x${h} decoded after ${ms} ms (framesDecoded ${consumerOf(st, 'camera').framesDecoded})`);
    }
  }, ctx);

  const tl = new Timeline(viewer);
  const pageNow = () => viewer.page.evaluate(() => performance.now());
  const layerEventsSince = async (since) => (await viewer.events('layers-changed'))
    .filter((e) => e.data.consumerId === camId && e.at >= since);
  /** Samples every SAMPLE_MS for ms (at most), stopping early once done(row) holds (if given). */
  const run = async (phase, ms, done) => {
    const end = Date.now() + ms;
    let hit = null;
    while (Date.now() < end) {
      const row = await tl.sample(phase);
      if (!hit && done && (await done(row))) {
        hit = row;
        break;
      }
      await sleep(SAMPLE_MS);
    }
    return hit;
  };
  const phaseRows = (phase) => tl.rows.filter((r) => r.phase === phase);
  const result = { limitKbps: LIMIT_KBPS, lowLimitKbps: LOW_LIMIT_KBPS, preferred: prefResults };

  await step('baseline at 1080p (2 s of it, within 12 s)', async () => {
    // The host's own uplink adaptation (its encoder under CPU load) may drop the 1080p layer
    // for a moment, and the SFU then rightly falls back: wait until 1080p is forwarded and
    // decoded again, then keep 2 s of baseline.
    const hit = await run('1080p', 12_000, async (row) => row.frame === '1920x1080' && row.layer === 2);
    assert.ok(hit, `no 1080p baseline within 12 s: ${JSON.stringify(tl.last().browser.camera)}\n${tl.table()}`);
    await run('1080p', 2000);
  }, ctx);

  await step(`downlink limited to ${LIMIT_KBPS} kbps: camera to spatial layer <= 1 within ${DOWN_WITHIN_MS / 1000} s, audio flows, estimate comes down`, async () => {
    const since = await pageNow();
    const t0 = Date.now();
    const set = await setNetwork(viewer, { downlinkKbps: LIMIT_KBPS });
    assert.equal(set.downlinkKbps, LIMIT_KBPS, `test-network-set: ${JSON.stringify(set)}`);
    const phase = `lim${LIMIT_KBPS}`;
    const hit = await run(phase, DOWN_WITHIN_MS, async (row) => row.frameWidth && row.frameWidth <= SIZES[1][0]
      && (await layerEventsSince(since)).some((e) => e.data.spatialLayer >= 0 && e.data.spatialLayer <= 1));
    const evs = await layerEventsSince(since);
    result.downswitch = { layersChanged: evs.map((e) => ({ ms: Math.round(e.at - since), ...e.data, consumerId: undefined })), decodedSmallerMs: hit ? Date.now() - t0 : null };
    assert.ok(hit, `no switch to spatial layer <= 1 (layers-changed + smaller decoded frame) within ${DOWN_WITHIN_MS} ms of the limit; layers-changed: ${JSON.stringify(evs.map((e) => e.data))}\n${tl.table()}`);
    console.log(`# down: decoded ${hit.frame} ${result.downswitch.decodedSmallerMs} ms after the limit; layers-changed ${JSON.stringify(result.downswitch.layersChanged)}`);
    // keep watching the limited link for a while: the estimate settles, audio keeps flowing
    await run(phase, 4000);
  }, ctx);

  await step(`downlink limited to ${LOW_LIMIT_KBPS} kbps: camera at spatial layer 0 (640x360)`, async () => {
    const since = await pageNow();
    await setNetwork(viewer, { downlinkKbps: LOW_LIMIT_KBPS });
    const phase = `lim${LOW_LIMIT_KBPS}`;
    const hit = await run(phase, DOWN_WITHIN_MS, async (row) => row.layer === 0 && row.frame === '640x360');
    assert.ok(hit, `camera not at layer 0 / 640x360 within ${DOWN_WITHIN_MS} ms of a ${LOW_LIMIT_KBPS} kbps limit; layers-changed since: ${JSON.stringify((await layerEventsSince(since)).map((e) => e.data))}\n${tl.table()}`);
    await run(phase, 4000);
  }, ctx);

  await step(`limit lifted: back to 1080p within ${UP_WITHIN_MS / 1000} s (probes)`, async () => {
    const since = await pageNow();
    const before = tl.last();
    const t0 = Date.now();
    const set = await setNetwork(viewer, { downlinkKbps: 0 });
    assert.equal(set.downlinkKbps, 0, `test-network-set: ${JSON.stringify(set)}`);
    const hit = await run('lifted', UP_WITHIN_MS, async (row) => row.frame === '1920x1080'
      && (await layerEventsSince(since)).some((e) => e.data.spatialLayer === 2));
    const evs = await layerEventsSince(since);
    result.upswitch = { layersChanged: evs.map((e) => ({ ms: Math.round(e.at - since), ...e.data, consumerId: undefined })), decoded1080pMs: hit ? Date.now() - t0 : null,
      probes: hit ? hit.probes - before.probes : null, paddingPackets: hit ? hit.paddingPackets - before.paddingPackets : null };
    assert.ok(hit, `not back at 1080p (layers-changed spatialLayer 2 + 1920x1080 decoded) within ${UP_WITHIN_MS} ms of lifting the limit; layers-changed since: ${JSON.stringify(evs.map((e) => e.data))}\n${tl.table()}`);
    console.log(`# up: 1080p decoded ${result.upswitch.decoded1080pMs} ms after lifting; probes +${result.upswitch.probes}, padding +${result.upswitch.paddingPackets}; layers-changed ${JSON.stringify(result.upswitch.layersChanged)}`);
    await run('lifted', 1500);
  }, ctx);

  console.log(`# ${tl.table()}`);
  const first = tl.rows[0];
  const last = tl.last();
  const sc = last.server.camera;
  result.totals = {
    freezes: last.freezeCount - first.freezeCount,
    freezeSeconds: Math.round((last.totalFreezesDuration - first.totalFreezesDuration) * 1000) / 1000,
    keyFramesDecoded: last.keyFramesDecoded - first.keyFramesDecoded,
    framesDecoded: last.framesDecoded - first.framesDecoded,
    longestStallMs: longestStall(tl.rows),
    pliCount: last.pliCount - first.pliCount,
    server: { layerSwitches: sc.layerSwitches, temporalDrops: sc.temporalDrops, nackedPackets: sc.nackedPackets, retransmittedPackets: sc.retransmittedPackets,
      retransmissionsMissed: sc.retransmissionsMissed, keyFrameRequestsReceived: sc.keyFrameRequestsReceived },
  };
  for (const limit of [LIMIT_KBPS, LOW_LIMIT_KBPS]) {
    const rows = phaseRows(`lim${limit}`);
    const ests = rows.filter((r) => r.t - rows[0].t >= 2).map((r) => r.estimateKbps).sort((a, b) => a - b);
    result[`estimateUnder${limit}Kbps`] = ests.length ? { median: ests[Math.floor(ests.length / 2)], min: ests[0], max: ests[ests.length - 1] } : null;
  }
  console.log(`# totals: ${JSON.stringify(result.totals)}`);
  console.log(`# estimate under the limits (from 2 s on, kbps): ${LIMIT_KBPS}: ${JSON.stringify(result[`estimateUnder${LIMIT_KBPS}Kbps`])}, ${LOW_LIMIT_KBPS}: ${JSON.stringify(result[`estimateUnder${LOW_LIMIT_KBPS}Kbps`])}`);
  console.log(`# final server view: ${JSON.stringify(last.server)}`);

  const file = recordResult('bandwidth_adaptation.json', {
    description: 'viewer downlink limited by the SFU test shaper (test-network); camera VP8 simulcast 360p/720p/1080p L1T3 from headless Chromium fake camera; loopback',
    ...result,
    timeline: tl.plain(),
    machine: { cpus: os.cpus().length, loadavg: os.loadavg() },
    date: new Date().toISOString(),
  });
  if (file) console.log(`# recorded ${file}`);

  await softly([
    // Only where the link is the bottleneck: under 350 kbps the SFU sends layer 0 (~250 kbps),
    // below the limit, so the estimate may drift above it until a probe finds the limit (logged).
    [`estimate under the ${LIMIT_KBPS} kbps limit is near it (median from 2 s on within 0.4x..1.25x)`, async () => {
      const e = result[`estimateUnder${LIMIT_KBPS}Kbps`];
      assert.ok(e, 'samples');
      assert.ok(e.median <= LIMIT_KBPS * 1.25 && e.median >= LIMIT_KBPS * 0.4, `median estimate ${e.median} kbps (min ${e.min}, max ${e.max}) not within 0.4x..1.25x of ${LIMIT_KBPS} kbps`);
    }],
    ['audio keeps flowing in every phase (>= 35 packets/s)', async () => {
      for (const phase of [...new Set(tl.rows.map((r) => r.phase))]) {
        const rows = phaseRows(phase);
        const a = rows[0];
        const b = rows[rows.length - 1];
        const secs = b.t - a.t;
        if (secs < 1) continue;
        const rate = (b.audioPackets - a.audioPackets) / secs;
        assert.ok(rate >= 35, `${phase}: audio ${Math.round(rate)} packets/s (${a.audioPackets} -> ${b.audioPackets} in ${secs} s)`);
      }
    }],
    ['framesDecoded keeps increasing', async () => {
      const stall = longestStall(tl.rows);
      assert.ok(last.framesDecoded > first.framesDecoded, 'frames decoded');
      assert.ok(stall <= MAX_STALL_MS, `longest stretch without a decoded frame ${stall} ms > ${MAX_STALL_MS} ms`);
    }],
    [`few freezes (<= ${MAX_FREEZES}) over the whole adaptation`, async () => {
      assert.ok(result.totals.freezes <= MAX_FREEZES, `freezeCount +${result.totals.freezes} (${result.totals.freezeSeconds} s frozen)`);
    }],
    ['the SFU probed (probes and padding counted)', async () => {
      assert.ok(last.probes > 0 && last.paddingPackets > 0, `probes ${last.probes}, paddingPackets ${last.paddingPackets}`);
      assert.ok(last.feedbackPackets > 0, `feedbackPackets ${last.feedbackPackets}`);
    }],
    ['no page errors', async () => {
      for (const p of [host, viewer]) {
        assert.deepEqual(await p.tr('errors'), [], `${p.name}: async errors in the page`);
        assert.deepEqual(p.console.filter((l) => l.includes('pageerror')), [], `${p.name}: page errors`);
      }
    }],
  ]);
});
