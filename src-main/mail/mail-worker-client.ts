// Starts a bulk job (sync, import) in a worker thread and turns its messages back into a
// promise, progress callbacks and log lines on the main thread's sink.
import { Worker } from 'node:worker_threads';
import { writeLogLine } from '../platform/logger.ts';
import { WORKER_RESOURCE_LIMITS, type JobProgress, type JobResults, type MailWorkerData, type MailWorkerError, type MailWorkerMessage, type WorkerJob } from './mail-worker-protocol.ts';

/** A job the worker reported as failed; `kind` says whether the account needs reconnecting. */
export class MailWorkerFailure extends Error {
  readonly kind: MailWorkerError['kind'];
  constructor(error: MailWorkerError) {
    super(error.message);
    this.name = 'MailWorkerFailure';
    this.kind = error.kind;
  }
}

// Source runs as .ts (Node type stripping); the electron-vite bundle puts mail-worker.js
// beside the main bundle, which is where this module ends up too.
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './mail-worker.ts' : './mail-worker.js', import.meta.url);

export function runInWorker<J extends WorkerJob>(
  data: MailWorkerData & { job: J },
  options: { onProgress?: (progress: JobProgress) => void; signal?: AbortSignal } = {},
): Promise<JobResults[J['kind']]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: data, resourceLimits: WORKER_RESOURCE_LIMITS });
    let settled = false;
    const abort = () => worker.postMessage({ type: 'abort' });
    options.signal?.addEventListener('abort', abort, { once: true });
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', abort);
      // The worker listens for 'abort' on its port, which keeps it alive once done.
      void worker.terminate();
      fn();
    };
    worker.on('message', (message: MailWorkerMessage) => {
      if (message.type === 'progress') options.onProgress?.(message.progress);
      else if (message.type === 'log') writeLogLine(message.line, message.level);
      else if (message.type === 'result') finish(() => resolve(message.result as JobResults[J['kind']]));
      else finish(() => reject(new MailWorkerFailure(message.error)));
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`mail worker exited with code ${code} before reporting`))));
  });
}

/** Runs jobs against one database: what the account sync and the import share. */
export type JobRunner = <J extends WorkerJob>(
  job: J,
  options?: { onProgress?: (progress: JobProgress) => void; signal?: AbortSignal },
) => Promise<JobResults[J['kind']]>;

/** A JobRunner for the database at `databasePath`; the key stays in memory, handed to each worker. */
export function workerRunner(database: Omit<MailWorkerData, 'job'>): JobRunner {
  return (job, options) => runInWorker({ ...database, job }, options);
}
