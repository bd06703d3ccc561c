// The HubSpot connector against the HubSpot emulator: request shapes (what lands in the CRM),
// batching and pacing, and the mapping of every failure onto the CRM error types.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HubSpotConnector, type HubSpotConnectorOptions } from '../../../../src-main/crm/connectors/hubspot.ts';
import { IDEMPOTENCY_HEADER } from '../../../../src-main/crm/connectors/hubspot-email-headers.ts';
import { CrmAuthError, CrmError, CrmRateLimitError, CrmUnreachableError, type EmailActivity } from '../../../../src-main/crm/types.ts';
import { setLogSink } from '../../../../src-main/platform/logger.ts';
import { HubSpotEmulator, HUBSPOT_TEST_TOKEN } from '../../../emulators/crm/hubspot-emulator.ts';
import { HUBSPOT_TEST_OWNERS } from '../../../emulators/crm/hubspot-store.ts';
import { HUBSPOT_TEST_PORTAL_ID } from '../../../emulators/crm/api.ts';

let emulator: HubSpotEmulator;
let url: string;
const ids: Record<string, string> = {};

function connector(options: Partial<HubSpotConnectorOptions> = {}): HubSpotConnector {
  return new HubSpotConnector({ accessToken: HUBSPOT_TEST_TOKEN, baseUrl: url, ...options });
}

function activity(overrides: Partial<EmailActivity> = {}): EmailActivity {
  return {
    timestamp: Date.UTC(2001, 4, 14, 9, 30, 0),
    direction: 'outgoing',
    subject: 'Gas prices in the West',
    text: 'Plain body',
    html: '<p>Plain body</p>',
    from: { address: 'Jeff.Dasovich@enron.com', name: 'Jeff Dasovich' },
    to: [{ address: 'pat@pge.com', name: 'Pat Mary Smith' }],
    cc: [{ address: 'lee@cpuc.ca.gov', name: '' }],
    messageIdHeader: '<123.JavaMail@enron>',
    idempotencyKey: 'msg-123:contact-pat',
    ...overrides,
  };
}

before(async () => {
  emulator = new HubSpotEmulator({ settings: { rateLimit: false } });
  ids.pat = emulator.addContact({ email: 'pat@pge.com', firstname: 'Pat', lastname: 'Smith', company: 'PG&E', hubspot_owner_id: HUBSPOT_TEST_OWNERS[0]!.id });
  ids.lee = emulator.addContact({ email: 'lee@cpuc.ca.gov', firstname: 'Lee' });
  ids.ghost = emulator.addContact({ email: 'ghost@owners.test', firstname: 'Ghost', hubspot_owner_id: '999' });
  for (let i = 0; i < 230; i += 1) emulator.addContact({ email: `bulk${i}@example.com`, company: 'Example', hubspot_owner_id: HUBSPOT_TEST_OWNERS[i % 2]!.id });
  ({ url } = await emulator.start());
});

after(async () => {
  await emulator.stop();
});

beforeEach(() => {
  emulator.resetStats();
  emulator.restoreToken();
  emulator.failNext(0);
  Object.assign(emulator.settings, { rateLimit: false, latencyMs: 0, retryAfterHeader: true, requestsPer10Seconds: 100, searchPerSecond: 5 });
});

describe('verify', () => {
  test('resolves to the portal id', async () => {
    assert.deepEqual(await connector().verify(), { accountLabel: String(HUBSPOT_TEST_PORTAL_ID) });
  });

  test('a wrong token is CrmAuthError', async () => {
    await assert.rejects(connector({ accessToken: 'pat-na1-wrong' }).verify(), CrmAuthError);
  });

  test('a token without access to account info is checked against contacts instead', async () => {
    emulator.failNext(1, 403);
    assert.deepEqual(await connector().verify(), { accountLabel: 'HubSpot' });
    assert.equal(emulator.stats().requests['contacts.list'], 1);
  });

  test('the token may come from a function, asked before every request', async () => {
    let asked = 0;
    const c = connector({ accessToken: async () => (asked += 1, HUBSPOT_TEST_TOKEN) });
    await c.verify();
    await c.findContactsByEmail(['lee@cpuc.ca.gov']);
    assert.equal(asked, 2);
  });
});

