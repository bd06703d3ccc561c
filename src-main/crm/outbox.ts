// The outbox scheduler: sends due items through the CRM connector with bounded concurrency
// across contacts and strictly in order within a contact, backs off on failures, pauses on
// a revoked token, and — because HubSpot has no idempotency key — asks the CRM whether an
// item with an unknown outcome already landed before it sends it again. What each failure
// means for the item is outbox-retry.ts's to decide.
import { createLogger } from '../platform/logger.ts';
import type { OutboxItem, OutboxRepository } from '../store/outbox-repository.ts';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../platform/backoff.ts';
import { decideRetry } from './outbox-retry.ts';
import type { CrmAuthError, CrmConnector } from './types.ts';

const log = createLogger('crm.outbox');

export interface OutboxOptions {
  repository: OutboxRepository;
  /** The connector to send with, or null while no CRM is connected (the outbox waits). */
  connector: () => CrmConnector | null;
  /** The active CRM: only its items are claimed, so nothing queued for one CRM goes to another. */
  crm?: () => string;
  /** Clock, ms since the epoch. */
  now?: () => number;
  /** [0, 1), for backoff jitter. */
  random?: () => number;
  /** Items sent at once across contacts (one per contact at most). Default 4. */
  concurrency?: number;
  backoff?: BackoffPolicy;
  /**
   * While the CRM is unreachable, the next probe comes no later than this (ms; default 15 s),
   * however long the backoff has grown: queued logs go out soon after the network returns.
   */
  unreachableRetryCapMs?: number;
  /** Items of these messages changed state. */
  onItemsChanged?: (messageIds: number[]) => void;
  /** The CRM refused the token: the outbox has paused itself until resume(). */
  onAuthFailed?: (error: CrmAuthError) => void;
  /** The CRM became reachable (true) or unreachable (false). */
  onOnlineChange?: (online: boolean) => void;
}

export class Outbox {
  readonly #repo: OutboxRepository;
  readonly #connector: () => CrmConnector | null;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #concurrency: number;
  readonly #backoff: BackoffPolicy;
  readonly #unreachableRetryCapMs: number;
  readonly #options: OutboxOptions;
  readonly #running = new Map<number, Promise<void>>();
  #timer: NodeJS.Timeout | null = null;
  #timerAt = Number.POSITIVE_INFINITY;
  #pumpQueued = false;
  #paused = false;
  #closed = false;
  #started = false;
  #online = true;
  /** While offline: no new attempt before this time (ms), so one probe per backoff interval goes out. */
  #offlineUntil = 0;
  /** Per CRM whose daily (or rolling 24 h) allowance is spent: nothing goes to it before this time (ms). */
  readonly #holdUntil = new Map<string, number>();
  #idleWaiters: Array<() => void> = [];

  constructor(options: OutboxOptions) {
    this.#options = options;
    this.#repo = options.repository;
    this.#connector = options.connector;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#unreachableRetryCapMs = options.unreachableRetryCapMs ?? 15_000;
  }

