// Room files, organization analytics and co-host cameras, through the web app's UI against the
// real server (web/dist served by `tradingroom serve`):
//
// 1. the owner (desktop) goes live as host and uploads a file in the room's "Files" tab (file
//    picker, progress); a viewer on a phone (390x844) sees it in the list with size and uploader,
//    downloads it (the bytes match), has no "Delete" button, and the server refuses the viewer's
//    DELETE (403); the owner's 11th upload within the hour shows the server's 429 message; the
//    owner deletes a file (confirm dialog) and it is gone on the server.
// 2. a co-host joins the room and turns on the camera: the host studio shows the co-host's
//    camera as a playing tile, and so does the viewer's page.
// 3. the analytics page (from the dashboard's "View analytics") shows the live room and the
//    watching viewer, the plan's level (Professional = Advanced, with the upgrade note), the
//    members by role; a viewer gets no analytics (no link, 403); after the host ends the room it
//    counts as ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { layoutReport, poll, shot, T, useWebSuite } from '../lib/webapp.mjs';
import { signup, uniqueEmail } from '../lib/api.mjs';
import { step } from '../lib/util.mjs';

const suite = useWebSuite();
const shared = {};

/** A member invited with `role` who signs up (REST) with a readable name and accepts. */
async function member(srv, owner, orgId, role, displayName) {
  const email = uniqueEmail(role);
  const inv = await owner.invite(orgId, email, role);
  const user = await signup(srv, role, { email, displayName });
  await user.accept(inv.token);
  await user.useOrg(orgId);
  return user;
}

/** Camera + microphone on, then "Go live" (the studio of webapp-host-viewer). */
async function goLive(page) {
  await page.getByRole('button', { name: 'Go live' }).waitFor({ timeout: T.nav });
  const sources = page.getByRole('toolbar', { name: 'Sources' });
  await sources.locator('.source').filter({ hasText: 'Camera' }).getByRole('button', { name: 'Turn on' }).click();
  await page.locator('video[aria-label="Your camera (preview)"]').waitFor();
  await sources.locator('.source').filter({ hasText: 'Microphone' }).getByRole('button', { name: 'Turn on' }).click();
  await poll(() => page.getByRole('button', { name: 'Go live' }).isEnabled(), { what: 'Go live enabled (joined)' });
  await page.getByRole('button', { name: 'Go live' }).click();
  await page.locator('.live-badge').waitFor({ timeout: T.media });
}

async function videoPlays(user, label, what) {
  return poll(async () => {
    const s = await user.videoState(label);
    return s && s.currentTime > 0 && s.videoWidth > 0 && s.box.width > 0 ? s : null;
  }, { timeoutMs: T.media, what });
}

async function openSideTab(page, name) {
  const tab = page.getByRole('tablist', { name: 'Side panel' }).getByRole('tab', { name });
  await tab.click();
  await poll(async () => (await tab.getAttribute('aria-selected')) === 'true', { what: `${name} tab selected` });
}

