// The CRM side of the app behind one facade for the IPC handlers, composed of its parts:
// the connection (crm-connection.ts), log planning (log-planner.ts), the durable outbox,
// contact matching, timelines and throttled status events. Plain Node: the clock, jitter and
// connector are injected.
import { createLogger } from '../platform/logger.ts';
import { AppError } from '../platform/app-error.ts';
import type { CrmStatus, MessageLogState, Timeline } from '../../src-preload/contract/index.ts';
import type { MessageRecord } from '../store/types.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import { ContactMatching, DEFAULT_MISS_TTL_MS, type ContactMatchResult } from './contact-matcher.ts';
import { buildTimeline, freshContact, type ContactFreshness } from './contact-timeline.ts';
import { CrmConnection } from './crm-connection.ts';
import type { CrmService, CrmServiceOptions } from './crm-service-api.ts';
import type { CrmContact, CrmKind, NewContact } from './types.ts';
import { LogPlanner, type DealChoice } from './log-planner.ts';
import { lookUpContacts } from './contact-matcher.ts';
import { logStateOf, logStatesFor } from './log-states.ts';
import { Outbox } from './outbox.ts';
import { StatusPublisher } from './status-publisher.ts';

export type { CrmConnectionInput, CrmService, CrmServiceOptions, CrmSettings } from './crm-service-api.ts';

const log = createLogger('crm');

/** Builds the CRM service and starts its outbox (paused unless the CRM is connected). */
export function createCrmService(options: CrmServiceOptions): CrmService {
  return new LocalCrmService(options);
}

/** The CRM service over the profile's store: its contact cache, outbox and activities. */
class LocalCrmService implements CrmService {
  readonly #activateCrm: ((crm: CrmKind) => void) | undefined;
  readonly #store: ProfileStore;
  readonly #freshness: ContactFreshness;
  readonly #shutdown = new AbortController();
  readonly #changeListeners = new Set<(change: { messageIds: number[] }) => void>();
  readonly #connection: CrmConnection;
  readonly #outbox: Outbox;
  readonly #planner: LogPlanner;
  readonly #matching: ContactMatching;
  readonly #status = new StatusPublisher(() => this.status());
  readonly #salesforceLoginUrl: string | undefined;

