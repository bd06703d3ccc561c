// Messages between the main thread and the sync worker (structured-clone data only).
import type { GoogleOAuthConfig } from '../auth/index.ts';
import type { LogLevel } from '../platform/logger.ts';
import type { SyncProgress, SyncResult } from './gmail-sync.ts';

export interface SyncWorkerData {
  databasePath: string;
  /** 64 hex characters; passed in memory to the worker, never written anywhere. */
  databaseKey: string;
  accountId: number;
  oauth: GoogleOAuthConfig;
  provider: { rootUrl?: string; unitsPerSecond?: number | null; concurrency?: number };
}

export type SyncWorkerError = { kind: 'reconnect_required' | 'aborted' | 'failed'; message: string };

export type SyncWorkerMessage =
  | { type: 'progress'; progress: SyncProgress }
  | { type: 'log'; line: string; level: LogLevel }
  | { type: 'result'; result: SyncResult }
  | { type: 'error'; error: SyncWorkerError };
