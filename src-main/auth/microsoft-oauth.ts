// Microsoft identity platform configuration and the msal-node public client the sign-in,
// the Graph provider and disconnect share. msal's token cache is persisted through an
// ICachePlugin into whatever the caller stores (the encrypted database), never a file.
// Reference: https://learn.microsoft.com/entra/msal/javascript/node/caching
import {
  InteractionRequiredAuthError,
  LogLevel,
  ProtocolMode,
  PublicClientApplication,
  ServerError,
  type AccountInfo,
  type AuthenticationResult,
  type ICachePlugin,
  type TokenCacheContext,
} from '@azure/msal-node';
import { createLogger } from '../platform/logger.ts';
import { AuthError, ReconnectRequiredError } from './errors.ts';

const log = createLogger('auth.microsoft');

/** Least privilege (https://learn.microsoft.com/graph/permissions-reference); msal adds openid, profile, offline_access. */
export const DEFAULT_MICROSOFT_SCOPES = ['User.Read', 'Mail.ReadWrite', 'Mail.Send'];
/** What accounts signed in before sending existed were granted: they keep asking for only that. */
export const READ_ONLY_MICROSOFT_SCOPES = ['User.Read', 'Mail.Read'];

/** Whether granted scopes (msal's, any case) allow changing and sending mail. */
export function microsoftCanSend(scopes: readonly string[]): boolean {
  const granted = new Set(scopes.map((s) => s.toLowerCase()));
  return granted.has('mail.send') && granted.has('mail.readwrite');
}
export const MICROSOFT_REDIRECT_URI = 'mailbridge://auth/microsoft';

export interface MicrosoftOAuthConfig {
  clientId: string;
  /**
   * https://login.microsoftonline.com/<tenant> (tenant: common, organizations or a tenant id),
   * or any HTTPS OIDC authority listed in knownAuthorities (the emulator).
   */
  authority: string;
  /** Hosts (host[:port]) trusted without Microsoft's instance discovery; required for a non-Microsoft authority. */
  knownAuthorities?: string[];
  /** 'OIDC' for a plain OpenID Connect authority (the emulator); 'AAD' (default) for Entra ID. */
  protocolMode?: 'AAD' | 'OIDC';
  scopes?: string[];
}

/** https://login.microsoftonline.com/<tenant>: tenant is 'common', 'organizations' or a tenant id / domain. */
export function microsoftAuthority(tenant = 'common'): string {
  if (!/^[\w.-]+$/.test(tenant)) throw new AuthError('invalid_response', `invalid tenant ${JSON.stringify(tenant)}`);
  return `https://login.microsoftonline.com/${tenant}`;
}

/** Where one msal cache blob lives; load returns null before anything was stored. */
export interface MsalCacheStorage {
  load(): string | null | Promise<string | null>;
  save(serialized: string): void | Promise<void>;
}

/** Where an account's credentials are kept (the store's AccountRepository has this shape). */
export interface CredentialRecords {
  getTokens<T extends object>(accountId: number): T | null;
  setTokens(accountId: number, tokens: object): void;
}

/**
 * msal's cache kept in the account's encrypted credentials row. A save after the account
 * lost its credentials (disconnected meanwhile) is dropped rather than bringing them back.
 */
export function credentialCacheStorage(records: CredentialRecords, accountId: number): MsalCacheStorage {
  return {
    load: () => records.getTokens<MicrosoftCredentials>(accountId)?.msalCache ?? null,
    save: (msalCache) => {
      const current = records.getTokens<MicrosoftCredentials>(accountId);
      if (current?.homeAccountId) records.setTokens(accountId, { ...current, msalCache });
    },
  };
}

/** A storage kept in memory, for a sign-in whose account row does not exist yet. */
export function memoryCacheStorage(initial: string | null = null): MsalCacheStorage & { value: string | null } {
  const storage = {
    value: initial,
    load: () => storage.value,
    save: (serialized: string) => {
      storage.value = serialized;
    },
  };
  return storage;
}

