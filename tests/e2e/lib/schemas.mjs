// Extracts the signaling JSON Schemas from docs/protocol.md (fenced blocks
// ```jsonschema client|server <event>) and compiles them with Ajv (draft 2020-12).
//
//   const s = loadProtocol();
//   s.validateServer(msg)  -> [] or a list of human-readable violations
//   s.validateClient(msg)  -> same, for messages we send in positive tests
//   s.errorCodes           -> the codes of the "Errors" table
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..', '..');
export const PROTOCOL_MD = process.env.TR_PROTOCOL_MD || path.join(REPO_ROOT, 'docs', 'protocol.md');

// Envelope limits stated in "Framing".
export const MAX_FRAME_BYTES = 64 * 1024;
export const MAX_REQUEST_ID = 64;

/** Parses the markdown: {client: {event: schema}, server: {event: schema}, errorCodes: [..]}. */
export function extractSchemas(markdown) {
  const out = { client: {}, server: {}, errorCodes: [] };
  const fence = /^```jsonschema[ \t]+(client|server)[ \t]+([A-Za-z0-9_-]+)[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/gm;
  let m;
  while ((m = fence.exec(markdown)) !== null) {
    const [, side, event, body] = m;
    let schema;
    try {
      schema = JSON.parse(body);
    } catch (e) {
      throw new Error(`protocol.md: schema block "${side} ${event}" is not valid JSON: ${e.message}`);
    }
    if (out[side][event]) throw new Error(`protocol.md: schema "${side} ${event}" defined twice`);
    out[side][event] = schema;
  }
  // The "## Errors" table: | `code` | meaning |
  const errSection = markdown.split(/^## /m).find((s) => s.startsWith('Errors'));
  if (errSection) {
    for (const line of errSection.split('\n')) {
      const c = /^\|\s*`([a-z_]+)`\s*\|/.exec(line);
      if (c) out.errorCodes.push(c[1]);
    }
  }
  return out;
}

function describe(errors) {
  return (errors || []).map((e) => `${e.instancePath || '/'} ${e.message}${
    e.params && Object.keys(e.params).length ? ' ' + JSON.stringify(e.params) : ''}`);
}

let cached = null;
const warned = new Set();
export function warnOnce(text) {
  if (warned.has(text)) return;
  warned.add(text);
  console.log(`# warning: ${text}`);
}

/** Loads and compiles the schemas of docs/protocol.md (cached). */
export function loadProtocol(file = PROTOCOL_MD) {
  if (cached && cached.file === file) return cached;
  const md = fs.readFileSync(file, 'utf8');
  const raw = extractSchemas(md);
  if (Object.keys(raw.server).length === 0 || Object.keys(raw.client).length === 0) {
    throw new Error(`no jsonschema blocks found in ${file}`);
  }
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true });
  const compiled = { client: {}, server: {} };
  for (const side of ['client', 'server']) {
    for (const [event, schema] of Object.entries(raw[side])) {
      try {
        compiled[side][event] = ajv.compile(schema);
      } catch (e) {
        throw new Error(`protocol.md: schema "${side} ${event}" does not compile: ${e.message}`);
      }
    }
  }

  function validate(side, msg, { requireNoRequestId = false } = {}) {
    const v = [];
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
      return [`message is not a JSON object: ${JSON.stringify(msg)?.slice(0, 200)}`];
    }
    if (typeof msg.event !== 'string') v.push(`envelope: "event" must be a string, got ${JSON.stringify(msg.event)}`);
    if (msg.data === null || typeof msg.data !== 'object' || Array.isArray(msg.data)) {
      v.push(`envelope: "data" must be an object, got ${JSON.stringify(msg.data)?.slice(0, 200)}`);
    }
    if ('requestId' in msg && (typeof msg.requestId !== 'string' || msg.requestId.length > MAX_REQUEST_ID)) {
      v.push(`envelope: "requestId" must be a string of at most ${MAX_REQUEST_ID} chars, got ${JSON.stringify(msg.requestId)}`);
    }
    for (const k of Object.keys(msg)) {
      // Not forbidden by a schema, so only reported once as a warning.
      if (!['event', 'data', 'requestId'].includes(k)) warnOnce(`envelope of "${msg.event}" has an undocumented top-level field "${k}"`);
    }
    if (v.length) return v;
    const fn = compiled[side][msg.event];
    if (!fn) return [`unknown ${side} event "${msg.event}" (no schema in protocol.md)`];
    if (!fn(msg.data)) v.push(...describe(fn.errors).map((d) => `${side} "${msg.event}" data${d}`));
    if (side === 'server' && msg.event === 'error' && typeof msg.data.code === 'string' &&
        raw.errorCodes.length && !raw.errorCodes.includes(msg.data.code)) {
      v.push(`error code "${msg.data.code}" is not in the Errors table (${raw.errorCodes.join(', ')})`);
    }
    if (requireNoRequestId && 'requestId' in msg) {
      v.push(`server-initiated "${msg.event}" carries a requestId`);
    }
    return v;
  }

  cached = {
    file,
    raw,
    errorCodes: raw.errorCodes,
    serverEvents: Object.keys(raw.server),
    clientEvents: Object.keys(raw.client),
    validateServer: (msg, opts) => validate('server', msg, opts),
    validateClient: (msg, opts) => validate('client', msg, opts),
  };
  return cached;
}

/** Validates one raw text frame from the server; returns the parsed message and violations. */
export function checkServerFrame(text, opts) {
  const proto = loadProtocol();
  const violations = [];
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_FRAME_BYTES) violations.push(`frame of ${bytes} bytes exceeds 64 KiB`);
  let msg;
  try {
    msg = JSON.parse(text);
  } catch (e) {
    violations.push(`frame is not JSON: ${e.message}: ${String(text).slice(0, 200)}`);
    return { msg: undefined, violations };
  }
  violations.push(...proto.validateServer(msg, opts));
  return { msg, violations };
}
