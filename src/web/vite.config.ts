import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web UI (issue 11): built to dist/web, served by `crossbar serve` from the same origin. No CDN: every byte
 * comes from the bundle. `npm run build` builds it; `npm run dev:web` serves it with the API proxied to :7300.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:7300', '/healthz': 'http://127.0.0.1:7300' } },
});
