// The store as the app assembly sees it: one call that gets the key from the keychain,
// opens and migrates the encrypted database, and builds the repositories over it.
import { createLogger } from '../platform/logger.ts';
import type { SecretStore } from '../platform/keychain.ts';
import { AccountRepository } from './account-repository.ts';
import { ActivityRepository } from './activity-repository.ts';
import { AddressBookRepository } from './address-book-repository.ts';
import { ContactRepository } from './contact-repository.ts';
import { DraftRepository } from './draft-repository.ts';
import { CrmConnectionRepository } from './crm-connection-repository.ts';
import { openEncryptedDatabase, reclaimFreePages, resolveDatabaseKey } from './database.ts';
import { ImportSkipRepository } from './import-skip-repository.ts';
import { InboxRepository } from './inbox-repository.ts';
import { MailActionRepository } from './mail-action-repository.ts';
import { MessageRepository } from './message-repository.ts';
import { OutboxRepository } from './outbox-repository.ts';
import { RawCompaction } from './raw-compaction.ts';
import { ServerOnlyBodies } from './server-only-bodies.ts';
import { SearchRepository } from './search-repository.ts';
import { SendOutboxRepository } from './send-outbox-repository.ts';
import { SettingsRepository } from './settings-repository.ts';
import { SyncStateRepository } from './sync-state-repository.ts';
import { ThreadRepository } from './thread-repository.ts';
import type { Db } from './types.ts';

const log = createLogger('store');

/** One profile's data: its mail, accounts, settings, CRM contact cache, outbox and activities. */
export interface ProfileStore {
  readonly path: string;
  readonly accounts: AccountRepository;
  readonly messages: MessageRepository;
  readonly threads: ThreadRepository;
  readonly search: SearchRepository;
  readonly syncState: SyncStateRepository;
  readonly inbox: InboxRepository;
  /** Acting on mail: the action queue, drafts being written, and the send outbox. */
  readonly mailActions: MailActionRepository;
  readonly drafts: DraftRepository;
  readonly sendOutbox: SendOutboxRepository;
  /** Address completion from correspondents and CRM contacts. */
  readonly addressBook: AddressBookRepository;
  readonly settings: SettingsRepository;
  /** CRM side: cached contacts (and misses), logged activities, the durable outbox, the CRM connection. */
  readonly contacts: ContactRepository;
  readonly activities: ActivityRepository;
  readonly outbox: OutboxRepository;
  readonly crmConnections: CrmConnectionRepository;
  /** Files imports did not read as mail, with the reason. */
  readonly importSkips: ImportSkipRepository;
  /** Rows written before raw sources (and, since 130, bodies) were compressed, converted in the background. */
  readonly rawCompaction: RawCompaction;
  /** Messages kept on this computer without source and bodies ("keep full messages for N months"). */
  readonly serverOnlyBodies: ServerOnlyBodies;
  /**
   * Runs `fn` in one write transaction (BEGIN IMMEDIATE), so writes across repositories land
   * together or not at all; nested calls join the outer transaction. Returns what `fn` returns.
   */
  transaction<T>(fn: () => T): T;
  /**
   * Gives up to `maxPages` (default 128: 512 KB a step) free pages back to the file system, for
   * background steps after mail is pruned or removed; returns how many (0: nothing to give, or
   * another connection is writing). database.ts reclaimFreePages.
   */
  reclaimSpace(maxPages?: number): number;
  /** Checkpoints the WAL and closes the connection. */
  close(): void;
}

const databases = new WeakMap<ProfileStore, Db>();

/**
 * The connection behind a store, for tests, benchmarks and the demo to inspect with SQL of
 * their own. Application code goes through the repositories and transaction().
 */
export function databaseOf(store: ProfileStore): Db {
  const db = databases.get(store);
  if (!db) throw new Error('not a store made by createProfileStore');
  return db;
}

export interface OpenProfileStoreOptions {
  /** Database file; created (with a new key in the keychain) when absent. */
  path: string;
  secrets: SecretStore;
  /** Clock for created/updated timestamps (ms); tests pin it. */
  now?: () => number;
}

/**
 * Opens the encrypted store at `path`. Rejects with KeychainUnavailableError (no Secret
 * Service), DatabaseKeyMissingError (file exists, key gone), DatabaseDecryptError (wrong key),
 * DatabaseTooNewError (written by a newer Mailbridge), or a migration error (nothing applied).
 */
export async function openProfileStore(options: OpenProfileStoreOptions): Promise<ProfileStore> {
  const key = await resolveDatabaseKey(options);
  const db = openEncryptedDatabase({ path: options.path, key });
  return createProfileStore(db, options.now);
}

/** The repositories over an already opened database (e.g. inside a worker thread). */
export function createProfileStore(db: Db, now: () => number = Date.now): ProfileStore {
  const activities = new ActivityRepository(db, now);
  const messages = new MessageRepository(db, now);
  const store: ProfileStore = {
    path: db.name,
    accounts: new AccountRepository(db, now),
    messages,
    threads: new ThreadRepository(db),
    search: new SearchRepository(db),
    syncState: new SyncStateRepository(db, now),
    inbox: new InboxRepository(db),
    mailActions: new MailActionRepository(db, messages, now),
    drafts: new DraftRepository(db, now),
    sendOutbox: new SendOutboxRepository(db, now),
    addressBook: new AddressBookRepository(db),
    settings: new SettingsRepository(db, now),
    contacts: new ContactRepository(db, now),
    activities,
    outbox: new OutboxRepository(db, activities, now),
    crmConnections: new CrmConnectionRepository(db, now),
    importSkips: new ImportSkipRepository(db, now),
    rawCompaction: new RawCompaction(db),
    serverOnlyBodies: new ServerOnlyBodies(db),
    transaction: (fn) => (db.inTransaction ? fn() : db.transaction(fn).immediate()),
    reclaimSpace: (maxPages = 128) => reclaimFreePages(db, maxPages),
    close() {
      if (!db.open) return;
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
      } catch (error) {
        // A full disk (SQLITE_FULL) leaves the WAL as it is; it is replayed at the next open.
        log.warn('WAL checkpoint at close failed; the WAL is kept', { error });
      }
      db.close();
    },
  };
  databases.set(store, db);
  return store;
}
