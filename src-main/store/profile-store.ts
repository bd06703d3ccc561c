// The store as the app assembly sees it: one call that gets the key from the keychain,
// opens and migrates the encrypted database, and builds the repositories over it.
import type { SecretStore } from '../platform/keychain.ts';
import { AccountRepository } from './account-repository.ts';
import { ActivityRepository } from './activity-repository.ts';
import { ContactRepository } from './contact-repository.ts';
import { CrmConnectionRepository } from './crm-connection-repository.ts';
import { openEncryptedDatabase, resolveDatabaseKey } from './database.ts';
import { InboxRepository } from './inbox-repository.ts';
import { MessageRepository } from './message-repository.ts';
import { OutboxRepository } from './outbox-repository.ts';
import { SearchRepository } from './search-repository.ts';
import { SettingsRepository } from './settings-repository.ts';
import { SyncStateRepository } from './sync-state-repository.ts';
import { ThreadRepository } from './thread-repository.ts';
import type { Db } from './types.ts';

export interface ProfileStore {
  readonly db: Db;
  readonly path: string;
  readonly accounts: AccountRepository;
  readonly messages: MessageRepository;
  readonly threads: ThreadRepository;
  readonly search: SearchRepository;
  readonly syncState: SyncStateRepository;
  readonly inbox: InboxRepository;
  readonly settings: SettingsRepository;
  /** CRM side: cached contacts (and misses), logged activities, the durable outbox, the CRM connection. */
  readonly contacts: ContactRepository;
  readonly activities: ActivityRepository;
  readonly outbox: OutboxRepository;
  readonly crmConnections: CrmConnectionRepository;
  /** Checkpoints the WAL and closes the connection. */
  close(): void;
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
  return {
    db,
    path: db.name,
    accounts: new AccountRepository(db, now),
    messages: new MessageRepository(db, now),
    threads: new ThreadRepository(db),
    search: new SearchRepository(db),
    syncState: new SyncStateRepository(db, now),
    inbox: new InboxRepository(db),
    settings: new SettingsRepository(db, now),
    contacts: new ContactRepository(db, now),
    activities: new ActivityRepository(db, now),
    outbox: new OutboxRepository(db, now),
    crmConnections: new CrmConnectionRepository(db, now),
    close() {
      if (!db.open) return;
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}
