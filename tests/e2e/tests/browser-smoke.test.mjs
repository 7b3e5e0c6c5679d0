// The harness itself: the binary serves the bundled page (--web-root), Debian Chromium starts
// headless with fake devices, mediasoup-client picks its Chrome handler, and getUserMedia /
// getDisplayMedia give live tracks. Needs no signaling.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from '../lib/server.mjs';
import { launchBrowser } from '../lib/browser.mjs';

const h = useServer();
let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { if (browser) await browser.close(); });

test('page served by the binary; fake camera, microphone and screen produce tracks', async () => {
  const p = await browser.participant(h.srv, null, 'smoke');
  const version = await p.page.evaluate(() => window.tr.version);
  assert.equal(version, '3.24.1', 'mediasoup-client version in the bundle');
  const res = await p.tr('probeDevices');
  console.log(`# devices: ${JSON.stringify(res)}`);
  assert.match(res.handlerName, /^Chrome\d+$/, 'mediasoup-client handler');
  assert.ok(res.camera.width > 0 && res.camera.height > 0, `camera track has a size: ${JSON.stringify(res.camera)}`);
  assert.ok(res.microphone.label, 'microphone track');
  assert.ok(res.screen.width > 0 && res.screen.height > 0, `screen track has a size: ${JSON.stringify(res.screen)}`);
  // SPA fallback: an unknown path also serves the page.
  const r = await fetch(`${h.srv.url}/rooms/some/deep/link`);
  assert.equal(r.status, 200, 'SPA fallback status');
  assert.match(await r.text(), /app\.js/, 'SPA fallback serves index.html');
});
