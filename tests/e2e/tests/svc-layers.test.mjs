// VP9 SVC layer selection against a real Chromium viewer.
//
// The host publishes the camera as one VP9 stream with scalabilityMode L3T3_KEY (three
// spatial x three temporal layers, k-SVC); one viewer consumes it. The SFU forwards only the
// layers up to the viewer's preference: set-preferred-layers 0, 1, 2 -> the viewer decodes
// strictly growing frame sizes (Chromium's k-SVC halves the size per layer below the top),
// the SFU reports that current layer, and going back up waits for a key picture the SFU asks
// the host for. Throughout: no page errors, frames keep being decoded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite } from '../lib/suite.mjs';
import { inviteMember, setupRoom } from '../lib/api.mjs';
import { consumerOf, producerOf, waitMediaFlowing } from '../lib/media.mjs';
import { serverStats } from '../lib/downlink.mjs';
import { sleep, step } from '../lib/util.mjs';

const suite = useSuite({ server: { logLevel: 'warn' }, browser: {} });

test('VP9 SVC (L3T3_KEY): the viewer gets the spatial layer it prefers', { timeout: 90_000 }, async () => {
  const { srv, browser } = suite;
  const ctx = { srv, browser };
  const { host: hostUser, org, room } = await step('REST: host, org, room, viewer', () => setupRoom(srv, { plan: 'business' }), ctx);
  const viewerUser = await inviteMember(srv, hostUser, org.id, 'viewer');
  const host = await browser.participant(srv, hostUser, 'host');
  const viewer = await browser.participant(srv, viewerUser, 'viewer');
  let camId = null;
  const sfuConsumer = async () => (await serverStats(viewer)).consumers.find((c) => c.consumerId === camId);
  const decoded = async () => consumerOf(await viewer.stats(), 'camera');

  await step('host publishes the camera as VP9 L3T3_KEY; the viewer consumes an svc consumer', async () => {
    await host.connect();
    await host.join(room.id, 'host');
    await host.publish({ camera: true, videoCodec: 'video/VP9',
      encodings: [{ scalabilityMode: 'L3T3_KEY', maxBitrate: 3_000_000 }] });
    await viewer.connect();
    await viewer.join(room.id, 'viewer');
    const cons = await viewer.subscribeAll();
    camId = cons.find((c) => c.source === 'camera')?.consumerId;
    assert.ok(camId, `camera consumer: ${JSON.stringify(cons)}`);
    const rp = await viewer.tr('consumerRtpParameters', 'camera');
    assert.match(rp.codecs[0].mimeType, /VP9/i, `consumer codec: ${JSON.stringify(rp.codecs[0])}`);
    assert.equal(rp.encodings[0].scalabilityMode, 'L3T3_KEY', `consumer encodings: ${JSON.stringify(rp.encodings)}`);
    await waitMediaFlowing(viewer, { video: ['camera'] });
    const sc = await sfuConsumer();
    assert.equal(sc.type, 'svc', `SFU consumer: ${JSON.stringify(sc)}`);
    const hp = producerOf(await host.stats(), 'camera');
    console.log(`# host camera: ${JSON.stringify(hp.layers.map((l) => ({ mode: l.scalabilityMode, frame: `${l.frameWidth}x${l.frameHeight}` })))}`);
  }, ctx);

  await step('the viewer reaches the top spatial layer (bandwidth estimate ramps up)', async () => {
    let last = null;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const sc = await sfuConsumer();
      const c = await decoded();
      last = { currentLayer: sc.currentLayer, targetLayer: sc.targetLayer, frame: `${c.frameWidth}x${c.frameHeight}` };
      if (sc.currentLayer === 2 && c.frameWidth >= 1280) break;
      await sleep(500);
    }
    console.log(`# top: ${JSON.stringify(last)}`);
    assert.equal(last.currentLayer, 2, `SFU never forwarded spatial layer 2: ${JSON.stringify(last)}`);
  }, ctx);

  const widths = {};
  await step('set-preferred-layers 0, 1, 2: strictly growing decoded widths', async () => {
    for (const s of [0, 1, 2]) {
      const t0 = Date.now();
      const r = await viewer.request('set-preferred-layers', { consumerId: camId, spatialLayer: s, temporalLayer: 2 });
      assert.equal(r.event, 'layers-set', `set-preferred-layers ${s}: ${JSON.stringify(r)}`);
      assert.equal(r.data.spatialLayer, s, `layers-set: ${JSON.stringify(r.data)}`);
      let sc = null;
      let c = null;
      let stableSince = null;
      let lastWidth = null;
      const deadline = Date.now() + 15_000;
      // Done once the SFU forwards layer s and the decoded width has held for 1.5 s.
      while (Date.now() < deadline) {
        sc = await sfuConsumer();
        c = await decoded();
        if (sc.currentLayer === s && c.frameWidth && c.frameWidth === lastWidth) {
          stableSince ??= Date.now();
          if (Date.now() - stableSince >= 1500) break;
        } else {
          stableSince = null;
        }
        lastWidth = c.frameWidth;
        await sleep(250);
      }
      assert.equal(sc.currentLayer, s, `SFU currentLayer after preferring ${s}: ${JSON.stringify(sc)}`);
      assert.deepEqual(sc.preferredLayers, { spatialLayer: s, temporalLayer: 2 });
      widths[s] = c.frameWidth;
      console.log(`# spatial ${s}: ${c.frameWidth}x${c.frameHeight} after ${Date.now() - t0} ms (SFU svcDrops ${sc.svcDrops}, framesDecoded ${c.framesDecoded})`);
    }
    assert.ok(widths[0] < widths[1] && widths[1] < widths[2], `decoded widths not strictly growing: ${JSON.stringify(widths)}`);
  }, ctx);

  await step('frames keep being decoded; no page errors', async () => {
    const a = (await decoded()).framesDecoded;
    await sleep(2000);
    const b = (await decoded()).framesDecoded;
    assert.ok(b > a + 10, `framesDecoded ${a} -> ${b} in 2 s`);
    const stats = await viewer.stats();
    assert.deepEqual(stats.errors, [], 'viewer page errors');
    const pageErrors = [...viewer.console, ...host.console].filter((l) => l.includes('pageerror'));
    assert.deepEqual(pageErrors, [], 'uncaught page errors');
    const events = (await viewer.events('layers-changed')).filter((e) => e.data.consumerId === camId);
    console.log(`# layers-changed: ${events.map((e) => `${e.data.spatialLayer}/${e.data.temporalLayer}`).join(' ')}`);
    assert.ok(events.some((e) => e.data.spatialLayer === 0), 'a layers-changed to spatial layer 0');
  }, ctx);
});
