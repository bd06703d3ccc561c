// Contract test: every HubSpot emulator response the connector relies on, checked against
// the documented shapes (hubspot-schemas.ts, closed to unknown keys) and the key values
// the docs specify: association type ids and labels, ISO datetimes, 201 on creation (company
// creation: PublicApiSpecs/CRM/Companies/Rollouts/424/v3/companies.json), 207 on partial batch
// reads, the default deal pipeline, 429 RATE_LIMIT bodies (ten-secondly, secondly, DAILY),
// and rate-limit headers (burst and daily) on non-search endpoints only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HubSpotEmulator, HUBSPOT_TEST_TOKEN } from '../emulators/crm/hubspot-emulator.ts';
import { HUBSPOT_TEST_OWNERS } from '../emulators/crm/hubspot-store.ts';
import { hubSpotValidator, type HubSpotSchemaName } from '../emulators/crm/hubspot-schemas.ts';

const validate = hubSpotValidator();
let emulator: HubSpotEmulator;
let url: string;
let contactId: string;
let companyId: string;
let openDealId: string;
let closedDealId: string;

async function call(method: string, path: string, body?: unknown, token = HUBSPOT_TEST_TOKEN): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

function assertShape(name: HubSpotSchemaName, value: unknown): void {
  const problem = validate(name, value);
  assert.equal(problem, null, `${name}: ${problem}\n${JSON.stringify(value, null, 2)}`);
}

before(async () => {
  emulator = new HubSpotEmulator({
    contacts: [{ email: 'pat@pge.com', firstname: 'Pat', lastname: 'Smith', company: 'PG&E', hubspot_owner_id: HUBSPOT_TEST_OWNERS[1]!.id }],
    companies: [{ name: 'PG&E', domain: 'pge.com' }],
    deals: [
      { dealname: 'PG&E gas supply', dealstage: 'qualifiedtobuy', amount: '125000', closedate: '2001-06-30T00:00:00.000Z', deal_currency_code: 'USD', contactEmails: ['pat@pge.com'] },
      { dealname: 'PG&E old hedge', dealstage: 'closedlost', amount: '5000', contactEmails: ['pat@pge.com'] },
    ],
    settings: { rateLimit: true, requestsPer10Seconds: 100, searchPerSecond: 5 },
  });
  ({ url } = await emulator.start());
  contactId = emulator.contacts()[0]!.id;
  companyId = emulator.companies()[0]!.id;
  [openDealId, closedDealId] = emulator.deals().map((d) => d.id) as [string, string];
});

after(async () => {
  await emulator.stop();
});

test('the validators reject what HubSpot would never send', () => {
  assert.notEqual(validate('simplePublicObject', { id: '1', properties: {}, createdAt: 'yesterday', updatedAt: '2024-01-01T00:00:00Z' }), null);
  assert.notEqual(validate('error', { status: 'error', message: 'x', correlationId: 'not-a-uuid', category: 'X' }), null);
  assert.notEqual(validate('associationsV4', { results: [{ toObjectId: '12', associationTypes: [] }] }), null);
  assert.notEqual(validate('collection', { results: [], extra: true }), null);
});

test('account details', async () => {
  const r = await call('GET', '/account-info/v3/details');
  assert.equal(r.status, 200);
  assertShape('accountDetails', r.body);
});

