// The CLI on a headless box (issue 15 item 5): without a D-Bus session the error names the
// fix, and `--keychain=session` runs it inside its own D-Bus session with gnome-keyring
// unlocked by MAILBRIDGE_KEYRING_PASSWORD, the keyring kept on disk so a second run (a new
// session) opens the same encrypted profile.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli-process.ts';

const MAILBOX = join(import.meta.dirname, '../../../shared/data/enron/maildir/grigsby-m/inbox');
const skip = process.platform !== 'linux' ? 'the Secret Service is Linux' : existsSync(MAILBOX) ? false : `../shared/data is absent (${MAILBOX})`;
const root = mkdtempSync(join(tmpdir(), 'mailbridge-cli-keychain-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** The CLI as a headless box runs it: no D-Bus session, its own keyring folder. */
function cli(args: string[], env: Record<string, string> = {}) {
  const base: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: join(root, 'xdg-data'), MAILBRIDGE_LOG_LEVEL: 'error', ...env };
  delete base.DBUS_SESSION_BUS_ADDRESS;
  return runCli(args, base);
}

test('without a D-Bus session the CLI says exactly what to do', { skip }, async () => {
  const { code, stderr } = await cli(['stats', '--profile', join(root, 'no-bus')]);
  assert.equal(code, 1);
  assert.match(stderr, /no Secret Service on the D-Bus session bus/);
  assert.match(stderr, /on a headless box, set MAILBRIDGE_KEYRING_PASSWORD and add --keychain=session/);
});

test('--keychain=session imports into an encrypted profile that a later run (a new session) opens again', { skip }, async () => {
  const profile = join(root, 'profile');
  const env = { MAILBRIDGE_KEYRING_PASSWORD: 'a headless secret' };
  const missing = await cli(['stats', '--keychain=session', '--profile', profile]);
  assert.equal(missing.code, 1, 'the password must be given');
  assert.match(missing.stderr, /MAILBRIDGE_KEYRING_PASSWORD/);
  const imported = await cli(['import', MAILBOX, '--keychain=session', '--profile', profile], env);
  assert.equal(imported.code, 0, imported.stderr);
  const inserted = (JSON.parse(imported.stdout.trim().split('\n').at(-1)!) as { inserted: number }).inserted;
  assert.ok(inserted > 0);
  const stats = await cli(['stats', '--keychain', 'session', '--profile', profile], env);
  assert.equal(stats.code, 0, stats.stderr);
  assert.equal((JSON.parse(stats.stdout) as { messages: number }).messages, inserted);
  const wrong = await cli(['stats', '--keychain=session', '--profile', profile], { MAILBRIDGE_KEYRING_PASSWORD: 'not it' });
  assert.equal(wrong.code, 1, 'a wrong password leaves the keyring locked');
  assert.match(wrong.stderr, /keyring is locked/);
});
