// GmailSync against in-memory doubles of the provider and the store: the engine's own
// rules (what a full sync fetches, keeps and deletes; how history folds in), independent
// of HTTP and SQLite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { GmailSync, LIST_AHEAD, type SyncStore } from '../../../src-main/mail/gmail-sync.ts';
import { HistoryExpiredError, type GmailProvider, type HistoryChanges } from '../../../src-main/mail/providers/gmail.ts';
import type { IncomingMessage, ParsedMessage } from '../../../src-main/mail/types.ts';
import { seededRandom } from '../../../scripts/seeded-random.ts';

function memoryStore() {
  const messages = new Map<string, string[]>();
  let cursor: string | null = null;
  const store: SyncStore = {
    knownProviderIds: () => new Set(messages.keys()),
    saveMessages: (_a, items) => items.forEach(({ incoming }) => messages.set(incoming.providerMessageId, [...incoming.labels])),
    deleteMessages: (_a, ids) => ids.forEach((id) => messages.delete(id)),
    applyLabelChanges: (_a, id, added, removed) =>
      messages.set(id, [...(messages.get(id) ?? []).filter((l) => !removed.includes(l)), ...added]),
    saveLabels: () => {},
    getCursor: () => cursor,
    setCursor: (_a, next) => void (cursor = next),
  };
  return { store, messages };
}

/**
 * `signal` makes the fake behave as GmailProvider does when a sync is stopped: requests take
 * a round trip each, one at a time, and those not yet sent when it aborts are rejected with its reason.
 */
