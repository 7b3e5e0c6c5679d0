import { startServer } from './lib/server.mjs';
import { launchWebApp, WEB_DIST, poll } from './lib/webapp.mjs';
import { setupRoom, inviteMember } from './lib/api.mjs';
const srv = await startServer({ webRoot: WEB_DIST });
const app = await launchWebApp();
const t0 = Date.now(); const lap = (m) => console.log(`${((Date.now()-t0)/1000).toFixed(2)}s ${m}`);
const sleep = (ms) => new Promise(r => setTimeout(r, ms));
try {
  const { host: H, org, room } = await setupRoom(srv, { plan: 'business' });
  const V = await inviteMember(srv, H, org.id, 'viewer');
  const host = await app.user(srv, 'host'); host.email = H.email;
  await host.signIn();
  await host.goto(`/rooms/${room.id}?as=host`);
  const hp = host.page;
  const src = hp.getByRole('toolbar', { name: 'Sources' });
  await src.locator('.source').filter({ hasText: 'Camera' }).getByRole('button', { name: 'Turn on' }).click();
  await src.locator('.source').filter({ hasText: 'Microphone' }).getByRole('button', { name: 'Turn on' }).click();
  await poll(() => hp.getByRole('button', { name: 'Go live' }).isEnabled());
  await hp.getByRole('button', { name: 'Go live' }).click();
  await hp.locator('.live-badge').waitFor(); lap('live');
  const viewer = await app.user(srv, 'viewer'); viewer.email = V.email;
  await viewer.signIn();
  await viewer.goto(`/rooms/${room.id}`);
  const vp = viewer.page;
  await vp.locator('video[aria-label="Host camera"]').waitFor(); lap('viewer video');
  await hp.getByRole('button', { name: 'Stats' }).click();
  await vp.getByRole('button', { name: 'Stats' }).click();
  for (let i = 0; i < 4; i++) {
    await sleep(2500);
    lap('host rates: ' + (await hp.locator('.source-rate').allTextContents()).join(' | ') + ' / ' + await hp.locator('.quality-label').textContent());
    lap('viewer quality: ' + await vp.locator('.quality-label').textContent() + ' / ' + (await vp.locator('.stats-table tbody tr').allTextContents()).join(' | '));
  }
  await hp.screenshot({ path: '/tmp/wx/host-stats.png' });
  await vp.screenshot({ path: '/tmp/wx/viewer-stats.png' });
  lap('bw ' + JSON.stringify(await host.bandwidth()) + JSON.stringify(await host.outboundVideo()));
  // phone viewer context: mute / unmute
  await vp.getByRole('button', { name: 'Mute' }).click();
  lap('after mute: ' + await vp.locator('.stage-controls button').first().textContent());
  lap('audio elements ' + JSON.stringify(await vp.evaluate(() => [...document.querySelectorAll('audio')].map(a => ({muted: a.muted, paused: a.paused})))));
} catch (e) { console.log('ERR', e.message); }
for (const u of app.users) console.log(u.console.join('\n'));
console.log(app.pageErrors());
await app.close(); await srv.stop(); srv.cleanup();
