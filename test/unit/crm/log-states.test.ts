// Folding outbox items into per-message CRM log states: the item → badge mapping, the
// worst item deciding the message, the paused override, and items of deleted messages.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { foldLogStates, logStatesFor } from '../../../src-main/crm/log-states.ts';
import type { OutboxItem, OutboxState } from '../../../src-main/store/outbox-repository.ts';

const NOT_CONNECTED = 'HubSpot is not connected';

let nextId = 1;
function outboxItem(messageId: number | null, state: OutboxState, lastError: string | null = null): OutboxItem {
  const id = nextId++;
  const contactEmail = `contact${id}@example.com`;
  return {
    id,
    idempotencyKey: `key-${id}`,
    crm: 'hubspot',
    messageId,
    contactId: id,
    crmContactId: `hs-${id}`,
    contactEmail,
    payload: {
      timestamp: 1_700_000_000_000,
      direction: 'outgoing',
      subject: 'pricing',
      text: 'hello',
      html: null,
      from: { address: 'rep@ours.example', name: 'Rep' },
      to: [{ address: contactEmail, name: '' }],
      cc: [],
      messageIdHeader: `<m${messageId}@ours.example>`,
      idempotencyKey: `key-${id}`,
    },
    state,
    attempts: lastError ? 1 : 0,
    nextAttemptAt: 0,
    lastAttemptAt: null,
    waitReason: null,
    lastError,
    crmActivityId: state === 'done' ? `act-${id}` : null,
    createdAt: 0,
    updatedAt: 0,
  };
}

/** The message state and error a fold gives one message made of these items. */
function messageOf(items: OutboxItem[], pausedReason: string | null = null) {
  const state = foldLogStates(items, pausedReason).get(items[0]!.messageId!);
  assert.ok(state);
  return { state: state.state, error: state.error };
}

