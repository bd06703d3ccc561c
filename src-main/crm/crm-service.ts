// The CRM side of the app behind one facade for the IPC handlers, composed of its parts:
// the connection (crm-connection.ts), log planning (log-planner.ts), the durable outbox,
// contact matching, timelines and throttled status events. Plain Node: the clock, jitter and
// connector are injected.
import { createLogger } from '../platform/logger.ts';
import { AppError } from '../platform/app-error.ts';
import type { MessageLogState } from '../../src-preload/contract/index.ts';
import { ContactMatching, DEFAULT_MISS_TTL_MS } from './contact-matcher.ts';
import { buildTimeline, freshContact } from './contact-timeline.ts';
import { CrmConnection } from './crm-connection.ts';
import type { CrmService, CrmServiceOptions } from './crm-service-api.ts';
import { LogPlanner } from './log-planner.ts';
import { logStateOf, logStatesFor } from './log-states.ts';
import { Outbox } from './outbox.ts';
import { StatusPublisher } from './status-publisher.ts';

export type { CrmConnectionInput, CrmService, CrmServiceOptions, CrmSettings } from './crm-service-api.ts';

const log = createLogger('crm');

export function createCrmService(options: CrmServiceOptions): CrmService {
  const { store, settings } = options;
  const now = options.now ?? Date.now;
  const freshness = { now, missTtlMs: options.missTtlMs ?? DEFAULT_MISS_TTL_MS, contactStaleMs: options.contactStaleMs ?? 60 * 60_000 };
  const shutdown = new AbortController();
  const changeListeners = new Set<(change: { messageIds: number[] }) => void>();

  const connection = new CrmConnection({
    store,
    connectorFactory: options.connectorFactory,
    now,
    onRefused: () => {
      outbox.pause();
      changed([]);
    },
  });
  const outbox = new Outbox({
    repository: store.outbox,
    connector: () => connection.usable(),
    now,
    ...(options.random ? { random: options.random } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.unreachableRetryCapMs ? { unreachableRetryCapMs: options.unreachableRetryCapMs } : {}),
    onItemsChanged: (ids) => changed(ids),
    onAuthFailed: (error) => connection.refused(error),
    onOnlineChange: (online) => {
      if (online) connection.markReachable();
      changed([]);
    },
  });
  const planner = new LogPlanner({ store, connection, settings, now });
  const matching = new ContactMatching(store, connection, { now, missTtlMs: freshness.missTtlMs, signal: shutdown.signal });
  const status = new StatusPublisher(() => service.status());

  /** Outbox items of these messages changed, and with them perhaps the status. */
  const changed = (messageIds: number[]) => {
    if (messageIds.length) changeListeners.forEach((listener) => listener({ messageIds }));
    status.changed();
  };
  const queue = async (messages: Parameters<LogPlanner['logMessages']>[0]): Promise<MessageLogState[]> => {
    const queued = await planner.logMessages(messages);
    outbox.wake();
    changed(queued);
    const ids = messages.map((m) => m.id);
    const states = service.logStates(ids);
    return ids.map((id) => logStateOf(states, id));
  };

  outbox.start({ paused: connection.state() !== 'connected' });

  const service: CrmService = {
    name: connection.name,

    status() {
      const state = connection.state();
      const { accountLabel, lastError } = connection.details();
      const summary = store.outbox.summary();
      return {
        crm: connection.crm,
        state,
        accountLabel: state === 'not_connected' ? null : accountLabel,
        online: outbox.online && !connection.unreachable,
        pending: summary.pending,
        failed: summary.failed,
        lastError: (state !== 'not_connected' ? lastError : null) ?? summary.lastError,
      };
    },

    async connect(accessToken) {
      await connection.connect(accessToken);
      outbox.resume();
      void matching.run();
      changed([]);
      return service.status();
    },

    disconnect() {
      connection.disconnect();
      outbox.pause();
      changed([]);
    },

    async logMessage(messageId) {
      const message = store.messages.getMessage(messageId);
      if (!message) throw new AppError('not_found', 'this email is no longer on this computer');
      const [state] = await queue([message]);
      return state!;
    },

    async logThread(threadId) {
      const messages = store.messages.listThreadMessages(threadId);
      if (!messages.length) throw new AppError('not_found', 'this conversation is no longer on this computer');
      return queue(messages);
    },

    retry(outboxId) {
      const item = store.outbox.get(outboxId);
      if (!item) throw new AppError('not_found', `no outbox item ${outboxId}`);
      if (item.crm !== connection.crm) throw new AppError('invalid_input', `this log was queued for another ${connection.name} account; log the email again`);
      if (item.state === 'failed') store.outbox.retryFailed(outboxId);
      outbox.retryNow();
      changed(item.messageId === null ? [] : [item.messageId]);
    },

    retryNow() {
      connection.markReachable();
      outbox.retryNow();
    },

    logStates: (messageIds) => logStatesFor(store.outbox, connection.crm, connection.pausedReason(), messageIds),

    async timeline(address) {
      const email = address.trim().toLowerCase();
      const contact = await freshContact(store, connection, email, { ...freshness, online: outbox.online });
      const own = new Set(store.accounts.list().map((a) => a.email.toLowerCase()));
      return buildTimeline(store, email, contact, own, service.logStates);
    },

    matchContacts: () => matching.run(),

    async onSyncedMessages(messageIds) {
      try {
        await matching.run();
        const queued = await planner.autoLog(messageIds, shutdown.signal);
        if (!queued.length || shutdown.signal.aborted) return;
        outbox.wake();
        changed(queued);
      } catch (error) {
        log.warn('auto-log failed', { error });
      }
    },

    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },

    onStatusChange: (listener) => status.subscribe(listener),

    whenIdle: () => outbox.whenIdle(),

    async close() {
      shutdown.abort();
      status.close();
      changeListeners.clear();
      await outbox.close();
      await matching.settled();
    },
  };
  return service;
}
