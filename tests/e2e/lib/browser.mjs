// Debian Chromium driven by playwright-core (never a downloaded browser).
//
//   const browser = await launchBrowser();                 // or { tcpOnly: true }
//   const host = await browser.participant(srv, user, 'host');
//   await host.connect(); await host.join(roomId, 'host');
//   await host.publish({ camera: true, microphone: true, screen: true });
//   await browser.close();
//
// One browser process per test file; one incognito-like context (own cookies, storage,
// permissions) per participant. Playwright's launch() starts Chromium with a new empty
// temporary --user-data-dir.
//
// Every frame that a page's WebSocket receives is validated against the server schemas of
// docs/protocol.md (and every frame the page sends against the client schemas); violations go
// to the global registry of protocol-client.mjs (assertNoViolations()).
import fs from 'node:fs';
import { chromium } from 'playwright-core';
import { checkServerFrame, loadProtocol } from './schemas.mjs';
import { recordViolation } from './protocol-client.mjs';

export const CHROMIUM = process.env.TR_CHROMIUM || '/usr/bin/chromium';

// Needed on this closed network (see .library env doc): without the background-networking
// flags Chromium keeps trying Google hosts.
export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
  // Media: fake camera (1920x1080 @20 fps pattern) and fake microphone (beep). The fake UI
  // flag auto-accepts the permission prompts, including getDisplayMedia's picker: with both
  // flags, headless Chromium 156 returns a 1280x720 fake screen track ("screen:-3:0") from
  // getDisplayMedia without --auto-select-desktop-capture-source. (Without
  // --use-fake-ui-for-media-stream getDisplayMedia hangs; without the fake device it fails
  // with NotReadableError.)
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // Received audio plays without a user gesture (and so is pulled from the jitter buffer).
  '--autoplay-policy=no-user-gesture-required',
];

// ICE over TCP only: the browser itself must not use UDP. This switch sets the WebRTC IP
// handling policy (same as the enterprise policy WebRtcIPHandlingPolicy / the
// webrtc.ip_handling_policy preference): no UDP unless through a proxy, i.e. Chromium gathers
// no UDP host candidates and reaches the server's passive TCP candidate with an active TCP
// connection. (--force-webrtc-ip-handling-policy=... is NOT honoured by Chromium 156.)
export const TCP_ONLY_ARGS = ['--webrtc-ip-handling-policy=disable_non_proxied_udp'];

