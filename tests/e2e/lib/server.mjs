// Starts and stops the real `tradingroom` binary for one test file.
//
//   const srv = await startServer();          // free port, temp data dir, page-dist as web root
//   srv.url / srv.wsUrl / srv.port / srv.rtcPorts
//   await srv.stop();                          // SIGTERM, asserts exit code 0 within 10 s
//
// Every start gets its own RTC port block (so test files can run in parallel) and its own
// temporary data folder. stderr/stdout are collected into a log file; failure messages quote
// its tail (srv.tail()).
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const E2E_DIR = path.resolve(HERE, '..');
export const PAGE_DIST = path.join(E2E_DIR, 'page-dist');
export const BIN = process.env.TRADINGROOM_BIN || path.resolve(E2E_DIR, '..', '..', 'build', 'src', 'app', 'tradingroom');

const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
// RTC port blocks: below Linux's ephemeral range (32768+) so that client sockets (Chromium's
// TCP connections, our free-port probes) never collide with them.
const RTC_FIRST = 20_000;
const RTC_LAST = 32_699;
const RTC_BLOCK = 100;

export function binaryAvailable() {
  try {
    fs.accessSync(BIN, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function requireBinary() {
  if (!binaryAvailable()) {
    throw new Error(`server binary not found at ${BIN} (set TRADINGROOM_BIN or build target tradingroom)`);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function canBindTcp(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '0.0.0.0', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

function canBindUdp(port) {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => { try { s.close(); } catch { /* ignore */ } resolve(false); });
    s.bind({ port, address: '0.0.0.0', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** A block of RTC_BLOCK ports that are free for TCP and UDP right now. Random start, bounded tries. */
export async function rtcPortBlock(size = RTC_BLOCK) {
  const blocks = Math.floor((RTC_LAST - RTC_FIRST + 1) / size);
  for (let attempt = 0; attempt < 30; attempt++) {
    const min = RTC_FIRST + size * Math.floor(Math.random() * blocks);
    const max = min + size - 1;
    let ok = true;
    // Probing every port is cheap (~200 binds) and catches a concurrent run's block.
    for (let p = min; p <= max && ok; p++) ok = (await canBindTcp(p)) && (await canBindUdp(p));
    if (ok) return { min, max };
  }
  throw new Error('no free RTC port block found in 30 attempts');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs `tradingroom <args>` synchronously (e.g. admin create-user); returns {status, stdout, stderr}. */
export function runCli(args, { env, timeoutMs = 30_000 } = {}) {
  requireBinary();
  const r = spawnSync(BIN, args, { env: { ...cleanEnv(), ...(env || {}) }, encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error };
}

function cleanEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (k.startsWith('TRADINGROOM_') && k !== 'TRADINGROOM_BIN') delete env[k];
  }
  return env;
}

// Servers still running when the test process exits (crash, timeout) are killed with it.
const running = new Set();
process.on('exit', () => {
  for (const s of running) s.kill();
});

export class Server {
  // reconnectGraceMs: the server's --reconnect-grace-ms. Short by default so that tests of a
  // dropped socket see participant-left soon; tests of reconnecting set a realistic one.
  constructor({ extraArgs = [], webRoot = PAGE_DIST, logLevel = 'info', dataDir, env, reconnectGraceMs = 1500 } = {}) {
    this.extraArgs = extraArgs;
    this.reconnectGraceMs = reconnectGraceMs;
    this.webRoot = webRoot;
    this.logLevel = logLevel;
    this.env = env || {};
    this.ownDataDir = !dataDir;
    this.dataDir = dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'tr-e2e-data-'));
    this.logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tr-e2e-log-'));
    this.logFile = path.join(this.logDir, 'server.log');
    this.proc = null;
    this.exit = null;
  }

  argv() {
    const a = ['serve', '--port', String(this.port), '--bind', '127.0.0.1', '--data-dir', this.dataDir,
      '--log-level', this.logLevel,
      '--announced-ip', '127.0.0.1',
      '--test-hooks',
      '--reconnect-grace-ms', String(this.reconnectGraceMs),
      '--rtc-port-min', String(this.rtcPorts.min), '--rtc-port-max', String(this.rtcPorts.max),
      '--rate-limit-auth', '1000', '--rate-limit-api', '100000', '--trust-proxy',
      '--public-url', `http://localhost:${this.port}`];
    if (this.webRoot) a.push('--web-root', this.webRoot);
    return a.concat(this.extraArgs);
  }

  async start() {
    requireBinary();
    if (this.webRoot && !fs.existsSync(path.join(this.webRoot, 'index.html'))) {
      throw new Error(`web root ${this.webRoot} has no index.html: run "node build-page.mjs" first`);
    }
    this.port = await freePort();
    this.rtcPorts = await rtcPortBlock();
    this.url = `http://localhost:${this.port}`;
    this.wsUrl = `ws://localhost:${this.port}/ws`;
    const out = fs.openSync(this.logFile, 'a');
    this.proc = spawn(BIN, this.argv(), {
      cwd: this.logDir, env: { ...cleanEnv(), ...this.env }, stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    running.add(this);
    this.exit = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
    this.exited = null;
    this.exit.then((e) => { this.exited = e; running.delete(this); });
    await this.waitReady();
    return this;
  }

  async waitReady() {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new Error(`server exited (${JSON.stringify(this.exited)}) before /ready\nargv: ${BIN} ${this.argv().join(' ')}\n${this.tail()}`);
      }
      try {
        const r = await fetch(`http://127.0.0.1:${this.port}/ready`, { signal: AbortSignal.timeout(2000) });
        last = `HTTP ${r.status}`;
        await r.arrayBuffer();
        if (r.status === 200) return;
      } catch (e) {
        last = String(e.cause?.code || e.message);
      }
      await sleep(50);
    }
    this.kill();
    throw new Error(`server not ready within ${READY_TIMEOUT_MS} ms (last: ${last})\n${this.tail()}`);
  }

  log() {
    try {
      return fs.readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** The last lines of the server's output, for failure messages. */
  tail(lines = 40) {
    const all = this.log().trimEnd().split('\n');
    const head = this.exited ? `*** server process exited: ${JSON.stringify(this.exited)} ***\n` : '';
    return `${head}--- server log tail (${this.logFile}) ---\n${all.slice(-lines).join('\n')}`;
  }

  /** Log lines at error level (JSON log lines with "level":"error"), e.g. to assert none. */
  errorLines() {
    return this.log().split('\n').filter((l) => /"level"\s*:\s*"(error|fatal|critical)"/.test(l));
  }

  /** Throws (with the log tail) when the process is no longer running. */
  assertAlive(what = '') {
    if (this.exited) throw new Error(`${what ? what + ': ' : ''}server crashed\n${this.tail()}`);
  }

  /** SIGTERM; asserts exit code 0 within 10 s. */
  async stop({ expectClean = true } = {}) {
    if (!this.proc) return null;
    const crashedBefore = this.exited;
    if (crashedBefore) {
      this.proc = null;
      if (expectClean) {
        throw new Error(`server had already exited with ${JSON.stringify(crashedBefore)} before the SIGTERM at the end of the tests (crash?)\n${this.tail()}`);
      }
      return crashedBefore;
    }
    this.proc.kill('SIGTERM');
    let timer;
    const res = await Promise.race([this.exit,
      new Promise((resolve) => { timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS); })]);
    clearTimeout(timer);
    if (res === null) {
      this.kill();
      this.proc = null;
      throw new Error(`server did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM\n${this.tail()}`);
    }
    this.proc = null;
    if (expectClean && (res.code !== 0 || res.signal)) {
      throw new Error(`server exited with ${JSON.stringify(res)} after SIGTERM (expected code 0)\n${this.tail()}`);
    }
    return res;
  }

  kill() {
    if (this.proc && !this.exited) {
      try { this.proc.kill('SIGKILL'); } catch { /* gone */ }
    }
  }

  cleanup() {
    this.kill();
    if (process.env.TR_KEEP_DATA) {
      console.log(`# kept server data ${this.dataDir} and log ${this.logFile}`);
      return;
    }
    if (this.ownDataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
    fs.rmSync(this.logDir, { recursive: true, force: true });
  }
}

/** Starts a server; the caller must `await srv.stop()` and `srv.cleanup()` (see withServer). */
export async function startServer(opts) {
  const srv = new Server(opts);
  try {
    await srv.start();
  } catch (e) {
    srv.cleanup();
    throw e;
  }
  return srv;
}

/** Stops a server started by startServer (if any) and removes its temporary folders. */
export async function stopServer(srv) {
  if (!srv) return;
  try {
    await srv.stop();
  } finally {
    srv.cleanup();
  }
}
