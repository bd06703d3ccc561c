// The outbox process killed between HubSpot's 2xx and recording it: a child process runs the
// real connector against the emulator, reports that HubSpot committed the email, and is
// SIGKILLed before markDone. A fresh process finds the item in flight, asks HubSpot, and
// records it: still exactly one email in the CRM, and the item ends "logged".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubSpotEmulator } from '../emulators/crm/hubspot-emulator.ts';
import { message } from '../unit/store/store-fixtures.ts';
import { ensureAccount, openOutboxProfile, REP } from '../support/outbox-profile.ts';
import { nextLine, runOutboxChild as runChild } from '../support/outbox-child-process.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';

const ALICE = { email: 'alice@customer.example', firstname: 'Alice', lastname: 'Buyer' };

test('killed between the CRM’s 2xx and recording it: a restart finds it logged, no duplicate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailbridge-outbox-crash-'));
  const path = join(dir, 'mail.db');
  const emulator = new HubSpotEmulator({ contacts: [ALICE] });
  const { url } = await emulator.start();
  try {
    // Queue the log while HubSpot is unreachable from the outbox's point of view: the
    // profile is closed before the outbox can send it.
    const profile = await openOutboxProfile({ path, emulatorUrl: url });
    const accountId = ensureAccount(profile.store);
    await profile.service.connect(emulator.accessToken);
    profile.store.messages.saveMessages(accountId, [
      message({ id: 'k-1', subject: 'Crash-safe log', from: { name: '', address: ALICE.email }, to: [{ name: '', address: REP }] }),
    ]);
    await profile.service.matchContacts();
    const id = databaseOf(profile.store).prepare("SELECT id FROM messages WHERE provider_message_id = 'k-1'").pluck().get() as number;
    profile.service.disconnect(); // paused: nothing is sent from this process
    await profile.service.logMessage(id);
    profile.store.crmConnections.save('hubspot', emulator.accessToken, 'emulator');
    await profile.close();

    const first = runChild(['--db', path, '--url', url, '--hold-after-commit']);
    await nextLine(first.lines, 'ready');
    const committed = await nextLine(first.lines, 'committed');
    first.child.kill('SIGKILL');
    await first.exited;
    assert.equal(emulator.emails().length, 1, 'HubSpot committed the email before the kill');
    assert.equal(committed, `committed ${emulator.emails()[0]!.id}`);

    const second = runChild(['--db', path, '--url', url]);
    const idle = await nextLine(second.lines, 'idle');
    assert.equal(await second.exited, 0);
    const status = JSON.parse(idle.slice('idle '.length)) as { pending: number; failed: number };
    assert.equal(status.pending, 0);
    assert.equal(status.failed, 0);

    assert.equal(emulator.emails().length, 1, 'still exactly one email in HubSpot');
    assert.equal(emulator.stats().requests['emails.create'], 1, 'never posted again');
    const reopened = await openOutboxProfile({ path, emulatorUrl: url });
    try {
      const state = reopened.service.logStates([id]).get(id)!;
      assert.equal(state.state, 'logged');
      assert.equal(reopened.store.activities.listByMessages([id])[0]!.crmActivityId, emulator.emails()[0]!.id);
    } finally {
      await reopened.close();
    }
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
