// Migration 120 on a database version 110 wrote: cached contacts keep what they had, and the
// card's fields and open deals are stored and read back per CRM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { undoMigrationsAfter110 } from './downgrade.ts';
import { openTestStore } from '../store-fixtures.ts';
import { databaseOf, openProfileStore } from '../../../../src-main/store/profile-store.ts';
import { latestSchemaVersion } from '../../../../src-main/store/migrations/index.ts';

test('a version-110 database keeps its contacts and then caches the card and the open deals', async () => {
  const t = await openTestStore();
  try {
    undoMigrationsAfter110(databaseOf(t.store));
    databaseOf(t.store)
      .prepare("INSERT INTO contacts (crm, crm_contact_id, email, name, company, owner, updated_at) VALUES ('hubspot', '101', 'pat@pge.com', 'Pat Smith', 'PG&E', 'Jeff', 1)")
      .run();
    databaseOf(t.store).pragma('user_version = 110');
    t.store.close();

    const store = await openProfileStore({ path: t.path, secrets: t.secrets });
    try {
      assert.equal(databaseOf(store).pragma('user_version', { simple: true }), latestSchemaVersion());
      const kept = store.contacts.getByEmail('hubspot', 'pat@pge.com')!;
      assert.equal(kept.name, 'Pat Smith');
      assert.equal(kept.deals, null, 'deals never fetched');
      assert.equal(kept.title, undefined);

      store.contacts.upsert('pipedrive', [
        { crmContactId: '7', email: 'Pat@PGE.com', name: 'Pat Smith', company: 'PG&E', owner: 'Jeff', title: 'Director', phone: '+1 415 555 0100', status: 'Customer', crmCompanyId: '3', lastActivityAt: 5, url: 'https://acme.pipedrive.com/person/7' },
      ]);
      store.contacts.setDeals('pipedrive', '7', [{ crmDealId: '9', name: 'Gas supply 2002', stage: 'Proposal', amount: 125000, currency: 'USD', closeDate: null }]);
      const card = store.contacts.getByEmail('pipedrive', 'pat@pge.com')!;
      assert.deepEqual(
        { title: card.title, phone: card.phone, status: card.status, crmCompanyId: card.crmCompanyId, lastActivityAt: card.lastActivityAt, url: card.url },
        { title: 'Director', phone: '+1 415 555 0100', status: 'Customer', crmCompanyId: '3', lastActivityAt: 5, url: 'https://acme.pipedrive.com/person/7' },
      );
      assert.equal(card.deals?.[0]?.name, 'Gas supply 2002');
      assert.ok(card.dealsFetchedAt);
      assert.equal(store.contacts.getByEmail('hubspot', 'pat@pge.com')!.title, undefined, 'each CRM keeps its own card');
    } finally {
      store.close();
    }
  } finally {
    t.cleanup();
  }
});
