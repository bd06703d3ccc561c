// What may be logged and how it is keyed: never-log entries (addresses, domains, subdomains),
// own addresses excluded, the idempotency key stable per (email, contact) and distinct otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idempotencyKey, isNeverLogged, loggableAddresses } from '../../../src-main/crm/email-snapshot.ts';

test('never-log matches whole addresses and domains with their subdomains, case-insensitively', () => {
  const list = ['boss@customer.example', 'competitor.example', '@legal.example'];
  assert.equal(isNeverLogged('Boss@Customer.example', list), true);
  assert.equal(isNeverLogged('buyer@customer.example', list), false);
  assert.equal(isNeverLogged('x@competitor.example', list), true);
  assert.equal(isNeverLogged('x@eu.competitor.example', list), true);
  assert.equal(isNeverLogged('x@notcompetitor.example', list), false, 'a domain entry is not a suffix match on the label');
  assert.equal(isNeverLogged('x@legal.example', list), true);
});

test('loggable addresses: From/To/Cc only, minus own and never-log, de-duplicated', () => {
  const participants = [
    { role: 'from' as const, address: 'rep@ours.example', name: '' },
    { role: 'to' as const, address: 'alice@customer.example', name: '' },
    { role: 'cc' as const, address: 'alice@customer.example', name: '' },
    { role: 'cc' as const, address: 'x@competitor.example', name: '' },
    { role: 'bcc' as const, address: 'hidden@customer.example', name: '' },
  ];
  assert.deepEqual(loggableAddresses({ participants }, new Set(['rep@ours.example']), ['competitor.example']), ['alice@customer.example']);
});

test('the idempotency key is stable per (CRM, email, contact) and prefers the Message-ID', () => {
  const base = { crm: 'hubspot', accountEmail: 'rep@ours.example', providerMessageId: 'p1', messageIdHeader: 'abc@mail.example', crmContactId: '101' };
  const key = idempotencyKey(base);
  assert.match(key, /^mb1-[0-9a-f]{40}$/);
  assert.equal(idempotencyKey({ ...base }), key);
  assert.equal(idempotencyKey({ ...base, accountEmail: 'other@ours.example', providerMessageId: 'p2' }), key, 'same email seen by two mailboxes');
  assert.equal(idempotencyKey({ ...base, messageIdHeader: 'ABC@mail.example' }), key);
  assert.notEqual(idempotencyKey({ ...base, crmContactId: '102' }), key);
  assert.notEqual(idempotencyKey({ ...base, messageIdHeader: 'def@mail.example' }), key);
  const noHeader = { ...base, messageIdHeader: null };
  assert.notEqual(idempotencyKey(noHeader), idempotencyKey({ ...noHeader, providerMessageId: 'p2' }));
});
