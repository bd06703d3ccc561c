// One active CRM at a time: connecting Pipedrive makes it active, the outbox sends only the
// active CRM's items (a HubSpot item waits for HubSpot and never reaches Pipedrive), each
// CRM keeps its own contacts; logging carries the contact's company and a deal (the only
// open one by default, the rep's pick, or none); "Add to CRM" creates an unknown sender once.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemorySecretStore } from '../../../src-main/platform/keychain.ts';
import { openProfileStore, databaseOf, type ProfileStore } from '../../../src-main/store/profile-store.ts';
import { createCrmService, type CrmService } from '../../../src-main/crm/crm-service.ts';
import type { CrmKind } from '../../../src-main/crm/types.ts';
import { message, type MessageSpec } from '../store/store-fixtures.ts';
import { FakeCrm } from './fake-crm.ts';

const REP = 'rep@ours.example';
const ALICE = { crmContactId: '101', email: 'alice@customer.example', name: 'Alice Buyer', company: 'Customer', owner: 'Rep', crmCompanyId: 'co-1' };
const DEAL = { crmDealId: 'd-1', name: 'Gas supply 2002', stage: 'Proposal', amount: 125_000, currency: 'USD', closeDate: null };
const OTHER_DEAL = { crmDealId: 'd-2', name: 'Storage', stage: 'Qualified', amount: null, closeDate: null };

interface World {
  store: ProfileStore;
  service: CrmService;
  hubspot: FakeCrm;
  pipedrive: FakeCrm;
  settings: { activeCrm: CrmKind; autoLogKnownContacts: boolean; neverLog: string[] };
  save(spec: MessageSpec): number;
  cleanup(): Promise<void>;
}