test('contacts: create (201), get, list and search with default and requested properties', async () => {
  const created = await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'New.Person@Example.com', firstname: 'New' } });
  assert.equal(created.status, 201);
  assertShape('simplePublicObject', created.body);
  assert.equal((created.body.properties as Record<string, string>).email, 'new.person@example.com');

  const duplicate = await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'pat@pge.com' } });
  assert.equal(duplicate.status, 409);
  assertShape('error', duplicate.body);
  assert.match(String(duplicate.body.message), new RegExp(`Existing ID: ${contactId}`));

  const got = await call('GET', `/crm/v3/objects/contacts/${contactId}?properties=company,hubspot_owner_id`);
  assertShape('simplePublicObject', got.body);
  assert.deepEqual(Object.keys(got.body.properties as object).sort(), ['company', 'createdate', 'hs_object_id', 'hubspot_owner_id', 'lastmodifieddate']);

  const list = await call('GET', '/crm/v3/objects/contacts?limit=1');
  assertShape('collection', list.body);
  assert.deepEqual((list.body.paging as { next: { after: string } }).next.after, '1');

  // Without `properties` the search returns the documented default set for contacts.
  const plain = await call('POST', '/crm/v3/objects/contacts/search', { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'PAT@pge.com' }] }] });
  assertShape('collectionWithTotal', plain.body);
  assert.equal(plain.body.total, 1);
  const first = (plain.body.results as Array<{ properties: object }>)[0]!;
  assert.deepEqual(Object.keys(first.properties).sort(), ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);

  const inSearch = await call('POST', '/crm/v3/objects/contacts/search', {
    filterGroups: [{ filters: [{ propertyName: 'email', operator: 'IN', values: ['pat@pge.com', 'new.person@example.com', 'nobody@x.test'] }] }],
    properties: ['email', 'company'],
    limit: 1,
  });
  assertShape('collectionWithTotal', inSearch.body);
  assert.equal(inSearch.body.total, 2);
  assert.equal((inSearch.body.paging as { next: { after: string } }).next.after, '1');
  assert.equal(inSearch.headers.get('x-hubspot-ratelimit-max'), null, 'search answers carry no rate-limit headers');
  assert.equal(got.headers.get('x-hubspot-ratelimit-max'), '100');
  assert.equal(got.headers.get('x-hubspot-ratelimit-interval-milliseconds'), '10000');
  assert.match(got.headers.get('x-hubspot-ratelimit-remaining') ?? '', /^\d+$/);
});

test('search validation: more than 100 IN values, unknown operators and too many groups are 400 VALIDATION_ERROR', async () => {
  emulator.resetStats(); // empties the search window the previous test used
  const values = Array.from({ length: 101 }, (_, i) => `a${i}@x.test`);
  for (const body of [
    { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'IN', values }] }] },
    { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'SOUNDS_LIKE', value: 'x' }] }] },
    { filterGroups: Array.from({ length: 6 }, () => ({ filters: [{ propertyName: 'email', operator: 'HAS_PROPERTY' }] })) },
    { limit: 201 },
  ]) {
    const r = await call('POST', '/crm/v3/objects/contacts/search', body);
    assert.equal(r.status, 400, JSON.stringify(body).slice(0, 80));
    assertShape('error', r.body);
    assert.equal(r.body.category, 'VALIDATION_ERROR');
  }
});

test('owners: get by id and 404 for an unknown one', async () => {
  const owner = await call('GET', `/crm/v3/owners/${HUBSPOT_TEST_OWNERS[1]!.id}`);
  assertShape('owner', owner.body);
  assert.equal(owner.body.firstName, 'Bob');
  const missing = await call('GET', '/crm/v3/owners/1');
  assert.equal(missing.status, 404);
  assertShape('error', missing.body);
  assert.equal(missing.body.category, 'OBJECT_NOT_FOUND');
});

test('emails: create with associations, batch read (200 and 207), associations v4 list', async () => {
  const created = await call('POST', '/crm/v3/objects/emails', {
    properties: {
      hs_timestamp: '1589460600000',
      hs_email_direction: 'EMAIL',
      hs_email_status: 'SENT',
      hs_email_subject: 'Hi',
      hs_email_text: 'Body',
      hs_email_headers: JSON.stringify({ from: { email: 'me@x.test', firstName: 'Me', lastName: '' }, to: [], cc: [], bcc: [] }),
    },
    associations: [{ to: { id: contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 198 }] }],
  });
  assert.equal(created.status, 201);
  assertShape('simplePublicObject', created.body);
  const props = created.body.properties as Record<string, string>;
  assert.equal(props.hs_timestamp, '2020-05-14T12:50:00.000Z', 'ms input comes back as an ISO 8601 datetime');
  assert.equal(props.hs_object_id, created.body.id);

  const read = await call('POST', '/crm/v3/objects/emails/batch/read', { properties: ['hs_email_subject', 'hs_timestamp'], inputs: [{ id: created.body.id }] });
  assert.equal(read.status, 200);
  assertShape('batchResponse', read.body);
  assert.equal(read.body.status, 'COMPLETE');
  const readProps = (read.body.results as Array<{ properties: Record<string, string> }>)[0]!.properties;
  assert.deepEqual(Object.keys(readProps).sort(), ['hs_createdate', 'hs_email_subject', 'hs_lastmodifieddate', 'hs_object_id', 'hs_timestamp']);

  const partial = await call('POST', '/crm/v3/objects/emails/batch/read', { properties: [], inputs: [{ id: created.body.id }, { id: '1' }] });
  assert.equal(partial.status, 207);
  assertShape('batchResponse', partial.body);
  assert.deepEqual((partial.body.errors as Array<{ context: { ids: string[] } }>)[0]!.context.ids, ['1']);

  const tooMany = await call('POST', '/crm/v3/objects/emails/batch/read', { inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i) })) });
  assert.equal(tooMany.status, 400);
  assertShape('error', tooMany.body);

  const assoc = await call('GET', `/crm/v4/objects/contacts/${contactId}/associations/emails`);
  assertShape('associationsV4', assoc.body);
  assert.deepEqual(assoc.body.results, [{ toObjectId: Number(created.body.id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 197, label: null }] }]);
});

