// IMAP benchmark beside the peer: a real Dovecot on loopback holding the Enron inboxes (one
// folder each), synced in full by Mailbridge (fetch, parse, encrypt, index, into a fresh
// profile) and by mbsync (isync: fetch into a fresh maildir, nothing more), ROUNDS times each,
// interleaved and each round's order swapped, after one mbsync pass that lets Dovecot build
// its index and cache files (whoever went first paid for them). The figures are the medians:
// on a shared disk mbsync's runs vary 3.8× from one minute to the next (it fsyncs each
// message), so it is also run with `FSync no` beside, its CPU and IMAP cost alone. Then
// 20 messages delivered one by one while the app watches the Inbox in IDLE, each timed until
// it is in the store.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { openServices } from '../../src-main/app/assemble.ts';
import { startDovecot } from '../../test/support/dovecot.ts';
import { ensureTestCa } from '../../test/support/test-ca.ts';
import { percentile, round } from './figures.ts';

const USER = { user: 'bench@enron.test', password: 'bench password' };
/** Full syncs of each side; the medians are reported. */
const ROUNDS = 3;

export interface ImapSyncFigures {
  messages: number;
  folders: number;
  /** Median of the rounds. */
  seconds: number;
  messagesPerSecond: number;
  /** Each round's messages/s, in order. */
  rounds: number[];
  mbsync: {
    seconds: number;
    messagesPerSecond: number;
    rounds: number[];
    version: string;
    /** The same with `FSync no`: mbsync's CPU and IMAP alone, without its fsync per message (Mailbridge's WAL syncs only at checkpoints). */
    noFsync: { messagesPerSecond: number; rounds: number[]; ratio: number };
  } | null;
  /** Mailbridge's median messages/s ÷ mbsync's (goal ≥ 1.0). */
  ratioToMbsync: number | null;
  /** The worst round's. */
  eventLoopDelay: { p99Ms: number; maxMs: number };
  idle: { samples: number; p50Ms: number; p95Ms: number; maxMs: number };
}

/** Folders of `corpus` (person/inbox): a folder name each. */
function inboxes(corpus: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const person of readdirSync(corpus)) {
    const inbox = join(corpus, person, 'inbox');
    try {
      if (statSync(inbox).isDirectory()) out[person] = inbox;
    } catch {
      // a person without an inbox folder
    }
  }
  return out;
}

const run = promisify(execFile);

/** mbsync's version, or null where it is not installed. */
async function mbsyncVersion(): Promise<string | null> {
  try {
    return (await run('mbsync', ['--version'])).stdout.trim();
  } catch {
    return null;
  }
}

/** One full mbsync pull of every folder into a fresh maildir below `dir`, fsyncing each message (its default) or not; seconds. */
async function runMbsync(port: number, caPath: string, dir: string, fsync = true): Promise<number> {
  const conf = join(dir, 'mbsyncrc');
  mkdirSync(join(dir, 'mbsync'), { recursive: true });
  writeFileSync(conf, [
    // A global option: before the first section (isync's mbsync(1), "FSync").
    ...(fsync ? [] : ['FSync no', '']),
    'IMAPAccount bench', 'Host localhost', `Port ${port}`, `User ${USER.user}`, `Pass "${USER.password}"`, 'SSLType IMAPS', `CertificateFile ${caPath}`, '',
    'IMAPStore remote', 'Account bench', '',
    'MaildirStore local', `Path ${join(dir, 'mbsync')}/`, `Inbox ${join(dir, 'mbsync', 'INBOX')}`, 'SubFolders Verbatim', '',
    'Channel all', 'Far :remote:', 'Near :local:', 'Patterns *', 'Create Near', 'Sync Pull', 'SyncState *', '',
  ].join('\n'), { mode: 0o600 });
  const started = performance.now();
  await run('mbsync', ['-c', conf, '-a', '-q'], { maxBuffer: 16 * 1024 * 1024 });
  return (performance.now() - started) / 1000;
}

