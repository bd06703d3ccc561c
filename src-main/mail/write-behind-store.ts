// The sync store as the mail worker hands it to a sync engine, with the writes behind: each
// write call is posted to the store writer thread (store-writer.ts) and returns at once, so
// the worker fetches and parses the next batch while the last one commits on the other core.
// Messages are compressed on the thread with time for it (`compressBeforePosting`): here for
// IMAP, whose fetching is cheap and whose writer is the bottleneck, by the writer for Gmail
// and Graph, whose HTTP and JSON keep this thread the busier one (bench: each way is 10–25%
// faster than the other for its kind). Compressed here, less also crosses between the threads.
// Reads wait until every earlier write is applied, then read through the worker's own
// connection (WAL: it sees what the writer committed), so an engine reads its own writes
// exactly as it did with a synchronous store. Waiting uses Atomics.wait on a shared counter:
// the worker is a thread of its own, and blocking it blocks neither the app nor the writer.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { once } from 'node:events';
import { writeLogLine } from '../platform/logger.ts';
import { encodeContent } from '../store/message-values.ts';
import type { GraphSyncStore } from './graph-sync.ts';
import type { ImapSyncStore } from './imap-sync.ts';
import { WORKER_RESOURCE_LIMITS } from './mail-worker-protocol.ts';
import {
  DONE_SLOT, FAILED_SLOT, WRITE_METHODS, type StoreWriterData, type WriteMethod, type WriterError, type WriterRequest, type WriterResult,
} from './store-writer-protocol.ts';

// Source runs as .ts (Node type stripping); the electron-vite bundle puts store-writer.js beside mail-worker.js.
const WRITER_URL = new URL(import.meta.url.endsWith('.ts') ? './store-writer.ts' : './store-writer.js', import.meta.url);

/** Message batches posted and not yet committed before saveMessages waits: one committing, one queued. */
const DEFAULT_PENDING_BATCHES = 2;
/** A writer that applies nothing for this long (ms) is taken for stopped: far past SQLite's 5 s busy timeout. */
const STALL_LIMIT_MS = 120_000;

/** A write the store writer could not apply; `code` is SQLite's (SQLITE_FULL, …) where it had one. */
export class StoreWriteError extends Error {
  readonly code: string | undefined;
  constructor(error: WriterError) {
    super(error.message);
    this.name = error.name === 'Error' ? 'StoreWriteError' : error.name;
    this.code = error.code;
  }
}

export interface WriteBehindOptions {
  databasePath: string;
  databaseKey: string;
  /** Message batches in flight before saveMessages blocks (default 2): bounds the memory held. */
  pendingBatches?: number;
  /** Compress messages on this thread before posting them (default false: the writer compresses). */
  compressBeforePosting?: boolean;
}

type SaveItems = Parameters<GraphSyncStore['saveMessages']>[1];
const NOTHING = new Uint8Array(0);

/** A batch with its content compressed, and without the plain source and HTML the writer no longer reads. */
function encodedBatch(items: SaveItems): SaveItems {
  return items.map(({ incoming, parsed, encoded }) => ({
    incoming: { ...incoming, raw: NOTHING },
    parsed: { ...parsed, html: null },
    encoded: encoded ?? encodeContent(incoming.raw, parsed),
  }));
}

export class WriteBehindStore {
  readonly #worker: Worker;
  readonly #results: MessagePort;
  readonly #state = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  readonly #pendingBatches: number;
  readonly #compressBeforePosting: boolean;
  /** Sequence numbers of the saveMessages calls posted, oldest first, while not known to be done. */
  readonly #batches: number[] = [];
  /** Callbacks waiting for every write posted before them. */
  #waiting: Array<{ seq: number; run: () => void }> = [];
  readonly #timer: NodeJS.Timeout;
  #posted = 0;
  #failure: StoreWriteError | null = null;
  #closed = false;

