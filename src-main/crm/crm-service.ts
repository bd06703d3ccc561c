// The CRM side of the app behind one facade for the IPC handlers: the HubSpot connection,
// one-click logging through the durable outbox, the auto-log rule, contact matching and
// contact timelines. Plain Node: the clock, jitter and connector are injected.
import { createLogger } from '../platform/logger.ts';
import type { MessageRecord } from '../store/types.ts';
import { AppError } from '../platform/app-error.ts';
import type { CrmStatus, MessageLogState } from '../../src-preload/contract/index.ts';
import { DEFAULT_MISS_TTL_MS, lookUpContacts, matchContacts, type ContactMatchResult } from './contact-matcher.ts';
import type { CrmService, CrmServiceOptions } from './crm-service-api.ts';
import { idempotencyKey, loggableAddresses, snapshotActivity } from './email-snapshot.ts';
import { buildTimeline } from './contact-timeline.ts';
import { foldLogStates, noLogState } from './log-states.ts';
import { Outbox } from './outbox.ts';
import { CrmAuthError, CrmRateLimitError, CrmUnreachableError, type CrmConnector } from './types.ts';

export type { CrmConnectionInput, CrmService, CrmServiceOptions, CrmSettings } from './crm-service-api.ts';

const log = createLogger('crm');
const CRM = 'hubspot';
/** How long a click trusts a "not a contact" answer, ms. */
const CLICK_MISS_TTL_MS = 60_000;
/** How long timeline() waits for a contact refresh before answering from the cache, ms. */
const TIMELINE_REFRESH_BUDGET_MS = 1_500;
/** Least time between two status events, ms. */
const STATUS_THROTTLE_MS = 250;

