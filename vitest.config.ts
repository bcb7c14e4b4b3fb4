import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts', 'scripts/**/*.test.ts', 'dev/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    // Safety net: electron 42+ downloads its binary on the first require() in
    // plain Node, which crashes here. With this set it exports a path instead.
    env: { ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent' },
    pool: 'forks',
    testTimeout: 20_000,
    reporters: ['default'],
  },
});
