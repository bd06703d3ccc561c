// Gmail over IMAP end to end, through the real services, against the Gmail IMAP emulator
// (test/emulators/gmail-imap): six dasovich-j messages with Gmail's labels, listed 13 times
// across All Mail and their labels' folders as Gmail lists them, sync as six messages with
// their labels, the archived one included; archive, a label and a star made in the app change
// X-GM-LABELS and flags on All Mail instead of moving anything; a label changed in the web
// client arrives on the next sync through CONDSTORE (CHANGEDSINCE), nothing fetched twice;
// mail a filter keeps out of the Inbox arrives through IDLE, which watches All Mail there.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGmailImap, type GmailImapMessage, type GmailImapServer } from '../emulators/gmail-imap/gmail-imap.ts';
import { openServices, type Services } from '../../src-main/app/assemble.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';
import { until } from '../support/until.ts';

const INBOX = join(import.meta.dirname, '../../../shared/data/enron/maildir/dasovich-j/inbox');
const skip = existsSync(INBOX) ? false : `../shared/data is absent (${INBOX})`;
const JEFF = { user: 'jeff.dasovich@gmail.test', password: 'an app password' };

/** The files, each with Gmail labels and flags: in the Inbox and labelled, archived, sent, starred, unread, labelled and archived. */
const MAILBOX: Array<{ file: string; labels: string[]; flags: string[] }> = [
  { file: '1', labels: ['\\Inbox', 'Deals'], flags: [] },
  { file: '10', labels: [], flags: ['\\Seen'] },
  { file: '100', labels: ['\\Sent'], flags: ['\\Seen'] },
  { file: '1000', labels: ['\\Inbox', '\\Starred'], flags: ['\\Seen', '\\Flagged'] },
  { file: '1001', labels: ['\\Inbox'], flags: [] },
  { file: '1003', labels: ['Deals'], flags: ['\\Seen'] },
];