test('emails: HubSpot-style 400s for a missing hs_timestamp, bad enums, unknown properties and bad associations', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ properties: { hs_email_subject: 'no time' } }, /hs_timestamp/],
    [{ properties: { hs_timestamp: 'soon' } }, /hs_timestamp|soon/],
    [{ properties: { hs_timestamp: '0', hs_email_direction: 'OUTGOING' } }, /OUTGOING/],
    [{ properties: { hs_timestamp: '0', hs_email_status: 'DONE' } }, /DONE/],
    [{ properties: { hs_timestamp: '0', x_mailbridge_key: 'k' } }, /x_mailbridge_key/],
    [{ properties: { hs_timestamp: '0' }, associations: [{ to: { id: contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 197 }] }] }, /197/],
    [{ properties: { hs_timestamp: '0' }, associations: [{ to: { id: contactId }, types: [{ associationTypeId: 198 }] }] }, /associationCategory/],
    [{ properties: { hs_timestamp: '0' }, associations: [{ to: { id: '999999' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 198 }] }] }, /999999/],
  ];
  const before = emulator.emails().length;
  for (const [body, message] of cases) {
    const r = await call('POST', '/crm/v3/objects/emails', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assertShape('error', r.body);
    assert.equal(r.body.category, 'VALIDATION_ERROR');
    assert.match(String(r.body.message), message);
  }
  assert.equal(emulator.emails().length, before, 'nothing was created');
});

test('401 bodies for a wrong and a revoked token', async () => {
  const wrong = await call('GET', '/account-info/v3/details', undefined, 'pat-na1-wrong');
  assert.equal(wrong.status, 401);
  assertShape('error', wrong.body);
  assert.equal(wrong.body.category, 'INVALID_AUTHENTICATION');
  emulator.revokeToken();
  try {
    const revoked = await call('GET', '/account-info/v3/details');
    assert.equal(revoked.status, 401);
    assertShape('error', revoked.body);
  } finally {
    emulator.restoreToken();
  }
});

test('429 bodies and headers for the ten-secondly and the search limits', async () => {
  emulator.resetStats();
  Object.assign(emulator.settings, { requestsPer10Seconds: 2 });
  try {
    await call('GET', '/account-info/v3/details');
    await call('GET', '/account-info/v3/details');
    const limited = await call('GET', '/account-info/v3/details');
    assert.equal(limited.status, 429);
    assertShape('rateLimit', limited.body);
    assert.equal(limited.body.policyName, 'TEN_SECONDLY_ROLLING');
    assert.equal(limited.body.message, 'You have reached your ten_secondly_rolling limit.');
    assert.equal(limited.headers.get('x-hubspot-ratelimit-remaining'), '0');
    assert.match(limited.headers.get('retry-after') ?? '', /^([1-9]|10)$/);
  } finally {
    Object.assign(emulator.settings, { requestsPer10Seconds: 100 });
    emulator.resetStats();
  }
  const answers = await Promise.all(Array.from({ length: 7 }, () => call('POST', '/crm/v3/objects/contacts/search', {})));
  const limited = answers.filter((a) => a.status === 429);
  assert.equal(limited.length, 2);
  assertShape('rateLimit', limited[0]!.body);
  assert.equal(limited[0]!.body.policyName, 'SECONDLY');
  assert.equal(emulator.stats().rateLimited, 2);
});

test('account details carry the configured time zone with its current offset', async () => {
  Object.assign(emulator.settings, { timeZone: 'Asia/Kolkata' });
  try {
    const r = await call('GET', '/account-info/v3/details');
    assertShape('accountDetails', r.body);
    assert.equal(r.body.timeZone, 'Asia/Kolkata');
    assert.equal(r.body.utcOffset, '+05:30');
    assert.equal(r.body.utcOffsetMilliseconds, 19_800_000);
  } finally {
    Object.assign(emulator.settings, { timeZone: 'US/Eastern' });
  }
});

