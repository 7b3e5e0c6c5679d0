import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { transformWithEsbuild, type Plugin } from 'vite';

/** Files of `dir`, recursively, as URL paths relative to it. */
function listFiles(dir: string, root = dir): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(listFiles(full, root));
    else out.push('/' + relative(root, full).split('\\').join('/'));
  }
  return out;
}

/**
 * Emits `sw.js`: `src/sw/sw.ts` compiled to a classic script, preceded by the list of
 * app-shell files of this build (hashed JS/CSS, index.html, manifest, icons) and a version
 * derived from them, so every deployment installs a fresh cache and drops the old one.
 * Source maps are not precached.
 */
export function serviceWorkerPlugin(): Plugin {
  let publicDir = '';
  let root = '';
  return {
    name: 'tradingroom-service-worker',
    apply: 'build',
    configResolved(config) {
      publicDir = config.publicDir;
      root = config.root;
    },
    async generateBundle(_options, bundle) {
      // not '/': the server answers it only to navigations (Accept: text/html)
      const shell = new Set<string>(['/index.html']);
      for (const fileName of Object.keys(bundle)) {
        if (!fileName.endsWith('.map') && fileName !== 'index.html') shell.add('/' + fileName);
      }
      for (const file of publicDir ? listFiles(publicDir) : []) shell.add(file);
      const precache = [...shell].sort();
      const version = createHash('sha256').update(precache.join('\n')).digest('hex').slice(0, 12);
      const source = readFileSync(join(root, 'src/sw/sw.ts'), 'utf8');
      const compiled = await transformWithEsbuild(source, 'sw.ts', {
        format: 'iife',
        target: 'es2020',
        minify: true,
      });
      const header =
        `self.__TR_SW_VERSION=${JSON.stringify(version)};` +
        `self.__TR_SW_PRECACHE=${JSON.stringify(precache)};\n`;
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: header + compiled.code });
    },
  };
}
