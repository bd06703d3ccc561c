// The one assembly point of the services behind the desktop app, the headless server and
// the CLI (CONVENTIONS.md §6): each service built in order from plain arguments, and closed
// in the reverse order. Plain Node: no Electron here, and no sign-in or sync logic either.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AccountSync } from '../accounts/account-sync.ts';
import { gmailAccounts } from '../accounts/gmail-account.ts';
import { MailAccounts } from '../accounts/mail-accounts.ts';
import { microsoftAccounts } from '../accounts/microsoft-account.ts';
import type { ConnectOptions } from '../accounts/provider-account.ts';
import { startSyncScheduler } from '../accounts/sync-scheduler.ts';
import { openInSystemBrowser } from '../auth/system-browser.ts';
import { hubSpotConnectorFactory } from '../crm/connectors/hubspot.ts';
import { createCrmService, type CrmService } from '../crm/crm-service.ts';
import { accountHandlers } from '../ipc/account-handlers.ts';
import { crmHandlers } from '../ipc/crm-handlers.ts';
import type { Handlers } from '../ipc/dispatch.ts';
import { mailHandlers } from '../ipc/mail-handlers.ts';
import { settingsHandlers } from '../ipc/settings-handlers.ts';
import type { SyncResult } from '../mail/gmail-sync.ts';
import type { ImportOptions, ImportResult } from '../mail/import/importer.ts';
import { workerRunner } from '../mail/mail-worker-client.ts';
import { createAppEvents, type AppEvent } from '../platform/app-events.ts';
import { createOsSecretStore, type SecretStore } from '../platform/keychain.ts';
import { DATABASE_FILE } from '../platform/paths.ts';
import { ProfileConfigSchema, readProfileConfig, type ProfileConfigInput } from '../platform/profile-config.ts';
import { createSettingsService, type SettingsService } from '../settings/settings-service.ts';
import { resolveDatabaseKey } from '../store/database.ts';
import { openProfileStore, type ProfileStore } from '../store/profile-store.ts';
import type { Account } from '../store/types.ts';
import type { EventPayload } from '../../src-preload/contract/index.ts';

export type { ConnectOptions } from '../accounts/provider-account.ts';
export type SyncProgressEvent = EventPayload<'sync:progress'>;

export interface OpenServicesOptions {
  profileDir: string;
  /** Defaults to the OS keychain (Secret Service on Linux). */
  secrets?: SecretStore;
  /** Defaults to DIR/config.json. */
  config?: ProfileConfigInput;
  /** While the CRM is unreachable, how often (ms) to try it again; default 15 s. */
  reconnectProbeMs?: number;
  /** Opens OAuth pages for accounts:connect; defaults to the OS's browser (the Electron shell passes shell.openExternal). */
  openBrowser?: (url: string) => Promise<void>;
}

export interface Services {
  readonly store: ProfileStore;
  readonly settings: SettingsService;
  readonly crm: CrmService;
  /** The preload contract's handlers, for ipc/register.ts and the headless server. */
  readonly handlers: Handlers;
  connectGmail(options: ConnectOptions): Promise<Account>;
  /** Microsoft 365 / Outlook sign-in: the redirect comes back through handleDeepLink, or msal's loopback with `loopback`. */
  connectMicrosoft(options: ConnectOptions): Promise<Account>;
  syncAccount(accountId: number, options?: { signal?: AbortSignal }): Promise<SyncResult>;
  disconnect(accountId: number): Promise<void>;
  importMailbox(path: string, options?: Pick<ImportOptions, 'accountEmail' | 'onProgress' | 'signal'>): Promise<ImportResult>;
  onSyncProgress(listener: (progress: SyncProgressEvent) => void): () => void;
  /** Every event for the renderer (sync progress, account, mail, CRM and settings changes); returns unsubscribe. */
  onEvent(listener: (event: AppEvent) => void): () => void;
  /** Hands a mailbridge:// link delivered by the OS to what waits for it (a Microsoft sign-in); false when nothing did. */
  handleDeepLink(url: string): boolean;
  /** Syncs every connected mailbox on the settings' interval until close(). The app calls it; tests and the CLI do not. */
  startBackgroundSync(): void;
  /** Stops the schedule, syncs and the outbox (waiting for sends under way to be recorded), then closes the store. */
  close(): Promise<void>;
}