/**
 * ICachePlugin over `storage`: beforeCacheAccess deserialises what is stored (and resolves
 * at once when nothing is), afterCacheAccess writes back only when msal changed the cache.
 */
export function cachePluginFor(storage: MsalCacheStorage): ICachePlugin {
  return {
    async beforeCacheAccess(context: TokenCacheContext) {
      const serialized = await storage.load();
      if (serialized) context.tokenCache.deserialize(serialized);
    },
    async afterCacheAccess(context: TokenCacheContext) {
      if (context.cacheHasChanged) await storage.save(context.tokenCache.serialize());
    },
  };
}

// msal warns about things that are expected against an OIDC authority ("No client info in response"): debug.
const MSAL_LOG_LEVEL = { [LogLevel.Error]: 'warn', [LogLevel.Warning]: 'debug' } as Record<number, 'warn' | 'debug'>;

/** msal's PublicClientApplication for `config`, its cache in `storage`. PII logging stays off. */
export function createMicrosoftClient(config: MicrosoftOAuthConfig, storage: MsalCacheStorage): PublicClientApplication {
  return new PublicClientApplication({
    auth: {
      clientId: config.clientId,
      authority: config.authority,
      ...(config.knownAuthorities?.length ? { knownAuthorities: config.knownAuthorities } : {}),
    },
    cache: { cachePlugin: cachePluginFor(storage) },
    system: {
      protocolMode: config.protocolMode === 'OIDC' ? ProtocolMode.OIDC : ProtocolMode.AAD,
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        // msal's own lines name no tokens with PII off; they still go through our redacting logger.
        loggerCallback: (level, message) => {
          const to = MSAL_LOG_LEVEL[level];
          if (to) log[to]('msal', { detail: message.slice(0, 300) });
        },
      },
    },
  } as ConstructorParameters<typeof PublicClientApplication>[0]);
}

/** What Mailbridge keeps per Microsoft account in the encrypted store (account_credentials). */
export interface MicrosoftCredentials {
  provider: 'microsoft';
  /** msal AccountInfo.homeAccountId: selects the account inside the cache. */
  homeAccountId: string;
  /** msal's serialised token cache (access, refresh and ID tokens). */
  msalCache: string;
  /** Scopes granted at sign-in; absent for accounts signed in read-only (READ_ONLY_MICROSOFT_SCOPES). */
  scopes?: string[];
}

/** The account's address from the ID token (preferred_username, as Entra ID v2 sends it) or msal's username. */
export function accountEmail(result: Pick<AuthenticationResult, 'account'>): string | undefined {
  const claims = result.account?.idTokenClaims as { preferred_username?: unknown; email?: unknown } | undefined;
  const value = claims?.preferred_username ?? claims?.email ?? result.account?.username;
  return typeof value === 'string' && value.includes('@') ? value.toLowerCase() : undefined;
}

/**
 * True when msal says the grant is gone: InteractionRequiredAuthError (interaction_required,
 * consent_required, login_required, no_tokens_found, refresh_token_expired…) or a server
 * answer invalid_grant (RFC 6749 §5.2).
 */
export function isMicrosoftReconnectError(err: unknown): boolean {
  if (err instanceof ReconnectRequiredError || err instanceof InteractionRequiredAuthError) return true;
  const code = (err as { errorCode?: unknown } | null)?.errorCode;
  return err instanceof ServerError && (code === 'invalid_grant' || code === 'interaction_required');
}

/** Maps msal failures to AuthError without carrying msal's error (its message may quote the server's response). */
export function microsoftAuthError(err: unknown, what: string): AuthError {
  if (err instanceof AuthError) return err;
  if (isMicrosoftReconnectError(err)) return new ReconnectRequiredError('The Microsoft account must be reconnected');
  const code = (err as { errorCode?: unknown } | null)?.errorCode;
  const safe = typeof code === 'string' ? code.replace(/[^\w.-]/g, '').slice(0, 64) : 'network error';
  return new AuthError('token_exchange_failed', `${what} failed: ${safe}`);
}

