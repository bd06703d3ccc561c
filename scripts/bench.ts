// `npm run bench [-- --quick]`: sync, event-loop delay, import and search benchmarks over the
// real Enron corpus; `npm run bench -- --scale[=N,…]`: import and Gmail sync at N messages of
// a synthetic mailbox (default 10,000 and 100,000; scripts/bench/scale.ts). Both run like the
// tests: inside a private D-Bus session with gnome-keyring (the store's key goes to a
// keychain of the run's own) and with the run's test CA trusted.
// Figures are printed as measured, then as one JSON object (also bench-results/latest.json).
// They are reported, not asserted (the machine is shared); the exit code is 1 only when a
// benchmark fails to run.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSessionEnv, withKeyringSession } from './keyring-session.ts';
import { setLogSink } from '../src-main/platform/logger.ts';
import { openServices } from '../src-main/app/assemble.ts';
import { benchGmailSync } from './bench/gmail-sync.ts';
import { benchImport } from './bench/import.ts';
import { benchSearch } from './bench/search.ts';
import { scaleCorpus } from './bench/search-scale.ts';
import { databaseOf } from '../src-main/store/profile-store.ts';
import { benchUi } from './bench/ui.ts';
import { benchOutbox } from './bench/outbox.ts';
import { benchMatching } from './bench/crm-matching.ts';
import { CRMS } from './bench/crm-rigs.ts';
import {
  MATCHING_RESULT, MATCHING_TARGET, matchingAddresses, matchingLine, OUTBOX_RESULT, outboxLine,
} from './bench/crm-report.ts';
import { benchGraphSync, type GraphSyncFigures } from './bench/graph-sync.ts';
import { benchChaos, chaosTable } from './bench/chaos.ts';
import { round } from './bench/figures.ts';
import { benchImapSync } from './bench/imap-sync.ts';
import { benchScale, scalesOf } from './bench/scale.ts';
import { GOALS, goalsMet, type Results } from './bench/goals.ts';

const ROOT = join(import.meta.dirname, '..');
const CORPUS = join(ROOT, '../shared/data/enron/maildir');
const QUICK_INBOX = 'dasovich-j';
const RESULTS = join(ROOT, 'bench-results/latest.json');
/** Set by the launcher for the run inside the keyring session. */
const RUN_DIR_ENV = 'MAILBRIDGE_BENCH_RUN_DIR';

if (process.env[RUN_DIR_ENV]) {
  // --only=a,b runs just those benchmarks: names as in the JSON results (e.g. --only=ui), or a
  // group: `outbox` and `matching` (every CRM; `outboxHubspot` is HubSpot's outbox alone).
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',') ?? null;
  process.exitCode = await runBenchmarks(process.env[RUN_DIR_ENV], process.argv.includes('--quick'), only);
} else {
  process.exitCode = await launch(process.argv.slice(2));
}

