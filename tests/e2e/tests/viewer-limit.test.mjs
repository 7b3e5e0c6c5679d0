// Starter plan: at most 50 concurrent viewers in one room. The 51st `join-room` as viewer gets
// `limit_exceeded`; after one viewer leaves the next one gets in; other rooms are unaffected.
// Protocol client only (no browser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSuite } from '../lib/suite.mjs';
import { inviteMember, setupRoom } from '../lib/api.mjs';
import { ProtocolClient } from '../lib/protocol-client.mjs';
import { step } from '../lib/util.mjs';

const STARTER_MAX_VIEWERS = 50;
const suite = useSuite({ server: { logLevel: 'warn' } });

/** Runs the async jobs with at most `limit` in flight; results in order. */
async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

test('starter plan: the 51st viewer of a room gets limit_exceeded', { timeout: 120_000 }, async () => {
  const { srv } = suite;
  const ctx = { srv };
  const { host, org, workspace, room } = await step('REST: owner, starter org, workspace, room',
    () => setupRoom(srv, { plan: 'starter' }), ctx);
  const users = await step(`REST: ${STARTER_MAX_VIEWERS + 1} viewers invited and accepted`,
    () => pool(Array.from({ length: STARTER_MAX_VIEWERS + 1 }, (_, i) => i), 4,
      (i) => inviteMember(srv, host, org.id, 'viewer', `v${i}`)), ctx);

  const clients = await step('all viewers connect and authenticate', () => pool(users, 8, async (u, i) => {
    const c = await ProtocolClient.open(srv.wsUrl, { ip: u.ip, name: `viewer${i}` });
    const auth = await c.authenticate(u.token);
    assert.equal(auth.role, 'viewer');
    if (i === 0) {
      assert.equal(auth.limits.maxViewers, STARTER_MAX_VIEWERS, `authenticated.limits.maxViewers on starter: ${JSON.stringify(auth.limits)}`);
      assert.equal(auth.plan ?? 'starter', 'starter', 'authenticated.plan');
    }
    return c;
  }), ctx);

  await step(`${STARTER_MAX_VIEWERS} viewers join`, async () => {
    await pool(clients.slice(0, STARTER_MAX_VIEWERS), 8, (c) => c.call('join-room', { roomId: room.id, role: 'viewer' }, 'room-joined'));
  }, ctx);

  const last = clients[STARTER_MAX_VIEWERS];
  await step('the 51st viewer gets limit_exceeded, and is not in the room', async () => {
    const err = await last.expectError('join-room', { roomId: room.id, role: 'viewer' }, 'limit_exceeded');
    assert.ok(err.message, 'error.message');
    await clients[0].expectNo('participant-joined', { userId: users[STARTER_MAX_VIEWERS].id }, 500);
    const r = await host.getRoom(room.id);
    if (r.viewerCount !== undefined) assert.equal(r.viewerCount, STARTER_MAX_VIEWERS, 'REST room.viewerCount');
  }, ctx);

  await step('the owner can still join as host (hosts do not count as viewers)', async () => {
    const c = await ProtocolClient.open(srv.wsUrl, { ip: host.ip, name: 'owner' });
    await c.authenticate(host.token);
    await c.call('join-room', { roomId: room.id, role: 'host' }, 'room-joined');
  }, ctx);

  await step('after one viewer leaves, the 51st gets in', async () => {
    await clients[0].call('leave-room', { roomId: room.id }, 'left-room');
    await clients[1].waitFor('participant-left', { userId: users[0].id });
    await last.call('join-room', { roomId: room.id, role: 'viewer' }, 'room-joined');
    // and now the room is full again
    await clients[0].expectError('join-room', { roomId: room.id, role: 'viewer' }, 'limit_exceeded');
  }, ctx);

  await step('the limit is per room: another room of the org takes the refused viewer', async () => {
    const other = await host.createRoom(workspace.id);
    await clients[0].call('join-room', { roomId: other.id, role: 'viewer' }, 'room-joined');
  }, ctx);
});
