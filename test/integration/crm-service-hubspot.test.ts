// The CRM service end to end against the HubSpot emulator with the real connector: one
// click → exactly one email with the right fields and association; a 429 storm; a revoked
// token → reconnect state with nothing lost; a response lost after the CRM committed.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubSpotEmulator } from '../emulators/crm/hubspot-emulator.ts';
import { message } from '../unit/store/store-fixtures.ts';
import { ensureAccount, openOutboxProfile, REP, type OutboxProfile } from '../support/outbox-profile.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';

const ALICE = { email: 'alice@customer.example', firstname: 'Alice', lastname: 'Buyer', company: 'Customer Inc' };
const CAROL = { email: 'carol@other.example', firstname: 'Carol', lastname: 'Other', company: 'Other Ltd' };

describe('CRM service against the HubSpot emulator', () => {
  let emulator: HubSpotEmulator;
  let dir: string;
  let profile: OutboxProfile;
  let accountId: number;

  before(async () => {
    emulator = new HubSpotEmulator({ contacts: [ALICE, CAROL] });
    await emulator.start();
  });
  after(() => emulator.stop());

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mailbridge-crm-it-'));
    profile = await openOutboxProfile({ path: join(dir, 'mail.db'), emulatorUrl: emulator.url });
    accountId = ensureAccount(profile.store);
    emulator.store.emails.clear();
    emulator.resetStats();
    emulator.restoreToken();
    await profile.service.connect(emulator.accessToken);
    await profile.service.matchContacts();
  });
  afterEach(async () => {
    await profile.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Saves emails as a sync would, then runs the post-sync contact matching. */
  const save = async (specs: Parameters<typeof message>[0][]) => {
    profile.store.messages.saveMessages(accountId, specs.map(message));
    await profile.service.matchContacts();
    return specs.map((s) => databaseOf(profile.store).prepare('SELECT id FROM messages WHERE provider_message_id = ?').pluck().get(s.id) as number);
  };

  test('"Log to CRM" creates exactly one email with subject, timestamp, direction and body, associated with the contact', async () => {
    const [id] = await save([{
      id: 'g-1',
      subject: 'Pricing for the 2027 renewal',
      text: 'Hi Rep, can you send the renewal pricing?',
      from: { name: 'Alice Buyer', address: ALICE.email },
      to: [{ name: 'Rep', address: REP }],
      internalDate: 1_790_000_000_000,
      date: 1_789_999_990_000,
    }]);
    const queued = await profile.service.logMessage(id!);
    assert.equal(queued.state, 'queued');
    await profile.service.whenIdle();
    // A second click and a whole-thread log change nothing.
    await profile.service.logMessage(id!);
    await profile.service.logThread(profile.store.messages.getMessage(id!)!.threadId);
    await profile.service.whenIdle();

    const emails = emulator.emails();
    assert.equal(emails.length, 1);
    const [email] = emails;
    const aliceId = emulator.contacts().find((c) => c.properties.email === ALICE.email)!.id;
    assert.deepEqual(email!.contactIds, [aliceId]);
    assert.equal(email!.properties.hs_email_subject, 'Pricing for the 2027 renewal');
    assert.equal(email!.properties.hs_email_direction, 'INCOMING_EMAIL');
    assert.match(email!.properties.hs_email_text ?? '', /can you send the renewal pricing\?/);
    const ts = email!.properties.hs_timestamp!;
    assert.equal(/^\d+$/.test(ts) ? Number(ts) : Date.parse(ts), 1_790_000_000_000);
    const state = profile.service.logStates([id!]).get(id!)!;
    assert.equal(state.state, 'logged');
    assert.equal(profile.store.activities.listByMessages([id!])[0]!.crmActivityId, email!.id);
    const timeline = await profile.service.timeline(ALICE.email);
    assert.equal(timeline.contact?.name, 'Alice Buyer');
    assert.equal(timeline.emails[0]!.logState.state, 'logged');
  });

  test('an outgoing email is logged as EMAIL with its Date header as the timestamp', async () => {
    const [id] = await save([{ id: 'g-2', subject: 'Renewal pricing', from: { name: 'Rep', address: REP }, to: [{ name: 'Carol', address: CAROL.email }], date: 1_790_000_100_000, internalDate: 1_790_000_105_000 }]);
    await profile.service.logMessage(id!);
    await profile.service.whenIdle();
    const [email] = emulator.emails();
    assert.equal(email!.properties.hs_email_direction, 'EMAIL');
    const ts = email!.properties.hs_timestamp!;
    assert.equal(/^\d+$/.test(ts) ? Number(ts) : Date.parse(ts), 1_790_000_100_000);
  });

  test('429 storm: every item is retried after Retry-After and lands exactly once', async () => {
    const ids = await save(Array.from({ length: 6 }, (_, i) => ({ id: `r-${i}`, from: { name: '', address: i % 2 ? ALICE.email : CAROL.email }, to: [{ name: '', address: REP }] })));
    emulator.failNext(4, 429);
    const started = Date.now();
    for (const id of ids) await profile.service.logMessage(id);
    await profile.service.whenIdle();
    await untilIdle(profile, 15_000);
    assert.ok(emulator.stats().rateLimited >= 1);
    const emails = emulator.emails();
    assert.equal(emails.length, 6);
    const subjects = new Set(emails.map((e) => e.properties.hs_email_subject));
    assert.equal(subjects.size, 6, 'no duplicates');
    // The emulator's injected 429 carries Retry-After: 1 s; nothing retried before it.
    assert.ok(Date.now() - started >= 1_000);
    assert.deepEqual([...profile.service.logStates(ids).values()].map((s) => s.state), Array(6).fill('logged'));
  });

  test('401 → reconnect_required, the log is kept; reconnecting sends it once', async () => {
    const [id] = await save([{ id: 'a-1', from: { name: '', address: ALICE.email }, to: [{ name: '', address: REP }] }]);
    emulator.revokeToken();
    await profile.service.logMessage(id!);
    await untilTrue(() => profile.service.status().state === 'reconnect_required', 10_000);
    assert.equal(profile.service.logStates([id!]).get(id!)!.state, 'paused');
    assert.equal(profile.service.status().pending, 1);
    assert.equal(emulator.emails().length, 0);
    await assert.rejects(profile.service.connect(emulator.accessToken), { name: 'CrmAuthError' });
    emulator.restoreToken();
    await profile.service.connect(emulator.accessToken);
    await untilIdle(profile, 10_000);
    assert.equal(emulator.emails().length, 1);
    assert.equal(profile.service.logStates([id!]).get(id!)!.state, 'logged');
  });

  test('a response dropped after the CRM committed: checked against HubSpot, recorded, never resent', async () => {
    const [id] = await save([{ id: 'd-1', from: { name: '', address: ALICE.email }, to: [{ name: '', address: REP }] }]);
    emulator.dropResponseAfterCommit(1);
    await profile.service.logMessage(id!);
    await untilIdle(profile, 10_000);
    assert.equal(emulator.stats().droppedResponses, 1);
    assert.equal(emulator.emails().length, 1);
    assert.equal(emulator.stats().requests['emails.create'], 1, 'the email was created once and never re-posted');
    assert.equal(profile.service.logStates([id!]).get(id!)!.state, 'logged');
  });
});

async function untilTrue(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until nothing is pending (real backoff timers run), then for the outbox to settle. */
async function untilIdle(profile: OutboxProfile, timeoutMs: number): Promise<void> {
  await untilTrue(() => profile.service.status().pending === 0, timeoutMs);
  await profile.service.whenIdle();
}
