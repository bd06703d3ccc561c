// The one assembly point of the services behind the desktop app, the headless server and
// the CLI (CONVENTIONS.md §6): each service built in order from plain arguments, and closed
// in the reverse order. Plain Node: no Electron here, and no sign-in or sync logic either.
import { AppError } from '../platform/app-error.ts';
import type { CrmStatus } from '../../src-preload/contract/index.ts';
import { join } from 'node:path';
import { AccountSync } from '../accounts/account-sync.ts';
import { gmailAccounts } from '../accounts/gmail-account.ts';
import { MailAccounts } from '../accounts/mail-accounts.ts';
import { microsoftAccounts } from '../accounts/microsoft-account.ts';
import { imapAccounts } from '../accounts/imap-account.ts';
import { ImapPush } from '../accounts/imap-push.ts';
import { startSyncScheduler, type SyncScheduler } from '../accounts/sync-scheduler.ts';
import { openInSystemBrowser } from '../auth/system-browser.ts';
import {
  SalesforceTokenSource,
  parseSalesforceTokens,
  revokeSalesforceToken,
  salesforceOAuthConfig,
  serializeSalesforceTokens,
  signInWithSalesforce,
} from '../auth/index.ts';
import { salesforceConnectorFactory } from '../crm/connectors/salesforce.ts';
import { crmConnectorFactory } from '../crm/connectors/index.ts';
import { createCrmService } from '../crm/crm-service.ts';
import type { CrmService } from '../crm/crm-service-api.ts';
import { accountHandlers } from '../ipc/account-handlers.ts';
import { crmHandlers } from '../ipc/crm-handlers.ts';
import type { Handlers } from '../ipc/dispatch.ts';
import { mailHandlers } from '../ipc/mail-handlers.ts';
import { composeHandlers } from '../ipc/compose-handlers.ts';
import { MailActionQueue } from '../mail/actions/mail-action-queue.ts';
import { SendOutbox } from '../mail/send/send-outbox.ts';
import { settingsHandlers } from '../ipc/settings-handlers.ts';
import { AttachmentFiles } from '../mail/attachments/attachment-files.ts';
import { workerRunner } from '../mail/mail-worker-client.ts';
import { createAppEvents } from '../platform/app-events.ts';
import { runInBatches } from '../platform/background-batches.ts';
import { ServerOnlyMail } from '../accounts/server-only-mail.ts';
import { createLogger } from '../platform/logger.ts';
import { createOsSecretStore } from '../platform/keychain.ts';
import { ATTACHMENTS_DIR, DATABASE_FILE, ensurePrivateDir } from '../platform/paths.ts';
import { headlessDesktopFiles } from '../mail/attachments/headless-desktop.ts';
import { ProfileConfigSchema, readProfileConfig } from '../platform/profile-config.ts';
import { createSettingsService } from '../settings/settings-service.ts';
import { resolveDatabaseKey } from '../store/database.ts';
import { openProfileStore, type ProfileStore } from '../store/profile-store.ts';

import type { OpenServicesOptions, Services } from './services.ts';

export type { ConnectOptions, OpenServicesOptions, Services, SyncProgressEvent } from './services.ts';

const log = createLogger('app');

/** Sent messages the rep asked to log, whose sent copy has synced in, go to the CRM outbox (HubSpot: an outgoing EMAIL). */
async function logSentCopies(store: ProfileStore, crm: Pick<CrmService, 'logMessage'>): Promise<void> {
  for (const { sendId, messageId } of store.sendOutbox.sentCopiesToLog()) {
    try {
      await crm.logMessage(messageId);
      store.sendOutbox.markLogged(sendId);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // Offline or signed out: tried again after the next sync. Otherwise (no contact among the
      // recipients, no CRM connected) there is nothing to log, and the rep can still click Log.
      if (code === 'offline' || code === 'reconnect_required') continue;
      store.sendOutbox.markLogged(sendId);
      log.info('a sent message was not logged to the CRM', { sendId, reason: (error as Error).message });
    }
  }
}

function unreachable(): never {
  throw new Error('an imported mailbox cannot send');
}

