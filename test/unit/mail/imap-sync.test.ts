// The IMAP sync engine over an in-memory server double and the real store: newest first,
// every message once, expunges and flag changes applied (QRESYNC, CONDSTORE only, neither),
// QRESYNC used without listing every UID and left for the full listing where it cannot
// apply, a new UIDVALIDITY refetched without duplicates, Trash and Junk left out, roles recorded.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapSync, type ImapFetched, type ImapFolderInfo, type ImapSource } from '../../../src-main/mail/imap-sync.ts';
import { imapSyncStoreFor } from '../../../src-main/mail/imap-sync-store.ts';
import { parseMessage } from '../../../src-main/mail/mime/index.ts';
import { databaseOf } from '../../../src-main/store/profile-store.ts';
import { openTestStore, type TestStore } from '../store/store-fixtures.ts';

interface FakeMessage { uid: number; flags: string[]; modseq: number; raw: Uint8Array; /** X-GM-LABELS, answered where gmailExtensions. */ labels?: string[] }
interface FakeFolder { info: ImapFolderInfo; uidValidity: number; uidNext: number; messages: FakeMessage[]; vanished: Array<{ uid: number; modseq: number }> }

class FakeImap implements ImapSource {
  readonly folders = new Map<string, FakeFolder>();
  gmailExtensions = false;
  condstore = true;
  qresync = true;
  modseq = 1;
  fetched: number[] = [];
  /** The folder of each source fetched, in order. */
  fetchedFrom: string[] = [];
  /** Commands the engine asked for, other than LIST, EXAMINE and the source fetch: `uids`, `uids 6:*`, `flags`, `flags since 7`, `changes since 7`. */
  calls: string[] = [];
  /** UIDs VANISHED (EARLIER) names besides the real ones (RFC 7162 lets a server report a superset). */
  extraVanished: number[] = [];
  #open: FakeFolder | undefined;

