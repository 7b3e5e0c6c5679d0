// The web app end to end, through its UI only (web/dist served by the real binary):
//
// 1. desktop (1280x800): a host signs up, creates an organization, a workspace and a room,
//    opens the room, goes live with camera + microphone and shares the screen ("Sharp text");
//    from a second tab invites a viewer by email in the admin panel; the viewer opens the
//    invitation link in another browser context, signs up with the invited address, opens
//    the room and sees video playing (currentTime advances, getStats framesDecoded > 0),
//    switches quality (1080p / 720p / 360p / Auto), chats with the host (host messages marked),
//    and sees "This room has ended" when the host ends the room.
// 2. phone (390x844, touch): the same viewer flow in a new room; no horizontal overflow, the
//    video visible, the controls reachable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutReport, poll, shot, T, useWebSuite } from '../lib/webapp.mjs';
import { login, request, uniqueEmail } from '../lib/api.mjs';
import { sleep, step } from '../lib/util.mjs';

const suite = useWebSuite();

const QUALITY_LAYERS = { '1080p': 2, '720p': 1, '360p': 0 };

// Shared between the two tests: the host (desktop) and its organization.
const shared = {};

/** Host page: creates a room in the given workspace section and opens it as host. */
async function createRoomAndGoLive(host, { wsName, roomName, screen }) {
  const page = host.page;
  const section = page.locator('section.workspace').filter({ has: page.getByRole('heading', { name: wsName }) });
  await section.getByRole('button', { name: '+ New room' }).click();
  const dialog = page.getByRole('dialog', { name: `New room in ${wsName}` });
  await dialog.getByLabel('Room name').fill(roomName);
  await dialog.getByLabel('Description (optional)').fill('Opening bell, levels to watch');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const card = page.locator('li.room-card').filter({ has: page.getByRole('heading', { name: roomName }) });
  await card.waitFor();
  return { card };
}

async function goLive(host, { screen }) {
  const page = host.page;
  await page.getByRole('button', { name: 'Go live' }).waitFor();
  const sources = page.getByRole('toolbar', { name: 'Sources' });
  const cam = sources.locator('.source').filter({ hasText: 'Camera' });
  const mic = sources.locator('.source').filter({ hasText: 'Microphone' });
  await cam.getByRole('button', { name: 'Turn on' }).click();
  await page.locator('video[aria-label="Your camera (preview)"]').waitFor();
  await mic.getByRole('button', { name: 'Turn on' }).click();
  await mic.getByRole('button', { name: 'Stop' }).waitFor();
  await poll(() => page.getByRole('button', { name: 'Go live' }).isEnabled(), { what: 'Go live enabled (joined)' });
  await page.getByRole('button', { name: 'Go live' }).click();
  await page.locator('.live-badge').waitFor({ timeout: T.media });
  await cam.getByRole('button', { name: 'Pause' }).waitFor({ timeout: T.media });
  await mic.getByRole('button', { name: 'Mute' }).waitFor({ timeout: T.media });
  if (screen) {
    const scr = sources.locator('.source-screen');
    await scr.getByLabel('Sharp text').check();
    assert.equal(await scr.getByLabel('Sharp text').isChecked(), true, '"Sharp text" preset selected');
    await scr.getByRole('button', { name: 'Share screen' }).click();
    await scr.getByRole('button', { name: 'Stop sharing' }).waitFor({ timeout: T.media });
    await page.locator('video[aria-label="Your screen (preview)"]').waitFor();
  }
}

