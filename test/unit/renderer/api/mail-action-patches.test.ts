// What a list row, an open thread and search pages show the moment the rep reads, stars or
// marks unread, matching which messages main acts on (star and unread: the newest only).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { InfiniteData } from '@tanstack/react-query';
import type { MessageView, SearchPage, SearchThread, ThreadListItem, ThreadView } from '../../../../src-preload/contract/index.ts';
import {
  isSearchPages,
  isThreadStarred,
  patchListItem,
  patchSearchPages,
  patchThreadView,
  removeFromSearchPages,
} from '../../../../src-renderer/api/mail-action-patches.ts';

const row = { id: 1, unread: true, starred: false } as ThreadListItem;
const message = (id: number, unread: boolean, starred: boolean) => ({ id, unread, starred }) as MessageView;
const thread: ThreadView = { id: 1, accountId: 1, subject: 's', labelIds: [], messages: [message(1, true, true), message(2, true, false)] };
const flags = (t: ThreadView) => t.messages.map((m) => [m.unread, m.starred]);

describe('patchListItem', () => {
  test('sets unread and starred, and leaves moves alone', () => {
    assert.equal(patchListItem(row, 'read').unread, false);
    assert.equal(patchListItem({ ...row, unread: false }, 'unread').unread, true);
    assert.equal(patchListItem(row, 'star').starred, true);
    assert.equal(patchListItem({ ...row, starred: true }, 'unstar').starred, false);
    assert.equal(patchListItem(row, 'archive'), row);
  });
});

describe('patchThreadView', () => {
  test('read clears every message; unread marks the newest', () => {
    assert.deepEqual(flags(patchThreadView(thread, 'read')), [
      [false, true],
      [false, false],
    ]);
    const read = patchThreadView(thread, 'read');
    assert.deepEqual(flags(patchThreadView(read, 'unread')), [
      [false, true],
      [true, false],
    ]);
  });

  test('star goes on the newest message; unstar takes every star off', () => {
    assert.deepEqual(flags(patchThreadView(thread, 'star')), [
      [true, true],
      [true, true],
    ]);
    assert.equal(isThreadStarred(patchThreadView(thread, 'unstar')), false);
    assert.equal(isThreadStarred(thread), true);
  });

  test('leaves the snapshot it was given unchanged', () => {
    patchThreadView(thread, 'read');
    assert.deepEqual(flags(thread), [
      [true, true],
      [true, false],
    ]);
  });
});

describe('search pages', () => {
  const hit = (threadId: number) => ({ threadId, unread: true }) as SearchThread;
  const data: InfiniteData<SearchPage> = {
    pages: [
      { threads: [hit(1), hit(2)], next: 5, hints: [] },
      { threads: [hit(3)], next: null, hints: [] },
    ],
    pageParams: [{}, {}],
  };

  test('patches the unread flag of the named threads only', () => {
    const patched = patchSearchPages(data, new Set([2, 3]), 'read');
    assert.deepEqual(
      patched.pages.map((p) => p.threads.map((t) => t.unread)),
      [[true, false], [false]],
    );
    assert.equal(patchSearchPages(data, new Set([1]), 'star'), data);
  });

  test('removes trashed threads, and tells page lists from counts', () => {
    assert.deepEqual(
      removeFromSearchPages(data, new Set([1, 3])).pages.map((p) => p.threads.map((t) => t.threadId)),
      [[2], []],
    );
    assert.equal(isSearchPages(data), true);
    assert.equal(isSearchPages({ count: 3, capped: false }), false);
    assert.equal(isSearchPages(undefined), false);
  });
});
