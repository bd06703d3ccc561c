// Wraps a command so that it runs inside a private D-Bus session with gnome-keyring's
// Secret Service unlocked: the headless stand-in for a desktop login's keychain.
// Recipe verified in ../shared/DESIGN.md ("OS keychain").

/** Returns [command, args] that run `command args…` inside the keyring session. */
export function withKeyringSession(command: string, args: string[]): [string, string[]] {
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const script =
    'eval "$(printf mailbridge-test | gnome-keyring-daemon --unlock --components=secrets | sed "s/^/export /")"; ' +
    `exec ${quoted}`;
  return ['dbus-run-session', ['--', 'bash', '-c', script]];
}
