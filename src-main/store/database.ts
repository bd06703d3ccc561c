// Opens the encrypted SQLite database: the 256-bit key comes from the OS keychain (created
// on first run), the whole file — and its WAL — is encrypted by SQLite3 Multiple Ciphers
// (chacha20-poly1305), and the schema is migrated before anyone else touches it.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import type { SecretStore } from '../platform/keychain.ts';
import { ensurePrivateFile } from '../platform/paths.ts';
import { createLogger } from '../platform/logger.ts';
import { DatabaseDecryptError, DatabaseKeyMissingError, StoreError } from './errors.ts';
import { runMigrations } from './migrations/index.ts';

const log = createLogger('store.database');
const KEY_PATTERN = /^[0-9a-f]{64}$/;

/** Keychain account holding the key of the database at `path`: "database-key:" + 16 hex of sha256(absolute path). */
export function databaseKeyAccount(path: string): string {
  return `database-key:${createHash('sha256').update(resolve(path)).digest('hex').slice(0, 16)}`;
}

/**
 * Returns the database key for `path` as 64 lower-case hex characters (256 bits).
 * Creates and stores a random key only when the database file does not exist yet, then
 * reads it back so a keychain that does not persist fails here, not after the data is written.
 * Throws DatabaseKeyMissingError (file exists, no key), StoreError 'key_malformed',
 * KeychainUnavailableError (from `secrets`).
 */
export async function resolveDatabaseKey(options: { path: string; secrets: SecretStore }): Promise<string> {
  const account = databaseKeyAccount(options.path);
  const stored = await options.secrets.get(account);
  if (stored !== null) {
    if (!KEY_PATTERN.test(stored)) {
      throw new StoreError('key_malformed', `the keychain entry "${account}" for ${options.path} is not a 256-bit hex key`);
    }
    return stored;
  }
  if (databaseFileExists(options.path)) throw new DatabaseKeyMissingError(options.path, account);

  const key = randomBytes(32).toString('hex');
  await options.secrets.set(account, key);
  if ((await options.secrets.get(account)) !== key) {
    throw new StoreError('key_missing', `the OS keychain did not keep the new key for ${options.path} ("${account}")`);
  }
  log.info('created database key', { account });
  return key;
}

export interface OpenDatabaseOptions {
  path: string;
  /** 64 hex characters from resolveDatabaseKey. */
  key: string;
  /** busy_timeout in ms (default 5000). */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

/**
 * Opens and keys the database, sets the connection pragmas (WAL, foreign_keys=ON,
 * synchronous=NORMAL, busy_timeout, temp_store=MEMORY so no plaintext temp files) and,
 * unless readonly, runs pending migrations. A file database and its -wal/-shm are 0600 on
 * POSIX (created so, or tightened). Usable from a worker thread given the key.
 * Throws DatabaseDecryptError for a wrong key, DatabaseTooNewError from the migrations.
 */
export function openEncryptedDatabase(options: OpenDatabaseOptions): Database.Database {
  if (!KEY_PATTERN.test(options.key)) throw new StoreError('key_malformed', 'database key must be 64 hex characters');
  if (!options.readonly && options.path !== ':memory:') {
    ensurePrivateFile(options.path, [`${options.path}-wal`, `${options.path}-shm`]);
  }
  const db = new Database(options.path, { readonly: options.readonly ?? false });
  try {
    // "raw:" + 64 hex bypasses the passphrase KDF (sqlite3mcExtractRawKey): the key is already random.
    db.pragma(`key = 'raw:${options.key}'`);
    let objects: number;
    try {
      objects = db.prepare('SELECT count(*) FROM sqlite_master').pluck().get() as number;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_NOTADB') throw new DatabaseDecryptError(options.path, error);
      throw error;
    }
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('temp_store = MEMORY');
    db.pragma('foreign_keys = ON');
    if (!options.readonly) {
      // SQLite's auto-checkpoint (1,000 pages) runs inside the commit that crosses it: 40–90 ms
      // measured on 2 loaded cores. A writer that must never stall the main process belongs in
      // a worker thread (DESIGN.md), opened there with this function and createProfileStore.
      // Only a database without tables can take auto_vacuum (https://www.sqlite.org/pragma.html#pragma_auto_vacuum):
      // a new one keeps a pointer map so reclaimFreePages can give pruned mail's pages back.
      if (objects === 0) db.pragma('auto_vacuum = INCREMENTAL');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      runMigrations(db);
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function databaseFileExists(path: string): boolean {
  return existsSync(path) && statSync(path).size > 0;
}

/** Fewer free pages than this (1 MB at 4 KB pages) are left for SQLite to reuse rather than moved. */
const RECLAIM_MIN_PAGES = 256;

/**
 * Gives up to `maxPages` of the database's free pages back to the file system (PRAGMA
 * incremental_vacuum moves pages from the end of the file into the gaps and truncates it; the
 * file itself shrinks at the next WAL checkpoint), once at least RECLAIM_MIN_PAGES are free.
 * It never waits for the write lock: while another connection writes (a sync's store writer)
 * it gives nothing back this time. Returns how many pages were given back: 0 when too few are
 * free, the database is busy, or it was made before auto_vacuum (its free pages are only
 * reused by later writes). https://www.sqlite.org/pragma.html#pragma_incremental_vacuum
 */
export function reclaimFreePages(db: Database.Database, maxPages: number): number {
  if (db.pragma('auto_vacuum', { simple: true }) !== 2) return 0;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  if (free < RECLAIM_MIN_PAGES) return 0;
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    db.pragma(`incremental_vacuum(${Math.max(1, Math.trunc(maxPages))})`);
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return 0;
    throw error;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
  return free - (db.pragma('freelist_count', { simple: true }) as number);
}
