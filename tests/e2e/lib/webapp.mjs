// Helpers for the end-to-end tests of the web app itself (tests/webapp-*.test.mjs): the real
// binary serves the real React PWA (web/dist, built by scripts/build-web.sh) and playwright-core
// drives Debian Chromium through its UI (clicks, typing, keyboard).
//
//   const suite = useWebSuite();                      // before(): tradingroom serve --web-root web/dist
//                                                     //   + one Chromium; after(): all closed, schemas checked
//   const host = await suite.app.user(suite.srv, 'host');   // own context: storage, permissions, X-Forwarded-For
//   await host.signUp({ displayName, email });        // through the sign-up page
//   await shot(host.page, '03-dashboard', { phone: 'resize' });   // only when TR_SCREENSHOTS=1
//
// Every page gets (before any app script runs) a tiny hook that remembers the
// RTCPeerConnections it creates, so a test can read getStats() inside the page
// (`user.inboundVideo()`), and every /ws frame it sends or receives is recorded (`user.frames`)
// and validated against docs/protocol.md like lib/browser.mjs does.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { after, before } from 'node:test';
import { startServer, stopServer } from './server.mjs';
import os from 'node:os';
import { chromium } from 'playwright-core';
import { BASE_ARGS, CHROMIUM, launchBrowser } from './browser.mjs';
import { checkServerFrame, loadProtocol, REPO_ROOT } from './schemas.mjs';
import { assertNoViolations, recordViolation } from './protocol-client.mjs';
import { nextIp, PASSWORD, uniqueEmail } from './api.mjs';
import { sleep, teardown } from './util.mjs';

export const WEB_DIST = process.env.TR_WEB_DIST || path.join(REPO_ROOT, 'web', 'dist');
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const SCREENSHOTS = process.env.TR_SCREENSHOTS === '1';
export const SHOT_DIR = process.env.TR_SCREENSHOT_DIR || path.join(REPO_ROOT, 'docs', 'screenshots');

/** UI waits: every expect/wait of the webapp tests is bounded by one of these. */
export const T = { ui: 10_000, nav: 15_000, media: 30_000 };

function requireWebDist() {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    throw new Error(`${WEB_DIST}/index.html not found: build the web app first (scripts/build-web.sh)`);
  }
}

/**
 * The fixture of one webapp test file: in before(), the server (serving web/dist) and one
 * Chromium, started together; in after(), the browser closed, the server stopped (exit code 0
 * asserted) and its folders removed, and every /ws frame the pages saw checked against
 * docs/protocol.md. Every cleanup step runs even when an earlier one fails.
 */
export function useWebSuite({ server = {}, browser = {} } = {}) {
  const suite = { srv: null, app: null };
  before(async () => {
    requireWebDist();
    const [s, b] = await Promise.allSettled([startServer({ webRoot: WEB_DIST, ...server }),
      browser === false ? Promise.resolve(null) : launchWebApp(browser)]);
    if (s.status === 'fulfilled') suite.srv = s.value;
    if (b.status === 'fulfilled') suite.app = b.value;
    if (s.status === 'rejected') throw s.reason;
    if (b.status === 'rejected') throw b.reason;
  });
  after(() => teardown([
    ['closing the browser', async () => { if (suite.app) await suite.app.close(); }],
    ['closing persistent profiles', async () => { for (const u of suite.persistent || []) await u.close(); }],
    ['stopping the server', () => stopServer(suite.srv)],
    ['schema check of every /ws frame the pages saw', async () => assertNoViolations()],
  ]));
  return suite;
}

export async function launchWebApp(opts = {}) {
  const browser = await launchBrowser(opts);
  return new WebApp(browser);
}

// Runs in every page before the app: remembers the page's RTCPeerConnections (mediasoup-client
// creates one per transport) so the test can call getStats() on them in the page.
// Caps what getDisplayMedia captures to `max` (the size of the simulated display): Chromium's
// fake screen delivers whatever size the page asks for (2560x1440 for "Sharp text"), and
// encoding plus decoding that in software is more than a 2-core machine shares comfortably
// with everything else.
function displaySizeHook(max) {
  const md = navigator.mediaDevices;
  if (!md || !md.getDisplayMedia || md.__trCapped) return;
  const orig = md.getDisplayMedia.bind(md);
  md.getDisplayMedia = (constraints = {}) => {
    const v = typeof constraints.video === 'object' ? { ...constraints.video } : {};
    v.width = { ...(typeof v.width === 'object' ? v.width : {}), max: max.width };
    v.height = { ...(typeof v.height === 'object' ? v.height : {}), max: max.height };
    if (v.width.ideal > max.width) v.width.ideal = max.width;
    if (v.height.ideal > max.height) v.height.ideal = max.height;
    return orig({ ...constraints, video: v });
  };
  md.__trCapped = true;
}

