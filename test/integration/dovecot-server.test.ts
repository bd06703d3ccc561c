// The IMAP test server: a real Dovecot started on loopback by the test, checked with
// imapflow as the app will use it — implicit TLS and STARTTLS verified against the run's
// test CA, SPECIAL-USE folders, the Enron kaminski-v inbox loaded, wrong passwords refused,
// a delivered message announced to an IDLE session, a forced UIDVALIDITY change, and a
// server certificate from another CA refused by the client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { startDovecot, type DovecotServer, type DovecotUser } from '../support/dovecot.ts';
import { countCorpusFiles } from '../support/maildir-load.ts';
import { ensureTestCa } from '../support/test-ca.ts';

const MAILDIR = join(import.meta.dirname, '../../../shared/data/enron/maildir');
const KAMINSKI_INBOX = join(MAILDIR, 'kaminski-v/inbox');
const NEAL_INBOX = join(MAILDIR, 'neal-s/inbox');
const skip = !existsSync('/usr/sbin/dovecot')
  ? 'Dovecot is not installed: run through `scripts/toolchain.sh --with-system-packages`'
  : !existsSync(KAMINSKI_INBOX)
    ? `../shared/data is absent (${KAMINSKI_INBOX})`
    : false;
const VINCE: DovecotUser = { user: 'vince', password: 'research group 2001' };
const SALLY: DovecotUser = { user: 'sally', password: 'another one' };

function imap(server: DovecotServer, login: DovecotUser = VINCE): ImapFlow {
  return new ImapFlow({ host: server.host, port: server.port, secure: true, auth: { user: login.user, pass: login.password }, logger: false, disableAutoIdle: true });
}

/** Lines of a raw IMAP conversation; `until` resolves the lines up to the first match (≤ 5 s). */
function conversation(socket: Socket) {
  const lines: string[] = [];
  let partial = '';
  let wake = () => {};
  socket.on('data', (d: Buffer) => {
    partial += d.toString('latin1');
    const parts = partial.split('\r\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    wake();
  });
  const until = async (match: (line: string) => boolean): Promise<string[]> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const at = lines.findIndex(match);
      if (at >= 0) return lines.splice(0, at + 1);
      if (Date.now() > deadline) throw new Error(`no such line; got ${JSON.stringify(lines)}`);
      await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, 100)));
    }
  };
  return {
    until,
    command: (tag: string, text: string) => (socket.write(`${tag} ${text}\r\n`), until((l) => l.startsWith(`${tag} `))),
  };
}