test('companies and deals: batch read (200 and 207) with default and requested properties, get, hs_is_closed from the stage', async () => {
  const companies = await call('POST', '/crm/v3/objects/companies/batch/read', { properties: ['name', 'domain'], inputs: [{ id: companyId }] });
  assert.equal(companies.status, 200);
  assertShape('batchResponse', companies.body);
  const company = (companies.body.results as Array<{ id: string; properties: Record<string, string> }>)[0]!;
  assert.deepEqual(Object.keys(company.properties).sort(), ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name']);
  assert.equal(company.properties.domain, 'pge.com');

  const got = await call('GET', `/crm/v3/objects/companies/${companyId}`);
  assertShape('simplePublicObject', got.body);
  assert.deepEqual(Object.keys(got.body.properties as object).sort(), ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name']);

  const deals = await call('POST', '/crm/v3/objects/deals/batch/read', {
    properties: ['dealname', 'dealstage', 'amount', 'closedate', 'hs_is_closed', 'deal_currency_code'],
    inputs: [{ id: openDealId }, { id: closedDealId }, { id: contactId }],
  });
  assert.equal(deals.status, 207, 'a contact id is no deal id');
  assertShape('batchResponse', deals.body);
  assert.deepEqual((deals.body.errors as Array<{ context: { ids: string[] } }>)[0]!.context.ids, [contactId]);
  const byId = new Map((deals.body.results as Array<{ id: string; properties: Record<string, string | null> }>).map((d) => [d.id, d.properties]));
  assert.equal(byId.get(openDealId)!.hs_is_closed, 'false');
  assert.equal(byId.get(closedDealId)!.hs_is_closed, 'true');
  assert.equal(byId.get(openDealId)!.closedate, '2001-06-30T00:00:00.000Z');
  assert.equal(byId.get(closedDealId)!.closedate, null, 'unset properties that were asked for come back null');

  const plain = await call('GET', `/crm/v3/objects/deals/${openDealId}`);
  assertShape('simplePublicObject', plain.body);
  assert.deepEqual(Object.keys(plain.body.properties as object).sort(),
    ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline']);
});

test('associations v4: the batch read labels the primary company, 207 for contacts without one; the list pages deals', async () => {
  const lonely = emulator.addContact({ email: 'lonely@nowhere.test' });
  const batch = await call('POST', '/crm/v4/associations/contacts/companies/batch/read', { inputs: [{ id: contactId }, { id: lonely }] });
  assert.equal(batch.status, 207);
  assertShape('associationsBatch', batch.body);
  assert.deepEqual(batch.body.results, [{
    from: { id: contactId },
    to: [{
      toObjectId: Number(companyId),
      associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }, { category: 'HUBSPOT_DEFINED', typeId: 1, label: 'Primary' }],
    }],
  }]);
  const [error] = batch.body.errors as Array<{ category: string; context: { fromObjectId: string[] } }>;
  assert.equal(error!.category, 'OBJECT_NOT_FOUND');
  assert.deepEqual(error!.context.fromObjectId, [lonely]);

  const complete = await call('POST', '/crm/v4/associations/contacts/deals/batch/read', { inputs: [{ id: contactId }] });
  assert.equal(complete.status, 200);
  assertShape('associationsBatch', complete.body);

  const reverse = await call('POST', '/crm/v4/associations/companies/contacts/batch/read', { inputs: [{ id: companyId }] });
  assertShape('associationsBatch', reverse.body);
  assert.deepEqual((reverse.body.results as Array<{ to: Array<{ associationTypes: Array<{ typeId: number }> }> }>)[0]!.to[0]!.associationTypes.map((t) => t.typeId), [280, 2]);

  const page = await call('GET', `/crm/v4/objects/contacts/${contactId}/associations/deals?limit=1`);
  assertShape('associationsV4', page.body);
  assert.deepEqual(page.body.results, [{ toObjectId: Number(openDealId), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 4, label: null }] }]);
  assert.equal((page.body.paging as { next: { after: string } }).next.after, '1');

  const badType = await call('POST', '/crm/v4/associations/contacts/widgets/batch/read', { inputs: [{ id: contactId }] });
  assert.equal(badType.status, 400);
  assertShape('error', badType.body);
});

