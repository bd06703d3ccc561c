// The OS keychain against the real Secret Service (gnome-keyring in the test session), and
// the refusal to fall back when no Secret Service is reachable (child processes, modified env).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createOsSecretStore, KeychainUnavailableError } from '../../src-main/platform/keychain.ts';

const run = promisify(execFile);
const keychainModule = fileURLToPath(new URL('../../src-main/platform/keychain.ts', import.meta.url));

test('set, get, replace and delete a secret in the Secret Service', async () => {
  const secrets = createOsSecretStore();
  const account = `test:${randomUUID()}`;
  try {
    assert.equal(await secrets.get(account), null);
    await secrets.set(account, 'first');
    await secrets.set(account, 'second');
    assert.equal(await secrets.get(account), 'second');
    // A second instance sees it: the secret lives in the keyring daemon, not in this object.
    assert.equal(await createOsSecretStore().get(account), 'second');
  } finally {
    assert.equal(await secrets.delete(account), true);
  }
  assert.equal(await secrets.get(account), null);
  assert.equal(await secrets.delete(account), false);
});

// Runs get() in a fresh process with `env`, reporting what it threw.
async function getInChild(env: NodeJS.ProcessEnv): Promise<{ name: string; message: string; code?: string }> {
  const script = `
    import { createOsSecretStore } from ${JSON.stringify(keychainModule)};
    try {
      const value = await createOsSecretStore().get('probe');
      console.log(JSON.stringify({ name: 'none', message: String(value) }));
    } catch (e) {
      console.log(JSON.stringify({ name: e.name, message: e.message, code: e.code }));
    }`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...env, MAILBRIDGE_LOG_LEVEL: 'error' },
    timeout: 30_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

test('KeychainUnavailableError when DBUS_SESSION_BUS_ADDRESS points nowhere', { skip: process.platform !== 'linux' }, async () => {
  const result = await getInChild({ ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/mailbridge-bus' });
  assert.equal(result.name, 'KeychainUnavailableError', result.message);
  assert.equal(result.code, 'keychain_unavailable');
  assert.match(result.message, /no Secret Service on the D-Bus session bus: install and unlock gnome-keyring or KWallet/);
  assert.match(result.message, /DBUS_SESSION_BUS_ADDRESS is set/);
});

test('KeychainUnavailableError names the missing D-Bus session when the variable is unset', { skip: process.platform !== 'linux' }, async () => {
  const env = { ...process.env };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  const result = await getInChild(env);
  assert.equal(result.name, 'KeychainUnavailableError', result.message);
  assert.match(result.message, /DBUS_SESSION_BUS_ADDRESS is not set/);
});

test('the error class is exported for callers to branch on', () => {
  const e = new KeychainUnavailableError('x');
  assert.ok(e instanceof Error);
  assert.equal(e.code, 'keychain_unavailable');
});
