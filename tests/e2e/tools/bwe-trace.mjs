// Diagnostic (not a test): one host publishes the camera (VP8 simulcast r0/r1/r2) and,
// optionally, a viewer consumes it; prints every second the host's send-side bandwidth
// estimate (availableOutgoingBitrate), each layer's size/fps/limitation and the SFU's receiver
// reports (remote-inbound-rtp), and the viewer's decoded size.
//
//   node tools/bwe-trace.mjs [--viewers N] [--screen] [--tcp] [--seconds 12]
import { startServer } from '../lib/server.mjs';
import { launchBrowser } from '../lib/browser.mjs';
import { inviteMember, setupRoom } from '../lib/api.mjs';

const args = process.argv.slice(2);
const nViewers = args.includes('--viewers') ? Number(args[args.indexOf('--viewers') + 1]) : (args.includes('--viewer') ? 1 : 0);
const withScreen = args.includes('--screen');
const tcpOnly = args.includes('--tcp');
const seconds = Number(args[args.indexOf('--seconds') + 1]) || 12;

const srv = await startServer({ logLevel: 'info' });
const browser = await launchBrowser({ tcpOnly });
try {
  const { host: hostUser, org, room } = await setupRoom(srv);
  const host = await browser.participant(srv, hostUser, 'host');
  await host.connect();
  await host.join(room.id, 'host');
  await host.publish({ camera: true, microphone: withScreen, screen: withScreen });
  let viewer = null;
  for (let i = 0; i < Math.min(nViewers, 5); i++) {
    const vu = await inviteMember(srv, hostUser, org.id, 'viewer');
    const v = await browser.participant(srv, vu, `viewer${i + 1}`);
    await v.connect();
    await v.join(room.id, 'viewer');
    await v.subscribeAll();
    viewer = viewer || v;
  }
  for (let i = 1; i <= Math.min(seconds, 120); i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const s = await host.stats();
    const cam = s.producers.find((p) => p.source === 'camera');
    const rr = await host.tr('rawStats', 'camera', { types: ['remote-inbound-rtp'] });
    const layers = cam.layers.map((l) => `${l.rid}:${l.frameWidth ?? '-'}x${l.frameHeight ?? '-'}@${l.framesPerSecond ?? '-'} ${l.qualityLimitationReason}`).join(' ');
    const lost = rr.map((r) => `${r.packetsLost}/${r.fractionLost}`).join(',');
    let v = '';
    if (viewer) {
      const c = (await viewer.stats()).consumers.find((x) => x.source === 'camera');
      v = ` viewer=${c?.frameWidth ?? '-'}x${c?.frameHeight ?? '-'} decoded=${c?.framesDecoded ?? 0}`;
    }
    console.log(`t=${i}s bwe=${s.transports.send?.selectedPair?.availableOutgoingBitrate} ${layers} RR lost/fraction=${lost}${v}`);
  }
} finally {
  await browser.close();
  await srv.stop({ expectClean: false });
  srv.cleanup();
}
