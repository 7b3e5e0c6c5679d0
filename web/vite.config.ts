/// <reference types="vitest" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { serviceWorkerPlugin } from './build/serviceWorkerPlugin';

// The dev server proxies the API and signaling to a running `tradingroom serve`
// (TR_SERVER, default http://localhost:8080), so `npm run dev` behaves like production.
const server = process.env.TR_SERVER ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react(), serviceWorkerPlugin()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      output: {
        // mediasoup-client is imported dynamically (room pages only): give its chunk a name
        manualChunks: (id) => (id.includes('node_modules/mediasoup-client/') || id.includes('node_modules/sdp-transform/') ? 'mediasoup' : undefined),
      },
    },
  },
  server: {
    proxy: {
      '/api': server,
      '/.well-known': server,
      '/ws': { target: server.replace(/^http/, 'ws'), ws: true },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'build/**/*.test.ts'],
  },
});