test('desktop: host signs up, goes live with camera, microphone and screen; invited viewer watches, switches quality, chats; host ends the room', { timeout: 150_000 }, async () => {
  const { srv, app } = suite;
  const ctx = { srv, browser: app };
  // the host's display: 1280x720 (what screen sharing captures)
  const host = await app.user(srv, 'host', { displaySize: { width: 1280, height: 720 } });
  const hp = host.page;
  const orgName = 'Alpha Desk';
  const wsName = 'Day Trading';
  const roomName = 'Morning Session';

  await step('host signs up in the UI', async () => {
    await host.signUp({ displayName: 'Hannah Host' }, {
      before: () => shot(hp, '02-sign-up', { phone: 'resize' }),
    });
    // a new account has no organization: onboarding
    await hp.getByRole('heading', { name: 'Welcome to Trading Room' }).waitFor();
    const session = await host.storedSession();
    assert.ok(session?.accessToken, 'the session is stored after sign-up');
    assert.equal(session.user.email, host.email);
  }, ctx);

  await step('host creates an organization, a workspace and a room', async () => {
    await hp.getByRole('button', { name: 'Create your organization' }).click();
    let dialog = hp.getByRole('dialog', { name: 'New organization' });
    await dialog.getByLabel('Organization name').fill(orgName);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await hp.waitForURL(/\/orgs\/org_[^/]+$/);
    await hp.getByRole('heading', { level: 1, name: orgName }).waitFor();
    shared.orgId = new URL(hp.url()).pathname.split('/')[2];

    await hp.getByRole('button', { name: '+ New workspace' }).click();
    dialog = hp.getByRole('dialog', { name: 'New workspace' });
    await dialog.getByLabel('Workspace name').fill(wsName);
    // keyboard: Enter submits the dialog's form
    await dialog.getByLabel('Workspace name').press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await hp.getByRole('heading', { name: wsName }).waitFor();

    const { card } = await createRoomAndGoLive(host, { wsName, roomName });
    await card.getByText('Offline').waitFor();
    await shot(hp, '03-dashboard', { phone: 'resize' });
    const auth = await login(srv, host.email, host.password, host.ip);
    shared.hostToken = auth.accessToken;
    const rooms = await request(srv.url, 'GET', `/api/v1/organizations/${shared.orgId}/rooms`, { token: auth.accessToken, ip: host.ip });
    assert.equal(rooms.status, 200);
    assert.deepEqual(rooms.body.items.map((r) => r.name), [roomName], 'the room exists on the server');
    shared.roomId = rooms.body.items[0].id;
    await card.getByRole('link', { name: 'Go live' }).click();
    await hp.waitForURL(new RegExp(`/rooms/${shared.roomId}\\?as=host$`));
  }, ctx);

  await step('host turns on camera and microphone, goes live, shares the screen ("Sharp text")', async () => {
    await goLive(host, { screen: true });
    const r = await request(srv.url, 'GET', `/api/v1/rooms/${shared.roomId}`, { token: shared.hostToken, ip: host.ip });
    assert.equal(r.body.status, 'live', 'REST: the room is live');
    // the buttons switch as soon as publishing starts: wait for the server's `produced` replies
    await poll(() => {
      const done = host.framesOf('produce', 'out').filter((f) => host.replyTo(f)?.event === 'produced');
      return done.map((f) => f.data.appData.source).sort().join() === 'camera,microphone,screen';
    }, { timeoutMs: T.media, what: 'camera, microphone and screen produced (produce → produced)' });
    const camProduce = host.framesOf('produce', 'out').find((f) => f.data.appData.source === 'camera');
    assert.equal(camProduce.data.rtpParameters.encodings.length, 3, 'camera sent as 3 simulcast layers');
    const scrProduce = host.framesOf('produce', 'out').find((f) => f.data.appData.source === 'screen');
    assert.equal(scrProduce.data.rtpParameters.encodings.length, 1, '"Sharp text" screen: one encoding');
    const outbound = await poll(async () => {
      const o = await host.outboundVideo();
      return o.some((s) => s.framesEncoded > 0 && s.contentType === 'screenshare') ? o : null;
    }, { timeoutMs: T.media, what: 'host encodes the screen' });
    console.log(`# host outbound video: ${JSON.stringify(outbound)}`);
    const screenTrack = await hp.evaluate(() => {
      const v = document.querySelector('video[aria-label="Your screen (preview)"]');
      const t = v?.srcObject?.getVideoTracks()[0];
      return t ? { contentHint: t.contentHint, settings: t.getSettings() } : null;
    });
    assert.equal(screenTrack?.contentHint, 'detail', '"Sharp text" sets contentHint detail');
    assert.ok(screenTrack.settings.frameRate <= 15, `"Sharp text" captures at most 15 fps: ${JSON.stringify(screenTrack.settings)}`);
    assert.equal(screenTrack.settings.width, 1280, `the whole 1280x720 display: ${JSON.stringify(screenTrack.settings)}`);
  }, ctx);

  let acceptUrl;
  const viewerEmail = uniqueEmail('viewer');
  await step('host invites the viewer by email from the admin panel (second tab)', async () => {
    const tab = await host.newTab();
    await host.goto(`/orgs/${shared.orgId}`, tab);
    await tab.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await tab.waitForURL(/\/admin\/members$/);
    const form = tab.locator('section', { has: tab.getByRole('heading', { name: 'Invite someone' }) });
    await form.getByLabel('Email').fill(viewerEmail);
    await form.getByLabel('Role').selectOption('viewer');
    await form.getByRole('button', { name: 'Send invitation' }).click();
    const link = tab.getByLabel('Invitation link');
    await link.waitFor();
    acceptUrl = await link.inputValue();
    assert.match(acceptUrl, new RegExp(`^${srv.url}/invite/[^/]+$`), 'acceptUrl shown on the page');
    await tab.getByText(viewerEmail).last().waitFor(); // pending invitations list
    shared.hostTab = tab;
  }, ctx);

  const viewer = await app.user(srv, 'viewer');
  const vp = viewer.page;
  await step('viewer opens the invitation link, signs up with the invited email and joins', async () => {
    await vp.goto(acceptUrl);
    await vp.getByRole('heading', { name: 'Invitation' }).waitFor();
    await vp.getByText(`You are invited to join ${orgName} as`).waitFor();
    const email = vp.getByLabel('Email');
    assert.equal(await email.inputValue(), viewerEmail, 'the invited email is prefilled');
    assert.notEqual(await email.getAttribute('readonly'), null, 'the invited email is read-only');
    await shot(vp, '10-invitation-accept');
    viewer.email = viewerEmail;
    viewer.displayName = 'Victor Viewer';
    await viewer.fillSignUp({ displayName: viewer.displayName, submit: 'Create account and join' });
    await vp.waitForURL(new RegExp(`/orgs/${shared.orgId}$`), { timeout: T.nav });
    await vp.getByRole('heading', { level: 1, name: orgName }).waitFor();
    await vp.getByText('you are Viewer').waitFor();
  }, ctx);

  await step('viewer opens the room from the dashboard and sees the video playing', async () => {
    const card = vp.locator('li.room-card').filter({ has: vp.getByRole('heading', { name: roomName }) });
    await card.getByText('Live').waitFor();
    assert.equal(await card.getByRole('link', { name: 'Go live' }).count(), 0, 'a viewer gets no "Go live"');
    await card.getByRole('link', { name: 'Watch' }).click();
    await vp.waitForURL(new RegExp(`/rooms/${shared.roomId}\\?as=viewer$`));
    await vp.getByRole('heading', { level: 1, name: roomName }).waitFor();
    await vp.locator('video[aria-label="Host screen"]').waitFor({ timeout: T.media });
    await vp.locator('video[aria-label="Host camera"]').waitFor({ timeout: T.media });
    const a = await poll(async () => {
      const s = await viewer.videoState('Host screen');
      return s && s.currentTime > 0 && s.videoWidth > 0 ? s : null;
    }, { timeoutMs: T.media, what: 'the screen video plays' });
    await sleep(1200);
    const b = await viewer.videoState('Host screen');
    assert.ok(b.currentTime > a.currentTime, `video currentTime advances (${a.currentTime} -> ${b.currentTime})`);
    assert.equal(b.paused, false, 'the video element is not paused');
    const cam = await poll(async () => {
      const s = await viewer.videoState('Host camera');
      return s && s.currentTime > 0 && s.videoWidth > 0 ? s : null;
    }, { timeoutMs: T.media, what: 'the camera inset plays' });
    const stats = await poll(async () => {
      const v = await viewer.inboundVideo();
      return v.length >= 2 && v.every((x) => x.framesDecoded > 0) ? v : null;
    }, { timeoutMs: T.media, what: 'getStats: framesDecoded > 0 for screen and camera' });
    console.log(`# viewer: screen ${b.videoWidth}x${b.videoHeight}, camera ${cam.videoWidth}x${cam.videoHeight}; inbound ${JSON.stringify(stats)}`);
    // "Sharp text" keeps the full resolution of the shared display
    const sharp = await poll(async () => {
      const s = await viewer.videoState('Host screen');
      return s && s.videoWidth === 1280 && s.videoHeight === 720 ? s : null;
    }, { timeoutMs: T.media, what: 'the screen share arrives at the full 1280x720' });
    assert.equal(sharp.videoWidth, 1280);
    await vp.getByText('Screen share').waitFor();
    assert.equal(await vp.getByRole('button', { name: 'Go live' }).count(), 0, 'a viewer has no studio controls');
    await shot(vp, '05-room-viewer');
  }, ctx);

  await step('viewer switches quality: 1080p, 720p, 360p, Auto (set-preferred-layers)', async () => {
    const menu = vp.getByLabel('Quality');
    const values = await menu.locator('option').evaluateAll((os) => os.map((o) => o.value));
    assert.deepEqual(values, ['auto', '1080p', '720p', '360p'], 'quality menu items');
    const camConsumer = viewer.framesOf('consumer-created', 'in').find((f) => f.data.kind === 'video' && f.data.appData?.source === 'camera');
    assert.ok(camConsumer, 'viewer consumes the camera');
    for (const q of ['1080p', '720p', '360p', 'auto']) {
      const from = viewer.frames.length;
      await menu.selectOption(q);
      assert.equal(await menu.inputValue(), q, `menu shows ${q}`);
      const sent = await poll(() => viewer.framesOf('set-preferred-layers', 'out', from)
        .find((f) => f.data.consumerId === camConsumer.data.consumerId), { what: `set-preferred-layers for ${q}` });
      const want = q === 'auto' ? 2 : QUALITY_LAYERS[q];
      assert.equal(sent.data.spatialLayer, want, `${q}: spatialLayer`);
      if (q !== 'auto') assert.equal(sent.data.temporalLayer, 2, `${q}: temporalLayer`);
      const reply = await poll(() => viewer.replyTo(sent), { what: `reply to set-preferred-layers (${q})` });
      assert.equal(reply.event, 'layers-set', `${q}: reply ${JSON.stringify(reply)}`);
      assert.equal(reply.data.spatialLayer, want, `${q}: layers-set.spatialLayer`);
      if (q === '360p') {
        // the SFU forwards the 360p layer: the camera inset decodes 640x360
        await poll(async () => {
          const s = await viewer.videoState('Host camera');
          return s && s.videoHeight === 360 ? s : null;
        }, { timeoutMs: T.media, what: 'camera inset at 360p after choosing 360p' });
      }
      if (q === '720p') {
        // 720p arrives once the host's sender has ramped up its r1 layer (bandwidth estimation
        // on loopback, CPU): checked when the host is sending r1 at all
        const seen = await poll(async () => {
          const s = await viewer.videoState('Host camera');
          return s && s.videoHeight >= 720 ? s : null;
        }, { timeoutMs: 12_000, what: 'camera inset at 720p' }).catch(() => null);
        const out = await host.outboundVideo();
        const r1 = out.find((o) => o.rid === 'r1');
        console.log(`# 720p chosen: viewer camera ${seen ? `${seen.videoWidth}x${seen.videoHeight}` : 'not at 720p within 12 s'}; host r1 ${JSON.stringify(r1)}; host bandwidth ${JSON.stringify(await host.bandwidth())}`);
        if (r1 && r1.frameHeight === 720 && r1.framesEncoded > 0) assert.ok(seen, 'host sends 720p (r1) but the viewer never got it after choosing 720p');
      }
    }
    const autoLabel = await menu.locator('option[value="auto"]').innerText();
    console.log(`# quality menu "auto" item: ${autoLabel}`);
    // single-encoding "sharp text" screen: no set-preferred-layers for it
    const scrConsumer = viewer.framesOf('consumer-created', 'in').find((f) => f.data.appData?.source === 'screen');
    assert.equal(viewer.framesOf('set-preferred-layers', 'out').filter((f) => f.data.consumerId === scrConsumer?.data.consumerId).length, 0,
      'no preferred layers requested for the single-layer screen share');
    assert.equal(await vp.locator('.notice-error, .banner-error').count(), 0, 'no error shown');
  }, ctx);

  await step('chat: viewer and host exchange messages; host messages are marked', async () => {
    const vInput = vp.getByRole('textbox', { name: 'Message' });
    await vInput.fill('Hi, which levels on ES today?');
    await vInput.press('Enter');
    await poll(() => vInput.inputValue().then((v) => v === ''), { what: 'chat input cleared after sending' });
    const hostChat = hp.getByRole('log', { name: 'Chat messages' });
    const got = hostChat.locator('li.chat-msg').filter({ hasText: 'Hi, which levels on ES today?' });
    await got.waitFor();
    assert.equal((await got.locator('.chat-name').textContent()).trim(), viewer.displayName, 'viewer name on the host side');
    assert.equal(await got.evaluate((el) => el.classList.contains('chat-msg-marked')), false, 'viewer message not marked');
    const hInput = hp.getByRole('textbox', { name: 'Message' });
    await hInput.fill('Watching 5020 and 4985.');
    await hp.getByRole('button', { name: 'Send' }).click();
    const vChat = vp.getByRole('log', { name: 'Chat messages' });
    const hostMsg = vChat.locator('li.chat-msg').filter({ hasText: 'Watching 5020 and 4985.' });
    await hostMsg.waitFor();
    assert.equal(await hostMsg.evaluate((el) => el.classList.contains('chat-msg-marked')), true, 'host message marked');
    assert.equal((await hostMsg.locator('.role-badge').textContent()).trim(), 'Host', 'host message has the Host badge');
    assert.equal((await hostMsg.locator('.chat-name').textContent()).trim(), 'Hannah Host');
    await shot(vp, '06-chat');
    // the host's studio once live with a viewer and chat (bitrates and connection known by now)
    await shot(hp, '04-room-host-live', { phone: 'resize' });
  }, ctx);

  await step('keyboard: the viewer switches the side panel to People with the arrow keys', async () => {
    const chatTab = vp.getByRole('tab', { name: 'Chat' });
    await chatTab.focus();
    await vp.keyboard.press('ArrowRight');
    const people = vp.getByRole('tab', { name: /^People \(2\)$/ });
    assert.equal(await people.getAttribute('aria-selected'), 'true', 'People tab selected');
    assert.equal(await people.evaluate((el) => el === document.activeElement), true, 'focus moved to the People tab');
    const panel = vp.getByRole('tabpanel', { name: /People/ });
    const hostRow = panel.locator('li.person').filter({ hasText: 'Hannah Host' });
    await hostRow.waitFor();
    assert.equal((await hostRow.locator('.role-badge').textContent()).trim(), 'Host');
    await panel.locator('li.person').filter({ hasText: '(you)' }).getByText(viewer.displayName).waitFor();
    assert.equal(await panel.getByRole('button', { name: /^(Mute|Remove) / }).count(), 0, 'a viewer cannot moderate');
    await vp.keyboard.press('ArrowLeft');
    assert.equal(await chatTab.getAttribute('aria-selected'), 'true', 'back on Chat');
  }, ctx);

  await step('host ends the room; the viewer sees "room ended"', async () => {
    await hp.getByRole('button', { name: 'End room' }).click();
    const dialog = hp.getByRole('dialog', { name: 'End the room for everyone?' });
    await dialog.getByRole('button', { name: 'End room' }).click();
    await hp.getByRole('heading', { name: 'This room has ended' }).waitFor({ timeout: T.media });
    await vp.getByRole('heading', { name: 'This room has ended' }).waitFor({ timeout: T.media });
    await vp.getByText('The host ended the session').waitFor();
    assert.equal(await vp.locator('video').count(), 0, 'no video left on the viewer page');
    const r = await request(srv.url, 'GET', `/api/v1/rooms/${shared.roomId}`, { token: shared.hostToken, ip: host.ip });
    assert.equal(r.body.status, 'closed', 'REST: room closed');
    await vp.getByRole('link', { name: 'Back to rooms' }).click();
    await vp.waitForURL(new RegExp(`/orgs/${shared.orgId}$`));
    const card = vp.locator('li.room-card').filter({ has: vp.getByRole('heading', { name: roomName }) });
    await card.getByText('This room has ended.').waitFor();
  }, ctx);

  assert.deepEqual(app.pageErrors(), [], 'no uncaught exceptions in the pages');
  await viewer.context.close();
  await shared.hostTab.close();
  shared.host = host;
});

