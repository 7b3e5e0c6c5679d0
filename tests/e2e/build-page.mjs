// Bundles page/main.js (with mediasoup-client) into page-dist/app.js and copies index.html.
// page-dist/ is what the server serves with --web-root during the tests (not committed).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, 'page');
const out = path.join(here, 'page-dist');

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const result = await esbuild.build({
  entryPoints: [path.join(src, 'main.js')],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome111'],
  sourcemap: 'inline',
  outfile: path.join(out, 'app.js'),
  logLevel: 'warning',
  metafile: true,
});
fs.copyFileSync(path.join(src, 'index.html'), path.join(out, 'index.html'));
const bytes = fs.statSync(path.join(out, 'app.js')).size;
console.log(`page bundled: ${path.relative(process.cwd(), out)}/app.js (${Math.round(bytes / 1024)} KiB, ${Object.keys(result.metafile.inputs).length} inputs)`);
