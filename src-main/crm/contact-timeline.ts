// A contact's timeline as the renderer shows it: the cached CRM contact and every stored
// email with the address in From, To or Cc, newest first, each with its log state.
import type { ProfileStore } from '../store/profile-store.ts';
import type { CachedContact } from '../store/contact-repository.ts';
import type { MessageLogState, Timeline } from '../../src-preload/contract/index.ts';
import { noLogState } from './log-states.ts';

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
      logState: states.get(r.messageId) ?? noLogState(r.messageId),
    })),
  };
}
