// The IMAP sync engine over an in-memory server double and the real store: newest first,
// every message once, expunges and flag changes applied (with and without CONDSTORE), a new
// UIDVALIDITY refetched without duplicates, Trash and Junk left out, roles recorded.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapSync, type ImapFetched, type ImapFolderInfo, type ImapSource } from '../../../src-main/mail/imap-sync.ts';
import { graphSyncStoreFor } from '../../../src-main/mail/graph-sync-store.ts';
import { parseMessage } from '../../../src-main/mail/mime/index.ts';
import { databaseOf } from '../../../src-main/store/profile-store.ts';
import { openTestStore, type TestStore } from '../store/store-fixtures.ts';

interface FakeMessage { uid: number; flags: string[]; modseq: number; raw: Uint8Array }
interface FakeFolder { info: ImapFolderInfo; uidValidity: number; uidNext: number; messages: FakeMessage[] }

class FakeImap implements ImapSource {
  readonly folders = new Map<string, FakeFolder>();
  condstore = true;
  modseq = 1;
  fetched: number[] = [];
  #open: FakeFolder | undefined;

  add(path: string, subject: string, flags: string[] = []): number {
    const folder = this.folders.get(path)!;
    const uid = folder.uidNext++;
    const raw = new TextEncoder().encode(`From: a@example.com\r\nTo: rep@example.com\r\nSubject: ${subject}\r\nMessage-ID: <${path}-${subject}@example.com>\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\n\r\nBody ${subject}\r\n`);
    folder.messages.push({ uid, flags, modseq: ++this.modseq, raw });
    return uid;
  }
  folder(path: string, specialUse: string | null = null): void {
    this.folders.set(path, { info: { path, specialUse }, uidValidity: 1000, uidNext: 1, messages: [] });
  }
  async listFolders() {
    return [...this.folders.values()].map((f) => f.info);
  }
  async open(path: string) {
    this.#open = this.folders.get(path)!;
    const highest = Math.max(0, ...this.#open.messages.map((m) => m.modseq));
    return { uidValidity: String(this.#open.uidValidity), uidNext: this.#open.uidNext, highestModseq: this.condstore ? String(highest) : null };
  }
  async uids() {
    return this.#open!.messages.map((m) => m.uid);
  }
  async *fetchSources(uids: readonly number[]): AsyncIterable<ImapFetched> {
    for (const uid of uids) {
      const m = this.#open!.messages.find((x) => x.uid === uid)!;
      this.fetched.push(uid);
      yield { uid, flags: m.flags, internalDate: 1_800_000_000_000 + uid, raw: m.raw };
    }
  }
  async *fetchFlags(changedSince: string | null) {
    for (const m of this.#open!.messages) if (changedSince === null || m.modseq > Number(changedSince)) yield { uid: m.uid, flags: m.flags };
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

const engine = () => new ImapSync({ accountId, source: server, store: graphSyncStoreFor(t.store), parse: parseMessage });
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

for (const condstore of [true, false]) {
  test(`new mail, expunges and flag changes reach the store (${condstore ? 'CONDSTORE' : 'no CONDSTORE'})`, async () => {
    server.condstore = condstore;
    await engine().sync();
    const inbox = server.folders.get('INBOX')!;
    inbox.messages = inbox.messages.filter((m) => m.uid !== 1);
    const two = inbox.messages.find((m) => m.uid === 2)!;
    two.flags = ['\\Seen', '\\Flagged'];
    two.modseq = ++server.modseq;
    server.add('INBOX', 'in-6');
    const result = await engine().sync('new-mail');
    assert.deepEqual([result.added, result.deleted, result.labelChanges], [1, 1, 1]);
    assert.equal(count(), 6);
    const labels = t.store.messages.labelsByMessage(accountId).get('INBOX\n1000\n2');
    assert.deepEqual(labels?.sort(), ['INBOX', 'STARRED']);
  });
}

test('a new UIDVALIDITY refetches the folder and stores nothing twice', async () => {
  await engine().sync();
  const inbox = server.folders.get('INBOX')!;
  inbox.uidValidity = 2000;
  server.fetched = [];
  await engine().sync();
  assert.equal(count(), 6, 'every message once');
  assert.equal(server.fetched.length, 5, 'the folder fetched again');
  const dupes = databaseOf(t.store).prepare('SELECT count(*) FROM (SELECT message_id_header FROM messages GROUP BY message_id_header HAVING count(*) > 1)').pluck().get();
  assert.equal(dupes, 0);
});
