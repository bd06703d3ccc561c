// The keychain-locked storm's child (issue 14 item 2), run inside its own D-Bus session and
// gnome-keyring (scripts/keyring-session.ts) so locking the keyring touches no other test.
// It imports mail, locks the keyring while the services run, keeps working, then reopens the
// profile locked (which must fail with a message naming the fix) and unlocked (by restarting
// the daemon with the login password, as a desktop login does). Prints one JSON line.
// Usage: node locked-keychain-child.ts --profile DIR --mailbox DIR --more DIR
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { openServices } from '../../../src-main/app/assemble.ts';
import { databaseOf } from '../../../src-main/store/profile-store.ts';

const { values } = parseArgs({ options: { profile: { type: 'string' }, mailbox: { type: 'string' }, more: { type: 'string' } } });
const { profile: profileDir, mailbox, more } = values;
if (!profileDir || !mailbox || !more) throw new Error('usage: locked-keychain-child.ts --profile DIR --mailbox DIR --more DIR');

/** org.freedesktop.Secret.Service.Lock on the login collection (https://specifications.freedesktop.org/secret-service-spec/latest/). */
function lockKeyring(): void {
  execFileSync('dbus-send', [
    '--session', '--dest=org.freedesktop.secrets', '--type=method_call', '--print-reply',
    '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', 'array:objpath:/org/freedesktop/secrets/collection/login',
  ], { stdio: 'ignore' });
}

const count = (services: Awaited<ReturnType<typeof openServices>>) => services.store.messages.stats().messages;
const result: Record<string, unknown> = {};

const services = await openServices({ profileDir });
await services.importMailbox(mailbox, { accountEmail: 'rep@ours.example' });
result.beforeLock = count(services);
lockKeyring();
// The database key is held in memory since open: the running app goes on working.
const imported = await services.importMailbox(more, { accountEmail: 'rep@ours.example' });
result.importedWhileLocked = imported.inserted;
result.whileLocked = count(services);
result.searchWhileLocked = (await services.handlers['mail:search']({ query: 'enron', limit: 5, excludeThreadIds: [] })).threads.length;
await services.close();

try {
  const reopened = await openServices({ profileDir });
  await reopened.close();
  result.lockedOpen = { ok: true };
} catch (error) {
  result.lockedOpen = { ok: false, name: (error as Error).name, message: (error as Error).message };
}

execFileSync('bash', ['-c', 'printf mailbridge-test | gnome-keyring-daemon --replace --unlock --components=secrets'], { stdio: 'ignore' });
const unlocked = await openServices({ profileDir });
result.afterUnlock = count(unlocked);
result.integrity = databaseOf(unlocked.store).prepare('PRAGMA integrity_check').pluck().get();
await unlocked.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
