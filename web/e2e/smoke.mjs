#!/usr/bin/env node
// Browser smoke test of the web client against a running server.
//
//   BASE=http://localhost:18301 node smoke.mjs
//
// BASE must serve web/dist, the REST API and /ws (a `tradingroom serve`, or
// `npm run mock-signaling` in front of one while the server's signaling is unfinished).
// It signs up a fresh owner, creates an organization/workspace/rooms through the UI (and hits
// the Starter room limit), invites a viewer who signs up from the invitation link on a
// 390 px phone viewport, then runs a live room: waiting → live → host paused → live, chat
// both ways (host messages marked), moderator delete, quality menu, stats, end room.
// Media needs a real SFU; with the mock, transports never connect but every signaling
// state and UI transition is exercised. Screenshots go to $SHOTS (default /tmp/tr-e2e).
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const BASE = process.env.BASE ?? 'http://localhost:18301';
const SHOTS = process.env.SHOTS ?? '/tmp/tr-e2e';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
mkdirSync(SHOTS, { recursive: true });
const run = Date.now().toString(36);
const owner = { email: `owner-${run}@example.com`, password: 'password123', name: 'Olivia Owner' };
const viewerUser = { email: `viewer-${run}@example.com`, password: 'password123', name: 'Vera Viewer' };
let failures = 0;
let passes = 0;
const check = async (name, fn) => {
  try {
    await fn();
    passes++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${String(e.message ?? e).split('\n')[0]}`);
  }
};

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--auto-select-desktop-capture-source=Entire screen'],
});
const pageErrors = [];
async function newPage(width, height) {
  const ctx = await browser.newContext({ viewport: { width, height }, permissions: ['camera', 'microphone'] });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

const host = await newPage(1280, 900);
await check('sign up', async () => {
  await host.goto(BASE + '/signup');
  await host.getByLabel('Your name').fill(owner.name);
  await host.getByLabel('Email').fill(owner.email);
  await host.getByLabel('Password').fill(owner.password);
  await host.getByRole('button', { name: 'Create account' }).click();
  await host.getByRole('button', { name: 'Create your organization' }).waitFor();
});
await check('create organization and workspace', async () => {
  await host.getByRole('button', { name: 'Create your organization' }).click();
  await host.getByLabel('Organization name').fill(`Apex Trading ${run}`);
  await host.getByRole('button', { name: 'Create', exact: true }).click();
  await host.waitForURL(/\/orgs\//);
  await host.getByRole('button', { name: '+ New workspace' }).click();
  await host.getByLabel('Workspace name').fill('Day Trading');
  await host.getByRole('button', { name: 'Create', exact: true }).click();
  await host.getByRole('heading', { name: 'Day Trading' }).waitFor();
});
await check('create rooms up to the Starter limit, then see the 402 explained', async () => {
  for (const name of ['Opening Bell Live', 'Futures Desk', 'Options Q&A']) {
    await host.getByRole('button', { name: '+ New room' }).click();
    await host.getByLabel('Room name').fill(name);
    await host.getByRole('button', { name: 'Create', exact: true }).click();
    await host.getByRole('heading', { name, exact: true }).waitFor();
  }
  await host.getByText('3 of 3 rooms on Starter').waitFor();
  await host.getByRole('button', { name: '+ New room' }).click();
  await host.getByLabel('Room name').fill('One too many');
  await host.getByRole('button', { name: 'Create', exact: true }).click();
  await host.locator('dialog .banner-error', { hasText: 'Starter plan allows 3 rooms' }).waitFor();
  await host.screenshot({ path: `${SHOTS}/room-limit-1280.png` });
  await host.getByRole('button', { name: 'Cancel' }).click();
});
let invitePath = '';
await check('invite a viewer (admin panel)', async () => {
  await host.getByRole('link', { name: 'Admin' }).click();
  await host.getByLabel('Email', { exact: true }).fill(viewerUser.email);
  await host.getByRole('button', { name: 'Send invitation' }).click();
  invitePath = new URL(await host.getByLabel('Invitation link').inputValue()).pathname;
});
await check('audit log is an upsell on Starter', async () => {
  await host.getByRole('link', { name: 'Audit log' }).click();
  await host.getByText(/not included in your plan/).waitFor();
});
await check('owner upgrades to Business; audit log and API keys unlock; the key is shown once', async () => {
  await host.getByRole('link', { name: 'Plan & usage' }).click();
  await host.getByRole('button', { name: 'Switch to Business' }).click();
  await host.locator('.plan-current', { hasText: 'Business' }).waitFor();
  await host.getByRole('link', { name: 'Audit log' }).click();
  await host.locator('table', { hasText: 'invitation' }).waitFor();
  await host.getByRole('link', { name: 'API keys' }).click();
  await host.getByLabel('Key name').fill('CRM sync');
  await host.getByRole('button', { name: 'Create key' }).click();
  const key = await host.getByLabel(/API key “CRM sync”/).inputValue();
  if (!key.startsWith('trk_')) throw new Error(`unexpected key ${key.slice(0, 6)}`);
  await host.getByText(/shown only once/).waitFor();
  await host.screenshot({ path: `${SHOTS}/admin-apikey-1280.png` });
});

const viewer = await newPage(390, 844);
await check('accept the invitation by signing up (390 px)', async () => {
  await viewer.goto(BASE + invitePath);
  await viewer.getByText(/You are invited to join/).waitFor();
  await viewer.getByLabel('Your name').fill(viewerUser.name);
  await viewer.getByLabel('Password').fill(viewerUser.password);
  await viewer.getByRole('button', { name: 'Create account and join' }).click();
  await viewer.getByRole('heading', { name: 'Day Trading' }).waitFor();
  await viewer.screenshot({ path: `${SHOTS}/viewer-dashboard-390.png`, fullPage: true });
});

let roomPath = '';
await check('host opens the studio and previews camera + microphone', async () => {
  await host.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rooms', exact: true }).click();
  await host.locator('.room-card', { hasText: 'Opening Bell Live' }).getByRole('link', { name: /Go live|Open studio/ }).click();
  await host.waitForURL(/\/rooms\//);
  roomPath = new URL(host.url()).pathname;
  await host.getByRole('button', { name: 'Go live' }).waitFor();
  await host.getByRole('button', { name: 'Turn on' }).first().click();
  await host.getByRole('button', { name: 'Turn on' }).first().click();
  await host.locator('.source', { hasText: 'Microphone' }).getByRole('button', { name: 'Stop' }).waitFor();
});
await check('viewer waits for the host', async () => {
  await viewer.goto(BASE + roomPath + '?as=viewer');
  await viewer.getByText('Waiting for the host').waitFor({ timeout: 15000 });
});
await check('host goes live, viewer sees it live', async () => {
  await host.getByRole('button', { name: 'Go live' }).click();
  await host.locator('.live-badge').waitFor();
  await viewer.getByText('Waiting for the host').waitFor({ state: 'detached', timeout: 15000 });
  await viewer.locator('.pill-live').waitFor();
});
await check('chat both ways, host message marked', async () => {
  await host.getByRole('textbox', { name: 'Message' }).fill('Good morning! Watching 520 on SPY.');
  await host.getByRole('button', { name: 'Send' }).click();
  await viewer.locator('.chat-msg-marked', { hasText: 'Watching 520' }).waitFor();
  await viewer.getByRole('textbox', { name: 'Message' }).fill('Morning! Plan for TSLA?');
  await viewer.getByRole('button', { name: 'Send' }).click();
  await host.locator('.chat-msg', { hasText: 'Plan for TSLA' }).waitFor();
});
await check('host pauses every source: viewer sees "host paused", then live again', async () => {
  await host.locator('.source', { hasText: 'Camera' }).getByRole('button', { name: 'Pause' }).click();
  await host.locator('.source', { hasText: 'Microphone' }).getByRole('button', { name: 'Mute' }).click();
  await viewer.getByText('The host paused the stream').waitFor({ timeout: 10000 });
  await viewer.screenshot({ path: `${SHOTS}/viewer-paused-390.png`, fullPage: true });
  await host.locator('.source', { hasText: 'Camera' }).getByRole('button', { name: 'Resume' }).click();
  await host.locator('.source', { hasText: 'Microphone' }).getByRole('button', { name: 'Unmute' }).click();
  await viewer.getByText('The host paused the stream').waitFor({ state: 'detached', timeout: 10000 });
});
await check('moderator (host) deletes a viewer message', async () => {
  await host.getByRole('button', { name: /Delete message from Vera/ }).click();
  await viewer.locator('.chat-msg', { hasText: 'Plan for TSLA' }).waitFor({ state: 'detached' });
});
await check('viewer quality menu and stats overlay', async () => {
  await viewer.getByLabel('Quality').selectOption('720p');
  await viewer.getByRole('button', { name: 'Stats' }).click();
  await viewer.getByRole('region', { name: 'Connection statistics' }).waitFor();
  await viewer.screenshot({ path: `${SHOTS}/viewer-live-390.png`, fullPage: true });
  await host.screenshot({ path: `${SHOTS}/studio-live-1280.png` });
});
await check('moderator removes the viewer, who can come back', async () => {
  await host.getByRole('tab', { name: /People/ }).click();
  await host.getByRole('button', { name: 'Remove Vera Viewer' }).click();
  await host.locator('dialog').getByRole('button', { name: 'Remove' }).click();
  await viewer.getByText('You were removed from the room').waitFor({ timeout: 10000 });
  await viewer.goto(BASE + roomPath + '?as=viewer');
  await viewer.locator('.pill-live').waitFor({ timeout: 15000 });
});
await check('host ends the room, viewer sees "room ended"', async () => {
  await host.getByRole('button', { name: 'End room' }).click();
  await host.locator('dialog').getByRole('button', { name: 'End room' }).click();
  await viewer.getByText('This room has ended').waitFor({ timeout: 15000 });
});
await check('no uncaught page errors', async () => {
  if (pageErrors.length) throw new Error(pageErrors.join('; '));
});
await browser.close();
console.log(`${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
