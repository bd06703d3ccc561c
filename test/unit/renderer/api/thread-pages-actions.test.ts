// The inbox page cache's optimistic changes: patching rows (read, star) and taking rows out
// (archive, trash) so later rows move up, with gaps where the next page is not loaded.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as settled } from 'node:timers/promises';
import type { ChannelInput, ThreadListItem } from '../../../../src-preload/contract/index.ts';
import { PAGE_SIZE, ThreadPageCache, type FetchThreadPage } from '../../../../src-renderer/api/thread-pages.ts';

const row = (index: number): ThreadListItem => ({
  id: index + 1,
  accountId: 1,
  subject: `#${index}`,
  from: null,
  snippet: '',
  lastMessageAt: 0,
  messageCount: 1,
  unread: true,
  starred: false,
  hasAttachments: false,
  logged: false,
});

/** A cache over `total` threads whose requests are all answered at once; `requests` records offsets. */
async function cacheOf(total: number, pages: number[] = [0]) {
  const requests: number[] = [];
  const fetchPage: FetchThreadPage = async (request: ChannelInput<'mail:threads'>) => {
    const offset = request.offset ?? 0;
    requests.push(offset);
    const end = Math.min(total, offset + (request.limit ?? 0));
    return { total, offset, threads: Array.from({ length: Math.max(0, end - offset) }, (_, i) => row(offset + i)) };
  };
  const cache = new ThreadPageCache({}, fetchPage);
  await settled();
  for (const page of pages.filter((p) => p > 0)) cache.ensure(page * PAGE_SIZE, page * PAGE_SIZE);
  await settled();
  requests.length = 0;
  return { cache, requests };
}

describe('ThreadPageCache optimistic changes', () => {
  test('patch replaces the named rows and notifies once', async () => {
    const { cache } = await cacheOf(10);
    let notified = 0;
    cache.subscribe(() => notified++);
    cache.patch(new Set([2, 4]), (r) => ({ ...r, unread: false }));
    assert.deepEqual([1, 2, 3, 4].map((id) => cache.item(id - 1)?.unread), [true, false, true, false]);
    assert.equal(notified, 1);
    cache.patch(new Set([99]), (r) => r);
    assert.equal(notified, 1, 'nothing to patch, no notification');
  });

  test('indexOf finds loaded rows only', async () => {
    const { cache } = await cacheOf(PAGE_SIZE * 3);
    assert.equal(cache.indexOf(5), 4);
    assert.equal(cache.indexOf(PAGE_SIZE * 2 + 1), -1);
  });

  test('remove moves later rows up and shrinks total', async () => {
    const { cache } = await cacheOf(10);
    cache.remove(new Set([2, 5]));
    assert.equal(cache.total, 8);
    assert.deepEqual(Array.from({ length: 8 }, (_, i) => cache.item(i)?.id), [1, 3, 4, 6, 7, 8, 9, 10]);
    assert.equal(cache.item(8), undefined);
    assert.equal(cache.indexOf(6), 3);
  });

  test('rows move across loaded pages; a page whose tail is not loaded keeps a gap and is read again', async () => {
    const { cache, requests } = await cacheOf(PAGE_SIZE * 3, [0, 1]);
    cache.remove(new Set([3]));
    assert.equal(cache.item(PAGE_SIZE - 1)?.id, PAGE_SIZE + 1, 'the first row of page 1 moved up into page 0');
    assert.equal(cache.item(2 * PAGE_SIZE - 2)?.id, 2 * PAGE_SIZE);
    assert.equal(cache.item(2 * PAGE_SIZE - 1), undefined, 'page 2 is not loaded: a gap');
    cache.ensure(PAGE_SIZE, 2 * PAGE_SIZE - 1);
    assert.deepEqual(requests, [PAGE_SIZE], 'only the page with the gap is read again');
    await settled();
    assert.equal(cache.item(2 * PAGE_SIZE - 1)?.id, 2 * PAGE_SIZE, 'main answers with the list as it was (the fake does not remove)');
  });

  test('removing rows that are not loaded changes nothing', async () => {
    const { cache } = await cacheOf(10);
    cache.remove(new Set([99]));
    assert.equal(cache.total, 10);
  });
});
