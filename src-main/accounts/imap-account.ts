// IMAP accounts (any mailbox: Fastmail, iCloud, a hosting provider's, an on-premises server):
// the rep's address and password, with server settings found where possible or given by
// hand; the sign-in is tried before anything is stored, and every failure is said in words.
// The password lives only in the encrypted store (account_credentials) and is never logged.
import { ImapProvider, imapServerOf, type ImapCredentials, type ImapServerSettings } from '../mail/providers/imap.ts';
import { MICROSOFT_IMAP_SCOPES, imapSignInFor, passwordSignIn, signedIn, tokenSignIn, type ImapSecret, type ImapSignIn } from '../mail/providers/imap-auth.ts';
import {
  MicrosoftTokenSource,
  memoryCacheStorage,
  removeMicrosoftAccount,
  credentialCacheStorage,
  signInWithMicrosoft,
  type DeepLinkBroker,
  type MicrosoftOAuthConfig,
} from '../auth/index.ts';
import { APP_PASSWORD_DOMAINS, discoverImapServer, discoverSmtpServer, type SmtpServer } from '../mail/providers/imap-settings.ts';
import { ImapMailbox, smtpTransport } from '../mail/remote/imap-mailbox.ts';
import { AppError } from '../platform/app-error.ts';
import { createLogger } from '../platform/logger.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { Account } from '../store/types.ts';
import type { ConnectOptions, ProviderAccounts } from './provider-account.ts';

const log = createLogger('accounts.imap');

export interface ImapConnectInput {
  email: string;
  password: string;
  /** Server settings; discovered from the address when absent. */
  server?: Partial<ImapServerSettings>;
  /** The outgoing server (same user and password); discovered when absent; null for none (read and change only). */
  smtp?: Partial<SmtpServer> | null;
}

/** A Microsoft 365 mailbox over IMAP and SMTP: the sign-in happens in the browser, the servers default to Microsoft's. */
export interface ImapMicrosoftConnectInput extends ConnectOptions {
  server?: Partial<ImapServerSettings>;
  smtp?: Partial<SmtpServer> | null;
}

/**
 * Microsoft 365's published IMAP and SMTP AUTH endpoints
 * (https://support.microsoft.com/office/pop-imap-and-smtp-settings-for-outlook-com-d088b986-291d-42b8-9564-9c414e2aa040).
 */
const MICROSOFT_IMAP: Omit<ImapServerSettings, 'user'> = { host: 'outlook.office365.com', port: 993, security: 'tls' };
const MICROSOFT_SMTP: SmtpServer = { host: 'smtp.office365.com', port: 587, security: 'starttls' };

export interface ImapAccounts extends ProviderAccounts {
  /** Signs in to the server and stores the account; AppError invalid_input / offline with the reason in words. */
  connectWithPassword(input: ImapConnectInput): Promise<Account>;
  /**
   * Signs in with Microsoft in the system browser (scopes IMAP.AccessAsUser.All and SMTP.Send),
   * then to IMAP and SMTP with the token (XOAUTH2); stores the account only when all of it worked.
   * AuthError from the sign-in; AppError invalid_input / offline from the servers.
   */
  connectWithMicrosoft(input: ImapMicrosoftConnectInput): Promise<Account>;
}

const TLS_TRUST = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'UNABLE_TO_GET_ISSUER_CERT',
]);

