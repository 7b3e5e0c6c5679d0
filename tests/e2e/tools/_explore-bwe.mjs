// exploration: limit steps, print timeline
import { startServer } from '../lib/server.mjs';
import { launchBrowser } from '../lib/browser.mjs';
import { inviteMember, setupRoom } from '../lib/api.mjs';
import { Timeline, setNetwork } from '../lib/downlink.mjs';
import { waitMediaFlowing, waitTopLayerReceived } from '../lib/media.mjs';

const steps = JSON.parse(process.argv[2] || '[[700,10],[0,15]]');
const l1t3 = !process.argv.includes('--no-l1t3');
const srv = await startServer({ logLevel: 'warn' });
const browser = await launchBrowser({});
try {
  const { host: hostUser, org, room } = await setupRoom(srv);
  const host = await browser.participant(srv, hostUser, 'host');
  await host.connect();
  await host.join(room.id, 'host');
  await host.publish({ camera: true, microphone: true, scalabilityMode: l1t3 ? 'L1T3' : undefined });
  const vu = await inviteMember(srv, hostUser, org.id, 'viewer');
  const v = await browser.participant(srv, vu, 'viewer');
  await v.connect();
  await v.join(room.id, 'viewer');
  await v.subscribeAll();
  await waitMediaFlowing(v, { video: ['camera'], audio: ['microphone'] });
  console.log(JSON.stringify(await v.tr('consumerRtpParameters', 'camera')).slice(0, 1500));
  const t0 = Date.now();
  console.log(JSON.stringify(await waitTopLayerReceived(host, v, 'camera', { timeoutMs: 30000 })), Date.now() - t0);
  const tl = new Timeline(v);
  for (let i = 0; i < 3; i++) { await tl.sample('base'); await new Promise((r) => setTimeout(r, 1000)); }
  for (const [kb, secs] of steps) {
    console.log(JSON.stringify(await setNetwork(v, { downlinkKbps: kb })));
    for (let i = 0; i < secs * 2; i++) { await tl.sample(`lim${kb}`); await new Promise((r) => setTimeout(r, 500)); }
  }
  console.log(tl.table());
  console.log(JSON.stringify(await v.events('layers-changed')));
  console.log(JSON.stringify(tl.last().server, null, 1));
  const hs = await host.stats();
  console.log(JSON.stringify(hs.producers.map((p) => p.layers)));
} finally {
  await browser.close();
  await srv.stop({ expectClean: false });
  srv.cleanup();
}
