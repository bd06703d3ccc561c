// An IMAP sync of the kaminski-v inbox on a real Dovecot, interrupted the two ways the field
// interrupts it: the connection cut mid-FETCH (a TCP relay resets it after a third of the
// mailbox's bytes) and the process SIGKILLed mid-sync (the CLI `sync`, killed between two
// commits). Each time the sync fails or dies promptly, the next one completes, the store holds
// every message Dovecot holds exactly once and opens intact, and only mail not yet stored is
// fetched again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImapFlow } from 'imapflow';
import { runCli } from '../support/cli-process.ts';
import { startDovecot, type DovecotServer, type DovecotUser } from '../support/dovecot.ts';
import { startTcpCutProxy, type TcpCutProxy } from '../support/tcp-cut-proxy.ts';
import { openServices } from '../../src-main/app/assemble.ts';
import { MailWorkerFailure } from '../../src-main/mail/mail-worker-client.ts';
import { createOsSecretStore } from '../../src-main/platform/keychain.ts';
import { DATABASE_FILE } from '../../src-main/platform/paths.ts';
import { databaseOf, openProfileStore, type ProfileStore } from '../../src-main/store/profile-store.ts';

const INBOX = join(import.meta.dirname, '../../../shared/data/enron/maildir/kaminski-v/inbox');
const CLI = join(import.meta.dirname, '../../src-main/cli/main.ts');
const skip = !existsSync('/usr/sbin/dovecot')
  ? 'Dovecot is not installed: run through `scripts/toolchain.sh --with-system-packages`'
  : !existsSync(INBOX)
    ? `../shared/data is absent (${INBOX})`
    : false;
const VINCE: DovecotUser = { user: 'vince.kaminski@enron.test', password: 'research group 2001' };
/** A cut connection must fail the sync within this long (the client's timeouts are 5 s). */
const FAILS_WITHIN_MS = 15_000;
/**
 * What a sync reads besides the sources it FETCHes (TLS handshake, LIST, SELECT, UID SEARCH,
 * the flags of every message), bytes; plus per fetched message (its FETCH response line).
 */
const PROTOCOL_BYTES = 96 * 1024;
const PER_MESSAGE_BYTES = 200;
/** The killed sync's pace from Dovecot, bytes/s: ~2 s for the inbox, so the kill lands mid-sync. */
const KILL_PACE = 1_500_000;
/** After a commit is reported the kill waits this long, so it lands inside the next FETCH. */
const KILL_DELAY_MS = 120;

/** What Dovecot holds in INBOX: UID → Message-ID (without <>) and RFC822.SIZE (the bytes FETCH BODY[] sends). */
type ServerInbox = Map<number, { messageId: string | null; size: number }>;

async function readServerInbox(server: DovecotServer): Promise<{ uidValidity: string; messages: ServerInbox }> {
  const client = new ImapFlow({ host: server.host, port: server.port, secure: true, auth: { user: VINCE.user, pass: VINCE.password }, logger: false, disableAutoIdle: true });
  await client.connect();
  try {
    const box = await client.mailboxOpen('INBOX', { readOnly: true });
    const messages: ServerInbox = new Map();
    for await (const m of client.fetch('1:*', { uid: true, envelope: true, size: true }, { uid: true })) {
      messages.set(m.uid, { messageId: m.envelope?.messageId?.replace(/^<|>$/g, '') || null, size: m.size ?? 0 });
    }
    return { uidValidity: String(box.uidValidity), messages };
  } finally {
    await client.logout();
  }
}

interface StoredRow {
  uid: number;
  messageId: string | null;
}

/** The account's INBOX messages in the store (the provider id is `INBOX\n<UIDVALIDITY>\n<UID>`). */
function storedInbox(store: ProfileStore, uidValidity: string): StoredRow[] {
  const rows = databaseOf(store).prepare('SELECT provider_message_id AS id, message_id_header AS messageId FROM messages').all() as Array<{ id: string; messageId: string | null }>;
  return rows.map((r) => {
    const [folder, validity, uid] = r.id.split('\n');
    assert.equal(`${folder}\n${validity}`, `INBOX\n${uidValidity}`, `a message outside INBOX / UIDVALIDITY ${uidValidity}: ${JSON.stringify(r.id)}`);
    return { uid: Number(uid), messageId: r.messageId };
  });
}