function fakeProvider(ids: string[], history?: HistoryChanges | 'expired', signal?: AbortSignal) {
  const gets: string[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  const provider = {
    getProfile: async () => ({ emailAddress: 'me@example.test', historyId: '100', messagesTotal: ids.length }),
    listLabels: async () => [],
    async *listMessageRefs() {
      for (let i = 0; i < ids.length; i += 500) {
        yield { refs: ids.slice(i, i + 500).map((id) => ({ id, threadId: id })), resultSizeEstimate: ids.length };
      }
    },
    getMessage: async (id: string): Promise<IncomingMessage> => {
      if (signal) {
        const turn = queue.then(async () => {
          signal.throwIfAborted();
          await sleep(1); // the request's round trip
        });
        queue = turn.catch(() => {});
        await turn;
      }
      gets.push(id);
      return { providerMessageId: id, providerThreadId: id, labels: ['INBOX'], internalDate: 0, raw: Buffer.from(`Subject: ${id}\r\n\r\nbody`) };
    },
    listHistory: async () => {
      if (history === 'expired') throw new HistoryExpiredError('90');
      return history!;
    },
  };
  return { provider: provider as unknown as GmailProvider, gets };
}

const random = seededRandom(7);
/** A parser whose results arrive out of order, as a worker pool's do. */
const slowParse = async (raw: Uint8Array): Promise<ParsedMessage> => {
  await sleep(Math.floor(random() * 5));
  return { subject: Buffer.from(raw).toString(), warnings: [] } as unknown as ParsedMessage;
};

test('a full sync stores every message even when parses finish out of order', async () => {
  const ids = Array.from({ length: 1_234 }, (_, i) => `m${i}`);
  const { store, messages } = memoryStore();
  const result = await new GmailSync({ accountId: 1, provider: fakeProvider(ids).provider, store, parse: slowParse, batchSize: 50 }).full();
  assert.equal(result.added, ids.length);
  assert.equal(messages.size, ids.length);
});

test('a full resync fetches only what the store lacks and drops what the mailbox lost', async () => {
  const { store, messages } = memoryStore();
  await new GmailSync({ accountId: 1, provider: fakeProvider(['a', 'b', 'c']).provider, store, parse: slowParse }).full();
  const { provider, gets } = fakeProvider(['b', 'c', 'd']);
  const result = await new GmailSync({ accountId: 1, provider, store, parse: slowParse }).full();
  assert.deepEqual(gets, ['d']);
  assert.deepEqual([...messages.keys()].sort(), ['b', 'c', 'd']);
  assert.deepEqual({ added: result.added, deleted: result.deleted }, { added: 1, deleted: 1 });
});

test('history adds, deletes and relabels; an expired cursor falls back to a full sync', async () => {
  const { store, messages } = memoryStore();
  await new GmailSync({ accountId: 1, provider: fakeProvider(['a', 'b']).provider, store, parse: slowParse }).full();
  const changes: HistoryChanges = {
    added: [{ id: 'c', threadId: 'c' }],
    deleted: ['a'],
    labelChanges: [{ id: 'b', added: ['STARRED'], removed: ['INBOX'] }],
    historyId: '120',
  };
  const incremental = await new GmailSync({ accountId: 1, provider: fakeProvider([], changes).provider, store, parse: slowParse }).sync();
  assert.equal(incremental.kind, 'incremental');
  assert.deepEqual([...messages.keys()].sort(), ['b', 'c']);
  assert.deepEqual(messages.get('b'), ['STARRED']);
  assert.equal(store.getCursor(1), '120');

  const fallback = await new GmailSync({ accountId: 1, provider: fakeProvider(['b', 'c'], 'expired').provider, store, parse: slowParse }).sync();
  assert.equal(fallback.kind, 'full');
  assert.equal(fallback.added, 0);
  assert.equal(store.getCursor(1), '100');
});

test('an aborted sync stops between messages and keeps what it stored', async () => {
  const ids = Array.from({ length: 600 }, (_, i) => `m${i}`);
  const { store, messages } = memoryStore();
  const controller = new AbortController();
  const sync = new GmailSync({
    accountId: 1,
    provider: fakeProvider(ids, undefined, controller.signal).provider,
    store,
    parse: slowParse,
    batchSize: 50,
    signal: controller.signal,
    onProgress: ({ done }) => done >= 100 && controller.abort(),
  });
  await assert.rejects(sync.full(), { name: 'AbortError' });
  assert.ok(messages.size >= 100 && messages.size < ids.length, `stored ${messages.size}`);
  assert.equal(store.getCursor(1), null, 'no cursor: the next sync is a full one again');
});

test('a full sync lists ids only a window ahead of its fetches, and fetches one message of each conversation first', async () => {
  // Conversations of 1 to 4 messages, newest first as messages.list returns them.
  const refs = Array.from({ length: 6_000 }, (_, i) => ({ id: `m${i}`, threadId: `t${Math.floor(i / (1 + (i % 4)))}` }));
  const { store, messages } = memoryStore();
  const { provider, gets } = fakeProvider(refs.map((r) => r.id));
  const storedWhenListed: number[] = [];
  provider.listMessageRefs = async function* () {
    for (let i = 0; i < refs.length; i += 500) {
      storedWhenListed.push(messages.size);
      yield { refs: refs.slice(i, i + 500), resultSizeEstimate: refs.length };
    }
  };
  const totals: number[] = [];
  await new GmailSync({ accountId: 1, provider, store, parse: slowParse, batchSize: 100, onProgress: (p) => totals.push(p.total) }).full();
  assert.equal(messages.size, refs.length);
  storedWhenListed.forEach((stored, page) => assert.ok(page * 500 - stored <= LIST_AHEAD, `page ${page} listed with ${stored} stored`));
  assert.ok(storedWhenListed.at(-1)! > 0, 'fetching began before the listing ended');
  const threadOf = new Map(refs.map((r) => [r.id, r.threadId]));
  const firstWindow = gets.slice(0, LIST_AHEAD).map((id) => threadOf.get(id));
  const distinct = new Set(refs.slice(0, LIST_AHEAD).map((r) => r.threadId)).size;
  assert.equal(new Set(firstWindow.slice(0, distinct)).size, distinct, 'the first fetches are one per conversation');
  assert.ok(totals.every((total) => total === refs.length), 'the total is known from the profile from the first report');
});
