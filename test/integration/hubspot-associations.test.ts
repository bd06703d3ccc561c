// The HubSpot connector's companies, deals and daily limit against the emulator. The CRM is
// seeded from a real Enron inbox (Jeff Dasovich's 50 most frequent correspondents, their
// address domains as companies, deals for some): each contact's primary company, its open
// deals (closed ones left out), the contact card, creating a contact with its company (found
// by domain or name, else created; never a free-mail domain's), and an email logged to the
// contact, its company and the deal the rep chose. The daily limit runs
// on a small emulator of its own: the 429 DAILY becomes a rate-limit error whose retry is the
// next midnight in the account's time zone, and nothing more is sent until then.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HubSpotConnector } from '../../src-main/crm/connectors/hubspot.ts';
import { nextDailyReset } from '../../src-main/crm/connectors/hubspot-daily-limit.ts';
import { hubSpotPaths } from '../../src-main/crm/connectors/hubspot-paths.ts';
import { CrmError, CrmRateLimitError, CrmUnreachableError, type CrmContact, type EmailActivity } from '../../src-main/crm/types.ts';
import { HUBSPOT_TEST_PORTAL_ID } from '../emulators/crm/api.ts';
import { HubSpotEmulator } from '../emulators/crm/hubspot-emulator.ts';
import type { SeedCompany, SeedContact, SeedDeal } from '../emulators/crm/hubspot-store.ts';
import { seedCompaniesAndDeals, seedContactsFromMailbox } from '../emulators/crm/seed.ts';
import { EMULATED_HUBSPOT_TOKEN, emulatedHubSpotConfig } from '../emulators/hubspot-config.ts';

const INBOX = join(import.meta.dirname, '../../../shared/data/enron/maildir/dasovich-j/inbox');
const OWNER = 'jeff.dasovich@enron.com';
const skip = existsSync(INBOX) ? false : 'LOUD SKIP: ../shared/data is absent, HubSpot associations integration not run';
const PORTAL = String(HUBSPOT_TEST_PORTAL_ID);
const DAY = 86_400_000;
/** The default sales pipeline's labels, as HubSpot shows them (written out here, not read from the emulator). */
const STAGE_LABELS: Record<string, string> = {
  appointmentscheduled: 'Appointment Scheduled',
  qualifiedtobuy: 'Qualified To Buy',
  presentationscheduled: 'Presentation Scheduled',
  decisionmakerboughtin: 'Decision Maker Bought-In',
  contractsent: 'Contract Sent',
};

function activity(subject: string, key: string): EmailActivity {
  return {
    timestamp: Date.UTC(2001, 4, 14, 16, 30),
    direction: 'outgoing',
    subject,
    text: 'Following up on the numbers.',
    html: null,
    from: { address: OWNER, name: 'Jeff Dasovich' },
    to: [],
    cc: [],
    messageIdHeader: `<${key}@enron.test>`,
    idempotencyKey: key,
  };
}