test('files in the room, co-host camera in the studio, analytics after going live', { timeout: 200_000 }, async () => {
  const { srv, app } = suite;
  const ctx = { srv, browser: app };
  const { ownerApi, org, room, viewerApi, cohostApi } = await step('REST: owner, organization (Professional), workspace, room, a viewer and a co-host', async () => {
    const ownerApi = await signup(srv, 'owner', { displayName: 'Grace Owner' });
    const org = await ownerApi.createOrg({ name: 'Gamma Markets', plan: 'professional' });
    const ws = await ownerApi.createWorkspace(org.id, 'Futures Desk');
    const room = await ownerApi.createRoom(ws.id, 'London Open');
    const viewerApi = await member(srv, ownerApi, org.id, 'viewer', 'Vera Viewer');
    const cohostApi = await member(srv, ownerApi, org.id, 'co-host', 'Carl Cohost');
    return { ownerApi, org, room, viewerApi, cohostApi };
  }, ctx);

  const host = await app.user(srv, 'owner', { ip: ownerApi.ip });
  const hp = host.page;
  await step('owner signs in, opens the room as host and goes live', async () => {
    host.email = ownerApi.email;
    await host.signIn();
    await host.goto(`/rooms/${room.id}?as=host`);
    await goLive(hp);
  }, ctx);

  const bytes = crypto.randomBytes(48 * 1024 + 123);
  const fileName = 'trade-plan-london.pdf';
  let fileId;
  await step('owner uploads a file from the Files tab (file picker): listed with size and uploader', async () => {
    await openSideTab(hp, 'Files');
    const panel = hp.locator('#side-panel-files');
    await panel.getByText('No files yet').waitFor();
    await panel.getByLabel('Upload files').setInputFiles({ name: fileName, mimeType: 'application/pdf', buffer: bytes });
    const row = panel.getByRole('list', { name: 'Files in this room' }).getByRole('listitem').filter({ hasText: fileName });
    await row.waitFor({ timeout: T.nav });
    const text = await row.textContent();
    assert.match(text, /PDF · 48 KB · You/, `size and uploader shown: ${text}`);
    assert.equal(await panel.getByRole('list', { name: 'Uploads' }).count(), 0, 'the progress row is gone after the upload');
    const list = await ownerApi.api('GET', `/api/v1/rooms/${room.id}/files`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items.map((f) => [f.name, f.sizeBytes, f.contentType, f.uploadedBy]), [[fileName, bytes.length, 'application/pdf', ownerApi.id]]);
    fileId = list.body.items[0].id;
    await row.getByRole('button', { name: `Delete ${fileName}` }).waitFor(); // the uploader may delete
  }, ctx);

  const viewer = await app.user(srv, 'viewer', { phone: true, ip: viewerApi.ip });
  const vp = viewer.page;
  await step('viewer (phone) watches, sees the file in Files, downloads it: the bytes match', async () => {
    viewer.email = viewerApi.email;
    await viewer.signIn();
    await viewer.goto(`/rooms/${room.id}?as=viewer`);
    await videoPlays(viewer, 'Host camera', 'the viewer plays the host camera');
    await openSideTab(vp, 'Files');
    const panel = vp.locator('#side-panel-files');
    const row = panel.getByRole('listitem').filter({ hasText: fileName });
    await row.waitFor({ timeout: T.nav });
    assert.match(await row.textContent(), /48 KB · Grace Owner/, 'uploader shown by name');
    assert.equal(await panel.getByLabel('Upload files').count(), 0, 'a viewer cannot upload (no file picker)');
    assert.equal(await row.getByRole('button', { name: /^Delete/ }).count(), 0, 'a viewer has no Delete button');
    const [download] = await Promise.all([vp.waitForEvent('download', { timeout: T.nav }), row.getByRole('button', { name: `Download ${fileName}` }).click()]);
    assert.equal(download.suggestedFilename(), fileName, 'saved under the file name');
    const got = fs.readFileSync(await download.path());
    assert.equal(got.length, bytes.length, 'downloaded size');
    assert.ok(got.equals(bytes), 'downloaded bytes equal the uploaded ones');
    const l = await layoutReport(vp, { files: '#side-panel-files' });
    assert.ok(l.scrollWidth <= 390, `phone: no horizontal overflow (${l.scrollWidth}; ${l.overflowing.join(', ')})`);
    await row.scrollIntoViewIfNeeded();
    await shot(vp, '11-room-files');
  }, ctx);

  await step('the server refuses the viewer\'s DELETE (403) and the file stays', async () => {
    const del = await viewerApi.api('DELETE', `/api/v1/files/${fileId}`);
    assert.equal(del.status, 403, `viewer DELETE: ${del.text}`);
    assert.equal(del.body.error.code, 'forbidden');
    const upload = await viewerApi.api('POST', `/api/v1/rooms/${room.id}/files?name=x.txt`, 'x', { headers: { 'Content-Type': 'text/plain' } });
    assert.equal(upload.status, 403, 'a viewer cannot upload either');
    assert.equal((await ownerApi.api('GET', `/api/v1/files/${fileId}`)).status, 200, 'the file still exists');
  }, ctx);

  await step('the 11th upload within the hour shows the server\'s 429 message; the owner deletes a file', async () => {
    // 9 more uploads through REST (same user = same hourly bucket), then one through the UI
    for (let i = 2; i <= 10; i++) {
      const r = await ownerApi.api('POST', `/api/v1/rooms/${room.id}/files?name=chart-${i}.txt`, `chart ${i}`, { headers: { 'Content-Type': 'text/plain' } });
      assert.equal(r.status, 201, `upload ${i}: ${r.text}`);
    }
    const panel = hp.locator('#side-panel-files');
    await panel.getByRole('listitem').filter({ hasText: 'chart-10.txt' }).waitFor({ timeout: T.nav });
    // Pushed (signaling file-added), not polled: the lists refresh well within the 20 s poll.
    const viewerPanel = vp.locator('#side-panel-files');
    await viewerPanel.getByRole('listitem').filter({ hasText: 'chart-10.txt' }).waitFor({ timeout: 5_000 });
    await panel.getByLabel('Upload files').setInputFiles({ name: 'one-too-many.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    const alert = panel.getByRole('list', { name: 'Uploads' }).getByRole('alert');
    await alert.waitFor({ timeout: T.nav });
    const text = await alert.textContent();
    assert.match(text, /one-too-many\.txt/, text);
    assert.match(text, /Upload limit reached: 10 uploads per hour\. Try again in \d+ (s|min)\./, `429 explained: ${text}`);
    await shot(hp, '11-room-files');
    await alert.getByRole('button', { name: /^Dismiss/ }).click();
    await alert.waitFor({ state: 'detached' });

    const row = panel.getByRole('listitem').filter({ hasText: 'chart-10.txt' });
    await row.getByRole('button', { name: 'Delete chart-10.txt' }).click();
    const dialog = hp.getByRole('dialog', { name: 'Delete this file?' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });
    await viewerPanel.getByRole('listitem').filter({ hasText: 'chart-10.txt' }).waitFor({ state: 'detached', timeout: 5_000 });
    const list = await ownerApi.api('GET', `/api/v1/rooms/${room.id}/files?limit=100`);
    assert.equal(list.body.items.length, 9, 'REST: 10 uploaded, one deleted');
    assert.ok(!list.body.items.some((f) => f.name === 'chart-10.txt'));
  }, ctx);

  const cohost = await app.user(srv, 'cohost', { ip: cohostApi.ip });
  await step('a co-host goes live with the camera: a playing tile in the host studio and on the viewer\'s page', async () => {
    cohost.email = cohostApi.email;
    await cohost.signIn();
    await cohost.goto(`/rooms/${room.id}?as=co-host`);
    await goLive(cohost.page);
    const label = 'Carl Cohost camera';
    await hp.getByRole('list', { name: 'Co-hosts' }).getByRole('listitem').filter({ hasText: 'Carl Cohost' }).waitFor({ timeout: T.media });
    const tile = await videoPlays(host, label, 'the co-host camera plays in the host studio');
    console.log(`# host studio: co-host tile ${tile.videoWidth}x${tile.videoHeight}, box ${JSON.stringify(tile.box)}`);
    // and the co-host sees the host in their own studio
    await videoPlays(cohost, 'Grace Owner camera', 'the host camera plays in the co-host studio');
    // the viewer: the host stays on the stage, the co-host is a tile
    await vp.getByRole('list', { name: 'Other presenters' }).waitFor({ timeout: T.media });
    await videoPlays(viewer, label, 'the co-host camera plays on the viewer page');
    await videoPlays(viewer, 'Host camera', 'the host camera still plays on the viewer stage');
    await shot(hp, '13-host-studio-cohost', { phone: 'resize', prepare: () => hp.locator('.tiles').scrollIntoViewIfNeeded() });
  }, ctx);

  await step('analytics (owner, from the dashboard): the live room, the viewer, members, plan level', async () => {
    const tab = await host.newTab(' (analytics)');
    await host.goto(`/orgs/${org.id}`, tab);
    await tab.getByRole('link', { name: 'View analytics' }).click();
    await tab.waitForURL(new RegExp(`/orgs/${org.id}/analytics$`));
    await tab.getByRole('heading', { level: 1, name: 'Analytics · Gamma Markets' }).waitFor();
    const kpi = async (label) => (await tab.locator('.kpi').filter({ has: tab.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('.kpi-value').textContent()).trim();
    await poll(async () => (await kpi('Live now')) === '1', { what: 'Live now = 1' });
    await poll(async () => Number(await kpi('Watching now')) >= 1, { what: 'Watching now >= 1', timeoutMs: T.nav });
    assert.equal(await kpi('Rooms'), '1');
    assert.equal(await kpi('Members'), '3');
    assert.equal(await kpi('Workspaces'), '1');
    const roles = tab.getByRole('table', { name: 'Members by role' });
    assert.match(await roles.getByRole('row', { name: /^Viewer/ }).textContent(), /Viewer\s*1\s*33%/);
    assert.match(await roles.getByRole('row', { name: /^Co-host/ }).textContent(), /Co-host\s*1/);
    const chart = tab.getByRole('img', { name: /^Rooms by status: Live 1, Offline 0, Ended 0$/ });
    assert.equal(await chart.count(), 1, 'the status chart has a text alternative');
    await tab.getByRole('heading', { name: /Advanced analytics/ }).waitFor();
    await tab.getByText(/Full analytics come with the Business plan/).waitFor();
    assert.equal(await tab.getByRole('link', { name: 'Compare plans' }).count(), 1, 'the owner gets the upgrade link');
    // keyboard: focus Refresh and press Enter
    await tab.getByRole('button', { name: 'Refresh' }).focus();
    await tab.keyboard.press('Enter');
    await poll(async () => (await kpi('Live now')) === '1', { what: 'still 1 live after refresh' });
    const api = await ownerApi.api('GET', `/api/v1/organizations/${org.id}/analytics`);
    assert.equal(api.status, 200);
    assert.equal(api.body.level, 'advanced');
    const vw = tab.viewportSize();
    await shot(tab, '12-analytics', { phone: 'resize' });
    await tab.setViewportSize({ width: 390, height: 844 });
    const l = await layoutReport(tab);
    assert.ok(l.scrollWidth <= 390, `analytics at 390 px: no horizontal overflow (${l.scrollWidth}; ${l.overflowing.join(', ')})`);
    await tab.setViewportSize(vw);
    shared.analyticsTab = tab;
  }, ctx);

  await step('viewers and co-hosts have no analytics (no link, 403)', async () => {
    assert.equal((await viewerApi.api('GET', `/api/v1/organizations/${org.id}/analytics`)).status, 403, 'viewer: 403');
    assert.equal((await cohostApi.api('GET', `/api/v1/organizations/${org.id}/analytics`)).status, 403, 'co-host: 403 (matrix)');
    const tab = await viewer.newTab(' (dashboard)');
    await viewer.goto(`/orgs/${org.id}`, tab);
    await tab.getByRole('heading', { level: 1, name: 'Gamma Markets' }).waitFor();
    assert.equal(await tab.getByRole('link', { name: /analytics/i }).count(), 0, 'no analytics link for a viewer');
    await viewer.goto(`/orgs/${org.id}/analytics`, tab);
    await tab.getByText('Analytics are for owners, admins and hosts.').waitFor();
    await tab.close();
  }, ctx);

  await step('after the host ends the room, analytics count it as ended', async () => {
    await hp.getByRole('button', { name: 'End room' }).click();
    await hp.getByRole('dialog', { name: 'End the room for everyone?' }).getByRole('button', { name: 'End room' }).click();
    await vp.getByRole('heading', { name: 'This room has ended' }).waitFor({ timeout: T.nav });
    const tab = shared.analyticsTab;
    await tab.getByRole('button', { name: 'Refresh' }).click();
    await poll(async () => (await tab.getByRole('img', { name: /^Rooms by status:/ }).getAttribute('aria-label')) === 'Rooms by status: Live 0, Offline 0, Ended 1',
      { what: 'analytics: the room counts as ended', timeoutMs: T.nav });
  }, ctx);

  assert.deepEqual(app.pageErrors(), [], 'no uncaught exceptions in the pages');
});