function peerConnectionHook() {
  const P = window.RTCPeerConnection;
  if (!P || window.__trPcs) return;
  window.__trPcs = [];
  const remember = (pc) => {
    if (!window.__trPcs.includes(pc)) window.__trPcs.push(pc);
  };
  for (const m of ['setRemoteDescription', 'setLocalDescription', 'addTransceiver']) {
    const orig = P.prototype[m];
    P.prototype[m] = function hooked(...args) {
      remember(this);
      return orig.apply(this, args);
    };
  }
}

// Context options of a simulated person, shared by user() and persistentUser().
function contextOptions(phone, ip) {
  return {
    viewport: phone ? PHONE : DESKTOP,
    deviceScaleFactor: 1,
    isMobile: phone,
    hasTouch: phone,
    extraHTTPHeaders: { 'X-Forwarded-For': ip },
    locale: 'en-US',
    timezoneId: 'UTC',
  };
}

async function prepareContext(context, srv, { displaySize } = {}) {
  await context.grantPermissions(['camera', 'microphone', 'clipboard-read', 'clipboard-write'], { origin: srv.url });
  await context.addInitScript(peerConnectionHook);
  if (displaySize) await context.addInitScript(displaySizeHook, displaySize);
  context.setDefaultTimeout(T.ui);
  context.setDefaultNavigationTimeout(T.nav);
}

/**
 * A person with a persistent Chromium profile (its own browser process and a new temporary
 * --user-data-dir), for what incognito-like contexts cannot do: Chromium reports
 * "in-incognito" as an installability error there. `await user.close()` ends the browser and
 * removes the profile. Registers with `suite` (useWebSuite) so that after() closes it too.
 */
export async function persistentUser(srv, name, { phone = false, ip = nextIp(), suite } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tr-e2e-profile-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM, headless: true, args: BASE_ARGS, timeout: 30_000, ...contextOptions(phone, ip),
    });
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  await prepareContext(context, srv);
  const u = new WebUser(null, srv, name, context, { phone, ip });
  await u.attach(context.pages()[0] ?? await context.newPage());
  u.close = async () => {
    await context.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  };
  if (suite) (suite.persistent ||= []).push(u);
  return u;
}

export class WebApp {
  constructor(browser) {
    this.browser = browser; // lib/browser.mjs Browser (its .browser is playwright's)
    this.users = [];
  }

  /**
   * A new browser context (a separate person: storage, permissions, client address) with one
   * page. `phone: true` = 390x844, touch, mobile viewport; otherwise 1280x800.
   * `displaySize: {width, height}` = the size of the display that screen sharing captures.
   */
  async user(srv, name, { phone = false, ip = nextIp(), displaySize } = {}) {
    const context = await this.browser.browser.newContext(contextOptions(phone, ip));
    await prepareContext(context, srv, { displaySize });
    const u = new WebUser(this, srv, name, context, { phone, ip });
    await u.attach(await context.newPage());
    this.users.push(u);
    return u;
  }

  consoleDump(lines = 40) {
    return this.users.map((u) => `--- console of ${u.name} ---\n${u.console.slice(-lines).join('\n')}`).join('\n');
  }

  /** Uncaught exceptions in any page of any user (React crashes end up here). */
  pageErrors() {
    return this.users.flatMap((u) => u.pageErrors.map((e) => `[${u.name}] ${e}`));
  }

  async close() {
    for (const u of this.users) await u.context.close().catch(() => {});
    await this.browser.close();
  }
}

export class WebUser {
  constructor(app, srv, name, context, { phone, ip }) {
    this.app = app;
    this.srv = srv;
    this.name = name;
    this.context = context;
    this.phone = phone;
    this.ip = ip;
    this.console = [];
    this.pageErrors = [];
    this.frames = []; // {dir: 'in'|'out', event, data, requestId, at}
    this.page = null;
    this.email = null;
    this.password = PASSWORD;
    this.displayName = null;
  }

