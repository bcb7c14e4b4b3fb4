// Builds the popup for the browser preview (`npm run web`, e2e tests, bench).
// Same source and plugins as the Electron renderer build.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [svelte()],
  logLevel: 'warn',
  build: { outDir: '../../out/web', emptyOutDir: true },
});
