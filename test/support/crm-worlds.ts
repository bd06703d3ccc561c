// One face for the three CRM emulators, so a test of the outbox's promises (exactly once
// through offline, rate limits, revoked credentials, lost answers and crashes) runs the same
// steps against HubSpot, Pipedrive and Salesforce: the connector the app builds for each, the
// secret the rep would store, the faults each vendor really shows, and the activities it holds.
import { HubSpotConnector } from '../../src-main/crm/connectors/hubspot.ts';
import { readIdempotencyKey } from '../../src-main/crm/connectors/hubspot-email-headers.ts';
import { pipedriveConnectorFactory } from '../../src-main/crm/connectors/pipedrive.ts';
import { readNote } from '../../src-main/crm/connectors/pipedrive-note.ts';
import { SalesforceConnector } from '../../src-main/crm/connectors/salesforce.ts';
import type { CrmConnector, CrmKind } from '../../src-main/crm/types.ts';
import { HubSpotEmulator } from '../emulators/crm/hubspot-emulator.ts';
import { PipedriveEmulator } from '../emulators/pipedrive/pipedrive-emulator.ts';
import { SALESFORCE_API_VERSION, SALESFORCE_TEST_TOKEN, SalesforceEmulator } from '../emulators/salesforce/salesforce-emulator.ts';

/** A person the CRM knows, with the company they work for. */
export interface WorldPerson {
  email: string;
  firstname: string;
  lastname: string;
  company: string;
}

/** An email activity as the CRM holds it. */
export interface WorldActivity {
  id: string;
  subject: string;
  /** The idempotency key Mailbridge wrote into it (null when the activity carries none). */
  idempotencyKey: string | null;
}

export interface CrmWorld {
  readonly crm: CrmKind;
  /** Starts the emulator (again on the same port after stop()); resolves to its URL. */
  start(): Promise<string>;
  stop(): Promise<void>;
  /** The secret the rep stores for this CRM (token or session). */
  readonly secret: string;
  /** The email activities the CRM holds. */
  activities(): WorldActivity[];
  /** The next request meets the CRM's short-lived refusal: HubSpot and Pipedrive a burst 429 with its wait, Salesforce a 503. */
  refuseNextBriefly(): void;
  /** Every request is refused by the CRM's daily allowance until allowanceBack(); null when the CRM has no such refusal to model. */
  readonly allowanceSpent: (() => void) | null;
  allowanceBack(): void;
  /** The stored secret stops working (401) until restore(). */
  revoke(): void;
  restore(): void;
  /** The next activity write is committed and its answer lost. */
  dropNextAnswer(): void;
  /** Rate-limit answers the emulator has sent since start. */
  rateLimited(): number;
  /** The activity `id` as a rep would check it in the CRM; null when there is none. */
  logged(id: string): LoggedActivity | null;
  /** The id of the person (contact, or Lead in Salesforce) with this address; null when the CRM has none. */
  personId(email: string): string | null;
}

/** What an email activity says and what it is linked to. */
export interface LoggedActivity {
  subject: string;
  /** The email's time, ms (whole seconds where the CRM keeps no more). */
  timestamp: number;
  direction: 'incoming' | 'outgoing';
  /** The text the CRM shows, as stored (HTML or plain). */
  body: string;
  contacts: string[];
  companies: string[];
  deals: string[];
}

/** The connector the app builds for `crm` against the emulator at `url`, holding `secret`. */
export function worldConnector(crm: CrmKind, url: string, secret: string): CrmConnector {
  switch (crm) {
    case 'hubspot':
      return new HubSpotConnector({ accessToken: secret, baseUrl: url, timeoutMs: 5_000 });
    case 'pipedrive':
      return pipedriveConnectorFactory({ apiUrl: url, requestTimeoutMs: 5_000 })(secret);
    case 'salesforce':
      // The app's token source would refresh after a 401; here the session is fixed, so a
      // refused one is final (CrmAuthError), as a revoked refresh token makes it.
      return new SalesforceConnector({ instanceUrl: url, apiVersion: SALESFORCE_API_VERSION, getAccessToken: async () => secret, timeoutMs: 5_000 });
  }
}

/** `crm`'s emulator seeded with `people` on `port` (0: any). */
export function crmWorld(crm: CrmKind, people: readonly WorldPerson[], port = 0): CrmWorld {
  switch (crm) {
    case 'hubspot':
      return hubSpotWorld(new HubSpotEmulator({ contacts: people.map((p) => ({ ...p })), port }));
    case 'pipedrive':
      return pipedriveWorld(new PipedriveEmulator({ persons: people.map((p) => ({ email: p.email, name: `${p.firstname} ${p.lastname}`, company: p.company })), port }));
    case 'salesforce': {
      const emulator = new SalesforceEmulator({ port });
      const accounts = new Map<string, string>();
      for (const p of people) {
        if (!accounts.has(p.company)) accounts.set(p.company, emulator.add('Account', { Name: p.company }));
        emulator.add('Contact', { FirstName: p.firstname, LastName: p.lastname, Email: p.email, AccountId: accounts.get(p.company)! });
      }
      return salesforceWorld(emulator);
    }
  }
}

const timeOf = (value: unknown): number => {
  const text = String(value ?? '');
  return /^\d+$/.test(text) ? Number(text) : Date.parse(text.replace(/\+0000$/, 'Z'));
};

