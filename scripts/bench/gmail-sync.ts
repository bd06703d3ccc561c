// Gmail full-sync benchmark: the real services (googleapis client, parser, encrypted store,
// OS keychain) sync a fresh profile from the Gmail emulator running as its own process, so
// the emulator's work never shares the event loop being measured. The scale benchmark runs
// it in a child process of its own (benchGmailSyncInChild; this file is that child), so the
// peak RSS is the sync's and not the bench process's, which generated the mailbox.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { openServices } from '../../src-main/app/assemble.ts';
import { setLogSink } from '../../src-main/platform/logger.ts';
import { GMAIL_UNITS_PER_SECOND } from '../../src-main/mail/providers/gmail.ts';
import { QUOTA_COST } from '../../test/emulators/gmail/quota.ts';
import { processCpuSeconds, round, runNodeJson } from './figures.ts';

const EMULATOR = join(import.meta.dirname, '../../test/emulators/gmail/main.ts');
/** monitorEventLoopDelay sampling interval, ms. */
const DELAY_RESOLUTION_MS = 10;

export interface GmailSyncOptions {
  /** maildir / mbox / .eml folder the emulator serves. */
  mailbox: string;
  /** The run's test CA (the bench process trusts DIR/ca.pem through NODE_EXTRA_CA_CERTS). */
  caDir: string;
  /** A fresh profile directory for this run. */
  profileDir: string;
  /** Emulator enforces Gmail's 250 units/s per user, and the client paces to it. */
  quota: boolean;
  /**
   * Stop the sync once the inbox holds this many threads (the scale benchmark's quota-on
   * run, which would take half an hour to finish at 100,000 messages); the figures then
   * cover the sync up to that point, and `stopped` is true.
   */
  stopAfterThreads?: number;
  /** The mailbox owner's address (default me@mailbridge.test): Gmail never threads two conversations as one through it. */
  email?: string;
}

/**
 * How late the 10 ms sampling timer fired. The histogram records the whole interval
 * between ticks (an idle loop reads ~10.2 ms), so the resolution is subtracted, as
 * @fastify/under-pressure does; raw values are kept for comparison.
 */
export interface EventLoopDelayFigures {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  rawP99Ms: number;
}

export interface GmailSyncFigures {
  quota: 'on' | 'off';
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  /** Main-thread event-loop delay while the sync ran (monitorEventLoopDelay, 10 ms resolution). */
  eventLoopDelay: EventLoopDelayFigures;
  /** Quota units of the requests the emulator served (429s excluded), and their rate. */
  quotaUnits: number;
  quotaUnitsPerSecond: number;
  /** quotaUnitsPerSecond ÷ Gmail's 250 units/s, in %; null with quota off (no ceiling). */
  quotaCeilingPercent: number | null;
  /** 429 rateLimitExceeded answers the emulator served. */
  rateLimited: number;
  serverErrors: number;
  requests: number;
  connections: number;
  /** CPU time of the bench process (main thread + mail worker) and of the emulator during the sync, s. */
  clientCpuSeconds: number;
  emulatorCpuSeconds: number | null;
  /**
   * Seconds from the start of the full sync until the inbox (read on each mail:changed, as
   * the renderer does) first held 50 and 500 threads; null when the mailbox has fewer.
   */
  firstThreadsSeconds: { 50: number | null; 500: number | null };
  /** Peak resident set of the bench process (main thread, mail worker, store writer) during the sync, MB (sampled every 100 ms). */
  peakRssMb: number;
  /** The sync was stopped at `stopAfterThreads` threads. */
  stopped: boolean;
}

interface EmulatorStats {
  requests: Record<string, number>;
  rateLimited: number;
  serverErrors: number;
  connections: number;
}

interface Emulator {
  url: string;
  messages: number;
  stats(): Promise<EmulatorStats>;
  /** user + system CPU seconds so far (Linux /proc), null elsewhere. */
  cpuSeconds(): number | null;
  stop(): Promise<void>;
}

