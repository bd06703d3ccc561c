// Lint rules that hold the process boundaries (CONVENTIONS.md §7): only the Electron
// shell in src-main imports `electron`; src-main's folders import only the layers below
// them (scripts/lint/layering.js); the renderer reaches main only through the preload
// contract, and imports nothing from it but types.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import mailbridge from './scripts/lint/layering.js';

const ELECTRON_SHELL = ['src-main/index.ts', 'src-main/app/**', 'src-main/windows/**', 'src-main/ipc/**'];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', '.toolchain/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src-main/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts', 'bin/**/*.js'],
    ignores: ELECTRON_SHELL,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'Only the Electron shell (src-main/index.ts, app/, windows/, ipc/) may import electron; everything else must run under plain Node.' }],
      }],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    plugins: { mailbridge },
    rules: { 'mailbridge/layering': 'error' },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer has no Electron access; use the preload contract.' }],
        patterns: [
          { group: ['**/src-preload/contract', '**/src-preload/contract/**'], allowTypeImports: true, message: 'The renderer may import only types from the preload contract (`import type`).' },
          { group: ['**/src-preload', '**/src-preload/index*', '**/src-main/**', 'node:*'], message: 'The renderer may not import the preload, main-process code or Node built-ins.' },
        ],
      }],
    },
  },
);