/** Every message Dovecot holds is stored, once, with its own Message-ID. */
function assertEveryMessageOnce(rows: StoredRow[], inbox: ServerInbox): void {
  const uids = rows.map((r) => r.uid);
  assert.equal(new Set(uids).size, uids.length, `${uids.length - new Set(uids).size} UIDs stored twice`);
  const missing = [...inbox.keys()].filter((uid) => !uids.includes(uid));
  assert.deepEqual(missing, [], 'UIDs Dovecot holds that the store lacks');
  assert.equal(rows.length, inbox.size, 'as many messages as Dovecot holds');
  const wrong = rows.filter((r) => inbox.get(r.uid)!.messageId !== null && r.messageId !== inbox.get(r.uid)!.messageId);
  assert.deepEqual(wrong, [], 'messages stored under another Message-ID than Dovecot gives their UID');
}

/** PRAGMA integrity_check and the FTS5 integrity-check (https://sqlite.org/fts5.html#the_integrity_check_command), one index row per message. */
function assertIntact(store: ProfileStore): void {
  const db = databaseOf(store);
  assert.deepEqual(db.prepare('PRAGMA integrity_check').pluck().all(), ['ok']);
  db.prepare("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')").run();
  assert.equal(db.prepare('SELECT count(*) FROM messages_fts_docsize').pluck().get(), db.prepare('SELECT count(*) FROM messages').pluck().get(), 'one FTS row per message');
}

/** Most a sync may read from the server when it fetches only these messages. */
const fetchBudget = (inbox: ServerInbox, uids: readonly number[]) =>
  uids.reduce((sum, uid) => sum + inbox.get(uid)!.size, 0) + uids.length * PER_MESSAGE_BYTES + PROTOCOL_BYTES;

const serverBytesSince = (proxy: TcpCutProxy, first: number) => proxy.connections.slice(first).reduce((sum, c) => sum + c.fromServer, 0);

const openProfile = (profileDir: string) => openProfileStore({ path: join(profileDir, DATABASE_FILE), secrets: createOsSecretStore() });

