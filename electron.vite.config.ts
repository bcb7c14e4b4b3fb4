import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { CONF_UNUSED } from './scripts/shipped-packages';

export default defineConfig({
  main: {
    // Left out of the bundle: what conf loads for features the app does not use (scripts/shipped-packages.ts).
    resolve: {
      alias: Object.entries(CONF_UNUSED).map(([spec, replacement]) => ({
        // The exact specifier only (a string would also catch `semver/…`).
        find: new RegExp(`^${spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
        replacement,
      })),
    },
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve('src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads must be CommonJS and self-contained.
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    base: './',
    plugins: [svelte()],
    build: {
      outDir: 'out/renderer',
      // The one renderer build: electron-builder packages it, and the browser
      // preview, the e2e tests and the bench serve it (scripts/renderer-out.ts).
      // electron-vite leaves renderer code unminified by default; ship it minified.
      minify: true,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
