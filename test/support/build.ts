// The app's electron-vite build for tests: `npm test` builds once before any file runs and
// says so with MAILBRIDGE_APP_BUILT (files run in parallel processes and must not rebuild
// out/ under each other); a file run some other way builds once per process.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '../..');
let built: Promise<void> | null = null;

/** Resolves once out/ holds a fresh build of main, preload and renderer. */
export function buildRendererOnce(): Promise<void> {
  if (process.env.MAILBRIDGE_APP_BUILT === '1') return Promise.resolve();
  built ??= promisify(execFile)(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root }).then(() => undefined);
  return built;
}

export const RENDERER_DIR = join(root, 'out/renderer');
