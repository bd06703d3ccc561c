// `npm run demo` as a person would see it: the demo runs as a child process on its sample
// mailbox (headless Chromium sign-in, full and incremental Gmail sync, searches, encryption
// check) and its printed account of the run must add up.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DEMO = join(import.meta.dirname, '../../scripts/demo.ts');
const TIMEOUT_MS = 180_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function runDemo(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [DEMO, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** The first capture group of `pattern` in the output, as a number. */
function figure(output: string, pattern: RegExp): number {
  const match = pattern.exec(output);
  assert.ok(match, `the demo's output has no line matching ${pattern}`);
  return Number(match[1]!.replaceAll(',', ''));
}

describe('npm run demo', () => {
  let base: string;
  let runDir: string;
  let run: Run;
  let inTestSession = false;

  before(async () => {
    base = mkdtempSync(join(process.env.MAILBRIDGE_TEST_RUN_DIR ?? tmpdir(), 'demo-'));
    runDir = join(base, 'run');
    // Under `npm test` this process already runs in an unlocked keyring session with the
    // run's CA trusted: tell the demo so it does not start a session of its own.
    inTestSession = Boolean(process.env.MAILBRIDGE_TEST_RUN_DIR && process.env.DBUS_SESSION_BUS_ADDRESS);
    run = await runDemo(['--dir', runDir], {
      ...process.env,
      ...(inTestSession ? { MAILBRIDGE_KEYRING_SESSION: '1' } : {}),
    });
  });

  after(() => {
    if (base) rmSync(base, { recursive: true, force: true });
  });

  test('exits 0 and says it finished', () => {
    assert.equal(run.code, 0, `exit code ${run.code}\n--- stdout\n${run.stdout.slice(-3000)}\n--- stderr\n${run.stderr.slice(-3000)}`);
    assert.match(run.stdout, /Demo finished in \d+\.\d s/);
    assert.ok(run.ms < 120_000, `the demo took ${Math.round(run.ms / 1000)} s`);
  });

  test('signs in through headless Chromium and syncs every sample message, then the new ones through history.list', () => {
    const written = figure(run.stdout, /Sample mailbox: (\d+) messages written/);
    assert.ok(written > 800 && written < 1100, `sample size ${written}`);
    assert.equal(figure(run.stdout, /Gmail holds (\d+) messages/), written);
    assert.match(run.stdout, /Headless Chromium/);
    assert.match(run.stdout, /Connected riley\.chen@mailbridge-demo\.test/);
    assert.equal(figure(run.stdout, /Full sync: (\d+) messages stored/), written);
    assert.match(run.stdout, /full sync +\[█+\] +\d+\/\d+ 100%/, 'the progress bar reaches 100 %');
    assert.match(run.stdout, /history\.list calls: 1; kind: incremental/);
    assert.match(run.stdout, /Incremental sync: 4 new messages, 1 label change, 0 deleted/);
    assert.equal(figure(run.stdout, /store: (\d+) messages/), written + 4);
    assert.equal(figure(run.stdout, /429 answers: (\d+)/), 0, 'the client paces itself to the quota');
  });

  test('every example search finds mail, and the new mail is found by its word', () => {
    const searches = [...run.stdout.matchAll(/search (.+?) +— [^:]+: (\d+)\+? hits/g)].map((m) => ({ query: m[1]!, hits: Number(m[2]) }));
    assert.ok(searches.length >= 4, `searches printed: ${JSON.stringify(searches)}`);
    for (const { query, hits } of searches) assert.ok(hits > 0, `"${query}" found nothing`);
    assert.deepEqual(searches.find((s) => s.query === 'countersigned')?.hits, 4);
    assert.match(run.stdout, /│ Subject: +\S/, 'one message is shown');
  });

  test('shows that the database file holds no plaintext and cannot be opened without its key', () => {
    for (const count of run.stdout.matchAll(/"[^"]+": (\d+) occurrences/g)) assert.equal(count[1], '0', count[0]);
    assert.equal([...run.stdout.matchAll(/occurrences/g)].length, 3);
    assert.match(run.stdout, /without the key: "file is not a database"/);
  });

  test('connects HubSpot, matches contacts and logs one email exactly once', () => {
    assert.match(run.stdout, /private-app token verified by HubSpot/);
    assert.ok(figure(run.stdout, /contact matching: (\d+) correspondents are HubSpot contacts/) > 0);
    assert.match(run.stdout, /\d{8,} +.+ +(INCOMING_EMAIL|EMAIL) +\S+@\S+/, 'the created HubSpot email is listed');
    assert.match(run.stdout, /" logged to HubSpot once, associated with its contact/);
  });

  test('serves the app headless on a tokenised loopback URL and Chromium opens a thread in it', () => {
    assert.match(run.stdout, /app served at http:\/\/127\.0\.0\.1:\d+; sign-in addresses work once/);
    assert.doesNotMatch(run.stdout, /\?token=/, 'a used sign-in address is not printed: it would open nothing');
    assert.ok(figure(run.stdout, /inbox showed (\d+) thread rows/) > 5);
    assert.match(run.stdout, /opened "[^"]+"; screenshot: /);
    assert.ok(existsSync(join(runDir, 'app-inbox.png')), 'the screenshot is kept in the run dir');
    assert.doesNotMatch(run.stdout, /Press Ctrl-C/, 'not a terminal: the demo does not wait');
  });

  test('keeps its logs out of the output, in the run dir it names and keeps', () => {
    assert.doesNotMatch(run.stdout, /^\{"time"/m, 'no JSON log line on stdout');
    assert.doesNotMatch(run.stderr, /^\{"time"/m, 'no JSON log line on stderr');
    const log = join(runDir, 'demo.log');
    assert.ok(run.stdout.includes(log), 'the log path is printed');
    assert.match(readFileSync(log, 'utf8'), /"scope":"auth.google"/);
    assert.ok(existsSync(join(runDir, 'profile', 'mailbridge.db')), '--dir keeps the profile');
  });

  test('uses the keyring session it runs in instead of nesting one, and says how to reach the profile', (t) => {
    if (!inTestSession) return t.skip('not under npm test: the demo started a keyring session of its own');
    assert.ok(!existsSync(join(runDir, 'xdg-data')), 'no keyring of its own in the run dir');
    assert.match(run.stdout, /went into the keyring session the demo ran in/);
    assert.ok(run.stdout.includes(`--profile ${join(runDir, 'profile')}`));
  });

  test('fails with a clear message and a non-zero exit code', async () => {
    const taken = await runDemo(['--dir', runDir], process.env);
    assert.equal(taken.code, 2);
    assert.match(taken.stdout, /is not empty: give a new or empty directory/);

    const failing = join(base, 'no-chromium');
    const broken = await runDemo(['--dir', failing], {
      ...process.env,
      ...(inTestSession ? { MAILBRIDGE_KEYRING_SESSION: '1' } : {}),
      MAILBRIDGE_CHROMIUM: join(base, 'no-such-chromium'),
    });
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /Demo failed: step "Connect Gmail[^"]*" failed: .*no-such-chromium/);
    assert.match(broken.stdout, /Chromium could not start/);
    assert.match(broken.stdout, new RegExp(`run dir is kept for inspection: ${failing}`));
  });
});

describe('npm run demo -- --mailbox PATH: your own mail and nothing else', () => {
  const mailbox = join(import.meta.dirname, '../../../shared/data/enron/maildir/grigsby-m/inbox');
  const skip = existsSync(mailbox) ? false : `../shared/data is absent (${mailbox})`;
  let base: string;
  let run: Run;

  before(async () => {
    if (skip) return;
    base = mkdtempSync(join(process.env.MAILBRIDGE_TEST_RUN_DIR ?? tmpdir(), 'demo-own-'));
    const inTestSession = Boolean(process.env.MAILBRIDGE_TEST_RUN_DIR && process.env.DBUS_SESSION_BUS_ADDRESS);
    run = await runDemo(['--dir', join(base, 'run'), '--mailbox', mailbox], {
      ...process.env,
      ...(inTestSession ? { MAILBRIDGE_KEYRING_SESSION: '1' } : {}),
    });
  });
  after(() => {
    if (base) rmSync(base, { recursive: true, force: true });
  });

  test('signs in as the mailbox\'s most frequent recipient and adds no invented mail', { skip }, () => {
    assert.equal(run.code, 0, `exit code ${run.code}\n--- stdout\n${run.stdout.slice(-3000)}\n--- stderr\n${run.stderr.slice(-3000)}`);
    // Counted here from the raw headers, independently of the demo's parser.
    const tally = new Map<string, number>();
    const files = readdirSync(mailbox, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const entry of files) {
      const head = readFileSync(join(entry.parentPath, entry.name), 'latin1').split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
      const recipients = new Set([...head.matchAll(/^(?:To|Cc):(.*)$/gim)].flatMap((m) => m[1]!.match(/[\w.+'-]+@[\w.-]+\w/g) ?? []).map((a) => a.toLowerCase()));
      for (const address of recipients) tally.set(address, (tally.get(address) ?? 0) + 1);
    }
    const [owner] = [...tally].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]!;
    assert.match(run.stdout, new RegExp(`Gmail holds \\d+ messages in \\d+ threads for ${owner.replace(/[.+]/g, '\\$&')}`));
    assert.match(run.stdout, new RegExp(`Connected ${owner.replace(/[.+]/g, '\\$&')}`));
    assert.doesNotMatch(run.stdout, /countersigned/i, 'none of the sample\'s invented messages');
    assert.match(run.stdout, /the mailbox's 3 newest messages, held back until the full sync was done/);
    const full = figure(run.stdout, /Full sync: (\d+) messages stored/);
    const incremental = figure(run.stdout, /Incremental sync: (\d+) new messages/);
    assert.equal(incremental, 3);
    assert.equal(full + incremental, files.length, 'every message of the mailbox, and only those');
  });
});
