// The Salesforce connector against the emulator seeded from a real Enron inbox: the 60 people
// Jeff Dasovich corresponds with most become Contacts (a few Leads) under Accounts with open
// Opportunities. The connector finds them among 300 addresses in one API call, logs a real
// message as an EmailMessage related to contact, account and opportunity, reads it back by
// MessageIdentifier and idempotency key, recovers a lost answer without a duplicate, falls back
// to Tasks with Enhanced Email off, pauses on REQUEST_LIMIT_EXCEEDED, refreshes after a 401,
// and creates a Lead.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SalesforceConnector, REQUEST_LIMIT_RETRY_MS } from '../../src-main/crm/connectors/salesforce.ts';
import { CrmAuthError, CrmError, CrmRateLimitError, CrmUnreachableError, type CrmContact, type EmailActivity } from '../../src-main/crm/types.ts';
import { ReconnectRequiredError } from '../../src-main/auth/errors.ts';
import { readMailbox } from '../../src-main/mail/import/mailbox-reader.ts';
import { parseMessage } from '../../src-main/mail/mime/index.ts';
import type { ParsedMessage } from '../../src-main/mail/types.ts';
import { seedContactsFromMailbox } from '../emulators/crm/seed.ts';
import { SalesforceEmulator, SALESFORCE_API_VERSION } from '../emulators/salesforce/salesforce-emulator.ts';
import { seedSalesforceOrgFromMailbox, type SeedOrg } from '../emulators/salesforce/seed.ts';

const DATA = join(import.meta.dirname, '../../../shared/data');
const INBOX = join(DATA, 'enron/maildir/dasovich-j/inbox');
const OWNER = 'jeff.dasovich@enron.com';
const skip = existsSync(INBOX) ? false : 'LOUD SKIP: ../shared/data is absent, Salesforce connector integration not run';

let emulator: SalesforceEmulator;
let org: SeedOrg;
let others: string[];
/** The session the connector holds, renewed by onUnauthorized as a token source would. */
const session = { token: '', refreshes: 0, failRefresh: null as Error | null };

function connect(options: { maxSoqlChars?: number; enhancedEmail?: boolean } = {}): SalesforceConnector {
  return new SalesforceConnector({
    instanceUrl: emulator.url,
    apiVersion: SALESFORCE_API_VERSION,
    getAccessToken: async () => {
      if (session.failRefresh) throw session.failRefresh;
      return session.token;
    },
    onUnauthorized: (rejected) => {
      if (rejected !== session.token) return;
      session.refreshes += 1;
      session.token = emulator.issueToken();
    },
    ...options,
  });
}

function toActivity(message: ParsedMessage, idempotencyKey: string): EmailActivity {
  return {
    timestamp: message.date ?? 0,
    direction: 'incoming',
    subject: message.subject,
    text: message.text,
    html: message.html,
    from: message.from!,
    to: message.to,
    cc: message.cc,
    messageIdHeader: message.messageId,
    idempotencyKey,
  };
}

/** The first message in the inbox from each address in `senders`. */
async function firstMessagesFrom(senders: Set<string>): Promise<Map<string, ParsedMessage>> {
  const first = new Map<string, ParsedMessage>();
  for await (const { raw } of readMailbox(INBOX)) {
    const message = await parseMessage(raw);
    const from = message.from?.address.toLowerCase();
    if (from && senders.has(from) && message.subject && message.date && message.messageId && !first.has(from)) first.set(from, message);
  }
  return first;
}

