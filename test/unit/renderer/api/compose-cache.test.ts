// The cached drafts and send outbox: merging main's answers and send:changed items, what
// the Outbox lists, and which failures become a toast (once each).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Draft, SendItem } from '../../../../src-preload/contract/index.ts';
import { newFailures, sortDrafts, upsertById, waitingItems, withoutId } from '../../../../src-renderer/api/compose-cache.ts';

const item = (id: number, state: SendItem['state'], extra: Partial<SendItem> = {}): SendItem => ({
  id,
  accountId: 1,
  state,
  subject: `#${id}`,
  recipients: ['ana@x.example'],
  sendAt: 1_000 + id,
  heldByProvider: false,
  error: state === 'failed' ? 'refused' : null,
  attempts: state === 'failed' ? 1 : 0,
  ...extra,
});

describe('upsertById and withoutId', () => {
  test('replaces entries in place, appends new ones, and accepts a missing list', () => {
    const list = [item(1, 'scheduled'), item(2, 'pending')];
    assert.deepEqual(
      upsertById(list, [item(2, 'sending'), item(3, 'scheduled')]).map((i) => [i.id, i.state]),
      [
        [1, 'scheduled'],
        [2, 'sending'],
        [3, 'scheduled'],
      ],
    );
    assert.deepEqual(upsertById(undefined, [item(4, 'sent')]).map((i) => i.id), [4]);
    assert.deepEqual(withoutId(list, 1).map((i) => i.id), [2]);
    assert.deepEqual(withoutId(undefined, 1), []);
  });

  test('sortDrafts puts the newest saved first', () => {
    const draft = (id: number, updatedAt: number) => ({ id, updatedAt }) as Draft;
    assert.deepEqual(sortDrafts([draft(1, 10), draft(2, 30), draft(3, 20)]).map((d) => d.id), [2, 3, 1]);
  });
});

describe('waitingItems', () => {
  test('lists what has not left, failed first, then by send time', () => {
    const items = [item(5, 'scheduled', { sendAt: 50 }), item(6, 'sent'), item(7, 'failed', { sendAt: 90 }), item(8, 'pending', { sendAt: 10 }), item(9, 'sending', { sendAt: 20 })];
    assert.deepEqual(waitingItems(items).map((i) => i.id), [7, 8, 9, 5]);
  });
});

describe('newFailures', () => {
  test('reports an item turning failed once, and again only after a later attempt fails', () => {
    const reported = new Set<string>();
    const before = [item(1, 'sending')];
    assert.deepEqual(newFailures(before, [item(1, 'failed')], reported).map((i) => i.id), [1]);
    assert.deepEqual(newFailures(before, [item(1, 'failed')], reported), [], 'the same event twice');
    assert.deepEqual(newFailures([item(1, 'failed')], [item(1, 'failed')], new Set()), [], 'already failed in the cache');
    assert.deepEqual(newFailures([item(1, 'pending')], [item(1, 'failed', { attempts: 2 })], reported).map((i) => i.attempts), [2]);
  });

  test('ignores items in other states', () => {
    assert.deepEqual(newFailures(undefined, [item(1, 'sent'), item(2, 'scheduled')], new Set()), []);
  });
});
