// Microsoft 365 / Outlook accounts: configuration from the profile, sign-in (mailbridge://
// deep link or loopback) into an account row whose credentials are msal's cache, the Graph
// sync job for the mail worker, and disconnect (cache entry and local data removed).
import {
  MicrosoftTokenSource,
  READ_ONLY_MICROSOFT_SCOPES,
  ReconnectRequiredError,
  credentialCacheStorage,
  microsoftCanSend,
  DeepLinkBroker,
  microsoftAuthority,
  removeMicrosoftAccount,
  signInWithMicrosoft,
  type MicrosoftCredentials,
  type MicrosoftOAuthConfig,
} from '../auth/index.ts';
import { createLogger } from '../platform/logger.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { MicrosoftConfig } from '../platform/profile-config.ts';
import type { ProviderAccounts, SyncJob } from './provider-account.ts';
import { AppError } from '../platform/app-error.ts';
import { GraphMailbox } from '../mail/remote/graph-mailbox.ts';

const log = createLogger('accounts.microsoft');

export interface MicrosoftAccounts extends ProviderAccounts {
  /** Where the running instance hands mailbridge:// links (Electron 'second-instance'/'open-url', the CLI's socket). */
  readonly deepLinks: DeepLinkBroker;
  /** Throws AppError('invalid_input') when no client id is configured. */
  oauthConfig(): MicrosoftOAuthConfig;
  syncJob(accountId: number): Extract<SyncJob, { kind: 'graph-sync' }>;
}

export function microsoftAccounts(deps: { store: ProfileStore; config: MicrosoftConfig }): MicrosoftAccounts {
  const { store, config } = deps;
  const deepLinks = new DeepLinkBroker();

  const oauthConfig = (): MicrosoftOAuthConfig => {
    if (!config.clientId) {
      throw new AppError('invalid_input', 'no Microsoft client configured: set microsoft.clientId in the profile config.json or pass --ms-client-id');
    }
    return {
      clientId: config.clientId,
      authority: config.authority ?? microsoftAuthority(config.tenant ?? 'common'),
      ...(config.knownAuthorities ? { knownAuthorities: config.knownAuthorities } : {}),
      ...(config.protocolMode ? { protocolMode: config.protocolMode } : {}),
      ...(config.scopes ? { scopes: config.scopes } : {}),
    };
  };

  return {
    provider: 'microsoft',
    issuer: 'Microsoft',
    deepLinks,
    oauthConfig,

    async connect(options) {
      const result = await signInWithMicrosoft(oauthConfig(), {
        openBrowser: options.openBrowser,
        deepLinks,
        ...(options.loopback ? { loopback: true } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const account = store.accounts.findByEmail('microsoft', result.email) ?? store.accounts.create({ provider: 'microsoft', email: result.email });
      const credentials: MicrosoftCredentials = {
        provider: 'microsoft',
        homeAccountId: result.homeAccountId,
        msalCache: result.msalCache,
        scopes: result.scopes,
      };
      store.accounts.setTokens(account.id, credentials);
      store.accounts.setStatus(account.id, 'connected');
      log.info('microsoft account connected', { accountId: account.id });
      return store.accounts.get(account.id)!;
    },

    mailbox(accountId) {
      const credentials = store.accounts.getTokens<MicrosoftCredentials>(accountId);
      if (!credentials?.msalCache || !credentials.homeAccountId) throw new ReconnectRequiredError('no stored credentials');
      const tokens = new MicrosoftTokenSource({
        config: oauthConfig(),
        homeAccountId: credentials.homeAccountId,
        storage: credentialCacheStorage(store.accounts, accountId),
        scopes: credentials.scopes ?? READ_ONLY_MICROSOFT_SCOPES,
      });
      return new GraphMailbox({
        getAccessToken: () => tokens.getAccessToken(),
        onUnauthorized: () => tokens.invalidate(),
        ...(config.graphUrl ? { graphUrl: config.graphUrl } : {}),
        ...(config.requestTimeoutMs ? { timeoutMs: config.requestTimeoutMs } : {}),
      });
    },

    canSend: (accountId) => microsoftCanSend(store.accounts.getTokens<MicrosoftCredentials>(accountId)?.scopes ?? []),

    syncJob(accountId) {
      return {
        kind: 'graph-sync',
        accountId,
        oauth: oauthConfig(),
        provider: {
          ...(config.graphUrl ? { graphUrl: config.graphUrl } : {}),
          ...(config.concurrency ? { concurrency: config.concurrency } : {}),
          ...(config.requestsPer10Minutes !== undefined ? { requestsPerWindow: config.requestsPer10Minutes } : {}),
          ...(config.requestWindowMs ? { windowMs: config.requestWindowMs } : {}),
          ...(config.requestTimeoutMs ? { timeoutMs: config.requestTimeoutMs } : {}),
        },
      };
    },

    async disconnect(accountId) {
      const credentials = store.accounts.getTokens<MicrosoftCredentials>(accountId);
      if (credentials?.homeAccountId && credentials.msalCache) {
        try {
          await removeMicrosoftAccount(oauthConfig(), credentialCacheStorage(store.accounts, accountId), credentials.homeAccountId);
        } catch (error) {
          // The account goes whatever msal says: its row (and the cache in it) is deleted next.
          log.warn('could not remove the account from the token cache', { accountId, error: (error as Error).name });
        }
      }
      store.accounts.remove(accountId);
      log.info('microsoft account disconnected and its local data deleted', { accountId });
    },
  };
}
