// The publish scenario with a browser that may not use UDP (WebRTC IP handling policy
// disable_non_proxied_udp): the SFU's passive ICE-TCP candidate must carry the media. Proven
// with getStats(): the selected candidate pair's local and remote candidates are TCP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite } from '../lib/suite.mjs';
import { summarize } from '../lib/browser.mjs';
import { inviteMember, setupRoom } from '../lib/api.mjs';
import { waitMediaFlowing } from '../lib/media.mjs';
import { step } from '../lib/util.mjs';

const suite = useSuite({ browser: { tcpOnly: true } });

function assertTcpPair(t, who) {
  assert.ok(t, `${who}: transport exists`);
  assert.equal(t.connectionState, 'connected', `${who}: transport connectionState`);
  assert.ok(t.selectedPair, `${who}: a selected candidate pair`);
  assert.equal(t.selectedPair.local.protocol, 'tcp', `${who}: selected local-candidate protocol (${JSON.stringify(t.selectedPair)})`);
  assert.equal(t.selectedPair.remote.protocol, 'tcp', `${who}: selected remote-candidate protocol (${JSON.stringify(t.selectedPair)})`);
  const udp = t.localCandidates.filter((c) => c.protocol === 'udp');
  assert.deepEqual(udp, [], `${who}: the browser gathered no UDP candidate`);
}

test('ICE-TCP only: a TCP-restricted browser publishes and the viewer decodes frames', { timeout: 120_000 }, async () => {
  const { srv, browser } = suite;
  const ctx = { srv, browser };
  const { host: hostUser, org, room } = await step('REST: host, org (business), workspace, room',
    () => setupRoom(srv, { plan: 'business' }), ctx);
  const viewerUser = await step('REST: viewer invited', () => inviteMember(srv, hostUser, org.id, 'viewer'), ctx);
  const host = await browser.participant(srv, hostUser, 'host(tcp)');
  const viewer = await browser.participant(srv, viewerUser, 'viewer(tcp)');

  await step('host joins and publishes camera + microphone over TCP', async () => {
    await host.connect();
    await host.join(room.id, 'host');
    await host.publish({ camera: true, microphone: true });
  }, ctx);

  await step('viewer joins, subscribes, decodes video and receives audio over TCP', async () => {
    await viewer.connect();
    await viewer.join(room.id, 'viewer');
    await viewer.subscribeAll();
    const s = await waitMediaFlowing(viewer, { video: ['camera'], audio: ['microphone'] }, 25_000);
    console.log(`# viewer(tcp): ${JSON.stringify(summarize(s))}`);
  }, ctx);

  await step('getStats proves ICE over TCP on both transports', async () => {
    const hs = await host.stats();
    const vs = await viewer.stats();
    console.log(`# host send pair: ${JSON.stringify(hs.transports.send.selectedPair)}`);
    console.log(`# viewer recv pair: ${JSON.stringify(vs.transports.recv.selectedPair)}`);
    const offered = (await viewer.events('transport-created')).flatMap((e) => e.data.iceCandidates.map((c) => c.protocol));
    console.log(`# server offered candidate protocols: ${JSON.stringify(offered)}`);
    assert.ok(offered.includes('tcp'), 'the server offers a TCP candidate');
    assertTcpPair(hs.transports.send, 'host send transport');
    assertTcpPair(vs.transports.recv, 'viewer recv transport');
    const p = hs.transports.send.selectedPair;
    assert.ok(p.bytesSent > 0 && p.bytesReceived > 0, `host TCP pair carries bytes: ${JSON.stringify(p)}`);
  }, ctx);
});
