// Where each message stands with the CRM, folded from its outbox items: what the thread
// view's "Log to CRM" button, the inbox and the timelines show.
import { isLogged, type OutboxItem, type OutboxRepository } from '../store/outbox-repository.ts';
import type { MessageLogState } from '../../src-preload/contract/index.ts';
import type { ContactRepository } from '../store/contact-repository.ts';

type ItemState = MessageLogState['items'][number]['state'];

/**
 * One MessageLogState per message that has outbox items. `pausedReason` non-null means the
 * CRM is not usable (not connected, reconnect required): live items show as `paused` with it.
 * Message state: failed if any item failed, else paused, else queued, else logged.
 */
export function foldLogStates(
  items: readonly OutboxItem[],
  pausedReason: string | null,
  dealName: (item: OutboxItem, dealId: string) => string = () => '',
): Map<number, MessageLogState> {
  const out = new Map<number, MessageLogState>();
  for (const item of items) {
    if (item.messageId === null) continue;
    let entry = out.get(item.messageId);
    if (!entry) {
      entry = { messageId: item.messageId, state: 'logged', error: null, items: [] };
      out.set(item.messageId, entry);
    }
    const state: ItemState =
      isLogged(item) ? 'logged' : item.state === 'failed' ? 'failed' : pausedReason ? 'paused' : 'queued';
    const error = state === 'logged' ? null : state === 'paused' ? pausedReason : item.lastError;
    const related = item.payload.related;
    entry.items.push({
      outboxId: item.id,
      contactEmail: item.contactEmail,
      crm: item.crm.split(':')[0]!,
      withCompany: Boolean(related?.companies?.length),
      deals: (related?.deals ?? []).map((id) => dealName(item, id)),
      state,
      error,
    });
  }
  const rank: Record<ItemState, number> = { failed: 3, paused: 2, queued: 1, logged: 0 };
  for (const entry of out.values()) {
    const worst = entry.items.reduce((a, b) => (rank[b.state] > rank[a.state] ? b : a));
    entry.state = worst.state;
    entry.error = worst.error;
  }
  return out;
}

/** The state of a message never queued. */
export const noLogState = (messageId: number): MessageLogState => ({ messageId, state: 'none', error: null, items: [] });

/** One message's state from a fold, `none` for a message without outbox items. */
export const logStateOf = (states: ReadonlyMap<number, MessageLogState>, messageId: number): MessageLogState =>
  states.get(messageId) ?? noLogState(messageId);

/**
 * The log states of these messages for the current CRM account (`crm`), as the thread view,
 * the timeline and a click's answer show them. An item left failed by a change of CRM
 * account stops counting once the email is queued for the current account.
 */
export function logStatesFor(
  outbox: Pick<OutboxRepository, 'listByMessages'>,
  crm: string,
  pausedReason: string | null,
  messageIds: readonly number[],
  contacts?: Pick<ContactRepository, 'getByEmail'>,
): Map<number, MessageLogState> {
  const items = outbox.listByMessages(messageIds);
  const current = new Set(items.filter((i) => i.crm === crm).map((i) => i.messageId));
  const relevant = items.filter((i) => i.crm === crm || isLogged(i) || !current.has(i.messageId));
  // Deal names come from the cached open deals of the item's contact, else of another contact
  // the same email went to (a click's deal is one person's, logged for everyone on the email);
  // a deal closed since reads ''.
  const nameFrom = (item: OutboxItem, dealId: string) =>
    contacts?.getByEmail(item.crm, item.contactEmail)?.deals?.find((d) => d.crmDealId === dealId)?.name ?? '';
  const dealName = (item: OutboxItem, dealId: string) =>
    nameFrom(item, dealId) || items.filter((i) => i !== item && i.messageId === item.messageId && i.crm === item.crm).map((i) => nameFrom(i, dealId)).find(Boolean) || '';
  return foldLogStates(relevant, pausedReason, dealName);
}
