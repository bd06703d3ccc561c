// The store writer: a thread of the mail worker with its own connection to the encrypted
// store, which applies the sync's writes (message batches, deletions, label changes, the
// cursor) in the order the sync made them. Committing a batch — compression, FTS5 indexing,
// encryption, the WAL append — costs about as much CPU as fetching and parsing it, so on its
// own core it no longer holds the fetch up (issue 9 item 5: the second core was idle).
// Once a write fails nothing later is applied: a cursor never moves past messages that were
// not stored.
import { parentPort, workerData } from 'node:worker_threads';
import { setLogSink } from '../platform/logger.ts';
import { openEncryptedDatabase } from '../store/database.ts';
import { createProfileStore, type ProfileStore } from '../store/profile-store.ts';
import { imapSyncStoreFor } from './imap-sync-store.ts';
import { DONE_SLOT, FAILED_SLOT, type StoreWriterData, type WriterError, type WriterRequest, type WriterResult } from './store-writer-protocol.ts';
import type { ImapSyncStore } from './imap-sync.ts';

const data = workerData as StoreWriterData;
const send = (result: WriterResult) => data.results.postMessage(result);
setLogSink((line, level) => send({ type: 'log', line, level }), 'debug');

/** A store error as it crosses back: its code (SQLITE_FULL…) is what the worker describes to the rep. */
function asWriterError(error: unknown): WriterError {
  const { name, message, code } = error as Error & { code?: unknown };
  return { name: String(name), message: String(message), ...(typeof code === 'string' ? { code } : {}) };
}

// A store that cannot be opened (a wrong key, a full disk) fails the first write, like any
// other failure, instead of leaving the worker to wait for writes that never come.
let store: ProfileStore | null = null;
let target: ImapSyncStore | null = null;
let openFailure: WriterError | null = null;
try {
  store = createProfileStore(openEncryptedDatabase({ path: data.databasePath, key: data.databaseKey }));
  target = imapSyncStoreFor(store);
} catch (error) {
  openFailure = asWriterError(error);
}
let failed = false;
const fail = (seq: number, error: WriterError) => {
  failed = true;
  send({ type: 'failed', seq, error });
  Atomics.store(data.state, FAILED_SLOT, 1);
};

parentPort!.on('message', (request: WriterRequest) => {
  if (request.type === 'close') {
    store?.close();
    data.results.close();
    parentPort!.close();
    return;
  }
  if (!failed && openFailure) fail(request.seq, openFailure);
  if (!failed) {
    try {
      (target![request.method] as (...args: unknown[]) => void)(...request.args);
    } catch (error) {
      fail(request.seq, asWriterError(error));
    }
  }
  Atomics.store(data.state, DONE_SLOT, request.seq);
  Atomics.notify(data.state, DONE_SLOT);
});
