// The services behind both the desktop app and the CLI, assembled in one visible place
// (CONVENTIONS.md §6): keychain → encrypted store (migrations first) → accounts, sync,
// import, search. Plain Node: no Electron here.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { createOsSecretStore, type SecretStore } from '../platform/keychain.ts';
import { DATABASE_FILE } from '../platform/paths.ts';
import { createLogger } from '../platform/logger.ts';
import { openProfileStore, type ProfileStore } from '../store/profile-store.ts';
import type { Account } from '../store/types.ts';
import {
  createGoogleClient,
  revokeGoogleTokens,
  signInWithGoogle,
  type GoogleOAuthConfig,
  type GoogleTokens,
} from '../auth/index.ts';
import { GmailProvider } from '../mail/providers/gmail.ts';
import type { SyncResult } from '../mail/gmail-sync.ts';
import { runInWorker, MailWorkerFailure } from '../mail/mail-worker-client.ts';
import { resolveDatabaseKey } from '../store/database.ts';
import type { ImportOptions, ImportResult } from '../mail/import/importer.ts';
import { ProfileConfigSchema, readProfileConfig, type ProfileConfigInput } from '../platform/profile-config.ts';
import type { Handlers } from '../ipc/dispatch.ts';
import { AppError } from '../platform/app-error.ts';
import type { EventName, EventPayload } from '../../src-preload/contract/index.ts';
import { createSettingsService, type SettingsService } from '../settings/settings-service.ts';
import { startSyncScheduler } from '../accounts/sync-scheduler.ts';
import { accountHandlers } from '../ipc/account-handlers.ts';
import { mailHandlers } from '../ipc/mail-handlers.ts';
import { crmHandlers } from '../ipc/crm-handlers.ts';
import { createCrmService, type CrmService } from '../crm/crm-service.ts';
import { HubSpotConnector } from '../crm/connectors/hubspot.ts';
import { openInSystemBrowser } from '../auth/system-browser.ts';
import { microsoftAccounts } from '../accounts/microsoft-account.ts';

const log = createLogger('services');

export type SyncProgressEvent = EventPayload<'sync:progress'>;

/** One main-process event for the renderer, as the contract's `events` define them. */
export type AppEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

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

