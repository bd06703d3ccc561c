// Planning what to log: for each message, which CRM contacts it is logged for (From/To/Cc
// minus the rep's own and never-logged addresses, looked up when none is cached), one
// outbox item per (message, contact) under an idempotency key, and the auto-log rule.
import { AppError } from '../platform/app-error.ts';
import type { CachedContact } from '../store/contact-repository.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { MessageRecord } from '../store/types.ts';
import { lookUpContacts } from './contact-matcher.ts';
import type { CrmConnection } from './crm-connection.ts';
import type { CrmSettings } from './crm-service-api.ts';
import { idempotencyKey, loggableAddresses, snapshotActivity } from './email-snapshot.ts';
import type { EmailActivity } from './types.ts';

type StoredMessage = Omit<MessageRecord, 'raw'>;

/** How long a click trusts a "not a contact" answer, ms. */
const CLICK_MISS_TTL_MS = 60_000;
/** Messages the auto-log rule handles between two yields to IPC and window events. */
const AUTO_LOG_CHUNK = 50;

/** Which deal a click logs to: `dealId` one of the contacts' open deals, null for none, absent for the default. */
export interface DealChoice {
  dealId?: string | null;
}

export interface LogPlannerOptions {
  store: ProfileStore;
  connection: CrmConnection;
  settings: () => CrmSettings;
  now: () => number;
}

export class LogPlanner {
  readonly #o: LogPlannerOptions;

  constructor(options: LogPlannerOptions) {
    this.#o = options;
  }

