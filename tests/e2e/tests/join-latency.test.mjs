// Join-to-first-frame on loopback: from the moment a (connected, authenticated) viewer sends
// `join-room` until its first decoded video frame of the host's camera (requestVideoFrameCallback;
// getStats framesDecoded polling as a cross-check). Several fresh viewers, median reported.
// Target < 500 ms (TR_JOIN_TARGET_MS). With TR_RECORD_RESULTS=1 the figures are written to
// bench/results/join_to_first_frame.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { useSuite } from '../lib/suite.mjs';
import { inviteMember, setupRoom } from '../lib/api.mjs';
import { recordResult, sleep, step } from '../lib/util.mjs';
import { REPO_ROOT } from '../lib/schemas.mjs';

const RUNS = Number(process.env.TR_JOIN_RUNS || 3);
const TARGET_MS = Number(process.env.TR_JOIN_TARGET_MS || 500);

const suite = useSuite({ server: { logLevel: 'warn' }, browser: {} });

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function gitCommit() {
  try {
    return execFileSync('git', ['-C', REPO_ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

test(`join-room -> first decoded video frame (target < ${TARGET_MS} ms)`, { timeout: 120_000 }, async () => {
  const { srv, browser } = suite;
  const ctx = { srv, browser };
  const { host: hostUser, org, room } = await step('REST: host, org, room', () => setupRoom(srv, { plan: 'business' }), ctx);
  const viewerUsers = await step(`REST: ${RUNS} viewers`, () => Promise.all(
    Array.from({ length: RUNS }, (_, i) => inviteMember(srv, hostUser, org.id, 'viewer', `lat${i}`))), ctx);
  const host = await browser.participant(srv, hostUser, 'host');
  await step('host publishes camera (simulcast) + microphone', async () => {
    await host.connect();
    await host.join(room.id, 'host');
    await host.publish({ camera: true, microphone: true });
    // let the encoder and the SFU settle (first key frames, layers up)
    await sleep(1500);
  }, ctx);

  const runs = [];
  for (const [i, u] of viewerUsers.entries()) {
    await step(`viewer ${i + 1}/${RUNS}: join -> first frame`, async () => {
      const v = await browser.participant(srv, u, `viewer${i}`);
      await v.connect();
      // measured inside the page: join-room sent ... first frame presented
      const j = await v.join(room.id, 'viewer');
      await v.subscribeAll();
      const r = await v.waitFirstFrame({ source: 'camera', timeoutMs: 10_000 });
      r.joinReplyMs = Math.round(j.timing.joinMs * 10) / 10;
      console.log(`# run ${i + 1}: first frame ${r.firstFrameMs} ms (rVFC ${r.rvfcMs}, getStats ${r.statsMs}); steps ${JSON.stringify(r.steps)}`);
      runs.push(r);
      await v.leave();
      await v.close();
    }, ctx);
  }

  const values = runs.map((r) => r.firstFrameMs);
  const med = median(values);
  console.log(`# join_to_first_frame: median ${med} ms over ${values.length} runs ${JSON.stringify(values)} (target < ${TARGET_MS} ms)`);
  const file = recordResult('join_to_first_frame.json', {
    metric: 'join_to_first_frame_ms',
    description: 'viewer sends join-room -> first decoded+presented video frame (requestVideoFrameCallback), loopback, headless Chromium fake camera 1920x1080, VP8 simulcast 3 layers',
    median_ms: med,
    runs_ms: values,
    target_ms: TARGET_MS,
    runs: runs.map((r) => ({ first_frame_ms: r.firstFrameMs, rvfc_ms: r.rvfcMs, getstats_ms: r.statsMs, steps_ms: r.steps })),
    commit: gitCommit(),
    machine: { cpus: os.cpus().length, platform: `${os.platform()} ${os.release()}` },
    date: new Date().toISOString(),
  });
  if (file) console.log(`# recorded ${file}`);
  // A measurement, not a timed test: the suite fails only on a gross regression (a frame
  // must arrive at all, and within 5 s); the 500 ms target is checked when asked for
  // (TR_ENFORCE_TARGETS=1, a quiet machine).
  if (process.env.TR_ENFORCE_TARGETS === '1') {
    assert.ok(med < TARGET_MS, `median join-to-first-frame ${med} ms >= target ${TARGET_MS} ms (runs ${JSON.stringify(values)})`);
  } else {
    assert.ok(med < 5000, `median join-to-first-frame ${med} ms: no first frame within 5 s (runs ${JSON.stringify(values)})`);
    if (med >= TARGET_MS) console.log(`# NOTE: median ${med} ms is above the ${TARGET_MS} ms target on this run`);
  }
});