/** The world over a HubSpot emulator the caller built and seeded. */
export function hubSpotWorld(emulator: HubSpotEmulator): CrmWorld {
  return {
    crm: 'hubspot',
    start: async () => (await emulator.start()).url,
    stop: () => emulator.stop(),
    secret: emulator.accessToken,
    activities: () =>
      emulator.emails().map((e) => ({ id: e.id, subject: e.properties.hs_email_subject ?? '', idempotencyKey: readIdempotencyKey(e.properties.hs_email_headers) })),
    refuseNextBriefly: () => emulator.failNext(1, 429),
    allowanceSpent: null,
    allowanceBack: () => {},
    revoke: () => emulator.revokeToken(),
    restore: () => emulator.restoreToken(),
    dropNextAnswer: () => emulator.dropResponseAfterCommit(1),
    rateLimited: () => emulator.stats().rateLimited,
    logged: (id) => {
      const email = emulator.emails().find((e) => e.id === id);
      if (!email) return null;
      const p = email.properties;
      return {
        subject: p.hs_email_subject ?? '',
        timestamp: timeOf(p.hs_timestamp),
        direction: p.hs_email_direction === 'INCOMING_EMAIL' ? 'incoming' : 'outgoing',
        body: p.hs_email_html ?? p.hs_email_text ?? '',
        contacts: [], companies: [], deals: [],
        ...emulator.emailAssociations(id),
      };
    },
    personId: (email) => emulator.contacts().find((c) => c.properties.email?.toLowerCase() === email.toLowerCase())?.id ?? null,
  };
}

/** The world over a Pipedrive emulator the caller built and seeded. */
export function pipedriveWorld(emulator: PipedriveEmulator): CrmWorld {
  let spent = false;
  return {
    crm: 'pipedrive',
    start: async () => (await emulator.start()).url,
    stop: () => emulator.stop(),
    secret: emulator.apiToken,
    activities: () =>
      emulator.notes().map((n) => {
        const { subject, idempotencyKey } = readNote(n.content);
        return { id: String(n.id), subject, idempotencyKey };
      }),
    refuseNextBriefly: () => emulator.failNext(1, 429),
    // The token budget of the day: every request costs more than what is left.
    allowanceSpent: () => {
      spent = true;
      emulator.settings.dailyTokenBudget = 0;
    },
    allowanceBack: () => {
      if (spent) emulator.settings.dailyTokenBudget = 30_000;
      spent = false;
    },
    revoke: () => emulator.revokeToken(),
    restore: () => emulator.restoreToken(),
    dropNextAnswer: () => emulator.dropResponseAfterCommit(1),
    rateLimited: () => emulator.stats().rateLimited,
    logged: (id) => {
      const note = emulator.notes().find((n) => String(n.id) === id);
      if (!note) return null;
      const ids = (value: number | null) => (value === null ? [] : [String(value)]);
      return {
        subject: readNote(note.content).subject,
        timestamp: Date.parse(`${note.addTime.replace(' ', 'T')}Z`),
        direction: /^<p><b>Email received/.test(note.content) ? 'incoming' : 'outgoing',
        body: note.content,
        contacts: ids(note.personId),
        companies: ids(note.orgId),
        deals: ids(note.dealId),
      };
    },
    personId: (email) => {
      const person = [...emulator.store.persons.values()].find((p) => p.emails.some((e) => e.value.toLowerCase() === email.toLowerCase()));
      return person ? String(person.id) : null;
    },
  };
}

/** The world over a Salesforce emulator the caller built and seeded. */
export function salesforceWorld(emulator: SalesforceEmulator): CrmWorld {
  const keyOf = (headers: unknown) => /^X-Mailbridge-Idempotency-Key: (.+)$/m.exec(String(headers ?? ''))?.[1]?.trim() ?? null;
  return {
    crm: 'salesforce',
    start: async () => (await emulator.start()).url,
    stop: () => emulator.stop(),
    secret: SALESFORCE_TEST_TOKEN,
    activities: () => emulator.emailMessages().map((e) => ({ id: String(e.Id), subject: String(e.Subject ?? ''), idempotencyKey: keyOf(e.Headers) })),
    // Salesforce has no short burst limit to refuse with: its refusal is the allocation's.
    refuseNextBriefly: () => emulator.failNext(1, 503),
    allowanceSpent: () => emulator.setApiUsage(emulator.apiUsage().max),
    allowanceBack: () => emulator.setApiUsage(0),
    revoke: () => emulator.revokeSessions(),
    restore: () => emulator.restoreSessions(),
    dropNextAnswer: () => emulator.dropResponseAfterCommit(1),
    rateLimited: () => emulator.stats().rateLimited,
    logged: (id) => {
      const email = emulator.emailMessages().find((e) => e.Id === id);
      if (!email) return null;
      // The record the email is about: an Opportunity (its Account is the company) or an Account.
      const related = email.RelatedToId ? emulator.store.byId(String(email.RelatedToId)) : undefined;
      const deals = related?.type === 'Opportunity' ? [String(related.record.Id)] : [];
      const companies = related?.type === 'Opportunity' ? [String(related.record.AccountId)] : related?.type === 'Account' ? [String(related.record.Id)] : [];
      return {
        subject: String(email.Subject ?? ''),
        timestamp: timeOf(email.MessageDate),
        direction: email.Incoming ? 'incoming' : 'outgoing',
        body: String(email.HtmlBody ?? email.TextBody ?? ''),
        contacts: emulator.emailMessageRelations(id).map((r) => String(r.RelationId)),
        companies,
        deals,
      };
    },
    personId: (email) => {
      const match = (r: Record<string, unknown>) => String(r.Email ?? '').toLowerCase() === email.toLowerCase();
      const person = emulator.contacts().find(match) ?? emulator.leads().find((l) => match(l) && !l.IsConverted);
      return person ? String(person.Id) : null;
    },
  };
}
