// Accessibility of the web app (issue 5: "accessible components (keyboard, labels, contrast),
// responsive down to a 390 px wide phone"), checked automatically with axe-core (lib/a11y.mjs,
// WCAG 2.1 A/AA rules) on every page at desktop (1280x800) and phone (390x844) size, plus
// keyboard checks:
//
// 1. pages without media: sign in (also with a wrong password, and the primary button hovered),
//    sign up, invitation accept (signed out), onboarding of a new account (+ "New organization"
//    dialog); the dashboard (+ the "New room" dialog), every admin tab (members with a pending
//    invitation, workspaces & rooms, plan & usage, audit log, API keys), analytics, as the owner
//    (Business plan), and a Starter organization's audit log upsell and API keys. Keyboard on
//    the dashboard: Tab walks skip link → header → page actions → room cards in document and
//    visual order, each stop with a visible focus indicator; the skip link moves focus to the
//    content; Escape closes the dialog and focus returns to its button.
// 2. the room: the owner as host before going live (preview; "Go live" / "End room" hovered) and
//    live (Chat / People / Files tabs, "End room" dialog); a viewer while "waiting for the host",
//    watching (stage, quality menu focused, stats overlay open, side tabs) and after the host
//    ended the room. Keyboard on the viewer page: Tab reaches back link → Mute → Quality → Stats
//    → side tabs → chat in order with a focus indicator; the quality menu changes with the arrow
//    keys (set-preferred-layers sent); Enter opens the stats overlay and Escape closes it (focus
//    back on "Stats"); the side tabs follow ArrowRight / End / Home.
//
// The phone size is the desktop page resized to 390x844 (the media queries are what differ; one
// viewer keeps the 2-core machine's CPU low). WCAG violations of impact "serious" or "critical"
// fail the test (all states are scanned first, then every finding is reported together);
// "moderate" / "minor" ones and axe's best-practice rules are logged. TR_A11Y_REVIEW=1 also
// prints the elements axe left for manual review.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeScan, axeVersion, blocking, describeFocus, focusInfo, formatViolations } from '../lib/a11y.mjs';
import { PHONE, poll, T, useWebSuite } from '../lib/webapp.mjs';
import { signup, uniqueEmail } from '../lib/api.mjs';
import { sleep, step } from '../lib/util.mjs';

const suite = useWebSuite();
const shared = {};
/** Every scan of the file: {name, url, violations}. */
const scans = [];

/**
 * Scans the page at its current (desktop) size and at 390x844; the viewport is restored.
 * `prepare` runs before each scan (e.g. wait for a layout to settle).
 */
async function scanBoth(page, name, { exclude, prepare } = {}) {
  const vp = page.viewportSize();
  // no accidental hover state (hover colours are checked on purpose by scanHover)
  await page.mouse.move(1, 1);
  for (const size of ['desktop', 'phone']) {
    if (size === 'phone') {
      await page.setViewportSize(PHONE);
      await sleep(150);
    }
    try {
      if (prepare) await prepare();
      const r = await axeScan(page, { name: `${name} (${size})`, exclude, bestPractice: true });
      scans.push(r);
      const lines = r.violations.length ? `\n${formatViolations(r.violations, { maxNodes: 3 })}` : '';
      const review = r.incomplete.map((i) => `${i.id} x${i.nodes}${process.env.TR_A11Y_REVIEW ? ` [${i.targets.join(' | ')}]` : ''}`).join(', ');
      console.log(`# axe ${r.name} ${r.url}: ${r.violations.length} rule(s) violated, ${blocking(r.violations).length} serious/critical (WCAG)${review ? `; needs review: ${review}` : ''}${lines}`);
    } finally {
      if (size === 'phone') {
        await page.setViewportSize(vp);
        await sleep(100);
      }
    }
  }
}

/**
 * The hover state of one control: the mouse rests on it (past the 0.15 s colour transition) and
 * axe checks that element only (colour contrast of its hover colours).
 */
async function scanHover(page, locator, selector, name) {
  await locator.hover();
  await sleep(400);
  const r = await axeScan(page, { name: `${name} (hover)`, include: [selector] });
  scans.push(r);
  console.log(`# axe ${r.name}: ${r.violations.length} rule(s) violated${r.violations.length ? `\n${formatViolations(r.violations)}` : ''}`);
  await page.mouse.move(1, 1);
}

