// The inbox's page cache over a fake mail:threads whose answers the test releases one by
// one: which pages it asks for, what it keeps across a refresh, and what it reports.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as settled } from 'node:timers/promises';
import type { ChannelInput, ThreadListItem } from '../../../../src-preload/contract/index.ts';
import { PAGE_SIZE, ThreadPageCache, type FetchThreadPage } from '../../../../src-renderer/api/thread-pages.ts';

type Request = ChannelInput<'mail:threads'>;

interface Pending {
  request: Request;
  /** Answers with rows offset..offset+limit-1 (capped at `total`), subjects tagged `version`. */
  answer(total: number, version?: string): Promise<void>;
  fail(error: unknown): Promise<void>;
}

const row = (index: number, version: string): ThreadListItem => ({
  id: index + 1,
  accountId: 1,
  subject: `${version} #${index}`,
  from: 'ada@example.com',
  snippet: '',
  lastMessageAt: 1_700_000_000_000 + index,
  messageCount: 1,
  unread: false,
  starred: false,
  hasAttachments: false,
  logged: false,
});

function fakeThreads() {
  const pending: Pending[] = [];
  const fetchPage: FetchThreadPage = (request) =>
    new Promise((resolve, reject) => {
      pending.push({
        request,
        async answer(total, version = 'v1') {
          const offset = request.offset ?? 0;
          const end = Math.min(total, offset + (request.limit ?? 0));
          const threads = Array.from({ length: Math.max(0, end - offset) }, (_, i) => row(offset + i, version));
          resolve({ total, offset, threads });
          await settled();
        },
        async fail(error) {
          reject(error);
          await settled();
        },
      });
    });
  /** Removes and returns the oldest unanswered request, failing if there is none. */
  const next = (): Pending => {
    const first = pending.shift();
    assert.ok(first, 'expected a mail:threads request');
    return first;
  };
  const offsets = () => pending.map((p) => p.request.offset);
  return { fetchPage, next, offsets };
}

/** A cache whose first page (of `total` threads) has loaded. */
async function loadedCache(total: number) {
  const threads = fakeThreads();
  const cache = new ThreadPageCache({ accountId: 7 }, threads.fetchPage);
  await threads.next().answer(total);
  return { cache, threads };
}

