// Builds the three Electron targets without needing the Electron binary:
// main (ESM, Node 22), preload (CommonJS, bundled: sandboxed preloads cannot load
// node_modules), renderer (React, static assets under out/renderer).
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // The mail worker (sync, import) is its own entry: it is loaded by URL beside the main bundle.
      lib: {
        entry: { index: resolve(root, 'src-main/index.ts'), 'mail-worker': resolve(root, 'src-main/mail/mail-worker.ts'), 'store-writer': resolve(root, 'src-main/mail/store-writer.ts') },
        formats: ['es'],
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      lib: { entry: resolve(root, 'src-preload/index.ts'), formats: ['cjs'] },
      rollupOptions: { output: { entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // electron-vite leaves the renderer unminified by default (~950 KB of JS).
      minify: true,
      rollupOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
});