describe('Dovecot test server on loopback', { skip }, () => {
  let server: DovecotServer;
  let startMs = 0;

  before(async () => {
    const t0 = performance.now();
    server = await startDovecot({ users: [{ ...VINCE, maildir: KAMINSKI_INBOX, folders: { 'Archive/2001': NEAL_INBOX } }, SALLY] });
    startMs = performance.now() - t0;
  });
  after(async () => server?.stop());

  test('logs in over implicit TLS verified against the test CA and offers IDLE, CONDSTORE, QRESYNC', async (t) => {
    t.diagnostic(`start-up with ${server.loaded.vince?.INBOX} + ${server.loaded.vince?.['Archive/2001']} messages: ${startMs.toFixed(0)} ms`);
    const client = imap(server);
    await client.connect();
    for (const capability of ['IDLE', 'CONDSTORE', 'QRESYNC', 'SPECIAL-USE', 'UIDPLUS', 'MOVE']) {
      assert.ok(client.capabilities.has(capability), `${capability} missing`);
    }
    await client.logout();
  });

  test('lists the special-use folders, and a loaded subfolder', async () => {
    const client = imap(server);
    await client.connect();
    const folders = await client.list({ statusQuery: { messages: true } });
    const byPath = Object.fromEntries(folders.map((f) => [f.path, f]));
    for (const [path, use] of Object.entries({ Sent: '\\Sent', Drafts: '\\Drafts', Trash: '\\Trash', Junk: '\\Junk', Archive: '\\Archive' })) {
      assert.equal(byPath[path]?.specialUse, use, path);
      assert.equal(byPath[path]?.specialUseSource, 'extension', path);
      assert.ok(byPath[path]?.subscribed, `${path} subscribed`);
    }
    assert.equal(byPath['Archive/2001']?.status?.messages, countCorpusFiles(NEAL_INBOX));
    await client.logout();
  });

  test('INBOX holds the kaminski-v inbox in file order, every third message unseen', async () => {
    const files = countCorpusFiles(KAMINSKI_INBOX);
    assert.equal(server.loaded.vince?.INBOX, files);
    const client = imap(server);
    await client.connect();
    const status = await client.status('INBOX', { messages: true, unseen: true, uidNext: true });
    assert.ok(status);
    assert.deepEqual([status.messages, status.unseen, status.uidNext], [files, Math.floor(files / 3), files + 1]);
    const lock = await client.getMailboxLock('INBOX');
    try {
      const first = await client.fetchOne('1', { envelope: true, internalDate: true, flags: true }, { uid: true });
      const raw = readFileSync(join(KAMINSKI_INBOX, '1'), 'latin1');
      assert.ok(first && first.envelope && first.flags);
      assert.equal(first.envelope.messageId, /^Message-ID:\s*(\S+)/im.exec(raw)?.[1]);
      assert.equal(new Date(first.internalDate ?? 0).getTime(), new Date(/^Date:\s*(.+?)\s*\(/im.exec(raw)?.[1] ?? '').getTime());
      assert.ok(first.flags.has('\\Seen'));
      const third = await client.fetchOne('3', { flags: true }, { uid: true });
      assert.ok(third && third.flags && !third.flags.has('\\Seen'));
    } finally {
      lock.release();
    }
    await client.logout();
  });

  test('a wrong password or an unknown user is refused', async () => {
    for (const login of [{ ...VINCE, password: 'wrong' }, { user: 'nobody-here', password: 'x' }]) {
      await assert.rejects(imap(server, login).connect(), (e: { authenticationFailed?: boolean }) => e.authenticationFailed === true);
    }
    const sally = imap(server, SALLY);
    await sally.connect();
    const status = await sally.status('INBOX', { messages: true });
    assert.equal(status && status.messages, 0);
    await sally.logout();
  });

  test('STARTTLS port: LOGINDISABLED until STARTTLS from a non-local address, then LOGIN works', async () => {
    const plain = tcpConnect({ host: server.host, port: server.starttlsPort, localAddress: '127.0.0.2' });
    const before = conversation(plain);
    await before.until((l) => l.startsWith('* OK'));
    const caps = (await before.command('a', 'CAPABILITY')).join(' ');
    assert.match(caps, /STARTTLS/);
    assert.match(caps, /LOGINDISABLED/);
    assert.match((await before.command('b', `LOGIN ${VINCE.user} "${VINCE.password}"`)).at(-1) ?? '', /^b NO/);
    assert.match((await before.command('c', 'STARTTLS')).at(-1) ?? '', /^c OK/);
    plain.removeAllListeners('data');
    const secured = tlsConnect({ socket: plain, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => secured.once('secureConnect', resolve).once('error', reject));
    const after = conversation(secured as unknown as Socket);
    assert.doesNotMatch((await after.command('d', 'CAPABILITY')).join(' '), /LOGINDISABLED/);
    assert.match((await after.command('e', `LOGIN ${VINCE.user} "${VINCE.password}"`)).at(-1) ?? '', /^e OK/);
    await after.command('f', 'LOGOUT');
    secured.destroy();

    const upgraded = new ImapFlow({ host: server.host, port: server.starttlsPort, secure: false, auth: { user: VINCE.user, pass: VINCE.password }, logger: false, disableAutoIdle: true });
    await upgraded.connect();
    await upgraded.logout();
  });

  test('a message delivered after start reaches an IDLE session as EXISTS within 2 s', async () => {
    const client = imap(server);
    await client.connect();
    const mailbox = await client.mailboxOpen('INBOX');
    const before = mailbox.exists;
    const exists = new Promise<{ count: number }>((resolve) => client.once('exists', resolve));
    const idling = client.idle();
    const t0 = Date.now();
    const subject = `Delivered while idling ${t0}`;
    await server.deliver(VINCE.user, `From: Sally Beck <sally.beck@enron.com>\r\nTo: vince.kaminski@enron.com\r\nSubject: ${subject}\r\nMessage-ID: <idle-${t0}@mailbridge.test>\r\n\r\nHello.\r\n`);
    const event = await Promise.race([exists, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no EXISTS within 2 s')), 2000))]);
    assert.equal(event.count, before + 1);
    assert.ok(Date.now() - t0 < 2000);
    const fetched = await client.fetchOne('*', { envelope: true });
    assert.equal(fetched && fetched.envelope?.subject, subject);
    await client.logout();
    await idling;
  });

  test('doveadm forces a UIDVALIDITY change: the selected session is dropped, the next SELECT sees it', async () => {
    const client = imap(server);
    await client.connect();
    const mailbox = await client.mailboxOpen('INBOX');
    const closed = new Promise<void>((resolve) => client.once('close', resolve));
    const forced = mailbox.uidValidity + 1000n;
    await server.doveadm(['mailbox', 'update', '-u', VINCE.user, '--uid-validity', String(forced), 'INBOX']);
    await client.noop().catch(() => undefined);
    await closed;
    const again = imap(server);
    await again.connect();
    const reopened = await again.mailboxOpen('INBOX');
    assert.equal(reopened.uidValidity, forced);
    assert.equal(reopened.exists, mailbox.exists);
    await again.logout();
  });

  test('a server certificate from another CA is refused by the client', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'mailbridge-other-ca-'));
    const other = await ensureTestCa(otherDir);
    const rogue = await startDovecot({ users: [VINCE], tls: { cert: other.serverCert, key: other.serverKey } });
    try {
      // Both CAs are called "Mailbridge Test CA", so OpenSSL finds ours and its signature fails.
      const refusals = ['CERT_SIGNATURE_FAILURE', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'];
      await assert.rejects(imap(rogue).connect(), (e: { code?: string }) => refusals.includes(e.code ?? ''));
      assert.doesNotMatch(readFileSync(rogue.logPath, 'utf8'), /Login: user=/);
    } finally {
      await rogue.stop();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