  constructor(options: CrmServiceOptions) {
    const { store } = options;
    const now = options.now ?? Date.now;
    this.#store = store;
    this.#freshness = { now, missTtlMs: options.missTtlMs ?? DEFAULT_MISS_TTL_MS, contactStaleMs: options.contactStaleMs ?? 60 * 60_000 };
    this.#connection = new CrmConnection({
      store,
      connectorFactory: options.connectorFactory,
      now,
      onRefused: () => {
        this.#outbox.pause();
        this.#changed([]);
      },
      activeCrm: () => options.settings().activeCrm ?? 'hubspot',
    });
    this.#activateCrm = options.activateCrm;
    this.#salesforceLoginUrl = options.salesforceLoginUrl;
    this.#outbox = new Outbox({
      repository: store.outbox,
      connector: () => this.#connection.usable(),
      crm: () => this.#connection.crm,
      now,
      ...(options.random ? { random: options.random } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.unreachableRetryCapMs ? { unreachableRetryCapMs: options.unreachableRetryCapMs } : {}),
      onItemsChanged: (ids) => this.#changed(ids),
      onAuthFailed: (error) => this.#connection.refused(error),
      onOnlineChange: (online) => {
        if (online) this.#connection.markReachable();
        this.#changed([]);
      },
    });
    this.#planner = new LogPlanner({ store, connection: this.#connection, settings: options.settings, now });
    this.#matching = new ContactMatching(store, this.#connection, { now, missTtlMs: this.#freshness.missTtlMs, signal: this.#shutdown.signal });
    this.#outbox.start({ paused: this.#connection.state() !== 'connected' });
  }

  get name(): string {
    return this.#connection.name;
  }

  status(): CrmStatus {
    const state = this.#connection.state();
    const { accountLabel, lastError } = this.#connection.details();
    const summary = this.#store.outbox.summary();
    return {
      crm: this.#connection.crm,
      name: this.#connection.name,
      state,
      accountLabel: state === 'not_connected' ? null : accountLabel,
      online: this.#outbox.online && !this.#connection.unreachable,
      pending: summary.pending,
      failed: summary.failed,
      lastError: (state !== 'not_connected' ? lastError : null) ?? summary.lastError,
      ...(this.#connection.crm === 'salesforce' && this.#salesforceLoginUrl ? { loginUrl: this.#salesforceLoginUrl } : {}),
    };
  }

  async connect(accessToken: string, crm: CrmKind = this.#connection.crm): Promise<CrmStatus> {
    await this.#connection.connect(accessToken, crm);
    if (crm !== this.#connection.crm) this.#activate(crm);
    this.#outbox.resume();
    void this.#matching.run();
    this.#changed([]);
    return this.status();
  }

  use(crm: CrmKind): CrmStatus {
    if (crm !== this.#connection.crm) this.#activate(crm);
    this.activeCrmChanged();
    return this.status();
  }

  activeCrmChanged(): void {
    // Only the active CRM's items are claimed; the others wait, with their reasons, for it to come back.
    if (this.#connection.state() === 'connected') {
      this.#outbox.resume();
      void this.#matching.run();
    } else {
      this.#outbox.pause();
    }
    this.#changed([]);
  }

  async addContact(person: NewContact): Promise<Timeline> {
    const connector = this.#connection.usable();
    if (!connector) throw new AppError('invalid_input', `connect ${this.name} in Settings first`);
    if (!connector.createContact) throw new AppError('invalid_input', `${this.name} contacts cannot be added from Mailbridge`);
    const email = person.email.trim().toLowerCase();
    // A click may come twice, or the person may have been added in the CRM meanwhile: look first.
    const existing = await lookUpContacts(this.#store, connector, [email]).catch((error: unknown) => this.#rethrow(error));
    if (!existing.length) {
      const created = await connector.createContact({ ...person, email }).catch((error: unknown) => this.#rethrow(error));
      this.#store.contacts.upsert(connector.crm, [created]);
      log.info('contact added to the CRM', { crm: connector.crm });
    }
    return this.timeline(email);
  }

  #rethrow(error: unknown): never {
    const failure = this.#connection.noteFailure(error);
    if (failure.kind === 'auth') throw new AppError('reconnect_required', `${this.name} refused the token: reconnect it in Settings`);
    if (failure.kind === 'unreachable') throw new AppError('offline', `${this.name} cannot be reached; try again when online`);
    if (failure.kind === 'rate_limited') throw new AppError('rate_limited', `${this.name} asks us to slow down; try again in a moment`);
    throw new AppError('invalid_input', `${this.name} refused it: ${error instanceof Error ? error.message : String(error)}`);
  }

  #activate(crm: CrmKind): void {
    if (!this.#activateCrm) throw new AppError('invalid_input', 'this build uses one CRM');
    this.#activateCrm(crm);
  }

  disconnect(): void {
    this.#connection.disconnect();
    this.#outbox.pause();
    this.#changed([]);
  }

  async logMessage(messageId: number, choice: DealChoice = {}): Promise<MessageLogState> {
    const message = this.#store.messages.getMessage(messageId);
    if (!message) throw new AppError('not_found', 'this email is no longer on this computer');
    const [state] = await this.#queue([message], choice);
    return state!;
  }

  async logThread(threadId: number, choice: DealChoice = {}): Promise<MessageLogState[]> {
    const messages = this.#store.messages.listThreadMessages(threadId);
    if (!messages.length) throw new AppError('not_found', 'this conversation is no longer on this computer');
    return this.#queue(messages, choice);
  }

  retry(outboxId: number): void {
    const item = this.#store.outbox.get(outboxId);
    if (!item) throw new AppError('not_found', `no outbox item ${outboxId}`);
    if (item.crm !== this.#connection.crm) throw new AppError('invalid_input', `this log was queued for another ${this.name} account; log the email again`);
    if (item.state === 'failed') this.#store.outbox.retryFailed(outboxId);
    this.#outbox.retryNow();
    this.#changed(item.messageId === null ? [] : [item.messageId]);
  }

  retryNow(): void {
    this.#connection.markReachable();
    this.#outbox.retryNow();
  }

  logStates(messageIds: number[]): Map<number, MessageLogState> {
    return logStatesFor(this.#store.outbox, this.#connection.crm, this.#connection.pausedReason(), messageIds, this.#store.contacts);
  }

  async timeline(address: string): Promise<Timeline> {
    const email = address.trim().toLowerCase();
    const contact = await freshContact(this.#store, this.#connection, email, { ...this.#freshness, online: this.#outbox.online });
    const own = new Set(this.#store.accounts.list().map((a) => a.email.toLowerCase()));
    return buildTimeline(this.#store, email, contact, own, (ids) => this.logStates(ids));
  }

  matchContacts(): Promise<ContactMatchResult | null> {
    return this.#matching.run();
  }

  cachedContact(email: string): CrmContact | null {
    return this.#store.contacts.getByEmail(this.#connection.crm, email);
  }

  async onSyncedMessages(messageIds: number[]): Promise<void> {
    try {
      await this.#matching.run();
      const queued = await this.#planner.autoLog(messageIds, this.#shutdown.signal);
      if (!queued.length || this.#shutdown.signal.aborted) return;
      this.#outbox.wake();
      this.#changed(queued);
    } catch (error) {
      log.warn('auto-log failed', { error });
    }
  }

  onChange(listener: (change: { messageIds: number[] }) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  onStatusChange(listener: (status: CrmStatus) => void): () => void {
    return this.#status.subscribe(listener);
  }

  whenIdle(): Promise<void> {
    return this.#outbox.whenIdle();
  }

  async close(): Promise<void> {
    this.#shutdown.abort();
    this.#status.close();
    this.#changeListeners.clear();
    await this.#outbox.close();
    await this.#matching.settled();
  }

  /** Outbox items of these messages changed, and with them perhaps the status. */
  #changed(messageIds: number[]): void {
    if (messageIds.length) this.#changeListeners.forEach((listener) => listener({ messageIds }));
    this.#status.changed();
  }

  /** A click: plan and enqueue, wake the outbox, answer with the messages' states. */
  async #queue(messages: ReadonlyArray<Omit<MessageRecord, 'raw'>>, choice: DealChoice): Promise<MessageLogState[]> {
    const queued = await this.#planner.logMessages(messages, choice);
    this.#outbox.wake();
    this.#changed(queued);
    const ids = messages.map((m) => m.id);
    const states = this.logStates(ids);
    return ids.map((id) => logStateOf(states, id));
  }
}
