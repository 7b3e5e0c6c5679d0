/**
 * Service worker: caches the app shell only.
 *
 * Never cached: anything under /api/, /ws, /.well-known/, /health, /ready, non-GET requests,
 * range requests (media), cross-origin requests. Navigations are network-first and fall back
 * to the cached index.html (the SPA shell) when offline. Precached shell files (hashed assets,
 * manifest, icons) are cache-first.
 *
 * This file is compiled on its own to a classic script by build/serviceWorkerPlugin.ts, which
 * prepends `self.__TR_SW_VERSION` and `self.__TR_SW_PRECACHE`. It must not import anything.
 */

export type RequestRoute = 'bypass' | 'shell' | 'navigation';

export interface RequestInfo {
  method: string;
  url: string;
  mode: string;
  hasRange: boolean;
}

const NEVER_CACHED_PREFIXES = ['/api/', '/ws', '/.well-known/', '/health', '/ready'];

/** Decides how the worker treats a request; pure, so it is unit-tested. */
export function classifyRequest(
  req: RequestInfo,
  origin: string,
  precache: ReadonlySet<string>,
): RequestRoute {
  if (req.method !== 'GET' || req.hasRange) return 'bypass';
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return 'bypass';
  }
  if (url.origin !== origin) return 'bypass';
  const path = url.pathname;
  if (path === '/api' || NEVER_CACHED_PREFIXES.some((p) => path.startsWith(p))) return 'bypass';
  if (req.mode === 'navigate') return 'navigation';
  if (precache.has(path)) return 'shell';
  return 'bypass';
}

// ---- runtime (only inside a ServiceWorkerGlobalScope) ----------------------------------

interface SwGlobal {
  __TR_SW_VERSION: string;
  __TR_SW_PRECACHE: string[];
  location: Location;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: string, listener: (event: any) => void): void; // eslint-disable-line @typescript-eslint/no-explicit-any
}

declare const ServiceWorkerGlobalScope: unknown;

function install(sw: SwGlobal): void {
  const cacheName = `tr-shell-${sw.__TR_SW_VERSION}`;
  const precache = new Set(sw.__TR_SW_PRECACHE);

  sw.addEventListener('install', (event: { waitUntil(p: Promise<unknown>): void }) => {
    event.waitUntil(
      caches
        .open(cacheName)
        .then((cache) => cache.addAll([...precache]))
        .then(() => sw.skipWaiting()),
    );
  });

  sw.addEventListener('activate', (event: { waitUntil(p: Promise<unknown>): void }) => {
    event.waitUntil(
      caches
        .keys()
        .then((keys) =>
          Promise.all(
            keys
              .filter((k) => k.startsWith('tr-shell-') && k !== cacheName)
              .map((k) => caches.delete(k)),
          ),
        )
        .then(() => sw.clients.claim()),
    );
  });

  sw.addEventListener('fetch', (event: { request: Request; respondWith(r: Promise<Response>): void }) => {
    const req = event.request;
    const route = classifyRequest(
      { method: req.method, url: req.url, mode: req.mode, hasRange: req.headers.has('range') },
      sw.location.origin,
      precache,
    );
    if (route === 'bypass') return;
    if (route === 'shell') {
      event.respondWith(
        caches.match(req, { cacheName }).then((hit) => hit ?? fetch(req)),
      );
      return;
    }
    // navigation: network first (new deployments win), cached shell when offline
    event.respondWith(
      fetch(req).catch(() =>
        caches
          .match('/index.html', { cacheName })
          .then((hit) => hit ?? new Response('Offline', { status: 503, statusText: 'Offline' })),
      ),
    );
  });
}

if (typeof ServiceWorkerGlobalScope !== 'undefined') {
  install(self as unknown as SwGlobal);
}