test('pipelines: the default deal pipeline, its closed stages marked in the metadata', async () => {
  const r = await call('GET', '/crm/v3/pipelines/deals');
  assert.equal(r.status, 200);
  assertShape('pipelines', r.body);
  const [pipeline] = r.body.results as Array<{ id: string; stages: Array<{ id: string; label: string; metadata: Record<string, string> }> }>;
  assert.equal(pipeline!.id, 'default');
  assert.deepEqual(pipeline!.stages.filter((st) => st.metadata.isClosed === 'true').map((st) => st.id), ['closedwon', 'closedlost']);
  assert.equal(pipeline!.stages.find((st) => st.id === 'qualifiedtobuy')!.label, 'Qualified To Buy');
});

test('companies search, and contacts created with a primary company (type 1) or refused for an unknown one', async () => {
  emulator.resetStats();
  const search = await call('POST', '/crm/v3/objects/companies/search', {
    filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'EQ', value: 'PGE.com' }] }, { filters: [{ propertyName: 'name', operator: 'EQ', value: 'nobody inc' }] }],
    properties: ['name', 'domain'],
  });
  assertShape('collectionWithTotal', search.body);
  assert.equal(search.body.total, 1);
  assert.equal(search.headers.get('x-hubspot-ratelimit-daily'), null, 'search answers carry no rate-limit headers');

  const created = await call('POST', '/crm/v3/objects/contacts', {
    properties: { email: 'lee@pge.com', firstname: 'Lee' },
    associations: [{ to: { id: companyId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }] }],
  });
  assert.equal(created.status, 201);
  assertShape('simplePublicObject', created.body);
  const lee = String(created.body.id);
  assert.deepEqual(emulator.contactAssociations(lee), { companies: [companyId], primaryCompany: companyId, deals: [] });
  assert.equal(emulator.contacts().find((c) => c.id === lee)!.properties.associatedcompanyid, companyId);

  const before = emulator.contacts().length;
  for (const [associations, message] of [
    [[{ to: { id: '999' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] }], /company 999 does not exist/],
    [[{ to: { id: openDealId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }] }], new RegExp(`company ${openDealId} does not exist`)],
    [[{ to: { id: companyId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 198 }] }], /198/],
  ] as const) {
    const r = await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'refused@pge.com' }, associations });
    assert.equal(r.status, 400, JSON.stringify(associations));
    assertShape('error', r.body);
    assert.equal(r.body.category, 'VALIDATION_ERROR');
    assert.match(String(r.body.message), message);
  }
  assert.equal(emulator.contacts().length, before, 'nothing was created');
});

test('companies created (201 SimplePublicObject, domain lower-cased), as a contact\'s primary company (type 2), refused without the write scope', async () => {
  const created = await call('POST', '/crm/v3/objects/companies', { properties: { name: 'Calpine', domain: 'Calpine.COM' }, associations: [] });
  assert.equal(created.status, 201);
  assertShape('simplePublicObject', created.body);
  const properties = created.body.properties as Record<string, string>;
  assert.deepEqual([properties.name, properties.domain, properties.hs_object_id], ['Calpine', 'calpine.com', created.body.id]);
  assert.deepEqual(Object.keys(properties).sort(), ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name']);
  const read = await call('POST', '/crm/v3/objects/companies/search', { filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'EQ', value: 'calpine.com' }] }] });
  assert.equal(read.body.total, 1, 'found by its domain afterwards');

  const kim = emulator.addContact({ email: 'kim@calpine.com' });
  const withContact = await call('POST', '/crm/v3/objects/companies', {
    properties: { name: 'Calpine Energy' },
    associations: [{ to: { id: kim }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 2 }] }],
  });
  assert.equal(withContact.status, 201);
  assertShape('simplePublicObject', withContact.body);
  assert.deepEqual(emulator.contactAssociations(kim), { companies: [String(withContact.body.id)], primaryCompany: String(withContact.body.id), deals: [] });

  const before = emulator.companies().length;
  for (const [body, message] of [
    [{ properties: { name: 'X' }, associations: [{ to: { id: '999' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 280 }] }] }, /contact 999 does not exist/],
    [{ properties: { name: 'X' }, associations: [{ to: { id: kim }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }] }] }, /HUBSPOT_DEFINED 1 is not a valid association type from companies/],
    [{ properties: 'Calpine' }, /properties must be an object/],
  ] as const) {
    const r = await call('POST', '/crm/v3/objects/companies', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assertShape('error', r.body);
    assert.match(String(r.body.message), message);
  }
  emulator.settings.missingScopes = ['crm.objects.companies.write'];
  try {
    const refused = await call('POST', '/crm/v3/objects/companies', { properties: { name: 'Y' }, associations: [] });
    assert.equal(refused.status, 403);
    assertShape('error', refused.body);
    assert.equal(refused.body.category, 'MISSING_SCOPES');
    assert.equal((await call('POST', '/crm/v3/objects/companies/search', {})).status, 200, 'reads need no write scope');
  } finally {
    emulator.settings.missingScopes = [];
  }
  assert.equal(emulator.companies().length, before, 'nothing was created');
});

