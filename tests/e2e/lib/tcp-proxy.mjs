// A TCP proxy between a browser and the server (HTTP and the /ws WebSocket alike), to break a
// page's network for real: `cut()` resets every proxied connection and, until `restore()`,
// resets every new one as soon as its first request line has arrived (so that the test can
// count the page's attempts, e.g. the signaling client's reconnects with backoff).
//
//   const proxy = await startTcpProxy({ target: srv.port });        // listens on 127.0.0.1
//   await viewer.page.goto(`${proxy.url}/...`);                       // the page's origin is the proxy
//   proxy.cut(); ...; proxy.restore();
//   proxy.attempts                                                   // [{at, line, refused}]
//   await proxy.close();
//
// Only loopback (or a veth address of a network namespace the test created) is ever listened on.
import net from 'node:net';

export class TcpProxy {
  constructor({ host, targetHost, targetPort }) {
    this.host = host;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = null;
    this.port = null;
    this.cutActive = false;
    this.pairs = new Set(); // {client, upstream}
    /** Every connection: when it arrived, its first line (e.g. "GET /ws HTTP/1.1"), refused or not. */
    this.attempts = [];
  }

  get url() {
    return `http://${this.host === '127.0.0.1' ? 'localhost' : this.host}:${this.port}`;
  }

  listen(port = 0) {
    return new Promise((resolve, reject) => {
      this.server = net.createServer((client) => this.onConnection(client));
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.port = this.server.address().port;
        resolve(this);
      });
    });
  }

  onConnection(client) {
    client.setNoDelay(true);
    client.on('error', () => {});
    const attempt = { at: Date.now(), line: null, refused: this.cutActive };
    this.attempts.push(attempt);
    if (this.cutActive) {
      // Read the request line (to tell a WebSocket attempt from a page load), then reset.
      const timer = setTimeout(() => client.resetAndDestroy(), 2_000);
      client.once('data', (chunk) => {
        attempt.line = firstLine(chunk);
        clearTimeout(timer);
        client.resetAndDestroy();
      });
      client.once('close', () => clearTimeout(timer));
      return;
    }
    const upstream = net.connect({ host: this.targetHost, port: this.targetPort });
    upstream.setNoDelay(true);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    const pair = { client, upstream };
    this.pairs.add(pair);
    client.once('data', (chunk) => { attempt.line = firstLine(chunk); });
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.once('close', drop);
    upstream.once('close', drop);
  }

  /** The network goes away: every proxied connection is reset, new ones are refused. */
  cut() {
    this.cutActive = true;
    for (const { client, upstream } of [...this.pairs]) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  /** The network is back. */
  restore() {
    this.cutActive = false;
  }

  /** Connections that were WebSocket upgrades to /ws, optionally since a time. */
  wsAttempts(since = 0) {
    return this.attempts.filter((a) => a.at >= since && a.line && /^GET \/ws[ ?]/.test(a.line));
  }

  /** Connections currently proxied. */
  get open() {
    return this.pairs.size;
  }

  close() {
    this.cut();
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
    });
  }
}

function firstLine(chunk) {
  const s = chunk.toString('latin1', 0, Math.min(chunk.length, 200));
  return s.split('\r\n')[0];
}

/** Starts a proxy on `host` (default 127.0.0.1) to the server at targetHost:target. */
export async function startTcpProxy({ target, host = '127.0.0.1', targetHost = '127.0.0.1' }) {
  const p = new TcpProxy({ host, targetHost, targetPort: target });
  await p.listen();
  return p;
}
