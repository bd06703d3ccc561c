// The store transactions of a sync: fetched messages are gathered and committed once a batch
// is full or has waited MAX_BATCH_DELAY_MS, so the inbox fills steadily at any fetch rate,
// with progress reported after each commit.
import type { IncomingMessage, ParsedMessage } from './types.ts';
import type { SyncProgress, SyncStore } from './gmail-sync.ts';

/**
 * A batch is committed once it is full or has waited this long (ms): at Gmail's quota (about
 * 50 messages/s) a batch of 200 would otherwise keep fetched mail out of the inbox for 4 s.
 */
export const MAX_BATCH_DELAY_MS = 1_000;

export type SyncItem = { incoming: IncomingMessage; parsed: ParsedMessage };

export interface SyncBatchOptions {
  store: Pick<SyncStore, 'saveMessages'>;
  accountId: number;
  /** Messages per transaction. */
  batchSize: number;
  /** Counted up by each commit. */
  progress: SyncProgress;
  onProgress?: ((progress: SyncProgress) => void) | undefined;
}

export class SyncBatch {
  /** Messages committed so far. */
  stored = 0;
  #items: SyncItem[] = [];
  #openedAt = 0;
  readonly #o: SyncBatchOptions;

  constructor(options: SyncBatchOptions) {
    this.#o = options;
  }

  /** Adds a message; commits the batch when it is full or old enough. */
  push(item: SyncItem): void {
    if (!this.#items.length) this.#openedAt = Date.now();
    this.#items.push(item);
    if (this.#items.length >= this.#o.batchSize || Date.now() - this.#openedAt >= MAX_BATCH_DELAY_MS) this.flush();
  }

  /** Commits what is gathered (one transaction) and reports progress. */
  flush(): void {
    if (!this.#items.length) return;
    this.#o.store.saveMessages(this.#o.accountId, this.#items);
    this.stored += this.#items.length;
    this.#o.progress.done += this.#items.length;
    this.#items = [];
    this.#o.onProgress?.({ ...this.#o.progress });
  }
}
