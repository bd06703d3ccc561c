// Syncing mail accounts, whatever their provider: one sync per account at a time (a second
// request joins the one under way), run in the mail worker so the main thread stays free,
// with the account's sync state kept in the store and progress and changes published.
import { MailWorkerFailure, type JobRunner } from '../mail/mail-worker-client.ts';
import type { SyncResult } from '../mail/gmail-sync.ts';
import type { SyncScope } from '../mail/graph-sync.ts';
import { AppError } from '../platform/app-error.ts';
import type { AppEvents } from '../platform/app-events.ts';
import { createLogger } from '../platform/logger.ts';
import { throttle } from '../platform/throttle.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { Account } from '../store/types.ts';
import type { ProviderAccounts } from './provider-account.ts';
import type { EventPayload } from '../../src-preload/contract/index.ts';

const log = createLogger('accounts.sync');

type SyncPhase = EventPayload<'sync:progress'>['phase'];

/** Least time between two mail:changed events while a sync commits batches, ms. */
const MAIL_CHANGED_INTERVAL_MS = 1_000;

/**
 * Time left (ms) at the rate seen since `startedAt`, or null until there is a rate to go by
 * (2 s and some messages in). Counts only messages done in this run, so a resumed sync's
 * head start does not flatter the estimate.
 */
function remainingTime(startedAt: number): (done: number, total: number) => number | null {
  let first: number | null = null;
  return (done, total) => {
    first ??= done;
    const elapsed = Date.now() - startedAt;
    const rate = (done - first) / elapsed;
    if (elapsed < 2_000 || rate <= 0 || total <= done) return null;
    return Math.round((total - done) / rate);
  };
}

export interface AccountSyncOptions {
  store: ProfileStore;
  providers: readonly ProviderAccounts[];
  runJob: JobRunner;
  events: AppEvents;
  /** Messages a sync stored (ids), for contact matching and the auto-log rule; must not throw. */
  onSynced(messageIds: number[]): void;
}

/** A sync under way, with the scope it walks. */
type RunningSync = Promise<SyncResult> & { scope: SyncScope };

export class AccountSync {
  readonly #o: AccountSyncOptions;
  readonly #running = new Map<number, RunningSync>();
  /** Aborted by close(), so quitting stops running sync workers. */
  readonly #shutdown = new AbortController();

  constructor(options: AccountSyncOptions) {
    this.#o = options;
  }

