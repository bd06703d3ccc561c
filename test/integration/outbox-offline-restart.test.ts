// Offline logging against the HubSpot emulator: three logs made while HubSpot is down are
// queued, survive a restart of the service and store, and reach HubSpot exactly once after it
// comes back on the same port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubSpotEmulator } from '../emulators/crm/hubspot-emulator.ts';
import { message } from '../unit/store/store-fixtures.ts';
import { ensureAccount, openOutboxProfile, REP } from '../support/outbox-profile.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';

const ALICE = { email: 'alice@customer.example', firstname: 'Alice', lastname: 'Buyer' };
const CAROL = { email: 'carol@other.example', firstname: 'Carol', lastname: 'Other' };


async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('three logs made offline reach HubSpot exactly once after it returns, with a restart in between', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailbridge-outbox-offline-'));
  const path = join(dir, 'mail.db');
  const emulator = new HubSpotEmulator({ contacts: [ALICE, CAROL] });
  const { url } = await emulator.start();
  try {
    let profile = await openOutboxProfile({ path, emulatorUrl: url });
    const accountId = ensureAccount(profile.store);
    await profile.service.connect(emulator.accessToken);
    profile.store.messages.saveMessages(accountId, [
      message({ id: 'o-1', subject: 'Offline one', from: { name: '', address: ALICE.email }, to: [{ name: '', address: REP }] }),
      message({ id: 'o-2', subject: 'Offline two', from: { name: '', address: CAROL.email }, to: [{ name: '', address: REP }] }),
      message({ id: 'o-3', subject: 'Offline three', from: { name: '', address: REP }, to: [{ name: '', address: ALICE.email }] }),
    ]);
    await profile.service.matchContacts();
    const ids = databaseOf(profile.store).prepare("SELECT id FROM messages WHERE provider_message_id LIKE 'o-%' ORDER BY id").pluck().all() as number[];

    await emulator.stop();
    for (const id of ids) assert.equal((await profile.service.logMessage(id)).state, 'queued');
    await until(() => !profile.service.status().online, 10_000, 'offline status');
    await profile.service.whenIdle();
    assert.equal(profile.service.status().pending, 3);

    await profile.close();
    profile = await openOutboxProfile({ path, emulatorUrl: url });
    assert.equal(profile.service.status().pending, 3, 'nothing lost across the restart');
    assert.equal(profile.service.status().state, 'connected');

    await emulator.start();
    profile.service.retryNow(); // the app calls this when the network comes back
    await until(() => profile.service.status().pending === 0, 15_000, 'the queue to drain');
    await profile.service.whenIdle();
    const emails = emulator.emails();
    assert.deepEqual(emails.map((e) => e.properties.hs_email_subject).sort(), ['Offline one', 'Offline three', 'Offline two']);
    assert.deepEqual([...profile.service.logStates(ids).values()].map((s) => s.state), ['logged', 'logged', 'logged']);
    assert.equal(profile.service.status().online, true);
    await profile.close();
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
