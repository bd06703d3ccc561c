// Runs the Mailbridge CLI on a run dir the demo kept (--keep or --dir): the database key is
// in that run's own gnome-keyring (RUN_DIR/xdg-data), so the CLI has to run inside a keyring
// session that unlocks it. Usage: node scripts/demo/explore.ts RUN_DIR <cli command> [args…]
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withKeyringSession } from '../keyring-session.ts';
import { runChild } from './child.ts';

const [dir, ...cliArgs] = process.argv.slice(2);
const runDir = dir ? resolve(dir) : '';
if (!dir || cliArgs.length === 0 || !existsSync(join(runDir, 'profile')) || !existsSync(join(runDir, 'xdg-data'))) {
  console.error('usage: node scripts/demo/explore.ts RUN_DIR <search QUERY | show MESSAGE | stats>');
  console.error('RUN_DIR is a directory kept by `npm run demo -- --keep` (it holds profile/ and xdg-data/).');
  process.exit(2);
}

const cli = join(import.meta.dirname, '../../src-main/cli/main.ts');
const [command, args] = withKeyringSession(process.execPath, [cli, ...cliArgs, '--profile', join(runDir, 'profile')]);
try {
  process.exit(await runChild(command, args, { ...process.env, XDG_DATA_HOME: join(runDir, 'xdg-data') }));
} catch (error) {
  console.error(`could not start the keyring session (${(error as Error).message}): run it through scripts/toolchain.sh --with-system-packages`);
  process.exit(1);
}
