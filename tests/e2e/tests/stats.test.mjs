// `get-stats` (docs/protocol.md): a participant sees its own transports and producers; the
// host may ask for the whole room; viewers may not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite } from '../lib/suite.mjs';
import { inviteMember, setupRoom } from '../lib/api.mjs';
import { fakeAudioRtpParameters, fakeDtlsParameters, ProtocolClient } from '../lib/protocol-client.mjs';

const h = useSuite({ server: { logLevel: 'warn' } });

async function joined(user, roomId, role, name) {
  const c = await ProtocolClient.open(h.srv.wsUrl, { ip: user.ip, name });
  await c.authenticate(user.token);
  await c.call('join-room', { roomId, role }, 'room-joined');
  return c;
}

test('get-stats: own objects for everyone, the whole room for the host only', async () => {
  const { host, org, room } = await setupRoom(h.srv, { plan: 'business' });
  const viewerUser = await inviteMember(h.srv, host, org.id, 'viewer');
  const hc = await joined(host, room.id, 'host', 'stats-host');
  const vc = await joined(viewerUser, room.id, 'viewer', 'stats-viewer');

  const t = await hc.call('create-transport', { roomId: room.id, direction: 'send' }, 'transport-created');
  await hc.call('connect-transport', { transportId: t.transportId, dtlsParameters: fakeDtlsParameters() }, 'transport-connected');
  const p = await hc.call('produce', { transportId: t.transportId, kind: 'audio', rtpParameters: fakeAudioRtpParameters(),
    appData: { source: 'microphone' } }, 'produced');
  const vt = await vc.call('create-transport', { roomId: room.id, direction: 'recv' }, 'transport-created');

  const own = await hc.call('get-stats', {}, 'stats');
  assert.equal(own.scope, 'self');
  assert.deepEqual(own.transports.map((x) => x.transportId), [t.transportId]);
  assert.deepEqual(own.producers.map((x) => x.producerId), [p.producerId]);
  assert.ok(own.transports.every((x) => x.userId === host.id));

  const mine = await vc.call('get-stats', { scope: 'self' }, 'stats');
  assert.deepEqual(mine.transports.map((x) => x.transportId), [vt.transportId], 'a viewer sees only its own transport');
  assert.equal(mine.producers.length, 0);

  await vc.expectError('get-stats', { scope: 'room' }, 'forbidden');
  const all = await hc.call('get-stats', { scope: 'room' }, 'stats');
  assert.deepEqual(all.transports.map((x) => x.transportId).sort(), [t.transportId, vt.transportId].sort());
  assert.deepEqual(new Set(all.transports.map((x) => x.userId)), new Set([host.id, viewerUser.id]));
  await hc.expectError('get-stats', { scope: 'everything' }, 'invalid_parameters');
  hc.close();
  vc.close();
});
