// A message Outlook holds until its send time (heldByProvider) has left Mailbridge but not
// the provider: the Outbox lists it until that time.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SendItem } from '../../../../src-preload/contract/index.ts';
import { isHeld, waitingItems } from '../../../../src-renderer/api/compose-cache.ts';

const sent = (id: number, sendAt: number, heldByProvider: boolean): SendItem => ({
  id,
  accountId: 1,
  state: 'sent',
  subject: `#${id}`,
  recipients: ['ana@x.example'],
  sendAt,
  heldByProvider,
  error: null,
  attempts: 1,
});

describe('held by the provider', () => {
  test('is waiting until its send time, then sent like the rest', () => {
    const items = [sent(1, 5_000, true), sent(2, 1_000, false), sent(3, 3_000, true)];
    assert.deepEqual(waitingItems(items, 2_000).map((i) => i.id), [3, 1]);
    assert.deepEqual(waitingItems(items, 4_000).map((i) => i.id), [1]);
    assert.equal(isHeld(items[0]!, 5_000), false, 'at its send time it is out');
    assert.equal(isHeld(items[1]!, 0), false);
  });
});
