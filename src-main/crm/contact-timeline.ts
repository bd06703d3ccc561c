// A contact's timeline as the renderer shows it: the cached CRM contact (refreshed first when
// stale and the CRM is reachable) and every stored email with the address in From, To or Cc,
// newest first, each with its log state.
import { createLogger } from '../platform/logger.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { CachedContact } from '../store/contact-repository.ts';
import type { MessageLogState, Timeline } from '../../src-preload/contract/index.ts';
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
  if (!connector || !stale || !options.online || connection.unreachable) return contact;
  const refresh = lookUpContacts(store, connector, [email]).then(
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
    contact: contact
      ? { crmContactId: contact.crmContactId, email: contact.email, name: contact.name, company: contact.company, owner: contact.owner }
      : null,
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
