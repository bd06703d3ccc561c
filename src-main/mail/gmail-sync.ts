// Gmail synchronisation as Google describes it: a full sync (messages.list + messages.get)
// that records the mailbox's historyId, then incremental syncs from history.list; an
// expired historyId falls back to a full sync that fetches only what the store lacks.
// Reference: https://developers.google.com/gmail/api/guides/sync
import type { IncomingMessage, ParsedMessage } from './types.ts';
import type { EncodedContent } from '../store/message-values.ts';
import { HistoryExpiredError, type GmailProvider, type MessageRef } from './providers/gmail.ts';
import { createLogger } from '../platform/logger.ts';
import { SyncBatch } from './sync-batch.ts';

const log = createLogger('mail.sync');

/** What the sync engine needs of the store; one implementation wraps the repositories. */
export interface SyncStore {
  /** Gmail message ids the store holds for the account. */
  knownProviderIds(accountId: number): Set<string>;
  /** `encoded`: the compressed columns, when made ahead (WriteBehindStore does, off the writer thread). */
  saveMessages(accountId: number, items: Array<{ incoming: IncomingMessage; parsed: ParsedMessage; encoded?: EncodedContent }>): void;
  deleteMessages(accountId: number, providerIds: string[]): void;
  applyLabelChanges(accountId: number, providerId: string, added: string[], removed: string[]): void;
  saveLabels(accountId: number, labels: Array<{ id: string; name: string; type: string }>): void;
  getCursor(accountId: number): string | null;
  setCursor(accountId: number, cursor: string, kind: 'full' | 'incremental'): void;
}

export interface SyncProgress {
  phase: 'full' | 'incremental';
  /** Messages fetched and stored (or found already stored) so far. */
  done: number;
  /** Messages this run has to account for. */
  total: number;
}

export interface SyncResult {
  kind: 'full' | 'incremental';
  added: number;
  deleted: number;
  labelChanges: number;
  historyId: string;
}

export interface GmailSyncOptions {
  accountId: number;
  provider: GmailProvider;
  store: SyncStore;
  parse: (raw: Uint8Array) => Promise<ParsedMessage>;
  onProgress?: (progress: SyncProgress) => void;
  /** Messages per store transaction: small, so the event loop never stalls (DESIGN.md). */
  batchSize?: number;
  signal?: AbortSignal;
}

/** Messages fetched concurrently per window; bounds memory on very large mailboxes. */
const FETCH_WINDOW = 1_000;
/** Ids a full sync lists ahead of its fetches (4 pages, 20 quota units), to order them a conversation at a time. */
export const LIST_AHEAD = 2_000;
export { MAX_BATCH_DELAY_MS } from './sync-batch.ts';

export class GmailSync {
  readonly #o: Required<Omit<GmailSyncOptions, 'onProgress' | 'signal'>> & Pick<GmailSyncOptions, 'onProgress' | 'signal'>;

  constructor(options: GmailSyncOptions) {
    this.#o = { batchSize: 50, ...options };
  }

