// IMAP accounts (any mailbox: Fastmail, iCloud, a hosting provider's, an on-premises server):
// the rep's address and password, with server settings found where possible or given by
// hand; the sign-in is tried before anything is stored, and every failure is said in words.
// The password lives only in the encrypted store (account_credentials) and is never logged.
import { ImapProvider, type ImapCredentials, type ImapServerSettings } from '../mail/providers/imap.ts';
import { APP_PASSWORD_DOMAINS, discoverImapServer, discoverSmtpServer, type SmtpServer } from '../mail/providers/imap-settings.ts';
import { ImapMailbox } from '../mail/remote/imap-mailbox.ts';
import nodemailer from 'nodemailer';
import { AppError } from '../platform/app-error.ts';
import { createLogger } from '../platform/logger.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { Account } from '../store/types.ts';
import type { ProviderAccounts } from './provider-account.ts';

const log = createLogger('accounts.imap');

export interface ImapConnectInput {
  email: string;
  password: string;
  /** Server settings; discovered from the address when absent. */
  server?: Partial<ImapServerSettings>;
  /** The outgoing server (same user and password); discovered when absent; null for none (read and change only). */
  smtp?: Partial<SmtpServer> | null;
}

export interface ImapAccounts extends ProviderAccounts {
  /** Signs in to the server and stores the account; AppError invalid_input / offline with the reason in words. */
  connectWithPassword(input: ImapConnectInput): Promise<Account>;
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
async function verifySmtp(smtp: SmtpServer, user: string, password: string, timeoutMs?: number): Promise<void> {
  const transport = nodemailer.createTransport({
    host: smtp.host, port: smtp.port, secure: smtp.security === 'tls', requireTLS: smtp.security === 'starttls',
    auth: { user, pass: password }, connectionTimeout: timeoutMs ?? 30_000, greetingTimeout: timeoutMs ?? 30_000,
  });
  try {
    await transport.verify();
  } catch (error) {
    const e = error as { code?: string; responseCode?: number };
    const failure = e.code === 'EAUTH' || e.responseCode === 535 ? Object.assign(new Error('refused'), { authenticationFailed: true }) : error;
    const described = describeImapFailure(failure, { ...smtp, user }, user);
    throw new AppError(described.code, `Outgoing mail: ${described.message}`);
  } finally {
    transport.close();
  }
}

export function imapAccounts(deps: { store: ProfileStore; timeoutMs?: number }): ImapAccounts {
  const { store } = deps;
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
      const probe = new ImapProvider({ server, secret: { password }, ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) });
      try {
        await probe.connect();
        await probe.listFolders();
      } catch (error) {
        throw describeImapFailure(error, server, address);
      } finally {
        await probe.close();
      }
      const smtp = await outgoingServer(address, givenSmtp);
      if (smtp) await verifySmtp(smtp, server.user, password, deps.timeoutMs);
      const account = store.accounts.findByEmail('imap', address) ?? store.accounts.create({ provider: 'imap', email: address });
      const credentials: ImapCredentials = { provider: 'imap', ...server, password, smtp };
      store.accounts.setTokens(account.id, credentials);
      store.accounts.setStatus(account.id, 'connected');
      log.info('imap account connected', { accountId: account.id, host: server.host, port: server.port, security: server.security, smtp: smtp?.host ?? null });
      return store.accounts.get(account.id)!;
    },

    syncJob: (accountId) => ({ kind: 'imap-sync', accountId, ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) }),

    mailbox(accountId) {
      const credentials = store.accounts.getTokens<ImapCredentials>(accountId);
      if (!credentials?.password) throw new AppError('reconnect_required', 'sign in to this mailbox again');
      const { password, smtp, provider: _provider, ...server } = credentials;
      return new ImapMailbox({ server, smtp: smtp ?? null, password, ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) });
    },

    canSend: (accountId) => Boolean(store.accounts.getTokens<ImapCredentials>(accountId)?.smtp),
    // Flags and moves go to the IMAP server whether or not the account can send.
    canChange: (accountId) => Boolean(store.accounts.getTokens<ImapCredentials>(accountId)?.password),

    async disconnect(accountId) {
      store.accounts.setTokens(accountId, {});
      store.accounts.setStatus(accountId, 'disconnected');
    },
  };
}
