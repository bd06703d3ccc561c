// Where Mailbridge keeps its data when no --profile is given: the same directory Electron
// uses as app.getPath('userData') for an app named "mailbridge", so the CLI and the
// desktop app share one profile.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const APP_DIR = 'mailbridge';

export function defaultProfileDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR);
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), APP_DIR);
}

export const DATABASE_FILE = 'mailbridge.db';
export const CONFIG_FILE = 'config.json';
/** Inside the profile: decoded attachments opened with the system's handler, emptied on start and quit. */
export const ATTACHMENTS_DIR = 'open-attachments';

const POSIX = process.platform !== 'win32';

/**
 * Creates `dir` (and its parents) if missing and, on POSIX, sets it to 0700 even when it
 * existed with a wider mode: the profile holds the encrypted store, the config and the
 * deep-link socket. Windows keeps the per-user ACL of %APPDATA%.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (POSIX) chmodSync(dir, 0o700);
}

/**
 * Creates `path` empty with mode 0600 if it does not exist, and on POSIX sets it and each
 * existing `companions` file (e.g. SQLite's -wal and -shm) to 0600. SQLite gives a new WAL
 * and shm the mode of the database file, so a 0600 database keeps its companions private.
 */
export function ensurePrivateFile(path: string, companions: readonly string[] = []): void {
  closeSync(openSync(path, 'a', 0o600));
  if (!POSIX) return;
  for (const file of [path, ...companions]) if (existsSync(file)) chmodSync(file, 0o600);
}
