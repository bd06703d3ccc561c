// Fault storm (issue 14 item 2): the OS keychain locked while the app runs. The database key
// is read from the keychain once, at open, so the running services go on importing and
// searching; reopening while it is locked fails with a message that names the fix, and once
// the keyring is unlocked the profile opens with every message. Runs in a child with its own
// D-Bus session and gnome-keyring, so locking it cannot disturb the suite's keychain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withKeyringSession } from '../../scripts/keyring-session.ts';
import { ENRON_MAILDIR } from '../support/chaos/scenarios.ts';

const run = promisify(execFile);
const CHILD = join(import.meta.dirname, '../support/keychain/locked-keychain-child.ts');
const FIRST = join(ENRON_MAILDIR, 'grigsby-m/inbox');
const MORE = join(ENRON_MAILDIR, 'neal-s/inbox');
const skip = existsSync(FIRST) ? false : `../shared/data is absent (${FIRST}): the test imports real mail`;

test('the keychain locked while the app runs: work goes on, a locked reopen names the fix, an unlocked one has every message', { skip }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'mailbridge-locked-'));
  try {
    const [command, args] = withKeyringSession(process.execPath, [CHILD, '--profile', join(root, 'profile'), '--mailbox', FIRST, '--more', MORE]);
    const { stdout } = await run(command, args, {
      env: { ...process.env, XDG_DATA_HOME: join(root, 'xdg-data'), MAILBRIDGE_LOG_LEVEL: 'error' },
      timeout: 120_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      beforeLock: number; importedWhileLocked: number; whileLocked: number; searchWhileLocked: number;
      lockedOpen: { ok: boolean; name?: string; message?: string }; afterUnlock: number; integrity: string;
    };
    assert.ok(result.beforeLock > 0);
    assert.ok(result.importedWhileLocked > 0, 'an import while the keychain is locked still stores mail');
    assert.equal(result.whileLocked, result.beforeLock + result.importedWhileLocked);
    assert.ok(result.searchWhileLocked > 0, 'search works while locked');
    assert.equal(result.lockedOpen.ok, false, 'a locked keychain cannot open the profile');
    assert.equal(result.lockedOpen.name, 'KeychainUnavailableError');
    assert.match(result.lockedOpen.message ?? '', /keyring is locked.*unlock gnome-keyring or KWallet/);
    assert.equal(result.afterUnlock, result.whileLocked, 'nothing lost');
    assert.equal(result.integrity, 'ok');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
