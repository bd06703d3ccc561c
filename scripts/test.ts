// `npm test`: every test of the project, run with Node's test runner inside a private
// D-Bus session with an unlocked gnome-keyring (the OS keychain the store needs), with
// the run's test CA trusted. Prints `N passed, N failed[, N skipped]` as its last line.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSessionEnv, withKeyringSession } from './keyring-session.ts';

const patterns = process.argv.slice(2).length ? process.argv.slice(2) : ['test/**/*.test.ts'];
const runDir = mkdtempSync(join(tmpdir(), 'mailbridge-test-'));
const sessionEnv = await runSessionEnv(runDir);
const summaryPath = join(runDir, 'summary.json');

// Built once, before any test file runs: the e2e files, the demo test and the Electron test
// all load out/, and a rebuild while another file is serving from it would break that file.
execFileSync(process.execPath, [join(import.meta.dirname, '../node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
  cwd: join(import.meta.dirname, '..'),
  stdio: ['ignore', 'ignore', 'inherit'],
});

const nodeArgs = [
  '--test',
  '--test-concurrency=2',
  '--test-timeout=900000',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=./test/support/summary-reporter.ts',
  `--test-reporter-destination=${summaryPath}`,
  ...patterns,
];

const code = await new Promise<number>((resolve) => {
  const child = spawn(...withKeyringSession(process.execPath, nodeArgs), {
    stdio: 'inherit',
    env: {
      ...process.env,
      ...sessionEnv,
      MAILBRIDGE_TEST_RUN_DIR: runDir,
      MAILBRIDGE_APP_BUILT: '1',
    },
  });
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});

let summary = { passed: 0, failed: 0, skipped: 0 };
try {
  summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
} catch {
  summary.failed += 1;
  console.error('test runner wrote no summary: counting the run as failed');
}
if (code !== 0 && summary.failed === 0) summary.failed = 1;
rmSync(runDir, { recursive: true, force: true });
const skipped = summary.skipped ? `, ${summary.skipped} skipped` : '';
console.log(`${summary.passed} passed, ${summary.failed} failed${skipped}`);
process.exit(summary.failed ? 1 : 0);
