// The crash campaign (issue 14): a child process runs the real services on a profile and is
// SIGKILLed at seeded random points of one job (a sync, an import, an outbox flush); after
// each kill the profile is reopened and checked (PRAGMA integrity_check, the FTS5
// integrity-check), and the job resumed, until a last uninterrupted run completes it. The
// scenario then compares the profile with the provider: nothing lost, nothing twice, and how
// much work the provider was asked for again.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../../../scripts/seeded-random.ts';
import { createOsSecretStore } from '../../../src-main/platform/keychain.ts';
import { DATABASE_FILE } from '../../../src-main/platform/paths.ts';
import { databaseOf, openProfileStore, type ProfileStore } from '../../../src-main/store/profile-store.ts';

const CHILD = join(import.meta.dirname, 'chaos-child.ts');
/** After the progress point is reached the kill waits 0..this many ms, so it lands anywhere in a batch. */
const MAX_KILL_JITTER_MS = 150;
/**
 * A point an earlier run already passed is hit by time instead: 0..this many ms after the job
 * starts, which is inside its first batch (a sync commits at least once a second), so several
 * kills can land between two commits.
 */
const MAX_EARLY_KILL_MS = 1_000;
/** One child run may take this long before the campaign gives up on it. */
const RUN_TIMEOUT_MS = 180_000;

/** What the child runs; `progressSql` returns one number that grows as the job advances. */
export type ChaosJob = { progressSql: string } & (
  | { kind: 'sync'; accountId: number }
  | { kind: 'import'; path: string; accountEmail: string }
  | { kind: 'outbox' }
);

/** The scenario's verdict after the final run, from the profile and the provider's own records. */
export interface Outcome {
  /** Messages (or CRM logs) the provider holds. */
  expected: number;
  /** Held by the provider, missing from the profile (outbox: logs not delivered). */
  lost: number;
  /** Stored beyond one row per provider message (outbox: items left undone). */
  duplicated: number;
  /** Messages whose stored state differs from the provider's (labels; deleted mail still shown). */
  wrongState: number;
  /** CRM emails created twice for one log, and logs the CRM never received (outbox only). */
  crmDuplicated: number | null;
  crmMissing: number | null;
  /** Provider requests beyond one per message (or per log): work done again after a kill; null without a provider. */
  repeatedRequests: number | null;
}

export interface Scenario {
  name: string;
  /** Sets up the profile and the provider; `start`..`total` is the progress range the kills are drawn from. */
  prepare(): Promise<{ profileDir: string; job: ChaosJob; start: number; total: number }>;
  verify(store: ProfileStore): Promise<Outcome> | Outcome;
}

export interface CampaignReport extends Outcome {
  scenario: string;
  /** Children SIGKILLed (a child that finished before its kill point is not counted). */
  kills: number;
  /** The progress value at each kill. */
  killedAt: number[];
  /** "ok", or the first problem PRAGMA integrity_check / the FTS5 integrity-check reported after any run. */
  integrity: string;
  fts: string;
  seconds: number;
}

/**
 * Runs `scenario` with `kills` SIGKILLs at seeded points between its start and 90 % of its
 * total progress, then once to the end, and returns its report. Throws when a child fails
 * for any other reason than the kill (its stderr is inherited).
 */
export async function runCampaign(scenario: Scenario, options: { kills: number; seed: number }): Promise<CampaignReport> {
  const started = performance.now();
  const random = seededRandom(options.seed);
  const { profileDir, job, start, total } = await scenario.prepare();
  const points = Array.from({ length: options.kills }, () => Math.round(start + (0.05 + 0.85 * random()) * (total - start))).sort((a, b) => a - b);
  const checks = { integrity: 'ok', fts: 'ok' };
  const killedAt: number[] = [];
  for (const point of points) {
    const run = await runChild(profileDir, job, { progress: point, jitterMs: random() * MAX_KILL_JITTER_MS, earlyMs: random() * MAX_EARLY_KILL_MS });
    if (run.killedAt !== null) killedAt.push(run.killedAt);
    await checkProfile(profileDir, checks);
  }
  const last = await runChild(profileDir, job, null);
  if (last.killedAt !== null) throw new Error(`${scenario.name}: the final run did not finish`);
  const store = await openStore(profileDir);
  try {
    checkStore(store, checks);
    const outcome = await scenario.verify(store);
    return { scenario: scenario.name, kills: killedAt.length, killedAt, ...checks, ...outcome, seconds: Math.round(performance.now() - started) / 1000 };
  } finally {
    store.close();
  }
}

/**
 * Runs the child once; with `kill`, SIGKILLs it `jitterMs` after its progress reaches
 * `kill.progress`, or `earlyMs` after it starts when it starts past that point.
 */
async function runChild(
  profileDir: string,
  job: ChaosJob,
  kill: { progress: number; jitterMs: number; earlyMs: number } | null,
): Promise<{ killedAt: number | null }> {
  const child = spawn(process.execPath, [CHILD, '--profile', profileDir, '--job', JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, MAILBRIDGE_LOG_LEVEL: 'error' },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const timeout = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  let progress = 0;
  let killedAt: number | null = null;
  let done = false;
  let aiming = false;
  const aim = (delayMs: number) => {
    aiming = true;
    void sleep(delayMs).then(() => {
      if (child.exitCode !== null || done) return;
      killedAt = progress;
      child.kill('SIGKILL');
    });
  };
  for await (const line of createInterface({ input: child.stdout! })) {
    const [word, value] = line.split(' ', 2);
    if (word === 'done') done = true;
    if (word !== 'ready' && word !== 'progress') continue;
    progress = Number(value);
    if (!kill || aiming) continue;
    if (word === 'ready' && progress >= kill.progress) aim(kill.earlyMs);
    else if (progress >= kill.progress) aim(kill.jitterMs);
  }
  const { code, signal } = await exited;
  clearTimeout(timeout);
  if (signal === 'SIGKILL' && killedAt !== null) return { killedAt };
  if (code !== 0 || !done) throw new Error(`chaos child (${job.kind}) ended with ${signal ?? `exit code ${code}`} at progress ${progress}`);
  return { killedAt: null };
}

async function openStore(profileDir: string): Promise<ProfileStore> {
  return openProfileStore({ path: join(profileDir, DATABASE_FILE), secrets: createOsSecretStore() });
}

async function checkProfile(profileDir: string, checks: { integrity: string; fts: string }): Promise<void> {
  const store = await openStore(profileDir);
  try {
    checkStore(store, checks);
  } finally {
    store.close();
  }
}

/** Records the first failure of each check in `checks` (later runs cannot hide an earlier one). */
function checkStore(store: ProfileStore, checks: { integrity: string; fts: string }): void {
  const db = databaseOf(store);
  const integrity = (db.prepare('PRAGMA integrity_check').pluck().all() as string[]).join('; ');
  if (checks.integrity === 'ok' && integrity !== 'ok') checks.integrity = integrity;
  let fts = 'ok';
  try {
    // https://sqlite.org/fts5.html#the_integrity_check_command: SQLITE_CORRUPT_VTAB when the index is inconsistent.
    db.prepare("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')").run();
    const indexed = db.prepare('SELECT count(*) FROM messages_fts_docsize').pluck().get() as number;
    const stored = db.prepare('SELECT count(*) FROM messages').pluck().get() as number;
    if (indexed !== stored) fts = `${indexed} rows indexed for ${stored} messages`;
  } catch (error) {
    fts = error instanceof Error ? error.message : String(error);
  }
  if (checks.fts === 'ok' && fts !== 'ok') checks.fts = fts;
}
