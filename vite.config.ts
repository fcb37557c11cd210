import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Resolved from this file rather than the working directory so `vite build`
// behaves the same whether it is run from the repo root or via --config.
const webRoot = fileURLToPath(new URL('./src/web', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));

const apiServer = 'http://127.0.0.1:3000';

export default defineConfig({
  root: webRoot,
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
  },
  server: {
    port: 5173,
    strictPort: true,
    // Everything the SPA does not own is forwarded to the API server, so the
    // browser sees a single origin and the session/CSRF cookies just work.
    proxy: {
      // The web app's own modules under src/web/api/ are served at /api/<name>.ts too: those stay
      // with Vite (API routes never end in a top-level .ts; HLS segments are deeper).
      '^/api/(?![^/?]+\\.tsx?(?:\\?.*)?$)': apiServer,
      '/docs': apiServer,
      '/ws': { target: apiServer, ws: true },
      '/metrics': apiServer,
      '/healthz': apiServer,
      '/readyz': apiServer,
    },
  },
});
