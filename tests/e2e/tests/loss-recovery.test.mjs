// Loss recovery with NACK/RTX (issue 4) against real Chromium viewers.
//
// The host publishes the camera (VP8 simulcast 360p/720p/1080p, L1T3) and the microphone. Two
// viewers watch the same camera in the same run:
//  - "nack": the page's normal rtpCapabilities (NACK + RTX negotiated);
//  - "nonack": the page sends consume with rtpCapabilities without generic NACK (rtcpFeedback
//    {type: "nack"} with no parameter; "nack pli" stays) and without RTX codecs
//    (`connect(..., {noNack: true})`), so the SFU negotiates neither (checked in
//    consumer-created.rtpParameters) and Chromium sends no NACKs.
// Both ask for the same spatial layer (TR_LOSS_LAYER, default 1 = 720p; see below), then each
// sets `test-network {lossPercent: 5}` (random loss of the SFU's RTP to it, RTX included) for
// TR_LOSS_SECONDS (default 25). Over that window, from getStats() inbound-rtp of the camera:
// freezeCount and totalFreezesDuration must be at least 5x lower with NACK/RTX than without
// (the criterion). nackCount, retransmittedPacketsReceived, packetsLost, framesDecoded,
// keyFramesDecoded, fps and PLIs are logged for both, next to the SFU's NACK/retransmission
// counters; with TR_RECORD_RESULTS=1 they go to bench/results/loss_recovery.json.
//
// Why 720p by default: at 1080p both viewers decode in software on the same (2-core) machine as
// the host's 3-layer encoder, and the NACK viewer then also freezes now and then for CPU reasons
// and on the key frames the no-NACK viewer keeps asking for (one per PLI, ~every 3-4 s), which
// makes the freeze-count ratio depend on the machine (TR_LOSS_LAYER=2 to measure it anyway).
//
// Known weak spot of the count criterion (measured, 25 s at 5 %): without NACK the viewer's
// freezes are few but long (~3-4 s each, one per PLI -> key frame), so its freezeCount is ~5-8;
// with NACK it is 0-2, partly freezes of 0.25-0.3 s when a key frame that the other viewer's PLI
// caused takes longer than Chromium's freeze threshold (max(3 x 67 ms, 67 + 150 ms)) to arrive.
// 720p runs: 1/5, 0/8, 2/6 (on/off); total freeze time is always >= 28x lower with NACK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { useSuite } from '../lib/suite.mjs';
import { inviteMember, setupRoom } from '../lib/api.mjs';
import { consumerOf, waitMediaFlowing, waitTopLayerReceived } from '../lib/media.mjs';
import { Timeline, setNetwork } from '../lib/downlink.mjs';
import { recordResult, sleep, step } from '../lib/util.mjs';

const LOSS_PERCENT = Number(process.env.TR_LOSS_PERCENT || 5);
const LOSS_SECONDS = Number(process.env.TR_LOSS_SECONDS || 25);
const LAYER = Number(process.env.TR_LOSS_LAYER ?? 1);
const FACTOR = Number(process.env.TR_LOSS_FACTOR || 5);
const SIZES = { 0: [640, 360], 1: [1280, 720], 2: [1920, 1080] };

const suite = useSuite({ server: { logLevel: 'warn' }, browser: {} });

function hasGenericNack(codec) {
  return (codec.rtcpFeedback || []).some((fb) => fb.type === 'nack' && !fb.parameter);
}
function hasPli(codec) {
  return (codec.rtcpFeedback || []).some((fb) => fb.type === 'nack' && fb.parameter === 'pli');
}

