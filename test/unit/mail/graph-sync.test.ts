// GraphSync against an in-memory fake of Graph's per-folder delta and an in-memory store:
// the engine's own rules (first round, incremental changes, moves, 410 resync, failures),
// independent of HTTP and SQLite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { GraphSync, UNREAD_LABEL, type GraphSource, type GraphSyncStore, type SyncScope } from '../../../src-main/mail/graph-sync.ts';
import { DeltaExpiredError, type DeltaChange, type DeltaPage, type GraphFolderInfo } from '../../../src-main/mail/providers/graph.ts';
import type { ParsedMessage } from '../../../src-main/mail/types.ts';
import { seededRandom } from '../../../scripts/seeded-random.ts';

function memoryStore() {
  const messages = new Map<string, { labels: string[]; thread: string | null }>();
  let cursor: string | null = null;
  let saves = 0;
  const store: GraphSyncStore = {
    knownProviderIds: () => new Set(messages.keys()),
    saveMessages: (_a, items) => {
      saves += 1;
      for (const { incoming } of items) {
        assert.ok(!messages.has(incoming.providerMessageId), `${incoming.providerMessageId} saved twice`);
        messages.set(incoming.providerMessageId, { labels: [...incoming.labels], thread: incoming.providerThreadId });
      }
    },
    deleteMessages: (_a, ids) => ids.forEach((id) => messages.delete(id)),
    applyLabelChanges: (_a, id, added, removed) => {
      const m = messages.get(id)!;
      m.labels = [...m.labels.filter((l) => !removed.includes(l)), ...added];
    },
    saveLabels: () => {},
    setFolderRoles: () => {},
    getCursor: () => cursor,
    setCursor: (_a, next) => void (cursor = next),
    labelsByMessage: () => new Map([...messages].map(([id, m]) => [id, [...m.labels]])),
  };
  return { store, messages, saves: () => saves, cursor: () => cursor };
}

/**
 * A mailbox with Graph's delta semantics: each folder keeps a change log; a deltaLink is the
 * log position; a round from scratch lists the folder's current messages; tokens can expire.
 */
class FakeGraph implements GraphSource {
  readonly folders = new Map<string, { info: GraphFolderInfo; log: DeltaChange[]; messages: Map<string, DeltaChange> }>();
  readonly mimeRequests: string[] = [];
  #next = 0;
  #epoch = 0;
  failMime = new Set<string>();

  addFolder(id: string): void {
    this.folders.set(id, { info: { id, displayName: id, path: id, parentFolderId: null, totalItemCount: 0, topLevel: true, excluded: id === 'junk' }, log: [], messages: new Map() });
  }

  add(folderId: string, id = `m${this.#next++}`, isRead = false): string {
    const change: DeltaChange = { kind: 'upsert', id, conversationId: `c-${id}`, folderId, receivedAt: 0, isRead };
    const f = this.folders.get(folderId)!;
    f.messages.set(id, change);
    f.log.push(change);
    return id;
  }

  remove(folderId: string, id: string): void {
    const f = this.folders.get(folderId)!;
    f.messages.delete(id);
    f.log.push({ kind: 'removed', id });
  }

  /** A move that keeps the id (immutable ids). */
  move(id: string, from: string, to: string): void {
    this.remove(from, id);
    this.add(to, id);
  }

  expire(): void {
    this.#epoch += 1;
  }

  readonly folderRequests: string[] = [];

  async listFolders(): Promise<GraphFolderInfo[]> {
    this.folderRequests.push('list');
    return [...this.folders.values()].map((f) => f.info);
  }

  /** Well-known names: inbox is 'inbox', sentitems is 'sent'. */
  async wellKnownFolder(name: string): Promise<GraphFolderInfo> {
    this.folderRequests.push(name);
    return this.folders.get(name === 'sentitems' ? 'sent' : name)!.info;
  }