describe('SalesforceConnector against the emulator', { skip }, () => {
  let connector: SalesforceConnector;
  let letters: Map<string, ParsedMessage>;
  let found: CrmContact[];

  before(async () => {
    org = await seedSalesforceOrgFromMailbox(INBOX, { owner: OWNER, count: 60 });
    const ranked = await seedContactsFromMailbox(INBOX, { owner: OWNER, count: 300 });
    others = ranked.slice(60).map((c) => c.email);
    emulator = new SalesforceEmulator({ org });
    await emulator.start();
    session.token = emulator.issueToken();
    connector = connect();
    letters = await firstMessagesFrom(new Set(org.contacts.map((c) => c.email)));
  });

  after(async () => {
    await emulator?.stop();
  });

  test('the org is seeded from the 60 most frequent correspondents, deterministically', async () => {
    assert.equal(org.contacts.length + org.leads.filter((l) => !l.IsConverted).length, 60);
    assert.ok(org.leads.filter((l) => !l.IsConverted).length >= 5, 'some correspondents stay Leads');
    assert.equal(org.leads.filter((l) => l.IsConverted).length, 1, 'one converted Lead');
    assert.ok(org.accounts.length >= 10 && org.opportunities.some((o) => o.StageName === 'Closed Won'));
    assert.ok(org.contacts.every((c) => !c.email.endsWith('enron.com')));
    assert.deepEqual(await seedSalesforceOrgFromMailbox(INBOX, { owner: OWNER, count: 60 }), org);
  });

  test('findContactsByEmail finds the 60 Contacts and unconverted Leads among 300 addresses in one API call', async () => {
    emulator.resetStats();
    const before = emulator.apiUsage().used;
    const converted = org.leads.find((l) => l.IsConverted)!.email;
    const query = [...others, ...org.contacts.map((c) => c.email), ...org.leads.map((l) => l.email)].map((e) => e.toUpperCase());
    assert.ok(query.length >= 300);
    found = await connector.findContactsByEmail(query);
    assert.equal(found.length, 60);
    assert.equal(found.find((f) => f.email === converted), undefined, 'a converted Lead is not a person to log to');
    const stats = emulator.stats();
    assert.equal(emulator.apiUsage().used - before, 1, 'one Composite call counts once against the allocation');
    assert.equal(stats.requests.composite, 1);
    assert.equal(stats.queries, 2, 'one Contact and one Lead statement');

    const accounts = new Map(emulator.records('Account').map((a) => [a.Id, a]));
    const users = new Map(emulator.records('User').map((u) => [u.Id, u.Name]));
    for (const seed of org.contacts) {
      const hit = found.find((f) => f.email === seed.email)!;
      const record = emulator.contacts().find((c) => c.Email === seed.email)!;
      assert.equal(hit.kind, 'contact', seed.email);
      assert.equal(hit.crmContactId, record.Id);
      assert.equal(hit.crmCompanyId, record.AccountId);
      assert.equal(hit.company, accounts.get(String(record.AccountId))!.Name);
      assert.equal(hit.title, seed.Title);
      assert.equal(hit.phone, seed.Phone ?? '');
      assert.equal(hit.owner, users.get(String(record.OwnerId)) ?? '');
      assert.equal(hit.lastActivityAt, seed.LastActivityDate ? Date.parse(`${seed.LastActivityDate}T00:00:00Z`) : null);
      assert.equal(hit.url, `${emulator.url}/lightning/r/Contact/${record.Id}/view`);
      assert.equal(hit.status, undefined);
    }
    for (const seed of org.leads.filter((l) => !l.IsConverted)) {
      const hit = found.find((f) => f.email === seed.email)!;
      assert.equal(hit.kind, 'lead', seed.email);
      assert.equal(hit.status, seed.Status);
      assert.equal(hit.company, seed.Company);
      assert.equal(hit.crmCompanyId, null);
      assert.match(hit.url ?? '', /\/lightning\/r\/Lead\/00Q\w{15}\/view$/);
    }
    assert.deepEqual(await connector.findContactsByEmail(['not-an-address', '']), []);
  });

  test('IN lists are split to keep every statement inside the SOQL length limit', async () => {
    // 4,000 addresses make an IN list far longer than the org's 100,000-character limit,
    // which the emulator enforces (MALFORMED_QUERY): the connector must split it.
    const many = Array.from({ length: 4000 }, (_, i) => `someone.${i}@nowhere-${i % 97}.example`);
    emulator.resetStats();
    const hits = await connector.findContactsByEmail([...many, org.contacts[0]!.email]);
    assert.deepEqual(hits.map((h) => h.email), [org.contacts[0]!.email]);
    assert.ok(emulator.stats().queries >= 4, 'more than one Contact and one Lead statement');
    // The same with a tighter limit: more statements, more Composite calls, the same answer.
    const small = connect({ maxSoqlChars: 600 });
    emulator.resetStats();
    const again = await small.findContactsByEmail(org.contacts.map((c) => c.email));
    assert.equal(again.length, org.contacts.length);
    assert.ok(emulator.stats().queries > 2);
    assert.equal(emulator.stats().requests.composite, Math.ceil(emulator.stats().queries / 5));
  });

  /** A seeded contact who wrote to Jeff and takes part in an open opportunity. */
  async function contactWithDeal(skipEmails: string[] = []): Promise<{ contact: CrmContact; message: ParsedMessage; dealId: string; accountId: string }> {
    for (const [sender, message] of letters) {
      if (skipEmails.includes(sender)) continue;
      const contact = found.find((f) => f.email === sender && f.kind === 'contact');
      if (!contact) continue;
      const deals = await connector.openDealsOf(contact.crmContactId);
      if (deals.length) return { contact, message, dealId: deals[0]!.crmDealId, accountId: contact.crmCompanyId! };
    }
    throw new Error('no seeded contact with an open opportunity wrote to Jeff');
  }

  let logged: { id: string; contact: CrmContact; message: ParsedMessage; key: string };
  /** Senders whose first message a test has logged already. */
  const used = new Set<string>();

  test('companiesOf and openDealsOf: the Account, and open Opportunities by role and by account, newest first', async () => {
    const { contact, accountId } = await contactWithDeal();
    const companies = await connector.companiesOf([contact.crmContactId, found.find((f) => f.kind === 'lead')!.crmContactId]);
    assert.equal(companies.size, 1, 'a lead has no Account');
    const account = emulator.records('Account').find((a) => a.Id === accountId)!;
    assert.deepEqual(companies.get(contact.crmContactId), { crmCompanyId: accountId, name: account.Name, domain: account.Website });

    const deals = await connector.openDealsOf(contact.crmContactId);
    const expected = emulator.records('Opportunity').filter((o) => o.AccountId === accountId && o.IsClosed === false);
    assert.deepEqual(deals.map((d) => d.crmDealId).sort(), expected.map((o) => String(o.Id)).sort());
    assert.ok(emulator.records('Opportunity').some((o) => o.AccountId === accountId && o.IsClosed === true) || expected.length > 0);
    for (const d of deals) {
      const o = expected.find((x) => x.Id === d.crmDealId)!;
      assert.equal(d.stage, o.StageName);
      assert.equal(d.amount, o.Amount);
      assert.equal(d.closeDate, Date.parse(`${o.CloseDate}T00:00:00Z`));
      assert.equal(d.url, `${emulator.url}/lightning/r/Opportunity/${o.Id}/view`);
    }
    // An opportunity with only a role (another account) is found too.
    const elsewhere = emulator.add('Account', { Name: 'Elsewhere Inc', Website: 'www.elsewhere.example' });
    const roleOnly = emulator.add('Opportunity', { Name: 'Role-only deal', AccountId: elsewhere, StageName: 'Prospecting', CloseDate: '2001-09-30', Amount: 5000 });
    emulator.add('OpportunityContactRole', { OpportunityId: roleOnly, ContactId: contact.crmContactId, Role: 'Influencer', IsPrimary: false });
    const closed = emulator.add('Opportunity', { Name: 'Closed deal', AccountId: elsewhere, StageName: 'Closed Lost', CloseDate: '2001-01-30' });
    emulator.add('OpportunityContactRole', { OpportunityId: closed, ContactId: contact.crmContactId, IsPrimary: false });
    const withRole = await connector.openDealsOf(contact.crmContactId);
    assert.ok(withRole.some((d) => d.crmDealId === roleOnly));
    assert.ok(!withRole.some((d) => d.crmDealId === closed), 'closed opportunities are left out');
    assert.deepEqual(await connector.openDealsOf(found.find((f) => f.kind === 'lead')!.crmContactId), []);
  });

  test('a real message is logged as an EmailMessage related to contact, account and opportunity, in two API calls', async () => {
    const { contact, message, dealId, accountId } = await contactWithDeal();
    used.add(contact.email);
    const key = `${message.messageId}:${contact.crmContactId}`;
    const before = emulator.apiUsage().used;
    const { crmActivityId } = await connector.logEmail(toActivity(message, key), { contacts: [contact.crmContactId], companies: [accountId], deals: [dealId] });
    assert.equal(emulator.apiUsage().used - before, 2, 'a preflight Composite and a create Composite');
    assert.equal(connector.enhancedEmail, true);
    logged = { id: crmActivityId, contact, message, key };

    const stored = emulator.emailMessages().find((e) => e.Id === crmActivityId)!;
    assert.match(crmActivityId, /^02s\w{15}$/);
    assert.equal(stored.MessageIdentifier, `<${message.messageId}>`);
    assert.equal(stored.RelatedToId, dealId, 'the opportunity is the record the email is about');
    assert.equal(stored.Subject, message.subject);
    assert.equal(stored.Incoming, true);
    assert.equal(stored.Status, '1');
    assert.equal(stored.FromAddress, contact.email);
    assert.equal(Date.parse(String(stored.MessageDate).replace('+0000', 'Z')), message.date);
    assert.match(String(stored.Headers), new RegExp(`^X-Mailbridge-Idempotency-Key: ${escapeRegExp(key)}$`, 'm'));
    const relations = emulator.emailMessageRelations(crmActivityId);
    assert.deepEqual(relations.map((r) => [r.RelationId, r.RelationType, r.RelationObjectType]), [[contact.crmContactId, 'FromAddress', 'Contact']]);
    // Enhanced Email's own Task for the EmailMessage: linked, and kept off the timeline below.
    const shadow = emulator.tasks().find((t) => t.Id === stored.ActivityId)!;
    assert.equal(shadow.WhatId, dealId);
    assert.equal(shadow.WhoId, contact.crmContactId);

    const back = await connector.listLoggedEmails(contact.crmContactId);
    assert.deepEqual(back, [{ crmActivityId, timestamp: message.date, subject: message.subject, idempotencyKey: key }]);
  });

  test('logging the same email again finds it by MessageIdentifier and key: nothing is created', async () => {
    const count = emulator.emailMessages().length;
    const again = await connector.logEmail(toActivity(logged.message, logged.key), { contacts: [logged.contact.crmContactId] });
    assert.equal(again.crmActivityId, logged.id);
    assert.equal(emulator.emailMessages().length, count);
    // The same message for another person is another log (another key): it is created.
    const other = found.find((f) => f.kind === 'contact' && f.crmContactId !== logged.contact.crmContactId)!;
    const second = await connector.logEmail(toActivity(logged.message, `${logged.message.messageId}:${other.crmContactId}`), { contacts: [other.crmContactId] });
    assert.notEqual(second.crmActivityId, logged.id);
    assert.deepEqual(emulator.emailMessageRelations(second.crmActivityId).map((r) => r.RelationType), ['ToAddress'], 'a person not on the message is related as a recipient');
  });

  test('after a lost answer the email is found by its key, and a retry does not log it twice', async () => {
    const { contact, message } = await contactWithDeal([...used]);
    used.add(contact.email);
    const key = `${message.messageId}:${contact.crmContactId}`;
    emulator.dropResponseAfterCommit(1);
    await assert.rejects(connector.logEmail(toActivity(message, key), { contacts: [contact.crmContactId] }), CrmUnreachableError);
    assert.equal(emulator.stats().droppedResponses, 1);
    const listed = await connector.listLoggedEmails(contact.crmContactId);
    assert.equal(listed.filter((e) => e.idempotencyKey === key).length, 1);
    const retry = await connector.logEmail(toActivity(message, key), { contacts: [contact.crmContactId] });
    assert.equal(retry.crmActivityId, listed.find((e) => e.idempotencyKey === key)!.crmActivityId);
    const withKey = emulator.emailMessages().filter((e) => String(e.Headers).includes(key));
    assert.equal(withKey.length, 1, 'exactly one EmailMessage carries the key');
  });

  test('with Enhanced Email off the email becomes a Task with TaskSubtype Email, also deduplicated', async () => {
    emulator.settings.enhancedEmail = false;
    try {
      const fresh = connect();
      await fresh.findContactsByEmail(found.map((f) => f.email));
      const [sender, message] = [...letters].find(([s]) => !used.has(s) && found.some((f) => f.email === s))!;
      const contact = found.find((f) => f.email === sender)!;
      const emailsBefore = emulator.emailMessages().length;
      const key = `${message.messageId}:${contact.crmContactId}`;
      const dealId = emulator.records('Opportunity')[0]!.Id as string;
      const { crmActivityId } = await fresh.logEmail(toActivity(message, key), { contacts: [contact.crmContactId], deals: [dealId] });
      assert.equal(fresh.enhancedEmail, false);
      assert.equal(emulator.emailMessages().length, emailsBefore, 'the refused EmailMessage left nothing behind');
      const task = emulator.tasks().find((t) => t.Id === crmActivityId)!;
      assert.match(crmActivityId, /^00T\w{15}$/);
      assert.equal(task.TaskSubtype, 'Email');
      assert.equal(task.Status, 'Completed');
      assert.equal(task.WhoId, contact.crmContactId);
      assert.equal(task.WhatId, dealId);
      assert.equal(task.Subject, `Email: ${message.subject}`.slice(0, 255));
      assert.equal(task.ActivityDate, new Date(message.date!).toISOString().slice(0, 10));
      assert.match(String(task.Description), new RegExp(`^X-Mailbridge-Idempotency-Key: ${escapeRegExp(key)}$`, 'm'));

      const listed = await fresh.listLoggedEmails(contact.crmContactId);
      assert.deepEqual(listed.find((e) => e.crmActivityId === crmActivityId), { crmActivityId, timestamp: message.date, subject: message.subject, idempotencyKey: key });
      const tasksBefore = emulator.tasks().length;
      assert.equal((await fresh.logEmail(toActivity(message, key), { contacts: [contact.crmContactId] })).crmActivityId, crmActivityId);
      assert.equal(emulator.tasks().length, tasksBefore, 'found by its key: no second Task');
      // A connector that does not know yet that Enhanced Email is off (a restart) finds the Task too.
      assert.equal((await connect().logEmail(toActivity(message, key), { contacts: [contact.crmContactId] })).crmActivityId, crmActivityId);
      assert.equal(emulator.tasks().length, tasksBefore);

      // A Task about a Lead cannot carry a WhatId: the connector leaves it out.
      const lead = found.find((f) => f.kind === 'lead')!;
      const leadTask = await fresh.logEmail(toActivity(message, `${message.messageId}:${lead.crmContactId}`), { contacts: [lead.crmContactId], deals: [dealId] });
      const stored = emulator.tasks().find((t) => t.Id === leadTask.crmActivityId)!;
      assert.equal(stored.WhoId, lead.crmContactId);
      assert.equal(stored.WhatId, null);
    } finally {
      emulator.settings.enhancedEmail = true;
    }
  });

  test('REQUEST_LIMIT_EXCEEDED: CrmRateLimitError with the documented wait; Sforce-Limit-Info is read', async () => {
    await connector.verify();
    const usage = connector.apiUsage!;
    assert.equal(usage.max, emulator.settings.dailyApiRequests);
    assert.equal(usage.used, emulator.apiUsage().used);
    emulator.setApiUsage(emulator.settings.dailyApiRequests);
    try {
      const rateLimitedBefore = emulator.stats().rateLimited;
      await assert.rejects(connector.findContactsByEmail([org.contacts[0]!.email]), (error: unknown) => {
        assert.ok(error instanceof CrmRateLimitError);
        assert.equal(error.retryAfterMs, REQUEST_LIMIT_RETRY_MS);
        return true;
      });
      assert.equal(emulator.stats().rateLimited - rateLimitedBefore, 1, 'not retried: the window frees slowly');
      assert.deepEqual([connector.apiUsage!.used, connector.apiUsage!.max], [emulator.settings.dailyApiRequests, emulator.settings.dailyApiRequests]);
      await assert.rejects(connector.logEmail(toActivity(logged.message, 'k'), { contacts: [logged.contact.crmContactId] }), CrmRateLimitError);
    } finally {
      emulator.setApiUsage(0);
    }
    assert.equal((await connector.findContactsByEmail([org.contacts[0]!.email])).length, 1);
  });

  test('an expired session is refreshed once and the request repeated; a refused refresh is CrmAuthError', async () => {
    emulator.expireToken(session.token);
    const refreshes = session.refreshes;
    const unauthorized = emulator.stats().unauthorized;
    assert.ok((await connector.verify()).accountLabel.length > 0);
    assert.equal(session.refreshes - refreshes, 1);
    assert.equal(emulator.stats().unauthorized - unauthorized, 1);

    // A write refused with 401 was not executed: it is sent again after the refresh, once.
    emulator.expireToken(session.token);
    const lead = await connector.createContact({ email: 'Pat.Quinn@Newco.example', name: 'Pat Q. Quinn', company: '' });
    assert.equal(session.refreshes - refreshes, 2);
    assert.equal(emulator.leads().filter((l) => l.Email === 'pat.quinn@newco.example').length, 1);
    assert.equal(lead.kind, 'lead');

    session.failRefresh = new ReconnectRequiredError();
    try {
      await assert.rejects(connector.verify(), CrmAuthError);
    } finally {
      session.failRefresh = null;
    }
    emulator.revokeSessions();
    try {
      await assert.rejects(connector.verify(), (error: unknown) => error instanceof CrmAuthError && /INVALID_SESSION_ID/.test(error.message));
    } finally {
      emulator.restoreSessions();
    }
  });

  test('createContact makes a Lead (Company from the domain when unknown) that lookups then find', async () => {
    const lead = await connector.createContact({ email: 'Rita.Hart@Calpine.example', name: 'Rita Hart', company: '' });
    const stored = emulator.leads().find((l) => l.Id === lead.crmContactId)!;
    assert.deepEqual([stored.FirstName, stored.LastName, stored.Company, stored.Email, stored.OwnerId], ['Rita', 'Hart', 'calpine.example', 'rita.hart@calpine.example', emulator.userId]);
    assert.deepEqual(
      { kind: lead.kind, email: lead.email, name: lead.name, company: lead.company, status: lead.status, crmCompanyId: lead.crmCompanyId },
      { kind: 'lead', email: 'rita.hart@calpine.example', name: 'Rita Hart', company: 'calpine.example', status: 'Open - Not Contacted', crmCompanyId: null },
    );
    const named = await connector.createContact({ email: 'x@y.example', name: '', company: 'Y Corp' });
    assert.equal(emulator.leads().find((l) => l.Id === named.crmContactId)!.LastName, 'x');
    const [hit] = await connector.findContactsByEmail(['rita.hart@calpine.example']);
    assert.equal(hit?.crmContactId, lead.crmContactId);
  });

  test('a 5xx read is retried; a 5xx write is not, and says so', async () => {
    emulator.failNext(1, 503);
    assert.equal((await connector.findContactsByEmail([org.contacts[1]!.email])).length, 1);
    const count = emulator.leads().length;
    emulator.failNext(1, 500);
    await assert.rejects(connector.createContact({ email: 'z@z.example', name: 'Z', company: 'Z' }), (error: unknown) => {
      assert.ok(error instanceof CrmError && error.retryable);
      return true;
    });
    assert.equal(emulator.leads().length, count);
  });

  test('logEmail refuses an email without a contact', async () => {
    await assert.rejects(connector.logEmail(toActivity(logged.message, 'k'), { contacts: [] }), (error: unknown) => error instanceof CrmError && !error.retryable);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
