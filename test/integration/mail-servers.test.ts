// The SMTP half of an IMAP account: a real Postfix in front of a real Dovecot on loopback,
// checked with nodemailer (as the app sends) and imapflow — submission with STARTTLS and
// implicit TLS verified against the run's test CA, the same login as IMAP, delivery into
// the recipient's Dovecot INBOX over LMTP, and the refusals: a wrong password (535), no
// AUTH, AUTH before STARTTLS, and relaying for an outside domain.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { startMailServers, type MailServers } from '../support/postfix.ts';

const skip = !existsSync('/usr/sbin/postfix') || !existsSync('/usr/lib/dovecot/lmtp')
  ? 'Postfix or Dovecot LMTP is not installed: run through `scripts/toolchain.sh --with-system-packages`'
  : process.getuid?.() !== 0
    ? 'Postfix test instances need root'
    : false;
const VINCE = { user: 'vince@enron.test', password: 'research group 2001' };
const SALLY = { user: 'sally@enron.test', password: 'another one' };

type SmtpError = Error & { code?: string; responseCode?: number; response?: string };

function submission(servers: MailServers, auth?: { user: string; pass: string }, implicitTls = false) {
  const port = implicitTls ? servers.smtp.implicitTlsPort : servers.smtp.port;
  return nodemailer.createTransport({ host: servers.smtp.host, port, secure: implicitTls, requireTLS: !implicitTls, auth, connectionTimeout: 5000 });
}

