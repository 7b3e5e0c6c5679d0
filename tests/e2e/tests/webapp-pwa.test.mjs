// The web app as an installable PWA, served by the real binary from web/dist:
// - Chromium's own installability check (CDP Page.getInstallabilityErrors) reports no error,
//   and its manifest parser (Page.getAppManifest) none either;
// - the service worker (/sw.js) is registered, activated and controls the page;
// - the manifest has name, short_name, start_url, display standalone, and PNG icons of
//   192x192 and 512x512 that exist with those sizes;
// - offline, a reload still shows the app (the service worker serves the cached shell).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { persistentUser, poll, T, useWebSuite } from '../lib/webapp.mjs';
import { step } from '../lib/util.mjs';

// Chromium reports "in-incognito" for the usual throw-away contexts: this file uses a
// persistent profile (its own Chromium with a temporary --user-data-dir) instead.
const suite = useWebSuite({ browser: false });

/** Width and height from a PNG's IHDR chunk. */
function pngSize(buf) {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (buf.length < 24 || !sig.every((b, i) => buf[i] === b) || buf.toString('ascii', 12, 16) !== 'IHDR') return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

test('installable PWA: no installability errors, service worker active, manifest complete, offline shell', { timeout: 60_000 }, async () => {
  const { srv } = suite;
  const user = await persistentUser(srv, 'pwa', { suite });
  const ctx = { srv, browser: { consoleDump: () => `--- console of pwa ---\n${user.console.slice(-25).join('\n')}` } };
  const page = user.page;

  await step('manifest: name, icons 192 and 512 (PNG, real sizes), start_url, display standalone', async () => {
    const r = await fetch(`${srv.url}/manifest.webmanifest`, { signal: AbortSignal.timeout(5_000) });
    assert.equal(r.status, 200);
    const m = JSON.parse(await r.text());
    assert.equal(m.name, 'Trading Room');
    assert.ok(m.short_name && m.short_name.length <= 15, `short_name: ${m.short_name}`);
    assert.equal(m.start_url, '/');
    assert.equal(m.display, 'standalone');
    assert.ok(m.theme_color && m.background_color, 'theme and background colours');
    for (const size of [192, 512]) {
      const icon = m.icons.find((i) => i.sizes === `${size}x${size}` && i.type === 'image/png' && (i.purpose ?? 'any').split(' ').includes('any'));
      assert.ok(icon, `a ${size}x${size} PNG icon (purpose any): ${JSON.stringify(m.icons)}`);
      const ir = await fetch(new URL(icon.src, srv.url), { signal: AbortSignal.timeout(5_000) });
      assert.equal(ir.status, 200, `${icon.src} is served`);
      assert.match(ir.headers.get('content-type') || '', /^image\/png/, `${icon.src} content type`);
      assert.deepEqual(pngSize(Buffer.from(await ir.arrayBuffer())), { width: size, height: size }, `${icon.src} is really ${size}x${size}`);
    }
  }, ctx);

  await step('the page links the manifest; the service worker registers, activates and controls the page', async () => {
    await user.goto('/signin');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(await page.locator('link[rel="manifest"]').getAttribute('href'), '/manifest.webmanifest');
    assert.ok(await page.locator('meta[name="theme-color"]').getAttribute('content'));
    const reg = await page.evaluate(async (ms) => {
      const ready = navigator.serviceWorker.ready.then((r) => ({ scope: r.scope, active: r.active?.scriptURL, state: r.active?.state }));
      const timeout = new Promise((resolve) => setTimeout(() => resolve(null), ms));
      return Promise.race([ready, timeout]);
    }, T.ui);
    assert.ok(reg, 'navigator.serviceWorker.ready resolved');
    assert.equal(reg.active, `${srv.url}/sw.js`);
    assert.equal(reg.scope, `${srv.url}/`);
    // clients.claim(): the page is controlled without a reload
    await poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { what: 'page controlled by the service worker' });
    const workers = user.context.serviceWorkers().map((w) => w.url());
    assert.ok(workers.includes(`${srv.url}/sw.js`), `playwright sees the worker: ${workers}`);
  }, ctx);

  await step('CDP: Page.getInstallabilityErrors reports none; Page.getAppManifest parses without errors', async () => {
    const cdp = await user.context.newCDPSession(page);
    try {
      const m = await cdp.send('Page.getAppManifest');
      assert.equal(m.url, `${srv.url}/manifest.webmanifest`);
      assert.deepEqual(m.errors, [], `manifest parser errors: ${JSON.stringify(m.errors)}`);
      // the check needs the service worker and icons fetched: retry briefly
      const res = await poll(async () => {
        const r = await cdp.send('Page.getInstallabilityErrors');
        return r.installabilityErrors.length === 0 ? r : null;
      }, { timeoutMs: T.ui, intervalMs: 500, what: 'no installability errors' }).catch(async (e) => {
        const r = await cdp.send('Page.getInstallabilityErrors');
        throw new Error(`${e.message}; errors: ${JSON.stringify(r.installabilityErrors)}`);
      });
      assert.deepEqual(res.installabilityErrors, []);
    } finally {
      await cdp.detach().catch(() => {});
    }
  }, ctx);

  await step('offline: a reload shows the app shell from the service worker cache; the API is never cached', async () => {
    await user.context.setOffline(true);
    try {
      await page.reload({ waitUntil: 'load' });
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await page.goto(`${srv.url}/signup`, { waitUntil: 'load' });
      await page.getByRole('heading', { name: 'Create your account' }).waitFor();
      const cached = await page.evaluate(async () => {
        const keys = await caches.keys();
        const urls = [];
        for (const k of keys) for (const req of await (await caches.open(k)).keys()) urls.push(new URL(req.url).pathname);
        return { keys, urls };
      });
      assert.ok(cached.keys.length === 1 && cached.keys[0].startsWith('tr-shell-'), `one shell cache: ${cached.keys}`);
      assert.ok(cached.urls.includes('/index.html') && cached.urls.includes('/manifest.webmanifest'), `shell cached: ${cached.urls}`);
      assert.ok(!cached.urls.some((u) => u.startsWith('/api/') || u === '/ws'), `no API in the cache: ${cached.urls}`);
    } finally {
      await user.context.setOffline(false);
    }
  }, ctx);

  assert.deepEqual(user.pageErrors, [], 'no uncaught exceptions in the page');
});
