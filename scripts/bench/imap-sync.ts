// IMAP benchmark beside the peer: a real Dovecot on loopback holding the Enron inboxes (one
// folder each), synced in full by Mailbridge (fetch, parse, encrypt, index) and by mbsync
// (isync: fetch into a maildir, nothing more) in the same run; then 20 messages delivered
// one by one while the app watches the Inbox in IDLE, each timed until it is in the store.
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

export interface ImapSyncFigures {
  messages: number;
  folders: number;
  seconds: number;
  messagesPerSecond: number;
  mbsync: { seconds: number; messagesPerSecond: number; version: string } | null;
  /** Mailbridge's messages/s ÷ mbsync's (goal ≥ 1.0). */
  ratioToMbsync: number | null;
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

async function runMbsync(port: number, caPath: string, work: string): Promise<ImapSyncFigures['mbsync']> {
  const run = promisify(execFile);
  let version: string;
  try {
    version = (await run('mbsync', ['--version'])).stdout.trim();
  } catch {
    return null;
  }
  const conf = join(work, 'mbsyncrc');
  mkdirSync(join(work, 'mbsync'), { recursive: true });
  writeFileSync(conf, [
    'IMAPAccount bench', 'Host localhost', `Port ${port}`, `User ${USER.user}`, `Pass "${USER.password}"`, 'SSLType IMAPS', `CertificateFile ${caPath}`, '',
    'IMAPStore remote', 'Account bench', '',
    'MaildirStore local', `Path ${join(work, 'mbsync')}/`, `Inbox ${join(work, 'mbsync', 'INBOX')}`, 'SubFolders Verbatim', '',
    'Channel all', 'Far :remote:', 'Near :local:', 'Patterns *', 'Create Near', 'Sync Pull', 'SyncState *', '',
  ].join('\n'), { mode: 0o600 });
  const started = performance.now();
  await run('mbsync', ['-c', conf, '-a', '-q'], { maxBuffer: 16 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  return { seconds: round(seconds, 2), messagesPerSecond: 0, version };
}

/** `people`: only these inboxes (the --quick run). */
export async function benchImapSync(options: { corpus: string; people?: string[]; caDir: string; work: string }): Promise<ImapSyncFigures> {
  const ca = await ensureTestCa(options.caDir);
  const [first, ...rest] = Object.entries(inboxes(options.corpus)).filter(([person]) => !options.people || options.people.includes(person));
  const server = await startDovecot({
    users: [{ ...USER, maildir: first![1], folders: Object.fromEntries(rest) }],
    tls: { cert: ca.serverCert, key: ca.serverKey },
  });
  const work = mkdtempSync(join(options.work, 'imap-'));
  const services = await openServices({ profileDir: join(work, 'profile'), config: { imap: { timeoutMs: 10_000 } } });
  try {
    const account = await services.connectImap({ email: USER.user, password: USER.password, server: { host: '127.0.0.1', port: server.port, security: 'tls' }, smtp: null });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    await services.syncAccount(account.id);
    const seconds = (performance.now() - started) / 1000;
    delay.disable();
    const messages = services.store.messages.stats().messages;

    const mbsync = await runMbsync(server.port, ca.caCertPath, work);
    if (mbsync) mbsync.messagesPerSecond = round(messages / mbsync.seconds, 0);

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
      mbsync,
      ratioToMbsync: mbsync ? round(messagesPerSecond / mbsync.messagesPerSecond, 2) : null,
      eventLoopDelay: { p99Ms: round(delay.percentile(99) / 1e6, 1), maxMs: round(delay.max / 1e6, 1) },
      idle: { samples: latencies.length, p50Ms: round(percentile(latencies, 50), 0), p95Ms: round(percentile(latencies, 95), 0), maxMs: round(Math.max(...latencies), 0) },
    };
  } finally {
    await services.close();
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
