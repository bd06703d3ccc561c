// The outbox's promise — every "Log to CRM" lands exactly once and nothing is lost — held
// against Pipedrive and Salesforce as the HubSpot tests hold it (crm-service-hubspot,
// outbox-offline-restart, outbox-crash): the CRM offline across a restart, its short refusals
// (Pipedrive's 429 with x-ratelimit-reset, Salesforce's 503), its daily allowance spent
// (Pipedrive's token budget, Salesforce's REQUEST_LIMIT_EXCEEDED), a revoked credential, an
// answer lost after the CRM committed, and the process SIGKILLed between the CRM's 2xx and
// recording it. Each runs the real connector against its emulator and the real store.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { message } from '../unit/store/store-fixtures.ts';
import { crmWorld, type CrmWorld, type WorldPerson } from '../support/crm-worlds.ts';
import { nextLine, runOutboxChild } from '../support/outbox-child-process.ts';
import { ensureAccount, openOutboxProfile, REP, type OutboxProfile } from '../support/outbox-profile.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';
import type { CrmKind } from '../../src-main/crm/types.ts';
import type { CrmServiceOptions } from '../../src-main/crm/crm-service.ts';
import { until } from '../support/until.ts';

const DAY_MS = 24 * 3600_000;

const PEOPLE: WorldPerson[] = [
  { email: 'alice@customer.example', firstname: 'Alice', lastname: 'Buyer', company: 'Customer Inc' },
  { email: 'carol@other.example', firstname: 'Carol', lastname: 'Other', company: 'Other Ltd' },
];