describe('findContactsByEmail', () => {
  test('lower-cases, ignores unknown addresses and resolves owners once per id', async () => {
    const c = connector();
    const found = await c.findContactsByEmail(['PAT@PGE.COM', ' lee@cpuc.ca.gov ', 'nobody@nowhere.test', 'not-an-address', 'ghost@owners.test']);
    const byEmail = Object.fromEntries(found.map((f) => [f.email, f]));
    assert.deepEqual(Object.keys(byEmail).sort(), ['ghost@owners.test', 'lee@cpuc.ca.gov', 'pat@pge.com']);
    assert.deepEqual(byEmail['pat@pge.com'], { crmContactId: ids.pat, email: 'pat@pge.com', name: 'Pat Smith', company: 'PG&E', owner: 'Alice Owner' });
    assert.deepEqual(byEmail['lee@cpuc.ca.gov'], { crmContactId: ids.lee, email: 'lee@cpuc.ca.gov', name: 'Lee', company: '', owner: '' });
    // An owner HubSpot does not know (404) stays its id.
    assert.equal(byEmail['ghost@owners.test']!.owner, '999');
    assert.equal(emulator.stats().requests['contacts.search'], 1);
    assert.equal(emulator.stats().requests['owners.get'], 2);
    await c.findContactsByEmail(['pat@pge.com']);
    assert.equal(emulator.stats().requests['owners.get'], 2, 'a known owner is not fetched again');
  });

  test('batches 100 addresses per search', async () => {
    const emails = Array.from({ length: 250 }, (_, i) => `bulk${i}@example.com`);
    const found = await connector().findContactsByEmail([...emails, ...emails]);
    assert.equal(found.length, 230);
    assert.equal(emulator.stats().requests['contacts.search'], 3);
    assert.equal(new Set(found.map((f) => f.crmContactId)).size, 230);
    assert.ok(found.every((f) => f.owner === 'Alice Owner' || f.owner === 'Bob Seller'));
  });

  test('paces searches under the search limit instead of drawing 429s', async () => {
    Object.assign(emulator.settings, { rateLimit: true, searchPerSecond: 2 });
    const emails = Array.from({ length: 500 }, (_, i) => `bulk${i}@example.com`);
    const started = Date.now();
    const found = await connector({ searchRequestsPerSecond: 2 }).findContactsByEmail(emails);
    assert.equal(found.length, 230);
    assert.equal(emulator.stats().rateLimited, 0);
    assert.ok(Date.now() - started >= 2_000, 'five searches at 2/s take two seconds at least');
  });

  test('a read that draws a 429 is retried after Retry-After', async () => {
    emulator.failNext(1, 429);
    const c = connector();
    const started = Date.now();
    const found = await c.findContactsByEmail(['pat@pge.com']);
    assert.equal(found.length, 1);
    assert.equal(c.stats.retries, 1);
    assert.ok(Date.now() - started >= 1_000, 'Retry-After: 1 was honoured');
  });

  test('a read gives up with CrmRateLimitError after its attempts', async () => {
    emulator.failNext(5, 429);
    await assert.rejects(connector({ readAttempts: 2 }).findContactsByEmail(['pat@pge.com']), (error: unknown) => {
      assert.ok(error instanceof CrmRateLimitError);
      assert.equal(error.retryAfterMs, 1_000);
      return true;
    });
  });
});

