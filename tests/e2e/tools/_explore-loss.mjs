import { startServer } from '../lib/server.mjs';
import { launchBrowser } from '../lib/browser.mjs';
import { inviteMember, setupRoom } from '../lib/api.mjs';
import { Timeline, setNetwork } from '../lib/downlink.mjs';
import { waitMediaFlowing, waitTopLayerReceived } from '../lib/media.mjs';
const loss = Number(process.argv[2] || 5);
const secs = Number(process.argv[3] || 25);
const layer = process.argv[4] != null ? Number(process.argv[4]) : null;
const srv = await startServer({ logLevel: 'warn' });
const browser = await launchBrowser({});
try {
  const { host: hostUser, org, room } = await setupRoom(srv);
  const host = await browser.participant(srv, hostUser, 'host');
  await host.connect();
  await host.join(room.id, 'host');
  await host.publish({ camera: true, microphone: true, scalabilityMode: 'L1T3' });
  const vs = [];
  for (const [name, noNack] of [['nack', false], ['nonack', true]]) {
    const vu = await inviteMember(srv, hostUser, org.id, 'viewer', name);
    const v = await browser.participant(srv, vu, name);
    await v.connect(undefined);
    await v.tr('connect', srv.wsUrl, vu.token, { noNack }).catch(() => {});
    vs.push(v);
  }
  for (const v of vs) { await v.join(room.id, 'viewer'); await v.subscribeAll(); }
  for (const v of vs) await waitMediaFlowing(v, { video: ['camera'], audio: ['microphone'] });
  for (const v of vs) console.log(v.name, JSON.stringify((await v.tr('consumerRtpParameters', 'camera')).codecs));
  for (const v of vs) console.log(JSON.stringify(await waitTopLayerReceived(host, v, 'camera', { timeoutMs: 30000 })));
  if (layer != null) for (const v of vs) { const id = (await v.consumers()).find((c) => c.source === 'camera').consumerId; console.log(JSON.stringify(await v.request('set-preferred-layers', { consumerId: id, spatialLayer: layer, temporalLayer: 2 }))); }
  const tls = vs.map((v) => new Timeline(v));
  for (const tl of tls) await tl.sample('base');
  for (const v of vs) console.log(JSON.stringify(await setNetwork(v, { lossPercent: loss })));
  for (let i = 0; i < secs; i++) { await new Promise((r) => setTimeout(r, 1000)); for (const tl of tls) await tl.sample('loss'); }
  for (const tl of tls) console.log(tl.table());
  for (const tl of tls) console.log(JSON.stringify(tl.last().server.camera), JSON.stringify(tl.last().browser.camera));
} finally {
  await browser.close();
  await srv.stop({ expectClean: false });
  srv.cleanup();
}