for (const crm of ['pipedrive', 'salesforce'] as const satisfies CrmKind[]) {
  describe(`the outbox against ${crm}: exactly once, nothing lost`, () => {
    let world: CrmWorld;
    let url: string;
    let dir: string;
    let path: string;
    let profile: OutboxProfile;
    let accountId: number;
    let serial = 0;

    const open = (service: Partial<CrmServiceOptions> = {}) => openOutboxProfile({ path, emulatorUrl: url, crm, service });
    /** Saves one email per subject from a seeded person to the rep, matches contacts; resolves to the message ids. */
    const save = async (subjects: string[]) => {
      const specs = subjects.map((subject, i) => ({
        id: `${crm}-${(serial += 1)}`,
        subject,
        from: { name: '', address: PEOPLE[i % PEOPLE.length]!.email },
        to: [{ name: 'Rep', address: REP }],
      }));
      profile.store.messages.saveMessages(accountId, specs.map(message));
      await profile.service.matchContacts();
      return specs.map((s) => databaseOf(profile.store).prepare('SELECT id FROM messages WHERE provider_message_id = ?').pluck().get(s.id) as number);
    };
    /** How many activities the CRM holds for each subject. */
    const copies = (subjects: string[]) => subjects.map((subject) => world.activities().filter((a) => a.subject === subject).length);
    const states = (ids: number[]) => [...profile.service.logStates(ids).values()].map((s) => s.state);

    before(async () => {
      world = crmWorld(crm, PEOPLE);
      url = await world.start();
    });
    after(() => world.stop());

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), `mailbridge-${crm}-outbox-`));
      path = join(dir, 'mail.db');
      profile = await open();
      accountId = ensureAccount(profile.store);
      await profile.service.connect(world.secret, crm);
    });
    afterEach(async () => {
      await profile.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('logs made while the CRM is unreachable wait through a restart and land once each when it is back', async () => {
      const subjects = ['Offline one', 'Offline two', 'Offline three'];
      const ids = await save(subjects);
      await world.stop();
      try {
        for (const id of ids) assert.equal((await profile.service.logMessage(id)).state, 'queued');
        await until(() => !profile.service.status().online, 'the offline status');
        await profile.service.whenIdle();
        assert.equal(profile.service.status().pending, 3);
        await profile.close();
        profile = await open();
        assert.equal(profile.service.status().pending, 3, 'nothing lost across the restart');
      } finally {
        await world.start();
      }
      profile.service.retryNow(); // the app does this when the network comes back
      await until(() => profile.service.status().pending === 0, 'the queue to drain');
      await profile.service.whenIdle();
      assert.deepEqual(copies(subjects), [1, 1, 1]);
      assert.deepEqual(states(ids), ['logged', 'logged', 'logged']);
    });

    test('a short refusal is waited out and every log lands once', async () => {
      const subjects = ['Refused once', 'Refused twice'];
      const ids = await save(subjects);
      const refusedBefore = world.rateLimited();
      world.refuseNextBriefly();
      for (const id of ids) await profile.service.logMessage(id);
      await until(() => profile.service.status().pending === 0, 'the queue to drain');
      await profile.service.whenIdle();
      if (crm === 'pipedrive') assert.equal(world.rateLimited() - refusedBefore, 1, 'Pipedrive answered 429 once');
      assert.deepEqual(copies(subjects), [1, 1]);
      assert.deepEqual(states(ids), ['logged', 'logged']);
    });

    test('the daily allowance spent: every log is held with the reason through Retry and a restart, and lands once after the reset', async () => {
      const subjects = ['Held for the day one', 'Held for the day two'];
      const ids = await save(subjects);
      world.allowanceSpent!();
      try {
        for (const id of ids) await profile.service.logMessage(id);
        await until(() => /logging resumes at/.test(profile.service.status().lastError ?? ''), 'the daily-limit reason');
        const refused = world.rateLimited();
        profile.service.retryNow();
        await new Promise((r) => setTimeout(r, 1_500));
        assert.equal(world.rateLimited(), refused, 'nothing is sent while the allowance is spent, not even on Retry');
        assert.equal(profile.service.status().pending, 2);
        assert.deepEqual(copies(subjects), [0, 0]);
      } finally {
        world.allowanceBack();
      }
      // The hold is kept across a restart; the reset is hours away, so the app is reopened
      // with its clock a day ahead, past it.
      await profile.close();
      profile = await open();
      profile.service.retryNow();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(profile.service.status().pending, 2, 'still held after a restart');
      await profile.close();
      profile = await open({ now: () => Date.now() + DAY_MS + 3_600_000 });
      profile.service.retryNow();
      await until(() => profile.service.status().pending === 0, 'the queue to drain');
      await profile.service.whenIdle();
      assert.deepEqual(copies(subjects), [1, 1]);
      assert.deepEqual(states(ids), ['logged', 'logged']);
    });

    test('a revoked credential pauses logging behind "reconnect"; reconnecting sends the kept log once', async () => {
      const subjects = ['After the revocation'];
      const ids = await save(subjects);
      world.revoke();
      try {
        await profile.service.logMessage(ids[0]!);
        await until(() => profile.service.status().state === 'reconnect_required', 'reconnect_required');
        assert.deepEqual(states(ids), ['paused']);
        assert.equal(profile.service.status().pending, 1);
        await assert.rejects(profile.service.connect(world.secret, crm), { name: 'CrmAuthError' });
      } finally {
        world.restore();
      }
      await profile.service.connect(world.secret, crm);
      await until(() => profile.service.status().pending === 0, 'the queue to drain');
      await profile.service.whenIdle();
      assert.deepEqual(copies(subjects), [1]);
      assert.deepEqual(states(ids), ['logged']);
    });

    test('an answer lost after the CRM committed: found by its key, recorded, never logged twice', async () => {
      const subjects = ['Answer lost'];
      const ids = await save(subjects);
      world.dropNextAnswer();
      await profile.service.logMessage(ids[0]!);
      await until(() => profile.service.status().pending === 0, 'the queue to drain');
      await profile.service.whenIdle();
      assert.deepEqual(copies(subjects), [1]);
      const [activity] = world.activities().filter((a) => a.subject === subjects[0]);
      assert.equal(profile.store.activities.listByMessages(ids)[0]!.crmActivityId, activity!.id);
      assert.deepEqual(states(ids), ['logged']);
    });

    test('SIGKILLed between the CRM’s 2xx and recording it: a restart finds it logged, no duplicate', async () => {
      const subjects = ['Killed after commit'];
      const ids = await save(subjects);
      // Queued, then the profile closed before the outbox sends it: the child process sends it.
      profile.service.disconnect();
      await profile.service.logMessage(ids[0]!);
      profile.store.crmConnections.save(crm, world.secret, crm);
      await profile.close();

      const first = runOutboxChild(['--db', path, '--url', url, '--crm', crm, '--hold-after-commit']);
      await nextLine(first.lines, 'ready');
      const committed = await nextLine(first.lines, 'committed');
      first.child.kill('SIGKILL');
      await first.exited;
      assert.deepEqual(copies(subjects), [1], 'the CRM committed it before the kill');
      const [activity] = world.activities().filter((a) => a.subject === subjects[0]);
      assert.equal(committed, `committed ${activity!.id}`);

      const second = runOutboxChild(['--db', path, '--url', url, '--crm', crm]);
      const idle = await nextLine(second.lines, 'idle');
      assert.equal(await second.exited, 0);
      assert.deepEqual(JSON.parse(idle.slice('idle '.length)).pending, 0);
      assert.deepEqual(copies(subjects), [1], 'still exactly one');

      profile = await open();
      assert.deepEqual(states(ids), ['logged']);
      assert.equal(profile.store.activities.listByMessages(ids)[0]!.crmActivityId, activity!.id);
    });
  });
}