test(`${LOSS_PERCENT} % loss to the viewer: freezes >= ${FACTOR}x fewer and shorter with NACK/RTX than without`, { timeout: 110_000 }, async () => {
  const { srv, browser } = suite;
  const ctx = { srv, browser };
  const { host: hostUser, org, room } = await step('REST: host, org, room, two viewers', () => setupRoom(srv, { plan: 'business' }), ctx);
  const [nackUser, noNackUser] = await Promise.all([inviteMember(srv, hostUser, org.id, 'viewer', 'nack'),
    inviteMember(srv, hostUser, org.id, 'viewer', 'nonack')]);
  const host = await browser.participant(srv, hostUser, 'host');
  const withNack = await browser.participant(srv, nackUser, 'nack');
  const noNack = await browser.participant(srv, noNackUser, 'nonack');
  const viewers = [withNack, noNack];

  await step('host publishes camera (VP8 simulcast L1T3) + microphone; both viewers subscribe', async () => {
    await host.connect();
    await host.join(room.id, 'host');
    await host.publish({ camera: true, microphone: true, scalabilityMode: 'L1T3' });
    await withNack.connect();
    await noNack.connect({ noNack: true });
    for (const v of viewers) {
      await v.join(room.id, 'viewer');
      await v.subscribeAll();
    }
    for (const v of viewers) await waitMediaFlowing(v, { video: ['camera'], audio: ['microphone'] });
  }, ctx);

  await step('negotiation: NACK + RTX for "nack", neither (PLI kept) for "nonack"', async () => {
    const sent = await noNack.tr('consumeCapabilities');
    const vp8cap = sent.codecs.find((c) => c.mimeType.toLowerCase() === 'video/vp8');
    assert.ok(vp8cap && !hasGenericNack(vp8cap) && hasPli(vp8cap), `nonack page's VP8 capability: ${JSON.stringify(vp8cap)}`);
    assert.ok(!sent.codecs.some((c) => /\/rtx$/i.test(c.mimeType)), 'nonack page sends no RTX codec');

    const a = await withNack.tr('consumerRtpParameters', 'camera');
    const av = a.codecs.find((c) => c.mimeType === 'video/VP8');
    assert.ok(hasGenericNack(av) && hasPli(av), `nack consumer VP8 rtcpFeedback: ${JSON.stringify(av.rtcpFeedback)}`);
    assert.ok(a.codecs.some((c) => c.mimeType === 'video/rtx'), `nack consumer has an RTX codec: ${JSON.stringify(a.codecs)}`);
    assert.ok(a.encodings[0].rtx?.ssrc, `nack consumer encoding has an RTX ssrc: ${JSON.stringify(a.encodings)}`);

    const b = await noNack.tr('consumerRtpParameters', 'camera');
    const bv = b.codecs.find((c) => c.mimeType === 'video/VP8');
    assert.ok(!hasGenericNack(bv), `nonack consumer must not negotiate NACK: ${JSON.stringify(bv.rtcpFeedback)}`);
    assert.ok(hasPli(bv), `nonack consumer keeps PLI: ${JSON.stringify(bv.rtcpFeedback)}`);
    assert.ok(!b.codecs.some((c) => c.mimeType === 'video/rtx'), `nonack consumer has no RTX codec: ${JSON.stringify(b.codecs)}`);
    assert.ok(!b.encodings[0].rtx, `nonack consumer encoding has no RTX: ${JSON.stringify(b.encodings)}`);
  }, ctx);

  const [w, h] = SIZES[LAYER];
  await step(`both viewers at spatial layer ${LAYER} (${w}x${h})`, async () => {
    if (LAYER === 2) {
      for (const v of viewers) await waitTopLayerReceived(host, v, 'camera', { topRid: 'r2', timeoutMs: 30_000 });
    }
    for (const v of viewers) {
      const id = (await v.consumers()).find((c) => c.source === 'camera' && !c.closed).consumerId;
      const r = await v.request('set-preferred-layers', { consumerId: id, spatialLayer: LAYER, temporalLayer: 2 });
      assert.equal(r.event, 'layers-set', `${v.name}: ${JSON.stringify(r)}`);
    }
    for (const v of viewers) {
      await v.pollStats((s) => {
        const c = consumerOf(s, 'camera');
        return c && c.frameWidth === w && c.frameHeight === h;
      }, { timeoutMs: 20_000, what: `camera decoded at ${w}x${h}` });
    }
    await sleep(1000); // settle on the layer (key frame decoded, frame rate back)
  }, ctx);

  const tls = viewers.map((v) => new Timeline(v));
  await step(`${LOSS_PERCENT} % random loss on both viewers' downlink for ${LOSS_SECONDS} s`, async () => {
    for (const tl of tls) await tl.sample('before');
    for (const v of viewers) {
      const set = await setNetwork(v, { lossPercent: LOSS_PERCENT });
      assert.equal(set.lossPercent, LOSS_PERCENT, `${v.name}: test-network-set ${JSON.stringify(set)}`);
    }
    const end = Date.now() + LOSS_SECONDS * 1000;
    while (Date.now() < end) {
      await sleep(1000);
      for (const tl of tls) await tl.sample('loss');
    }
    for (const v of viewers) await setNetwork(v, { lossPercent: 0 });
  }, ctx);

  const summary = {};
  for (const tl of tls) {
    const a = tl.rows[0];
    const b = tl.last();
    const secs = b.t - a.t;
    const sc = b.server.camera;
    const sa = a.server.camera;
    summary[tl.viewer.name] = {
      seconds: Math.round(secs * 10) / 10,
      freezeCount: b.freezeCount - a.freezeCount,
      totalFreezesDuration: Math.round((b.totalFreezesDuration - a.totalFreezesDuration) * 1000) / 1000,
      packetsLost: b.packetsLost - a.packetsLost,
      packetsReceived: b.browser.camera.packetsReceived - a.browser.camera.packetsReceived,
      nackCount: (b.nackCount ?? 0) - (a.nackCount ?? 0),
      retransmittedPacketsReceived: (b.retransmittedPacketsReceived ?? 0) - (a.retransmittedPacketsReceived ?? 0),
      pliCount: b.pliCount - a.pliCount,
      framesDecoded: b.framesDecoded - a.framesDecoded,
      keyFramesDecoded: b.keyFramesDecoded - a.keyFramesDecoded,
      fps: Math.round(((b.framesDecoded - a.framesDecoded) / secs) * 10) / 10,
      layers: [...new Set(tl.rows.map((r) => r.layer))],
      server: {
        nacksReceived: sc.nacksReceived - sa.nacksReceived,
        nackedPackets: sc.nackedPackets - sa.nackedPackets,
        retransmittedPackets: sc.retransmittedPackets - sa.retransmittedPackets,
        retransmissionsMissed: sc.retransmissionsMissed - sa.retransmissionsMissed,
        retransmissionsThrottled: sc.retransmissionsThrottled - sa.retransmissionsThrottled,
        keyFrameRequestsReceived: sc.keyFrameRequestsReceived - sa.keyFrameRequestsReceived,
        packetsLost: sc.packetsLost - sa.packetsLost,
      },
    };
    console.log(`# ${tl.table()}`);
  }
  const on = summary.nack;
  const off = summary.nonack;
  console.log(`# with NACK/RTX:    ${JSON.stringify(on)}`);
  console.log(`# without NACK/RTX: ${JSON.stringify(off)}`);
  const ratio = (x, y) => (y === 0 ? (x === 0 ? null : Infinity) : Math.round((x / y) * 10) / 10);
  const ratios = { freezeCount: ratio(off.freezeCount, on.freezeCount), totalFreezesDuration: ratio(off.totalFreezesDuration, on.totalFreezesDuration) };
  console.log(`# off/on: freezeCount ${off.freezeCount}/${on.freezeCount} = ${ratios.freezeCount}x, totalFreezesDuration ${off.totalFreezesDuration}/${on.totalFreezesDuration} s = ${ratios.totalFreezesDuration}x (criterion >= ${FACTOR}x)`);

  const file = recordResult('loss_recovery.json', {
    description: `${LOSS_PERCENT} % random loss on the SFU->viewer path (test-network), two Chromium viewers of the same VP8 simulcast camera (L1T3) at spatial layer ${LAYER}, one with NACK/RTX, one without; loopback`,
    lossPercent: LOSS_PERCENT, layer: LAYER, seconds: LOSS_SECONDS, factor: FACTOR,
    withNack: on, withoutNack: off, ratios: { ...ratios, freezeCount: ratios.freezeCount === Infinity ? 'inf' : ratios.freezeCount,
      totalFreezesDuration: ratios.totalFreezesDuration === Infinity ? 'inf' : ratios.totalFreezesDuration },
    timelines: Object.fromEntries(tls.map((tl) => [tl.viewer.name, tl.plain()])),
    machine: { cpus: os.cpus().length, loadavg: os.loadavg() },
    date: new Date().toISOString(),
  });
  if (file) console.log(`# recorded ${file}`);

  // sanity: the loss happened to both, NACK/RTX worked for one and was absent for the other
  for (const [name, s] of Object.entries(summary)) {
    assert.ok(s.packetsLost >= s.packetsReceived * 0.02, `${name}: packetsLost ${s.packetsLost} of ${s.packetsReceived}: the ${LOSS_PERCENT} % loss did not happen`);
  }
  assert.ok(on.nackCount > 0 && on.retransmittedPacketsReceived > 0 && on.server.retransmittedPackets > 0,
    `NACK viewer: nackCount ${on.nackCount}, retransmittedPacketsReceived ${on.retransmittedPacketsReceived}, SFU retransmittedPackets ${on.server.retransmittedPackets}`);
  assert.ok(on.retransmittedPacketsReceived >= on.packetsLost * 0.5, `NACK viewer: only ${on.retransmittedPacketsReceived} retransmissions for ${on.packetsLost} lost packets`);
  assert.equal(off.nackCount, 0, 'no-NACK viewer sent NACKs');
  assert.equal(off.server.nacksReceived, 0, 'SFU got NACKs from the no-NACK viewer');
  assert.equal(off.server.retransmittedPackets, 0, 'SFU retransmitted to the no-NACK viewer');
  assert.ok(off.totalFreezesDuration >= 1, `without NACK/RTX the loss must show (total freeze ${off.totalFreezesDuration} s)`);
  // the criterion
  assert.ok(off.totalFreezesDuration >= FACTOR * on.totalFreezesDuration,
    `total freeze time: ${on.totalFreezesDuration} s with NACK/RTX vs ${off.totalFreezesDuration} s without: not ${FACTOR}x lower`);
  assert.ok(off.freezeCount >= FACTOR * on.freezeCount,
    `freeze count: ${on.freezeCount} with NACK/RTX vs ${off.freezeCount} without: not ${FACTOR}x lower`);
  for (const p of [host, ...viewers]) assert.deepEqual(await p.tr('errors'), [], `${p.name}: async errors in the page`);
});