export function chromiumAvailable() {
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `executablePath`: another launcher of the same Chromium (e.g. lib/netns.mjs's wrapper that runs it in a network namespace). */
export async function launchBrowser({ tcpOnly = false, extraArgs = [], trace = !!process.env.TR_TRACE, executablePath = CHROMIUM } = {}) {
  if (!chromiumAvailable()) {
    throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set TR_CHROMIUM)`);
  }
  // TR_CHROMIUM_ARGS: extra switches for diagnosis, e.g. "--enable-logging=stderr --vmodule=rtp_vp8_ref_finder=5"
  // (with DEBUG=pw:browser to see Chromium's stderr).
  const debugArgs = (process.env.TR_CHROMIUM_ARGS || '').split(' ').filter(Boolean);
  const args = [...BASE_ARGS, ...(tcpOnly ? TCP_ONLY_ARGS : []), ...extraArgs, ...debugArgs];
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args,
    timeout: 30_000,
  });
  return new Browser(browser, { trace, tcpOnly, args });
}

class Browser {
  constructor(browser, opts) {
    this.browser = browser;
    this.opts = opts;
    this.participants = [];
  }

  /** A new context + page at the server's web root (the bundled test page). */
  async participant(srv, user, name = 'participant') {
    const context = await this.browser.newContext({
      extraHTTPHeaders: user?.ip ? { 'X-Forwarded-For': user.ip } : undefined,
      viewport: { width: 1280, height: 800 },
    });
    await context.grantPermissions(['camera', 'microphone'], { origin: srv.url });
    const page = await context.newPage();
    const p = new Participant(this, srv, user, name, context, page);
    this.participants.push(p);
    await page.goto(`${srv.url}/`, { waitUntil: 'load', timeout: 20_000 });
    await page.waitForFunction(() => !!window.tr, null, { timeout: 10_000 });
    return p;
  }

  /** Console output of all pages (for failure messages). */
  consoleDump(lines = 60) {
    return this.participants.map((p) => `--- console of ${p.name} ---\n${p.console.slice(-lines).join('\n')}`).join('\n');
  }

  async close() {
    for (const p of this.participants) await p.context.close().catch(() => {});
    await this.browser.close().catch(() => {});
  }
}

export class Participant {
  constructor(browser, srv, user, name, context, page) {
    this.browser = browser;
    this.srv = srv;
    this.user = user;
    this.name = name;
    this.context = context;
    this.page = page;
    this.console = [];
    const proto = loadProtocol();
    page.on('console', (m) => {
      const line = `[${name}] ${m.type()}: ${m.text()}`;
      this.console.push(line);
      if (browser.opts.trace) console.log(`# ${line}`);
    });
    page.on('pageerror', (e) => this.console.push(`[${name}] pageerror: ${e.message}`));
    page.on('websocket', (ws) => {
      if (!ws.url().endsWith('/ws')) return;
      ws.on('framereceived', ({ payload }) => {
        const text = typeof payload === 'string' ? payload : null;
        if (text === null) {
          recordViolation(`[${name}] server sent a binary frame`);
          return;
        }
        const { violations } = checkServerFrame(text);
        for (const v of violations) recordViolation(`[${name}] ${v}\n    frame: ${text.slice(0, 600)}`);
      });
      ws.on('framesent', ({ payload }) => {
        if (typeof payload !== 'string') return;
        try {
          const v = proto.validateClient(JSON.parse(payload));
          for (const x of v) recordViolation(`[${name}] (page bug) client frame: ${x}\n    frame: ${payload.slice(0, 400)}`);
        } catch { /* not JSON: only in negative tests, which do not use the page */ }
      });
    });
  }

  /** page.evaluate(window.tr[fn](...args)) with the participant's name in errors. */
  async tr(fn, ...args) {
    try {
      return await this.page.evaluate(([f, a]) => window.tr[f](...a), [fn, args]);
    } catch (e) {
      const msg = String(e.message || e).replace(/^page\.evaluate: /, '');
      throw new Error(`${this.name}: tr.${fn}(${args.map((a) => JSON.stringify(a)?.slice(0, 120)).join(', ')}) failed: ${msg}`);
    }
  }

  connect(opts = {}) { return this.tr('connect', this.srv.wsUrl, this.user.token, opts); }
  join(roomId, role, opts = {}) { return this.tr('join', roomId, role, opts); }
  publish(opts) { return this.tr('publish', opts); }
  subscribeAll(opts) { return this.tr('subscribeAll', opts || {}); }
  stats() { return this.tr('stats'); }
  closeProducer(source) { return this.tr('closeProducer', source); }
  leave() { return this.tr('leave'); }
  closeRoom() { return this.tr('closeRoom'); }
  request(event, data) { return this.tr('request', event, data); }
  waitFor(event, match, timeoutMs = 10_000) { return this.tr('waitFor', event, match || null, timeoutMs); }
  consumers() { return this.tr('consumers'); }
  events(event) { return this.tr('events', event); }
  waitFirstFrame(opts) { return this.tr('waitFirstFrame', opts || {}); }
  disconnect() { return this.tr('disconnect'); }

  /**
   * Polls stats() until check(stats) returns true (or a truthy value), at most timeoutMs.
   * Resolves with the last stats; throws with `describe(stats)` when it never held.
   */
  async pollStats(check, { timeoutMs = 15_000, intervalMs = 250, what = 'condition' } = {}) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (let i = 0; i < 10_000 && Date.now() < deadline; i++) {
      last = await this.stats();
      if (check(last)) return last;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
    throw new Error(`${this.name}: ${what} not reached within ${timeoutMs} ms; last stats:\n${JSON.stringify(summarize(last), null, 1).slice(0, 4000)}`);
  }

  async close() {
    await this.context.close().catch(() => {});
  }
}

/** A compact view of tr.stats() for failure messages. */
export function summarize(stats) {
  if (!stats) return stats;
  return {
    consumers: stats.consumers.map((c) => ({ source: c.source, kind: c.kind, closed: c.closed, codec: c.codec,
      packetsReceived: c.packetsReceived, framesDecoded: c.framesDecoded, frame: c.frameWidth ? `${c.frameWidth}x${c.frameHeight}` : null,
      totalSamplesReceived: c.totalSamplesReceived, bytesReceived: c.bytesReceived })),
    producers: stats.producers.map((p) => ({ source: p.source, layers: p.layers.map((l) => `${l.rid}:${l.frameWidth}x${l.frameHeight}@${l.framesPerSecond} sent=${l.packetsSent} ${l.qualityLimitationReason}`) })),
    send: stats.transports.send && { state: stats.transports.send.connectionState, pair: stats.transports.send.selectedPair },
    recv: stats.transports.recv && { state: stats.transports.recv.connectionState, pair: stats.transports.recv.selectedPair },
    errors: stats.errors,
  };
}