describe('IMAP sync interrupted on a real Dovecot (kaminski-v)', { skip }, () => {
  let server: DovecotServer;
  let proxy: TcpCutProxy;
  let inbox: ServerInbox;
  let uidValidity: string;
  let mailboxBytes: number;
  const profiles: string[] = [];
  const newProfile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailbridge-imap-crash-'));
    profiles.push(dir);
    return dir;
  };

  before(async () => {
    server = await startDovecot({ users: [{ ...VINCE, maildir: INBOX }] });
    proxy = await startTcpCutProxy({ host: server.host, port: server.port });
    ({ uidValidity, messages: inbox } = await readServerInbox(server));
    assert.equal(inbox.size, server.loaded[VINCE.user]!.INBOX, 'Dovecot lists every loaded message');
    mailboxBytes = [...inbox.values()].reduce((sum, m) => sum + m.size, 0);
  });

  after(async () => {
    await proxy?.close();
    await server?.stop();
    for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
  });

  test('a connection cut mid-FETCH fails the sync in words; the next sync stores every message once, fetching only what was missing', async () => {
    const services = await openServices({ profileDir: newProfile(), config: { imap: { timeoutMs: 5_000 } } });
    try {
      const account = await services.connectImap({ email: VINCE.user, password: VINCE.password, server: { host: proxy.host, port: proxy.port, security: 'tls' }, smtp: null });
      const cutAt = Math.round(mailboxBytes / 3);
      proxy.cutNext(cutAt);
      const firstConnection = proxy.connections.length;
      const started = performance.now();
      const deadline = sleep(FAILS_WITHIN_MS, 'hang' as const, { ref: false });
      const outcome = await Promise.race([services.syncAccount(account.id).then(() => 'completed' as const, (error: unknown) => error), deadline]);
      const failedAfterMs = Math.round(performance.now() - started);

      assert.notEqual(outcome, 'hang', `the cut sync neither failed nor finished within ${FAILS_WITHIN_MS} ms`);
      assert.notEqual(outcome, 'completed', 'the sync through a cut connection reported success');
      assert.ok(proxy.connections[firstConnection]?.cut, 'the sync’s connection was the one cut');
      assert.ok(outcome instanceof MailWorkerFailure, `a worker failure, not ${String(outcome)}`);
      assert.equal(outcome.kind, 'failed', 'a network failure, not a sign-in to redo');
      assert.match(outcome.message, /connection to the mail server was lost/i, `says the connection failed: "${outcome.message}"`);
      const state = services.store.syncState.get(account.id);
      assert.equal(state?.state, 'error');
      assert.equal(state?.lastError, outcome.message, 'the account shows why');

      const partial = storedInbox(services.store, uidValidity);
      assert.ok(partial.length > 0 && partial.length < inbox.size, `the cut left ${partial.length} of ${inbox.size} messages stored`);
      assert.equal(new Set(partial.map((r) => r.uid)).size, partial.length, 'nothing stored twice before the cut');
      const missing = [...inbox.keys()].filter((uid) => !partial.some((r) => r.uid === uid));

      const retryConnection = proxy.connections.length;
      const result = await services.syncAccount(account.id);
      assert.equal(proxy.connections.slice(retryConnection).some((c) => c.cut), false);
      assertEveryMessageOnce(storedInbox(services.store, uidValidity), inbox);
      assert.equal(result.added, missing.length, 'the retry stored exactly what the cut left missing');
      const reread = serverBytesSince(proxy, retryConnection);
      assert.ok(reread <= fetchBudget(inbox, missing), `the retry read ${reread} bytes for ${missing.length} missing messages (budget ${fetchBudget(inbox, missing)}): stored mail was fetched again`);
      assert.equal(services.store.syncState.get(account.id)?.lastError ?? null, null, 'the error is cleared by the sync that completes');
      assertIntact(services.store);
      console.log(`cut after ${cutAt} of ${mailboxBytes} bytes: failed in ${failedAfterMs} ms ("${outcome.message}") with ${partial.length}/${inbox.size} stored; the retry fetched ${missing.length} (${reread} bytes, budget ${fetchBudget(inbox, missing)}, a full refetch ${mailboxBytes})`);
    } finally {
      await services.close();
    }
  });

  test('the CLI sync SIGKILLed between commits: the store opens intact, and a restarted sync ends with every message once', async () => {
    const profileDir = newProfile();
    const cliEnv = { ...process.env, MAILBRIDGE_LOG_LEVEL: 'error', MAILBRIDGE_IMAP_PASSWORD: VINCE.password };
    const connected = await runCli(['connect', 'imap', '--profile', profileDir, '--email', VINCE.user, '--host', proxy.host, '--port', String(proxy.port), '--security', 'tls', '--no-smtp'], cliEnv);
    assert.equal(connected.code, 0, connected.stderr);
    assert.equal(JSON.parse(connected.stdout).provider, 'imap');

    proxy.pace(KILL_PACE);
    const child = spawn(process.execPath, [CLI, 'sync', '--profile', profileDir], { stdio: ['ignore', 'pipe', 'pipe'], env: cliEnv });
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    let killedAt: { done: number; total: number } | null = null;
    const progressLines: string[] = [];
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 60_000);
    for await (const line of createInterface({ input: child.stderr! })) {
      progressLines.push(line);
      const progress = /sync: (\d+)\/(\d+)/.exec(line);
      if (!progress || killedAt) continue;
      const [done, total] = [Number(progress[1]), Number(progress[2])];
      if (done > 0 && done < total) {
        killedAt = { done, total };
        await sleep(KILL_DELAY_MS);
        child.kill('SIGKILL');
      }
    }
    clearTimeout(watchdog);
    proxy.pace(null);
    assert.equal(await exited, 'SIGKILL', `the sync was to be killed mid-way; it ended on its own. stderr:\n${progressLines.join('\n')}`);
    assert.ok(killedAt, 'killed after a commit was reported');

    const afterKill = await openProfile(profileDir);
    let missing: number[];
    try {
      assertIntact(afterKill);
      const partial = storedInbox(afterKill, uidValidity);
      assert.ok(partial.length >= killedAt.done && partial.length < inbox.size, `killed at ${killedAt.done}/${killedAt.total} with ${partial.length} of ${inbox.size} stored`);
      assert.equal(new Set(partial.map((r) => r.uid)).size, partial.length, 'nothing stored twice before the kill');
      missing = [...inbox.keys()].filter((uid) => !partial.some((r) => r.uid === uid));
    } finally {
      afterKill.close();
    }

    const restartConnection = proxy.connections.length;
    const restarted = await runCli(['sync', '--profile', profileDir], cliEnv);
    assert.equal(restarted.code, 0, `${restarted.stdout}\n${restarted.stderr}`);
    const result = JSON.parse(restarted.stdout.trim().split('\n').at(-1)!) as { account: string; added: number };
    assert.equal(result.account, VINCE.user);
    assert.equal(result.added, missing.length, 'the restart stored exactly what the kill left missing');
    const reread = serverBytesSince(proxy, restartConnection);
    assert.ok(reread <= fetchBudget(inbox, missing), `the restart read ${reread} bytes for ${missing.length} missing messages (budget ${fetchBudget(inbox, missing)}): stored mail was fetched again`);

    const final = await openProfile(profileDir);
    try {
      assertIntact(final);
      assertEveryMessageOnce(storedInbox(final, uidValidity), inbox);
    } finally {
      final.close();
    }
    console.log(`killed at ${killedAt.done}/${killedAt.total}; the restart fetched ${missing.length} (${reread} bytes, budget ${fetchBudget(inbox, missing)}, a full refetch ${mailboxBytes})`);
  });
});
