// What the mail worker and its store writer thread exchange (write-behind-store.ts,
// store-writer.ts): ordered write calls one way, failures and log lines back, and a shared
// counter of the calls applied so far, which the worker can wait on without its event loop.
import type { MessagePort } from 'node:worker_threads';
import type { LogLevel } from '../platform/logger.ts';
import type { ImapSyncStore } from './imap-sync.ts';

/** The sync store's write calls, applied by the writer in the order they were made. */
export const WRITE_METHODS = ['saveMessages', 'deleteMessages', 'applyLabelChanges', 'saveLabels', 'setCursor', 'setFolderRoles', 'renameMessages'] as const;
export type WriteMethod = (typeof WRITE_METHODS)[number];

/** Int32 slots of the shared state: the last call applied (or skipped after a failure), and 1 once one failed. */
export const DONE_SLOT = 0;
export const FAILED_SLOT = 1;

export interface StoreWriterData {
  databasePath: string;
  databaseKey: string;
  /** Int32Array over a SharedArrayBuffer of 2 slots (DONE_SLOT, FAILED_SLOT). */
  state: Int32Array;
  /** Failures and log lines go back here (read with receiveMessageOnPort while the worker waits). */
  results: MessagePort;
}

/** Worker → writer, on the writer's parentPort. Sequence numbers start at 1 and rise by 1. */
export type WriterRequest =
  | { type: 'write'; seq: number; method: WriteMethod; args: Parameters<ImapSyncStore[WriteMethod]> }
  | { type: 'close' };

/** A store error as it crosses threads: its code (SQLITE_FULL…) is what the worker describes to the rep. */
export interface WriterError {
  name: string;
  message: string;
  code?: string;
}

/** Writer → worker, on `results`. After a failure the writer applies nothing more. */
export type WriterResult =
  | { type: 'failed'; seq: number; error: WriterError }
  | { type: 'log'; line: string; level: LogLevel };
