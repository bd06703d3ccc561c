// The CRM service over a real encrypted store and a fake connector: one click → one email
// with the right fields; idempotent re-clicks; never-log; auto-log; 401 pause and resume.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../src-main/platform/app-error.ts';
import { setLogSink } from '../../../src-main/platform/logger.ts';
import { CONTACTS, openHarness, REP, until, type Harness } from './crm-fixtures.ts';
import { FakeCrm } from './fake-crm.ts';
import { databaseOf } from '../../../src-main/store/profile-store.ts';

describe('CRM service: logging through the outbox', () => {
  let h: Harness;
  afterEach(() => h?.cleanup());

  test('one click creates exactly one email with subject, timestamp, direction and body, associated with the contact', async () => {
    h = await openHarness();
    const [incoming, outgoing] = h.save([
      { id: 'm1', subject: 'Quote for Q3', text: 'Please find the quote', from: { name: 'Alice Buyer', address: 'alice@customer.example' }, to: [{ name: 'Rep', address: REP }], internalDate: 1_700_000_100_000, date: 1_700_000_000_000 },
      { id: 'm2', subject: 'Re: Quote', text: 'Thanks Alice', from: { name: 'Rep', address: REP }, to: [{ name: 'Alice', address: 'alice@customer.example' }], internalDate: 1_700_000_300_000, date: 1_700_000_200_000 },
    ]);
    const queued = await h.service.logMessage(incoming!);
    assert.equal(queued.state, 'queued');
    assert.deepEqual(queued.items.map((i) => i.contactEmail), ['alice@customer.example']);
    await h.service.logMessage(outgoing!);
    await h.service.whenIdle();

    assert.equal(h.crm.emails.length, 2);
    const [first, second] = h.crm.emails;
    assert.deepEqual(first!.contactIds, ['101']);
    assert.equal(first!.activity.subject, 'Quote for Q3');
    assert.equal(first!.activity.text, 'Please find the quote');
    assert.equal(first!.activity.html, '<p>Please find the quote</p>');
    assert.equal(first!.activity.direction, 'incoming');
    assert.equal(first!.activity.timestamp, 1_700_000_100_000, 'incoming: the receive time');
    assert.equal(first!.activity.from.address, 'alice@customer.example');
    assert.equal(second!.activity.direction, 'outgoing');
    assert.equal(second!.activity.timestamp, 1_700_000_200_000, 'outgoing: the Date header (sent time)');
    assert.deepEqual(second!.activity.to, [{ address: 'alice@customer.example', name: 'Alice Buyer' }]);

    const state = h.service.logStates([incoming!]).get(incoming!)!;
    assert.equal(state.state, 'logged');
    assert.equal(h.store.activities.listByMessages([incoming!])[0]!.crmActivityId, '9000');

    // Clicking again (or logging the thread) never creates a second email.
    await h.service.logMessage(incoming!);
    await h.service.whenIdle();
    assert.equal(h.crm.emails.length, 2);
    assert.equal(h.service.status().pending, 0);
  });

  test('enqueueing the same (message, contact) twice is a no-op that returns the existing row', async () => {
    h = await openHarness();
    const [id] = h.save([{ id: 'm1', from: { name: 'A', address: 'alice@customer.example' }, to: [{ name: '', address: REP }] }]);
    const message = h.store.messages.getMessage(id!)!;
    const payload = { timestamp: 1, direction: 'incoming' as const, subject: 's', text: '', html: null, from: { address: 'a', name: '' }, to: [], cc: [], messageIdHeader: null, idempotencyKey: 'k-1' };
    const input = { crm: 'hubspot', messageId: message.id, contactId: null, crmContactId: '101', contactEmail: 'alice@customer.example', payload };
    const a = h.store.outbox.enqueue(input);
    const b = h.store.outbox.enqueue({ ...input, payload: { ...payload, subject: 'changed' } });
    assert.equal(a.created, true);
    assert.equal(b.created, false);
    assert.equal(b.item.id, a.item.id);
    assert.equal(b.item.payload.subject, 's');
  });

  test('one item per CRM contact among From/To/Cc, minus own addresses and the never-log list', async () => {
    h = await openHarness();
    h.settings.neverLog = ['partner.example'];
    const [id] = h.save([{
      id: 'm1',
      from: { name: 'Rep', address: REP },
      to: [{ name: 'Alice', address: 'alice@customer.example' }, { name: 'Dave', address: 'dave@partner.example' }],
      cc: [{ name: 'Carol', address: 'carol@other.example' }],
    }]);
    const state = await h.service.logMessage(id!);
    assert.deepEqual(state.items.map((i) => i.contactEmail).sort(), ['alice@customer.example', 'carol@other.example']);
    await h.service.whenIdle();
    assert.equal(h.crm.emails.length, 2);
    assert.ok(h.crm.emails.every((e) => !e.contactIds.includes('103')));

    h.settings.neverLog = ['partner.example', 'alice@customer.example', '@other.example'];
    const [only] = h.save([{ id: 'm2', from: { name: 'Dave', address: 'dave@partner.example' }, to: [{ name: '', address: 'alice@customer.example' }] }]);
    await assert.rejects(h.service.logMessage(only!), (e: unknown) => e instanceof AppError && e.code === 'not_found');
  });

  test('no cached contact: participants are looked up now; none found → not_found; offline → offline', async () => {
    h = await openHarness();
    // connect() starts matching in the background; let it finish, then forget the cache.
    await h.service.matchContacts();
    databaseOf(h.store).exec('DELETE FROM contacts; DELETE FROM crm_contact_misses');
    const [known, unknown] = h.save([
      { id: 'm1', from: { name: 'A', address: 'alice@customer.example' }, to: [{ name: '', address: REP }] },
      { id: 'm2', from: { name: 'Z', address: 'zed@nowhere.example' }, to: [{ name: '', address: REP }] },
    ]);
    const finds = h.crm.calls.find;
    assert.equal((await h.service.logMessage(known!)).state, 'queued');
    assert.equal(h.crm.calls.find, finds + 1);
    await assert.rejects(h.service.logMessage(unknown!), (e: unknown) => e instanceof AppError && e.code === 'not_found' && /zed@nowhere\.example/.test(e.message));

    h.crm.down = true;
    databaseOf(h.store).exec('DELETE FROM crm_contact_misses');
    await assert.rejects(h.service.logMessage(unknown!), (e: unknown) => e instanceof AppError && e.code === 'offline');
  });

  test('auto-log: off by default; on → every synced message with a known contact is queued, respecting never-log', async () => {
    h = await openHarness();
    await h.service.matchContacts();
    const ids = h.save([
      { id: 'm1', from: { name: 'A', address: 'alice@customer.example' }, to: [{ name: '', address: REP }] },
      { id: 'm2', from: { name: 'Z', address: 'zed@nowhere.example' }, to: [{ name: '', address: REP }] },
      { id: 'm3', from: { name: 'D', address: 'dave@partner.example' }, to: [{ name: '', address: REP }] },
    ]);
    await h.service.onSyncedMessages(ids);
    await h.service.whenIdle();
    assert.equal(h.crm.emails.length, 0, 'auto-log is off by default');
    assert.equal(h.service.logStates(ids).size, 0);

    h.settings.autoLogKnownContacts = true;
    h.settings.neverLog = ['dave@partner.example'];
    const changes: number[][] = [];
    h.service.onChange((c) => changes.push(c.messageIds));
    await h.service.onSyncedMessages(ids);
    await h.service.whenIdle();
    assert.deepEqual(h.crm.emails.map((e) => e.contactIds[0]), ['101']);
    assert.deepEqual([...h.service.logStates(ids).keys()], [ids[0]]);
    assert.ok(changes.some((c) => c.includes(ids[0]!)));
  });

  test('auto-log takes only mail sent or received since the rule was switched on', async () => {
    h = await openHarness();
    await h.service.matchContacts();
    const ids = h.save([
      { id: 'old', date: 1_700_000_000_000, internalDate: 1_700_000_000_000, from: { name: 'A', address: 'alice@customer.example' }, to: [{ name: '', address: REP }] },
      { id: 'new', date: 1_900_000_000_000, internalDate: 1_900_000_000_000, from: { name: 'A', address: 'alice@customer.example' }, to: [{ name: '', address: REP }] },
    ]);
    h.settings.autoLogKnownContacts = true;
    h.settings.autoLogSince = 1_800_000_000_000;
    await h.service.onSyncedMessages(ids);
    await h.service.whenIdle();
    assert.deepEqual([...h.service.logStates(ids).keys()], [ids[1]], 'history before the switch is left alone');
  });

  test('matching caches contacts found among correspondents and remembers misses; a second pass asks nothing', async () => {
    h = await openHarness();
    await h.service.matchContacts();
    h.save([
      { id: 'm1', from: { name: 'A', address: 'alice@customer.example' }, to: [{ name: '', address: REP }, { name: '', address: 'zed@nowhere.example' }] },
    ]);
    const first = await h.service.matchContacts();
    assert.deepEqual({ checked: first!.checked, found: first!.found }, { checked: 2, found: 1 });
    assert.equal(h.store.contacts.getByEmail('hubspot', 'alice@customer.example')?.crmContactId, '101');
    assert.notEqual(h.store.contacts.missedAt('hubspot', 'zed@nowhere.example'), null);
    const finds = h.crm.calls.find;
    const second = await h.service.matchContacts();
    assert.equal(second!.checked, 0);
    assert.equal(h.crm.calls.find, finds, 'nothing new → no CRM request');
    h.clock.t += 25 * 60 * 60_000;
    assert.equal((await h.service.matchContacts())!.checked, 1, 'a miss is asked again after its TTL');
  });

  test('401 → reconnect_required, items paused with the reason and kept; connect again → they are sent', async () => {
    h = await openHarness();
    const [id] = h.save([{ id: 'm1', from: { name: 'A', address: 'alice@customer.example' }, to: [{ name: '', address: REP }] }]);
    await h.service.matchContacts();
    h.crm.validToken = 'rotated-token-456';
    await h.service.logMessage(id!);
    await until(() => h.service.status().state === 'reconnect_required', 5_000, 'reconnect_required');
    const status = h.service.status();
    assert.equal(status.pending, 1);
    assert.match(status.lastError ?? '', /refused the token/);
    const state = h.service.logStates([id!]).get(id!)!;
    assert.equal(state.state, 'paused');
    assert.equal(h.crm.emails.length, 0);

    await assert.rejects(h.service.connect('still-wrong-token'), { name: 'CrmAuthError' });
    assert.equal(h.service.status().state, 'reconnect_required', 'a rejected token stores nothing');
    await h.service.connect('rotated-token-456');
    await h.service.whenIdle();
    assert.equal(h.crm.emails.length, 1);
    assert.equal(h.service.logStates([id!]).get(id!)!.state, 'logged');
    assert.equal(h.service.status().state, 'connected');
  });

  test('disconnect keeps queued items, paused; the token is gone from the database', async () => {
    h = await openHarness();
    const [id] = h.save([{ id: 'm1', from: { name: 'A', address: 'alice@customer.example' }, to: [{ name: '', address: REP }] }]);
    await h.service.matchContacts();
    h.service.disconnect();
    assert.equal(databaseOf(h.store).prepare('SELECT count(*) FROM crm_connections WHERE access_token IS NOT NULL').pluck().get(), 0);
    assert.equal(h.service.status().state, 'not_connected');
    // Known contacts can still be logged: the item waits, paused, until HubSpot is connected again.
    const paused = await h.service.logMessage(id!);
    assert.equal(paused.state, 'paused');
    assert.match(paused.error ?? '', /not connected/);
    await h.service.whenIdle();
    assert.equal(h.crm.emails.length, 0);
    await h.service.connect('good-token-123');
    await h.service.whenIdle();
    assert.equal(h.crm.emails.length, 1);
    assert.equal(h.service.logStates([id!]).get(id!)!.state, 'logged');
    // Without any cached contact there is nothing to look up with: a clear error.
    h.service.disconnect();
    const [stranger] = h.save([{ id: 'm2', from: { name: 'Z', address: 'zed@nowhere.example' }, to: [{ name: '', address: REP }] }]);
    await assert.rejects(h.service.logMessage(stranger!), (e: unknown) => e instanceof AppError && e.code === 'invalid_input');
  });

  test('a non-retryable CRM error fails the item with the CRM reason; retry() sends it again', async () => {
    h = await openHarness();
    const [id] = h.save([{ id: 'm1', from: { name: 'A', address: 'alice@customer.example' }, to: [{ name: '', address: REP }] }]);
    h.crm.logFaults.push('bad_request');
    const queued = await h.service.logMessage(id!);
    await h.service.whenIdle();
    const failed = h.service.logStates([id!]).get(id!)!;
    assert.equal(failed.state, 'failed');
    assert.match(failed.error ?? '', /Property values were not valid/);
    assert.equal(h.service.status().failed, 1);
    h.service.retry(queued.items[0]!.outboxId);
    await h.service.whenIdle();
    assert.equal(h.service.logStates([id!]).get(id!)!.state, 'logged');
    assert.equal(h.crm.emails.length, 1);
  });

  test('timeline: cached contact and every email with the address, newest first, with log states; works offline', async () => {
    h = await openHarness();
    const ids = h.save([
      { id: 'm1', internalDate: 1_000, from: { name: 'A', address: 'alice@customer.example' }, to: [{ name: '', address: REP }] },
      { id: 'm2', internalDate: 3_000, from: { name: 'Rep', address: REP }, to: [{ name: '', address: 'bob@x.example' }], cc: [{ name: '', address: 'alice@customer.example' }] },
      { id: 'm3', internalDate: 2_000, from: { name: 'B', address: 'bob@x.example' }, to: [{ name: '', address: REP }] },
    ]);
    await h.service.logMessage(ids[0]!);
    await h.service.whenIdle();
    h.crm.down = true;
    const timeline = await h.service.timeline('Alice@Customer.example');
    assert.equal(timeline.contact?.crmContactId, '101');
    assert.deepEqual(timeline.emails.map((e) => e.messageId), [ids[1], ids[0]]);
    assert.deepEqual(timeline.emails.map((e) => e.direction), ['outgoing', 'incoming']);
    assert.deepEqual(timeline.emails.map((e) => e.logState.state), ['none', 'logged']);
  });

  test('the CRM token is never logged and never readable in the profile’s files (only inside the encrypted database)', async () => {
    const lines: string[] = [];
    const restore = setLogSink((line) => lines.push(line), 'debug');
    try {
      h = await openHarness({ connect: false, crm: new FakeCrm(CONTACTS, 'secret-token-abcdef-0001') });
      await h.service.connect('secret-token-abcdef-0001');
      const [id] = h.save([{ id: 'm1', from: { name: 'A', address: 'alice@customer.example' }, to: [{ name: '', address: REP }] }]);
      await h.service.matchContacts();
      h.crm.validToken = 'secret-token-abcdef-0002';
      await h.service.logMessage(id!);
      await h.service.whenIdle();
      assert.equal(h.service.status().state, 'reconnect_required');
      assert.equal(h.store.crmConnections.get('hubspot')?.accessToken, 'secret-token-abcdef-0001', 'kept for the reconnect prompt');
      databaseOf(h.store).pragma('wal_checkpoint(TRUNCATE)');
      const dir = join(h.store.path, '..');
      for (const file of readdirSync(dir)) {
        assert.equal(readFileSync(join(dir, file)).includes('secret-token-abcdef'), false, `${file} holds the token in the clear`);
      }
    } finally {
      restore();
    }
    assert.ok(lines.length > 0);
    assert.equal(lines.some((l) => l.includes('secret-token-abcdef')), false);
  });

  test('timeline: a stale contact is refreshed online; a CRM that hangs does not hold the timeline', async () => {
    h = await openHarness();
    h.save([{ id: 'm1', from: { name: 'A', address: 'alice@customer.example' }, to: [{ name: '', address: REP }] }]);
    await h.service.matchContacts();
    h.crm.contacts[0] = { ...h.crm.contacts[0]!, company: 'Renamed Inc' };
    assert.equal((await h.service.timeline('alice@customer.example')).contact?.company, 'Customer', 'fresh: from the cache');
    h.clock.t += 2 * 60 * 60_000;
    assert.equal((await h.service.timeline('alice@customer.example')).contact?.company, 'Renamed Inc', 'stale: refreshed');
    h.clock.t += 2 * 60 * 60_000;
    h.crm.findContactsByEmail = () => new Promise(() => {});
    const started = Date.now();
    const timeline = await h.service.timeline('alice@customer.example');
    assert.ok(Date.now() - started < 3_000);
    assert.equal(timeline.contact?.company, 'Renamed Inc');
    assert.equal(timeline.emails.length, 1);
  });

  test('status events: throttled during a flush, the last one reflects the end state', async () => {
    h = await openHarness();
    const ids = h.save(Array.from({ length: 30 }, (_, i) => ({ id: `s${i}`, from: { name: '', address: i % 2 ? 'alice@customer.example' : 'carol@other.example' }, to: [{ name: '', address: REP }] })));
    await h.service.matchContacts();
    const events: Array<{ pending: number; state: string }> = [];
    h.service.onStatusChange((s) => events.push(s));
    for (const id of ids) await h.service.logMessage(id);
    await h.service.whenIdle();
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(h.crm.emails.length, 30);
    assert.ok(events.length >= 1 && events.length < 10, `${events.length} status events`);
    assert.equal(events.at(-1)!.pending, 0);
  });

  test('connecting another HubSpot account: logs queued for the old one fail with the reason, never go to the new one', async () => {
    h = await openHarness();
    const [logged, queued] = h.save([
      { id: 'p1', from: { name: '', address: 'alice@customer.example' }, to: [{ name: '', address: REP }] },
      { id: 'p2', from: { name: '', address: 'alice@customer.example' }, to: [{ name: '', address: REP }] },
    ]);
    await h.service.matchContacts();
    await h.service.logMessage(logged!);
    await h.service.whenIdle();
    h.service.disconnect();
    const paused = await h.service.logMessage(queued!);
    assert.equal(paused.state, 'paused');

    h.crm.accountLabel = 'Portal 9999';
    h.crm.contacts[0] = { ...h.crm.contacts[0]!, crmContactId: '555' };
    await h.service.connect('good-token-123');
    await h.service.whenIdle();
    assert.equal(h.crm.emails.length, 1, 'nothing sent to the new account with the old contact id');
    const failed = h.service.logStates([queued!]).get(queued!)!;
    assert.equal(failed.state, 'failed');
    assert.match(failed.error ?? '', /queued for HubSpot account Portal 4242/);
    assert.throws(() => h.service.retry(failed.items[0]!.outboxId), (e: unknown) => e instanceof AppError && e.code === 'invalid_input');
    assert.equal(h.service.logStates([logged!]).get(logged!)!.state, 'logged', 'history of the old account is kept');

    // Logging again goes to the new account's contact.
    await h.service.matchContacts();
    await h.service.logMessage(queued!);
    await h.service.whenIdle();
    assert.deepEqual(h.crm.emails.at(-1)!.contactIds, ['555']);
    assert.equal(h.service.logStates([queued!]).get(queued!)!.state, 'logged');
    assert.equal(h.service.status().state, 'connected');
  });
});
