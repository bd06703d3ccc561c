// Contact matching pages through correspondents in id windows: an address far past the first
// window is still found, the rep's own address is never asked, and a pass with nothing new
// asks the CRM nothing.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { openHarness, REP, type Harness } from './crm-fixtures.ts';
import { databaseOf } from '../../../src-main/store/profile-store.ts';

let h: Harness;
afterEach(() => h?.cleanup());

test('matching walks every id window, skips own addresses, and asks nothing when nothing is new', async () => {
  h = await openHarness();
  await h.service.matchContacts();
  h.crm.contacts.push({ crmContactId: '900', email: 'far@customer.example', name: 'Far', company: '', owner: '' });
  databaseOf(h.store).prepare('INSERT INTO addresses (id, address) VALUES (?, ?)').run(12_345, 'far@customer.example');
  databaseOf(h.store).prepare('INSERT INTO addresses (id, address) VALUES (?, ?)').run(23_456, REP);
  const asked: string[] = [];
  const find = h.crm.findContactsByEmail.bind(h.crm);
  h.crm.findContactsByEmail = (emails) => {
    asked.push(...emails);
    return find(emails);
  };
  const result = await h.service.matchContacts();
  assert.deepEqual(asked, ['far@customer.example']);
  assert.deepEqual({ checked: result!.checked, found: result!.found, more: result!.more }, { checked: 1, found: 1, more: false });
  assert.equal(h.store.contacts.getByEmail('hubspot', 'far@customer.example')?.crmContactId, '900');
  await h.service.matchContacts();
  assert.equal(asked.length, 1);
});
