// Messages between the main thread and the mail worker (structured-clone data only). The
// worker runs the bulk jobs that write to the store: a Gmail, Graph or IMAP sync, or an offline import.
import type { GoogleOAuthConfig, MicrosoftOAuthConfig } from '../auth/index.ts';
import type { LogLevel } from '../platform/logger.ts';
import type { ImapOAuthClient } from './providers/imap-auth.ts';
import type { SyncProgress, SyncResult } from './gmail-sync.ts';
import type { ImportResult } from './import/importer.ts';
import type { GraphSyncResult, SyncScope } from './graph-sync.ts';

export type WorkerJob =
  | {
      kind: 'gmail-sync';
      accountId: number;
      oauth: GoogleOAuthConfig;
      provider: { rootUrl?: string; unitsPerSecond?: number | null; concurrency?: number; timeoutMs?: number };
      /** Ignored: one history.list covers every label, so each round is a whole round. */
      scope?: SyncScope;
    }
  | {
      kind: 'graph-sync';
      accountId: number;
      oauth: MicrosoftOAuthConfig;
      provider: { graphUrl?: string; concurrency?: number; requestsPerWindow?: number | null; windowMs?: number; pageSize?: number; timeoutMs?: number };
      /** Every folder (default), or Inbox and Sent Items only (GraphSync.sync). */
      scope?: SyncScope;
    }
  | {
      kind: 'imap-sync';
      accountId: number;
      /** The token issuer's client, for accounts that sign in over XOAUTH2 with a Microsoft 365 or Google token. */
      oauth?: ImapOAuthClient;
      /** Socket timeouts, ms. */
      timeoutMs?: number;
      /** Every folder (default), or Inbox and Sent only. */
      scope?: SyncScope;
    }
  | { kind: 'import'; path: string; accountEmail?: string };

/** What each job kind reports when it finishes. */
export interface JobResults {
  'gmail-sync': SyncResult;
  'graph-sync': GraphSyncResult;
  'imap-sync': SyncResult;
  import: ImportResult;
}

export interface MailWorkerData {
  databasePath: string;
  /** 64 hex characters; passed in memory to the worker, never written anywhere. */
  databaseKey: string;
  job: WorkerJob;
}

export type MailWorkerError = { kind: 'reconnect_required' | 'aborted' | 'failed'; message: string };

/** Sync progress, or for an import just the messages read so far. */
export type JobProgress = SyncProgress | { phase: 'import'; done: number };

export type MailWorkerMessage =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'log'; line: string; level: LogLevel }
  | { type: 'result'; result: JobResults[keyof JobResults] }
  | { type: 'error'; error: MailWorkerError };

/**
 * V8 limits of the mail worker and its store writer. Their garbage is short-lived (HTTP
 * bodies, MIME trees, batches); a young generation of 8 MB instead of V8's default 48
 * collects it sooner at no measured cost in messages/s: an import of the Enron corpus
 * peaks at 295 MB resident instead of 306–311 (`npm run bench -- --only=import`). The old
 * generation is left at V8's default: one 50 MB message must never exhaust it.
 */
export const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 8 } as const;