  /**
   * Queues every message of a click that has a CRM contact; resolves to the ids queued. Rejects
   * with AppError when none has: invalid_input (CRM not connected), reconnect_required,
   * offline (no cached contact and the CRM unreachable), rate_limited, or not_found.
   */
  async logMessages(messages: readonly StoredMessage[], choice: DealChoice = {}): Promise<number[]> {
    const own = this.#ownAddresses();
    const plans = [];
    for (const message of messages) plans.push({ message, ...(await this.#contactsFor(message, own, true)) });
    const withContacts = plans.filter((p) => p.contacts.length);
    if (!withContacts.length) throw this.#noContactError([...new Set(plans.flatMap((p) => p.addresses))]);
    const deals = this.#dealsFor(withContacts.flatMap((p) => p.contacts), choice);
    for (const p of withContacts) this.#enqueue(p.message, p.contacts, own, deals);
    return withContacts.map((p) => p.message.id);
  }

  /**
   * The deal a click logs to: the one chosen (it must be an open deal of one of the contacts,
   * as last fetched), none when null, and by default the only open deal the contacts have.
   */
  #dealsFor(contacts: readonly CachedContact[], choice: DealChoice): string[] {
    const open = new Map(contacts.flatMap((c) => c.deals ?? []).map((d) => [d.crmDealId, d]));
    if (choice.dealId === null) return [];
    if (choice.dealId !== undefined) {
      if (!open.has(choice.dealId)) throw new AppError('invalid_input', `that deal is not an open deal of ${contacts.map((c) => c.email).join(', ')}`);
      return [choice.dealId];
    }
    return open.size === 1 ? [...open.keys()] : [];
  }

  /**
   * The auto-log rule, after a sync: when it is on, queues the messages (dated from the
   * moment it was switched on) with a cached contact; looks nothing up. Resolves to the ids
   * that gained outbox items.
   */
  async autoLog(messageIds: readonly number[], signal: AbortSignal): Promise<number[]> {
    const { autoLogKnownContacts, autoLogSince } = this.#o.settings();
    if (!autoLogKnownContacts || !messageIds.length) return [];
    const own = this.#ownAddresses();
    const changed: number[] = [];
    for (const [index, id] of messageIds.entries()) {
      // A big sync hands thousands of ids: yield to IPC and window events between chunks.
      if (index > 0 && index % AUTO_LOG_CHUNK === 0) await new Promise((resolve) => setImmediate(resolve));
      if (signal.aborted) break;
      const message = this.#o.store.messages.getMessage(id);
      if (!message) continue;
      if (autoLogSince != null && (message.date ?? message.receivedAt) < autoLogSince) continue;
      // Sent from Mailbridge with "Log to CRM" off: the rep's choice wins over the rule.
      if (message.messageId && this.#o.store.sendOutbox.logChoice(message.accountId, message.messageId) === false) continue;
      const { contacts } = await this.#contactsFor(message, own, false);
      if (contacts.length && this.#enqueue(message, contacts, own) > 0) changed.push(id);
    }
    return changed;
  }

  #ownAddresses(): Set<string> {
    return new Set(this.#o.store.accounts.list().map((a) => a.email.toLowerCase()));
  }

  /** CRM contacts to log `message` for, looking participants up when none is cached and `lookUp`. */
  async #contactsFor(message: StoredMessage, own: Set<string>, lookUp: boolean) {
    const { store, connection, now } = this.#o;
    const addresses = loggableAddresses(message, own, this.#o.settings().neverLog);
    let contacts = store.contacts.listByEmails(connection.crm, addresses);
    const connector = connection.usable();
    // A click asks again about addresses missed more than a minute ago (the contact may just
    // have been created in the CRM), but not once per message of the same thread.
    const recentMiss = now() - CLICK_MISS_TTL_MS;
    const ask = addresses.filter((a) => (store.contacts.missedAt(connection.crm, a) ?? 0) < recentMiss);
    if (!contacts.length && ask.length && lookUp && connector) {
      try {
        await lookUpContacts(store, connector, ask);
        connection.markReachable();
      } catch (error) {
        const failure = connection.noteFailure(error);
        if (failure.kind === 'rate_limited') throw new AppError('rate_limited', `${connection.name} asks us to slow down; try again in a moment`);
        if (failure.kind !== 'auth' && failure.kind !== 'unreachable') throw error;
      }
      contacts = store.contacts.listByEmails(connection.crm, addresses);
    }
    return { addresses, contacts };
  }

  /** One outbox item per contact (idempotent), with the contact's company and `deals`; returns how many were new. */
  #enqueue(message: StoredMessage, contacts: readonly CachedContact[], own: Set<string>, deals: readonly string[] = []): number {
    const { store, connection } = this.#o;
    const account = store.accounts.get(message.accountId);
    let created = 0;
    for (const contact of contacts) {
      const key = idempotencyKey({
        crm: connection.crm,
        accountEmail: account?.email ?? String(message.accountId),
        providerMessageId: message.providerMessageId,
        messageIdHeader: message.messageId,
        crmContactId: contact.crmContactId,
      });
      const result = store.outbox.enqueue({
        crm: connection.crm,
        messageId: message.id,
        contactId: contact.id,
        crmContactId: contact.crmContactId,
        contactEmail: contact.email,
        payload: withRelated(snapshotActivity(message, own, key), contact.crmCompanyId ? [contact.crmCompanyId] : [], deals),
      });
      if (result.created) created += 1;
    }
    return created;
  }

  #noContactError(addresses: string[]): AppError {
    const { connection } = this.#o;
    const state = connection.state();
    if (state === 'not_connected') return new AppError('invalid_input', `connect ${connection.name} in Settings first`);
    if (state === 'reconnect_required') {
      return new AppError('reconnect_required', `${connection.name} needs to be reconnected before new contacts can be found`);
    }
    if (connection.unreachable) {
      return new AppError('offline', `${connection.name} cannot be reached to look up ${addresses.join(', ')}; no known contact among them`);
    }
    return new AppError('not_found', `no CRM contact among ${addresses.join(', ') || 'the participants (all are you or on the never-log list)'}`);
  }
}

/** The activity with its company and deals, when there are any (older items carry neither). */
function withRelated(activity: EmailActivity, companies: string[], deals: readonly string[]): EmailActivity {
  if (!companies.length && !deals.length) return activity;
  return { ...activity, related: { ...(companies.length ? { companies } : {}), ...(deals.length ? { deals: [...deals] } : {}) } };
}
