// Builds the app with electron-vite once per test process (several e2e files share it).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '../..');
let built: Promise<void> | null = null;

/** Resolves once out/ holds a fresh build of main, preload and renderer. */
export function buildRendererOnce(): Promise<void> {
  built ??= promisify(execFile)(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root }).then(() => undefined);
  return built;
}

export const RENDERER_DIR = join(root, 'out/renderer');
