// "Keep full messages on this computer for the last N months" (settings.keepFullMessagesMonths,
// null = all, the default): older messages are pruned to what the inbox and search need
// (store/server-only-bodies.ts), and a pruned message is fetched back from its provider when
// the rep opens it or one of its attachments — Gmail users.messages.get format=raw, Graph
// /me/messages/{id}/$value, IMAP UID FETCH — then kept again, decoded as at sync.
import { AppError } from '../platform/app-error.ts';
import type { AppEvents } from '../platform/app-events.ts';
import { runInBatches, type BackgroundBatches } from '../platform/background-batches.ts';
import { createLogger } from '../platform/logger.ts';
import { parseMessage } from '../mail/mime/index.ts';
import type { RemoteMailbox } from '../mail/remote/remote-mailbox.ts';
import type { ProfileStore } from '../store/profile-store.ts';

const log = createLogger('accounts.server-only');
const MONTH_MS = 30.44 * 24 * 3600_000;

export interface ServerOnlyMailOptions {
  store: Pick<ProfileStore, 'messages' | 'serverOnlyBodies' | 'reclaimSpace'>;
  /** The provider side of an account; null for an imported mailbox. The caller's, closed here after use. */
  mailbox(accountId: number): RemoteMailbox | null;
  events: Pick<AppEvents, 'publish'>;
  /** Months of full messages to keep; null keeps everything. */
  keepMonths(): number | null;
  now?: () => number;
}

export class ServerOnlyMail {
  readonly #o: ServerOnlyMailOptions;
  /** One fetch per message at a time; a second ask joins the first. */
  readonly #inFlight = new Map<number, Promise<void>>();
  #pruning: BackgroundBatches | null = null;
  #closed = false;

  constructor(options: ServerOnlyMailOptions) {
    this.#o = options;
  }

  /** Starts fetching these messages (those only the provider holds) in the background; each arrival publishes mail:changed. */
  request(messageIds: readonly number[]): void {
    for (const id of this.#o.store.serverOnlyBodies.serverOnly(messageIds)) {
      this.ensure(id).catch((error: unknown) => log.warn('could not fetch a message kept on the server; it is asked again when opened', { messageId: id, error }));
    }
  }

  /**
   * Resolves once the message's source and bodies are on this computer (at once when they
   * are). Rejects with AppError not_found (gone from the provider, or an imported mailbox) or
   * the provider's failure (offline, reconnect required), leaving it as it was.
   */
  ensure(messageId: number): Promise<void> {
    const running = this.#inFlight.get(messageId);
    if (running) return running;
    const message = this.#o.store.messages.getMessage(messageId);
    if (!message) return Promise.reject(new AppError('not_found', 'this message is no longer on this computer'));
    if (!message.serverOnly) return Promise.resolve();
    const fetched = (async () => {
      const mailbox = this.#o.mailbox(message.accountId);
      if (!mailbox) throw new AppError('not_found', 'this message’s full text is not on this computer, and its mailbox was imported');
      try {
        const raw = await mailbox.fetchSource(message.providerMessageId);
        if (!raw) throw new AppError('not_found', 'the provider no longer has this message');
        const parsed = await parseMessage(raw);
        if (this.#closed) return;
        if (this.#o.store.serverOnlyBodies.restore(messageId, raw, parsed.text, parsed.html)) {
          log.info('message fetched from the server', { messageId });
          this.#o.events.publish({ name: 'mail:changed', payload: { accountId: message.accountId } });
        }
      } finally {
        await mailbox.close();
      }
    })().finally(() => this.#inFlight.delete(messageId));
    this.#inFlight.set(messageId, fetched);
    return fetched;
  }

  /** Prunes what the setting no longer keeps, in background batches (none when it keeps everything); a run under way is stopped first. */
  prune(): BackgroundBatches | null {
    this.#pruning?.stop();
    const months = this.#o.keepMonths();
    if (months === null) return (this.#pruning = null);
    const before = (this.#o.now ?? Date.now)() - months * MONTH_MS;
    let pruned = 0;
    let logged = false;
    this.#pruning = runInBatches(
      () => {
        const n = this.#o.store.serverOnlyBodies.pruneBatch(before);
        pruned += n;
        if (n > 0) return n;
        if (pruned > 0 && !logged) log.info('older messages kept on the server only', { pruned, months });
        logged = true;
        // Then their pages go back to the disk, a step at a time.
        return this.#o.store.reclaimSpace();
      },
      { onError: (error) => log.warn('pruning older messages failed; they stay on this computer', { error }) },
    );
    return this.#pruning;
  }

  /** Stops pruning; a fetch under way is not stored once this returns (the store closes next). */
  stop(): void {
    this.#closed = true;
    this.#pruning?.stop();
  }
}
