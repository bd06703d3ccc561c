// Where Mailbridge keeps its data when no --profile is given: the same directory Electron
// uses as app.getPath('userData') for an app named "mailbridge", so the CLI and the
// desktop app share one profile.
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