export interface ConnectOptions {
  openBrowser(url: string): Promise<void>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface Services {
  readonly store: ProfileStore;
  readonly settings: SettingsService;
  readonly crm: CrmService;
  readonly handlers: Handlers;
  connectGmail(options: ConnectOptions): Promise<Account>;
  /** Microsoft 365 / Outlook sign-in: the redirect comes back through handleDeepLink, or msal's loopback with `loopback`. */
  connectMicrosoft(options: ConnectOptions & { loopback?: boolean }): Promise<Account>;
  syncAccount(accountId: number, options?: { signal?: AbortSignal }): Promise<SyncResult>;
  disconnect(accountId: number): Promise<void>;
  importMailbox(path: string, options?: Pick<ImportOptions, 'accountEmail' | 'onProgress' | 'signal'>): Promise<ImportResult>;
  onSyncProgress(listener: (progress: SyncProgressEvent) => void): () => void;
  /** Every event for the renderer (sync progress, account, mail, CRM and settings changes); returns unsubscribe. */
  onEvent(listener: (event: AppEvent) => void): () => void;
  /**
   * Hands a mailbridge:// link (delivered by the OS to this instance) to whatever waits for
   * it, e.g. a Microsoft sign-in. Returns false when nothing was waiting for this link.
   */
  handleDeepLink(url: string): boolean;
  /** Syncs every connected mailbox on the settings' interval until close(). The app calls it; tests and the CLI do not. */
  startBackgroundSync(): void;
  /** Stops syncs, the schedule and the outbox (waiting for sends under way to be recorded), then closes the store. */
  close(): Promise<void>;
}

/** Opens the profile's store (creating the profile and its key on first run) and builds the services. */
export async function openServices(options: OpenServicesOptions): Promise<Services> {
  mkdirSync(options.profileDir, { recursive: true, mode: 0o700 });
  const config = options.config ? ProfileConfigSchema.parse(options.config) : readProfileConfig(options.profileDir);
  const databasePath = join(options.profileDir, DATABASE_FILE);
  const secrets = options.secrets ?? createOsSecretStore();
  const store = await openProfileStore({ path: databasePath, secrets });
  // Sync workers open their own connection and need the key; it stays in memory.
  const databaseKey = await resolveDatabaseKey({ path: databasePath, secrets });
  const settings = createSettingsService(store.settings);
  const eventListeners = new Set<(event: AppEvent) => void>();
  const publish = (event: AppEvent) => eventListeners.forEach((listener) => listener(event));
  const emit = (progress: SyncProgressEvent) => publish({ name: 'sync:progress', payload: progress });
  settings.onChange((payload) => publish({ name: 'settings:changed', payload }));
  const stopTasks: Array<() => void> = [];
  const crm = createCrmService({
    store,
    connectorFactory: ({ accessToken }) =>
      new HubSpotConnector({
        accessToken,
        ...(config.hubspot.apiUrl ? { baseUrl: config.hubspot.apiUrl } : {}),
        ...(config.hubspot.requestsPer10Seconds ? { requestsPer10Seconds: config.hubspot.requestsPer10Seconds } : {}),
      }),
    settings: () => settings.get(),
    ...(options.reconnectProbeMs ? { unreachableRetryCapMs: options.reconnectProbeMs } : {}),
  });
  // Whatever waited for the network when the app quit is tried again now.
  crm.retryNow();
  stopTasks.push(
    crm.onChange((payload) => publish({ name: 'crm:log-states', payload })),
    crm.onStatusChange((payload) => publish({ name: 'crm:status', payload })),
  );

  const googleOAuth = (): GoogleOAuthConfig => {
    const g = config.google;
    if (!g.clientId) {
      throw new AppError('invalid_input', 'no Google OAuth client configured: set google.clientId in the profile config.json or pass --client-id');
    }
    return {
      clientId: g.clientId,
      clientSecret: g.clientSecret ?? '',
      endpoints: {
        ...(g.authUrl ? { authorizationUrl: g.authUrl } : {}),
        ...(g.tokenUrl ? { tokenUrl: g.tokenUrl } : {}),
        ...(g.revokeUrl ? { revocationUrl: g.revokeUrl } : {}),
        ...(g.tokenInfoUrl ? { tokenInfoUrl: g.tokenInfoUrl } : {}),
      },
    };
  };

  const providerOptions = () => ({
    ...(config.google.gmailUrl ? { rootUrl: config.google.gmailUrl } : {}),
    ...(config.google.quotaUnitsPerSecond !== undefined ? { unitsPerSecond: config.google.quotaUnitsPerSecond } : {}),
    ...(config.google.concurrency ? { concurrency: config.google.concurrency } : {}),
  });

  const microsoft = microsoftAccounts({ store, config: config.microsoft });

  const requireAccount = (accountId: number): Account => {
    const account = store.accounts.get(accountId);
    if (!account) throw new AppError('not_found', `no account ${accountId}`);
    return account;
  };

  const syncs = new Map<number, Promise<SyncResult>>();
  /** Aborted by close(), so quitting stops running sync and import workers. */
  const shutdown = new AbortController();
  const runSync = async (accountId: number, syncOptions: { signal?: AbortSignal }): Promise<SyncResult> => {
    const account = requireAccount(accountId);
    if (account.provider !== 'gmail' && account.provider !== 'microsoft') throw new AppError('invalid_input', `${account.email} is not a mailbox to sync`);
    const job = account.provider === 'microsoft'
      ? microsoft.syncJob(accountId)
      : { kind: 'gmail-sync' as const, accountId, oauth: googleOAuth(), provider: providerOptions() };
    store.syncState.set(accountId, { state: store.syncState.get(accountId)?.historyCursor ? 'incremental' : 'full_sync' });
    const syncStartedAt = Date.now();
    try {
      const result = await runInWorker(
        { databasePath, databaseKey, job },
        {
          onProgress: (p) => p.phase !== 'import' && emit({ accountId, phase: p.phase, done: p.done, total: p.total }),
          ...(syncOptions.signal ? { signal: syncOptions.signal } : {}),
        },
      );
      emit({ accountId, phase: 'idle', done: 0, total: 0 });
      // New correspondents may be CRM contacts, and the auto-log rule applies to new mail.
      void crm.onSyncedMessages(store.inbox.messageIdsCreatedSince(accountId, syncStartedAt));
      publish({ name: 'mail:changed', payload: { accountId } });
      publish({ name: 'accounts:changed', payload: null });
      return result;
    } catch (error) {
      emit({ accountId, phase: 'error', done: 0, total: 0 });
      publish({ name: 'accounts:changed', payload: null });
      if (error instanceof MailWorkerFailure && error.kind === 'reconnect_required') {
        store.accounts.setStatus(accountId, 'reconnect_required');
        const who = account.provider === 'microsoft' ? 'Microsoft' : 'Google';
        store.syncState.set(accountId, { state: 'error', lastError: `${who} access was revoked or expired; reconnect required` });
        throw new AppError('reconnect_required', `${account.email}: reconnect required`);
      }
      store.syncState.set(accountId, { state: 'error', lastError: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  };

  const services: Services = {
    store,
    settings,
    crm,

    async connectGmail(connect) {
      const tokens = await signInWithGoogle(googleOAuth(), connect);
      // The ID token names the account; without one, ask Gmail whose mailbox this is.
      let email = tokens.email;
      if (!email) {
        const provider = new GmailProvider({
          auth: createGoogleClient(googleOAuth(), tokens, { onTokens: () => {} }),
          ...providerOptions(),
        });
        email = (await provider.getProfile()).emailAddress;
        await provider.close();
      }
      const account = store.accounts.findByEmail('gmail', email) ?? store.accounts.create({ provider: 'gmail', email });
      store.accounts.setTokens(account.id, tokens);
      store.accounts.setStatus(account.id, 'connected');
      log.info('gmail account connected', { accountId: account.id });
      return requireAccount(account.id);
    },

    connectMicrosoft: (connect) =>
      microsoft.connect({ ...connect, signal: connect.signal ? AbortSignal.any([connect.signal, shutdown.signal]) : shutdown.signal }),

    syncAccount(accountId, syncOptions = {}) {
      // One sync per account at a time: a second request joins the one under way.
      const running = syncs.get(accountId);
      if (running) return running;
      const signal = syncOptions.signal ? AbortSignal.any([syncOptions.signal, shutdown.signal]) : shutdown.signal;
      const sync = runSync(accountId, { signal }).finally(() => syncs.delete(accountId));
      syncs.set(accountId, sync);
      return sync;
    },

    async disconnect(accountId) {
      const account = requireAccount(accountId);
      if (account.provider === 'microsoft') return microsoft.disconnect(accountId);
      const tokens = store.accounts.getTokens<GoogleTokens>(accountId);
      if (account.provider === 'gmail' && tokens?.refreshToken) await revokeGoogleTokens(googleOAuth(), tokens);
      store.accounts.setTokens(accountId, {});
      store.accounts.setStatus(accountId, 'disconnected');
    },

    // In the worker too: an import writes as much as a full sync.
    importMailbox: (path, importOptions = {}) =>
      runInWorker(
        { databasePath, databaseKey, job: { kind: 'import', path, ...(importOptions.accountEmail ? { accountEmail: importOptions.accountEmail } : {}) } },
        {
          onProgress: (p) => importOptions.onProgress?.({ done: p.done }),
          ...(importOptions.signal ? { signal: importOptions.signal } : {}),
        },
      ),

    onSyncProgress: (listener) => services.onEvent((event) => event.name === 'sync:progress' && listener(event.payload)),

    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },

    handleDeepLink: (url) => microsoft.deepLinks.handle(url),

    startBackgroundSync() {
      stopTasks.push(
        startSyncScheduler({
          accounts: () => store.accounts.list(),
          startSync,
          intervalMinutes: () => settings.get().syncIntervalMinutes,
          onIntervalChange: (listener) => {
            let last = settings.get().syncIntervalMinutes;
            return settings.onChange((next) => {
              if (next.syncIntervalMinutes !== last) listener();
              last = next.syncIntervalMinutes;
            });
          },
        }),
      );
    },

    get handlers(): Handlers {
      return handlers;
    },

    async close() {
      shutdown.abort();
      stopTasks.forEach((stop) => stop());
      eventListeners.clear();
      await crm.close();
      await Promise.allSettled(syncs.values());
      store.close();
    },
  };

  const startSync = (accountId: number) => {
    services.syncAccount(accountId).catch((error: unknown) => log.warn('sync failed', { accountId, error }));
  };
  const handlers: Handlers = {
    ...accountHandlers({
      store,
      connect: (provider, { loopback }) => {
        const openBrowser = options.openBrowser ?? openInSystemBrowser;
        // Loopback is Outlook's fallback where mailbridge:// cannot reach the app; Google always uses it.
        const connecting = provider === 'microsoft' ? services.connectMicrosoft({ openBrowser, loopback }) : services.connectGmail({ openBrowser });
        return connecting.finally(() =>
          publish({ name: 'accounts:changed', payload: null }),
        );
      },
      startSync,
      disconnect: async (accountId, { deleteLocalData }) => {
        await services.disconnect(accountId);
        if (deleteLocalData) store.accounts.remove(accountId);
        publish({ name: 'accounts:changed', payload: null });
        publish({ name: 'mail:changed', payload: { accountId } });
      },
    }),
    ...mailHandlers({ store, settings, logStates: (ids) => crm.logStates(ids) }),
    ...crmHandlers(crm),
    'settings:get': () => settings.get(),
    'settings:set': (patch) => settings.set(patch),
  };
  return services;
}