/** Waits (≤ 5 s) until `user`'s INBOX holds a message with this subject; returns its raw source. */
async function arrival(servers: MailServers, login: { user: string; password: string }, subject: string): Promise<string> {
  const client = new ImapFlow({ host: servers.imap.host, port: servers.imap.port, secure: true, auth: { user: login.user, pass: login.password }, logger: false, disableAutoIdle: true });
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      for (const deadline = Date.now() + 5000; ; ) {
        const uids = (await client.search({ subject }, { uid: true })) || [];
        if (uids.length) {
          const message = await client.fetchOne(String(uids[0]), { source: true }, { uid: true });
          assert.ok(message && message.source);
          return message.source.toString('utf8');
        }
        if (Date.now() > deadline) throw new Error(`"${subject}" did not reach ${login.user} in 5 s:\n${readFileSync(servers.logPath, 'utf8').slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 100));
        await client.noop();
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

/** A raw SMTP conversation: sends each command after the previous reply, returns the replies. */
async function smtpTalk(port: number, commands: string[]): Promise<string[]> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.on('error', () => {});
  const replies: string[] = [];
  let buffer = '';
  let wake = () => {};
  socket.on('data', (d: Buffer) => ((buffer += d.toString('latin1')), wake()));
  const reply = async (): Promise<string> => {
    for (const deadline = Date.now() + 5000; ; ) {
      // A reply ends with a line whose code is followed by a space (RFC 5321 §4.2.1).
      const end = /(^|\r\n)\d{3} [^\r\n]*\r\n/.exec(buffer);
      if (end) {
        const text = buffer.slice(0, end.index + end[0].length);
        buffer = buffer.slice(text.length);
        return text.trimEnd();
      }
      if (Date.now() > deadline) throw new Error(`no SMTP reply; got ${JSON.stringify(buffer)}`);
      await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, 100)));
    }
  };
  try {
    replies.push(await reply());
    for (const command of commands) {
      socket.write(command + '\r\n');
      replies.push(await reply());
    }
  } finally {
    socket.destroy();
  }
  return replies;
}

describe('Postfix + Dovecot test mail servers on loopback', { skip }, () => {
  let servers: MailServers;
  let startMs = 0;

  before(async () => {
    const t0 = performance.now();
    servers = await startMailServers({ users: [VINCE, SALLY] });
    startMs = performance.now() - t0;
  });
  after(async () => servers?.stop());

  test('submission with STARTTLS (test CA verified): vince → sally arrives in sally’s Dovecot INBOX', async (t) => {
    t.diagnostic(`start-up of Dovecot + Postfix: ${startMs.toFixed(0)} ms`);
    const transport = submission(servers, { user: VINCE.user, pass: VINCE.password });
    await transport.verify();
    const subject = `Storage report ${Date.now()}`;
    const t0 = performance.now();
    const info = await transport.sendMail({ from: VINCE.user, to: SALLY.user, subject, text: 'The numbers for Q3 are in.' });
    assert.deepEqual(info.accepted, [SALLY.user]);
    const raw = await arrival(servers, SALLY, subject);
    t.diagnostic(`submitted → in sally's INBOX: ${(performance.now() - t0).toFixed(0)} ms`);
    assert.match(raw, /^Delivered-To: sally@enron\.test$/m);
    assert.match(raw, /The numbers for Q3 are in\./);
    // Postfix records the authenticated, TLS-protected submission in its Received header.
    assert.match(raw, /with ESMTPSA/);
    transport.close();
  });

  test('submissions (implicit TLS) delivers too, and mail for an outside domain is accepted', async () => {
    const transport = submission(servers, { user: SALLY.user, pass: SALLY.password }, true);
    const subject = `Implicit TLS ${Date.now()}`;
    const info = await transport.sendMail({ from: SALLY.user, to: [VINCE.user, 'jeff.skilling@enron.com'], subject, text: 'Hi.' });
    assert.deepEqual(info.accepted.sort(), ['jeff.skilling@enron.com', VINCE.user]);
    assert.match(await arrival(servers, VINCE, subject), /^Subject: Implicit TLS/m);
    transport.close();
  });

  test('a wrong password or an unknown login is refused with 535', async () => {
    for (const auth of [{ user: VINCE.user, pass: 'wrong' }, { user: 'nobody@enron.test', pass: 'x' }]) {
      const transport = submission(servers, auth);
      await assert.rejects(transport.verify(), (e: SmtpError) => e.code === 'EAUTH' && e.responseCode === 535);
      transport.close();
    }
    assert.match(readFileSync(servers.logPath, 'utf8'), /SASL (PLAIN|LOGIN) authentication failed/);
  });

  test('sending without AUTH on the submission port is refused, to a local or an outside recipient', async () => {
    const transport = submission(servers);
    for (const to of [SALLY.user, 'jeff.skilling@enron.com']) {
      await assert.rejects(
        transport.sendMail({ from: VINCE.user, to, subject: 'no auth', text: 'x' }),
        (e: SmtpError) => e.code === 'EENVELOPE' && e.responseCode === 554 && /Access denied/.test(e.response ?? ''),
      );
    }
    transport.close();
  });

  test('the submission port offers AUTH only after STARTTLS, and takes no mail before it', async () => {
    const [greeting = '', ehlo = '', mail = ''] = await smtpTalk(servers.smtp.port, ['EHLO client.test', `MAIL FROM:<${VINCE.user}>`, 'QUIT']);
    assert.match(greeting, /^220 /);
    assert.match(ehlo, /STARTTLS/);
    assert.doesNotMatch(ehlo, /AUTH/);
    assert.match(mail, /^530 5\.7\.0 Must issue a STARTTLS command first/);
  });

  test('MX port: no AUTH, mail for a local user is delivered, relaying and unknown users are refused', async () => {
    const subject = `From outside ${Date.now()}`;
    const [, ehlo = '', , relay = '', unknown = '', local = '', , queued = ''] = await smtpTalk(servers.smtp.mxPort, [
      'EHLO mx.example.org',
      'MAIL FROM:<ken.lay@example.org>',
      'RCPT TO:<jeff.skilling@enron.com>',
      'RCPT TO:<nobody@enron.test>',
      `RCPT TO:<${SALLY.user}>`,
      'DATA',
      `From: ken.lay@example.org\r\nTo: ${SALLY.user}\r\nSubject: ${subject}\r\n\r\nHello from outside.\r\n.`,
      'QUIT',
    ]);
    assert.doesNotMatch(ehlo, /AUTH/);
    assert.match(relay, /^554 5\.7\.1 <jeff\.skilling@enron\.com>: Relay access denied/);
    assert.match(unknown, /^550 5\.1\.1 <nobody@enron\.test>: Recipient address rejected/);
    assert.match(local, /^250 /);
    assert.match(queued, /^250 2\.0\.0 Ok: queued/);
    assert.match(await arrival(servers, SALLY, subject), /Hello from outside\./);
  });

  test('a second instance runs beside the first on its own ports; stop() ends it and removes its dirs', async () => {
    const other = await startMailServers({ users: [{ user: 'kay@ect.test', password: 'k' }], domain: 'ect.test' });
    const ports = [other.smtp.port, other.smtp.implicitTlsPort, other.smtp.mxPort, other.imap.port];
    assert.equal(new Set([...ports, servers.smtp.port, servers.smtp.implicitTlsPort, servers.smtp.mxPort, servers.imap.port]).size, 8);
    const transport = submission(other, { user: 'kay@ect.test', pass: 'k' });
    // vince@enron.test is outside this instance's domain: accepted, dropped, never delivered to the first one.
    const info = await transport.sendMail({ from: 'kay@ect.test', to: ['kay@ect.test', VINCE.user], subject: 'Second instance', text: 'x' });
    assert.equal(info.accepted.length, 2);
    await arrival(other, { user: 'kay@ect.test', password: 'k' }, 'Second instance');
    transport.close();
    await other.stop();
    assert.ok(!existsSync(other.dir) && !existsSync(other.imap.dir));
    await assert.rejects(smtpTalk(other.smtp.port, []), (e: { code?: string }) => e.code === 'ECONNREFUSED');
  });
});