async function openWorld(options: { salesforceLoginUrl?: string } = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'mailbridge-crm-choice-'));
  const store = await openProfileStore({ path: join(dir, 'mail.db'), secrets: createMemorySecretStore() });
  const hubspot = new FakeCrm([{ ...ALICE }], 'hubspot-token-1', 'hubspot');
  const pipedrive = new FakeCrm([{ ...ALICE, crmContactId: '7', crmCompanyId: 'org-3' }], 'pipedrive-token-1', 'pipedrive');
  const settings = { activeCrm: 'hubspot' as CrmKind, autoLogKnownContacts: false, neverLog: [] as string[] };
  const service = createCrmService({
    store,
    connectorFactory: ({ crm, accessToken }) => {
      const fake = crm === 'pipedrive' ? pipedrive : hubspot;
      fake.token = accessToken;
      return fake;
    },
    settings: () => settings,
    activateCrm: (crm) => (settings.activeCrm = crm),
    random: () => 0.5,
    ...options,
  });
  const accountId = store.accounts.create({ provider: 'gmail', email: REP }).id;
  return {
    store, service, hubspot, pipedrive, settings,
    save(spec) {
      store.messages.saveMessages(accountId, [message(spec)]);
      return databaseOf(store).prepare('SELECT id FROM messages WHERE provider_message_id = ?').pluck().get(spec.id) as number;
    },
    async cleanup() {
      await service.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const fromAlice = (id: string): MessageSpec => ({ id, subject: `About ${id}`, from: { name: 'Alice Buyer', address: ALICE.email }, to: [{ name: 'Rep', address: REP }] });

describe('the active CRM', () => {
  let w: World;
  afterEach(() => w?.cleanup());

  test('the configured Salesforce login host is in the status while Salesforce is the chosen CRM, and only then', async () => {
    w = await openWorld({ salesforceLoginUrl: 'https://acme.my.salesforce.com' });
    assert.equal(w.service.status().loginUrl, undefined);
    w.service.use('salesforce');
    assert.equal(w.service.status().loginUrl, 'https://acme.my.salesforce.com');
    w.service.use('pipedrive');
    assert.equal(w.service.status().loginUrl, undefined);
  });

  test('connecting Pipedrive makes it active; a HubSpot item queued before waits for HubSpot and never reaches Pipedrive', async () => {
    w = await openWorld();
    await w.service.connect('hubspot-token-1');
    await w.service.timeline(ALICE.email);
    w.hubspot.down = true;
    const first = w.save(fromAlice('m1'));
    await w.service.logMessage(first);
    assert.equal(w.store.outbox.listByMessages([first])[0]!.crm, 'hubspot');

    const status = await w.service.connect('pipedrive-token-1', 'pipedrive');
    assert.equal(status.crm, 'pipedrive');
    assert.equal(status.name, 'Pipedrive');
    assert.equal(w.settings.activeCrm, 'pipedrive');
    const second = w.save(fromAlice('m2'));
    await w.service.logMessage(second);
    await w.service.whenIdle();
    assert.equal(w.pipedrive.emails.length, 1, 'Pipedrive got only its own item');
    assert.deepEqual(w.pipedrive.emails[0]!.contactIds, ['7'], 'with Pipedrive’s own contact id');
    assert.equal(w.store.outbox.listByMessages([first])[0]!.state, 'pending', 'the HubSpot item still waits');

    w.hubspot.down = false;
    w.service.use('hubspot');
    w.service.retryNow();
    await w.service.whenIdle();
    assert.equal(w.hubspot.emails.length, 1, 'back on HubSpot its item goes out, once');
    assert.equal(w.pipedrive.emails.length, 1);
    assert.ok(w.store.contacts.getByEmail('pipedrive', ALICE.email), 'each CRM keeps its contacts');
    assert.equal(w.service.logStates([second]).get(second)?.items[0]?.crm, 'pipedrive', 'the other CRM’s history stays');
  });

  test('an email is logged with the contact’s company and its only open deal by default', async () => {
    w = await openWorld();
    w.hubspot.deals.set('101', [DEAL]);
    await w.service.connect('hubspot-token-1');
    const id = w.save(fromAlice('m1'));
    const timeline = await w.service.timeline(ALICE.email);
    assert.deepEqual(timeline.contact?.deals?.map((d) => d.name), ['Gas supply 2002'], 'the card shows the open deal');
    await w.service.logMessage(id);
    await w.service.whenIdle();
    assert.deepEqual(w.hubspot.emails[0]!.companyIds, ['co-1']);
    assert.deepEqual(w.hubspot.emails[0]!.dealIds, ['d-1']);
    const item = w.service.logStates([id]).get(id)!.items[0]!;
    assert.deepEqual({ crm: item.crm, withCompany: item.withCompany, deals: item.deals }, { crm: 'hubspot', withCompany: true, deals: ['Gas supply 2002'] });
  });

  test('with two open deals none is chosen unless the rep picks one; a deal that is not theirs is refused', async () => {
    w = await openWorld();
    w.hubspot.deals.set('101', [DEAL, OTHER_DEAL]);
    await w.service.connect('hubspot-token-1');
    await w.service.timeline(ALICE.email);
    const [a, b, c] = [w.save(fromAlice('m1')), w.save(fromAlice('m2')), w.save(fromAlice('m3'))];
    await w.service.logMessage(a);
    await w.service.logMessage(b, { dealId: 'd-2' });
    await assert.rejects(w.service.logMessage(c, { dealId: 'd-999' }), (e: Error & { code?: string }) => e.code === 'invalid_input');
    await w.service.whenIdle();
    assert.deepEqual(w.hubspot.emails.map((e) => e.dealIds), [[], ['d-2']]);
    assert.equal(w.store.outbox.listByMessages([c]).length, 0, 'nothing queued for the refused pick');
  });

  test('Add to CRM creates an unknown sender once, and the email then logs to them', async () => {
    w = await openWorld();
    await w.service.connect('hubspot-token-1');
    const id = w.save({ id: 'm1', subject: 'Hello', from: { name: 'New Person', address: 'new@prospect.example' }, to: [{ name: 'Rep', address: REP }] });
    assert.equal((await w.service.timeline('new@prospect.example')).contact, null);
    const timeline = await w.service.addContact({ email: 'new@prospect.example', name: 'New Person', company: 'Prospect' });
    assert.equal(timeline.contact?.name, 'New Person');
    await w.service.addContact({ email: 'new@prospect.example', name: 'New Person', company: 'Prospect' });
    assert.equal(w.hubspot.contacts.filter((c) => c.email === 'new@prospect.example').length, 1, 'a second click creates nothing');
    await w.service.logMessage(id);
    await w.service.whenIdle();
    assert.equal(w.hubspot.emails.length, 1);
  });

  test('a spent daily allowance holds every log until the reset instead of retrying into it', async () => {
    w = await openWorld();
    let now = 1_800_000_000_000;
    await w.service.close();
    w.service = createCrmService({
      store: w.store,
      connectorFactory: () => w.hubspot,
      settings: () => w.settings,
      now: () => now,
      random: () => 0.5,
      backoff: { baseMs: 1_000, capMs: 5_000 },
    });
    await w.service.connect('hubspot-token-1');
    await w.service.timeline(ALICE.email);
    const ids = ['m1', 'm2', 'm3'].map((id) => w.save(fromAlice(id)));
    w.hubspot.logFaults.push({ dailyLimitMs: 6 * 3600_000 });
    for (const id of ids) await w.service.logMessage(id);
    await w.service.whenIdle();
    assert.equal(w.hubspot.calls.log, 1, 'one refusal, then nothing more is sent');
    assert.match(w.service.logStates([ids[0]!]).get(ids[0]!)!.error ?? '', /429 DAILY: logging resumes at/);
    now += 3600_000;
    w.service.retryNow();
    await w.service.whenIdle();
    assert.equal(w.hubspot.calls.log, 1, 'still held an hour later, even when asked to retry');
    now += 5 * 3600_000 + 1;
    w.service.retryNow();
    await w.service.whenIdle();
    assert.equal(w.hubspot.emails.length, 3, 'after the reset every log goes, once');
  });
});
