// Delivers what the rep did to conversations: each action is stored and shown at once
// (MailActionRepository), then replayed to the account's provider one at a time in the order
// it was made, through the network's absence, restarts and retries. Label changes are
// idempotent, so an attempt whose answer was lost is simply made again.
import { backoffDelay } from '../../platform/backoff.ts';
import type { AppEvents } from '../../platform/app-events.ts';
import { createLogger } from '../../platform/logger.ts';
import type { MailActionName } from '../../store/mail-action-repository.ts';
import type { ProfileStore } from '../../store/profile-store.ts';
import { PermanentProviderError, type RemoteMailbox } from '../remote/remote-mailbox.ts';
import { labelEffect, messagesActedOn, type FolderRoles } from './label-effects.ts';

const log = createLogger('mail.actions');

export interface MailActionQueueOptions {
  store: ProfileStore;
  /** The account's provider side; null for mailboxes with none (imports): their actions stay local. */
  mailbox(accountId: number): RemoteMailbox | null;
  /**
   * Whether the provider lets us change the account's mail (sending scopes granted). An
   * account signed in read-only keeps its actions on this computer, as an import does.
   */
  canChange(accountId: number): boolean;
  events: AppEvents;
  random?: () => number;
}

export class MailActionQueue {
  readonly #o: MailActionQueueOptions;
  readonly #running = new Map<number, Promise<void>>();
  readonly #timers = new Map<number, NodeJS.Timeout>();
  #closed = false;

  constructor(options: MailActionQueueOptions) {
    this.#o = options;
  }

  /**
   * Applies `action` to every stored message of these conversations and queues it for the
   * provider. Unknown thread ids are skipped. Publishes mail:changed per account touched.
   */
  act(threadIds: readonly number[], action: MailActionName, label?: { accountId: number; providerLabelId: string }): void {
    const { store } = this.#o;
    if ((action === 'label' || action === 'unlabel') !== (label !== undefined)) throw new Error(`${action} takes a label exactly when it is label or unlabel`);
    const byAccount = new Map<number, string[]>();
    for (const threadId of new Set(threadIds)) {
      for (const m of messagesActedOn(action, store.mailActions.targets([threadId]))) {
        // A label belongs to one account: other accounts' conversations are left alone.
        if (label && m.accountId !== label.accountId) continue;
        const ids = byAccount.get(m.accountId) ?? [];
        ids.push(m.providerMessageId);
        byAccount.set(m.accountId, ids);
      }
    }
    for (const [accountId, ids] of byAccount) {
      const account = store.accounts.get(accountId);
      if (!account) continue;
      const roles: FolderRoles = (role) => store.mailActions.roleLabel(accountId, role);
      const id = store.mailActions.enqueue(accountId, action, ids, labelEffect(account.provider, action, roles, label?.providerLabelId));
      const local = account.provider === 'import' || !this.#o.canChange(accountId);
      if (local) store.mailActions.markDone(id);
      this.#o.events.publish({ name: 'mail:changed', payload: { accountId } });
      if (!local) this.#kick(accountId);
    }
  }

  /** Delivers whatever waits, now (start-up, the network back, an account reconnected). */
  retryNow(): void {
    for (const { accountId } of this.#o.store.mailActions.pendingAccounts()) this.#kick(accountId);
  }

  /** Waits for deliveries under way; nothing new starts. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    await Promise.allSettled(this.#running.values());
  }

  #kick(accountId: number): void {
    if (this.#closed || this.#running.has(accountId)) return;
    clearTimeout(this.#timers.get(accountId));
    this.#timers.delete(accountId);
    const run = this.#deliver(accountId).finally(() => this.#running.delete(accountId));
    this.#running.set(accountId, run);
  }

  async #deliver(accountId: number): Promise<void> {
    const { store } = this.#o;
    let mailbox: RemoteMailbox | null = null;
    try {
      for (;;) {
        const next = store.mailActions.pending(accountId)[0];
        if (!next || this.#closed) return;
        const wait = next.nextAttemptAt - Date.now();
        if (wait > 0) {
          this.#timers.set(accountId, setTimeout(() => this.#kick(accountId), wait).unref());
          return;
        }
        try {
          mailbox ??= this.#o.mailbox(accountId);
          if (!mailbox) {
            store.mailActions.markDone(next.id);
            continue;
          }
          const label = next.action === 'label' ? next.effect.added[0] : next.action === 'unlabel' ? next.effect.removed[0] : undefined;
          await mailbox.apply(next.action, next.providerIds, label);
          store.mailActions.markDone(next.id);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          if (error instanceof PermanentProviderError) {
            // The local copy follows the provider again from the next sync.
            log.warn('the provider refused a mail action', { accountId, action: next.action, reason });
            store.mailActions.markFailed(next.id, reason);
            this.#o.events.publish({ name: 'mail:changed', payload: { accountId } });
            continue;
          }
          const delay = backoffDelay(next.attempts + 1, undefined, this.#o.random);
          log.info('mail action waits for the provider', { accountId, action: next.action, retryInMs: delay, reason });
          store.mailActions.markRetry(next.id, reason, Date.now() + delay);
        }
      }
    } finally {
      await mailbox?.close();
    }
  }
}
