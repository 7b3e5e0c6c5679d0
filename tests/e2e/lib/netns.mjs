// A private network namespace for one browser, so that a test can break that browser's
// network for real (not by calling client code) without touching anyone else's traffic:
//
//   const ns = createNetns();               // null (with ns.why) when not possible (not root, no `ip`)
//   ns.hostIp                                // the root side of the veth pair, e.g. 10.231.17.1
//   ns.wrapper                               // an executable: runs Chromium inside the namespace
//   ns.blockMedia({ tcpPorts }); ns.unblockMedia();   // drop UDP (and TCP to/from the RTC ports) in and out
//   ns.destroy();                            // removes the veth pair and the namespace
//
// Layout: namespace `tr-e2e-<pid>` with `lo` and one end of a veth pair (x.x.x.2/30); the other
// end (x.x.x.1/30) stays in the root namespace. Nothing is routed beyond the pair: the
// namespace reaches only addresses of the root side (the test's proxy and the server's media
// ports, which listen on 0.0.0.0 and are announced as hostIp).
//
// blockMedia() adds policy-routing rules *inside the namespace* (`ip rule … ipproto udp
// blackhole`, `ipproto tcp dport|sport <rtc ports> blackhole`, before the `local` table, which is
// moved after them), so WebRTC's media and STUN stop in both directions, over UDP and ICE-TCP,
// while other TCP (HTTP, the signaling WebSocket through the proxy) keeps working. No
// firewall tool is needed (Debian's iptables/nft are not installed here) and the root
// namespace's routing is never changed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function run(args, { ns } = {}) {
  const argv = ns ? ['netns', 'exec', ns, 'ip', ...args] : args;
  const r = spawnSync('ip', argv, { encoding: 'utf8', timeout: 10_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`ip ${argv.join(' ')}: exit ${r.status}: ${(r.stderr || '').trim()}`);
  return r.stdout;
}

const live = new Set();
process.on('exit', () => {
  for (const n of live) n.destroy();
});

export class Netns {
  constructor() {
    const tag = String(process.pid);
    this.name = `tr-e2e-${tag}`;
    this.hostIf = `tre${tag}h`.slice(0, 15);
    this.nsIf = `tre${tag}n`.slice(0, 15);
    // a /30 in 10.231.0.0/16 that no interface of this machine uses yet
    const used = run(['-4', '-o', 'addr']);
    let base = null;
    for (let i = 0; i < 50 && !base; i++) {
      const n = (process.pid * 7 + i * 131) % 16384;
      const c = `10.231.${n >> 6}.${(n & 63) * 4}`;
      const prefix = c.slice(0, c.lastIndexOf('.') + 1);
      const last = Number(c.slice(c.lastIndexOf('.') + 1));
      if (!used.includes(`${prefix}${last + 1}/`) && !used.includes(`${prefix}${last + 2}/`)) base = { prefix, last };
    }
    if (!base) throw new Error('no free 10.231.x.x/30');
    this.hostIp = `${base.prefix}${base.last + 1}`;
    this.nsIp = `${base.prefix}${base.last + 2}`;
    this.mediaBlocked = false;
    this.rules = [];
    this.localMoved = false;
    this.dir = null;
    this.wrapper = null;
  }

  create() {
    live.add(this);
    run(['netns', 'add', this.name]);
    run(['link', 'add', this.hostIf, 'type', 'veth', 'peer', 'name', this.nsIf]);
    run(['link', 'set', this.nsIf, 'netns', this.name]);
    run(['addr', 'add', `${this.hostIp}/30`, 'dev', this.hostIf]);
    run(['link', 'set', this.hostIf, 'up']);
    run(['addr', 'add', `${this.nsIp}/30`, 'dev', this.nsIf], { ns: this.name });
    run(['link', 'set', this.nsIf, 'up'], { ns: this.name });
    run(['link', 'set', 'lo', 'up'], { ns: this.name });
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tr-e2e-netns-'));
    this.wrapper = path.join(this.dir, 'chromium-in-netns');
    const chromium = process.env.TR_CHROMIUM || '/usr/bin/chromium';
    fs.writeFileSync(this.wrapper, `#!/bin/sh\nexec ip netns exec ${this.name} ${chromium} "$@"\n`, { mode: 0o755 });
    return this;
  }

  /**
   * Breaks the media path: drops every UDP packet into and out of the namespace and, when
   * `tcpPorts` ({min, max}, the server's RTC ports) is given, TCP to and from those ports
   * (ICE-TCP); other TCP (HTTP, the signaling WebSocket through the proxy) keeps working.
   */
  blockMedia({ tcpPorts } = {}) {
    if (this.mediaBlocked) return;
    const rules = [['pref', '100', 'ipproto', 'udp', 'blackhole']];
    if (tcpPorts) {
      const range = `${tcpPorts.min}-${tcpPorts.max}`;
      rules.push(['pref', '101', 'ipproto', 'tcp', 'dport', range, 'blackhole']);
      rules.push(['pref', '102', 'ipproto', 'tcp', 'sport', range, 'blackhole']);
    }
    for (const r of rules) run(['rule', 'add', ...r], { ns: this.name });
    this.rules = rules.map((r) => r[1]);
    if (!this.localMoved) {
      // incoming packets for a local address match the `local` table (pref 0) first: move it after
      run(['rule', 'add', 'pref', '200', 'lookup', 'local'], { ns: this.name });
      run(['rule', 'del', 'pref', '0'], { ns: this.name });
      this.localMoved = true;
    }
    this.mediaBlocked = true;
  }

  unblockMedia() {
    if (!this.mediaBlocked) return;
    for (const pref of this.rules) run(['rule', 'del', 'pref', pref], { ns: this.name });
    this.rules = [];
    this.mediaBlocked = false;
  }

  destroy() {
    if (!live.has(this)) return;
    live.delete(this);
    for (const args of [['link', 'del', this.hostIf], ['netns', 'del', this.name]]) {
      try {
        run(args);
      } catch { /* already gone */ }
    }
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A namespace when this machine allows it (root with CAP_NET_ADMIN and iproute2), else {why}. */
export function createNetns() {
  if (process.env.TR_NO_NETNS === '1') return { ns: null, why: 'TR_NO_NETNS=1' };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { ns: null, why: 'not root (ip netns needs CAP_SYS_ADMIN + CAP_NET_ADMIN)' };
  const probe = spawnSync('ip', ['-V'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return { ns: null, why: 'iproute2 (`ip`) not installed' };
  const ns = new Netns();
  try {
    ns.create();
    return { ns, why: null };
  } catch (e) {
    ns.destroy();
    return { ns: null, why: e.message };
  }
}