function assertNoBlockingViolations(what, list = scans) {
  const bad = list.filter((s) => blocking(s.violations).length > 0);
  const report = bad.map((s) => `  ${s.name} ${s.url}\n${formatViolations(blocking(s.violations))}`).join('\n');
  assert.equal(bad.length, 0, `${what}: serious/critical axe violations on ${bad.length} page state(s):\n${report}`);
}

/**
 * Presses Tab until `stops` focusable elements were visited (or focus wraps to the first one);
 * asserts each stop is a real, visible element with a visible focus indicator that matches
 * :focus-visible, and that the stops follow document order. Returns the stops.
 */
async function tabWalk(page, { max = 40, until } = {}) {
  const stops = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focusInfo(page);
    f.order = await page.evaluate(() => {
      const all = [...document.querySelectorAll('*')];
      return all.indexOf(document.activeElement);
    });
    stops.push(f);
    if (f.none) break;
    if (until && until(f)) break;
  }
  console.log(`# Tab order: ${stops.map(describeFocus).join(' → ')}`);
  for (const f of stops) {
    if (f.none) continue;
    assert.ok(f.visible, `focused element is visible: ${describeFocus(f)} ${JSON.stringify(f.box)}`);
    assert.ok(f.focusVisible, `${describeFocus(f)} matches :focus-visible after Tab`);
    assert.ok(f.indicator, `${describeFocus(f)} shows a focus indicator (outline ${f.outline}, box-shadow ${f.boxShadow})`);
  }
  const real = stops.filter((f) => !f.none);
  for (let i = 1; i < real.length; i++) {
    assert.ok(real[i].order > real[i - 1].order, `Tab follows document order: ${describeFocus(real[i - 1])} → ${describeFocus(real[i])}`);
  }
  return real;
}

function indexOfStop(stops, pred, what) {
  const i = stops.findIndex(pred);
  assert.ok(i >= 0, `Tab reaches ${what}: ${stops.map(describeFocus).join(' → ')}`);
  return i;
}