describe('Gmail over IMAP (X-GM-EXT-1)', { skip }, () => {
  let gmail: GmailImapServer;
  let services: Services;
  let profileDir: string;
  let accountId: number;
  const ids: string[] = [];

  const db = () => databaseOf(services.store);
  /** The store's labels of the message with this Message-ID, sorted. */
  const labelsOf = (header: string) => {
    const row = db().prepare('SELECT provider_message_id FROM messages WHERE account_id = ? AND message_id_header = ?').pluck().get(accountId, header) as string;
    return [...(services.store.messages.labelsByMessage(accountId).get(row) ?? [])].sort();
  };
  const threadOf = (header: string) => db().prepare('SELECT thread_id FROM messages WHERE message_id_header = ?').pluck().get(header) as number;

  before(async () => {
    const messages: GmailImapMessage[] = MAILBOX.map(({ file, labels, flags }) => {
      const raw = readFileSync(join(INBOX, file), 'utf8').replace(/\r?\n/g, '\r\n');
      ids.push(/^Message-ID:\s*<([^>]+)>/im.exec(raw)![1]!);
      return { raw, labels, flags };
    });
    gmail = await startGmailImap({ ...JEFF, messages });
    profileDir = mkdtempSync(join(tmpdir(), 'mailbridge-gmail-imap-'));
    services = await openServices({ profileDir, config: { imap: { timeoutMs: 5_000 } } });
    const account = await services.connectImap({ email: JEFF.user, password: JEFF.password, server: { host: gmail.host, port: gmail.port, security: 'tls' }, smtp: null });
    accountId = account.id;
  });

  after(async () => {
    await services?.close();
    await gmail?.stop();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  test('six messages listed 13 times across the folders sync as six, the archived one included, each with its Gmail labels', async () => {
    assert.equal(MAILBOX.reduce((n, m) => n + 1 + m.labels.length, 0), 13, 'All Mail and each label\'s folder list them');
    await services.syncAccount(accountId);
    assert.equal(services.store.messages.stats().messages, 6);
    assert.deepEqual(labelsOf(ids[0]!), ['Deals', 'INBOX', 'UNREAD']);
    assert.deepEqual(labelsOf(ids[1]!), [], 'archived: in no label, still stored');
    assert.deepEqual(labelsOf(ids[2]!), ['[Gmail]/Sent Mail']);
    assert.deepEqual(labelsOf(ids[3]!), ['INBOX', 'STARRED']);
    assert.deepEqual(labelsOf(ids[5]!), ['Deals']);
    const listed = services.store.inbox.labels(accountId).map((l) => l.name);
    for (const name of ['INBOX', 'Deals', '[Gmail]/Sent Mail']) assert.ok(listed.includes(name), `${name} in ${listed.join(', ')}`);
    for (const name of ['[Gmail]/All Mail', '[Gmail]/Starred', '[Gmail]/Trash', '[Gmail]/Spam']) assert.ok(!listed.includes(name), `${name} not listed`);
  });

  test('archive, a label and a star made in the app change the labels and flags on All Mail; nothing moves', async () => {
    const deals = services.store.inbox.labels(accountId).find((l) => l.name === 'Deals')!;
    await services.handlers['mail:act']({ threadIds: [threadOf(ids[0]!)], action: 'archive' });
    await services.handlers['mail:label']({ threadIds: [threadOf(ids[4]!)], labelId: deals.id, add: true });
    await services.handlers['mail:act']({ threadIds: [threadOf(ids[4]!)], action: 'star' });
    await until(() => services.store.mailActions.pending(accountId).length === 0, 'the actions to reach the server');
    assert.deepEqual(gmail.labelsOf(ids[0]!), ['Deals'], 'out of the Inbox, still labelled');
    assert.deepEqual(gmail.labelsOf(ids[4]!), ['Deals', '\\Inbox'], 'labelled, still in the Inbox (labels stack)');
    assert.deepEqual(gmail.flagsOf(ids[4]!), ['\\Flagged']);
    assert.equal(gmail.countIn('[Gmail]/Trash'), 0);
    assert.deepEqual(labelsOf(ids[0]!), ['Deals', 'UNREAD'], 'the local copy says the same');
    assert.deepEqual(labelsOf(ids[4]!), ['Deals', 'INBOX', 'STARRED', 'UNREAD']);
  });

  test('a label changed in the web client reaches the store on the next sync, and nothing is fetched twice', async () => {
    gmail.setLabels(ids[1]!, ['\\Inbox', 'Deals']);
    const sent = gmail.commands.length;
    const result = await services.syncAccount(accountId);
    assert.ok(gmail.commands.slice(sent).some((c) => /UID FETCH .*X-GM-LABELS.*CHANGEDSINCE \d+/i.test(c)), 'asked only for what changed (CONDSTORE, RFC 7162)');
    assert.equal(result.added, 0, 'nothing fetched again');
    assert.deepEqual(labelsOf(ids[1]!), ['Deals', 'INBOX']);
    assert.deepEqual(labelsOf(ids[0]!), ['Deals', 'UNREAD'], 'the app’s own archive stays');
    assert.equal(services.store.messages.stats().messages, 6);
  });

  test('mail a filter keeps out of the Inbox arrives through IDLE on All Mail, with no sync asked for', async () => {
    services.startBackgroundSync();
    await until(() => gmail.idleOn('[Gmail]/All Mail'), 'the watcher to enter IDLE on All Mail');
    const raw = readFileSync(join(INBOX, '1004'), 'utf8').replace(/\r?\n/g, '\r\n');
    const header = /^Message-ID:\s*<([^>]+)>/im.exec(raw)![1]!;
    gmail.deliver({ raw, labels: ['Deals'] });
    await until(() => services.store.messages.stats().messages === 7, 'the filtered message to be stored', 5_000);
    assert.deepEqual(labelsOf(header), ['Deals', 'UNREAD'], 'labelled, not in the Inbox');
  });
});
