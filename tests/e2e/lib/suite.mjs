// One fixture per test file: the server (and, when asked, one Chromium) started in a single
// before() hook, and a single after() hook that closes the browser, the protocol clients, stops
// the server (asserting exit code 0) and fails on any schema violation seen by any client or
// page. Every cleanup step runs even when an earlier one fails; all failures are reported.
//
//   const suite = useSuite({ browser: {} });     // or { browser: { tcpOnly: true } }, or {}
//   test('...', async () => { const { srv, browser } = suite; ... });
import { after, before } from 'node:test';
import { startServer, stopServer } from './server.mjs';
import { teardown } from './util.mjs';
import { launchBrowser } from './browser.mjs';
import { assertNoViolations, closeAll } from './protocol-client.mjs';

export function useSuite({ server = {}, browser = null } = {}) {
  const suite = { srv: null, browser: null };
  let resolveReady;
  let rejectReady;
  suite.ready = new Promise((res, rej) => { resolveReady = res; rejectReady = rej; });
  suite.ready.catch(() => {});

  before(async () => {
    const [s, b] = await Promise.allSettled([
      startServer(server),
      browser ? launchBrowser(browser) : Promise.resolve(null),
    ]);
    if (s.status === 'fulfilled') suite.srv = s.value;
    if (b.status === 'fulfilled') suite.browser = b.value;
    const err = s.status === 'rejected' ? s.reason : b.status === 'rejected' ? b.reason : null;
    if (err) {
      rejectReady(err);
      throw err;
    }
    resolveReady(suite);
  });

  after(() => teardown([
    ['closing the browser', async () => { if (suite.browser) await suite.browser.close(); }],
    ['closing protocol clients', async () => closeAll()],
    ['stopping the server', () => stopServer(suite.srv)],
    ['schema check of every server message', async () => assertNoViolations()],
  ]));
  return suite;
}