  /** Wires console / error / WebSocket recording of a page of this user. */
  async attach(page, tag = '') {
    const who = `${this.name}${tag}`;
    const proto = loadProtocol();
    page.on('console', (m) => {
      const line = `[${who}] ${m.type()}: ${m.text()}`;
      this.console.push(line);
      if (process.env.TR_TRACE) console.log(`# ${line}`);
    });
    page.on('pageerror', (e) => {
      this.pageErrors.push(`${e.message}\n${(e.stack || '').split('\n').slice(1, 4).join('\n')}`);
      this.console.push(`[${who}] pageerror: ${e.message}`);
    });
    page.on('websocket', (ws) => {
      if (!ws.url().endsWith('/ws')) return;
      ws.on('framereceived', ({ payload }) => {
        if (typeof payload !== 'string') {
          recordViolation(`[${who}] server sent a binary frame`);
          return;
        }
        const { msg, violations } = checkServerFrame(payload);
        for (const v of violations) recordViolation(`[${who}] ${v}\n    frame: ${payload.slice(0, 600)}`);
        if (msg) this.frames.push({ dir: 'in', event: msg.event, data: msg.data, requestId: msg.requestId, at: Date.now() });
        if (process.env.TR_TRACE) console.log(`# [${who}] <- ${payload.slice(0, 300)}`);
      });
      ws.on('framesent', ({ payload }) => {
        if (typeof payload !== 'string') return;
        let msg;
        try {
          msg = JSON.parse(payload);
        } catch {
          recordViolation(`[${who}] (web app bug) sent a non-JSON frame: ${payload.slice(0, 200)}`);
          return;
        }
        for (const x of proto.validateClient(msg)) recordViolation(`[${who}] (web app bug) client frame: ${x}\n    frame: ${payload.slice(0, 400)}`);
        this.frames.push({ dir: 'out', event: msg.event, data: msg.data, requestId: msg.requestId, at: Date.now() });
        if (process.env.TR_TRACE) console.log(`# [${who}] -> ${payload.slice(0, 300)}`);
      });
    });
    if (!this.page) this.page = page;
    return page;
  }

  /** A second tab of the same person (same storage and session). */
  async newTab(tag = ' (tab 2)') {
    const page = await this.context.newPage();
    await this.attach(page, tag);
    return page;
  }

  url(p) {
    return `${this.srv.url}${p}`;
  }

  async goto(p, page = this.page) {
    await page.goto(this.url(p), { waitUntil: 'load' });
  }

  /** Fills the sign-up form (on /signup or the invitation page) and submits it. */
  async fillSignUp({ displayName, email, password = PASSWORD, submit = /^Create account/ }, page = this.page) {
    const form = page.locator('form').filter({ has: page.getByLabel('Password') });
    await form.getByLabel('Your name').fill(displayName);
    const emailBox = form.getByLabel('Email');
    if (email && !(await emailBox.getAttribute('readonly').then((r) => r !== null))) await emailBox.fill(email);
    await form.getByLabel('Password').fill(password);
    await form.getByRole('button', { name: submit }).click();
  }

  /** Signs up on /signup; resolves once the app navigated away from it. */
  async signUp({ displayName, email, password = PASSWORD } = {}, { before } = {}) {
    this.displayName = displayName || `${this.name[0].toUpperCase()}${this.name.slice(1)} ${crypto.randomBytes(2).toString('hex')}`;
    this.email = email || uniqueEmail(this.name);
    this.password = password;
    await this.goto('/signup');
    await this.page.getByRole('heading', { name: 'Create your account' }).waitFor();
    if (before) await before();
    await this.fillSignUp({ displayName: this.displayName, email: this.email, password });
    await this.page.waitForURL((u) => !u.pathname.startsWith('/signup'), { timeout: T.nav });
  }

  /** Signs in on /signin. */
  async signIn({ email = this.email, password = this.password } = {}, { before } = {}) {
    await this.goto('/signin');
    await this.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    if (before) await before();
    const form = this.page.locator('form');
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Password').fill(password);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await this.page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: T.nav });
  }