  async *delta(folderId: string, deltaLink: string | null): AsyncGenerator<DeltaPage> {
    const f = this.folders.get(folderId)!;
    let items: DeltaChange[];
    if (deltaLink === null) items = [...f.messages.values()];
    else {
      const [epoch, position] = deltaLink.split(':').map(Number) as [number, number];
      if (epoch !== this.#epoch) throw new DeltaExpiredError(folderId);
      items = f.log.slice(position);
    }
    const link = `${this.#epoch}:${f.log.length}`;
    for (let i = 0; i < items.length || i === 0; i += 7) {
      await sleep(0);
      const last = i + 7 >= items.length;
      yield { changes: items.slice(i, i + 7), ...(last ? { deltaLink: link } : {}) };
    }
  }

  async getMime(id: string): Promise<Uint8Array | null> {
    this.mimeRequests.push(id);
    await sleep(Math.floor(random() * 3));
    if (this.failMime.has(id)) throw Object.assign(new Error('Service unavailable'), { statusCode: 503 });
    const exists = [...this.folders.values()].some((f) => f.messages.has(id));
    return exists ? Buffer.from(`Subject: ${id}\r\n\r\nbody`) : null;
  }
}

const random = seededRandom(11);
const parse = async (raw: Uint8Array): Promise<ParsedMessage> => {
  await sleep(Math.floor(random() * 3));
  return { subject: Buffer.from(raw).toString(), warnings: [] } as unknown as ParsedMessage;
};

function setup() {
  const graph = new FakeGraph();
  graph.addFolder('inbox');
  graph.addFolder('sent');
  graph.addFolder('archive');
  graph.addFolder('junk');
  const mem = memoryStore();
  const sync = (scope: SyncScope = 'all') => new GraphSync({ accountId: 1, provider: graph, store: mem.store, parse, batchSize: 25 }).sync(scope);
  return { graph, ...mem, sync };
}

test('a first sync stores every message of every folder once, filed by folder, threaded by conversationId', async () => {
  const { graph, messages, store, cursor } = setup();
  for (let i = 0; i < 300; i++) graph.add(i % 3 ? 'inbox' : 'archive', undefined, i % 2 === 0);
  graph.add('junk', 'spam-1');
  const progress: Array<{ done: number; total: number }> = [];
  const first = await new GraphSync({ accountId: 1, provider: graph, store, parse, batchSize: 25, onProgress: (p) => progress.push(p) }).sync();
  assert.equal(first.kind, 'full');
  assert.equal(first.added, 300);
  assert.equal(messages.size, 300);
  assert.deepEqual(messages.get('m0')?.labels, ['archive']);
  assert.deepEqual(messages.get('m1')?.labels, ['inbox', UNREAD_LABEL]);
  assert.equal(messages.get('m1')?.thread, 'c-m1');
  assert.deepEqual(Object.keys(JSON.parse(cursor()!).folders).sort(), ['archive', 'inbox', 'sent'], 'junk is not synced');
  assert.ok(!messages.has('spam-1'));
  assert.ok(progress.length > 5, 'progress is reported as batches are stored');
  assert.deepEqual(progress.at(-1), { phase: 'full', done: 300, total: 300 });
});

test('incremental: new, removed, moved (same id) and read-state changes apply without refetching', async () => {
  const { graph, messages, sync } = setup();
  const ids = Array.from({ length: 40 }, () => graph.add('inbox'));
  await sync();
  const before = graph.mimeRequests.length;
  const fresh = graph.add('inbox');
  graph.remove('inbox', ids[0]!);
  graph.move(ids[1]!, 'inbox', 'archive');
  graph.remove('inbox', ids[2]!);
  graph.add('inbox', ids[2]!, true); // an update: now read
  const result = await sync();
  assert.equal(result.kind, 'incremental');
  assert.equal(result.added, 1);
  assert.equal(result.deleted, 1);
  assert.deepEqual(graph.mimeRequests.slice(before), [fresh], 'only the new message is fetched');
  assert.ok(!messages.has(ids[0]!));
  assert.deepEqual(messages.get(ids[1]!)?.labels, [UNREAD_LABEL, 'archive'], 'the moved message keeps its unread state, filed in archive');
  assert.deepEqual(messages.get(ids[2]!)?.labels, ['inbox']);
  assert.equal(messages.size, 40);
});

test('an expired delta token resyncs the folder: only missing messages are fetched, vanished ones removed', async () => {
  const { graph, messages, sync } = setup();
  const ids = Array.from({ length: 60 }, (_, i) => graph.add(i < 50 ? 'inbox' : 'archive'));
  await sync();
  graph.remove('inbox', ids[3]!);
  const fresh = graph.add('inbox');
  graph.expire();
  const before = graph.mimeRequests.length;
  const result = await sync();
  assert.deepEqual(result.resynced.sort(), ['archive', 'inbox', 'sent']);
  assert.equal(result.kind, 'full');
  assert.deepEqual(graph.mimeRequests.slice(before), [fresh]);
  assert.equal(result.deleted, 1);
  assert.ok(!messages.has(ids[3]!));
  assert.equal(messages.size, 60);
  // and the next run is incremental again from the fresh deltaLinks
  assert.equal((await sync()).kind, 'incremental');
});

test('a request that fails for good fails the sync, keeps the cursor, and the rerun fetches only the rest', async () => {
  const { graph, messages, sync, cursor } = setup();
  const ids = Array.from({ length: 100 }, () => graph.add('inbox'));
  graph.failMime.add(ids[70]!);
  await assert.rejects(sync(), /Service unavailable/);
  assert.equal(cursor(), null, 'no cursor is recorded for a failed run');
  const stored = messages.size;
  assert.ok(stored < 100);
  graph.failMime.clear();
  const before = graph.mimeRequests.length;
  const result = await sync();
  assert.equal(result.added, 100 - stored);
  assert.equal(graph.mimeRequests.length - before, 100 - stored);
  assert.equal(messages.size, 100);
});

test('a new-mail round walks only Inbox and Sent Items; the next whole round brings the other folders', async () => {
  const { graph, messages, sync, cursor } = setup();
  for (let i = 0; i < 30; i++) graph.add(i % 2 ? 'inbox' : 'archive');
  assert.equal((await sync('new-mail')).kind, 'full', 'a first sync is always a whole round');
  const archiveLink = JSON.parse(cursor()!).folders.archive;
  const fetched = graph.mimeRequests.length;
  graph.folderRequests.length = 0;
  const inboxNew = graph.add('inbox');
  const sentNew = graph.add('sent', undefined, true);
  const archived = graph.add('archive');

  const quick = await sync('new-mail');
  assert.equal(quick.kind, 'incremental');
  assert.equal(quick.added, 2);
  assert.deepEqual(graph.folderRequests, ['inbox', 'sentitems'], 'no folder listing, two folder lookups');
  assert.ok(messages.has(inboxNew) && messages.has(sentNew) && !messages.has(archived));
  assert.equal(JSON.parse(cursor()!).folders.archive, archiveLink, 'the archive cursor is kept for the whole round');

  const whole = await sync('all');
  assert.equal(whole.added, 1);
  assert.ok(messages.has(archived));
  assert.deepEqual(graph.mimeRequests.slice(fetched).sort(), [inboxNew, sentNew, archived].sort(), 'each new message fetched once');
  assert.equal(messages.size, 33);
});

test('a removal met by a new-mail round waits for the whole round, which applies it once', async () => {
  const { graph, messages, sync } = setup();
  const ids = Array.from({ length: 10 }, () => graph.add('inbox'));
  await sync();
  graph.remove('inbox', ids[0]!);
  graph.move(ids[1]!, 'inbox', 'archive');
  const fresh = graph.add('inbox');
  graph.add('inbox', ids[2]!, true); // read elsewhere

  const quick = await sync('new-mail');
  assert.equal(quick.deleted, 0);
  assert.ok(messages.has(fresh), 'new mail is in at once');
  assert.deepEqual(messages.get(ids[2]!)?.labels, ['inbox'], 'read state too');
  assert.ok(messages.has(ids[0]!), 'the removal waits');

  const whole = await sync('all');
  assert.equal(whole.deleted, 1);
  assert.ok(!messages.has(ids[0]!));
  assert.deepEqual(messages.get(ids[1]!)?.labels, [UNREAD_LABEL, 'archive'], 'the move lands in archive, not deleted');
  assert.equal(messages.size, 10);
});
