// `--keychain=session`: for a headless Linux box with no desktop login, where no Secret
// Service runs. The CLI runs itself again inside a private D-Bus session with gnome-keyring
// started and its login keyring unlocked by a password the operator supplies in
// MAILBRIDGE_KEYRING_PASSWORD (the keyring file stays in $XDG_DATA_HOME/keyrings, so the
// database key survives between runs). Not for a desktop: there the login keyring is open.
// Recipe: https://wiki.gnome.org/Projects/GnomeKeyring/RunningDaemon (--unlock reads stdin).
import { spawn } from 'node:child_process';

export const KEYRING_PASSWORD_ENV = 'MAILBRIDGE_KEYRING_PASSWORD';
/** Set inside the session, so the child does not start another. */
const INSIDE_ENV = 'MAILBRIDGE_KEYRING_SESSION';

export function insideKeyringSession(): boolean {
  return process.env[INSIDE_ENV] === '1';
}

/**
 * Runs this CLI (`argv` without --keychain) again inside `dbus-run-session` with an unlocked
 * gnome-keyring; resolves with its exit code. Throws when the password is not in the
 * environment. Needs the dbus and gnome-keyring packages.
 */
export function runInKeyringSession(argv: string[]): Promise<number> {
  const password = process.env[KEYRING_PASSWORD_ENV];
  if (!password) throw new Error(`--keychain=session reads the keyring's password from ${KEYRING_PASSWORD_ENV}; set it (and keep it out of shell history)`);
  // The password goes to gnome-keyring-daemon on stdin from the variable, never on a command line.
  const script =
    `eval "$(printenv ${KEYRING_PASSWORD_ENV} | gnome-keyring-daemon --unlock --components=secrets | sed "s/^/export /")" && ` +
    'unset ' + KEYRING_PASSWORD_ENV + ' && exec "$@"';
  const child = spawn('dbus-run-session', ['--', 'bash', '-c', script, 'mailbridge', process.execPath, ...process.execArgv, process.argv[1]!, ...argv], {
    stdio: 'inherit',
    env: { ...process.env, [INSIDE_ENV]: '1' },
  });
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`--keychain=session needs dbus-run-session (the dbus package): ${error.message}`)));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