  /** Incremental when a cursor exists and is still valid, full otherwise. */
  async sync(): Promise<SyncResult> {
    const cursor = this.#o.store.getCursor(this.#o.accountId);
    if (cursor) {
      try {
        return await this.incremental(cursor);
      } catch (error) {
        if (!(error instanceof HistoryExpiredError)) throw error;
        log.warn('historyId expired; running a full sync', { accountId: this.#o.accountId });
      }
    }
    return this.full();
  }

  /**
   * Full sync: lists every message id, fetches only those the store lacks, removes local
   * messages the mailbox no longer has, then records the historyId read before listing,
   * so changes made during the sync are replayed by the next incremental run.
   *
   * The inbox fills newest first, a conversation at a time: ids are listed (500 a page,
   * newest first) at most LIST_AHEAD ahead of the fetches, and within that window the newest
   * message of each conversation not yet shown is fetched before the rest, so every early
   * fetch adds a row. Listing 100,000 ids before fetching would cost 1,000 quota units (4 s)
   * before the first message.
   */
  async full(): Promise<SyncResult> {
    const { provider, store, accountId } = this.#o;
    const profile = await provider.getProfile();
    store.saveLabels(accountId, await provider.listLabels());

    const known = store.knownProviderIds(accountId);
    const remoteIds = new Set<string>();
    const shownThreads = new Set<string>();
    // messagesTotal counts spam and trash too: an estimate until the listing ends.
    const progress = { phase: 'full' as const, done: 0, total: profile.messagesTotal };
    let window: MessageRef[] = [];
    let added = 0;
    const fetchWindow = async () => {
      const newest: MessageRef[] = [];
      const rest: MessageRef[] = [];
      for (const ref of window) {
        (shownThreads.has(ref.threadId) ? rest : newest).push(ref);
        shownThreads.add(ref.threadId);
      }
      window = [];
      added += await this.#fetchAndStore([...newest, ...rest], progress);
    };
    for await (const page of provider.listMessageRefs()) {
      this.#o.signal?.throwIfAborted();
      // Ids shift between pages when mail arrives mid-listing: each is counted and fetched once.
      const listed = page.refs.filter((ref) => !remoteIds.has(ref.id));
      for (const ref of listed) {
        remoteIds.add(ref.id);
        if (!known.has(ref.id)) {
          window.push(ref);
        } else {
          shownThreads.add(ref.threadId);
          progress.done += 1;
        }
      }
      progress.total = Math.max(progress.total, progress.done + window.length);
      this.#o.onProgress?.({ ...progress });
      if (window.length >= LIST_AHEAD) await fetchWindow();
    }
    if (window.length) await fetchWindow();
    const gone = [...known].filter((id) => !remoteIds.has(id));
    if (gone.length) store.deleteMessages(accountId, gone);
    store.setCursor(accountId, profile.historyId, 'full');
    this.#o.onProgress?.({ ...progress, total: progress.done });
    log.info('full sync done', { accountId, added, deleted: gone.length, total: remoteIds.size });
    return { kind: 'full', added, deleted: gone.length, labelChanges: 0, historyId: profile.historyId };
  }

  /** Incremental sync from `startHistoryId`; throws HistoryExpiredError when Gmail no longer has it. */
  async incremental(startHistoryId: string): Promise<SyncResult> {
    const { provider, store, accountId } = this.#o;
    const changes = await provider.listHistory(startHistoryId);
    const known = store.knownProviderIds(accountId);
    const toFetch = changes.added.filter((ref) => !known.has(ref.id));
    const progress = { phase: 'incremental' as const, done: 0, total: toFetch.length };
    const added = await this.#fetchAndStore(toFetch, progress);

    const deleted = changes.deleted.filter((id) => known.has(id));
    if (deleted.length) store.deleteMessages(accountId, deleted);
    let labelChanges = 0;
    for (const change of changes.labelChanges) {
      if (!known.has(change.id)) continue; // a message fetched above already carries its labels
      store.applyLabelChanges(accountId, change.id, change.added, change.removed);
      labelChanges += 1;
    }
    store.setCursor(accountId, changes.historyId, 'incremental');
    return { kind: 'incremental', added, deleted: deleted.length, labelChanges, historyId: changes.historyId };
  }

  /** Fetches raw messages through the provider's paced pool, parses and stores them in small batches. */
  async #fetchAndStore(refs: MessageRef[], progress: SyncProgress): Promise<number> {
    const { provider, store, accountId, parse, batchSize } = this.#o;
    const batch = new SyncBatch({ store, accountId, batchSize, progress, onProgress: this.#o.onProgress });
    for (let start = 0; start < refs.length; start += FETCH_WINDOW) {
      this.#o.signal?.throwIfAborted();
      // Settled, not raced: after an abort (or a failure) the requests already sent still
      // finish, and what they fetched is stored before the error is thrown, so a sync that
      // is stopped and started again fetches no message twice. The provider rejects the
      // requests not yet sent as soon as the signal aborts.
      const outcomes = await Promise.allSettled(
        refs.slice(start, start + FETCH_WINDOW).map(async (ref) => {
          const incoming = await provider.getMessage(ref.id);
          if (!incoming) {
            progress.total -= 1; // deleted between list and get; history will say so
            return;
          }
          batch.push({ incoming, parsed: await parse(incoming.raw) });
        }),
      );
      batch.flush();
      this.#o.signal?.throwIfAborted();
      const failed = outcomes.find((o) => o.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return batch.stored;
  }
}