test('emails: associations to a company (186) and a deal (210) are kept and readable back; unknown ids are 400', async () => {
  const email = (associations: unknown[]) => call('POST', '/crm/v3/objects/emails', { properties: { hs_timestamp: '2001-05-14T09:30:00Z' }, associations });
  const to = (id: string, associationTypeId: number) => ({ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId }] });
  const created = await email([to(contactId, 198), to(companyId, 186), to(openDealId, 210)]);
  assert.equal(created.status, 201);
  assertShape('simplePublicObject', created.body);
  const id = String(created.body.id);
  assert.deepEqual(emulator.emailAssociations(id), { contacts: [contactId], companies: [companyId], deals: [openDealId] });
  const fromDeal = await call('GET', `/crm/v4/objects/deals/${openDealId}/associations/emails`);
  assertShape('associationsV4', fromDeal.body);
  assert.deepEqual(fromDeal.body.results, [{ toObjectId: Number(id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 209, label: null }] }]);
  const fromCompany = await call('POST', '/crm/v4/associations/companies/emails/batch/read', { inputs: [{ id: companyId }] });
  assertShape('associationsBatch', fromCompany.body);
  assert.deepEqual((fromCompany.body.results as Array<{ to: Array<{ associationTypes: unknown }> }>)[0]!.to[0]!.associationTypes, [{ category: 'HUBSPOT_DEFINED', typeId: 185, label: null }]);

  const before = emulator.emails().length;
  for (const [associations, message] of [
    [[to(contactId, 198), to('424242', 186)], /company 424242 does not exist/],
    [[to(contactId, 198), to(companyId, 210)], new RegExp(`deal ${companyId} does not exist`)],
    [[to(contactId, 198), to(openDealId, 4)], /HUBSPOT_DEFINED 4 is not a valid association type/],
  ] as const) {
    const r = await email([...associations]);
    assert.equal(r.status, 400, JSON.stringify(associations));
    assertShape('error', r.body);
    assert.match(String(r.body.message), message);
  }
  assert.equal(emulator.emails().length, before, 'nothing was created');
});

test('the daily limit: X-HubSpot-RateLimit-Daily headers count down, then 429 DAILY without Retry-After, search included', async () => {
  emulator.resetStats();
  Object.assign(emulator.settings, { dailyLimit: 3 });
  try {
    const first = await call('GET', '/account-info/v3/details');
    assert.equal(first.headers.get('x-hubspot-ratelimit-daily'), '3');
    assert.equal(first.headers.get('x-hubspot-ratelimit-daily-remaining'), '2');
    const search = await call('POST', '/crm/v3/objects/contacts/search', {});
    assert.equal(search.status, 200);
    assert.equal(search.headers.get('x-hubspot-ratelimit-daily-remaining'), null, 'search answers carry no rate-limit headers');
    const last = await call('GET', `/crm/v3/objects/contacts/${contactId}`);
    assert.equal(last.headers.get('x-hubspot-ratelimit-daily-remaining'), '0', 'searches count against the day too');

    for (const [method, path] of [['GET', '/account-info/v3/details'], ['POST', '/crm/v3/objects/contacts/search']] as const) {
      const limited = await call(method, path, method === 'POST' ? {} : undefined);
      assert.equal(limited.status, 429);
      assertShape('rateLimit', limited.body);
      assert.equal(limited.body.policyName, 'DAILY');
      assert.equal(limited.body.message, 'You have reached your daily limit.');
      assert.equal(limited.headers.get('retry-after'), null);
      assert.equal(limited.headers.get('x-hubspot-ratelimit-daily-remaining'), method === 'GET' ? '0' : null);
    }
    assert.deepEqual(emulator.dailyUsage(), { limit: 3, used: 3, remaining: 0 }, 'refused requests do not count');
    assert.equal(emulator.stats().dailyLimited, 2);

    emulator.setDailyRemaining(1);
    assert.equal((await call('GET', '/account-info/v3/details')).status, 200);
  } finally {
    Object.assign(emulator.settings, { dailyLimit: 500_000 });
    emulator.resetStats();
  }
});
