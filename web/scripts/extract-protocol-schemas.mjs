#!/usr/bin/env node
// Extracts the JSON Schemas of docs/protocol.md (```jsonschema client|server <event>``` blocks)
// into src/core/protocolSchemas.json, which the signaling client validates messages with.
// `npm test` fails (protocol.contract.test.ts) when the JSON is out of date with the docs.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const PROTOCOL_MD = join(here, '../../docs/protocol.md');
export const OUT = join(here, '../src/core/protocolSchemas.json');

export function extractSchemas(markdown) {
  const out = { client: {}, server: {} };
  const re = /```jsonschema (client|server) ([a-z-]+)\n([\s\S]*?)```/g;
  for (const m of markdown.matchAll(re)) {
    out[m[1]][m[2]] = JSON.parse(m[3]);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const schemas = extractSchemas(readFileSync(PROTOCOL_MD, 'utf8'));
  writeFileSync(OUT, JSON.stringify(schemas, null, 1) + '\n');
  console.log(`wrote ${OUT}: ${Object.keys(schemas.client).length} client, ${Object.keys(schemas.server).length} server schemas`);
}
