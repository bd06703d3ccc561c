// `npm run demo`: Mailbridge's main job on a built-in sample mailbox, headless, on a fresh
// machine. This file prepares the run (run dir, test CA, private keyring) and re-runs
// itself inside a D-Bus session with gnome-keyring, as `npm test` does; scripts/demo/run.ts
// does the demo proper. Exit code 0 on success, 1 on failure, 2 on a usage error.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTestCa } from '../test/support/test-ca.ts';
import { withKeyringSession } from './keyring-session.ts';
import { runChild } from './demo/child.ts';
import { runDemo } from './demo/run.ts';
import { bold, red, say } from './demo/ui.ts';

const USAGE = `usage: npm run demo -- [options]

  --dir DIR        run in DIR (created; must be empty) and keep it afterwards
  --keep           keep the temporary run dir (profile, keyring, logs) and print how to explore it
  --mailbox PATH   sync this maildir / mbox / folder of .eml files instead of the sample
  --interactive    sign in yourself in your own browser instead of headless Chromium
  --serve          keep the app running (its URL printed) until Ctrl-C; the default in a terminal
  --no-serve       end once every step has run (the default when output is not a terminal)
  -h, --help

Environment: MAILBRIDGE_KEYRING_SESSION=1 says the demo already runs inside an unlocked
Secret Service session (e.g. under \`npm test\`), so it does not start its own.`;

/** Set for the re-spawned demo: it runs inside the keyring session with the run's CA trusted. */
const SESSION_ENV = 'MAILBRIDGE_KEYRING_SESSION';
const RUN_DIR_ENV = 'MAILBRIDGE_DEMO_RUN_DIR';
const STARTED_ENV = 'MAILBRIDGE_DEMO_STARTED_AT';
/** Exit code of a run ended by Ctrl-C (128 + SIGINT). */
const INTERRUPTED = 130;

function parse() {
  try {
    return parseArgs({
      options: {
        dir: { type: 'string' },
        keep: { type: 'boolean', default: false },
        mailbox: { type: 'string' },
        interactive: { type: 'boolean', default: false },
        serve: { type: 'boolean' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowNegative: true,
    }).values;
  } catch (error) {
    say(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

async function main(): Promise<number> {
  const args = parse();
  if (args.help) {
    say(USAGE);
    return 0;
  }
  if (args.mailbox && !existsSync(args.mailbox)) {
    say(red(`--mailbox ${args.mailbox}: no such file or directory`));
    return 2;
  }
  const startedAt = Number(process.env[STARTED_ENV]) || Date.now();
  const respawned = process.env[RUN_DIR_ENV];
  const runDir = respawned ?? prepareRunDir(args.dir);
  if (runDir === null) return 2;
  const keepRunDir = Boolean(args.keep || args.dir);

  const inSession = process.env[SESSION_ENV] === '1';
  const caTrusted = Boolean(process.env.NODE_EXTRA_CA_CERTS && process.env.MAILBRIDGE_TEST_CA_DIR);
  let code: number;
  if (inSession && caTrusted) {
    code = await runHere(runDir, args, keepRunDir, startedAt);
  } else {
    // NODE_EXTRA_CA_CERTS is read once at start-up, and the keyring session wraps a process:
    // both mean running the demo again as a child.
    const env: NodeJS.ProcessEnv = { ...process.env, [SESSION_ENV]: '1', [RUN_DIR_ENV]: runDir, [STARTED_ENV]: String(startedAt) };
    if (!caTrusted) {
      const ca = await ensureTestCa(join(runDir, 'ca'));
      env.NODE_EXTRA_CA_CERTS = ca.caCertPath;
      env.MAILBRIDGE_TEST_CA_DIR = ca.dir;
    }
    // A keyring of the run's own: the demo never reads or writes the person's real keychain.
    if (!inSession) env.XDG_DATA_HOME = join(runDir, 'xdg-data');
    const argv = [...process.execArgv, import.meta.filename, ...process.argv.slice(2)];
    const [command, commandArgs] = inSession ? [process.execPath, argv] : withKeyringSession(process.execPath, argv);
    code = await run(command, commandArgs, env);
  }

  if (respawned) return code;
  // Ctrl-C (the way a --serve run ends) is a stop, not a failure: tidy up as after success.
  const stopped = code === INTERRUPTED;
  if (code !== 0 && !stopped) {
    say(red(`The run dir is kept for inspection: ${runDir}`));
  } else if (!keepRunDir) {
    rmSync(runDir, { recursive: true, force: true });
  }
  return code;
}

/** The run dir: --dir (created, must be empty) or a fresh one under the OS temp dir. */
function prepareRunDir(dir: string | undefined): string | null {
  if (!dir) return mkdtempSync(join(tmpdir(), 'mailbridge-demo-'));
  const path = resolve(dir);
  if (existsSync(path) && readdirSync(path).length > 0) {
    say(red(`--dir ${path} is not empty: give a new or empty directory (a demo profile is created there)`));
    return null;
  }
  mkdirSync(path, { recursive: true });
  return path;
}

async function runHere(runDir: string, args: ReturnType<typeof parse>, keepRunDir: boolean, startedAt: number): Promise<number> {
  try {
    await runDemo({
      runDir,
      mailbox: args.mailbox ?? null,
      interactive: args.interactive,
      ownKeyring: process.env.XDG_DATA_HOME === join(runDir, 'xdg-data'),
      keepRunDir,
      startedAt,
      serve: args.serve ?? Boolean(process.stdout.isTTY),
    });
    return 0;
  } catch (error) {
    say();
    say(red(bold('Demo failed: ')) + (error instanceof Error ? error.message : String(error)));
    const hint = hintFor(error);
    if (hint) say(hint);
    say(`App logs: ${join(runDir, 'demo.log')}`);
    return 1;
  }
}

/** A next step for the failures a fresh machine can meet. */
function hintFor(error: unknown): string | null {
  const text = String(error instanceof Error ? `${error.message} ${String(error.cause)}` : error);
  if (/keychain|secret service|dbus/i.test(text)) {
    return 'The OS keychain (Secret Service) was not reachable: run the demo through `npm run demo`, which starts gnome-keyring.';
  }
  if (/chromium|executable doesn't exist|browserType\.launch/i.test(text)) {
    return 'Chromium could not start: `npm run demo` installs it (Debian package chromium); or use --interactive.';
  }
  return null;
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  try {
    return await runChild(command, args, env);
  } catch (error) {
    say(red(`could not start ${command}: ${(error as Error).message}`));
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      say('D-Bus and gnome-keyring are needed: run the demo through `npm run demo`, which installs them.');
    }
    return 1;
  }
}

// Exit explicitly: a keep-alive socket or a child's pipe must not hold a finished demo open.
// (stdout to a pipe or a file is synchronous on Linux, so nothing printed is lost.)
process.exit(await main());
