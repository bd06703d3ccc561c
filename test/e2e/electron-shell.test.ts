// The packaged shell in a real Electron window: sandboxed renderer, the typed bridge and a
// round trip through IPC to the encrypted store. Runs wherever the Electron binary exists.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { buildRendererOnce } from '../support/build.ts';

const root = join(import.meta.dirname, '../..');
const pathFile = join(root, 'node_modules/electron/path.txt');
const binary = existsSync(pathFile) ? join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim()) : null;
const skip =
  binary && existsSync(binary)
    ? false
    : 'Electron binary not installed (node_modules/electron/dist is empty): it downloads from GitHub, which this machine cannot reach; the same services are tested under Node and the renderer in Chromium';

describe('Electron shell', { skip }, () => {
  let app: ElectronApplication;
  let window: Page;
  let profile: string;

  before(async () => {
    await buildRendererOnce();
    profile = mkdtempSync(join(tmpdir(), 'mailbridge-electron-'));
    app = await _electron.launch({
      executablePath: binary!,
      args: [join(root, 'out/main/index.js')],
      env: { ...process.env, MAILBRIDGE_PROFILE_DIR: profile },
    });
    window = await app.firstWindow();
  });

  after(async () => {
    await app?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test('the renderer is sandboxed and sees only the bridge', async () => {
    assert.equal(await window.title(), 'Mailbridge');
    const probe = await window.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys((window as unknown as { mailbridge: object }).mailbridge).sort(),
    }));
    assert.deepEqual(probe, { require: 'undefined', process: 'undefined', bridge: ['invoke', 'on'] });
  });

  test('a call crosses IPC to the encrypted store and comes back as a Result', async () => {
    const result = await window.evaluate(() =>
      (window as unknown as { mailbridge: { invoke(c: string, i: unknown): Promise<unknown> } }).mailbridge.invoke('mail:stats', undefined),
    );
    assert.deepEqual(result, { ok: true, value: { accounts: 0, messages: 0, threads: 0, warnings: 0, skippedFiles: 0 } });
    const invalid = await window.evaluate(() =>
      (window as unknown as { mailbridge: { invoke(c: string, i: unknown): Promise<{ ok: boolean; error?: { code: string } }> } }).mailbridge.invoke('mail:search', { query: 42 }),
    );
    assert.equal(invalid.ok, false);
    assert.equal(invalid.error?.code, 'invalid_input');
  });
});
