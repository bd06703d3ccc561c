// Outlook full delta sync benchmark: the real services (msal-node sign-in in Chromium against
// the identity emulator, microsoft-graph-client, parser, encrypted store, OS keychain) sync a
// fresh profile from the Graph emulator running as its own process, all 9 Enron inboxes loaded
// as Inbox/<user> folders of one mailbox. With limits on, Outlook's 10,000 requests per 10
// minutes is scaled to `limit` per `windowMs` in the emulator and the client alike, so the
// run takes under a minute instead of five; the sustained ceiling is limit ÷ window.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openServices } from '../../src-main/app/assemble.ts';
import { IdentityEmulator } from '../../test/emulators/identity/identity-emulator.ts';
import { deepLinkBrowserOpener } from '../../test/emulators/identity/browser-consent.ts';
import { emulatedMicrosoftConfig } from '../../test/emulators/microsoft-config.ts';
import { launchChromium } from '../../test/support/chromium.ts';
import type { GraphSyncResult } from '../../src-main/mail/graph-sync.ts';
import { processCpuSeconds, round } from './figures.ts';

const EMULATOR = join(import.meta.dirname, '../../test/emulators/graph/main.ts');

export interface GraphSyncBenchOptions {
  /** A maildir root whose <user>/inbox folders are loaded (or one maildir folder for --quick). */
  corpus: string;
  caDir: string;
  profileDir: string;
  /** Outlook's limits on (scaled): 4 in flight and `limit` requests per `windowMs`, enforced by the emulator and kept by the client. */
  limits: boolean;
  /** Scaled request limit and window (default 1,000 per 10 s, i.e. 100 requests/s). */
  limit?: number;
  windowMs?: number;
  /** Client requests in flight with limits off (default 4, Outlook's limit). */
  concurrency?: number;
}

export interface GraphSyncFigures {
  limits: 'on' | 'off';
  messages: number;
  folders: number;
  seconds: number;
  messagesPerSecond: number;
  /** Requests the emulator answered, 429s excluded, and their rate. */
  requests: number;
  requestsPerSecond: number;
  /** With limits on: limit ÷ window in requests/s, the messages/s it allows, and the achieved share in %. */
  ceilingRequestsPerSecond: number | null;
  ceilingMessagesPerSecond: number | null;
  ceilingPercent: number | null;
  /** 429s served (retried by the client) and requests the client gave up on. */
  throttled: number;
  /** Of those, 429 MailboxConcurrency (more than 4 in flight as the server counted them). */
  concurrencyThrottled: number;
  failedRequests: number;
  concurrentPeak: number;
  concurrency: number;
  window: string | null;
  /** CPU time of the bench process (main thread + mail worker) and of the Graph emulator during the sync, s. */
  clientCpuSeconds: number;
  emulatorCpuSeconds: number | null;
}

interface Emulator {
  url: string;
  messages: number;
  admin(path: string, body?: unknown): Promise<Record<string, unknown>>;
  /** user + system CPU seconds so far (Linux /proc), null elsewhere. */
  cpuSeconds(): number | null;
  stop(): Promise<void>;
}

