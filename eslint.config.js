import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

// The app never imports the dev tools (design.md §5): the preview, the fake portal and the AES secret box live in dev/ and are not shipped.
const NO_DEV_IMPORTS = {
  group: ['**/dev/**'],
  message: 'src/ must not import the dev tools (dev/: the preview, the fake portal, the AES secret box).',
};

const NO_ELECTRON = { name: 'electron', message: 'Only src/main/electron/ and src/preload/ may import electron.' };

export default ts.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'release/',
      'release-smoke/',
      'coverage/',
      'test-results/',
      'playwright-report/',
      '.tmp/',
      // ajv's generated code (scripts/gen-validators.ts); validators.test.ts checks it is current.
      'src/main/core/storage/validators.generated.ts',
      'src/main/core/intent-validators.generated.ts',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // Electron stays at the edges (design.md §1): no electron import in the core, shared code or the popup.
  {
    files: ['src/main/core/**', 'src/shared/**', 'src/renderer/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_ELECTRON] }] },
  },
  // The shipped code never imports the dev tools; tests beside the code may use them.
  {
    files: ['src/main/core/**', 'src/shared/**', 'src/renderer/**'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_ELECTRON], patterns: [NO_DEV_IMPORTS] }] },
  },
  {
    files: ['src/main/electron/**', 'src/preload/**', 'src/main/index.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_DEV_IMPORTS] }] },
  },
  // Raw ipcRenderer only in the preload (GitHub Desktop's rule).
  {
    files: ['src/**'],
    ignores: ['src/preload/**', 'src/main/electron/**', 'src/main/index.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "Identifier[name='ipcRenderer']", message: 'Use window.api.' }],
    },
  },
);
