// A contact's timeline as the renderer shows it: the cached CRM contact (refreshed first when
// stale and the CRM is reachable) and every stored email with the address in From, To or Cc,
// newest first, each with its log state.
import { createLogger } from '../platform/logger.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { CachedContact } from '../store/contact-repository.ts';
import type { Contact, MessageLogState, Timeline } from '../../src-preload/contract/index.ts';
import { lookUpContacts } from './contact-matcher.ts';
import type { CrmConnection } from './crm-connection.ts';
import { logStateOf } from './log-states.ts';

const log = createLogger('crm.timeline');

/** How long a timeline waits for a contact refresh before answering from the cache, ms. */
const TIMELINE_REFRESH_BUDGET_MS = 1_500;

export interface ContactFreshness {
  now: () => number;
  /** A cached contact older than this (ms) is refreshed. */
  contactStaleMs: number;
  /** A "not a contact" answer is trusted this long (ms). */
  missTtlMs: number;
}

/**
 * The cached contact for `email`, refreshed from the CRM first when it is stale (or a miss
 * has expired) and `online`. Offline, refused or slow, the cache is the answer: a refresh
 * that outlasts the budget still lands in the cache for the next look. Never rejects.
 */
export async function freshContact(
  store: ProfileStore,
  connection: CrmConnection,
  email: string,
  options: ContactFreshness & { online: boolean },
): Promise<CachedContact | null> {
  const contact = store.contacts.getByEmail(connection.crm, email);
  const connector = connection.usable();
  const now = options.now();
  const stale = contact
    ? contact.updatedAt < now - options.contactStaleMs
    : (store.contacts.missedAt(connection.crm, email) ?? 0) < now - options.missTtlMs;
  const dealsStale = (c: CachedContact | null) =>
    Boolean(c && connector?.openDealsOf && (c.dealsFetchedAt ?? 0) < now - options.contactStaleMs);
  if (!connector || !(stale || dealsStale(contact)) || !options.online || connection.unreachable) return contact;
  const refresh = (async () => {
    if (stale) await lookUpContacts(store, connector, [email]);
    // The card's open deals come with the contact (HubSpot associations, Opportunity roles, person's deals).
    const current = store.contacts.getByEmail(connection.crm, email);
    if (current && dealsStale(current)) store.contacts.setDeals(connection.crm, current.crmContactId, await connector.openDealsOf!(current.crmContactId));
  })().then(
    () => true,
    (error: unknown) => {
      connection.noteFailure(error);
      log.warn('timeline contact refresh failed', { error: error instanceof Error ? error.name : 'error' });
      return false;
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), TIMELINE_REFRESH_BUDGET_MS)));
  const refreshed = await Promise.race([refresh, budget]);
  clearTimeout(timer);
  return refreshed ? store.contacts.getByEmail(connection.crm, email) : contact;
}

/**
 * Assembles the timeline of `email` (lower-cased) from the store. Direction: outgoing when
 * the email's From is one of `own` (the rep's addresses). At most 1,000 emails.
 */
export function buildTimeline(
  store: ProfileStore,
  email: string,
  contact: CachedContact | null,
  own: ReadonlySet<string>,
  logStates: (messageIds: number[]) => Map<number, MessageLogState>,
): Timeline {
  const rows = store.contacts.timelineMessages(email);
  const states = logStates(rows.map((r) => r.messageId));
  return {
    address: email,
    displayName: store.contacts.displayName(email),
    contact: contact ? contactCard(contact) : null,
    emails: rows.map((r) => ({
      messageId: r.messageId,
      threadId: r.threadId,
      subject: r.subject,
      date: r.date,
      direction: r.fromAddress !== null && own.has(r.fromAddress) ? 'outgoing' : 'incoming',
      snippet: r.snippet,
      logState: logStateOf(states, r.messageId),
    })),
  };
}

/** The cached contact as the renderer's card shows it (the CRM's ids for company and owner stay in main). */
export function contactCard(contact: CachedContact): Contact {
  const { crmContactId, email, name, company, owner, kind, title, phone, status, lastActivityAt, url, deals } = contact;
  return {
    crmContactId, email, name, company, owner, deals,
    ...(kind ? { kind } : {}),
    ...(title ? { title } : {}),
    ...(phone ? { phone } : {}),
    ...(status ? { status } : {}),
    ...(lastActivityAt !== undefined ? { lastActivityAt } : {}),
    ...(url && /^https:\/\//.test(url) ? { url } : {}),
  };
}