describe('foldLogStates', () => {
  test('one state per message that has items, listing its items in order', () => {
    const a1 = outboxItem(1, 'done');
    const b = outboxItem(2, 'pending');
    const a2 = outboxItem(1, 'failed', 'HTTP 500');
    const states = foldLogStates([a1, b, a2], null);

    assert.deepEqual([...states.keys()].sort(), [1, 2]);
    assert.deepEqual(states.get(1), {
      messageId: 1,
      state: 'failed',
      error: 'HTTP 500',
      items: [
        { outboxId: a1.id, contactEmail: a1.contactEmail, crm: a1.crm, withCompany: false, deals: [], state: 'logged', error: null },
        { outboxId: a2.id, contactEmail: a2.contactEmail, crm: a2.crm, withCompany: false, deals: [], state: 'failed', error: 'HTTP 500' },
      ],
    });
    assert.deepEqual(states.get(2)?.items, [{ outboxId: b.id, contactEmail: b.contactEmail, crm: b.crm, withCompany: false, deals: [], state: 'queued', error: null }]);
    assert.equal(foldLogStates([], null).size, 0);
  });

  test('each outbox state shows as its badge: done is logged, failed is failed, the live ones are queued', () => {
    const cases: [OutboxState, string][] = [
      ['done', 'logged'],
      ['failed', 'failed'],
      ['pending', 'queued'],
      ['in_flight', 'queued'],
      ['unknown', 'queued'],
    ];
    for (const [outbox, badge] of cases) {
      assert.equal(messageOf([outboxItem(1, outbox)]).state, badge, outbox);
    }
  });

  test('a live item keeps its last error while it waits for the next attempt', () => {
    assert.deepEqual(messageOf([outboxItem(1, 'pending', 'HubSpot unreachable')]), { state: 'queued', error: 'HubSpot unreachable' });
  });

  test('a logged item carries no error, even one left from an earlier attempt', () => {
    const states = foldLogStates([outboxItem(1, 'done', 'HTTP 429'), outboxItem(1, 'done')], null);
    assert.deepEqual(states.get(1)?.items.map((i) => i.error), [null, null]);
    assert.deepEqual(messageOf([outboxItem(1, 'done', 'HTTP 429')]), { state: 'logged', error: null });
  });

  test('the worst item decides the message, whatever the order: failed, then paused or queued, then logged', () => {
    const worst = (states: OutboxState[], pausedReason: string | null) => {
      const forward = states.map((s) => outboxItem(1, s, s === 'failed' ? 'HTTP 500' : null));
      const backward = [...forward].reverse();
      const a = messageOf(forward, pausedReason);
      assert.deepEqual(messageOf(backward, pausedReason), a, `order of ${states.join(', ')}`);
      return a;
    };
    assert.deepEqual(worst(['done', 'done'], null), { state: 'logged', error: null });
    assert.deepEqual(worst(['done', 'pending'], null), { state: 'queued', error: null });
    assert.deepEqual(worst(['done', 'pending', 'failed'], null), { state: 'failed', error: 'HTTP 500' });
    assert.deepEqual(worst(['done', 'pending'], NOT_CONNECTED), { state: 'paused', error: NOT_CONNECTED });
    assert.deepEqual(worst(['pending', 'failed', 'done'], NOT_CONNECTED), { state: 'failed', error: 'HTTP 500' });
  });

  test('while the CRM is unusable every live item is paused with that reason; done and failed items keep theirs', () => {
    const pending = outboxItem(1, 'pending', 'HubSpot unreachable');
    const inFlight = outboxItem(1, 'in_flight');
    const done = outboxItem(1, 'done');
    const failed = outboxItem(2, 'failed', 'HTTP 400');
    const states = foldLogStates([pending, inFlight, done, failed], NOT_CONNECTED);

    assert.deepEqual(
      states.get(1)?.items.map((i) => [i.state, i.error]),
      [['paused', NOT_CONNECTED], ['paused', NOT_CONNECTED], ['logged', null]],
    );
    assert.deepEqual({ state: states.get(1)?.state, error: states.get(1)?.error }, { state: 'paused', error: NOT_CONNECTED });
    assert.deepEqual(states.get(2)?.items.map((i) => [i.state, i.error]), [['failed', 'HTTP 400']]);
    assert.equal(states.get(2)?.state, 'failed');
  });

  test('items of deleted messages (messageId null) are left out', () => {
    assert.equal(foldLogStates([outboxItem(null, 'failed', 'HTTP 500'), outboxItem(null, 'pending')], null).size, 0);

    const kept = outboxItem(3, 'done');
    const states = foldLogStates([outboxItem(null, 'failed', 'HTTP 500'), kept], null);
    assert.deepEqual([...states.keys()], [3]);
    assert.deepEqual(states.get(3)?.items.map((i) => i.outboxId), [kept.id]);
    assert.equal(states.get(3)?.state, 'logged');
  });
});

describe('logStatesFor', () => {
  test('a deal chosen for one contact is named on every item of the email, not "(closed)" for the others', () => {
    const withDeal = (item: OutboxItem) => ({ ...item, payload: { ...item.payload, related: { companies: ['c-1'], deals: ['d-7'] } } });
    const buyer = withDeal(outboxItem(9, 'done'));
    const colleague = withDeal(outboxItem(9, 'done'));
    const deals = new Map([[buyer.contactEmail, [{ crmDealId: 'd-7', name: 'Gas supply 2002', stage: 'Proposal', amount: null, closeDate: null }]], [colleague.contactEmail, []]]);
    const states = logStatesFor({ listByMessages: () => [buyer, colleague] }, 'hubspot', null, [9], {
      getByEmail: (_crm: string, email: string) => ({ deals: deals.get(email) ?? null }) as never,
    });
    assert.deepEqual(states.get(9)!.items.map((i) => i.deals), [['Gas supply 2002'], ['Gas supply 2002']]);
    // A deal no contact has open any more (closed since) still reads ''.
    deals.set(buyer.contactEmail, []);
    const later = logStatesFor({ listByMessages: () => [buyer, colleague] }, 'hubspot', null, [9], { getByEmail: (_c: string, e: string) => ({ deals: deals.get(e) ?? null }) as never });
    assert.deepEqual(later.get(9)!.items.map((i) => i.deals), [[''], ['']]);
  });
});