/** One imapflow / socket failure as the rep should read it. */
export function describeImapFailure(error: unknown, server: ImapServerSettings, email: string): AppError {
  const e = error as { code?: string; authenticationFailed?: boolean; responseText?: string; message?: string } | null;
  const where = `${server.host}:${server.port}`;
  if (e?.authenticationFailed) {
    const domain = email.split('@')[1] ?? '';
    const appPassword = APP_PASSWORD_DOMAINS.has(domain) || /app(lication)?[- ]specific|app password/i.test(e.responseText ?? '');
    return new AppError(
      'invalid_input',
      appPassword ? `${where} refused the password: this provider wants an app password, made in its account security settings` : `${where} refused the user name or password`,
    );
  }
  if (e?.code && TLS_TRUST.has(e.code)) return new AppError('invalid_input', `${where}'s certificate is not trusted (${e.code}): check the server name, or ask its administrator`);
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return new AppError('invalid_input', `No server called ${server.host} was found`);
  if (e?.code === 'ECONNREFUSED') return new AppError('invalid_input', `Nothing answers at ${where}: check the port`);
  if (e?.code === 'ETIMEDOUT' || e?.code === 'CONNECT_TIMEOUT' || e?.code === 'GREETING_TIMEOUT') return new AppError('offline', `${where} did not answer in time`);
  if (/wrong version number|EPROTO|packet length too long/i.test(`${e?.code ?? ''} ${e?.message ?? ''}`)) {
    return new AppError('invalid_input', `${where} does not speak ${server.security === 'tls' ? 'TLS' : 'STARTTLS'} there: try ${server.security === 'tls' ? 'STARTTLS on port 143' : 'TLS on port 993'}`);
  }
  return new AppError('invalid_input', `Could not sign in to ${where}: ${e?.message ?? String(error)}`);
}

/** The outgoing server: as given, else discovered; null when the rep said none or nothing is found. */
async function outgoingServer(address: string, given: Partial<SmtpServer> | null | undefined): Promise<SmtpServer | null> {
  if (given === null) return null;
  if (given?.host) return { host: given.host, port: given.port ?? (given.security === 'tls' ? 465 : 587), security: given.security ?? 'starttls' };
  return discoverSmtpServer(address);
}

/** Signs in to the SMTP server once (EHLO, TLS, AUTH) without sending; AppError with the reason in words. */
async function verifySmtp(smtp: SmtpServer, user: string, signIn: ImapSignIn, timeoutMs?: number): Promise<void> {
  try {
    await signedIn(signIn, async (secret: ImapSecret) => {
      const transport = smtpTransport(smtp, user, secret, timeoutMs);
      try {
        await transport.verify();
      } finally {
        transport.close();
      }
    });
  } catch (error) {
    const e = error as { code?: string; responseCode?: number };
    const failure = e.code === 'EAUTH' || e.responseCode === 535 ? Object.assign(new Error('refused'), { authenticationFailed: true }) : error;
    const described = describeImapFailure(failure, { ...smtp, user }, user);
    throw new AppError(described.code, `Outgoing mail: ${described.message}`);
  }
}

/** Signs in to IMAP and lists the folders, the way a sync starts; AppError with the reason in words. */
async function verifyImap(server: ImapServerSettings, signIn: ImapSignIn, email: string, timeoutMs?: number): Promise<void> {
  let probe: ImapProvider | undefined;
  try {
    probe = await signedIn(signIn, async (secret) => {
      const opened = new ImapProvider({ server, secret, ...(timeoutMs ? { timeoutMs } : {}) });
      try {
        await opened.connect();
        return opened;
      } catch (error) {
        await opened.close();
        throw error;
      }
    });
    await probe.listFolders();
  } catch (error) {
    throw describeImapFailure(error, server, email);
  } finally {
    await probe?.close();
  }
}

export interface ImapAccountsDeps {
  store: ProfileStore;
  timeoutMs?: number;
  /** The Microsoft client and deep-link broker (the Microsoft accounts module), for Microsoft 365 over IMAP. */
  microsoft?: { oauthConfig(): MicrosoftOAuthConfig; readonly deepLinks: DeepLinkBroker };
}