  constructor(options: WriteBehindOptions) {
    this.#pendingBatches = Math.max(1, options.pendingBatches ?? DEFAULT_PENDING_BATCHES);
    this.#compressBeforePosting = options.compressBeforePosting ?? false;
    const { port1, port2 } = new MessageChannel();
    this.#results = port1;
    const data: StoreWriterData = { databasePath: options.databasePath, databaseKey: options.databaseKey, state: this.#state, results: port2 };
    this.#worker = new Worker(WRITER_URL, { workerData: data, transferList: [port2], resourceLimits: WORKER_RESOURCE_LIMITS });
    // Progress callbacks and log lines also flow while the engine waits on the network.
    this.#timer = setInterval(() => this.#pump(), 100).unref();
  }

  /**
   * `reader` with its write calls posted to the writer. Every call, read or write, first
   * throws the writer's failure (StoreWriteError) if one happened; reads wait for every
   * earlier write, and saveMessages waits while `pendingBatches` batches are not committed.
   */
  syncStore(reader: ImapSyncStore): ImapSyncStore {
    const writes = Object.fromEntries(WRITE_METHODS.map((method) => [method, (...args: unknown[]) => this.#write(method, args)]));
    return {
      knownProviderIds: (accountId) => (this.drain(), reader.knownProviderIds(accountId)),
      getCursor: (accountId) => (this.drain(), reader.getCursor(accountId)),
      labelsByMessage: (accountId) => (this.drain(), reader.labelsByMessage(accountId)),
      messageIdentities: (accountId, ids) => (this.drain(), reader.messageIdentities(accountId, ids)),
      ...writes,
    } as ImapSyncStore;
  }

  /** Runs `callback` once every write made so far is applied (progress after the commit it reports). */
  afterWrites(callback: () => void): void {
    this.#waiting.push({ seq: this.#posted, run: callback });
    this.#pump();
  }

  /** Waits until every write made so far is applied; throws StoreWriteError when one failed. */
  drain(): void {
    this.#waitFor(this.#posted);
    this.#pump();
    this.#throwIfFailed();
  }

  /** Applies what is posted (even after a failure elsewhere), then closes the writer's connection and thread. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#waitFor(this.#posted);
    } finally {
      this.#pump();
      clearInterval(this.#timer);
      const exited = once(this.#worker, 'exit');
      this.#worker.postMessage({ type: 'close' } satisfies WriterRequest);
      await exited;
      this.#results.close();
    }
  }

  #write(method: WriteMethod, args: unknown[]): void {
    this.#throwIfFailed();
    if (this.#closed) throw new Error('the store writer is closed');
    if (method === 'saveMessages') {
      if (this.#batches.length >= this.#pendingBatches) this.#waitFor(this.#batches[this.#batches.length - this.#pendingBatches]!);
      this.#batches.push(this.#posted + 1);
    }
    this.#posted += 1;
    const compress = method === 'saveMessages' && this.#compressBeforePosting;
    const posted = compress ? [args[0], encodedBatch(args[1] as SaveItems)] : args;
    this.#worker.postMessage({ type: 'write', seq: this.#posted, method, args: posted } as WriterRequest);
    this.#pump();
  }

  /** Blocks until the writer has applied call `seq`. */
  #waitFor(seq: number): void {
    let seen = Atomics.load(this.#state, DONE_SLOT);
    let since = Date.now();
    while (seen < seq) {
      Atomics.wait(this.#state, DONE_SLOT, seen, 1_000);
      const now = Atomics.load(this.#state, DONE_SLOT);
      if (now !== seen) [seen, since] = [now, Date.now()];
      else if (Date.now() - since > STALL_LIMIT_MS) {
        this.#failure ??= new StoreWriteError({ name: 'StoreWriteError', message: `the store writer applied nothing for ${STALL_LIMIT_MS / 1000} s` });
        throw this.#failure;
      }
    }
  }

  /** Reads the writer's messages, forgets committed batches and runs the callbacks whose writes are applied. */
  #pump(): void {
    for (let message = receiveMessageOnPort(this.#results); message; message = receiveMessageOnPort(this.#results)) {
      const result = message.message as WriterResult;
      if (result.type === 'log') writeLogLine(result.line, result.level);
      else this.#failure ??= new StoreWriteError(result.error);
    }
    const done = Atomics.load(this.#state, DONE_SLOT);
    while (this.#batches.length && this.#batches[0]! <= done) this.#batches.shift();
    // After a failure the writer skips what follows: nothing after it is done, so nothing is reported.
    if (this.#failure) this.#waiting = [];
    if (!this.#waiting.length || this.#waiting[0]!.seq > done) return;
    const ready = this.#waiting.filter((w) => w.seq <= done);
    this.#waiting = this.#waiting.filter((w) => w.seq > done);
    for (const w of ready) w.run();
  }

  #throwIfFailed(): void {
    if (!this.#failure && Atomics.load(this.#state, FAILED_SLOT)) {
      // The failure is posted before the flag is raised; it is in the port's queue by now.
      this.#pump();
      this.#failure ??= new StoreWriteError({ name: 'StoreWriteError', message: 'a write to the store failed' });
    }
    if (this.#failure) throw this.#failure;
  }
}
