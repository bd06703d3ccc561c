// The demo's CRM half: an emulated HubSpot whose contacts are the mailbox's most frequent
// correspondents, the private-app token verified and stored encrypted, contact matching,
// and one email logged through the durable outbox — checked on the CRM's side.
import { HubSpotEmulator } from '../../test/emulators/crm/hubspot-emulator.ts';
import { seedContactsFromMailbox } from '../../test/emulators/crm/seed.ts';
import { EMULATED_HUBSPOT_TOKEN } from '../../test/emulators/hubspot-config.ts';
import type { Services } from '../../src-main/app/assemble.ts';
import { detail, table } from './ui.ts';
import { databaseOf } from '../../src-main/store/profile-store.ts';

const SEEDED_CONTACTS = 25;

/** Starts the HubSpot emulator seeded from `mailboxPath`; the caller stops it. */
export async function startCrm(mailboxPath: string, owner: string): Promise<{ hubspot: HubSpotEmulator; url: string; contacts: number }> {
  const contacts = await seedContactsFromMailbox(mailboxPath, { owner, count: SEEDED_CONTACTS });
  const hubspot = new HubSpotEmulator({ contacts });
  const { url } = await hubspot.start();
  return { hubspot, url, contacts: contacts.length };
}

/** Connects the CRM (token verified by HubSpot before it is stored) and matches contacts. */
export async function connectCrm(services: Services): Promise<{ label: string; matched: number }> {
  const status = await services.crm.connect(EMULATED_HUBSPOT_TOKEN);
  // connect() starts matching in the background; this run waits for it (and finds nothing new).
  await services.crm.matchContacts();
  const matched = databaseOf(services.store).prepare<[], number>('SELECT count(*) FROM contacts').pluck().get() ?? 0;
  return { label: status.accountLabel ?? 'HubSpot', matched };
}

/**
 * Logs the newest message that has a CRM contact among its participants and waits for the
 * outbox to deliver it; returns what HubSpot now holds for it.
 */
export async function logOneEmail(services: Services, hubspot: HubSpotEmulator) {
  const candidate = databaseOf(services.store)
    .prepare<[], { id: number; subject: string; email: string }>(
      `SELECT m.id, m.subject, c.email FROM messages m
       JOIN message_participants p ON p.message_id = m.id
       JOIN addresses a ON a.id = p.address_id
       JOIN contacts c ON c.email = a.address
       ORDER BY m.received_at DESC LIMIT 1`,
    )
    .get();
  if (!candidate) throw new Error('no stored message has a CRM contact among its participants');
  const started = performance.now();
  await services.crm.logMessage(candidate.id);
  await services.crm.whenIdle();
  const ms = performance.now() - started;
  const state = services.crm.logStates([candidate.id]).get(candidate.id);
  if (state?.state !== 'logged') throw new Error(`the log ended ${state?.state ?? 'unqueued'}: ${state?.error ?? ''}`);
  const created = hubspot.emails().filter((e) => e.properties.hs_email_subject === candidate.subject);
  detail(
    ...table(
      [
        { title: 'HubSpot email', width: 14 },
        { title: 'subject', width: 44 },
        { title: 'direction', width: 15 },
        { title: 'contact', width: 32 },
      ],
      created.map((e) => [e.id, e.properties.hs_email_subject ?? '', e.properties.hs_email_direction ?? '', candidate.email]),
    ),
  );
  return { subject: candidate.subject, copies: created.length, ms };
}
