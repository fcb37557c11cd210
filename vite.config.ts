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
      '/api': apiServer,
      '/docs': apiServer,
      '/ws': { target: apiServer, ws: true },
      '/metrics': apiServer,
      '/healthz': apiServer,
      '/readyz': apiServer,
    },
  },
});
