// IMAP accounts (any mailbox: Fastmail, iCloud, a hosting provider's, an on-premises server):
// the rep's address and password, with server settings found where possible or given by
// hand, or a Microsoft 365 or Google sign-in in the browser whose tokens sign in over
// XOAUTH2; the sign-in is tried before anything is stored, and every failure is said in
// words. Passwords and tokens live only in the encrypted store (account_credentials) and are
// never logged.
import { imapServerOf, type ImapCredentials, type ImapServerSettings } from '../mail/providers/imap.ts';
import {
  MICROSOFT_IMAP_SCOPES,
  hasImapSecret,
  imapOAuthIssuer,
  imapSignInFor,
  passwordSignIn,
  tokenSignIn,
  type AccessTokens,
  type ImapOAuthClient,
  type ImapOAuthIssuer,
  type ImapSignIn,
} from '../mail/providers/imap-auth.ts';
import {
  GMAIL_IMAP_SCOPE,
  GOOGLE_IMAP_SCOPES,
  GoogleTokenSource,
  MicrosoftTokenSource,
  memoryCacheStorage,
  removeMicrosoftAccount,
  credentialCacheStorage,
  revokeGoogleTokens,
  signInWithGoogle,
  signInWithMicrosoft,
  type DeepLinkBroker,
  type GoogleOAuthConfig,
  type MicrosoftOAuthConfig,
} from '../auth/index.ts';
import { discoverImapServer, type SmtpServer } from '../mail/providers/imap-settings.ts';
import { ImapMailbox } from '../mail/remote/imap-mailbox.ts';
import { AppError } from '../platform/app-error.ts';
import { createLogger } from '../platform/logger.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { Account } from '../store/types.ts';
import type { ConnectOptions, ProviderAccounts } from './provider-account.ts';
import { outgoingServer, verifyImap, verifySmtp } from './imap-verify.ts';

const log = createLogger('accounts.imap');

export interface ImapConnectInput {
  email: string;
  password: string;
  /** Server settings; discovered from the address when absent. */
  server?: Partial<ImapServerSettings>;
  /** The outgoing server (same user and password); discovered when absent; null for none (read and change only). */
  smtp?: Partial<SmtpServer> | null;
}

/** A Microsoft 365 or Google mailbox over IMAP and SMTP: the sign-in happens in the browser, the servers default to the issuer's. */
export interface ImapOAuthConnectInput extends ConnectOptions {
  issuer: ImapOAuthIssuer;
  server?: Partial<ImapServerSettings>;
  smtp?: Partial<SmtpServer> | null;
}

/**
 * Each issuer's published IMAP and SMTP servers: Microsoft 365
 * (https://support.microsoft.com/office/pop-imap-and-smtp-settings-for-outlook-com-d088b986-291d-42b8-9564-9c414e2aa040)
 * and Gmail (https://developers.google.com/gmail/imap/imap-smtp).
 */