async function startEmulator(mailbox: string, caDir: string, quota: boolean, email: string): Promise<Emulator> {
  const child: ChildProcess = spawn(
    process.execPath,
    // Room for the encodings it caches of a 100,000-message mailbox (scale benchmark).
    ['--max-old-space-size=16384', EMULATOR, '--mailbox', mailbox, '--ca-dir', caDir, '--quota', quota ? 'on' : 'off', '--email', email],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MAILBRIDGE_LOG_LEVEL: 'warn' } },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`Gmail emulator exited with ${code ?? signal} before listening`)));
  });
  const started = JSON.parse(line) as { url: string; messages: number };
  return {
    ...started,
    async stats() {
      const response = await fetch(`${started.url}/__admin/stats`);
      if (!response.ok) throw new Error(`emulator stats: HTTP ${response.status}`);
      return (await response.json()) as EmulatorStats;
    },
    cpuSeconds: () => processCpuSeconds(child.pid),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * One full sync of `mailbox` into a fresh profile. Throws when the sync fails or stores
 * fewer messages than the emulator serves.
 */
export async function benchGmailSync(options: GmailSyncOptions): Promise<GmailSyncFigures> {
  const email = options.email ?? 'me@mailbridge.test';
  const emulator = await startEmulator(options.mailbox, options.caDir, options.quota, email);
  try {
    const services = await openServices({
      profileDir: options.profileDir,
      // No `secrets`: the database key goes to the real OS keychain (the session's gnome-keyring).
      config: {
        google: {
          clientId: 'mailbridge-bench',
          clientSecret: 'bench',
          // The emulator serves no OAuth endpoints: a refresh attempt would fail loudly here.
          authUrl: `${emulator.url}/o/oauth2/v2/auth`,
          tokenUrl: `${emulator.url}/token`,
          gmailUrl: `${emulator.url}/`,
          quotaUnitsPerSecond: options.quota ? GMAIL_UNITS_PER_SECOND : null,
        },
      },
    });
    try {
      // An account with tokens but no browser sign-in: the emulator accepts any bearer token
      // by default, and an access token that expires in an hour is never refreshed (the
      // client refreshes 5 minutes before expiry; the longest run here takes ~100 s).
      const account = services.store.accounts.create({ provider: 'gmail', email });
      services.store.accounts.setTokens(account.id, {
        accessToken: 'bench',
        refreshToken: 'bench',
        expiresAt: Date.now() + 3_600_000,
        scopes: [],
      });
      const stopProgress = services.onSyncProgress(progressPrinter(options.quota ? 'quota on' : 'quota off'));
      const firstThreads: GmailSyncFigures['firstThreadsSeconds'] = { 50: null, 500: null };
      const stop = new AbortController();
      const stopWatching = services.onEvent((event) => {
        if (event.name !== 'mail:changed') return;
        const { total } = services.store.inbox.page({}, 0, 1);
        const at = round((performance.now() - started) / 1000, 2);
        if (total >= 50) firstThreads[50] ??= at;
        if (total >= 500) firstThreads[500] ??= at;
        if (options.stopAfterThreads !== undefined && total >= options.stopAfterThreads) stop.abort();
      });
      let peakRss = process.memoryUsage.rss();
      const rssSampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
      const delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
      delay.enable();
      const emulatorCpu = emulator.cpuSeconds();
      const cpu = process.cpuUsage();
      const started = performance.now();
      let added: number;
      try {
        added = (await services.syncAccount(account.id, { signal: stop.signal })).added;
      } catch (error) {
        if (!stop.signal.aborted) throw error;
        added = services.store.messages.stats().messages;
      } finally {
        delay.disable();
        clearInterval(rssSampler);
        stopProgress();
        stopWatching();
      }
      const seconds = (performance.now() - started) / 1000;
      const clientCpu = process.cpuUsage(cpu);
      const emulatorCpuAfter = emulator.cpuSeconds();
      if (!stop.signal.aborted && added !== emulator.messages) {
        throw new Error(`sync stored ${added} of the emulator's ${emulator.messages} messages`);
      }
      const stats = await emulator.stats();
      // The emulator counts requests per method, whatever the outcome; a 429 consumes no
      // quota, and only 5-unit calls (messages.get/list) are throttled in a full sync.
      const requests = Object.values(stats.requests).reduce((a, b) => a + b, 0);
      const quotaUnits = Object.entries(stats.requests).reduce((sum, [method, n]) => sum + n * (QUOTA_COST[method] ?? 5), 0)
        - stats.rateLimited * 5;
      const quotaUnitsPerSecond = quotaUnits / seconds;
      return {
        quota: options.quota ? 'on' : 'off',
        messages: added,
        seconds: round(seconds, 2),
        messagesPerSecond: Math.round(added / seconds),
        eventLoopDelay: eventLoopDelay(delay),
        quotaUnits,
        quotaUnitsPerSecond: round(quotaUnitsPerSecond),
        quotaCeilingPercent: options.quota ? round((quotaUnitsPerSecond / GMAIL_UNITS_PER_SECOND) * 100) : null,
        rateLimited: stats.rateLimited,
        serverErrors: stats.serverErrors,
        requests,
        connections: stats.connections,
        clientCpuSeconds: round((clientCpu.user + clientCpu.system) / 1e6, 2),
        emulatorCpuSeconds: emulatorCpu === null || emulatorCpuAfter === null ? null : round(emulatorCpuAfter - emulatorCpu, 2),
        firstThreadsSeconds: firstThreads,
        peakRssMb: round(peakRss / 1024 ** 2),
        stopped: stop.signal.aborted,
      };
    } finally {
      await services.close();
    }
  } finally {
    await emulator.stop();
  }
}

function eventLoopDelay(histogram: IntervalHistogram): EventLoopDelayFigures {
  const late = (ns: number) => round(Math.max(0, ns / 1e6 - DELAY_RESOLUTION_MS));
  return {
    p50Ms: late(histogram.percentile(50)),
    p99Ms: late(histogram.percentile(99)),
    maxMs: late(histogram.max),
    rawP99Ms: round(histogram.percentile(99) / 1e6),
  };
}

/** Progress on stderr every 10 s (a quota-bound sync runs for minutes). */
function progressPrinter(label: string): (p: { phase: string; done: number; total: number }) => void {
  let last = performance.now();
  return (p) => {
    const now = performance.now();
    if (p.phase !== 'full' || now - last < 10_000) return;
    last = now;
    process.stderr.write(`  … ${label}: ${p.done}/${p.total} messages\n`);
  };
}

/** benchGmailSync in a child process (inside the same keyring session and CA): its peak RSS is the sync's own. */
export function benchGmailSyncInChild(options: GmailSyncOptions): Promise<GmailSyncFigures> {
  return runNodeJson<GmailSyncFigures>(fileURLToPath(import.meta.url), [JSON.stringify(options)]);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!process.argv[2]) throw new Error('usage: node scripts/bench/gmail-sync.ts OPTIONS_JSON');
  setLogSink((line) => process.stderr.write(line + '\n'), 'warn');
  const figures = await benchGmailSync(JSON.parse(process.argv[2]) as GmailSyncOptions);
  // maxRSS (getrusage, KB) also catches a peak between two 100 ms samples.
  figures.peakRssMb = round(Math.max(figures.peakRssMb, process.resourceUsage().maxRSS / 1024));
  process.stdout.write(JSON.stringify(figures) + '\n');
}