/** Opens the profile's store (creating the profile and its key on first run) and builds the services. */
export async function openServices(options: OpenServicesOptions): Promise<Services> {
  // 1. The profile: its folder (0700), config, and the encrypted store, migrated on open.
  ensurePrivateDir(options.profileDir);
  const config = options.config ? ProfileConfigSchema.parse(options.config) : readProfileConfig(options.profileDir);
  const databasePath = join(options.profileDir, DATABASE_FILE);
  const secrets = options.secrets ?? createOsSecretStore();
  const store = await openProfileStore({ path: databasePath, secrets });
  // Sync workers open their own connection and need the key; it stays in memory.
  const runJob = workerRunner({ databasePath, databaseKey: await resolveDatabaseKey({ path: databasePath, secrets }) });
  // Mail stored before raw sources were compressed shrinks in the background (no-op when none is),
  // then the pages freed since the last run (removed mail, merged index segments) go back to the disk.
  const compaction = runInBatches(() => store.rawCompaction.compressBatch() || store.reclaimSpace(), {
    onError: (error) => log.warn('compressing stored mail failed; it stays as it is', { error }),
  });

  // 2. Events and settings, which everything after them publishes to and reads.
  const events = createAppEvents();
  const settings = createSettingsService(store.settings);

  // Salesforce's stored secret is its tokens; a refresh writes the new ones back, encrypted.
  const salesforceOAuth = (loginUrl?: string) => salesforceOAuthConfig({ ...config.salesforce, ...(loginUrl ? { loginUrl } : {}) });
  const salesforceSession = (secret: string) => {
    const tokens = parseSalesforceTokens(secret);
    const source = new SalesforceTokenSource(salesforceOAuth(tokens.loginUrl), tokens, {
      onTokens: (next) => {
        const stored = store.crmConnections.get('salesforce');
        if (stored?.accessToken) store.crmConnections.save('salesforce', serializeSalesforceTokens(next), stored.accountLabel ?? 'Salesforce');
      },
    });
    return salesforceConnectorFactory(config.salesforce)({
      instanceUrl: tokens.instanceUrl,
      getAccessToken: () => source.getAccessToken(),
      onUnauthorized: (rejected) => source.invalidate(rejected),
    });
  };

  // 3. The CRM and its outbox; whatever waited for the network when the app quit is tried again now.
  const crm = createCrmService({
    store,
    connectorFactory: crmConnectorFactory(config, { salesforce: (connection) => salesforceSession(connection.accessToken) }),
    settings: () => settings.get(),
    activateCrm: (activeCrm) => settings.set({ activeCrm }),
    ...(config.salesforce?.loginUrl ? { salesforceLoginUrl: config.salesforce.loginUrl } : {}),
    ...(options.reconnectProbeMs ? { unreachableRetryCapMs: options.reconnectProbeMs } : {}),
  });
  crm.retryNow();
  let activeCrm = settings.get().activeCrm;

  // 4. Mail accounts, one module per provider, and their sync.
  const shutdown = new AbortController();
  const gmail = gmailAccounts({ store, config: config.google });
  const microsoft = microsoftAccounts({ store, config: config.microsoft });
  // Microsoft 365 over IMAP signs in with the same Microsoft client and deep links.
  const imap = imapAccounts({ store, microsoft, google: gmail, ...(config.imap?.timeoutMs ? { timeoutMs: config.imap.timeoutMs } : {}) });
  const providers = [gmail, microsoft, imap];
  const accounts = new MailAccounts({ store, providers, events, shutdown: shutdown.signal });
  // A sync that succeeded proves the provider reachable: what waited for it goes out now.
  // Held so close() waits for it before the store closes (a sync can end while the app closes).
  const afterSync = new Set<Promise<void>>();
  const onSynced = (ids: number[]) => {
    if (shutdown.signal.aborted) return;
    const work: Promise<void> = crm.onSyncedMessages(ids)
      .then(() => logSentCopies(store, crm))
      .catch((error: unknown) => log.warn('matching or logging newly synced mail failed', { error }))
      .finally(() => afterSync.delete(work));
    afterSync.add(work);
    actions.retryNow();
    outbox.retryNow();
  };
  const sync = new AccountSync({ store, providers, runJob, events, onSynced: (ids) => onSynced(ids) });

  // Acting on mail: actions and sends made offline or before a restart go out now.
  const actions = new MailActionQueue({ store, mailbox: (id) => accounts.mailbox(id), canChange: (id) => accounts.canChange(id), events });
  const outbox = new SendOutbox({
    store,
    mailbox: (id) => accounts.mailbox(id) ?? unreachable(),
    canSend: (id) => accounts.canSend(id),
    defersDelivery: (id) => store.accounts.get(id)?.provider === 'microsoft',
    events,
    undoSeconds: () => settings.get().undoSendSeconds,
    // The sent copy comes back through sync as the provider stored it, once.
    onSent: (id) => sync.start(id, 'new-mail'),
    ...(options.reconnectProbeMs ? { backoff: { baseMs: 500, capMs: options.reconnectProbeMs } } : {}),
  });
  actions.retryNow();
  outbox.retryNow();

  // Messages older than "keep full messages for N months" keep what the inbox and search need;
  // opening one (or an attachment of it) fetches the rest from the provider.
  const serverOnly = new ServerOnlyMail({ store, mailbox: (id) => accounts.mailbox(id), events, keepMonths: () => settings.get().keepFullMessagesMonths });
  serverOnly.prune();
  let keepMonths = settings.get().keepFullMessagesMonths;

  // Attachments open from a private folder in the profile, emptied before this run's first open and on close.
  const attachments = new AttachmentFiles({
    store,
    directory: join(options.profileDir, ATTACHMENTS_DIR),
    desktop: options.desktop ?? headlessDesktopFiles(),
    ensureSource: (id) => serverOnly.ensure(id),
  });

  // 5. What the renderer hears and may ask.
  let scheduler: SyncScheduler | undefined;
  let push: ImapPush | undefined;
  const unsubscribe = [
    settings.onChange((payload) => events.publish({ name: 'settings:changed', payload })),
    settings.onChange((payload) => {
      if (payload.keepFullMessagesMonths !== keepMonths) {
        keepMonths = payload.keepFullMessagesMonths;
        serverOnly.prune();
      }
    }),
    // Another CRM chosen in Settings: its queued items go, the previous one's wait.
    settings.onChange((payload) => {
      if (payload.activeCrm !== activeCrm) {
        activeCrm = payload.activeCrm;
        crm.activeCrmChanged();
      }
    }),
    crm.onChange((payload) => events.publish({ name: 'crm:log-states', payload })),
    crm.onStatusChange((payload) => events.publish({ name: 'crm:status', payload })),
  ];
  /** Salesforce's sign-in in the system browser; its tokens are the connection's secret (JSON, encrypted store). */
  const connectSalesforce = async (loginUrl: string | undefined): Promise<CrmStatus> => {
    if (!config.salesforce.clientId) throw new AppError('invalid_input', 'no Salesforce app configured: set salesforce.clientId in the profile config.json');
    const tokens = await signInWithSalesforce(salesforceOAuth(loginUrl), { openBrowser: options.openBrowser ?? openInSystemBrowser, signal: shutdown.signal });
    return crm.connect(serializeSalesforceTokens(tokens), 'salesforce');
  };
  /** Disconnecting Salesforce revokes its refresh token (and with it the sessions) first; a failure there still forgets it here. */
  const revokeCrm = async (): Promise<void> => {
    const stored = store.crmConnections.get('salesforce');
    if (crm.status().crm !== 'salesforce' || !stored?.accessToken) return;
    const tokens = parseSalesforceTokens(stored.accessToken);
    await revokeSalesforceToken(salesforceOAuth(tokens.loginUrl), tokens.refreshToken, tokens.loginUrl).catch((error: unknown) =>
      log.warn('could not revoke the Salesforce token; it is forgotten here', { error: (error as Error).name }),
    );
  };

  const handlers: Handlers = {
    ...accountHandlers({ store, accounts, sync, openBrowser: options.openBrowser ?? openInSystemBrowser }),
    ...mailHandlers({ store, settings, logStates: (ids) => crm.logStates(ids), fetchServerOnly: (ids) => serverOnly.request(ids) }),
    ...composeHandlers({ store, settings, actions, outbox, contact: (email) => crm.cachedContact(email) }),
    'mail:open-attachment': ({ messageId, index }) => attachments.open(messageId, index).then(() => null),
    'mail:save-attachment': ({ messageId, index }) => attachments.save(messageId, index),
    ...crmHandlers(crm, { connectSalesforce: (loginUrl) => connectSalesforce(loginUrl), revoke: revokeCrm }),
    ...settingsHandlers(settings),
  };

  return {
    store,
    settings,
    crm,
    handlers,
    connectGmail: (connect) => accounts.connect('gmail', connect),
    connectMicrosoft: (connect) => accounts.connect('microsoft', connect),
    connectImap: (input) => accounts.connectImap(input),
    connectImapWithOAuth: (input) => accounts.connectImapWithOAuth(input),
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
      if (!push) {
        // IMAP Inboxes in IDLE: a change there runs a new-mail sync at once.
        const started = new ImapPush({
          store,
          onChange: (id) => sync.start(id, 'new-mail'),
          oauth: (issuer) => imap.oauthClient(issuer),
          ...(config.imap?.timeoutMs ? { timeoutMs: config.imap.timeoutMs } : {}),
        });
        push = started;
        started.refresh();
        unsubscribe.push(events.subscribe((event) => event.name === 'accounts:changed' && started.refresh()));
      }
      scheduler ??= startSyncScheduler({
        accounts: () => store.accounts.list(),
        startSync: (id, scope) => sync.start(id, scope),
        settings,
        ...(options.online ? { online: options.online } : {}),
      });
      unsubscribe.push(() => scheduler?.stop());
    },
    suspendBackgroundSync: () => scheduler?.suspend(),
    resumeBackgroundSync: () => scheduler?.resume(),
    async close() {
      // Reverse order of construction: nothing may write once the store is closed.
      shutdown.abort();
      compaction.stop();
      serverOnly.stop();
      await push?.stop();
      unsubscribe.forEach((stop) => stop());
      events.clear();
      await crm.close();
      await actions.close();
      await outbox.close();
      await sync.close();
      await Promise.allSettled(afterSync);
      await compaction.done;
      attachments.close();
      store.close();
    },
  };
}