async function startEmulator(folders: string[], caDir: string, limits: boolean): Promise<Emulator> {
  const child: ChildProcess = spawn(
    process.execPath,
    [EMULATOR, ...folders.flatMap((f) => ['--folder', f]), '--ca-dir', caDir, '--throttle', limits ? 'on' : 'off'],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MAILBRIDGE_LOG_LEVEL: 'warn' } },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`Graph emulator exited with ${code ?? signal} before listening`)));
  });
  const started = JSON.parse(line) as { url: string; messages: number };
  return {
    ...started,
    async admin(path, body) {
      const response = await fetch(`${started.url}/__admin/${path}`, body === undefined ? {} : {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`emulator ${path}: HTTP ${response.status}`);
      return (await response.json()) as Record<string, unknown>;
    },
    cpuSeconds: () => processCpuSeconds(child.pid),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Folder specs for the emulator: Inbox/<user>=<corpus>/<user>/inbox, or the corpus itself as Inbox. */
function folderSpecs(corpus: string): string[] {
  const users = readdirSync(corpus, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const inboxes = users.filter((u) => readdirSync(join(corpus, u)).includes('inbox'));
  return inboxes.length ? inboxes.map((u) => `Inbox/${u}=${join(corpus, u, 'inbox')}`) : [`inbox=${corpus}`];
}

/** One full sync into a fresh profile. Throws when the sync fails or stores fewer messages than served. */
export async function benchGraphSync(options: GraphSyncBenchOptions): Promise<GraphSyncFigures> {
  const limit = options.limit ?? 1_000;
  const windowMs = options.windowMs ?? 10_000;
  const concurrency = options.limits ? 4 : (options.concurrency ?? 4);
  const emulator = await startEmulator(folderSpecs(options.corpus), options.caDir, options.limits);
  const identity = new IdentityEmulator();
  const browser = await launchChromium();
  try {
    if (options.limits) await emulator.admin('settings', { requestsPer10Minutes: limit, rateWindowMs: windowMs });
    const endpoints = await identity.start();
    const services = await openServices({
      profileDir: options.profileDir,
      config: {
        microsoft: emulatedMicrosoftConfig(endpoints, `${emulator.url}/v1.0`, {
          concurrency,
          requestsPer10Minutes: options.limits ? limit : null,
          ...(options.limits ? { requestWindowMs: windowMs } : {}),
        }),
      },
    });
    try {
      // The real sign-in; the deep link goes straight to the services (the tests cover the second process).
      const account = await services.connectMicrosoft({
        timeoutMs: 60_000,
        openBrowser: deepLinkBrowserOpener(browser, { onDeepLink: (url) => void services.handleDeepLink(url) }),
      });
      const before = await emulator.admin('stats');
      const emulatorCpu = emulator.cpuSeconds();
      const cpu = process.cpuUsage();
      const started = performance.now();
      const result = (await services.syncAccount(account.id)) as GraphSyncResult;
      const seconds = (performance.now() - started) / 1000;
      const clientCpu = process.cpuUsage(cpu);
      const emulatorCpuAfter = emulator.cpuSeconds();
      if (result.added !== emulator.messages) throw new Error(`sync stored ${result.added} of the emulator's ${emulator.messages} messages`);
      const stats = await emulator.admin('stats');
      const count = (s: Record<string, unknown>) => Object.values(s.requests as Record<string, number>).reduce((a, b) => a + b, 0);
      const throttled = (stats.throttled as number) - (before.throttled as number);
      const requests = count(stats) - count(before) - throttled;
      const ceilingRps = options.limits ? limit / (windowMs / 1000) : null;
      const ceilingMps = ceilingRps === null ? null : ceilingRps * (result.added / requests);
      return {
        limits: options.limits ? 'on' : 'off',
        messages: result.added,
        folders: result.folders,
        seconds: round(seconds, 2),
        messagesPerSecond: Math.round(result.added / seconds),
        requests,
        requestsPerSecond: round(requests / seconds),
        ceilingRequestsPerSecond: ceilingRps,
        ceilingMessagesPerSecond: ceilingMps === null ? null : round(ceilingMps),
        ceilingPercent: ceilingMps === null ? null : round((result.added / seconds / ceilingMps) * 100),
        throttled,
        concurrencyThrottled: (stats.concurrencyThrottled as number) - (before.concurrencyThrottled as number),
        // A request the client gave up on fails the sync (thrown above), so a finished sync had none.
        failedRequests: 0,
        concurrentPeak: stats.concurrentPeak as number,
        concurrency,
        window: options.limits ? `${limit} requests per ${windowMs / 1000} s (Outlook: 10,000 per 600 s)` : null,
        clientCpuSeconds: round((clientCpu.user + clientCpu.system) / 1e6, 2),
        emulatorCpuSeconds: emulatorCpu === null || emulatorCpuAfter === null ? null : round(emulatorCpuAfter - emulatorCpu, 2),
      };
    } finally {
      services.close();
    }
  } finally {
    await browser.close();
    await identity.stop();
    await emulator.stop();
  }
}