describe('companies, deals and the contact card, seeded from the Enron inbox', { skip }, () => {
  let emulator: HubSpotEmulator;
  let connector: HubSpotConnector;
  let contacts: SeedContact[];
  let seeds: { companies: SeedCompany[]; deals: SeedDeal[] };
  const idOf = (email: string) => emulator.contacts().find((c) => c.properties.email === email)!.id;
  const companyIdOf = (domain: string) => emulator.companies().find((c) => c.properties.domain === domain)!.id;
  const domainOf = (email: string) => email.split('@')[1]!;

  before(async () => {
    if (skip) return;
    contacts = await seedContactsFromMailbox(INBOX, { owner: OWNER, count: 50 });
    seeds = seedCompaniesAndDeals(contacts);
    emulator = new HubSpotEmulator({ contacts, ...seeds });
    const { url } = await emulator.start();
    connector = new HubSpotConnector({ accessToken: EMULATED_HUBSPOT_TOKEN, baseUrl: emulatedHubSpotConfig(url).apiUrl! });
    assert.deepEqual(await connector.verify(), { accountLabel: PORTAL });
  });

  after(async () => {
    await emulator?.stop();
  });

  test('the seed gives every contact its domain\'s company, some 1–2 open deals and a closed one', () => {
    assert.equal(seeds.companies.length, new Set(contacts.map((c) => domainOf(c.email))).size);
    const dealsOf = (email: string) => seeds.deals.filter((d) => d.contactEmails.includes(email));
    const open = (email: string) => dealsOf(email).filter((d) => !d.dealstage.startsWith('closed')).length;
    assert.ok(contacts.some((c) => open(c.email) === 2 && dealsOf(c.email).length === 3), 'someone has two open deals and a closed one');
    assert.ok(contacts.some((c) => open(c.email) === 1));
    assert.ok(contacts.some((c) => dealsOf(c.email).length === 0));
    assert.deepEqual(seedCompaniesAndDeals(contacts), seeds, 'deterministic');
  });

  test('companiesOf gives each seeded contact the company of its address domain, in two requests', async () => {
    const ids = contacts.map((c) => idOf(c.email));
    const nobody = emulator.addContact({ email: 'free.agent@unaffiliated.test' });
    emulator.resetStats();
    const found = await connector.companiesOf([...ids, nobody]);
    assert.equal(found.size, 50, 'everyone but the contact without a company');
    for (const seed of contacts) {
      const company = seeds.companies.find((c) => c.domain === domainOf(seed.email))!;
      assert.deepEqual(found.get(idOf(seed.email)), { crmCompanyId: companyIdOf(company.domain), name: company.name, domain: company.domain }, seed.email);
    }
    assert.equal(found.has(nobody), false);
    const stats = emulator.stats();
    assert.equal(stats.requests['associations.batchRead'], 1);
    assert.equal(stats.requests['companies.batchRead'], 1);
  });

  test('companiesOf takes the company labelled Primary, not the first associated', async () => {
    const [first, second] = seeds.companies;
    const contact = emulator.addContact({ email: 'two.hats@consultants.test' });
    emulator.associateContactWithCompany(contact, companyIdOf(first!.domain), false);
    emulator.associateContactWithCompany(contact, companyIdOf(second!.domain), true);
    const found = await connector.companiesOf([contact]);
    assert.equal(found.get(contact)?.crmCompanyId, companyIdOf(second!.domain));
  });

  test('openDealsOf lists each contact\'s open deals newest first, labelled, closed deals left out', async () => {
    emulator.resetStats();
    const sample = contacts.slice(0, 12);
    let twoOpen = 0;
    for (const seed of sample) {
      const expected = seeds.deals
        .filter((d) => d.contactEmails.includes(seed.email) && !['closedwon', 'closedlost'].includes(d.dealstage))
        .sort((a, b) => Date.parse(b.createdate!) - Date.parse(a.createdate!));
      const dealId = (d: SeedDeal) => emulator.deals().find((e) => e.properties.dealname === d.dealname && e.properties.createdate === d.createdate)!.id;
      const deals = await connector.openDealsOf(idOf(seed.email));
      assert.deepEqual(deals, expected.map((d) => ({
        crmDealId: dealId(d),
        name: d.dealname,
        stage: STAGE_LABELS[d.dealstage],
        amount: Number(d.amount),
        closeDate: Date.parse(d.closedate!),
        currency: 'USD',
        url: `https://app.hubspot.com/contacts/${PORTAL}/record/0-3/${dealId(d)}`,
      })), seed.email);
      if (expected.length === 2) twoOpen += 1;
    }
    assert.ok(twoOpen >= 1, 'the sample includes a contact with two open deals');
    assert.equal(emulator.stats().requests['pipelines.list'], 1, 'stage labels are read once');
  });

  test('a logged email is associated with the contact, its company and the deal the rep chose', async () => {
    const seed = contacts[0]!;
    const contactId = idOf(seed.email);
    const [company] = [...(await connector.companiesOf([contactId])).values()];
    const deals = await connector.openDealsOf(contactId);
    assert.ok(company && deals.length === 2);
    const chosen = deals[1]!;
    const { crmActivityId } = await connector.logEmail(activity('Gas supply terms', 'assoc-1'), {
      contacts: [contactId], companies: [company.crmCompanyId], deals: [chosen.crmDealId],
    });
    assert.deepEqual(emulator.emailAssociations(crmActivityId), { contacts: [contactId], companies: [company.crmCompanyId], deals: [chosen.crmDealId] });
    assert.deepEqual((await connector.listLoggedEmails(contactId)).map((e) => e.idempotencyKey), ['assoc-1']);

    const count = emulator.emails().length;
    await assert.rejects(
      connector.logEmail(activity('To a deal that is gone', 'assoc-2'), { contacts: [contactId], deals: ['30999999'] }),
      (error: unknown) => error instanceof CrmError && !error.retryable && /deal 30999999 does not exist/.test(error.message),
    );
    assert.equal(emulator.emails().length, count, 'HubSpot created nothing');
  });

  test('findContactsByEmail fills the card: title, phone, lifecycle stage, primary company, last contacted, record link', async () => {
    const seed = contacts[1]!;
    const id = idOf(seed.email);
    emulator.updateContact(id, {
      jobtitle: 'Director, Regulatory Affairs',
      phone: '+1 415 555 0134',
      lifecyclestage: 'salesqualifiedlead',
      notes_last_contacted: '2001-05-14T16:30:00.000Z',
    });
    const [card] = await connector.findContactsByEmail([seed.email]);
    const expected: CrmContact = {
      crmContactId: id,
      email: seed.email,
      name: [seed.firstname, seed.lastname].filter(Boolean).join(' '),
      company: seed.company!,
      owner: card!.owner,
      title: 'Director, Regulatory Affairs',
      phone: '+1 415 555 0134',
      status: 'Sales Qualified Lead',
      crmCompanyId: companyIdOf(domainOf(seed.email)),
      lastActivityAt: Date.UTC(2001, 4, 14, 16, 30),
      url: `https://app.hubspot.com/contacts/${PORTAL}/record/0-1/${id}`,
    };
    assert.deepEqual(card, expected);

    // Before the account is known there is no link; the stored portal id gives it at once.
    const fresh = new HubSpotConnector({ accessToken: EMULATED_HUBSPOT_TOKEN, baseUrl: emulator.url });
    assert.equal((await fresh.findContactsByEmail([seed.email]))[0]!.url, undefined);
    const stored = new HubSpotConnector({ accessToken: EMULATED_HUBSPOT_TOKEN, baseUrl: emulator.url, portalId: PORTAL });
    assert.equal((await stored.findContactsByEmail([seed.email]))[0]!.url, expected.url);
  });

  test('createContact associates the company of the address\'s domain, else of the same name, else creates one', async () => {
    const domain = domainOf(contacts[2]!.email);
    const byDomain = await connector.createContact({ email: `New.Analyst@${domain}`, name: 'Analyst, New', company: '' });
    const companyName = seeds.companies.find((c) => c.domain === domain)!.name;
    assert.deepEqual(byDomain, {
      crmContactId: byDomain.crmContactId,
      email: `new.analyst@${domain}`,
      name: 'New Analyst',
      company: companyName,
      owner: '',
      crmCompanyId: companyIdOf(domain),
      url: `https://app.hubspot.com/contacts/${PORTAL}/record/0-1/${byDomain.crmContactId}`,
    });
    assert.equal(emulator.contactAssociations(byDomain.crmContactId).primaryCompany, companyIdOf(domain));
    const stored = emulator.contacts().find((c) => c.id === byDomain.crmContactId)!.properties;
    assert.deepEqual([stored.firstname, stored.lastname, stored.company], ['New', 'Analyst', companyName]);

    const names = seeds.companies.map((c) => c.name);
    const unique = seeds.companies.find((c) => names.filter((n) => n === c.name).length === 1)!;
    const byName = await connector.createContact({ email: 'consultant@advisers.test', name: 'Casey Consultant', company: unique.name.toUpperCase() });
    assert.equal(byName.crmCompanyId, companyIdOf(unique.domain));
    assert.equal(emulator.contactAssociations(byName.crmContactId).primaryCompany, companyIdOf(unique.domain));

    emulator.resetStats();
    const created = await connector.createContact({ email: 'solo@independent.test', name: '', company: 'Nobody We Know' });
    const newCompany = emulator.companies().find((c) => c.properties.name === 'Nobody We Know')!;
    assert.deepEqual([newCompany.properties.domain, created.crmCompanyId, created.company], ['independent.test', newCompany.id, 'Nobody We Know']);
    assert.deepEqual(emulator.contactAssociations(created.crmContactId), { companies: [newCompany.id], primaryCompany: newCompany.id, deals: [] });
    assert.deepEqual((await connector.companiesOf([created.crmContactId])).get(created.crmContactId),
      { crmCompanyId: newCompany.id, name: 'Nobody We Know', domain: 'independent.test' });
    const requests = emulator.stats().requests;
    assert.deepEqual([requests['companies.search'], requests['companies.create'], requests['contacts.create']], [1, 1, 1]);

    const count = emulator.contacts().length;
    const again = await connector.createContact({ email: contacts[3]!.email, name: 'Someone Else', company: '' });
    assert.equal(again.crmContactId, idOf(contacts[3]!.email), 'an existing address resolves to its contact');
    assert.equal(emulator.contacts().length, count);
  });

  test('createContact with free mail: never the domain\'s company, a new one without a domain, none without a name', async () => {
    const mailProvider = emulator.addCompany({ name: 'Google', domain: 'gmail.com' });
    const fran = await connector.createContact({ email: 'Fran.Freelance@Gmail.com', name: 'Fran Freelance', company: 'Fran Designs' });
    const designs = emulator.companies().find((c) => c.properties.name === 'Fran Designs')!;
    assert.equal(designs.properties.domain, undefined, 'a free-mail domain is no company\'s domain');
    assert.equal(fran.crmCompanyId, designs.id);
    assert.notEqual(emulator.contactAssociations(fran.crmContactId).primaryCompany, mailProvider);

    const companies = emulator.companies().length;
    emulator.resetStats();
    const pat = await connector.createContact({ email: 'pat.private@yahoo.com', name: 'Pat Private', company: '' });
    assert.equal(pat.crmCompanyId, undefined);
    assert.equal(emulator.companies().length, companies);
    assert.deepEqual(emulator.stats().requests, { 'contacts.create': 1 }, 'nothing to search for: no company request at all');
  });

  test('createContact without the companies write scope creates the contact alone; a company whose answer was lost is found, not made twice', async () => {
    emulator.settings.missingScopes = ['crm.objects.companies.write'];
    try {
      const lone = await connector.createContact({ email: 'ceo@no-scope.test', name: 'Cee Oh', company: 'No Scope Ltd' });
      assert.deepEqual([lone.crmCompanyId, lone.company], [undefined, 'No Scope Ltd']);
      assert.deepEqual(emulator.contactAssociations(lone.crmContactId).companies, []);
      assert.equal(emulator.companies().some((c) => c.properties.name === 'No Scope Ltd'), false);
    } finally {
      emulator.settings.missingScopes = [];
    }

    emulator.dropResponseAfterCommit(1);
    const person = { email: 'cfo@lost-answer.test', name: 'Cee Eff', company: 'Lost Answer Inc' };
    await assert.rejects(connector.createContact(person), CrmUnreachableError);
    assert.equal((await connector.findContactsByEmail([person.email])).length, 0, 'the company was made, the contact not');
    const retried = await connector.createContact(person);
    const made = emulator.companies().filter((c) => c.properties.name === 'Lost Answer Inc');
    assert.equal(made.length, 1);
    assert.equal(retried.crmCompanyId, made[0]!.id);
  });
});

