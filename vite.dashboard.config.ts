import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The merchant dashboard (decision 011): its own entry, its own output (dist/dashboard), served by
// `booking-api serve` at /dashboard. Nothing here is imported by the widget's build.
export default defineConfig({
  root: fileURLToPath(new URL('./src/dashboard/', import.meta.url)),
  base: '/dashboard/',
  build: {
    outDir: fileURLToPath(new URL('./dist/dashboard/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or styles: the pages run under script-src 'self' and style-src 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