const ISSUER_SERVERS: Record<ImapOAuthIssuer, { imap: Omit<ImapServerSettings, 'user'>; smtp: SmtpServer }> = {
  microsoft: { imap: { host: 'outlook.office365.com', port: 993, security: 'tls' }, smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' } },
  google: { imap: { host: 'imap.gmail.com', port: 993, security: 'tls' }, smtp: { host: 'smtp.gmail.com', port: 465, security: 'tls' } },
};

/** A finished browser sign-in: whose mailbox, its tokens, and what of them the credentials row keeps. */
interface OAuthSignedIn {
  email: string;
  tokens: AccessTokens;
  stored(): Pick<ImapCredentials, 'auth' | 'homeAccountId' | 'msalCache' | 'scopes' | 'google'>;
}

export interface ImapAccounts extends ProviderAccounts {
  /** Signs in to the server and stores the account; AppError invalid_input / offline with the reason in words. */
  connectWithPassword(input: ImapConnectInput): Promise<Account>;
  /**
   * Signs in with the issuer in the system browser (Microsoft: IMAP.AccessAsUser.All and
   * SMTP.Send; Google: https://mail.google.com/), then to IMAP and SMTP with the token
   * (XOAUTH2); stores the account only when all of it worked. AuthError from the sign-in;
   * AppError invalid_input / offline from the servers, or when the mail scope was not granted.
   */
  connectWithOAuth(input: ImapOAuthConnectInput): Promise<Account>;
  /** The issuer's OAuth client, for the mail worker and the IDLE watchers; AppError invalid_input when none is configured. */
  oauthClient(issuer: ImapOAuthIssuer): ImapOAuthClient;
}

export interface ImapAccountsDeps {
  store: ProfileStore;
  timeoutMs?: number;
  /** The Microsoft client and deep-link broker (the Microsoft accounts module), for Microsoft 365 over IMAP. */
  microsoft?: { oauthConfig(): MicrosoftOAuthConfig; readonly deepLinks: DeepLinkBroker };
  /** The Google client (the Gmail accounts module), for Gmail and Google Workspace over IMAP. */
  google?: { oauthConfig(): GoogleOAuthConfig };
}

export function imapAccounts(deps: ImapAccountsDeps): ImapAccounts {
  const { store } = deps;
  const microsoftConfig = (): MicrosoftOAuthConfig => {
    if (!deps.microsoft) throw new AppError('invalid_input', 'no Microsoft client configured: set microsoft.clientId in the profile config.json');
    return { ...deps.microsoft.oauthConfig(), scopes: MICROSOFT_IMAP_SCOPES };
  };
  const googleConfig = (): GoogleOAuthConfig => {
    if (!deps.google) throw new AppError('invalid_input', 'no Google client configured: set google.clientId in the profile config.json');
    return deps.google.oauthConfig();
  };
  const oauthClient = (issuer: ImapOAuthIssuer): ImapOAuthClient =>
    issuer === 'google' ? { issuer, config: googleConfig() } : { issuer, config: microsoftConfig() };
  const credentialsOf = (accountId: number) => store.accounts.getTokens<ImapCredentials>(accountId);
  const clientFor = (credentials: ImapCredentials | null): ImapOAuthClient | undefined => {
    const issuer = imapOAuthIssuer(credentials);
    return issuer ? oauthClient(issuer) : undefined;
  };
  const signInOf = (accountId: number): ImapSignIn => {
    const credentials = credentialsOf(accountId);
    return imapSignInFor(credentials, store.accounts, accountId, clientFor(credentials));
  };
  const signedInBefore = (accountId: number): boolean => hasImapSecret(credentialsOf(accountId));

  /** Until the account row exists, the tokens (and any refresh) live in memory. */
  const signInInBrowser = async (issuer: ImapOAuthIssuer, options: ConnectOptions): Promise<OAuthSignedIn> => {
    const common = {
      openBrowser: options.openBrowser,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    if (issuer === 'microsoft') {
      const config = microsoftConfig();
      const result = await signInWithMicrosoft(config, { ...common, deepLinks: deps.microsoft!.deepLinks, ...(options.loopback ? { loopback: true } : {}) });
      const cache = memoryCacheStorage(result.msalCache);
      return {
        email: result.email,
        tokens: new MicrosoftTokenSource({ config, homeAccountId: result.homeAccountId, storage: cache, scopes: MICROSOFT_IMAP_SCOPES }),
        stored: () => ({ auth: 'microsoft', homeAccountId: result.homeAccountId, msalCache: cache.value ?? result.msalCache, scopes: MICROSOFT_IMAP_SCOPES }),
      };
    }
    const config = googleConfig();
    // Google's loopback redirect always (RFC 8252 §7.3); `loopback` is Microsoft's choice alone.
    let tokens = await signInWithGoogle({ ...config, scopes: GOOGLE_IMAP_SCOPES }, common);
    if (!tokens.scopes.includes(GMAIL_IMAP_SCOPE)) {
      await revokeGoogleTokens(config, tokens).catch(() => undefined);
      throw new AppError('invalid_input', 'Google did not grant access to your mail: sign in again and tick "Read, compose, send and permanently delete all your email from Gmail"');
    }
    if (!tokens.email) throw new AppError('invalid_input', 'Google did not say which address signed in');
    const email = tokens.email;
    return {
      email,
      tokens: new GoogleTokenSource(config, tokens, (next) => {
        tokens = next;
      }),
      stored: () => ({ auth: 'google', google: tokens }),
    };
  };

  return {
    provider: 'imap',
    issuer: 'the mail server',
    oauthClient,

    async connect() {
      throw new AppError('invalid_input', 'an IMAP account signs in with its address and password, not in the browser');
    },

    async connectWithPassword({ email, password, server: given, smtp: givenSmtp }) {
      const address = email.trim().toLowerCase();
      const found = given?.host ? null : await discoverImapServer(address);
      const host = given?.host ?? found?.host;
      if (!host) throw new AppError('invalid_input', `No IMAP server was found for ${address.split('@')[1] ?? address}: enter its name and port`);
      const server: ImapServerSettings = {
        host,
        port: given?.port ?? found?.port ?? 993,
        security: given?.security ?? found?.security ?? 'tls',
        user: given?.user ?? found?.user ?? address,
      };
      const signIn = passwordSignIn(password);
      await verifyImap(server, signIn, address, deps.timeoutMs);
      const smtp = await outgoingServer(address, givenSmtp);
      if (smtp) await verifySmtp(smtp, server.user, signIn, deps.timeoutMs);
      const account = store.accounts.findByEmail('imap', address) ?? store.accounts.create({ provider: 'imap', email: address });
      const credentials: ImapCredentials = { provider: 'imap', ...server, password, smtp };
      store.accounts.setTokens(account.id, credentials);
      store.accounts.setStatus(account.id, 'connected');
      log.info('imap account connected', { accountId: account.id, host: server.host, port: server.port, security: server.security, smtp: smtp?.host ?? null });
      return store.accounts.get(account.id)!;
    },

    async connectWithOAuth(input) {
      const { issuer, server: given, smtp: givenSmtp } = input;
      const signedInAs = await signInInBrowser(issuer, input);
      const address = signedInAs.email;
      const defaults = ISSUER_SERVERS[issuer];
      const server: ImapServerSettings = {
        host: given?.host ?? defaults.imap.host,
        port: given?.port ?? defaults.imap.port,
        security: given?.security ?? defaults.imap.security,
        user: given?.user ?? address,
      };
      const smtp = givenSmtp === null ? null : givenSmtp?.host ? await outgoingServer(address, givenSmtp) : defaults.smtp;
      const signIn = tokenSignIn(signedInAs.tokens, issuer);
      await verifyImap(server, signIn, address, deps.timeoutMs);
      if (smtp) await verifySmtp(smtp, server.user, signIn, deps.timeoutMs);
      const account = store.accounts.findByEmail('imap', address) ?? store.accounts.create({ provider: 'imap', email: address });
      const credentials: ImapCredentials = { provider: 'imap', ...server, smtp, ...signedInAs.stored() };
      store.accounts.setTokens(account.id, credentials);
      store.accounts.setStatus(account.id, 'connected');
      log.info('imap account connected', { accountId: account.id, auth: issuer, host: server.host, port: server.port, smtp: smtp?.host ?? null });
      return store.accounts.get(account.id)!;
    },

    syncJob(accountId) {
      const oauth = clientFor(credentialsOf(accountId));
      return { kind: 'imap-sync', accountId, ...(oauth ? { oauth } : {}), ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) };
    },

    mailbox(accountId) {
      const credentials = credentialsOf(accountId);
      if (!credentials) throw new AppError('reconnect_required', 'sign in to this mailbox again');
      return new ImapMailbox({ server: imapServerOf(credentials), smtp: credentials.smtp ?? null, signIn: signInOf(accountId), ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) });
    },

    canSend: (accountId) => signedInBefore(accountId) && Boolean(credentialsOf(accountId)?.smtp),
    // Flags and moves go to the IMAP server whether or not the account can send.
    canChange: signedInBefore,

    async disconnect(accountId) {
      const credentials = credentialsOf(accountId);
      try {
        if (credentials?.auth === 'microsoft' && credentials.homeAccountId && deps.microsoft) {
          await removeMicrosoftAccount(microsoftConfig(), credentialCacheStorage(store.accounts, accountId), credentials.homeAccountId);
        } else if (credentials?.auth === 'google' && credentials.google && deps.google) {
          await revokeGoogleTokens(googleConfig(), credentials.google);
        }
      } catch (error) {
        log.warn('could not give up the sign-in at its issuer', { accountId, issuer: credentials?.auth, error: (error as Error).name });
      }
      store.accounts.setTokens(accountId, {});
      store.accounts.setStatus(accountId, 'disconnected');
    },
  };
}