/** One full Mailbridge sync into a fresh profile in `dir`; its services are left open for the caller. */
async function runMailbridge(port: number, dir: string) {
  const services = await openServices({ profileDir: join(dir, 'profile'), config: { imap: { timeoutMs: 10_000 } } });
  const account = await services.connectImap({ email: USER.user, password: USER.password, server: { host: '127.0.0.1', port, security: 'tls' }, smtp: null });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  await services.syncAccount(account.id);
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  return { services, account, seconds, messages: services.store.messages.stats().messages, p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 };
}

const median = (values: readonly number[]) => percentile(values, 50);

/** `people`: only these inboxes (the --quick run). */
export async function benchImapSync(options: { corpus: string; people?: string[]; caDir: string; work: string }): Promise<ImapSyncFigures> {
  const ca = await ensureTestCa(options.caDir);
  const [first, ...rest] = Object.entries(inboxes(options.corpus)).filter(([person]) => !options.people || options.people.includes(person));
  const server = await startDovecot({
    users: [{ ...USER, maildir: first![1], folders: Object.fromEntries(rest) }],
    tls: { cert: ca.serverCert, key: ca.serverKey },
  });
  const work = mkdtempSync(join(options.work, 'imap-'));
  const version = await mbsyncVersion();
  let last: Awaited<ReturnType<typeof runMailbridge>> | null = null;
  try {
    if (version) await runMbsync(server.port, ca.caCertPath, mkdtempSync(join(work, 'warm-')));
    const ours: Array<Awaited<ReturnType<typeof runMailbridge>>> = [];
    const peer: number[] = [];
    const peerNoFsync: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Swapped each round, so neither side always finds the page cache the other just filled.
      for (const side of i % 2 ? ['peer', 'ours'] : ['ours', 'peer']) {
        if (side === 'peer') {
          if (version) peer.push(await runMbsync(server.port, ca.caCertPath, mkdtempSync(join(work, 'mbsync-'))));
          if (version) peerNoFsync.push(await runMbsync(server.port, ca.caCertPath, mkdtempSync(join(work, 'mbsync-')), false));
          continue;
        }
        await last?.services.close();
        last = await runMailbridge(server.port, mkdtempSync(join(work, 'app-')));
        ours.push(last);
      }
    }
    const { services, account, messages } = last!;
    const seconds = median(ours.map((r) => r.seconds));
    const rate = (seconds: number) => round(messages / seconds, 0);
    const mbsync = version
      ? {
          seconds: round(median(peer), 2),
          messagesPerSecond: rate(median(peer)),
          rounds: peer.map(rate),
          version,
          noFsync: { messagesPerSecond: rate(median(peerNoFsync)), rounds: peerNoFsync.map(rate), ratio: round(median(peerNoFsync) / seconds, 2) },
        }
      : null;

    services.startBackgroundSync();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const latencies: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const id = `bench-idle-${i}@enron.test`;
      const sent = performance.now();
      await server.deliver(USER.user, `From: a@enron.test\r\nTo: ${USER.user}\r\nSubject: IDLE ${i}\r\nMessage-ID: <${id}>\r\n\r\nx\r\n`);
      while (services.store.messages.findByMessageIdHeader(account.id, id) === null) {
        if (performance.now() - sent > 30_000) throw new Error(`message ${i} never arrived through IDLE`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      latencies.push(performance.now() - sent);
    }
    const messagesPerSecond = round(messages / seconds, 0);
    return {
      messages,
      folders: rest.length + 1,
      seconds: round(seconds, 2),
      messagesPerSecond,
      rounds: ours.map((r) => round(r.messages / r.seconds, 0)),
      mbsync,
      ratioToMbsync: mbsync ? round(messagesPerSecond / mbsync.messagesPerSecond, 2) : null,
      eventLoopDelay: { p99Ms: round(Math.max(...ours.map((r) => r.p99Ms)), 1), maxMs: round(Math.max(...ours.map((r) => r.maxMs)), 1) },
      idle: { samples: latencies.length, p50Ms: round(percentile(latencies, 50), 0), p95Ms: round(percentile(latencies, 95), 0), maxMs: round(Math.max(...latencies), 0) },
    };
  } finally {
    await last?.services.close();
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