test('pages without media (auth, invitation, dashboard, admin, analytics): no serious/critical axe violations; keyboard on the dashboard', { timeout: 60_000 }, async () => {
  const { srv, app } = suite;
  const ctx = { srv, browser: app };
  console.log(`# axe-core ${axeVersion()}`);
  const { ownerApi, org, room, viewerApi, inviteToken } = await step('REST: owner (Business), workspace, room, a viewer member, a pending invitation, an API key', async () => {
    const ownerApi = await signup(srv, 'owner', { displayName: 'Ada Owner' });
    const org = await ownerApi.createOrg({ name: 'Delta Desk', plan: 'business' });
    const ws = await ownerApi.createWorkspace(org.id, 'Index Futures');
    const room = await ownerApi.api('POST', `/api/v1/workspaces/${ws.id}/rooms`, { name: 'Accessible Open', description: 'Levels and order flow' });
    assert.equal(room.status, 201, JSON.stringify(room.body));
    const viewerEmail = uniqueEmail('viewer');
    const vinv = await ownerApi.invite(org.id, viewerEmail, 'viewer');
    const viewerApi = await signup(srv, 'viewer', { email: viewerEmail, displayName: 'Vic Viewer' });
    await viewerApi.accept(vinv.token);
    await viewerApi.useOrg(org.id);
    const inv = await ownerApi.invite(org.id, uniqueEmail('pending'), 'co-host');
    const key = await ownerApi.api('POST', `/api/v1/organizations/${org.id}/api-keys`, { name: 'Charting bot' });
    assert.equal(key.status, 201, `API key created: ${JSON.stringify(key.body)}`);
    return { ownerApi, org, room: room.body, viewerApi, inviteToken: inv.token };
  }, ctx);
  Object.assign(shared, { ownerApi, org, room, viewerApi });

  const anon = await app.user(srv, 'anon');
  const ap = anon.page;
  await step('signed out: sign in, sign up, invitation accept; a new account\'s onboarding', async () => {
    await anon.goto('/signin');
    await ap.getByRole('heading', { name: 'Sign in' }).waitFor();
    await scanBoth(ap, 'sign in');
    await scanHover(ap, ap.locator('form').getByRole('button', { name: 'Sign in' }), 'form button[type="submit"]', 'sign in: primary button');
    // a wrong password: the error state of the form
    await ap.getByLabel('Email').fill(ownerApi.email);
    await ap.getByLabel('Password').fill('not-the-password-1');
    await ap.locator('form').getByRole('button', { name: 'Sign in' }).click();
    await ap.locator('.banner-error, [role="alert"]').first().waitFor();
    await scanBoth(ap, 'sign in, wrong password');
    await anon.goto('/signup');
    await ap.getByRole('heading', { name: 'Create your account' }).waitFor();
    await scanBoth(ap, 'sign up');
    await anon.goto(`/invite/${encodeURIComponent(inviteToken)}`);
    await ap.getByText('You are invited to join Delta Desk as').waitFor();
    await scanBoth(ap, 'invitation accept');
    // a new account through the sign-up form: onboarding and the "New organization" dialog
    await anon.signUp({ displayName: 'Nia Newcomer' });
    await ap.getByRole('heading', { name: 'Welcome to Trading Room' }).waitFor();
    await scanBoth(ap, 'onboarding (no organization)');
    await ap.getByRole('button', { name: 'Create your organization' }).click();
    await ap.getByRole('dialog', { name: 'New organization' }).waitFor();
    await scanBoth(ap, 'onboarding, "New organization" dialog');
  }, ctx);
  await anon.context.close();

  const owner = await app.user(srv, 'owner', { ip: ownerApi.ip });
  const page = owner.page;
  shared.owner = owner;
  await step('owner signs in; dashboard and the "New room" dialog', async () => {
    owner.email = ownerApi.email;
    await owner.signIn();
    await page.waitForURL(new RegExp(`/orgs/${org.id}$`), { timeout: T.nav });
    await page.getByRole('heading', { level: 1, name: 'Delta Desk' }).waitFor();
    await page.getByRole('heading', { name: 'Accessible Open' }).waitFor();
    await scanBoth(page, 'dashboard');
    await page.getByRole('button', { name: '+ New room' }).click();
    const dialog = page.getByRole('dialog', { name: 'New room in Index Futures' });
    await dialog.waitFor();
    await scanBoth(page, 'dashboard, "New room" dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  }, ctx);

  await step('keyboard on the dashboard: Tab order, focus indicator, skip link, Escape closes the dialog', async () => {
    await owner.goto(`/orgs/${org.id}`);
    await page.getByRole('heading', { name: 'Accessible Open' }).waitFor();
    const stops = await tabWalk(page, { max: 30 });
    assert.equal(stops[0].name, 'Skip to content', `the skip link is the first stop: ${describeFocus(stops[0])}`);
    const brand = indexOfStop(stops, (f) => f.name === 'Trading Room home', 'the home link');
    const sw = indexOfStop(stops, (f) => f.id === 'org-switch', 'the organization switcher');
    const admin = indexOfStop(stops, (f) => f.name === 'Admin', 'the Admin link');
    const newWs = indexOfStop(stops, (f) => f.name === '+ New workspace', '"+ New workspace"');
    const newRoom = indexOfStop(stops, (f) => f.name === '+ New room', '"+ New room"');
    const goLive = indexOfStop(stops, (f) => f.name === 'Go live', 'the room card\'s "Go live"');
    assert.ok(brand < sw && sw < admin && admin < newWs && newWs < newRoom && newRoom < goLive, 'header, then page actions, then the workspace, then its room card');
    // visual order: once in the main content, each stop is below the previous one or on its row to the right
    const main = stops.slice(newWs);
    for (let i = 1; i < main.length; i++) {
      const a = main[i - 1].box;
      const b = main[i].box;
      const sameRow = Math.abs((b.y + b.height / 2) - (a.y + a.height / 2)) < Math.max(a.height, b.height) / 2;
      assert.ok(sameRow ? b.x > a.x : b.y > a.y,
        `Tab moves right along a row or down to the next one: ${describeFocus(main[i - 1])} ${JSON.stringify(a)} → ${describeFocus(main[i])} ${JSON.stringify(b)}`);
    }
    // the skip link moves the focus to the content
    await page.evaluate(() => document.activeElement?.blur());
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.keyboard.press('Tab');
    assert.equal((await focusInfo(page)).name, 'Skip to content');
    await page.keyboard.press('Enter');
    await poll(async () => (await focusInfo(page)).id === 'main', { what: 'focus on <main> after the skip link' });
    // Enter on "+ New room" opens the dialog with focus inside; Escape closes it and focus returns
    const btn = page.getByRole('button', { name: '+ New room' });
    await btn.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New room in Index Futures' });
    await dialog.waitFor();
    assert.equal(await dialog.evaluate((d) => d.contains(document.activeElement)), true, 'focus moves into the dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await btn.evaluate((el) => el === document.activeElement), true, 'focus returns to "+ New room"');
  }, ctx);

  const subnav = page.getByRole('navigation', { name: 'Admin sections' });
  await step('admin tabs: members (+ pending invitation), workspaces & rooms, plan & usage, audit log, API keys', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await page.waitForURL(/\/admin\/members$/);
    for (const tab of ['Members', 'Workspaces & rooms', 'Plan & usage', 'Audit log', 'API keys']) {
      await subnav.getByRole('link', { name: tab }).click();
      await page.locator('.subnav-link[aria-current="page"]').filter({ hasText: tab }).waitFor();
      await page.locator('.loading').waitFor({ state: 'detached' });
      if (tab === 'Members') await page.getByText('Vic Viewer').first().waitFor();
      if (tab === 'Audit log') await page.getByRole('row').filter({ hasText: 'plan.changed' }).first().waitFor();
      await scanBoth(page, `admin: ${tab}`);
    }
  }, ctx);

  await step('analytics', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click();
    await page.waitForURL(/\/analytics$/);
    await page.locator('.loading').waitFor({ state: 'detached' });
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await scanBoth(page, 'analytics');
  }, ctx);

  await step('a second organization on Starter: the audit log offers an upgrade; API keys', async () => {
    const starter = await ownerApi.createOrg({ name: 'Echo Starter' });
    await owner.goto(`/orgs/${starter.id}/admin/audit`);
    await page.getByRole('heading', { name: 'Audit log is not included in your plan' }).waitFor({ timeout: T.nav });
    await scanBoth(page, 'admin: Audit log, Starter upsell');
    await subnav.getByRole('link', { name: 'API keys' }).click();
    await page.locator('.subnav-link[aria-current="page"]').filter({ hasText: 'API keys' }).waitFor();
    await page.locator('.loading').waitFor({ state: 'detached' });
    await scanBoth(page, 'admin: API keys, Starter');
  }, ctx);

  assert.deepEqual(app.pageErrors(), [], 'no uncaught exceptions in the pages');
  assertNoBlockingViolations('pages without media', scans.slice());
});

test('room as host and viewer (waiting, live, quality, stats, tabs, ended): no serious/critical axe violations; keyboard on the viewer page', { timeout: 90_000 }, async () => {
  const { srv, app } = suite;
  const ctx = { srv, browser: app };
  const { owner, room, viewerApi } = shared;
  assert.ok(owner, 'the first test ran');
  const before = scans.length;
  const hp = owner.page;
  const sources = hp.getByRole('toolbar', { name: 'Sources' });

  await step('host opens the room (before going live, camera preview on)', async () => {
    await owner.goto(`/rooms/${room.id}?as=host`);
    await hp.getByRole('button', { name: 'Go live' }).waitFor({ timeout: T.nav });
    await sources.locator('.source').filter({ hasText: 'Camera' }).getByRole('button', { name: 'Turn on' }).click();
    await hp.locator('video[aria-label="Your camera (preview)"]').waitFor();
    await sources.locator('.source').filter({ hasText: 'Microphone' }).getByRole('button', { name: 'Turn on' }).click();
    await poll(() => hp.getByRole('button', { name: 'Go live' }).isEnabled(), { what: 'Go live enabled (joined)' });
    await scanBoth(hp, 'room as host, before going live');
    await scanHover(hp, hp.getByRole('button', { name: 'Go live' }), '.btn-live', 'room as host: "Go live"');
    await scanHover(hp, hp.getByRole('button', { name: 'End room' }), '.studio-actions .btn-danger', 'room as host: "End room"');
  }, ctx);

  const viewer = await app.user(srv, 'viewer', { ip: viewerApi.ip });
  const vp = viewer.page;
  await step('viewer: "waiting for the host"', async () => {
    viewer.email = viewerApi.email;
    await viewer.signIn();
    await viewer.goto(`/rooms/${room.id}?as=viewer`);
    await vp.getByRole('heading', { name: 'Waiting for the host' }).waitFor({ timeout: T.nav });
    await scanBoth(vp, 'room as viewer, waiting for the host');
  }, ctx);

  await step('host goes live; Chat, People and Files tabs', async () => {
    await hp.getByRole('button', { name: 'Go live' }).click();
    await hp.locator('.live-badge').waitFor({ timeout: T.media });
    await sources.locator('.source').filter({ hasText: 'Camera' }).getByRole('button', { name: 'Pause' }).waitFor({ timeout: T.media });
    for (const tab of ['Chat', 'People', 'Files']) {
      const t = hp.getByRole('tablist', { name: 'Side panel' }).getByRole('tab', { name: new RegExp(`^${tab}`) });
      await t.click();
      await poll(async () => (await t.getAttribute('aria-selected')) === 'true', { what: `${tab} selected` });
      if (tab === 'Files') await hp.locator('#side-panel-files').getByText('No files yet').waitFor();
      await scanBoth(hp, `room as host, live, ${tab} tab`, { exclude: ['video'] });
    }
  }, ctx);

  await step('viewer watches: stage, chat message, quality menu focused, stats overlay open', async () => {
    await vp.locator('video[aria-label="Host camera"]').waitFor({ timeout: T.media });
    await poll(async () => {
      const s = await viewer.videoState('Host camera');
      return s && s.currentTime > 0 && s.videoWidth > 0 ? s : null;
    }, { timeoutMs: T.media, what: 'the camera plays at the viewer' });
    const hInput = hp.getByRole('textbox', { name: 'Message' });
    await hp.getByRole('tab', { name: 'Chat' }).click();
    await hInput.fill('Welcome, levels in five minutes.');
    await hInput.press('Enter');
    await vp.getByRole('log', { name: 'Chat messages' }).getByText('Welcome, levels in five minutes.').waitFor();
    await scanBoth(vp, 'room as viewer, live', { exclude: ['video'] });
    await vp.getByLabel('Quality').focus();
    await scanBoth(vp, 'room as viewer, quality menu focused', { exclude: ['video'] });
    await vp.getByRole('button', { name: 'Stats' }).click();
    await vp.getByRole('region', { name: 'Connection statistics' }).getByRole('rowheader', { name: /Camera/ }).waitFor({ timeout: T.nav });
    await scanBoth(vp, 'room as viewer, stats overlay', { exclude: ['video'] });
    await vp.getByRole('button', { name: 'Close statistics' }).click();
    for (const tab of ['People', 'Files']) {
      await vp.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
      await scanBoth(vp, `room as viewer, ${tab} tab`, { exclude: ['video'] });
    }
    await vp.getByRole('tab', { name: 'Chat' }).click();
  }, ctx);

  await step('keyboard on the viewer page: Tab order and focus indicator, quality with arrow keys, Stats with Enter / Escape, tabs with arrow keys', async () => {
    // a click on the bar's padding (nothing focusable there) puts the sequential focus
    // navigation starting point at the top of the page
    await vp.evaluate(() => window.scrollTo(0, 0));
    await vp.locator('.room-bar').click({ position: { x: 4, y: 4 } });
    const stops = await tabWalk(vp, { max: 20, until: (f) => f.id === 'chat-input' });
    const back = indexOfStop(stops, (f) => f.name === 'Back to rooms', 'the back link');
    const mute = indexOfStop(stops, (f) => f.name === 'Mute', 'Mute');
    const quality = indexOfStop(stops, (f) => f.tag === 'select' && f.name === 'Quality', 'the quality menu');
    const statsBtn = indexOfStop(stops, (f) => f.name === 'Stats', 'Stats');
    const tab = indexOfStop(stops, (f) => f.role === 'tab', 'the selected side tab');
    const msg = indexOfStop(stops, (f) => f.id === 'chat-input', 'the chat input');
    assert.ok(back < mute && mute < quality && quality < statsBtn && statsBtn < tab && tab < msg, 'back link, playback controls, side tabs, chat');
    assert.equal(stops.filter((f) => f.role === 'tab').length, 1, 'the tab list is one Tab stop (roving tabindex)');

    // quality menu: the arrow keys change the value; each change sends set-preferred-layers
    const menu = vp.getByLabel('Quality');
    await menu.focus();
    assert.equal(await menu.inputValue(), 'auto');
    let from = viewer.frames.length;
    await vp.keyboard.press('ArrowDown');
    await poll(async () => (await menu.inputValue()) === '1080p', { what: 'ArrowDown selects 1080p' });
    await poll(() => viewer.framesOf('set-preferred-layers', 'out', from).length > 0, { what: 'set-preferred-layers after ArrowDown' });
    from = viewer.frames.length;
    await vp.keyboard.press('ArrowUp');
    await poll(async () => (await menu.inputValue()) === 'auto', { what: 'ArrowUp selects Auto' });
    await poll(() => viewer.framesOf('set-preferred-layers', 'out', from).length > 0, { what: 'set-preferred-layers after ArrowUp' });

    // Stats: Enter opens the overlay, Escape closes it and the focus stays on "Stats"
    const stats = vp.getByRole('button', { name: 'Stats' });
    await stats.focus();
    await vp.keyboard.press('Enter');
    const overlay = vp.getByRole('region', { name: 'Connection statistics' });
    await overlay.waitFor();
    assert.equal(await stats.getAttribute('aria-pressed'), 'true');
    await vp.keyboard.press('Escape');
    await overlay.waitFor({ state: 'detached' });
    assert.equal(await stats.evaluate((el) => el === document.activeElement), true, 'focus back on "Stats" after Escape');
    // the overlay's own close button (Enter) also hands the focus back to "Stats"
    await vp.keyboard.press('Enter');
    await overlay.getByRole('button', { name: 'Close statistics' }).focus();
    await vp.keyboard.press('Enter');
    await overlay.waitFor({ state: 'detached' });
    assert.equal(await stats.evaluate((el) => el === document.activeElement), true, 'focus back on "Stats" after "Close statistics"');
    assert.equal(await stats.getAttribute('aria-pressed'), 'false');

    // side tabs: ArrowRight / End / Home; Enter on a tab keeps it selected
    const chat = vp.getByRole('tab', { name: 'Chat' });
    await chat.focus();
    await vp.keyboard.press('ArrowRight');
    const people = vp.getByRole('tab', { name: /^People/ });
    assert.equal(await people.getAttribute('aria-selected'), 'true', 'ArrowRight → People');
    assert.equal(await people.evaluate((el) => el === document.activeElement), true, 'focus on People');
    await vp.keyboard.press('End');
    const files = vp.getByRole('tab', { name: 'Files' });
    assert.equal(await files.getAttribute('aria-selected'), 'true', 'End → Files');
    await vp.getByRole('tabpanel', { name: 'Files' }).waitFor();
    await vp.keyboard.press('Home');
    assert.equal(await chat.getAttribute('aria-selected'), 'true', 'Home → Chat');
    await vp.keyboard.press('Enter');
    assert.equal(await chat.getAttribute('aria-selected'), 'true', 'Enter keeps Chat');
    const f = await focusInfo(vp);
    assert.ok(f.indicator && f.focusVisible, `the focused tab shows a focus indicator: ${JSON.stringify(f)}`);
  }, ctx);

  await step('host ends the room: "room ended" for the viewer and the host', async () => {
    await hp.getByRole('button', { name: 'End room' }).click();
    const dialog = hp.getByRole('dialog', { name: 'End the room for everyone?' });
    await dialog.waitFor();
    await scanBoth(hp, 'room as host, "End room" dialog', { exclude: ['video'] });
    await dialog.getByRole('button', { name: 'End room' }).click();
    await vp.getByRole('heading', { name: 'This room has ended' }).waitFor({ timeout: T.media });
    await scanBoth(vp, 'room as viewer, ended');
    await hp.getByRole('heading', { name: 'This room has ended' }).waitFor({ timeout: T.media });
    await scanBoth(hp, 'room as host, ended');
  }, ctx);

  assert.deepEqual(app.pageErrors(), [], 'no uncaught exceptions in the pages');
  assertNoBlockingViolations('room pages', scans.slice(before));
});