describe('logEmail', () => {
  test('creates one email engagement with the documented properties and associations', async () => {
    const before = emulator.emails().length;
    const { crmActivityId } = await connector().logEmail(activity(), { contacts: [ids.pat!, ids.lee!, ids.pat!] });
    const created = emulator.emails().slice(before);
    assert.equal(created.length, 1);
    const email = created[0]!;
    assert.equal(email.id, crmActivityId);
    assert.deepEqual(email.contactIds, [ids.pat, ids.lee]);
    assert.equal(email.properties.hs_timestamp, '2001-05-14T09:30:00.000Z');
    assert.equal(email.properties.hs_email_direction, 'EMAIL');
    assert.equal(email.properties.hs_email_status, 'SENT');
    assert.equal(email.properties.hs_email_subject, 'Gas prices in the West');
    assert.equal(email.properties.hs_email_text, 'Plain body');
    assert.equal(email.properties.hs_email_html, '<p>Plain body</p>');
    assert.deepEqual(JSON.parse(email.properties.hs_email_headers!), {
      from: { email: 'jeff.dasovich@enron.com', firstName: 'Jeff', lastName: 'Dasovich' },
      to: [{ email: 'pat@pge.com', firstName: 'Pat', lastName: 'Mary Smith' }],
      cc: [{ email: 'lee@cpuc.ca.gov', firstName: '', lastName: '' }],
      bcc: [],
      [IDEMPOTENCY_HEADER]: 'msg-123:contact-pat',
      'X-Mailbridge-Message-Id': '<123.JavaMail@enron>',
    });
  });

  test('maps incoming and forwarded directions and leaves out a missing html body', async () => {
    const c = connector();
    const a = await c.logEmail(activity({ direction: 'incoming', html: null, idempotencyKey: 'in-1' }), { contacts: [ids.lee!] });
    const b = await c.logEmail(activity({ direction: 'forwarded', idempotencyKey: 'fw-1' }), { contacts: [ids.lee!] });
    const byId = Object.fromEntries(emulator.emails().map((e) => [e.id, e]));
    assert.equal(byId[a.crmActivityId]!.properties.hs_email_direction, 'INCOMING_EMAIL');
    assert.equal(byId[a.crmActivityId]!.properties.hs_email_html, undefined);
    assert.equal(byId[b.crmActivityId]!.properties.hs_email_direction, 'FORWARDED_EMAIL');
  });

  test('refuses an email without contacts', async () => {
    await assert.rejects(connector().logEmail(activity(), { contacts: [] }), (error: unknown) => error instanceof CrmError && !error.retryable);
  });

  test('429 is CrmRateLimitError with Retry-After in ms, and is not retried', async () => {
    const before = emulator.emails().length;
    emulator.failNext(1, 429);
    await assert.rejects(connector().logEmail(activity(), { contacts: [ids.pat!] }), (error: unknown) => {
      assert.ok(error instanceof CrmRateLimitError);
      assert.equal(error.retryable, true);
      assert.equal(error.retryAfterMs, 1_000);
      assert.match(error.message, /TEN_SECONDLY_ROLLING/);
      return true;
    });
    assert.equal(emulator.stats().requests['emails.create'], 1);
    assert.equal(emulator.emails().length, before);
  });

  test('429 without Retry-After waits one ten-second window', async () => {
    emulator.settings.retryAfterHeader = false;
    emulator.failNext(1, 429);
    await assert.rejects(connector().logEmail(activity(), { contacts: [ids.pat!] }), (error: unknown) =>
      error instanceof CrmRateLimitError && error.retryAfterMs === 10_000);
  });

  test('the real ten-secondly limit answers 429 once a burst exceeds it', async () => {
    Object.assign(emulator.settings, { rateLimit: true, requestsPer10Seconds: 3 });
    const unpaced = connector({ requestsPer10Seconds: 1000 });
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => unpaced.logEmail(activity({ idempotencyKey: `burst-${n}` }), { contacts: [ids.lee!] })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(rejected.length, 2);
    for (const r of rejected) {
      assert.ok(r.reason instanceof CrmRateLimitError);
      assert.ok(r.reason.retryAfterMs >= 1_000 && r.reason.retryAfterMs <= 10_000);
    }
  });

  test('5xx is a retryable CrmError; a 4xx carries HubSpot\'s message and is not retryable', async () => {
    emulator.failNext(1, 503);
    await assert.rejects(connector().logEmail(activity(), { contacts: [ids.pat!] }), (error: unknown) =>
      error instanceof CrmError && !(error instanceof CrmUnreachableError) && error.retryable && /503/.test(error.message));
    await assert.rejects(connector().logEmail(activity(), { contacts: ['424242'] }), (error: unknown) => {
      assert.ok(error instanceof CrmError);
      assert.ok(!(error instanceof CrmAuthError));
      assert.equal(error.retryable, false);
      assert.match(error.message, /VALIDATION_ERROR.*associations are invalid/);
      return true;
    });
  });

  test('403 (a missing scope) on a write is CrmAuthError', async () => {
    emulator.failNext(1, 403);
    await assert.rejects(connector().logEmail(activity(), { contacts: [ids.pat!] }), (error: unknown) =>
      error instanceof CrmAuthError && /MISSING_SCOPES|scopes/.test(error.message));
  });

  test('a revoked token is CrmAuthError for every call, and the token never reaches the log', async () => {
    const lines: string[] = [];
    const restore = setLogSink((line) => lines.push(line), 'debug');
    try {
      emulator.revokeToken();
      const c = connector();
      await assert.rejects(c.verify(), CrmAuthError);
      await assert.rejects(c.findContactsByEmail(['pat@pge.com']), CrmAuthError);
      await assert.rejects(c.logEmail(activity(), { contacts: [ids.pat!] }), CrmAuthError);
      await assert.rejects(c.listLoggedEmails(ids.pat!), CrmAuthError);
      assert.equal(c.stats.retries, 0, 'auth failures are not retried');
    } finally {
      restore();
    }
    assert.ok(lines.length > 0);
    assert.ok(lines.every((line) => !line.includes(HUBSPOT_TEST_TOKEN) && !line.includes('Plain body')));
  });

  test('a response lost after the commit is CrmUnreachableError, and the email is there to find', async () => {
    emulator.dropResponseAfterCommit(1);
    const c = connector();
    const before = emulator.emails().length;
    await assert.rejects(c.logEmail(activity({ idempotencyKey: 'lost-reply-1' }), { contacts: [ids.pat!] }), (error: unknown) => {
      assert.ok(error instanceof CrmUnreachableError, String(error));
      assert.match(error.message, /outcome of the write is unknown/);
      return true;
    });
    assert.equal(emulator.emails().length, before + 1);
    assert.equal(emulator.stats().droppedResponses, 1);
    const logged = await c.listLoggedEmails(ids.pat!);
    assert.ok(logged.some((e) => e.idempotencyKey === 'lost-reply-1'));
  });
});

