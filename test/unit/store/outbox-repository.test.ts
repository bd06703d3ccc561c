// The outbox table's rules, without a scheduler: idempotent enqueue, per-contact heads in
// claimDue, in-flight bookkeeping before the request, done + activity in one transaction,
// in-flight rows turned "unknown" at start, and retryNow never jumping a Retry-After.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EmailActivity } from '../../../src-main/crm/types.ts';
import { openTestStore, type TestStore } from './store-fixtures.ts';
import { databaseOf } from '../../../src-main/store/profile-store.ts';

const activity = (key: string): EmailActivity => ({
  timestamp: 1, direction: 'incoming', subject: key, text: 't', html: null,
  from: { address: 'a@x.example', name: '' }, to: [], cc: [], messageIdHeader: null, idempotencyKey: key,
});

describe('outbox repository', () => {
  let t: TestStore;
  let clock = 1_000;
  beforeEach(async () => {
    clock = 1_000;
    t = await openTestStore({ now: () => clock });
    t.store.contacts.upsert('hubspot', [
      { crmContactId: 'A', email: 'a@x.example', name: '', company: '', owner: '' },
      { crmContactId: 'B', email: 'b@x.example', name: '', company: '', owner: '' },
    ]);
  });
  afterEach(() => t.cleanup());

  const enqueue = (key: string, crmContactId: string) => {
    const contact = t.store.contacts.listByEmails('hubspot', [`${crmContactId.toLowerCase()}@x.example`])[0]!;
    return t.store.outbox.enqueue({ crm: 'hubspot', messageId: null, contactId: contact.id, crmContactId, contactEmail: contact.email, payload: activity(key) }).item;
  };

  test('claimDue returns only the head of each contact’s queue, oldest due first', () => {
    const a1 = enqueue('a1', 'A');
    enqueue('a2', 'A');
    const b1 = enqueue('b1', 'B');
    assert.deepEqual(t.store.outbox.claimDue(clock, 10).map((i) => i.id), [a1.id, b1.id]);
    // a1 in flight: A's queue is blocked, B's head still goes.
    assert.equal(t.store.outbox.markInFlight(a1.id), true);
    assert.equal(t.store.outbox.markInFlight(a1.id), false, 'a second claim of the same item fails');
    assert.deepEqual(t.store.outbox.claimDue(clock, 10).map((i) => i.id), [b1.id]);
    // a1 backing off: a2 still may not overtake it.
    t.store.outbox.markRetry(a1.id, clock + 5_000, 'server', '502', 'unknown');
    assert.deepEqual(t.store.outbox.claimDue(clock, 10).map((i) => i.id), [b1.id]);
    assert.equal(t.store.outbox.nextDueAt(), clock, 'b1 is due now');
    t.store.outbox.markInFlight(b1.id);
    assert.equal(t.store.outbox.nextDueAt(), clock + 5_000, 'only a1 waits (a2 is behind it)');
    // a1 failed for good: a2 is A's head now.
    t.store.outbox.markFailed(a1.id, 'bad request');
    assert.deepEqual(t.store.outbox.claimDue(clock, 10).map((i) => i.payload.idempotencyKey), ['a2']);
  });

  test('markDone records the activity in the same transaction; in-flight rows become unknown on start', () => {
    const a1 = enqueue('a1', 'A');
    const b1 = enqueue('b1', 'B');
    t.store.outbox.markInFlight(a1.id);
    t.store.outbox.markInFlight(b1.id);
    const done = t.store.outbox.markDone(a1.id, 'crm-1')!;
    assert.equal(done.state, 'done');
    assert.equal(done.crmActivityId, 'crm-1');
    assert.equal(databaseOf(t.store).prepare("SELECT count(*) FROM activities WHERE crm_activity_id = 'crm-1'").pluck().get(), 1);
    clock = 2_000;
    assert.equal(t.store.outbox.resetInFlight(), 1);
    const b = t.store.outbox.get(b1.id)!;
    assert.equal(b.state, 'unknown');
    assert.equal(b.nextAttemptAt, 2_000);
    assert.equal(b.attempts, 1);
    assert.equal(b.lastAttemptAt, 1_000);
  });

  test('wakeWaiting makes network and server waits due now but keeps a Retry-After', () => {
    const a1 = enqueue('a1', 'A');
    const b1 = enqueue('b1', 'B');
    t.store.outbox.markRetry(a1.id, clock + 60_000, 'unreachable', 'offline');
    t.store.outbox.markRetry(b1.id, clock + 30_000, 'rate_limited', '429');
    assert.equal(t.store.outbox.wakeWaiting(), 1);
    assert.equal(t.store.outbox.get(a1.id)!.nextAttemptAt, clock);
    assert.equal(t.store.outbox.get(b1.id)!.nextAttemptAt, clock + 30_000);
  });

  test('summary counts live and failed items; retryFailed requeues a failed one', () => {
    const a1 = enqueue('a1', 'A');
    enqueue('b1', 'B');
    t.store.outbox.markFailed(a1.id, 'Property values were not valid');
    assert.deepEqual(t.store.outbox.summary(), { pending: 1, failed: 1, lastError: 'Property values were not valid' });
    assert.equal(t.store.outbox.retryFailed(a1.id), true);
    assert.equal(t.store.outbox.retryFailed(a1.id), false);
    assert.equal(t.store.outbox.get(a1.id)!.state, 'pending');
    assert.equal(t.store.outbox.summary().pending, 2);
  });
});
