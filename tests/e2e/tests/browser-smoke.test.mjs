// The harness itself: the binary serves the bundled page (--web-root), Debian Chromium starts
// headless with fake devices, mediasoup-client picks its Chrome handler, and getUserMedia /
// getDisplayMedia give live tracks. Needs no signaling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite } from '../lib/suite.mjs';

const suite = useSuite({ browser: {} });

test('page served by the binary; fake camera, microphone and screen produce tracks', async () => {
  const p = await suite.browser.participant(suite.srv, null, 'smoke');
  const version = await p.page.evaluate(() => window.tr.version);
  assert.equal(version, '3.24.1', 'mediasoup-client version in the bundle');
  const res = await p.tr('probeDevices');
  console.log(`# devices: ${JSON.stringify(res)}`);
  assert.match(res.handlerName, /^Chrome\d+$/, 'mediasoup-client handler');
  assert.ok(res.camera.width > 0 && res.camera.height > 0, `camera track has a size: ${JSON.stringify(res.camera)}`);
  assert.ok(res.microphone.label, 'microphone track');
  assert.ok(res.screen.width > 0 && res.screen.height > 0, `screen track has a size: ${JSON.stringify(res.screen)}`);
  // SPA fallback: a browser navigation to an unknown path also gets the page.
  const deep = await suite.browser.participant(suite.srv, null, 'deep-link');
  await deep.page.goto(`${suite.srv.url}/rooms/some/deep/link`, { waitUntil: 'load' });
  await deep.page.waitForFunction(() => !!window.tr, null, { timeout: 5000 });
});