  /** The app's session as stored in localStorage (access token etc.), or null. */
  async storedSession(page = this.page) {
    return page.evaluate(() => {
      for (let i = 0; i < localStorage.length; i++) {
        const k = localStorage.key(i);
        const v = localStorage.getItem(k);
        if (v && v.includes('accessToken')) {
          try {
            return JSON.parse(v);
          } catch {
            return null;
          }
        }
      }
      return null;
    });
  }

  /** Frames of `event` (dir 'in' from the server, 'out' from the page) since index `from`. */
  framesOf(event, dir, from = 0) {
    return this.frames.slice(from).filter((f) => f.event === event && (!dir || f.dir === dir));
  }

  /** The reply to a request the page sent (by requestId), or null while there is none. */
  replyTo(sent) {
    return this.frames.find((f) => f.dir === 'in' && f.requestId && f.requestId === sent.requestId) || null;
  }

  /** Raw getStats() entries of `type` from the page's open RTCPeerConnections. */
  async rtcStats(type, page = this.page) {
    return page.evaluate(async (t) => {
      const out = [];
      for (const pc of window.__trPcs || []) {
        if (pc.connectionState === 'closed') continue;
        for (const s of (await pc.getStats()).values()) if (s.type === t) out.push(s);
      }
      return out;
    }, type);
  }

  /** getStats() of the page's inbound video: one per consumed track (not the probator, the
   * receiver mediasoup-client keeps for the SFU's bandwidth probes: padding, no frames). */
  async inboundVideo(page = this.page) {
    const media = (s) => s.kind === 'video' && s.mid !== 'probator' && s.ssrc !== 1234;
    return (await this.rtcStats('inbound-rtp', page)).filter(media).map((s) => ({
      mid: s.mid, trackIdentifier: s.trackIdentifier, framesDecoded: s.framesDecoded || 0,
      framesReceived: s.framesReceived || 0, frameWidth: s.frameWidth || 0, frameHeight: s.frameHeight || 0,
      packetsReceived: s.packetsReceived || 0, bytesReceived: s.bytesReceived || 0 }));
  }

  /** getStats() of the page's outbound video (host): per encoding. */
  async outboundVideo(page = this.page) {
    return (await this.rtcStats('outbound-rtp', page)).filter((s) => s.kind === 'video').map((s) => ({
      mid: s.mid, rid: s.rid || null, framesEncoded: s.framesEncoded || 0, frameWidth: s.frameWidth || 0,
      frameHeight: s.frameHeight || 0, packetsSent: s.packetsSent || 0, qualityLimitationReason: s.qualityLimitationReason,
      contentType: s.contentType || null }));
  }

  /** Bandwidth estimates of the page's transports (selected candidate pairs). */
  async bandwidth(page = this.page) {
    return (await this.rtcStats('candidate-pair', page)).filter((s) => s.nominated && s.state === 'succeeded').map((s) => ({
      availableOutgoingBitrate: s.availableOutgoingBitrate ?? null, availableIncomingBitrate: s.availableIncomingBitrate ?? null,
      currentRoundTripTime: s.currentRoundTripTime ?? null, bytesSent: s.bytesSent, bytesReceived: s.bytesReceived }));
  }

  /** State of a <video> matched by its aria-label (currentTime, size, visibility box), or null. */
  async videoState(label, page = this.page) {
    // page.evaluate, not a locator: no actionability wait, one round trip
    return page.evaluate((l) => {
      const el = [...document.querySelectorAll('video')].find((v) => v.getAttribute('aria-label') === l);
      if (!el) return null;
      const r = el.getBoundingClientRect();
      const q = el.getVideoPlaybackQuality ? el.getVideoPlaybackQuality() : null;
      return {
        currentTime: el.currentTime, paused: el.paused, readyState: el.readyState,
        videoWidth: el.videoWidth, videoHeight: el.videoHeight,
        hasSrc: !!el.srcObject, totalVideoFrames: q ? q.totalVideoFrames : null,
        box: { x: r.x, y: r.y, width: r.width, height: r.height },
        viewport: { width: window.innerWidth, height: window.innerHeight },
      };
    }, label);
  }
}

/**
 * Polls `fn` (async) until it returns a truthy value; throws with `what` and the last value.
 * Bounded by time and count.
 */