  add(path: string, subject: string, flags: string[] = []): number {
    return this.put(path, new TextEncoder().encode(`From: a@example.com\r\nTo: rep@example.com\r\nSubject: ${subject}\r\nMessage-ID: <${path}-${subject}@example.com>\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\n\r\nBody ${subject}\r\n`), flags);
  }
  put(path: string, raw: Uint8Array, flags: string[] = [], labels?: string[]): number {
    const folder = this.folders.get(path)!;
    const uid = folder.uidNext++;
    folder.messages.push({ uid, flags, modseq: ++this.modseq, raw, ...(labels ? { labels } : {}) });
    return uid;
  }
  setLabels(path: string, uid: number, labels: string[]): void {
    const m = this.folders.get(path)!.messages.find((x) => x.uid === uid)!;
    m.labels = labels;
    m.modseq = ++this.modseq;
  }
  expunge(path: string, ...uids: number[]): void {
    const folder = this.folders.get(path)!;
    folder.messages = folder.messages.filter((m) => !uids.includes(m.uid));
    for (const uid of uids) folder.vanished.push({ uid, modseq: ++this.modseq });
  }
  setFlags(path: string, uid: number, flags: string[]): void {
    const m = this.folders.get(path)!.messages.find((x) => x.uid === uid)!;
    m.flags = flags;
    m.modseq = ++this.modseq;
  }
  /** A new UIDVALIDITY, as when the server rebuilds its index: every message numbered afresh (here in reverse). */
  renumber(path: string, uidValidity: number): void {
    const folder = this.folders.get(path)!;
    folder.uidValidity = uidValidity;
    folder.messages = folder.messages.reverse().map((m, i) => ({ ...m, uid: i + 1, modseq: ++this.modseq }));
    folder.uidNext = folder.messages.length + 1;
    folder.vanished = [];
  }
  folder(path: string, specialUse: string | null = null): void {
    this.folders.set(path, { info: { path, specialUse }, uidValidity: 1000, uidNext: 1, messages: [], vanished: [] });
  }
  async listFolders() {
    return [...this.folders.values()].map((f) => f.info);
  }
  async open(path: string) {
    this.#open = this.folders.get(path)!;
    const highest = Math.max(0, ...this.#open.messages.map((m) => m.modseq), ...this.#open.vanished.map((v) => v.modseq));
    return { uidValidity: String(this.#open.uidValidity), uidNext: this.#open.uidNext, highestModseq: this.condstore ? String(highest) : null, qresync: this.condstore && this.qresync };
  }
  async uids(from?: number) {
    this.calls.push(from ? `uids ${from}:*` : 'uids');
    return this.#open!.messages.map((m) => m.uid).filter((uid) => !from || uid >= from);
  }
  async *fetchSources(uids: readonly number[]): AsyncIterable<ImapFetched> {
    for (const uid of uids) {
      const m = this.#open!.messages.find((x) => x.uid === uid)!;
      this.fetched.push(uid);
      this.fetchedFrom.push(this.#open!.info.path);
      yield { ...this.#state(m), internalDate: 1_800_000_000_000 + uid, raw: m.raw };
    }
  }
  async *fetchFlags(changedSince: string | null) {
    this.calls.push(changedSince ? `flags since ${changedSince}` : 'flags');
    for (const m of this.#open!.messages) if (changedSince === null || m.modseq > Number(changedSince)) yield this.#state(m);
  }
  async changesSince(modseq: string) {
    if (!this.qresync) return null;
    this.calls.push(`changes since ${modseq}`);
    const since = Number(modseq);
    return {
      vanished: [...this.#open!.vanished.filter((v) => v.modseq > since).map((v) => v.uid), ...this.extraVanished],
      flags: this.#open!.messages.filter((m) => m.modseq > since).map((m) => this.#state(m)),
    };
  }
  #state(m: FakeMessage) {
    return { uid: m.uid, flags: m.flags, ...(this.gmailExtensions ? { labels: m.labels ?? [] } : {}) };
  }
}

let t: TestStore;
let server: FakeImap;
let accountId: number;
beforeEach(async () => {
  t = await openTestStore();
  server = new FakeImap();
  server.folder('INBOX', '\\Inbox');
  server.folder('Sent', '\\Sent');
  server.folder('Trash', '\\Trash');
  for (let i = 1; i <= 5; i++) server.add('INBOX', `in-${i}`, i % 2 ? ['\\Seen'] : []);
  server.add('Sent', 'out-1', ['\\Seen']);
  server.add('Trash', 'gone-1', ['\\Seen']);
  accountId = t.store.accounts.create({ provider: 'imap', email: 'rep@example.com' }).id;
});
afterEach(() => t.cleanup());

const engine = () => new ImapSync({ accountId, source: server, store: imapSyncStoreFor(t.store), parse: parseMessage });
const count = () => t.store.messages.stats().messages;
const unread = () => databaseOf(t.store).prepare('SELECT count(*) FROM messages WHERE unread = 1').pluck().get();

test('a first sync stores every message once, newest first, and leaves Trash out', async () => {
  const result = await engine().sync();
  assert.equal(result.kind, 'full');
  assert.equal(count(), 6);
  assert.equal(unread(), 2);
  assert.deepEqual(server.fetched.slice(0, 5), [5, 4, 3, 2, 1], 'newest UID first');
  assert.equal(t.store.mailActions.roleLabel(accountId, 'inbox'), 'INBOX');
  assert.equal(t.store.mailActions.roleLabel(accountId, 'sent'), 'Sent');
  server.fetched = [];
  await engine().sync();
  assert.deepEqual(server.fetched, [], 'nothing fetched twice');
});

const MODES = { QRESYNC: { condstore: true, qresync: true }, 'CONDSTORE only': { condstore: true, qresync: false }, 'no CONDSTORE': { condstore: false, qresync: false } };
for (const [mode, { condstore, qresync }] of Object.entries(MODES)) {
  test(`new mail, expunges and flag changes reach the store (${mode})`, async () => {
    server.condstore = condstore;
    server.qresync = qresync;
    await engine().sync();
    server.expunge('INBOX', 1);
    server.setFlags('INBOX', 2, ['\\Seen', '\\Flagged']);
    server.add('INBOX', 'in-6');
    const result = await engine().sync('new-mail');
    assert.deepEqual([result.added, result.deleted, result.labelChanges], [1, 1, 1]);
    assert.equal(count(), 6);
    const labels = t.store.messages.labelsByMessage(accountId).get('INBOX\n1000\n2');
    assert.deepEqual(labels?.sort(), ['INBOX', 'STARRED']);
  });
}

test('with QRESYNC an incremental sync lists no UID: expunges from VANISHED, flags from CHANGEDSINCE, new mail above the last UIDNEXT', async () => {
  await engine().sync();
  server.expunge('INBOX', 2, 4);
  server.setFlags('INBOX', 3, []);
  server.add('INBOX', 'in-6');
  server.calls = [];
  server.fetched = [];
  const result = await engine().sync();
  assert.deepEqual([result.added, result.deleted, result.labelChanges], [1, 2, 1]);
  // INBOX was at HIGHESTMODSEQ 6 and UIDNEXT 6 after the first sync; Sent did not change.
  assert.deepEqual(server.calls, ['changes since 6', 'uids 6:*'], 'one CHANGEDSINCE … VANISHED and one UID range, no UID SEARCH ALL');
  assert.deepEqual(server.fetched, [6]);
  const ids = [...t.store.messages.labelsByMessage(accountId)].filter(([id]) => id.startsWith('INBOX\n')).map(([id, labels]) => [id.split('\n')[2], labels.sort().join(' ')]);
  assert.deepEqual(ids.sort(), [['1', 'INBOX'], ['3', 'INBOX UNREAD'], ['5', 'INBOX'], ['6', 'INBOX UNREAD']]);
});

test('with QRESYNC a folder whose HIGHESTMODSEQ and UIDNEXT have not moved costs only its EXAMINE', async () => {
  await engine().sync();
  server.calls = [];
  const result = await engine().sync();
  assert.deepEqual([result.added, result.deleted, result.labelChanges], [0, 0, 0]);
  assert.deepEqual(server.calls, []);
});

test('VANISHED (EARLIER) naming UIDs never stored deletes only the ones that were', async () => {
  await engine().sync();
  server.expunge('INBOX', 5);
  server.extraVanished = [4_000, 9_999];
  const result = await engine().sync('new-mail');
  assert.equal(result.deleted, 1);
  assert.equal(count(), 5);
});

test('without QRESYNC every UID is listed and only flags changed since the last HIGHESTMODSEQ are fetched', async () => {
  server.qresync = false;
  await engine().sync();
  server.expunge('INBOX', 3);
  server.calls = [];
  const result = await engine().sync('new-mail');
  assert.equal(result.deleted, 1);
  assert.deepEqual(server.calls, ['uids', 'flags since 6', 'uids'], 'INBOX listed and its changed flags fetched; Sent listed, its flags unchanged');
});

test('a stored HIGHESTMODSEQ of null (the server had no CONDSTORE) falls back to the full listing once', async () => {
  server.condstore = false;
  await engine().sync();
  server.condstore = true;
  server.expunge('INBOX', 1);
  server.calls = [];
  const result = await engine().sync('new-mail');
  assert.equal(result.deleted, 1);
  assert.deepEqual(server.calls, ['uids', 'flags', 'uids', 'flags'], 'no CHANGEDSINCE without a stored HIGHESTMODSEQ');
  server.expunge('INBOX', 2);
  server.calls = [];
  assert.equal((await engine().sync('new-mail')).deleted, 1);
  assert.deepEqual(server.calls, ['changes since 9'], 'QRESYNC from the next sync on');
});

test('a new UIDVALIDITY refetches the folder and stores nothing twice', async () => {
  await engine().sync();
  const inbox = server.folders.get('INBOX')!;
  inbox.uidValidity = 2000;
  server.fetched = [];
  server.calls = [];
  await engine().sync();
  assert.equal(count(), 6, 'every message once');
  assert.equal(server.fetched.length, 5, 'the folder fetched again');
  assert.deepEqual(server.calls.slice(0, 2), ['uids', 'flags'], 'listed in full, not resynced from the old UIDVALIDITY');
  const dupes = databaseOf(t.store).prepare('SELECT count(*) FROM (SELECT message_id_header FROM messages GROUP BY message_id_header HAVING count(*) > 1)').pluck().get();
  assert.equal(dupes, 0);
});

const rowsByHeader = () =>
  new Map(databaseOf(t.store).prepare<[], { id: number; header: string; pid: string; unread: number }>(
    'SELECT id, message_id_header AS header, provider_message_id AS pid, unread FROM messages').all().map((r) => [r.header, r]));

test('a new UIDVALIDITY matches the refetched folder with what is stored: rows kept with their CRM activity, flags compared, the gone deleted, the new added', async () => {
  await engine().sync();
  const db = databaseOf(t.store);
  const before = rowsByHeader();
  const logged = before.get('INBOX-in-2@example.com')!;
  const contact = Number(db.prepare(`INSERT INTO contacts (crm, crm_contact_id, email, updated_at) VALUES ('hubspot', '7', 'a@example.com', 0)`).run().lastInsertRowid);
  db.prepare(`INSERT INTO activities (message_id, contact_id, crm, crm_activity_id, logged_at) VALUES (?, ?, 'hubspot', 'e-1', 0)`).run(logged.id, contact);

  server.renumber('INBOX', 2000);
  const inbox = server.folders.get('INBOX')!;
  inbox.messages = inbox.messages.filter((m) => !new TextDecoder().decode(m.raw).includes('Subject: in-4'));
  inbox.messages.find((m) => new TextDecoder().decode(m.raw).includes('Subject: in-2'))!.flags = ['\\Seen'];
  server.add('INBOX', 'in-6');
  server.fetched = [];
  const result = await engine().sync();

  const after = rowsByHeader();
  assert.equal(count(), 6, 'in-1..3, in-5, in-6 and Sent, each once');
  assert.equal(after.has('INBOX-in-4@example.com'), false, 'gone from the folder, gone from the store');
  for (const subject of ['in-1', 'in-2', 'in-3', 'in-5']) {
    const header = `INBOX-${subject}@example.com`;
    assert.equal(after.get(header)!.id, before.get(header)!.id, `${subject} keeps its row`);
    assert.ok(after.get(header)!.pid.startsWith('INBOX\n2000\n'), `${subject} renamed to its new UID`);
  }
  assert.equal(after.get('INBOX-in-2@example.com')!.unread, 0, 'the flag set meanwhile is applied');
  assert.deepEqual(db.prepare('SELECT message_id FROM activities').pluck().all(), [logged.id], 'the activity still points at its message');
  assert.deepEqual([result.added, result.deleted, result.labelChanges], [1, 1, 1]);
  assert.equal(server.fetched.length, 5, 'the folder fetched again under its new UIDs');
});

test('a new UIDVALIDITY: the rep\'s undelivered action follows the renamed message and still overrules the server', async () => {
  await engine().sync();
  const before = rowsByHeader().get('INBOX-in-2@example.com')!;
  assert.equal(before.unread, 1);
  t.store.mailActions.enqueue(accountId, 'read', [before.pid], { added: [], removed: ['UNREAD'], deleted: false });
  server.renumber('INBOX', 2000);
  await engine().sync();
  const after = rowsByHeader().get('INBOX-in-2@example.com')!;
  assert.equal(after.id, before.id);
  assert.equal(after.unread, 0, 'read, as the rep made it, though the server still says unseen');
  assert.deepEqual(t.store.mailActions.pending(accountId).map((a) => a.providerIds), [[after.pid]], 'the queued action names the new UID');
});

test('a new UIDVALIDITY with sources the server rewrote matches by Message-ID and Date, where no two stored messages share them', async () => {
  server.add('INBOX', 'in-1'); // a second copy: the same Message-ID and Date as in-1
  await engine().sync();
  const before = rowsByHeader();
  server.renumber('INBOX', 2000);
  const inbox = server.folders.get('INBOX')!;
  const encoder = new TextEncoder();
  inbox.messages = inbox.messages.map((m) => ({ ...m, raw: new Uint8Array([...encoder.encode('X-Migrated: yes\r\n'), ...m.raw]) }));
  await engine().sync();
  const ids = databaseOf(t.store).prepare<[], { id: number; header: string }>('SELECT id, message_id_header AS header FROM messages').all();
  for (const subject of ['in-2', 'in-3', 'in-4', 'in-5']) {
    const header = `INBOX-${subject}@example.com`;
    assert.deepEqual(ids.filter((r) => r.header === header).map((r) => r.id), [before.get(header)!.id], `${subject} kept its row`);
  }
  const copies = ids.filter((r) => r.header === 'INBOX-in-1@example.com');
  assert.equal(copies.length, 2, 'the two copies of in-1 are both stored, fetched again: which was which cannot be told');
  assert.equal(count(), 7);
});

test('a new UIDVALIDITY matches a message whose source is not kept offline by Message-ID and Date', async () => {
  await engine().sync();
  const db = databaseOf(t.store);
  const before = rowsByHeader().get('INBOX-in-3@example.com')!;
  db.prepare(`UPDATE messages SET raw = x'', raw_encoding = 'remote', body_text = '', body_html = NULL, body_encoding = 'remote' WHERE id = ?`).run(before.id);
  server.renumber('INBOX', 3000);
  await engine().sync();
  const after = rowsByHeader().get('INBOX-in-3@example.com')!;
  assert.equal(after.id, before.id);
  assert.equal(after.pid, 'INBOX\n3000\n3', 'in-3 was UID 3 of 5 and is 3 again in reverse');
  assert.equal(count(), 6);
});

/**
 * Gmail's IMAP as https://developers.google.com/gmail/imap/imap-extensions describes it: every
 * label a folder listing its messages again, All Mail (\All) all of them, archived ones only
 * there; X-GM-LABELS names a message's labels, system ones by backslash names.
 */
function gmailServer(): { server: FakeImap; raws: Uint8Array[] } {
  const gmail = new FakeImap();
  gmail.gmailExtensions = true;
  gmail.folder('INBOX', '\\Inbox');
  gmail.folder('[Gmail]/All Mail', '\\All');
  gmail.folder('[Gmail]/Sent Mail', '\\Sent');
  gmail.folder('[Gmail]/Starred', '\\Flagged');
  gmail.folder('[Gmail]/Trash', '\\Trash');
  gmail.folder('Deals', null);
  const raw = (n: number) => new TextEncoder().encode(`From: a@example.com\r\nTo: rep@example.com\r\nSubject: g-${n}\r\nMessage-ID: <g-${n}@example.com>\r\nDate: Tue, 1 Dec 2026 1${n}:00:00 +0000\r\n\r\nBody ${n}\r\n`);
  const raws = [1, 2, 3, 4].map(raw);
  // 1: in the Inbox and labelled Deals; 2: archived; 3: sent; 4: in the Inbox, starred.
  const messages: Array<{ flags: string[]; labels: string[]; folders: string[] }> = [
    { flags: [], labels: ['\\Inbox', 'Deals'], folders: ['INBOX', 'Deals'] },
    { flags: ['\\Seen'], labels: [], folders: [] },
    { flags: ['\\Seen'], labels: ['\\Sent'], folders: ['[Gmail]/Sent Mail'] },
    { flags: ['\\Seen', '\\Flagged'], labels: ['\\Inbox', '\\Starred'], folders: ['INBOX', '[Gmail]/Starred'] },
  ];
  messages.forEach((m, i) => {
    gmail.put('[Gmail]/All Mail', raws[i]!, m.flags, m.labels);
    for (const folder of m.folders) gmail.put(folder, raws[i]!, m.flags, m.labels);
  });
  return { server: gmail, raws };
}

const labelsOf = () => new Map([...imapSyncStoreFor(t.store).labelsByMessage(accountId)].map(([id, labels]) => [id.split('\n').at(-1), [...labels].sort()]));

test('Gmail over IMAP: All Mail alone is fetched, each message once, archived mail too, its labels from X-GM-LABELS', async () => {
  server = gmailServer().server;
  await engine().sync();
  assert.equal(count(), 4, 'each message once, the archived one included');
  assert.deepEqual(new Set(server.fetchedFrom), new Set(['[Gmail]/All Mail']));
  assert.deepEqual(labelsOf(), new Map([
    ['1', ['Deals', 'INBOX', 'UNREAD']],
    ['2', []],
    ['3', ['[Gmail]/Sent Mail']],
    ['4', ['INBOX', 'STARRED']],
  ]));
  assert.equal(t.store.mailActions.roleLabel(accountId, 'sent'), '[Gmail]/Sent Mail');
  assert.equal(t.store.mailActions.roleLabel(accountId, 'all'), '[Gmail]/All Mail', 'the role that makes labels stack');
  const listed = t.store.inbox.labels(accountId).map((l) => l.name);
  assert.ok(listed.includes('Deals') && listed.includes('INBOX'));
  assert.ok(!listed.includes('[Gmail]/All Mail') && !listed.includes('[Gmail]/Starred') && !listed.includes('[Gmail]/Trash'), listed.join(', '));
});

test('Gmail over IMAP: a label changed elsewhere, new mail and an expunge reach the store; the new-mail round walks All Mail', async () => {
  server = gmailServer().server;
  server.qresync = false; // Gmail has CONDSTORE, not QRESYNC: flags and labels changed since the last MODSEQ
  await engine().sync();
  server.setLabels('[Gmail]/All Mail', 2, ['\\Inbox']);
  server.setLabels('[Gmail]/All Mail', 1, ['\\Inbox']);
  server.put('[Gmail]/All Mail', new TextEncoder().encode('From: b@example.com\r\nSubject: new\r\nMessage-ID: <g-5@example.com>\r\n\r\nnew\r\n'), [], ['\\Inbox']);
  server.expunge('[Gmail]/All Mail', 3);
  server.fetchedFrom = [];
  const result = await engine().sync('new-mail');
  assert.equal(result.added, 1);
  assert.deepEqual(server.fetchedFrom, ['[Gmail]/All Mail']);
  const labels = labelsOf();
  assert.deepEqual(labels.get('2'), ['INBOX'], 'un-archived elsewhere');
  assert.deepEqual(labels.get('1'), ['INBOX', 'UNREAD'], 'a label taken off elsewhere');
  assert.deepEqual(labels.get('5'), ['INBOX', 'UNREAD']);
  assert.equal(labels.has('3'), false, 'expunged from All Mail: deleted everywhere');
  assert.ok(server.calls.some((c) => c.startsWith('flags since')), server.calls.join(', '));
});

test('Gmail over IMAP: a mailbox synced folder by folder before keeps its rows, one per message, when All Mail takes over', async () => {
  const { server: gmail } = gmailServer();
  server = gmail;
  server.gmailExtensions = false;
  await engine().sync();
  const before = databaseOf(t.store).prepare('SELECT id FROM messages').pluck().all() as number[];
  assert.equal(before.length, 5, 'the per-folder way stored message 1 twice (Inbox and Deals)');
  server.gmailExtensions = true;
  server.fetched = [];
  await engine().sync();
  const after = databaseOf(t.store).prepare('SELECT id FROM messages').pluck().all() as number[];
  assert.equal(after.length, 4, 'each message once, the archived one added');
  assert.equal(after.filter((id) => before.includes(id)).length, 3, 'the three stored before kept their rows');
  assert.deepEqual(labelsOf().get('1'), ['Deals', 'INBOX', 'UNREAD']);
});