  /**
   * Syncs one account: full the first time, then incremental (Gmail history, Graph delta);
   * `scope` 'new-mail' limits an Outlook round to Inbox and Sent Items (default 'all'). A call
   * while the account syncs joins the sync under way. Rejects with AppError not_found (no such account), invalid_input (not a synced
   * mailbox, or its provider unconfigured), reconnect_required (credentials refused), or the
   * worker's failure; each failure is also recorded in the account's sync state.
   */
  sync(accountId: number, options: { signal?: AbortSignal; scope?: SyncScope } = {}): Promise<SyncResult> {
    const scope = options.scope ?? 'all';
    const running = this.#running.get(accountId);
    if (running) {
      // A whole round asked for while a new-mail check runs comes right after it, once.
      if (scope === 'all' && running.scope === 'new-mail') {
        const queued: RunningSync = Object.assign(
          running
            .then(() => undefined, () => undefined)
            .then(() => {
              if (this.#running.get(accountId) === queued) this.#running.delete(accountId);
              if (this.#shutdown.signal.aborted) throw new AppError('internal', 'the app is closing');
              return this.sync(accountId, options);
            }),
          { scope },
        );
        this.#running.set(accountId, queued);
        return queued;
      }
      return running;
    }
    const signal = options.signal ? AbortSignal.any([options.signal, this.#shutdown.signal]) : this.#shutdown.signal;
    const sync: RunningSync = Object.assign(
      this.#run(accountId, signal, scope).finally(() => {
        if (this.#running.get(accountId) === sync) this.#running.delete(accountId);
      }),
      { scope },
    );
    this.#running.set(accountId, sync);
    return sync;
  }

  /** Starts (or joins) a sync in the background; a failure is logged and shows in the account's sync state. */
  start(accountId: number, scope: SyncScope = 'all'): void {
    this.sync(accountId, { scope }).catch((error: unknown) => log.warn('sync failed', { accountId, error }));
  }

  /** Stops running syncs and waits for their workers to end. */
  async close(): Promise<void> {
    this.#shutdown.abort();
    await Promise.allSettled(this.#running.values());
  }

  async #run(accountId: number, signal: AbortSignal, scope: SyncScope): Promise<SyncResult> {
    const { store, events } = this.#o;
    const account = store.accounts.get(accountId);
    if (!account) throw new AppError('not_found', `no account ${accountId}`);
    const provider = this.#o.providers.find((p) => p.provider === account.provider);
    if (!provider) throw new AppError('invalid_input', `${account.email} is not a mailbox to sync`);
    const job = { ...provider.syncJob(accountId), scope };
    store.syncState.set(accountId, { state: store.syncState.get(accountId)?.historyCursor ? 'incremental' : 'full_sync' });
    const startedAt = Date.now();
    const eta = remainingTime(startedAt);
    const progress = (phase: SyncPhase, done = 0, total = 0) => {
      const remainingMs = eta(done, total);
      events.publish({ name: 'sync:progress', payload: { accountId, phase, done, total, ...(remainingMs === null ? {} : { remainingMs }) } });
    };
    // The worker reports after each committed batch: the inbox fills while the sync runs.
    const mailChanged = throttle(() => events.publish({ name: 'mail:changed', payload: { accountId } }), MAIL_CHANGED_INTERVAL_MS);
    try {
      const result = await this.#o.runJob(job, {
        onProgress: (p) => {
          if (p.phase === 'import') return;
          progress(p.phase, p.done, p.total);
          if (p.done > 0) mailChanged();
        },
        signal,
      });
      mailChanged.cancel();
      progress('idle');
      // New correspondents may be CRM contacts, and the auto-log rule applies to new mail.
      this.#o.onSynced(store.inbox.messageIdsCreatedSince(accountId, startedAt));
      // A new-mail check that found nothing (every 30 s) tells the renderer nothing: its
      // sync:progress 'idle' already refreshes the account's last-sync time.
      if (result.kind === 'full' || result.added + result.deleted + result.labelChanges > 0) {
        events.publish({ name: 'mail:changed', payload: { accountId } });
        events.publish({ name: 'accounts:changed', payload: null });
      }
      return result;
    } catch (error) {
      mailChanged.cancel();
      events.publish({ name: 'mail:changed', payload: { accountId } });
      progress('error');
      events.publish({ name: 'accounts:changed', payload: null });
      throw this.#recordFailure(account, provider, error);
    }
  }

  #recordFailure(account: Account, provider: ProviderAccounts, error: unknown): unknown {
    const { store } = this.#o;
    if (error instanceof MailWorkerFailure && error.kind === 'reconnect_required') {
      store.accounts.setStatus(account.id, 'reconnect_required');
      store.syncState.set(account.id, { state: 'error', lastError: `${provider.issuer} access was revoked or expired; reconnect required` });
      return new AppError('reconnect_required', `${account.email}: reconnect required`);
    }
    const failed = { state: 'error', lastError: error instanceof Error ? error.message : String(error) } as const;
    try {
      store.syncState.set(account.id, failed);
    } catch (unwritten) {
      // A full disk may refuse even this row: the rep is told from memory, and the sync's own error is what is thrown.
      log.warn('could not record the failed sync; it is kept in memory', { accountId: account.id, error: unwritten });
      store.syncState.rememberUnwritten(account.id, failed);
    }
    return error;
  }
}