export async function poll(fn, { timeoutMs = T.ui, intervalMs = 250, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
    last = await fn();
    if (last) return last;
    await sleep(intervalMs);
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms (last: ${JSON.stringify(last)?.slice(0, 1500)})`);
}

/**
 * Layout facts of a page: horizontal overflow and where the given elements are. The width that
 * counts is the device's (a mobile viewport widens its layout viewport to overflowing content,
 * so window.innerWidth alone would hide an overflow).
 */
export async function layoutReport(page, selectors = {}) {
  return page.evaluate((sel) => {
    const se = document.scrollingElement || document.documentElement;
    const width = Math.min(window.innerWidth, window.screen.width || Infinity, window.visualViewport?.width || Infinity);
    const out = { scrollWidth: se.scrollWidth, clientWidth: se.clientWidth, innerWidth: window.innerWidth, width, elements: {} };
    for (const [name, s] of Object.entries(sel)) {
      const el = document.querySelector(s);
      if (!el) {
        out.elements[name] = null;
        continue;
      }
      const r = el.getBoundingClientRect();
      out.elements[name] = { x: Math.round(r.x), y: Math.round(r.y + se.scrollTop), width: Math.round(r.width), height: Math.round(r.height) };
    }
    // the widest elements, to explain an overflow
    out.overflowing = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1)
      .slice(0, 8)
      .map((el) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} right=${Math.round(el.getBoundingClientRect().right)}`);
    return out;
  }, selectors);
}

/**
 * Table cells that collide on screen: two cells of one row whose boxes overlap, or a cell
 * whose content is wider than the cell (it spills over its neighbours). Returns descriptions;
 * [] when the tables lay out cleanly (e.g. the phone layout of the admin tables).
 */
export async function tableCollisions(page, tableSelector = 'table') {
  return page.evaluate((sel) => {
    const out = [];
    const text = (el) => (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    for (const table of document.querySelectorAll(sel)) {
      for (const tr of table.querySelectorAll('tbody tr')) {
        const cells = [...tr.children].filter((td) => {
          const r = td.getBoundingClientRect();
          return r.width > 0 && r.height > 0 && getComputedStyle(td).display !== 'none';
        });
        const boxes = cells.map((td) => td.getBoundingClientRect());
        for (let i = 0; i < cells.length; i++) {
          if (cells[i].scrollWidth > cells[i].clientWidth + 1) {
            out.push(`cell "${text(cells[i])}" content ${cells[i].scrollWidth}px wider than the cell ${cells[i].clientWidth}px`);
          }
          for (let j = i + 1; j < cells.length; j++) {
            const a = boxes[i];
            const b = boxes[j];
            const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (w > 1 && h > 1) out.push(`cells "${text(cells[i])}" and "${text(cells[j])}" overlap (${Math.round(w)}x${Math.round(h)} px)`);
          }
        }
      }
    }
    return out.slice(0, 10);
  }, tableSelector);
}

// ---- screenshots ------------------------------------------------------------------------------

const shotsTaken = [];

/**
 * Saves docs/screenshots/<name>-desktop.png (and -phone.png) when TR_SCREENSHOTS=1; else a no-op.
 * A desktop page with `phone: 'resize'` is also shot at 390x844 (the viewport is resized for the
 * shot and restored). A phone context's page is saved as <name>-phone.png only.
 * Viewport-sized PNGs at device scale 1 keep each file small.
 */
export async function shot(page, name, { phone = false, settleMs = 400, prepare } = {}) {
  if (!SCREENSHOTS) return [];
  fs.mkdirSync(SHOT_DIR, { recursive: true });
  const vp = page.viewportSize();
  const saved = [];
  const take = async (suffix) => {
    if (prepare) await prepare();
    await page.evaluate(() => document.fonts?.ready).catch(() => {});
    await sleep(settleMs);
    const file = path.join(SHOT_DIR, `${name}-${suffix}.png`);
    await page.screenshot({ path: file, animations: 'disabled', caret: 'hide', timeout: T.ui });
    saved.push(file);
    shotsTaken.push(file);
  };
  if (vp && vp.width <= PHONE.width) {
    await take('phone');
    return saved;
  }
  await take('desktop');
  if (phone === 'resize') {
    await page.setViewportSize(PHONE);
    try {
      await take('phone');
    } finally {
      await page.setViewportSize(vp);
      await sleep(150);
    }
  }
  return saved;
}

export function screenshotsTaken() {
  return [...shotsTaken];
}