describe('listLoggedEmails', () => {
  test('newest first, with the idempotency key read back; emails logged elsewhere have none', async () => {
    const contact = emulator.addContact({ email: 'timeline@example.org' });
    const c = connector();
    await c.logEmail(activity({ timestamp: Date.UTC(2001, 0, 1), subject: 'old', idempotencyKey: 'k-old' }), { contacts: [contact] });
    await c.logEmail(activity({ timestamp: Date.UTC(2001, 5, 1), subject: 'new', idempotencyKey: 'k-new' }), { contacts: [contact] });
    emulator.store.addEmail({ hs_timestamp: '2001-03-01T00:00:00.000Z', hs_email_subject: 'by hand' }, [contact]);
    const logged = await c.listLoggedEmails(contact);
    assert.deepEqual(logged.map((e) => [e.subject, e.idempotencyKey, e.timestamp]), [
      ['new', 'k-new', Date.UTC(2001, 5, 1)],
      ['by hand', null, Date.UTC(2001, 2, 1)],
      ['old', 'k-old', Date.UTC(2001, 0, 1)],
    ]);
    assert.deepEqual(await c.listLoggedEmails(ids.ghost!), []);
  });

  test('reads more than one batch of emails', async () => {
    const contact = emulator.addContact({ email: 'busy@example.org' });
    for (let i = 0; i < 130; i += 1) emulator.store.addEmail({ hs_timestamp: new Date(Date.UTC(2001, 0, 1) + i * 60_000).toISOString() }, [contact]);
    const logged = await connector().listLoggedEmails(contact);
    assert.equal(logged.length, 130);
    assert.equal(emulator.stats().requests['emails.batchRead'], 2);
    assert.ok(logged.every((e, i) => i === 0 || logged[i - 1]!.timestamp >= e.timestamp));
  });
});

describe('transport failures', () => {
  let closed: HubSpotEmulator;
  let closedUrl: string;

  before(async () => {
    closed = new HubSpotEmulator();
    ({ url: closedUrl } = await closed.start());
    await closed.stop();
  });

  afterEach(() => {
    emulator.settings.latencyMs = 0;
  });

  test('connection refused is CrmUnreachableError', async () => {
    await assert.rejects(connector({ baseUrl: closedUrl, readAttempts: 1 }).verify(), CrmUnreachableError);
    await assert.rejects(connector({ baseUrl: closedUrl }).logEmail(activity(), { contacts: ['1'] }), CrmUnreachableError);
  });

  test('a timeout is CrmUnreachableError', async () => {
    emulator.settings.latencyMs = 400;
    await assert.rejects(connector({ timeoutMs: 100, readAttempts: 1 }).verify(), (error: unknown) =>
      error instanceof CrmUnreachableError && /within 100 ms/.test(error.message));
  });
});