  get online(): boolean {
    return this.#online;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Items being sent right now. */
  get inFlight(): number {
    return this.#running.size;
  }

  /**
   * Starts sending. Items left in flight by a previous process (crashed or killed between
   * markInFlight and markDone) become `unknown` first, so they are checked, not resent.
   */
  start(options: { paused?: boolean } = {}): void {
    if (this.#started) return;
    this.#started = true;
    const interrupted = this.#repo.resetInFlight();
    if (interrupted) log.warn('items interrupted in flight will be checked against the CRM', { count: interrupted });
    this.#paused = options.paused ?? false;
    this.wake();
  }

  /** Looks for due work soon (after an enqueue, a retry, a reconnect). */
  wake(): void {
    if (this.#closed || !this.#started || this.#pumpQueued) return;
    this.#pumpQueued = true;
    queueMicrotask(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  /** Stops taking items (revoked token, disconnect); running sends finish. */
  pause(): void {
    this.#paused = true;
    this.#clearTimer();
  }

  /** Resumes after pause(); items that waited for the network, a server or a reconnect are due now. */
  resume(): void {
    this.#paused = false;
    this.retryNow();
  }

  /** The network is back or the rep asked: everything backing off (except a 429's Retry-After) is due now. */
  retryNow(): void {
    if (this.#closed) return;
    this.#offlineUntil = 0;
    this.#repo.wakeWaiting();
    this.wake();
  }

  /** Resolves when nothing is running and nothing is due now (tests, benchmarks). */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Stops the scheduler: no new sends; resolves once running sends have been recorded, or
   * after `timeoutMs` (default 5,000) — a send still running then stays in flight in the
   * database and is checked against the CRM on the next start, so quitting never duplicates.
   */
  async close(timeoutMs = 5_000): Promise<void> {
    this.#closed = true;
    this.#clearTimer();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#running.values()]),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    this.#idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  /** Until when `crm` (default the active one) is held for its daily allowance; 0 when it is not. */
  #heldUntil(crm: string | null = this.#options.crm?.() ?? null): number {
    return crm === null ? 0 : (this.#holdUntil.get(crm) ?? 0);
  }

  #isIdle(): boolean {
    if (this.#running.size > 0) return false;
    if (this.#closed || this.#paused || !this.#connector()) return true;
    const next = this.#repo.nextDueAt(this.#options.crm?.() ?? null);
    return next === null || Math.max(next, this.#online ? 0 : this.#offlineUntil, this.#heldUntil()) > this.#now();
  }

  #pump(): void {
    if (this.#closed) return;
    const connector = this.#paused ? null : this.#connector();
    if (connector) {
      // While offline, one item probes the CRM; the rest wait for it.
      const limit = (this.#online ? this.#concurrency : 1) - this.#running.size;
      if (limit > 0 && (this.#online || this.#now() >= this.#offlineUntil) && this.#now() >= this.#heldUntil(connector.crm)) {
        for (const item of this.#repo.claimDue(this.#now(), limit, connector.crm)) {
          if (!this.#repo.markInFlight(item.id)) continue;
          const task = this.#send(connector, item)
            // Only a store failure gets here (connector errors are handled in #send); the row
            // stays in flight and is checked on the next start.
            .catch((error: unknown) => log.error('outbox could not record an attempt', { outboxId: item.id, error }))
            .finally(() => {
              this.#running.delete(item.id);
              this.wake();
            });
          this.#running.set(item.id, task);
        }
      }
      this.#schedule();
    }
    if (this.#idleWaiters.length && this.#isIdle()) this.#idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  /** One timer (unref'd) for the next head that becomes due. */
  #schedule(): void {
    const due = this.#repo.nextDueAt(this.#options.crm?.() ?? null);
    if (due === null) return this.#clearTimer();
    const next = Math.max(this.#online ? due : Math.max(due, this.#offlineUntil), this.#heldUntil());
    const now = this.#now();
    if (next <= now) {
      // Due but not claimable now: the concurrency slots are full; a finishing task wakes us.
      if (this.#running.size > 0) return;
    }
    if (this.#timer && this.#timerAt <= next) return;
    this.#clearTimer();
    this.#timerAt = next;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.#pump();
    }, Math.max(0, next - now));
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  async #send(connector: CrmConnector, item: OutboxItem): Promise<void> {
    try {
      if (item.state === 'unknown') {
        const existing = (await connector.listLoggedEmails(item.crmContactId)).find(
          (e) => e.idempotencyKey === item.idempotencyKey,
        );
        if (existing) {
          log.info('item already in the CRM; recorded without resending', { outboxId: item.id });
          this.#done(item, existing.crmActivityId);
          return;
        }
      }
      const { crmActivityId } = await connector.logEmail(item.payload, {
        contacts: [item.crmContactId],
        ...(item.payload.related?.companies?.length ? { companies: item.payload.related.companies } : {}),
        ...(item.payload.related?.deals?.length ? { deals: item.payload.related.deals } : {}),
      });
      this.#done(item, crmActivityId);
    } catch (error) {
      this.#failed(item, error);
    }
  }

  #done(item: OutboxItem, crmActivityId: string): void {
    if (!this.#guard(() => this.#repo.markDone(item.id, crmActivityId))) return;
    this.#setOnline(true);
    this.#changed(item);
  }

  #failed(item: OutboxItem, error: unknown): void {
    const { decision, effects } = decideRetry(item, error, {
      now: this.#now(),
      backoff: this.#backoff,
      random: this.#random,
      unreachableRetryCapMs: this.#unreachableRetryCapMs,
      heldUntil: this.#heldUntil(item.crm),
    });
    this.#guard(() => {
      if (effects.online !== undefined) this.#setOnline(effects.online);
      if (effects.holdCrmUntil !== undefined) this.#holdUntil.set(item.crm, effects.holdCrmUntil);
      if (effects.offlineUntil !== undefined) this.#offlineUntil = Math.max(this.#offlineUntil, effects.offlineUntil);
      if (decision.action === 'fail') this.#repo.markFailed(item.id, decision.message);
      else this.#repo.markRetry(item.id, decision.at, decision.reason, decision.message, decision.outcome);
      if (effects.refused) {
        this.pause();
        this.#options.onAuthFailed?.(effects.refused);
      }
    });
    log.warn('outbox item not sent', { outboxId: item.id, attempts: item.attempts + 1, error: error instanceof Error ? error.name : 'error' });
    this.#changed(item);
  }

  /** Writes after close() may find the store closed; the row then stays in flight → checked on the next start. */
  #guard<T>(write: () => T): T | undefined {
    try {
      return write();
    } catch (error) {
      if (this.#closed) return undefined;
      throw error;
    }
  }

  #changed(item: OutboxItem): void {
    if (item.messageId !== null) this.#options.onItemsChanged?.([item.messageId]);
  }

  #setOnline(online: boolean): void {
    if (this.#online === online) return;
    this.#online = online;
    this.#options.onOnlineChange?.(online);
  }
}
