// Schema migrations: one file per version, numbered in steps of 10, applied in order inside
// one transaction and recorded in PRAGMA user_version. A failure rolls everything back and
// is thrown — never logged and carried past — and a newer database is refused, not opened.
import type Database from 'better-sqlite3-multiple-ciphers';
import { createLogger } from '../../platform/logger.ts';
import { DatabaseTooNewError } from '../errors.ts';
import { migration0010 } from './0010-initial-schema.ts';
import { migration0030 } from './0030-settings-and-inbox.ts';
import { migration0040 } from './0040-crm-outbox.ts';
import { migration0050 } from './0050-raw-encoding.ts';
import { migration0060 } from './0060-import-skips.ts';
import { migration0070 } from './0070-unread-index.ts';
import { migration0080 } from './0080-search-v2.ts';
import { migration0090 } from './0090-local-threads.ts';
import { migration0100 } from './0100-act-on-mail.ts';
import { migration0110 } from './0110-imap-accounts.ts';
import { migration0120 } from './0120-crm-cards.ts';
import { migration0130 } from './0130-body-encoding.ts';
import { migration0140 } from './0140-created-index.ts';
import { migration0150 } from './0150-bodies-against-source.ts';
import { migration0160 } from './0160-compact-search-keys.ts';

export interface Migration {
  /** Target PRAGMA user_version: a multiple of 10, strictly increasing. */
  version: number;
  name: string;
  /**
   * Rebuilds a table others reference (SQLite's 12-step ALTER, https://sqlite.org/lang_altertable.html#otheralter):
   * foreign keys are switched off around the transaction, and checked before it commits.
   */
  rebuildsReferencedTable?: boolean;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [migration0010, migration0030, migration0040, migration0050, migration0060, migration0070, migration0080, migration0090, migration0100, migration0110, migration0120, migration0130, migration0140, migration0150, migration0160];

const log = createLogger('store.migrations');

/** The schema version this build writes: the last migration's version. */
export function latestSchemaVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.at(-1)?.version ?? 0;
}

/**
 * Brings `db` to the latest version. Returns the versions applied (empty when current).
 * Throws DatabaseTooNewError when user_version is above the last known migration, and
 * rethrows any migration error after rolling back all pending migrations.
 */
export function runMigrations(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  assertOrdered(migrations);
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = latestSchemaVersion(migrations);
  if (current > latest) throw new DatabaseTooNewError(db.name, current, latest);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return [];

  // PRAGMA foreign_keys is a no-op inside a transaction, so it is switched around it.
  const rebuild = pending.some((m) => m.rebuildsReferencedTable) && (db.pragma('foreign_keys', { simple: true }) as number) === 1;
  if (rebuild) db.pragma('foreign_keys = OFF');
  try {
    // user_version lives in page 1, so setting it is part of the same transaction.
    db.transaction(() => {
      for (const migration of pending) {
        migration.up(db);
        db.pragma(`user_version = ${migration.version}`);
      }
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length) throw new Error(`migration left ${broken.length} rows with broken references; nothing applied`);
    }).immediate();
  } finally {
    if (rebuild) db.pragma('foreign_keys = ON');
  }
  const applied = pending.map((m) => m.version);
  log.info('schema migrated', { from: current, to: latest, applied });
  return applied;
}

function assertOrdered(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version % 10 !== 0 || m.version <= previous) {
      throw new Error(`migration ${m.name}: version ${m.version} must be a multiple of 10 above ${previous}`);
    }
    previous = m.version;
  }
}
