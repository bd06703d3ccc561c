// Replying from an IMAP account through a real Postfix: the reply leaves through submission
// (STARTTLS, SASL through Dovecot), arrives in the recipient's Dovecot mailbox once, its copy
// is in the rep's Sent folder once (without the in-flight keyword), and it joins the replied
// thread after the next sync; a star and an archive made in the app reach the server. A
// Gmail mailbox over IMAP (the Gmail IMAP emulator) sends the same way but APPENDs nothing,
// as Gmail files what its SMTP server sends in Sent Mail itself.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { startMailServers, type MailServers } from '../support/postfix.ts';
import { startGmailImap } from '../emulators/gmail-imap/gmail-imap.ts';
import { openServices, type Services } from '../../src-main/app/assemble.ts';
import { SENDING_KEYWORD } from '../../src-main/mail/remote/imap-mailbox.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';
import { until } from '../support/until.ts';

const INBOX = join(import.meta.dirname, '../../../shared/data/enron/maildir/kaminski-v/inbox');
const skip = !existsSync('/usr/sbin/dovecot') || !existsSync('/usr/sbin/postfix')
  ? 'Dovecot or Postfix is not installed: run through `scripts/toolchain.sh --with-system-packages`'
  : process.getuid?.() !== 0
    ? 'the Postfix test instance needs root'
    : !existsSync(INBOX)
      ? `../shared/data is absent (${INBOX})`
      : false;
const VINCE = { user: 'vince@enron.test', password: 'research group 2001' };
const SALLY = { user: 'sally@enron.test', password: 'another one' };