export function createCrmService(options: CrmServiceOptions): CrmService {
  const { store, connectorFactory, settings } = options;
  const now = options.now ?? Date.now;
  const missTtlMs = options.missTtlMs ?? DEFAULT_MISS_TTL_MS;
  const contactStaleMs = options.contactStaleMs ?? 60 * 60_000;
  const changeListeners = new Set<(change: { messageIds: number[] }) => void>();
  const statusListeners = new Set<(status: CrmStatus) => void>();
  const shutdown = new AbortController();
  let matching: Promise<ContactMatchResult | null> | null = null;
  let rematch: Promise<ContactMatchResult | null> | null = null;
  let lookupOffline = false;

  const connection = () => store.crmConnections.get(CRM);
  const state = (): CrmStatus['state'] => {
    const c = connection();
    if (!c || !c.accessToken || c.status === 'disconnected') return 'not_connected';
    return c.status === 'reconnect_required' ? 'reconnect_required' : 'connected';
  };
  const initial = connection();
  let connector: CrmConnector | null =
    initial?.accessToken && initial.status !== 'disconnected' ? connectorFactory({ crm: CRM, accessToken: initial.accessToken }) : null;

  let lastStatus = '';
  let statusTimer: NodeJS.Timeout | null = null;
  let statusDirty = false;
  const publishStatus = () => {
    const s = service.status();
    const json = JSON.stringify(s);
    if (json === lastStatus) return;
    lastStatus = json;
    statusListeners.forEach((l) => l(s));
  };
  const emitChange = (messageIds: number[]) => {
    if (messageIds.length) changeListeners.forEach((l) => l({ messageIds }));
    if (!statusListeners.size) return;
    // At most one status event per STATUS_THROTTLE_MS (first at once, last one trailing),
    // and none when nothing changed: a 1,000-item flush must not send 1,000 events.
    if (statusTimer) {
      statusDirty = true;
      return;
    }
    publishStatus();
    statusTimer = setTimeout(function trailing() {
      if (!statusDirty) {
        statusTimer = null;
        return;
      }
      statusDirty = false;
      publishStatus();
      statusTimer = setTimeout(trailing, STATUS_THROTTLE_MS).unref();
    }, STATUS_THROTTLE_MS).unref();
  };
  const authFailed = (error: CrmAuthError) => {
    log.warn('the CRM refused the token; reconnect required');
    store.crmConnections.setStatus(CRM, 'reconnect_required', `HubSpot refused the token: ${error.message}`);
    outbox.pause();
    emitChange([]);
  };

  const outbox = new Outbox({
    repository: store.outbox,
    connector: () => (state() === 'connected' ? connector : null),
    now,
    ...(options.random ? { random: options.random } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.unreachableRetryCapMs ? { unreachableRetryCapMs: options.unreachableRetryCapMs } : {}),
    onItemsChanged: emitChange,
    onAuthFailed: authFailed,
    onOnlineChange: (online) => {
      if (online) lookupOffline = false;
      emitChange([]);
    },
  });
  outbox.start({ paused: state() !== 'connected' });

  const ownAddresses = () => new Set(store.accounts.list().map((a) => a.email.toLowerCase()));
  const usableConnector = () => (state() === 'connected' ? connector : null);
  const pausedReason = (): string | null => {
    const s = state();
    if (s === 'connected') return null;
    if (s === 'reconnect_required') return connection()?.lastError ?? 'HubSpot needs to be reconnected';
    return 'HubSpot is not connected';
  };

  /** CRM contacts to log `message` for, looking participants up when none is cached and `lookUp`. */
  const contactsFor = async (message: Omit<MessageRecord, 'raw'>, own: Set<string>, lookUp: boolean) => {
    const addresses = loggableAddresses(message, own, settings().neverLog);
    let contacts = store.contacts.listByEmails(CRM, addresses);
    const c = usableConnector();
    // A click asks again about addresses missed more than a minute ago (the contact may just
    // have been created in the CRM), but not once per message of the same thread.
    const recentMiss = now() - CLICK_MISS_TTL_MS;
    const ask = addresses.filter((a) => (store.contacts.missedAt(CRM, a) ?? 0) < recentMiss);
    if (!contacts.length && ask.length && lookUp && c) {
      try {
        await lookUpContacts(store, c, ask);
        lookupOffline = false;
      } catch (error) {
        if (error instanceof CrmAuthError) authFailed(error);
        else if (error instanceof CrmUnreachableError) lookupOffline = true;
        else if (error instanceof CrmRateLimitError) throw new AppError('rate_limited', 'HubSpot asks us to slow down; try again in a moment');
        else throw error;
      }
      contacts = store.contacts.listByEmails(CRM, addresses);
    }
    return { addresses, contacts };
  };

  const enqueue = (message: Omit<MessageRecord, 'raw'>, contacts: ReturnType<typeof store.contacts.listByEmails>, own: Set<string>) => {
    const account = store.accounts.get(message.accountId);
    let created = 0;
    for (const contact of contacts) {
      const key = idempotencyKey({
        crm: CRM,
        accountEmail: account?.email ?? String(message.accountId),
        providerMessageId: message.providerMessageId,
        messageIdHeader: message.messageId,
        crmContactId: contact.crmContactId,
      });
      const result = store.outbox.enqueue({
        crm: CRM,
        messageId: message.id,
        contactId: contact.id,
        crmContactId: contact.crmContactId,
        contactEmail: contact.email,
        payload: snapshotActivity(message, own, key),
      });
      if (result.created) created += 1;
    }
    return created;
  };

  const noContactError = (addresses: string[]): AppError => {
    const s = state();
    if (s === 'not_connected') return new AppError('invalid_input', 'connect HubSpot in Settings first');
    if (s === 'reconnect_required') return new AppError('reconnect_required', 'HubSpot needs to be reconnected before new contacts can be found');
    if (lookupOffline) return new AppError('offline', `HubSpot cannot be reached to look up ${addresses.join(', ')}; no known contact among them`);
    return new AppError('not_found', `no CRM contact among ${addresses.join(', ') || 'the participants (all are you or on the never-log list)'}`);
  };

  const logMessages = async (messages: Array<Omit<MessageRecord, 'raw'>>): Promise<MessageLogState[]> => {
    const own = ownAddresses();
    const plans = [];
    for (const m of messages) plans.push({ message: m, ...(await contactsFor(m, own, true)) });
    const withContacts = plans.filter((p) => p.contacts.length);
    if (!withContacts.length) throw noContactError([...new Set(plans.flatMap((p) => p.addresses))]);
    for (const p of withContacts) enqueue(p.message, p.contacts, own);
    outbox.wake();
    const ids = messages.map((m) => m.id);
    emitChange(withContacts.map((p) => p.message.id));
    const states = service.logStates(ids);
    return ids.map((id) => states.get(id) ?? noLogState(id));
  };

  /** Another HubSpot account than before: its contact ids differ, so nothing queued for the old one may go to the new one. */
  const retireAccount = (previous: string, next: string) => {
    const archiveCrm = `${CRM}:${previous}:${now()}`;
    const failed = store.transaction(() => {
      store.contacts.retireAccount(CRM, archiveCrm);
      return store.outbox.retireLive(CRM, archiveCrm, `queued for HubSpot account ${previous}, not sent to ${next}: log it again to send it there`);
    });
    log.warn('HubSpot account changed; queued logs for the old account were not sent', { failed });
  };

  const service: CrmService = {
    status() {
      const c = connection();
      const s = state();
      const summary = store.outbox.summary();
      return {
        crm: CRM,
        state: s,
        accountLabel: s === 'not_connected' ? null : (c?.accountLabel ?? null),
        online: outbox.online && !lookupOffline,
        pending: summary.pending,
        failed: summary.failed,
        lastError: (s !== 'not_connected' ? c?.lastError : null) ?? summary.lastError,
      };
    },

    async connect(accessToken) {
      const candidate = connectorFactory({ crm: CRM, accessToken });
      const { accountLabel } = await candidate.verify();
      const previous = connection()?.accountLabel ?? null;
      if (previous !== null && previous !== accountLabel) retireAccount(previous, accountLabel);
      store.crmConnections.save(CRM, accessToken, accountLabel);
      connector = candidate;
      lookupOffline = false;
      log.info('CRM connected', { crm: CRM });
      outbox.resume();
      void service.matchContacts();
      emitChange([]);
      return service.status();
    },

    disconnect() {
      store.crmConnections.clearToken(CRM);
      connector = null;
      outbox.pause();
      log.info('CRM disconnected; queued items are kept, paused', { crm: CRM });
      emitChange([]);
    },

    async logMessage(messageId) {
      const message = store.messages.getMessage(messageId);
      if (!message) throw new AppError('not_found', 'this email is no longer on this computer');
      const [state] = await logMessages([message]);
      return state!;
    },

    async logThread(threadId) {
      const messages = store.messages.listThreadMessages(threadId);
      if (!messages.length) throw new AppError('not_found', 'this conversation is no longer on this computer');
      return logMessages(messages);
    },

    retry(outboxId) {
      const item = store.outbox.get(outboxId);
      if (!item) throw new AppError('not_found', `no outbox item ${outboxId}`);
      if (item.crm !== CRM) throw new AppError('invalid_input', 'this log was queued for another HubSpot account; log the email again');
      if (item.state === 'failed') store.outbox.retryFailed(outboxId);
      outbox.retryNow();
      emitChange(item.messageId === null ? [] : [item.messageId]);
    },

    retryNow() {
      lookupOffline = false;
      outbox.retryNow();
    },

    logStates(messageIds) {
      const items = store.outbox.listByMessages(messageIds);
      // An item left failed by a change of HubSpot account stops counting once the email is
      // queued for the current account.
      const current = new Set(items.filter((i) => i.crm === CRM).map((i) => i.messageId));
      const relevant = items.filter((i) => i.crm === CRM || i.state === 'done' || !current.has(i.messageId));
      return foldLogStates(relevant, pausedReason());
    },

    async timeline(address) {
      const email = address.trim().toLowerCase();
      let contact = store.contacts.getByEmail(CRM, email);
      const c = usableConnector();
      const stale = contact
        ? contact.updatedAt < now() - contactStaleMs
        : (store.contacts.missedAt(CRM, email) ?? 0) < now() - missTtlMs;
      if (c && stale && outbox.online && !lookupOffline) {
        // Offline, refused or slow: the cached view is the answer. A refresh that outlasts the
        // budget still lands in the cache for the next look.
        const refresh = lookUpContacts(store, c, [email]).then(
          () => true,
          (error: unknown) => {
            if (error instanceof CrmAuthError) authFailed(error);
            else if (error instanceof CrmUnreachableError) lookupOffline = true;
            log.warn('timeline contact refresh failed', { error: error instanceof Error ? error.name : 'error' });
            return false;
          },
        );
        let timer: NodeJS.Timeout | undefined;
        const budget = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), TIMELINE_REFRESH_BUDGET_MS)));
        if (await Promise.race([refresh, budget])) contact = store.contacts.getByEmail(CRM, email);
        clearTimeout(timer);
      }
      return buildTimeline(store, email, contact, ownAddresses(), service.logStates);
    },

    matchContacts() {
      // A request during a pass runs one more pass after it: new mail may have arrived since it began.
      if (matching) return (rematch ??= matching.then(() => {
        rematch = null;
        return service.matchContacts();
      }));
      const c = usableConnector();
      if (!c) return Promise.resolve(null);
      matching = matchContacts(store, c, { now, missTtlMs, signal: shutdown.signal })
        .then((result) => {
          lookupOffline = false;
          if (result.found) log.info('contacts matched', { found: result.found, checked: result.checked });
          return result;
        })
        .catch((error: unknown) => {
          if (error instanceof CrmAuthError) authFailed(error);
          else if (error instanceof CrmUnreachableError) lookupOffline = true;
          else if (!shutdown.signal.aborted) log.warn('contact matching failed', { error });
          return null;
        })
        .finally(() => {
          matching = null;
        });
      return matching;
    },

    async onSyncedMessages(messageIds) {
      try {
        await service.matchContacts();
        const { autoLogKnownContacts, autoLogSince } = settings();
        if (!autoLogKnownContacts || !messageIds.length) return;
        const own = ownAddresses();
        const changed: number[] = [];
        for (const [index, id] of messageIds.entries()) {
          // A big sync hands thousands of ids: yield to IPC and window events between chunks.
          if (index > 0 && index % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
          if (shutdown.signal.aborted) return;
          const message = store.messages.getMessage(id);
          if (!message) continue;
          if (autoLogSince != null && (message.date ?? message.receivedAt) < autoLogSince) continue;
          const { contacts } = await contactsFor(message, own, false);
          if (contacts.length && enqueue(message, contacts, own) > 0) changed.push(id);
        }
        if (changed.length) {
          outbox.wake();
          emitChange(changed);
        }
      } catch (error) {
        log.warn('auto-log failed', { error });
      }
    },

    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },

    onStatusChange(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },

    whenIdle: () => outbox.whenIdle(),

    async close() {
      shutdown.abort();
      if (statusTimer) clearTimeout(statusTimer);
      changeListeners.clear();
      statusListeners.clear();
      await outbox.close();
      await matching;
      await rematch;
    },
  };
  return service;
}
