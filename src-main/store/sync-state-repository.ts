// Where each account's sync stands: the provider cursor (Gmail historyId, Graph deltaLink)
// kept as opaque TEXT, the phase, and when full and incremental syncs last completed.
import type { Db } from './types.ts';

export type SyncPhase = 'never_synced' | 'full_sync' | 'incremental' | 'idle' | 'error';

export interface SyncState {
  accountId: number;
  /** Gmail historyId / Graph deltaLink, or null before the first full sync. */
  historyCursor: string | null;
  state: SyncPhase;
  lastFullSyncAt: number | null;
  lastIncrementalSyncAt: number | null;
  /** Human-readable; never a token or a message body. */
  lastError: string | null;
  updatedAt: number;
}

interface SyncStateRow {
  account_id: number;
  history_cursor: string | null;
  state: SyncPhase;
  last_full_sync_at: number | null;
  last_incremental_sync_at: number | null;
  last_error: string | null;
  updated_at: number;
}

export type SyncStatePatch = Partial<Omit<SyncState, 'accountId' | 'updatedAt'>>;

export class SyncStateRepository {
  readonly #get;
  readonly #upsert;
  readonly #now: () => number;
  /** States that could not be written (rememberUnwritten), by account: read before the stored row, until a write succeeds. */
  readonly #unwritten = new Map<number, SyncState>();

  constructor(db: Db, now: () => number = Date.now) {
    this.#now = now;
    this.#get = db.prepare<[number], SyncStateRow>('SELECT * FROM sync_state WHERE account_id = ?');
    this.#upsert = db.prepare<[SyncStateRow]>(
      `INSERT INTO sync_state (account_id, history_cursor, state, last_full_sync_at, last_incremental_sync_at, last_error, updated_at)
       VALUES (@account_id, @history_cursor, @state, @last_full_sync_at, @last_incremental_sync_at, @last_error, @updated_at)
       ON CONFLICT (account_id) DO UPDATE SET history_cursor = excluded.history_cursor, state = excluded.state,
         last_full_sync_at = excluded.last_full_sync_at, last_incremental_sync_at = excluded.last_incremental_sync_at,
         last_error = excluded.last_error, updated_at = excluded.updated_at`,
    );
  }

  /** The account's sync state, or null before anything was recorded. */
  get(accountId: number): SyncState | null {
    const unwritten = this.#unwritten.get(accountId);
    if (unwritten) return unwritten;
    const row = this.#get.get(accountId);
    return row ? toSyncState(row) : null;
  }

  /**
   * Merges `patch` into the stored state (fields absent from the patch keep their value;
   * pass null to clear one) and returns the result. Throws a foreign-key error for an unknown account.
   */
  set(accountId: number, patch: SyncStatePatch): SyncState {
    const next = this.#merged(accountId, patch);
    this.#upsert.run({
      account_id: accountId,
      history_cursor: next.historyCursor,
      state: next.state,
      last_full_sync_at: next.lastFullSyncAt,
      last_incremental_sync_at: next.lastIncrementalSyncAt,
      last_error: next.lastError,
      updated_at: next.updatedAt,
    });
    this.#unwritten.delete(accountId);
    return next;
  }

  /**
   * Keeps `patch` merged into the state in memory only, where set() failed (a disk too full
   * for even this row): get() returns it until a later set() succeeds, so the rep is still
   * told why a sync stopped. Lost when the app quits, as the failure it describes ends then.
   */
  rememberUnwritten(accountId: number, patch: SyncStatePatch): SyncState {
    const next = this.#merged(accountId, patch);
    this.#unwritten.set(accountId, next);
    return next;
  }

  #merged(accountId: number, patch: SyncStatePatch): SyncState {
    const current = this.get(accountId);
    return {
      accountId,
      historyCursor: null,
      state: 'never_synced',
      lastFullSyncAt: null,
      lastIncrementalSyncAt: null,
      lastError: null,
      ...current,
      ...stripUndefined(patch),
      updatedAt: this.#now(),
    };
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function toSyncState(row: SyncStateRow): SyncState {
  return {
    accountId: row.account_id,
    historyCursor: row.history_cursor,
    state: row.state,
    lastFullSyncAt: row.last_full_sync_at,
    lastIncrementalSyncAt: row.last_incremental_sync_at,
    lastError: row.last_error,
    updatedAt: row.updated_at,
  };
}