/** Asserts that `locator` can be reached on a phone: scrolled into view it lies inside the
 * 390 px wide viewport, is visible, enabled, and the topmost element at its centre. */
async function assertReachable(page, locator, what) {
  await locator.scrollIntoViewIfNeeded();
  const r = await locator.evaluate((el) => {
    const b = el.getBoundingClientRect();
    const cx = b.x + b.width / 2;
    const cy = b.y + b.height / 2;
    const top = document.elementFromPoint(cx, cy);
    return { x: b.x, y: b.y, width: b.width, height: b.height, vw: window.innerWidth, vh: window.innerHeight,
      onTop: !!top && (top === el || el.contains(top) || top.contains(el) || (el.labels && [...el.labels].some((l) => l.contains(top)))),
      topIs: top ? `${top.tagName.toLowerCase()}.${String(top.className)}` : null, disabled: !!el.disabled };
  });
  assert.ok(r.width > 0 && r.height > 0, `${what}: has a size ${JSON.stringify(r)}`);
  assert.ok(r.x >= 0 && r.x + r.width <= r.vw + 0.5, `${what}: inside the viewport horizontally ${JSON.stringify(r)}`);
  assert.ok(r.y >= 0 && r.y + r.height <= r.vh + 0.5, `${what}: inside the viewport vertically once scrolled to ${JSON.stringify(r)}`);
  assert.ok(r.onTop, `${what}: not covered by another element ${JSON.stringify(r)}`);
  assert.equal(r.disabled, false, `${what}: enabled`);
  // touch-friendly target: at least 24x24 CSS px (WCAG 2.2 target size minimum)
  assert.ok(r.width >= 24 && r.height >= 24, `${what}: target at least 24x24 px ${JSON.stringify(r)}`);
}