describe('ThreadPageCache', () => {
  test('reads the first page at once, PAGE_SIZE rows for its filter, and sizes the list from total', async () => {
    const threads = fakeThreads();
    const cache = new ThreadPageCache({ accountId: 7 }, threads.fetchPage);
    const first = threads.next();
    assert.deepEqual(first.request, { filter: { accountId: 7 }, offset: 0, limit: PAGE_SIZE });
    assert.equal(cache.total, null);
    assert.equal(cache.item(0), undefined);

    await first.answer(1234);
    assert.equal(cache.total, 1234);
    assert.equal(cache.item(0)?.subject, 'v1 #0');
    assert.equal(cache.item(PAGE_SIZE - 1)?.subject, `v1 #${PAGE_SIZE - 1}`);
    assert.equal(cache.item(PAGE_SIZE), undefined);
    assert.deepEqual(threads.offsets(), []);
  });

  test('ensure() asks only for the pages of the range that are not loaded, and places rows by index', async () => {
    const { cache, threads } = await loadedCache(5000);
    cache.ensure(PAGE_SIZE - 50, 2 * PAGE_SIZE + 50);
    assert.deepEqual(threads.offsets(), [PAGE_SIZE, 2 * PAGE_SIZE]);
    await threads.next().answer(5000);
    await threads.next().answer(5000);

    assert.equal(cache.item(PAGE_SIZE + 3)?.subject, `v1 #${PAGE_SIZE + 3}`);
    assert.equal(cache.item(2 * PAGE_SIZE + 50)?.subject, `v1 #${2 * PAGE_SIZE + 50}`);
    cache.ensure(0, 3 * PAGE_SIZE - 1);
    assert.deepEqual(threads.offsets(), [], 'pages 0-2 are all loaded and fresh');
  });

  test('a page already being read is not asked for again', async () => {
    const threads = fakeThreads();
    const cache = new ThreadPageCache({}, threads.fetchPage);
    cache.ensure(0, 10);
    cache.ensure(5, 20);
    cache.ensure(10 * PAGE_SIZE, 10 * PAGE_SIZE + 1);
    cache.ensure(10 * PAGE_SIZE + 5, 10 * PAGE_SIZE + 9);
    assert.deepEqual(threads.offsets(), [0, 10 * PAGE_SIZE]);

    await threads.next().answer(20 * PAGE_SIZE);
    await threads.next().answer(20 * PAGE_SIZE);
    cache.ensure(0, 10);
    cache.ensure(10 * PAGE_SIZE, 10 * PAGE_SIZE + 1);
    assert.deepEqual(threads.offsets(), []);
  });

  test('refresh() keeps the visible pages on screen while re-reading them, and drops the rest', async () => {
    const { cache, threads } = await loadedCache(5000);
    cache.ensure(0, 3 * PAGE_SIZE - 1);
    await threads.next().answer(5000);
    await threads.next().answer(5000);
    cache.ensure(PAGE_SIZE + 10, 2 * PAGE_SIZE + 10);

    cache.refresh();
    assert.deepEqual(threads.offsets(), [PAGE_SIZE, 2 * PAGE_SIZE], 'only the visible pages are re-read');
    assert.equal(cache.item(0), undefined, 'page 0 is out of view: dropped');
    assert.equal(cache.item(PAGE_SIZE + 10)?.subject, `v1 #${PAGE_SIZE + 10}`, 'stale rows stay until the re-read lands');
    assert.equal(cache.item(2 * PAGE_SIZE + 10)?.subject, `v1 #${2 * PAGE_SIZE + 10}`);

    cache.ensure(PAGE_SIZE + 10, 2 * PAGE_SIZE + 10);
    assert.equal(threads.offsets().length, 2, 'a stale page being re-read is not asked for twice');

    await threads.next().answer(5001, 'v2');
    await threads.next().answer(5001, 'v2');
    assert.equal(cache.item(PAGE_SIZE + 10)?.subject, `v2 #${PAGE_SIZE + 10}`);
    assert.equal(cache.item(2 * PAGE_SIZE + 10)?.subject, `v2 #${2 * PAGE_SIZE + 10}`);
    assert.equal(cache.total, 5001);

    cache.ensure(PAGE_SIZE + 10, 2 * PAGE_SIZE + 10);
    assert.deepEqual(threads.offsets(), [], 're-read pages are fresh again');
    cache.ensure(0, 10);
    assert.deepEqual(threads.offsets(), [0], 'a dropped page is read again when it comes back into view');
  });

  test('refresh() with no loaded page in view reads the first page as well as the visible ones', async () => {
    const { cache, threads } = await loadedCache(5000);
    cache.ensure(5 * PAGE_SIZE, 5 * PAGE_SIZE + 10);
    await threads.next().fail(new Error('offline'));

    cache.refresh();
    assert.deepEqual(threads.offsets(), [0, 5 * PAGE_SIZE]);
    assert.equal(cache.item(0), undefined, 'page 0 was out of view: dropped');
    await threads.next().answer(5000);
    await threads.next().answer(5000);
    assert.equal(cache.item(5 * PAGE_SIZE + 10)?.subject, `v1 #${5 * PAGE_SIZE + 10}`);
    assert.equal(cache.error, null);
  });

  test('a failed first page reports the error with an empty list; the next good page clears it', async () => {
    const threads = fakeThreads();
    const cache = new ThreadPageCache({}, threads.fetchPage);
    const offline = new Error('offline');
    await threads.next().fail(offline);
    assert.equal(cache.error, offline);
    assert.equal(cache.total, 0);
    assert.equal(cache.item(0), undefined);

    cache.ensure(0, 10);
    assert.deepEqual(threads.offsets(), [0], 'a failed page is not cached: it is asked for again');
    await threads.next().answer(42);
    assert.equal(cache.error, null);
    assert.equal(cache.total, 42);
  });

  test('a failed later page keeps the known total and the loaded rows', async () => {
    const { cache, threads } = await loadedCache(900);
    cache.ensure(PAGE_SIZE, PAGE_SIZE + 1);
    const refused = new Error('rate limited');
    await threads.next().fail(refused);
    assert.equal(cache.error, refused);
    assert.equal(cache.total, 900);
    assert.equal(cache.item(1)?.subject, 'v1 #1');
    assert.equal(cache.item(PAGE_SIZE), undefined);
  });

  test('listeners hear every settled read, success or failure, until they unsubscribe', async () => {
    const threads = fakeThreads();
    const cache = new ThreadPageCache({}, threads.fetchPage);
    let heard = 0;
    const unsubscribe = cache.subscribe(() => heard++);
    const before = cache.getSnapshot();

    await threads.next().answer(1000);
    assert.equal(heard, 1);
    const afterFirst = cache.getSnapshot();
    assert.notEqual(afterFirst, before, 'useSyncExternalStore sees a new snapshot');

    cache.ensure(PAGE_SIZE, PAGE_SIZE);
    await threads.next().fail(new Error('offline'));
    assert.equal(heard, 2);
    assert.notEqual(cache.getSnapshot(), afterFirst);

    unsubscribe();
    cache.ensure(PAGE_SIZE, PAGE_SIZE);
    await threads.next().answer(1000);
    assert.equal(heard, 2);
  });
});
