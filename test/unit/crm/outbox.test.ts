// The outbox's guarantees with a fake CRM and a clock the test moves: order per contact,
// bounded concurrency across contacts, Retry-After honoured, offline backoff and retryNow,
// restart loses nothing, and an unknown outcome is checked, never resent blindly.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../../src-main/platform/backoff.ts';
import { openHarness, REP, type Harness } from './crm-fixtures.ts';
import { databaseOf } from '../../../src-main/store/profile-store.ts';

const from = (address: string) => ({ name: '', address });
const to = [{ name: '', address: REP }];

describe('outbox scheduler', () => {
  let h: Harness;
  afterEach(() => h?.cleanup());

  test('a contact’s later item never overtakes an earlier one backing off; other contacts go on', async () => {
    h = await openHarness();
    await h.service.matchContacts();
    const ids = h.save([
      { id: 'a1', from: from('alice@customer.example'), to },
      { id: 'a2', from: from('alice@customer.example'), to },
      { id: 'c1', from: from('carol@other.example'), to },
      { id: 'a3', from: from('alice@customer.example'), to },
    ]);
    await h.service.matchContacts();
    h.crm.logFaults.push('server'); // a1's first attempt: 502, unknown outcome → backs off
    for (const id of ids) await h.service.logMessage(id);
    await h.service.whenIdle();
    // Only a1 (failed once) and c1 went out; a2, a3 wait behind a1.
    const subjects = () => h.crm.emails.map((e) => e.activity.subject);
    assert.deepEqual(subjects(), ['Subject c1']);
    const a1 = h.store.outbox.listByMessages([ids[0]!])[0]!;
    assert.equal(a1.state, 'unknown');
    assert.equal(a1.waitReason, 'server');
    assert.ok(a1.nextAttemptAt > h.clock.t);
    assert.equal(h.service.logStates([ids[1]!]).get(ids[1]!)!.state, 'queued');

    h.clock.t = a1.nextAttemptAt;
    h.service.retryNow();
    await h.service.whenIdle();
    assert.deepEqual(subjects(), ['Subject c1', 'Subject a1', 'Subject a2', 'Subject a3']);
    assert.equal(h.crm.calls.list, 1, 'the unknown outcome was checked once before resending');
    assert.ok([...h.crm.countsByKey().values()].every((n) => n === 1));
  });

  test('sends across contacts concurrently, at most `concurrency` at once, one per contact', async () => {
    h = await openHarness({ service: { concurrency: 3 } });
    const extra = Array.from({ length: 6 }, (_, i) => ({ crmContactId: `2${i}`, email: `c${i}@many.example`, name: '', company: '', owner: '' }));
    h.crm.contacts.push(...extra);
    const ids = h.save(extra.flatMap((c, i) => [{ id: `x${i}a`, from: from(c.email), to }, { id: `x${i}b`, from: from(c.email), to }]));
    await h.service.matchContacts();
    let active = 0;
    let peak = 0;
    const activeContacts = new Set<string>();
    let sameContactOverlap = false;
    const original = h.crm.logEmail.bind(h.crm);
    h.crm.logEmail = async (activity, associations) => {
      const contactIds = associations.contacts;
      if (activeContacts.has(contactIds[0]!)) sameContactOverlap = true;
      activeContacts.add(contactIds[0]!);
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, 10));
      active -= 1;
      activeContacts.delete(contactIds[0]!);
      return original(activity, associations);
    };
    for (const id of ids) await h.service.logMessage(id);
    await h.service.whenIdle();
    assert.equal(h.crm.emails.length, 12);
    assert.equal(peak, 3);
    assert.equal(sameContactOverlap, false);
    for (const c of extra) {
      const mine = h.crm.emails.filter((e) => e.contactIds[0] === c.crmContactId).map((e) => e.activity.subject);
      assert.deepEqual(mine, [mine[0], mine[1]].sort(), 'a contact’s emails go in click order');
    }
  });

  test('429: retried no earlier than Retry-After', async () => {
    h = await openHarness();
    const [id] = h.save([{ id: 'm1', from: from('alice@customer.example'), to }]);
    await h.service.matchContacts();
    h.crm.logFaults.push({ rateLimitMs: 30_000 });
    const t0 = h.clock.t;
    await h.service.logMessage(id!);
    await h.service.whenIdle();
    const item = h.store.outbox.listByMessages([id!])[0]!;
    assert.equal(item.state, 'pending', '429 means nothing was created: no check needed');
    assert.equal(item.waitReason, 'rate_limited');
    assert.ok(item.nextAttemptAt >= t0 + 30_000, `next attempt ${item.nextAttemptAt - t0} ms after the 429`);
    // retryNow (network back) does not jump a Retry-After.
    h.clock.t += 29_000;
    h.service.retryNow();
    await h.service.whenIdle();
    assert.equal(h.crm.emails.length, 0);
    assert.equal(h.crm.calls.log, 1);
    h.clock.t = item.nextAttemptAt;
    h.service.retryNow();
    await h.service.whenIdle();
    assert.equal(h.crm.emails.length, 1);
    assert.equal(h.service.logStates([id!]).get(id!)!.state, 'logged');
  });

  test('backoff: full jitter under an exponential cap, never below Retry-After', () => {
    const policy = { baseMs: 2_000, capMs: 300_000 };
    assert.equal(backoffDelay(1, policy, () => 0.999999), 1_999);
    assert.equal(backoffDelay(3, policy, () => 0.5), 4_000);
    assert.equal(backoffDelay(20, policy, () => 0.999999), 299_999);
    assert.equal(backoffDelay(1, policy, () => 0), 0);
    assert.equal(backoffDelay(1, policy, () => 0.5, 10_000), 10_000);
    assert.equal(backoffDelay(8, policy, () => 0.5, 10_000), 128_000);
  });

  test('offline: items back off and the CRM shows offline; when it returns, retryNow sends each exactly once', async () => {
    h = await openHarness();
    const ids = h.save([
      { id: 'm1', from: from('alice@customer.example'), to },
      { id: 'm2', from: from('carol@other.example'), to },
      { id: 'm3', from: from('alice@customer.example'), to },
    ]);
    await h.service.matchContacts();
    h.crm.down = true;
    for (const id of ids) await h.service.logMessage(id);
    await h.service.whenIdle();
    const status = h.service.status();
    assert.equal(status.online, false);
    assert.equal(status.pending, 3);
    // At most m1 and m2 tried (m3 waits behind m1: same contact; m2 only if clicked before m1 failed).
    const tried = h.crm.calls.log;
    assert.ok(tried >= 1 && tried <= 2, `tried ${tried}`);
    h.service.retryNow();
    await h.service.whenIdle();
    assert.equal(h.crm.calls.log, tried + 1, 'offline, one item probes for the rest');
    const probed = h.store.outbox.listByMessages(ids).find((i) => i.attempts > 0)!;
    assert.equal(probed.state, 'pending', 'connection refused: provably not sent, no check needed');
    assert.equal(probed.waitReason, 'unreachable');

    h.crm.down = false;
    h.service.retryNow();
    await h.service.whenIdle();
    assert.equal(h.crm.emails.length, 3);
    assert.ok([...h.crm.countsByKey().values()].every((n) => n === 1));
    assert.equal(h.service.status().online, true);
    assert.equal(h.crm.calls.list, 0);
  });

  test('offline: however long the backoff grows, the next probe comes within the unreachable-retry cap', async () => {
    h = await openHarness({ service: { unreachableRetryCapMs: 5_000 } });
    const [id] = h.save([{ id: 'm1', from: from('alice@customer.example'), to }]);
    await h.service.matchContacts();
    h.crm.down = true;
    await h.service.logMessage(id!);
    await h.service.whenIdle();
    for (let i = 0; i < 8; i++) {
      h.service.retryNow();
      await h.service.whenIdle();
    }
    const [item] = h.store.outbox.listByMessages([id!]);
    assert.ok(item!.attempts >= 8, `attempts ${item!.attempts}`);
    assert.ok(item!.nextAttemptAt - h.clock.t <= 5_000, `next probe in ${item!.nextAttemptAt - h.clock.t} ms`);
  });

  test('restart: queued items survive closing the service and the store and are sent after reopening', async () => {
    h = await openHarness();
    const ids = h.save([
      { id: 'm1', from: from('alice@customer.example'), to },
      { id: 'm2', from: from('carol@other.example'), to },
      { id: 'm3', from: from('alice@customer.example'), to },
    ]);
    await h.service.matchContacts();
    h.crm.down = true;
    for (const id of ids) await h.service.logMessage(id);
    await h.service.whenIdle();
    await h.restart();
    assert.equal(h.service.status().pending, 3);
    h.crm.down = false;
    h.service.retryNow();
    await h.service.whenIdle();
    assert.equal(h.crm.emails.length, 3);
    assert.deepEqual([...h.service.logStates(ids).values()].map((s) => s.state), ['logged', 'logged', 'logged']);
  });

  test('response lost after the CRM committed: the item is checked against the CRM and recorded, not resent', async () => {
    h = await openHarness();
    const [id] = h.save([{ id: 'm1', from: from('alice@customer.example'), to }]);
    await h.service.matchContacts();
    h.crm.logFaults.push('drop_after_commit');
    await h.service.logMessage(id!);
    await h.service.whenIdle();
    const item = h.store.outbox.listByMessages([id!])[0]!;
    assert.equal(item.state, 'unknown');
    h.clock.t = item.nextAttemptAt;
    h.service.retryNow();
    await h.service.whenIdle();
    assert.equal(h.crm.emails.length, 1);
    assert.equal(h.crm.calls.log, 1, 'never sent a second time');
    const done = h.store.outbox.get(item.id)!;
    assert.equal(done.state, 'done');
    assert.equal(done.crmActivityId, h.crm.emails[0]!.crmActivityId);
    assert.equal(h.service.logStates([id!]).get(id!)!.state, 'logged');
  });

  test('found in flight at start (process killed mid-request): checked first; sent only when the CRM lacks it', async () => {
    h = await openHarness();
    const ids = h.save([
      { id: 'm1', from: from('alice@customer.example'), to },
      { id: 'm2', from: from('carol@other.example'), to },
    ]);
    await h.service.matchContacts();
    // Queue both while the CRM is down, then leave the rows as a killed process would: in
    // flight, m1 having reached the CRM, m2 not.
    h.crm.down = true;
    await h.service.logMessage(ids[0]!);
    await h.service.logMessage(ids[1]!);
    await h.service.whenIdle();
    databaseOf(h.store).prepare("UPDATE outbox SET state = 'in_flight', attempts = 1").run();
    const m1 = h.store.outbox.listByMessages([ids[0]!])[0]!;
    h.crm.emails.push({ crmActivityId: '777', activity: m1.payload, contactIds: ['101'], companyIds: [], dealIds: [] });
    h.crm.down = false;
    await h.restart();
    await h.service.whenIdle();
    assert.equal(h.crm.calls.list, 2, 'both checked before any send');
    assert.equal(h.store.outbox.get(m1.id)!.crmActivityId, '777');
    const counts = h.crm.countsByKey();
    assert.equal(counts.get(m1.payload.idempotencyKey), 1);
    assert.equal(h.crm.emails.length, 2);
    assert.deepEqual([...h.service.logStates(ids).values()].map((s) => s.state), ['logged', 'logged']);
  });

  test('the snapshot taken at the click is what gets logged, even after the local message is deleted', async () => {
    h = await openHarness();
    const [id] = h.save([{ id: 'del-1', subject: 'Signed contract', text: 'Attached, signed.', from: from('alice@customer.example'), to }]);
    await h.service.matchContacts();
    h.crm.down = true;
    await h.service.logMessage(id!);
    await h.service.whenIdle();
    assert.equal(h.store.messages.deleteMessages(h.accountId, ['del-1']), 1);
    h.crm.down = false;
    h.service.retryNow();
    await h.service.whenIdle();
    assert.equal(h.crm.emails.length, 1);
    assert.equal(h.crm.emails[0]!.activity.subject, 'Signed contract');
    assert.equal(h.crm.emails[0]!.activity.text, 'Attached, signed.');
    assert.equal(h.service.status().pending, 0);
  });
});