async function assertNoHorizontalOverflow(page, what) {
  const l = await layoutReport(page);
  assert.ok(l.scrollWidth <= 390, `${what}: no horizontal overflow (scrollWidth ${l.scrollWidth} > 390; overflowing: ${l.overflowing.join(', ')})`);
  return l;
}

test('phone (390x844): invited viewer signs up, watches, switches quality, chats, sees the room end', { timeout: 120_000 }, async () => {
  const { srv, app } = suite;
  const ctx = { srv, browser: app };
  assert.ok(shared.host, 'the desktop test created the host');
  const host = shared.host;
  const hp = host.page;
  const roomName = 'Phone Session';

  await step('host creates a second room and goes live with camera and microphone', async () => {
    await host.goto(`/orgs/${shared.orgId}`);
    const { card } = await createRoomAndGoLive(host, { wsName: 'Day Trading', roomName });
    await card.getByRole('link', { name: 'Go live' }).click();
    await hp.waitForURL(/\/rooms\/room_[^?]+\?as=host$/);
    shared.phoneRoomId = new URL(hp.url()).pathname.split('/')[2];
    await goLive(host, { screen: false });
  }, ctx);

  let inv;
  await step('REST: the host invites the phone viewer (acceptUrl from the API response)', async () => {
    const email = uniqueEmail('phone');
    const r = await request(srv.url, 'POST', `/api/v1/organizations/${shared.orgId}/invitations`,
      { token: shared.hostToken, ip: host.ip, body: { email, role: 'viewer' } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    inv = r.body;
    assert.match(inv.acceptUrl, /\/invite\//);
  }, ctx);

  const viewer = await app.user(srv, 'phone', { phone: true });
  const vp = viewer.page;
  await step('phone: the invitation page fits; sign up with the invited email', async () => {
    await vp.goto(inv.acceptUrl);
    await vp.getByText('You are invited to join Alpha Desk as').waitFor();
    await assertNoHorizontalOverflow(vp, 'invitation page');
    await shot(vp, '10-invitation-accept');
    viewer.email = inv.email;
    viewer.displayName = 'Pat Phone';
    await assertReachable(vp, vp.getByRole('button', { name: 'Create account and join' }), '"Create account and join"');
    await viewer.fillSignUp({ displayName: viewer.displayName, submit: 'Create account and join' });
    await vp.waitForURL(new RegExp(`/orgs/${shared.orgId}$`), { timeout: T.nav });
    await vp.getByRole('heading', { level: 1, name: 'Alpha Desk' }).waitFor();
    await assertNoHorizontalOverflow(vp, 'dashboard');
  }, ctx);

  await step('phone: tap "Watch"; the video is visible and plays', async () => {
    const card = vp.locator('li.room-card').filter({ has: vp.getByRole('heading', { name: roomName }) });
    await card.getByText('Live').waitFor();
    const watch = card.getByRole('link', { name: 'Watch' });
    await assertReachable(vp, watch, '"Watch"');
    await watch.tap();
    await vp.waitForURL(new RegExp(`/rooms/${shared.phoneRoomId}\\?as=viewer$`));
    await vp.locator('video[aria-label="Host camera"]').waitFor({ timeout: T.media });
    const a = await poll(async () => {
      const s = await viewer.videoState('Host camera');
      return s && s.currentTime > 0 && s.videoWidth > 0 ? s : null;
    }, { timeoutMs: T.media, what: 'the camera video plays' });
    await sleep(1000);
    const b = await viewer.videoState('Host camera');
    assert.ok(b.currentTime > a.currentTime, `video currentTime advances (${a.currentTime} -> ${b.currentTime})`);
    await poll(async () => (await viewer.inboundVideo()).some((x) => x.framesDecoded > 0), { timeoutMs: T.media, what: 'getStats framesDecoded > 0' });
    // visible: on screen without scrolling, full width of the phone, a sensible 16:9-ish box
    await vp.evaluate(() => window.scrollTo(0, 0));
    const v = await viewer.videoState('Host camera');
    assert.ok(v.box.width >= 300 && v.box.width <= 390, `video as wide as the phone: ${JSON.stringify(v.box)}`);
    assert.ok(v.box.height >= 150, `video tall enough: ${JSON.stringify(v.box)}`);
    assert.ok(v.box.x >= 0 && v.box.x + v.box.width <= 390.5, `video inside the viewport horizontally: ${JSON.stringify(v.box)}`);
    assert.ok(v.box.y >= 0 && v.box.y + v.box.height <= 844, `video fully visible without scrolling: ${JSON.stringify(v.box)}`);
    await assertNoHorizontalOverflow(vp, 'room (viewer)');
    await shot(vp, '05-room-viewer');
  }, ctx);

  await step('phone: controls reachable; quality menu 1080p/720p/360p/Auto', async () => {
    await assertReachable(vp, vp.getByRole('button', { name: 'Mute' }), 'Mute');
    await assertReachable(vp, vp.getByLabel('Quality'), 'Quality menu');
    await assertReachable(vp, vp.getByRole('button', { name: 'Stats' }), 'Stats');
    await assertReachable(vp, vp.getByRole('tab', { name: /^People/ }), 'People tab');
    const menu = vp.getByLabel('Quality');
    const camConsumer = viewer.framesOf('consumer-created', 'in').find((f) => f.data.appData?.source === 'camera');
    for (const q of ['1080p', '720p', '360p', 'auto']) {
      const from = viewer.frames.length;
      await menu.selectOption(q);
      assert.equal(await menu.inputValue(), q);
      const sent = await poll(() => viewer.framesOf('set-preferred-layers', 'out', from).find((f) => f.data.consumerId === camConsumer.data.consumerId),
        { what: `set-preferred-layers (${q})` });
      assert.equal(sent.data.spatialLayer, q === 'auto' ? 2 : QUALITY_LAYERS[q]);
      const reply = await poll(() => viewer.replyTo(sent), { what: `layers-set (${q})` });
      assert.equal(reply.event, 'layers-set', JSON.stringify(reply));
    }
    // the camera is the main video here: "Auto" names the layer being received
    await poll(async () => /^Auto \((360p|720p|1080p)\)$/.test(await menu.locator('option[value="auto"]').textContent()),
      { timeoutMs: T.media, what: '"Auto (<received layer>)" in the quality menu' });
    // Stats overlay opens and shows the camera's decoded size
    await vp.getByRole('button', { name: 'Stats' }).tap();
    const overlay = vp.getByRole('region', { name: 'Connection statistics' });
    await overlay.getByRole('rowheader', { name: /Camera/ }).waitFor();
    await assertNoHorizontalOverflow(vp, 'room with the stats overlay');
    await overlay.getByRole('button', { name: 'Close statistics' }).tap();
    assert.equal(await vp.locator('.notice-error, .banner-error').count(), 0, 'no error shown');
  }, ctx);

  await step('phone: chat with the host', async () => {
    const input = vp.getByRole('textbox', { name: 'Message' });
    await assertReachable(vp, input, 'chat input');
    await input.tap();
    await vp.keyboard.type('Good morning from my phone');
    const send = vp.getByRole('button', { name: 'Send' });
    await assertReachable(vp, send, 'Send');
    await send.tap();
    await hp.getByRole('log', { name: 'Chat messages' }).getByText('Good morning from my phone').waitFor();
    await hp.getByRole('textbox', { name: 'Message' }).fill('Welcome! Levels in 5 minutes.');
    await hp.getByRole('textbox', { name: 'Message' }).press('Enter');
    const msg = vp.getByRole('log', { name: 'Chat messages' }).locator('li.chat-msg').filter({ hasText: 'Welcome! Levels in 5 minutes.' });
    await msg.waitFor();
    assert.equal(await msg.evaluate((el) => el.classList.contains('chat-msg-marked')), true, 'host message marked');
    await assertNoHorizontalOverflow(vp, 'room with chat');
    await shot(vp, '06-chat', { prepare: () => vp.getByRole('textbox', { name: 'Message' }).scrollIntoViewIfNeeded() });
  }, ctx);

  await step('host pauses the camera: the phone shows "Audio only"; resumed, the video plays again', async () => {
    const cam = hp.getByRole('toolbar', { name: 'Sources' }).locator('.source').filter({ hasText: 'Camera' });
    await cam.getByRole('button', { name: 'Pause' }).click();
    const overlay = vp.getByRole('status').filter({ has: vp.getByRole('heading', { name: 'Audio only' }) });
    await overlay.waitFor({ timeout: T.media });
    assert.equal(await vp.locator('video[aria-label="Host camera"]').count(), 0, 'no frozen video while the camera is paused');
    await cam.getByRole('button', { name: 'Resume' }).click();
    await overlay.waitFor({ state: 'detached', timeout: T.media });
    await vp.locator('video[aria-label="Host camera"]').waitFor({ timeout: T.media });
    const a = await poll(async () => {
      const s = await viewer.videoState('Host camera');
      return s && s.currentTime > 0 ? s : null;
    }, { timeoutMs: T.media, what: 'camera plays again after resume' });
    await poll(async () => (await viewer.videoState('Host camera')).currentTime > a.currentTime, { timeoutMs: T.media, what: 'currentTime advances after resume' });
  }, ctx);

  await step('host ends the room; the phone shows "room ended"', async () => {
    await hp.getByRole('button', { name: 'End room' }).click();
    await hp.getByRole('dialog', { name: 'End the room for everyone?' }).getByRole('button', { name: 'End room' }).click();
    await vp.getByRole('heading', { name: 'This room has ended' }).waitFor({ timeout: T.media });
    await assertNoHorizontalOverflow(vp, 'room ended');
    await assertReachable(vp, vp.getByRole('link', { name: 'Back to rooms' }), '"Back to rooms"');
  }, ctx);

  assert.deepEqual(app.pageErrors(), [], 'no uncaught exceptions in the pages');
});