/** Opens the profile's store (creating the profile and its key on first run) and builds the services. */
export async function openServices(options: OpenServicesOptions): Promise<Services> {
  // 1. The profile: its folder (0700), config, and the encrypted store, migrated on open.
  mkdirSync(options.profileDir, { recursive: true, mode: 0o700 });
  const config = options.config ? ProfileConfigSchema.parse(options.config) : readProfileConfig(options.profileDir);
  const databasePath = join(options.profileDir, DATABASE_FILE);
  const secrets = options.secrets ?? createOsSecretStore();
  const store = await openProfileStore({ path: databasePath, secrets });
  // Sync workers open their own connection and need the key; it stays in memory.
  const runJob = workerRunner({ databasePath, databaseKey: await resolveDatabaseKey({ path: databasePath, secrets }) });

  // 2. Events and settings, which everything after them publishes to and reads.
  const events = createAppEvents();
  const settings = createSettingsService(store.settings);

  // 3. The CRM and its outbox; whatever waited for the network when the app quit is tried again now.
  const crm = createCrmService({
    store,
    connectorFactory: hubSpotConnectorFactory(config.hubspot),
    settings: () => settings.get(),
    ...(options.reconnectProbeMs ? { unreachableRetryCapMs: options.reconnectProbeMs } : {}),
  });
  crm.retryNow();

  // 4. Mail accounts, one module per provider, and their sync.
  const shutdown = new AbortController();
  const gmail = gmailAccounts({ store, config: config.google });
  const microsoft = microsoftAccounts({ store, config: config.microsoft });
  const providers = [gmail, microsoft];
  const accounts = new MailAccounts({ store, providers, events, shutdown: shutdown.signal });
  const sync = new AccountSync({ store, providers, runJob, events, onSynced: (ids) => void crm.onSyncedMessages(ids) });

  // 5. What the renderer hears and may ask.
  const unsubscribe = [
    settings.onChange((payload) => events.publish({ name: 'settings:changed', payload })),
    crm.onChange((payload) => events.publish({ name: 'crm:log-states', payload })),
    crm.onStatusChange((payload) => events.publish({ name: 'crm:status', payload })),
  ];
  const handlers: Handlers = {
    ...accountHandlers({ store, accounts, sync, openBrowser: options.openBrowser ?? openInSystemBrowser }),
    ...mailHandlers({ store, settings, logStates: (ids) => crm.logStates(ids) }),
    ...crmHandlers(crm),
    ...settingsHandlers(settings),
  };

  return {
    store,
    settings,
    crm,
    handlers,
    connectGmail: (connect) => accounts.connect('gmail', connect),
    connectMicrosoft: (connect) => accounts.connect('microsoft', connect),
    syncAccount: (accountId, syncOptions) => sync.sync(accountId, syncOptions),
    disconnect: (accountId) => accounts.disconnect(accountId),
    // In the worker too: an import writes as much as a full sync.
    importMailbox: (path, { onProgress, signal, accountEmail } = {}) =>
      runJob(
        { kind: 'import', path, ...(accountEmail ? { accountEmail } : {}) },
        { onProgress: (p) => onProgress?.({ done: p.done }), ...(signal ? { signal } : {}) },
      ),
    onSyncProgress: (listener) => events.subscribe((event) => event.name === 'sync:progress' && listener(event.payload)),
    onEvent: (listener) => events.subscribe(listener),
    handleDeepLink: (url) => microsoft.deepLinks.handle(url),
    startBackgroundSync() {
      unsubscribe.push(startSyncScheduler({ accounts: () => store.accounts.list(), startSync: (id) => sync.start(id), settings }));
    },
    async close() {
      // Reverse order of construction: nothing may write once the store is closed.
      shutdown.abort();
      unsubscribe.forEach((stop) => stop());
      events.clear();
      await crm.close();
      await sync.close();
      store.close();
    },
  };
}
