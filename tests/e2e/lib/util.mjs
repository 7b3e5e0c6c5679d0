// Small helpers shared by the test files.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './schemas.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let stepNo = 0;
/**
 * Runs one named step of a scenario; its failure message starts with the step's name, and
 * the server log tail / browser console are appended when given (ctx.srv, ctx.browser).
 */
export async function step(name, fn, ctx = {}) {
  stepNo += 1;
  const started = Date.now();
  console.log(`# step ${stepNo}: ${name}`);
  try {
    const r = await fn();
    console.log(`#   ok (${Date.now() - started} ms)`);
    return r;
  } catch (e) {
    let extra = '';
    if (ctx.srv) extra += `\n${ctx.srv.tail(30)}`;
    if (ctx.browser && process.env.TR_CONSOLE_ON_FAILURE !== '0') extra += `\n${ctx.browser.consoleDump(25)}`;
    const err = new Error(`step "${name}" failed: ${e.message}${extra}`);
    err.stack = `${err.message}\n${(e.stack || '').split('\n').slice(1, 6).join('\n')}`;
    throw err;
  }
}

/** Polls fn() until it returns a truthy value; bounded in time and count. */
export async function until(fn, { timeoutMs = 10_000, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (let i = 0; i < 100_000 && Date.now() < deadline; i++) {
    last = await fn();
    if (last) return last;
    await sleep(intervalMs);
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}

/** Writes bench/results/<name> (repo root, or TR_RESULTS_DIR) when TR_RECORD_RESULTS=1. */
export function recordResult(name, data) {
  if (process.env.TR_RECORD_RESULTS !== '1') return null;
  const dir = process.env.TR_RESULTS_DIR || path.join(REPO_ROOT, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/**
 * Soft assertions: runs every check (async functions, named), then throws one error listing all
 * that failed, so that one server bug does not hide the next.
 */
export async function softly(checks) {
  const failures = [];
  for (const [name, fn] of checks) {
    try {
      await fn();
    } catch (e) {
      failures.push(`- ${name}: ${e.message}`);
    }
  }
  if (failures.length) {
    throw new Error(`${failures.length} of ${checks.length} checks failed:\n${failures.join('\n')}`);
  }
}

/** Runs every teardown step ([what, fn] pairs) even when some fail; then throws all failures together. */
export async function teardown(steps) {
  const errors = [];
  for (const [what, fn] of steps) {
    try {
      await fn();
    } catch (e) {
      errors.push(`${what}: ${e.message}`);
    }
  }
  if (errors.length) throw new Error(errors.join('\n\n'));
}