export function imapAccounts(deps: ImapAccountsDeps): ImapAccounts {
  const { store } = deps;
  const microsoftConfig = (): MicrosoftOAuthConfig => {
    if (!deps.microsoft) throw new AppError('invalid_input', 'no Microsoft client configured: set microsoft.clientId in the profile config.json');
    return { ...deps.microsoft.oauthConfig(), scopes: MICROSOFT_IMAP_SCOPES };
  };
  const signInOf = (accountId: number): ImapSignIn => {
    const credentials = store.accounts.getTokens<ImapCredentials>(accountId);
    return imapSignInFor(credentials, store.accounts, accountId, credentials?.auth === 'microsoft' ? microsoftConfig() : undefined);
  };
  const signedInBefore = (accountId: number): boolean => {
    const credentials = store.accounts.getTokens<ImapCredentials>(accountId);
    return Boolean(credentials?.password || credentials?.msalCache);
  };
  return {
    provider: 'imap',
    issuer: 'the mail server',

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

    async connectWithMicrosoft({ server: given, smtp: givenSmtp, ...options }) {
      const config = microsoftConfig();
      const result = await signInWithMicrosoft(config, {
        openBrowser: options.openBrowser,
        deepLinks: deps.microsoft!.deepLinks,
        ...(options.loopback ? { loopback: true } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const address = result.email;
      const server: ImapServerSettings = {
        host: given?.host ?? MICROSOFT_IMAP.host,
        port: given?.port ?? MICROSOFT_IMAP.port,
        security: given?.security ?? MICROSOFT_IMAP.security,
        user: given?.user ?? address,
      };
      const smtp = givenSmtp === null ? null : givenSmtp?.host ? await outgoingServer(address, givenSmtp) : MICROSOFT_SMTP;
      // Until the account row exists, msal's cache (and any refresh) lives in memory.
      const cache = memoryCacheStorage(result.msalCache);
      const signIn = tokenSignIn(new MicrosoftTokenSource({ config, homeAccountId: result.homeAccountId, storage: cache, scopes: MICROSOFT_IMAP_SCOPES }));
      await verifyImap(server, signIn, address, deps.timeoutMs);
      if (smtp) await verifySmtp(smtp, server.user, signIn, deps.timeoutMs);
      const account = store.accounts.findByEmail('imap', address) ?? store.accounts.create({ provider: 'imap', email: address });
      const credentials: ImapCredentials = {
        provider: 'imap', auth: 'microsoft', ...server, smtp,
        homeAccountId: result.homeAccountId, msalCache: cache.value ?? result.msalCache, scopes: MICROSOFT_IMAP_SCOPES,
      };
      store.accounts.setTokens(account.id, credentials);
      store.accounts.setStatus(account.id, 'connected');
      log.info('imap account connected', { accountId: account.id, auth: 'microsoft', host: server.host, port: server.port, smtp: smtp?.host ?? null });
      return store.accounts.get(account.id)!;
    },

    syncJob(accountId) {
      const oauth = store.accounts.getTokens<ImapCredentials>(accountId)?.auth === 'microsoft' ? microsoftConfig() : undefined;
      return { kind: 'imap-sync', accountId, ...(oauth ? { oauth } : {}), ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) };
    },

    mailbox(accountId) {
      const credentials = store.accounts.getTokens<ImapCredentials>(accountId);
      if (!credentials) throw new AppError('reconnect_required', 'sign in to this mailbox again');
      return new ImapMailbox({ server: imapServerOf(credentials), smtp: credentials.smtp ?? null, signIn: signInOf(accountId), ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) });
    },

    canSend: (accountId) => signedInBefore(accountId) && Boolean(store.accounts.getTokens<ImapCredentials>(accountId)?.smtp),
    // Flags and moves go to the IMAP server whether or not the account can send.
    canChange: signedInBefore,

    async disconnect(accountId) {
      const credentials = store.accounts.getTokens<ImapCredentials>(accountId);
      if (credentials?.auth === 'microsoft' && credentials.homeAccountId && deps.microsoft) {
        try {
          await removeMicrosoftAccount(microsoftConfig(), credentialCacheStorage(store.accounts, accountId), credentials.homeAccountId);
        } catch (error) {
          log.warn('could not remove the account from the token cache', { accountId, error: (error as Error).name });
        }
      }
      store.accounts.setTokens(accountId, {});
      store.accounts.setStatus(accountId, 'disconnected');
    },
  };
}