describe('the daily limit', () => {
  let emulator: HubSpotEmulator;
  let contactId: string;
  const KOLKATA_OFFSET = 19_800_000; // +05:30, no daylight saving
  /** The next midnight in Asia/Kolkata after `t`, from the fixed offset. */
  const kolkataMidnight = (t: number) => Math.floor((t + KOLKATA_OFFSET) / DAY + 1) * DAY - KOLKATA_OFFSET;
  const utcMidnight = (t: number) => Math.floor(t / DAY + 1) * DAY;
  const connector = (options: { timeZone?: string } = {}) =>
    new HubSpotConnector({ accessToken: EMULATED_HUBSPOT_TOKEN, baseUrl: emulator.url, ...options });
  const totalRequests = () => Object.values(emulator.stats().requests).reduce((a, b) => a + b, 0);

  /** Runs `call`, expecting the daily limit; returns the error and the window [before, after] the connector's clock read. */
  async function dailyError(call: () => Promise<unknown>): Promise<{ error: CrmRateLimitError; before: number; after: number }> {
    const before = Date.now();
    let caught: unknown;
    await call().catch((error: unknown) => (caught = error));
    const after = Date.now();
    assert.ok(caught instanceof CrmRateLimitError, `a rate-limit error, got ${String(caught)}`);
    assert.equal(caught.policy, 'daily');
    assert.equal(caught.retryable, true);
    return { error: caught, before, after };
  }

  /** The reset the error points at lies in [before + retry, after + retry]: `expected` must be inside. */
  function assertResetAt(result: { error: CrmRateLimitError; before: number; after: number }, expected: number): void {
    const { error, before, after } = result;
    assert.ok(before + error.retryAfterMs <= expected && expected <= after + error.retryAfterMs,
      `reset ${new Date(before + error.retryAfterMs).toISOString()} ≈ ${new Date(expected).toISOString()}`);
    assert.ok(error.retryAfterMs > 0 && error.retryAfterMs <= DAY);
  }

  before(async () => {
    emulator = new HubSpotEmulator({ settings: { rateLimit: false, timeZone: 'Asia/Kolkata', dailyLimit: 1_000 } });
    contactId = emulator.addContact({ email: 'pat@pge.com', firstname: 'Pat' });
    await emulator.start();
  });

  after(async () => {
    await emulator.stop();
  });

  test('a DAILY 429 is a daily rate-limit error retrying at midnight in the account\'s zone, and nothing more is sent until then', async () => {
    emulator.resetStats();
    const c = connector();
    await c.verify(); // learns the account's time zone
    emulator.setDailyRemaining(0);
    const logged = await dailyError(() => c.logEmail(activity('Over the limit', 'daily-1'), { contacts: [contactId] }));
    assertResetAt(logged, kolkataMidnight(logged.before));
    assert.match(logged.error.message, /daily API limit/);
    assert.equal(c.dailyLimitResetsAt(), kolkataMidnight(logged.before));
    assert.equal(emulator.stats().dailyLimited, 1);

    const sent = totalRequests();
    const read = await dailyError(() => c.findContactsByEmail(['pat@pge.com']));
    assertResetAt(read, kolkataMidnight(read.before));
    await dailyError(() => c.listLoggedEmails(contactId));
    assert.equal(totalRequests(), sent, 'reads fail at once instead of retrying into the limit');
    assert.deepEqual([c.stats.retries, c.stats.dailyLimited], [0, 2]);
  });

  test('an answer saying Daily-Remaining 0 stops the next request before it is sent', async () => {
    emulator.resetStats();
    emulator.setDailyRemaining(1);
    const c = connector();
    await c.verify(); // the last request of the day, and the account details with the zone
    assert.equal(emulator.dailyUsage().remaining, 0);
    const sent = totalRequests();
    const result = await dailyError(() => c.findContactsByEmail(['pat@pge.com']));
    assertResetAt(result, kolkataMidnight(result.before));
    assert.equal(totalRequests(), sent);
    assert.equal(emulator.stats().dailyLimited, 0, 'HubSpot never had to refuse');
  });

  test('a known zone needs no lookup; an unknown one is asked for once, then midnight UTC', async () => {
    emulator.resetStats();
    emulator.setDailyRemaining(0);
    const told = await dailyError(() => connector({ timeZone: 'Asia/Kolkata' }).findContactsByEmail(['pat@pge.com']));
    assertResetAt(told, kolkataMidnight(told.before));
    assert.equal(emulator.stats().requests['accountInfo.details'], undefined);

    const unknown = connector();
    const guessed = await dailyError(() => unknown.findContactsByEmail(['pat@pge.com']));
    assertResetAt(guessed, utcMidnight(guessed.before));
    assert.equal(emulator.stats().requests['accountInfo.details'], 1, 'the account details were asked once (and refused)');
    await dailyError(() => unknown.verify());
    assert.equal(emulator.stats().requests['accountInfo.details'], 1);
  });

  test('the reset is the next local midnight across daylight-saving changes, with fallbacks', () => {
    const eastern = { timeZone: 'America/New_York' };
    assert.equal(nextDailyReset(Date.parse('2024-03-10T04:30:00Z'), eastern), Date.parse('2024-03-10T05:00:00Z'), 'EST midnight, spring-forward day');
    assert.equal(nextDailyReset(Date.parse('2024-03-10T12:00:00Z'), eastern), Date.parse('2024-03-11T04:00:00Z'), 'EDT midnight after the change');
    assert.equal(nextDailyReset(Date.parse('2024-11-03T12:00:00Z'), eastern), Date.parse('2024-11-04T05:00:00Z'), 'EST midnight after falling back');
    assert.equal(nextDailyReset(Date.parse('2024-11-03T03:59:59Z'), eastern), Date.parse('2024-11-03T04:00:00Z'), 'a second before midnight EDT');
    assert.equal(nextDailyReset(Date.parse('2024-06-01T18:29:59Z'), { timeZone: 'Asia/Kolkata' }), Date.parse('2024-06-01T18:30:00Z'));
    assert.equal(nextDailyReset(Date.parse('2024-06-01T18:30:00Z'), { timeZone: 'Asia/Kolkata' }), Date.parse('2024-06-02T18:30:00Z'), 'exactly midnight: the next one');
    assert.equal(nextDailyReset(Date.parse('2024-06-01T12:00:00Z'), { timeZone: 'Mars/Olympus', utcOffsetMs: -3 * 3_600_000 }), Date.parse('2024-06-02T03:00:00Z'));
    assert.equal(nextDailyReset(Date.parse('2024-06-01T12:00:00Z'), null), Date.parse('2024-06-02T00:00:00Z'));
  });
});

