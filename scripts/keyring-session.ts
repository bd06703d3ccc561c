// Wraps a command so that it runs inside a private D-Bus session with gnome-keyring's
// Secret Service unlocked: the headless stand-in for a desktop login's keychain.
// Recipe verified in ../shared/DESIGN.md ("OS keychain").
import { join } from 'node:path';
import { ensureTestCa } from '../test/support/test-ca.ts';

/** Returns [command, args] that run `command args…` inside the keyring session. */
export function withKeyringSession(command: string, args: string[]): [string, string[]] {
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const script =
    'eval "$(printf mailbridge-test | gnome-keyring-daemon --unlock --components=secrets | sed "s/^/export /")"; ' +
    `exec ${quoted}`;
  return ['dbus-run-session', ['--', 'bash', '-c', script]];
}

/**
 * The environment a run (tests, bench) needs in its keyring session: the run's own test CA,
 * trusted through NODE_EXTRA_CA_CERTS (read at process start, so it is set here for the
 * child), and a keyring home inside `runDir`, so the real keychain is never touched.
 */
export async function runSessionEnv(runDir: string): Promise<NodeJS.ProcessEnv> {
  const ca = await ensureTestCa(join(runDir, 'ca'));
  return { NODE_EXTRA_CA_CERTS: ca.caCertPath, MAILBRIDGE_TEST_CA_DIR: ca.dir, XDG_DATA_HOME: join(runDir, 'xdg-data') };
}
