// The HubSpot connector against the emulator seeded from a real Enron inbox: the 50 people
// Jeff Dasovich corresponds with most become contacts, the connector finds them among the
// inbox's other correspondents in paced batches, logs a real message to one of them, reads
// it back by idempotency key, and recovers the outcome of a write whose answer was lost.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HubSpotConnector } from '../../src-main/crm/connectors/hubspot.ts';
import { CrmUnreachableError, type EmailActivity } from '../../src-main/crm/types.ts';
import { readMailbox } from '../../src-main/mail/import/mailbox-reader.ts';
import { parseMessage } from '../../src-main/mail/mime/index.ts';
import type { ParsedMessage } from '../../src-main/mail/types.ts';
import { HubSpotEmulator } from '../emulators/crm/hubspot-emulator.ts';
import { HUBSPOT_TEST_OWNERS, type SeedContact } from '../emulators/crm/hubspot-store.ts';
import { seedContactsFromMailbox } from '../emulators/crm/seed.ts';
import { EMULATED_HUBSPOT_TOKEN, emulatedHubSpotConfig } from '../emulators/hubspot-config.ts';

const DATA = join(import.meta.dirname, '../../../shared/data');
const INBOX = join(DATA, 'enron/maildir/dasovich-j/inbox');
const OWNER = 'jeff.dasovich@enron.com';
const skip = existsSync(INBOX) ? false : 'LOUD SKIP: ../shared/data is absent, HubSpot connector integration not run';

let emulator: HubSpotEmulator;
let connector: HubSpotConnector;
let contacts: SeedContact[];
let others: SeedContact[];
/** [sender address, first message from that sender] for seeded contacts who wrote to Jeff. */
let letters: Array<[string, ParsedMessage]> = [];

before(async () => {
  if (skip) return;
  const ranked = await seedContactsFromMailbox(INBOX, { owner: OWNER, count: 260 });
  contacts = ranked.slice(0, 50);
  others = ranked.slice(50);
  // HubSpot's real burst limits stay on: the connector must pace itself under them.
  emulator = new HubSpotEmulator({ contacts });
  const { url } = await emulator.start();
  const config = emulatedHubSpotConfig(url);
  connector = new HubSpotConnector({ accessToken: EMULATED_HUBSPOT_TOKEN, baseUrl: config.apiUrl! });
});

after(async () => {
  await emulator?.stop();
});

test('the 50 most frequent external correspondents are seeded, deterministically', { skip }, async () => {
  assert.equal(contacts.length, 50);
  assert.equal(others.length, 210, 'the inbox has enough other correspondents to search among');
  assert.ok(contacts.every((c) => !c.email.endsWith('@enron.com') && !c.email.endsWith('.enron.com')));
  assert.equal(new Set(contacts.map((c) => c.email)).size, 50);
  const again = await seedContactsFromMailbox(INBOX, { owner: OWNER, count: 50 });
  assert.deepEqual(again, contacts);
});

test('findContactsByEmail finds exactly the seeded contacts among 260 addresses, in three paced searches', { skip }, async () => {
  const seededIds = new Map(emulator.contacts().map((c) => [c.properties.email!, c.id]));
  const query = [...others, ...contacts].map((c) => c.email.toUpperCase());
  const found = await connector.findContactsByEmail(query);
  assert.equal(found.length, 50);
  const ownerNames = new Map(HUBSPOT_TEST_OWNERS.map((o) => [o.id, `${o.firstName} ${o.lastName}`]));
  for (const seed of contacts) {
    const hit = found.find((f) => f.email === seed.email);
    assert.ok(hit, `${seed.email} found`);
    assert.equal(hit.crmContactId, seededIds.get(seed.email));
    assert.equal(hit.company, seed.company);
    assert.equal(hit.owner, seed.hubspot_owner_id ? ownerNames.get(seed.hubspot_owner_id) : '');
  }
  const stats = emulator.stats();
  assert.equal(stats.requests['contacts.search'], 3);
  assert.equal(stats.rateLimited, 0);
});

/** The first message in the inbox sent by each seeded contact (not every contact ever writes: some are lists). */
async function messagesFromContacts(): Promise<Map<string, ParsedMessage>> {
  const seeded = new Set(contacts.map((c) => c.email));
  const first = new Map<string, ParsedMessage>();
  for await (const { raw } of readMailbox(INBOX)) {
    const message = await parseMessage(raw);
    const from = message.from?.address;
    if (from && seeded.has(from) && message.subject && message.date && !first.has(from)) first.set(from, message);
  }
  return first;
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

test('a real message logged to one contact is read back with its idempotency key', { skip }, async () => {
  letters = [...(await messagesFromContacts())];
  assert.ok(letters.length >= 2, 'at least two seeded contacts wrote to Jeff');
  const [sender, message] = letters[0]!;
  const [contact] = await connector.findContactsByEmail([sender]);
  const key = `${message.messageId}:${contact!.crmContactId}`;
  const { crmActivityId } = await connector.logEmail(toActivity(message, key), { contacts: [contact!.crmContactId] });

  const stored = emulator.emails().find((e) => e.id === crmActivityId)!;
  assert.deepEqual(stored.contactIds, [contact!.crmContactId]);
  assert.equal(stored.properties.hs_email_subject, message.subject);
  assert.equal(stored.properties.hs_email_direction, 'INCOMING_EMAIL');
  assert.equal(Date.parse(stored.properties.hs_timestamp!), message.date);

  const logged = await connector.listLoggedEmails(contact!.crmContactId);
  assert.deepEqual(logged, [{ crmActivityId, timestamp: message.date, subject: message.subject, idempotencyKey: key }]);
});

test('after a lost answer the email is found by its key, so a retry need not log it twice', { skip }, async () => {
  assert.ok(letters.length >= 2, 'runs after the test above');
  const [sender, message] = letters[1]!;
  const [contact] = await connector.findContactsByEmail([sender]);
  const key = `${message.messageId}:${contact!.crmContactId}`;
  emulator.dropResponseAfterCommit(1);
  await assert.rejects(connector.logEmail(toActivity(message, key), { contacts: [contact!.crmContactId] }), CrmUnreachableError);
  const logged = await connector.listLoggedEmails(contact!.crmContactId);
  assert.equal(logged.filter((e) => e.idempotencyKey === key).length, 1);
  assert.equal(emulator.emails().filter((e) => e.contactIds.includes(contact!.crmContactId)).length, 1);
});