/** Creates the run's CA and keyring home, then runs this script again inside the keyring session. */
async function launch(args: string[]): Promise<number> {
  const started = performance.now();
  const runDir = mkdtempSync(join(tmpdir(), 'mailbridge-bench-'));
  try {
    const sessionEnv = await runSessionEnv(runDir);
    const code = await new Promise<number>((resolve) => {
      // MAILBRIDGE_BENCH_CPU_PROF=DIR: V8 CPU profiles of the run (one per thread, mail worker included) go to DIR.
      const profile = process.env.MAILBRIDGE_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.MAILBRIDGE_BENCH_CPU_PROF}`] : [];
      const child = spawn(...withKeyringSession(process.execPath, [...profile, fileURLToPath(import.meta.url), ...args]), {
        stdio: 'inherit',
        env: {
          ...process.env,
          ...sessionEnv,
          [RUN_DIR_ENV]: runDir,
        },
      });
      child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    });
    process.stderr.write(`bench took ${round((performance.now() - started) / 1000)} s in all\n`);
    return code;
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

async function runBenchmarks(runDir: string, quick: boolean, only: string[] | null): Promise<number> {
  const started = performance.now();
  setLogSink((line) => process.stderr.write(line + '\n'), 'warn');
  const caDir = process.env.MAILBRIDGE_TEST_CA_DIR ?? join(runDir, 'ca');
  const host = machine();
  const report: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    quick,
    machine: host,
    corpus: CORPUS,
    goals: GOALS,
  };

  const scales = scalesOf(process.argv);
  if (scales) return runScale(report, host, scales, runDir, caDir, started);

  if (!existsSync(CORPUS)) {
    console.log(`LOUD SKIP: the Enron corpus is absent (${CORPUS}); no benchmark was run`);
    return finish({ ...report, skipped: `corpus absent: ${CORPUS}` }, 0);
  }

  const results: Results = {};
  const errors: Record<string, string> = {};
  const measure = async <T>(name: keyof Results, run: () => Promise<T>, print: (figures: T) => string, groups: string[] = []): Promise<void> => {
    if (only && ![name, ...groups].some((n) => only.includes(n))) return;
    try {
      const figures = await run();
      (results as Record<string, unknown>)[name] = figures;
      console.log(print(figures));
    } catch (error) {
      errors[name] = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.log(`${name}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const syncCorpus = quick ? join(CORPUS, QUICK_INBOX) : CORPUS;
  const syncLabel = quick ? QUICK_INBOX : 'all 9 inboxes';
  console.log(`mailbridge bench on ${host.cpuCount} × ${host.cpuModel}, ${host.totalMemoryGb} GB, Node ${host.node},` +
    ` load ${host.loadAverage1m}${quick ? ` (--quick: sync of ${QUICK_INBOX} only)` : ''}`);

  await measure('syncQuotaOff', () => benchGmailSync({ mailbox: syncCorpus, caDir, profileDir: join(runDir, 'sync-off'), quota: false }), (f) =>
    `gmail full sync, quota off (${syncLabel}): ${f.messages} messages in ${f.seconds} s = ${f.messagesPerSecond} messages/s` +
    ` (goal ≥ ${GOALS.syncQuotaOffMessagesPerSecond.min}); CPU: client ${f.clientCpuSeconds} s, emulator ${f.emulatorCpuSeconds ?? '?'} s\n` +
    `main-thread event-loop delay during that sync: p50 ${f.eventLoopDelay.p50Ms} ms, p99 ${f.eventLoopDelay.p99Ms} ms,` +
    ` max ${f.eventLoopDelay.maxMs} ms (goal p99 ≤ ${GOALS.eventLoopDelayP99Ms.max} ms)`);

  await measure('import', () => benchImport(CORPUS, join(runDir, 'import')), (f) =>
    `offline import (all 9 inboxes): ${f.messages} messages in ${f.seconds} s = ${f.messagesPerSecond} messages/s,` +
    ` peak RSS ${f.peakRssMb} MB (goal ≤ ${GOALS.importPeakRssMb.max} MB); CPU ${f.cpuSeconds} s;` +
    ` database ${f.databaseBytesPerRawByte} × the raw bytes (goal ≤ 1.0)`);

  await measure('search', async () => {
    if (!results.import) throw new Error('no imported corpus to search (the import failed)');
    const services = await openServices({ profileDir: join(runDir, 'import'), config: { google: {} } });
    try {
      return benchSearch(services);
    } finally {
      await services.close();
    }
  }, (f) =>
    `search (${f.queries} queries, limit ${f.limit}, after ${f.warmUp} warm-ups): p50 ${f.p50Ms} ms, p95 ${f.p95Ms} ms,` +
    ` max ${f.maxMs} ms (goal p95 ≤ ${GOALS.searchP95Ms.max} ms); ${f.zeroHits} with no hit`);

  await measure('search100k', async () => {
    if (!results.import) throw new Error('no imported corpus to grow (the import failed)');
    const services = await openServices({ profileDir: join(runDir, 'import'), config: { google: {} } });
    try {
      const copies = Math.ceil(100_000 / services.store.messages.stats().messages) - 1;
      const started = performance.now();
      scaleCorpus(databaseOf(services.store), copies);
      console.log(`search corpus grown to ${services.store.messages.stats().messages} messages in ${round((performance.now() - started) / 1000, 1)} s`);
      return benchSearch(services);
    } finally {
      await services.close();
    }
  }, (f) =>
    `search at ${f.messages.toLocaleString('en')} messages (${f.queries} queries, first page of ${f.limit} conversations): p50 ${f.p50Ms} ms,` +
    ` p95 ${f.p95Ms} ms (goal ≤ ${GOALS.searchP95Ms.max}), max ${f.maxMs} ms (goal ≤ ${GOALS.searchMaxMs.max}); by kind: ` +
    Object.entries(f.byKind).map(([kind, k]) => `${kind} p95 ${k.p95Ms} ms`).join(', '));

  await measure('syncQuotaOn', () => benchGmailSync({ mailbox: syncCorpus, caDir, profileDir: join(runDir, 'sync-on'), quota: true }), (f) =>
    `gmail full sync, quota on (${syncLabel}): ${f.messages} messages in ${f.seconds} s = ${f.messagesPerSecond} messages/s;` +
    ` ${f.quotaUnitsPerSecond} quota units/s = ${f.quotaCeilingPercent} % of the 250 units/s ceiling` +
    ` (goal ≥ ${GOALS.syncQuotaOnCeilingPercent.min} %), ${f.rateLimited} × 429 (goal ${GOALS.syncQuotaOnRateLimited.max});` +
    ` event-loop delay p99 ${f.eventLoopDelay.p99Ms} ms, max ${f.eventLoopDelay.maxMs} ms;` +
    ` newest 50 threads in the inbox after ${f.firstThreadsSeconds[50] ?? '–'} s (goal ≤ 5 s), 500 after ${f.firstThreadsSeconds[500] ?? '–'} s (goal ≤ 15 s)`);

  const graphFigures = (f: GraphSyncFigures) =>
    `outlook full delta sync, limits ${f.limits} (${syncLabel}, ${f.folders} folders): ${f.messages} messages in ${f.seconds} s =` +
    ` ${f.messagesPerSecond} messages/s, ${f.requests} requests (${f.requestsPerSecond}/s), ${f.concurrency} in flight (peak ${f.concurrentPeak})` +
    (f.limits === 'on'
      ? `; ${f.window}: ceiling ${f.ceilingMessagesPerSecond} messages/s, achieved ${f.ceilingPercent} % (goal ≥ ${GOALS.graphSyncOnCeilingPercent.min} %),` +
        ` ${f.throttled} × 429 retried (${f.concurrencyThrottled} for concurrency), ${f.failedRequests} failed requests (goal ${GOALS.graphSyncOnFailedRequests.max})`
      : ` (goal ≥ ${GOALS.graphSyncOffMessagesPerSecond.min})`) +
    `; CPU: client ${f.clientCpuSeconds} s, emulator ${f.emulatorCpuSeconds ?? '?'} s`;
  await measure('graphSyncOff', () => benchGraphSync({ corpus: syncCorpus, caDir, profileDir: join(runDir, 'graph-off'), limits: false }), graphFigures);
  await measure('graphSyncOn', () => benchGraphSync({ corpus: syncCorpus, caDir, profileDir: join(runDir, 'graph-on'), limits: true }), graphFigures);
  for (const crm of CRMS) {
    await measure(OUTBOX_RESULT[crm], () => benchOutbox({ caDir, crm, ...(quick ? { backlog: 200 } : {}) }), outboxLine, crm === 'hubspot' ? ['outboxHubspot'] : ['outbox']);
  }
  const matchingSizes = matchingAddresses(process.argv, quick);
  for (const crm of CRMS) {
    await measure(MATCHING_RESULT[crm], () => benchMatching({ caDir, crm, addresses: matchingSizes[crm], targetAddresses: MATCHING_TARGET }), matchingLine, ['matching']);
  }
  await measure('ui', () => benchUi(runDir), (f) =>
    `inbox of ${f.threads.toLocaleString('en')} threads (filled in ${f.fillSeconds} s): first render of the list` +
    ` ${f.firstRenderMs.median} ms from navigation start (median of ${f.firstRenderMs.runs.join(', ')}; goal ≤ ${GOALS.inboxFirstRenderMs.max} ms)\n` +
    `scrolling ${f.scroll.rows.toLocaleString('en')} rows in ${f.scroll.frames} frames (${f.scroll.seconds} s): ${f.scroll.longTasks} long tasks` +
    ` (> 50 ms; goal 0), longest ${f.scroll.longestTaskMs} ms\n` +
    `thread open, click to content (${f.threadOpen.samples} threads): p50 ${f.threadOpen.p50Ms} ms, p95 ${f.threadOpen.p95Ms} ms` +
    ` (goal ≤ ${GOALS.threadOpenP95Ms.max} ms), max ${f.threadOpen.maxMs} ms\n` +
    `log to CRM, click to "logged" against the HubSpot emulator (${f.logToCrm.samples} logs): p50 ${f.logToCrm.p50Ms} ms,` +
    ` p95 ${f.logToCrm.p95Ms} ms (goal ≤ ${GOALS.logToCrmP95Ms.max} ms), ${f.logToCrm.duplicates} duplicates`);

  await measure('imap', () => benchImapSync({ corpus: CORPUS, ...(quick ? { people: [QUICK_INBOX] } : {}), caDir, work: runDir }), (f) =>
    `imap full sync from a local Dovecot (${f.folders} folders), median of ${f.rounds.length} interleaved with mbsync: ${f.messages} messages in ${f.seconds} s = ${f.messagesPerSecond} messages/s (rounds ${f.rounds.join(', ')})` +
    (f.mbsync ? `; mbsync (${f.mbsync.version}) ${f.mbsync.seconds} s = ${f.mbsync.messagesPerSecond} messages/s (rounds ${f.mbsync.rounds.join(', ')}); ratio ${f.ratioToMbsync} (goal ≥ ${GOALS.imapSyncRatioToMbsync.min});` +
        ` mbsync with FSync no ${f.mbsync.noFsync.messagesPerSecond} messages/s (rounds ${f.mbsync.noFsync.rounds.join(', ')}), ratio ${f.mbsync.noFsync.ratio}` : '; mbsync not installed') +
    `; event-loop delay p99 ${f.eventLoopDelay.p99Ms} ms (goal ≤ ${GOALS.imapEventLoopDelayP99Ms.max});` +
    ` IDLE delivery over ${f.idle.samples} messages p50 ${f.idle.p50Ms} ms, p95 ${f.idle.p95Ms} ms (goal ≤ ${GOALS.imapIdleP95Ms.max}), max ${f.idle.maxMs} ms`);

  await measure('chaos', () => benchChaos({ quick }), chaosTable);

  const failed = Object.keys(errors).length;
  return finish({
    ...report,
    durationSeconds: round((performance.now() - started) / 1000),
    results,
    goalsMet: goalsMet(results),
    ...(failed ? { errors } : {}),
  }, failed ? 1 : 0);
}

/** `--scale`: the synthetic mailbox at each size, smallest first; nothing else runs. */
async function runScale(
  report: Record<string, unknown>, host: ReturnType<typeof machine>, scales: number[], runDir: string, caDir: string, started: number,
): Promise<number> {
  console.log(`mailbridge scale bench on ${host.cpuCount} × ${host.cpuModel}: ${scales.map((n) => n.toLocaleString('en')).join(', ')} messages`);
  const { scale, errors } = await benchScale(scales, { caDir, work: runDir }, (line) => console.log(line));
  const failed = Object.keys(errors).length;
  return finish({
    ...report,
    durationSeconds: round((performance.now() - started) / 1000),
    results: { scale },
    goalsMet: goalsMet({ scale }),
    ...(failed ? { errors } : {}),
  }, failed ? 1 : 0);
}

function finish(report: Record<string, unknown>, code: number): number {
  const json = JSON.stringify(report);
  mkdirSync(join(RESULTS, '..'), { recursive: true });
  writeFileSync(RESULTS, JSON.stringify(report, null, 2) + '\n');
  console.log(json);
  return code;
}

function machine() {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model ?? 'unknown',
    cpuCount: cpu.length,
    totalMemoryGb: round(totalmem() / 1024 ** 3),
    node: process.version,
    os: `${platform()} ${release()}`,
    loadAverage1m: round(loadavg()[0] ?? 0, 2),
  };
}