export interface MicrosoftTokenSourceOptions {
  config: MicrosoftOAuthConfig;
  homeAccountId: string;
  storage: MsalCacheStorage;
  /** Scopes to ask for: the account's granted ones (default: the config's, else DEFAULT_MICROSOFT_SCOPES). */
  scopes?: string[];
  /** Ask msal for a new token this many ms before expiry (default 5 minutes). */
  refreshMarginMs?: number;
}

/**
 * Access tokens for one signed-in account through acquireTokenSilent, which refreshes with
 * the cached refresh token when needed (and writes the new cache through the plugin).
 * A valid token is reused without touching the cache, so a sync's thousands of requests do
 * not deserialise it each time. Throws ReconnectRequiredError when the grant is gone.
 */
export class MicrosoftTokenSource {
  readonly #pca: PublicClientApplication;
  readonly #o: MicrosoftTokenSourceOptions;
  #current: { token: string; expiresAt: number } | undefined;
  #pending: Promise<string> | undefined;
  #forceRefresh = false;

  constructor(options: MicrosoftTokenSourceOptions) {
    this.#o = options;
    this.#pca = createMicrosoftClient(options.config, options.storage);
  }

  /** A bearer token valid for at least the refresh margin. */
  getAccessToken(): Promise<string> {
    const margin = this.#o.refreshMarginMs ?? 5 * 60_000;
    if (this.#current && this.#current.expiresAt - margin > Date.now()) return Promise.resolve(this.#current.token);
    this.#pending ??= this.#acquire().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /** Forget the reused token after a 401: the next call refreshes through the authority, not the cache. */
  invalidate(): void {
    this.#current = undefined;
    this.#forceRefresh = true;
  }

  async #acquire(): Promise<string> {
    const account = await findAccount(this.#pca, this.#o.homeAccountId);
    if (!account) throw new ReconnectRequiredError('no cached Microsoft account: sign in again');
    try {
      const margin = this.#o.refreshMarginMs ?? 5 * 60_000;
      const forceRefresh = this.#forceRefresh || (this.#current !== undefined && this.#current.expiresAt - margin <= Date.now());
      this.#forceRefresh = false;
      const result = await this.#pca.acquireTokenSilent({
        account,
        scopes: this.#o.scopes ?? this.#o.config.scopes ?? DEFAULT_MICROSOFT_SCOPES,
        ...(forceRefresh ? { forceRefresh: true } : {}),
      });
      if (!result?.accessToken) throw new AuthError('invalid_response', 'No access token from the Microsoft cache');
      const expiresAt = result.expiresOn?.getTime() ?? Date.now() + 3600_000;
      this.#current = { token: result.accessToken, expiresAt };
      log.debug('access token ready', { expiresAt: new Date(expiresAt).toISOString(), fromCache: result.fromCache });
      return result.accessToken;
    } catch (err) {
      const mapped = microsoftAuthError(err, 'Token refresh');
      log.warn('silent token acquisition failed', { error: mapped.code });
      throw mapped;
    }
  }
}

/** The cached account with `homeAccountId`, or null. */
export async function findAccount(pca: PublicClientApplication, homeAccountId: string): Promise<AccountInfo | null> {
  const accounts = await pca.getTokenCache().getAllAccounts();
  return accounts.find((a) => a.homeAccountId === homeAccountId) ?? null;
}

/**
 * Removes the account (and its tokens) from msal's cache, writing the emptied cache through
 * `storage` (https://learn.microsoft.com/entra/msal/javascript/node/accounts). Returns
 * false when the cache did not hold it.
 */
export async function removeMicrosoftAccount(config: MicrosoftOAuthConfig, storage: MsalCacheStorage, homeAccountId: string): Promise<boolean> {
  const pca = createMicrosoftClient(config, storage);
  const account = await findAccount(pca, homeAccountId);
  if (!account) return false;
  await pca.getTokenCache().removeAccount(account);
  log.info('account removed from the token cache');
  return true;
}
