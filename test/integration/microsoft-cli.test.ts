// `mailbridge connect microsoft` as a rep runs it: the CLI prints the sign-in URL (no system
// browser here), Chromium signs in, and the OS-style second process `mailbridge <url>` hands
// the redirect to the waiting CLI, which stores the account and exits 0.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { IdentityEmulator, DEFAULT_TEST_USER } from '../emulators/identity/identity-emulator.ts';
import { deepLinkBrowserOpener } from '../emulators/identity/browser-consent.ts';
import { emulatedMicrosoftConfig } from '../emulators/microsoft-config.ts';
import { launchChromium } from '../support/chromium.ts';
import { updateProfileConfig } from '../../src-main/platform/profile-config.ts';

const BIN = join(import.meta.dirname, '../../bin/mailbridge.js');
const identity = new IdentityEmulator();
let browser: Browser;
let profileDir: string;

before(async () => {
  const endpoints = await identity.start();
  browser = await launchChromium();
  profileDir = mkdtempSync(join(tmpdir(), 'mailbridge-cli-ms-'));
  updateProfileConfig(profileDir, { microsoft: emulatedMicrosoftConfig(endpoints, 'https://127.0.0.1:9/v1.0') });
});

after(async () => {
  await browser?.close();
  await identity.stop();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

test('connect microsoft waits for the deep link a second process hands over, then stores the account', async () => {
  // Only node on PATH: no xdg-open, so the CLI falls back to printing the URL.
  const env = { ...process.env, PATH: dirname(process.execPath) };
  const cli = spawn(process.execPath, [BIN, 'connect', 'microsoft', '--profile', profileDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number>((resolve) => cli.once('exit', (code) => resolve(code ?? 1)));
  let stdout = '';
  cli.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const authUrl = await new Promise<string>((resolve, reject) => {
    createInterface({ input: cli.stderr }).on('line', (line) => line.startsWith('https://') && resolve(line.trim()));
    void exited.then((code) => reject(new Error(`the CLI exited with ${code} before printing a URL`)));
  });
  assert.match(authUrl, /code_challenge_method=S256/);
  await deepLinkBrowserOpener(browser, {
    onDeepLink: async (url) => {
      const { stderr } = await promisify(execFile)(process.execPath, [BIN, '--profile', profileDir, url], { env, timeout: 20_000 });
      assert.match(stderr, /handed to the running instance/);
    },
  })(authUrl);
  assert.equal(await exited, 0);
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { connected: string; provider: string };
  assert.deepEqual({ connected: result.connected, provider: result.provider }, { connected: DEFAULT_TEST_USER.email, provider: 'microsoft' });
  const { stdout: stats } = await promisify(execFile)(process.execPath, [BIN, 'stats', '--profile', profileDir], { env });
  assert.equal((JSON.parse(stats) as { accounts: number }).accounts, 1);
});