test('every path comes from one version: v3/v4 today, the dated form as the spec files show it', () => {
  const v3 = hubSpotPaths();
  assert.equal(v3.objects('contacts'), '/crm/v3/objects/contacts');
  assert.equal(v3.objectsBatchRead('companies'), '/crm/v3/objects/companies/batch/read');
  assert.equal(v3.associationsBatchRead('contacts', 'companies'), '/crm/v4/associations/contacts/companies/batch/read');
  assert.equal(v3.objectAssociations('contacts', '7', 'deals', new URLSearchParams({ limit: '500' })), '/crm/v4/objects/contacts/7/associations/deals?limit=500');
  assert.equal(v3.owner('41'), '/crm/v3/owners/41');
  assert.equal(v3.pipelines('deals'), '/crm/v3/pipelines/deals');
  assert.equal(v3.accountDetails(), '/account-info/v3/details');
  const dated = hubSpotPaths('2026-03');
  assert.equal(dated.objectsSearch('contacts'), '/crm/objects/2026-03/contacts/search');
  assert.equal(dated.associationsBatchRead('contacts', 'companies'), '/crm/associations/2026-03/contacts/companies/batch/read');
  assert.equal(dated.owner('41'), '/crm/owners/2026-03/41');
  assert.equal(dated.pipelines('deals'), '/crm/pipelines/2026-03/deals');
  assert.equal(dated.accountDetails(), '/account-info/2026-03/details');
});
