// Contract test: every Pipedrive emulator answer the connector relies on, checked against the
// shapes of Pipedrive's OpenAPI descriptions (pipedrive-schemas.ts, closed to unknown keys) and
// the behaviour the references state: exact_match search, ids lists, the whole person list in
// cursor pages (limit up to 500, sort_by/sort_direction), start/limit paging, sanitised note
// content, the 401 and error envelopes, the 429 body with x-ratelimit-* headers for the
// 2-second and search windows, the daily token budget and x-daily-requests-left.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { PipedriveEmulator, PIPEDRIVE_TEST_TOKEN } from '../emulators/pipedrive/pipedrive-emulator.ts';
import { pipedriveValidator, type PipedriveSchemaName } from '../emulators/pipedrive/pipedrive-schemas.ts';
import { PIPEDRIVE_TEST_COMPANY, PIPEDRIVE_TEST_USERS } from '../emulators/pipedrive/pipedrive-store.ts';

const validate = pipedriveValidator();
let emulator: PipedriveEmulator;
let url: string;
let patId: number;

interface Answer {
  status: number;
  body: Record<string, any>;
  headers: Headers;
}

async function call(method: string, path: string, body?: unknown, token: string | null = PIPEDRIVE_TEST_TOKEN): Promise<Answer> {
  const response = await fetch(url + path, {
    method,
    headers: { ...(token ? { 'x-api-token': token } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any>, headers: response.headers };
}

function assertShape(name: PipedriveSchemaName, value: unknown): void {
  const problem = validate(name, value);
  assert.equal(problem, null, `${name}: ${problem}\n${JSON.stringify(value, null, 2)}`);
}

before(async () => {
  emulator = new PipedriveEmulator({
    persons: [
      { email: 'Pat@PGE.com', name: 'Pat Smith', company: 'PG&E', website: 'https://www.pge.com', ownerId: PIPEDRIVE_TEST_USERS[2]!.id, jobTitle: 'Counsel', phone: '+1 415 555 0100', labelId: 2,
        openDeal: { title: 'PG&E — Gas supply', value: 12_500, currency: 'USD', stageId: 3, expectedCloseDate: '2001-06-15' } },
      { email: 'lee@pge.com', name: 'Lee Jones', company: 'PG&E' },
      { email: 'solo@example.org', name: 'Solo Person' },
    ],
  });
  ({ url } = await emulator.start());
  patId = [...emulator.store.persons.values()][0]!.id;
});

beforeEach(() => emulator.resetStats());

after(async () => {
  await emulator.stop();
});

test('the validators reject what Pipedrive would never send', () => {
  assert.notEqual(validate('personResponse', { success: true, data: { id: 1, name: 'x', nickname: 'y' } }), null, 'unknown key');
  assert.notEqual(validate('personResponse', { success: true, data: { id: '1', name: 'x' } }), null, 'string id');
  assert.notEqual(validate('noteResponse', { success: true, data: { id: 1, content: 'x', add_time: '2001-05-14T16:39:00Z' } }), null, 'v2 time in v1');
  assert.notEqual(validate('dealList', { success: true, data: [{ id: 1, title: 't', status: 'pending' }] }), null, 'status enum');
  assert.notEqual(validate('unauthorized', { success: false, error: 'unauthorized access', errorCode: 403 }), null);
  assert.notEqual(validate('rateLimit', { success: false, error: 'slow down' }), null);
});

test('users: me (with the company domain), list and one user', async () => {
  const me = await call('GET', '/api/v1/users/me');
  assert.equal(me.status, 200);
  assertShape('meResponse', me.body);
  assert.equal(me.body.data.company_domain, PIPEDRIVE_TEST_COMPANY.domain);
  assert.equal(me.body.data.is_you, true);
  const users = await call('GET', '/api/v1/users');
  assertShape('userList', users.body);
  assert.deepEqual(users.body.data.map((u: { id: number }) => u.id), PIPEDRIVE_TEST_USERS.map((u) => u.id));
  const one = await call('GET', `/api/v1/users/${PIPEDRIVE_TEST_USERS[2]!.id}`);
  assertShape('userResponse', one.body);
  assert.equal(one.body.data.name, 'Bob Seller');
});

test('persons/search: fields=email with exact_match finds an address case-insensitively, and only exact hits', async () => {
  const hit = await call('GET', '/api/v2/persons/search?term=pat%40pge.com&fields=email&exact_match=true');
  assert.equal(hit.status, 200);
  assertShape('personSearch', hit.body);
  assert.equal(hit.body.data.items.length, 1);
  const item = hit.body.data.items[0].item;
  assert.deepEqual({ id: item.id, emails: item.emails, organization: item.organization, owner: item.owner },
    { id: patId, emails: ['Pat@PGE.com'], organization: { id: item.organization.id, name: 'PG&E' }, owner: { id: PIPEDRIVE_TEST_USERS[2]!.id } });
  const partial = await call('GET', '/api/v2/persons/search?term=pge.com&fields=email&exact_match=true');
  assert.deepEqual(partial.body.data.items, []);
  assert.equal(partial.body.additional_data.next_cursor, null);
  const fuzzy = await call('GET', '/api/v2/persons/search?term=pge.com&fields=email&limit=1');
  assertShape('personSearch', fuzzy.body);
  assert.equal(fuzzy.body.data.items.length, 1);
  assert.equal(typeof fuzzy.body.additional_data.next_cursor, 'string');
  const next = await call('GET', `/api/v2/persons/search?term=pge.com&fields=email&limit=1&cursor=${fuzzy.body.additional_data.next_cursor}`);
  assert.notEqual(next.body.data.items[0].item.id, fuzzy.body.data.items[0].item.id);
  const orphan = await call('GET', '/api/v2/persons/search?term=solo%40example.org&fields=email&exact_match=true');
  assertShape('personSearch', orphan.body);
  assert.equal('organization' in orphan.body.data.items[0].item, false, 'no organization key for a person without one');
  assert.equal(hit.headers.get('x-ratelimit-limit'), '10', 'a search answer reports the Search API window');
});

test('persons/search: a short term or an unknown field is a 400 error envelope', async () => {
  for (const query of ['term=p&fields=email', 'term=pat%40pge.com&fields=email,website', 'fields=email']) {
    const r = await call('GET', `/api/v2/persons/search?${query}`);
    assert.equal(r.status, 400, query);
    assertShape('error', r.body);
  }
});

test('persons: list by ids (up to 100), get, create with an organization, 404 and 400 bodies', async () => {
  const ids = [...emulator.store.persons.keys()];
  const listed = await call('GET', `/api/v2/persons?ids=${ids.join(',')}&limit=100`);
  assertShape('personList', listed.body);
  assert.deepEqual(listed.body.data.map((p: { id: number }) => p.id), ids);
  const pat = listed.body.data[0];
  assert.deepEqual({ job_title: pat.job_title, label_ids: pat.label_ids, phones: pat.phones }, { job_title: 'Counsel', label_ids: [2], phones: [{ value: '+1 415 555 0100', primary: true, label: 'work' }] });
  assert.equal('org_id' in listed.body.data[2], false, 'no org_id for a person without an organization');
  const tooMany = await call('GET', `/api/v2/persons?ids=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`);
  assert.equal(tooMany.status, 400);
  assertShape('error', tooMany.body);

  const got = await call('GET', `/api/v2/persons/${patId}`);
  assertShape('personResponse', got.body);
  const missing = await call('GET', '/api/v2/persons/1');
  assert.equal(missing.status, 404);
  assertShape('error', missing.body);

  const org = await call('POST', '/api/v2/organizations', { name: 'Calpine', website: 'calpine.com' });
  assert.equal(org.status, 200);
  assertShape('organizationResponse', org.body);
  const created = await call('POST', '/api/v2/persons', { name: 'New Person', emails: [{ value: 'new@calpine.com', primary: true, label: 'work' }], org_id: org.body.data.id });
  assertShape('personResponse', created.body);
  assert.equal(created.body.data.org_id, org.body.data.id);
  assert.equal(created.body.data.owner_id, PIPEDRIVE_TEST_USERS[0]!.id, 'owned by the token\'s user');
  for (const body of [{ emails: [] }, { name: 'X', org_id: 1 }, { name: 'X', nickname: 'y' }, { name: 'X', emails: ['bare@x.test'] }]) {
    const bad = await call('POST', '/api/v2/persons', body);
    assert.equal(bad.status, 400, JSON.stringify(body));
    assertShape('error', bad.body);
  }
});

test('persons: the whole list in cursor pages of up to 500, in id order, each person with all its emails; bad paging and sorting are 400', async () => {
  const second = emulator.store.persons.get(patId)!;
  second.emails.push({ value: 'pat.home@example.net', primary: false, label: 'home' });
  try {
    const ids = [...emulator.store.persons.keys()].sort((a, b) => a - b);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await call('GET', `/api/v2/persons?limit=2&sort_by=id&sort_direction=asc${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200);
      assertShape('personList', page.body);
      seen.push(...page.body.data.map((p: { id: number }) => p.id));
      cursor = page.body.additional_data.next_cursor;
      assert.ok(cursor === null || typeof cursor === 'string');
    } while (cursor);
    assert.deepEqual(seen, ids, 'every person once, in id order');
    const all = await call('GET', '/api/v2/persons?limit=500');
    assertShape('personList', all.body);
    assert.equal(all.body.additional_data.next_cursor, null, 'one page holds them all');
    assert.deepEqual(all.body.data.find((p: { id: number }) => p.id === patId).emails.map((e: { value: string }) => e.value), ['Pat@PGE.com', 'pat.home@example.net']);
    const newest = await call('GET', '/api/v2/persons?sort_by=update_time&sort_direction=desc');
    assertShape('personList', newest.body);
    assert.equal(newest.body.data.length, ids.length);
    for (const query of ['limit=501', 'limit=0', 'cursor=nonsense', 'sort_by=name', 'sort_direction=up']) {
      const bad = await call('GET', `/api/v2/persons?${query}`);
      assert.equal(bad.status, 400, query);
      assertShape('error', bad.body);
    }
    assert.equal(all.headers.get('x-ratelimit-limit'), '20', 'the list is under the general window, not the Search API\'s');
    emulator.resetStats();
    await call('GET', '/api/v2/persons?limit=500');
    assert.equal(emulator.stats().tokensSpent, 10, 'GET /persons costs 10 tokens (x-token-cost), a search 20');
  } finally {
    second.emails.pop();
  }
});

test('organizations: exact name search, list by ids, get', async () => {
  const search = await call('GET', '/api/v2/organizations/search?term=pg%26e&fields=name&exact_match=true');
  assertShape('organizationSearch', search.body);
  assert.equal(search.body.data.items.length, 1);
  const id = search.body.data.items[0].item.id;
  const listed = await call('GET', `/api/v2/organizations?ids=${id}`);
  assertShape('organizationList', listed.body);
  assert.equal(listed.body.data[0].website, 'https://www.pge.com');
  assertShape('organizationResponse', (await call('GET', `/api/v2/organizations/${id}`)).body);
});

test('deals of a person with status=open, newest first; stages; person fields with label options', async () => {
  const deals = await call('GET', `/api/v2/deals?person_id=${patId}&status=open&sort_by=add_time&sort_direction=desc`);
  assertShape('dealList', deals.body);
  assert.deepEqual(deals.body.data.map((d: { title: string; value: number; stage_id: number; expected_close_date: string }) => [d.title, d.value, d.stage_id, d.expected_close_date]),
    [['PG&E — Gas supply', 12_500, 3, '2001-06-15']]);
  const none = await call('GET', `/api/v2/deals?person_id=${patId}&status=won`);
  assert.deepEqual(none.body.data, []);
  const stages = await call('GET', '/api/v2/stages');
  assertShape('stageList', stages.body);
  assert.equal(stages.body.data.find((s: { id: number }) => s.id === 3).name, 'Demo Scheduled');
  const fields = await call('GET', '/api/v2/personFields');
  assertShape('personFieldList', fields.body);
  const labels = fields.body.data.find((f: { field_code: string }) => f.field_code === 'label_ids');
  assert.equal(labels.options.find((o: { id: number }) => o.id === 2).label, 'Hot lead');
});

test('notes: create linked to person, organization and deal; content sanitised; listed per person with pagination', async () => {
  const pat = emulator.store.persons.get(patId)!;
  const dealId = [...emulator.store.deals.values()].find((d) => d.personId === patId)!.id;
  const content = '<p data-mailbridge-key="k1" onclick="x()"><b>Email received: Hi</b></p><script>alert(1)</script><p>Logged by Mailbridge · ref k1</p>';
  const created = await call('POST', '/api/v1/notes', { content, person_id: patId, org_id: pat.orgId, deal_id: dealId, add_time: '2001-05-14 16:39:00' });
  assert.equal(created.status, 200);
  assertShape('noteResponse', created.body);
  assert.equal(created.body.data.content, '<p><b>Email received: Hi</b></p><p>Logged by Mailbridge · ref k1</p>', 'attributes and scripts dropped, text kept');
  assert.deepEqual([created.body.data.person_id, created.body.data.org_id, created.body.data.deal_id, created.body.data.add_time], [patId, pat.orgId, dealId, '2001-05-14 16:39:00']);
  assert.equal(created.body.data.person.name, 'Pat Smith');
  assert.match(created.headers.get('x-daily-requests-left') ?? '', /^\d+$/, 'POST answers carry x-daily-requests-left');

  await call('POST', '/api/v1/notes', { content: '<p>later</p>', person_id: patId, add_time: '2001-06-01 08:00:00' });
  const page = await call('GET', `/api/v1/notes?person_id=${patId}&sort=${encodeURIComponent('add_time DESC')}&limit=1`);
  assertShape('noteList', page.body);
  assert.equal(page.body.data[0].content, '<p>later</p>');
  assert.deepEqual(page.body.additional_data.pagination, { start: 0, limit: 1, more_items_in_collection: true, next_start: 1 });
  const rest = await call('GET', `/api/v1/notes?person_id=${patId}&sort=${encodeURIComponent('add_time DESC')}&start=1&limit=1`);
  assertShape('noteList', rest.body);
  assert.equal(rest.body.data[0].id, created.body.data.id);
  assert.equal(rest.body.additional_data.pagination.more_items_in_collection, false);
  assertShape('noteResponse', (await call('GET', `/api/v1/notes/${created.body.data.id}`)).body);
  assert.equal(page.headers.get('x-daily-requests-left'), null, 'GET answers do not');

  const before = emulator.notes().length;
  for (const body of [
    { content: '<p>x</p>' },
    { content: '', person_id: patId },
    { content: '<p>x</p>', person_id: 1 },
    { content: '<p>x</p>', person_id: patId, add_time: '2001-05-14T16:39:00Z' },
    { content: '<p>x</p>', person_id: patId, subject: 'no such field' },
  ]) {
    const bad = await call('POST', '/api/v1/notes', body);
    assert.equal(bad.status, 400, JSON.stringify(body));
    assertShape('error', bad.body);
  }
  assert.equal(emulator.notes().length, before, 'nothing was created');
});

test('401 for a missing, wrong and revoked token; a token in the URL is counted', async () => {
  for (const token of [null, 'f'.repeat(40)]) {
    const r = await call('GET', '/api/v1/users/me', undefined, token);
    assert.equal(r.status, 401);
    assertShape('unauthorized', r.body);
    assert.equal(r.body.error, 'unauthorized access');
  }
  emulator.revokeToken();
  try {
    const revoked = await call('GET', '/api/v1/users/me');
    assert.equal(revoked.status, 401);
    assertShape('unauthorized', revoked.body);
  } finally {
    emulator.restoreToken();
  }
  const viaQuery = await call('GET', `/api/v1/users/me?api_token=${PIPEDRIVE_TEST_TOKEN}`, undefined, null);
  assert.equal(viaQuery.status, 200);
  assert.equal(emulator.stats().tokenInQuery, 1);
  assert.equal(emulator.stats().unauthorized, 3);
});

test('429 "Request over limit" with x-ratelimit-* headers for the 2-second window and the Search API', async () => {
  Object.assign(emulator.settings, { requestsPer2Seconds: 2 });
  try {
    const first = await call('GET', '/api/v1/users/me');
    assert.deepEqual([first.headers.get('x-ratelimit-limit'), first.headers.get('x-ratelimit-remaining'), first.headers.get('x-ratelimit-reset')], ['2', '1', '2']);
    await call('GET', '/api/v1/users/me');
    const limited = await call('GET', '/api/v1/users/me');
    assert.equal(limited.status, 429);
    assertShape('rateLimit', limited.body);
    assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
    assert.match(limited.headers.get('x-ratelimit-reset') ?? '', /^[12]$/);
    assert.equal(limited.headers.get('retry-after'), null, 'Retry-After only when the setting asks for it');
  } finally {
    Object.assign(emulator.settings, { requestsPer2Seconds: 20 });
  }
  emulator.resetStats();
  const answers = await Promise.all(Array.from({ length: 12 }, () => call('GET', '/api/v2/persons/search?term=pat%40pge.com&fields=email&exact_match=true')));
  const limited = answers.filter((a) => a.status === 429);
  assert.equal(limited.length, 2, 'the Search API allows 10 per 2 s on every plan');
  assertShape('rateLimit', limited[0]!.body);
  assert.equal(limited[0]!.headers.get('x-ratelimit-limit'), '10');
  assert.equal(emulator.stats().rateLimited, 2);
});

test('an exhausted daily token budget answers 429 while the burst window still has room', async () => {
  Object.assign(emulator.settings, { dailyTokenBudget: 25 });
  try {
    assert.equal((await call('GET', '/api/v2/persons/search?term=pat%40pge.com&fields=email&exact_match=true')).status, 200);
    assert.equal(emulator.stats().tokensSpent, 20, 'persons/search costs 20 tokens');
    assert.equal((await call('GET', '/api/v1/users/me')).status, 200, 'users/me costs 2');
    const spent = await call('GET', '/api/v2/deals?person_id=1');
    assert.equal(spent.status, 429, 'deals costs 10: over the budget');
    assertShape('rateLimit', spent.body);
    assert.notEqual(spent.headers.get('x-ratelimit-remaining'), '0');
    assert.equal(emulator.stats().budgetExceeded, 1);
    assert.equal(emulator.stats().tokensSpent, 22);
  } finally {
    Object.assign(emulator.settings, { dailyTokenBudget: 30_000 });
  }
});

test('injected 5xx bodies, and a note committed whose answer is dropped', async () => {
  emulator.failNext(1, 503);
  const failed = await call('GET', '/api/v1/users/me');
  assert.equal(failed.status, 503);
  assertShape('error', failed.body);
  const before = emulator.notes().length;
  emulator.dropResponseAfterCommit(1);
  await assert.rejects(call('POST', '/api/v1/notes', { content: '<p>lost answer</p>', person_id: patId }));
  assert.equal(emulator.notes().length, before + 1, 'the note was committed');
  assert.equal(emulator.stats().droppedResponses, 1);
});