describe('replying from an IMAP account through Postfix', { skip }, () => {
  let servers: MailServers;
  let services: Services;
  let profileDir: string;
  let accountId: number;

  const session = async (login: { user: string; password: string }) => {
    const client = new ImapFlow({ host: '127.0.0.1', port: servers.imap.port, secure: true, auth: { user: login.user, pass: login.password }, logger: false, disableAutoIdle: true });
    await client.connect();
    return client;
  };
  /** UIDs and flags of the messages with this Message-ID in `folder` of `login`'s mailbox. */
  const find = async (login: typeof VINCE, folder: string, header: string) => {
    const client = await session(login);
    try {
      await client.mailboxOpen(folder, { readOnly: true });
      const uids = (await client.search({ header: { 'message-id': `<${header}>` } }, { uid: true })) || [];
      const flags: string[][] = [];
      if (uids.length) for await (const m of client.fetch(uids.join(','), { uid: true, flags: true }, { uid: true })) flags.push([...(m.flags ?? [])]);
      return flags;
    } finally {
      await client.logout();
    }
  };

  before(async () => {
    servers = await startMailServers({ users: [{ ...VINCE, maildir: INBOX }, SALLY] });
    profileDir = mkdtempSync(join(tmpdir(), 'mailbridge-imap-send-'));
    services = await openServices({ profileDir, config: { imap: { timeoutMs: 5_000 } } });
    services.settings.set({ undoSendSeconds: 0 });
    const account = await services.connectImap({
      email: VINCE.user,
      password: VINCE.password,
      server: { host: '127.0.0.1', port: servers.imap.port, security: 'tls' },
      smtp: { host: '127.0.0.1', port: servers.smtp.port, security: 'starttls' },
    });
    accountId = account.id;
    await services.syncAccount(accountId);
  });

  after(async () => {
    await services?.close();
    await servers?.stop();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  test('the reply arrives in the recipient’s mailbox once, is in Sent once, and joins its thread', async () => {
    assert.equal(services.store.accounts.list()[0]?.provider, 'imap');
    const source = databaseOf(services.store)
      .prepare("SELECT id, thread_id AS threadId, message_id_header AS header FROM messages WHERE account_id = ? AND message_id_header IS NOT NULL ORDER BY received_at DESC LIMIT 1")
      .get(accountId) as { id: number; threadId: number; header: string };
    const draft = await services.handlers['drafts:create']({ mode: 'reply', messageId: source.id });
    await services.handlers['drafts:save']({ draftId: draft.id, cc: [{ address: SALLY.user, name: 'Sally' }], html: '<p>Looping in Sally.</p>' });
    const item = await services.handlers['send:queue']({ draftId: draft.id });
    await until(() => services.store.sendOutbox.get(item.id)?.state === 'sent', 'the reply to leave');
    const header = services.store.sendOutbox.get(item.id)!.messageIdHeader;

    await until(async () => (await find(SALLY, 'INBOX', header)).length > 0, 'Sally to receive it');
    assert.equal((await find(SALLY, 'INBOX', header)).length, 1, 'delivered once');
    const sent = await find(VINCE, 'Sent', header);
    assert.equal(sent.length, 1, 'one copy in Sent');
    assert.ok(sent[0]!.includes('\\Seen') && !sent[0]!.includes(SENDING_KEYWORD), sent[0]!.join(' '));

    await services.syncAccount(accountId);
    const copies = databaseOf(services.store).prepare('SELECT thread_id FROM messages WHERE message_id_header = ?').pluck().all(header);
    assert.deepEqual(copies, [source.threadId], 'the Sent copy is in the replied thread, once');
  });

  test('a star and an archive made in the app reach the server', async () => {
    const thread = services.store.inbox.page({}, 0, 5).threads.find((t) => t.messageCount === 1)!;
    const [message] = services.store.messages.listThreadMessages(thread.id);
    await services.handlers['mail:act']({ threadIds: [thread.id], action: 'star' });
    await services.handlers['mail:act']({ threadIds: [thread.id], action: 'archive' });
    await until(() => services.store.mailActions.pending(accountId).length === 0, 'the actions to reach the server');
    const inArchive = await find(VINCE, 'Archive', message!.messageId!);
    assert.equal(inArchive.length, 1, 'moved to Archive');
    assert.ok(inArchive[0]!.includes('\\Flagged'));
    assert.equal((await find(VINCE, 'INBOX', message!.messageId!)).length, 0);
  });

  test('a Gmail mailbox over IMAP sends through SMTP and APPENDs no copy of its own', async () => {
    const raw = readFileSync(join(INBOX, readdirSync(INBOX).sort()[0]!), 'utf8').replace(/\r?\n/g, '\r\n');
    const gmail = await startGmailImap({ ...VINCE, messages: [{ raw, labels: ['\\Inbox'], flags: [] }] });
    try {
      // Another address, so the Dovecot account above stays as it is; the same user signs in to both servers.
      const account = await services.connectImap({
        email: 'vince.kaminski@gmail.test',
        password: VINCE.password,
        server: { host: gmail.host, port: gmail.port, security: 'tls', user: VINCE.user },
        smtp: { host: '127.0.0.1', port: servers.smtp.port, security: 'starttls' },
      });
      await services.syncAccount(account.id);
      const source = databaseOf(services.store).prepare('SELECT id FROM messages WHERE account_id = ?').pluck().get(account.id) as number;
      const draft = await services.handlers['drafts:create']({ mode: 'reply', messageId: source });
      await services.handlers['drafts:save']({ draftId: draft.id, to: [{ address: SALLY.user, name: 'Sally' }], html: '<p>From the Gmail account.</p>' });
      const item = await services.handlers['send:queue']({ draftId: draft.id });
      await until(() => services.store.sendOutbox.get(item.id)?.state === 'sent', 'the message to leave');
      const header = services.store.sendOutbox.get(item.id)!.messageIdHeader;
      await until(async () => (await find(SALLY, 'INBOX', header)).length > 0, 'Sally to receive it');
      assert.equal((await find(SALLY, 'INBOX', header)).length, 1, 'delivered once');
      assert.equal(gmail.countIn('[Gmail]/Sent Mail'), 0, 'no APPEND: Gmail files the sent copy itself');
    } finally {
      await gmail.stop();
    }
  });
});
