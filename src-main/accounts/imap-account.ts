// IMAP accounts (any mailbox: Fastmail, iCloud, a hosting provider's, an on-premises server):
// the rep's address and password, with server settings found where possible or given by
// hand; the sign-in is tried before anything is stored, and every failure is said in words.
// The password lives only in the encrypted store (account_credentials) and is never logged.
import { ImapProvider, type ImapCredentials, type ImapServerSettings } from '../mail/providers/imap.ts';
import { APP_PASSWORD_DOMAINS, discoverImapServer } from '../mail/providers/imap-settings.ts';
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

export function imapAccounts(deps: { store: ProfileStore; timeoutMs?: number }): ImapAccounts {
  const { store } = deps;
  return {
    provider: 'imap',
    issuer: 'the mail server',

    async connect() {
      throw new AppError('invalid_input', 'an IMAP account signs in with its address and password, not in the browser');
    },

    async connectWithPassword({ email, password, server: given }) {
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
      const account = store.accounts.findByEmail('imap', address) ?? store.accounts.create({ provider: 'imap', email: address });
      const credentials: ImapCredentials = { provider: 'imap', ...server, password };
      store.accounts.setTokens(account.id, credentials);
      store.accounts.setStatus(account.id, 'connected');
      log.info('imap account connected', { accountId: account.id, host: server.host, port: server.port, security: server.security });
      return store.accounts.get(account.id)!;
    },

    syncJob: (accountId) => ({ kind: 'imap-sync', accountId, ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) }),

    mailbox() {
      throw new AppError('invalid_input', 'changing and sending mail from IMAP accounts is not built yet; they are read-only for now');
    },

    canSend: () => false,

    async disconnect(accountId) {
      store.accounts.setTokens(accountId, {});
      store.accounts.setStatus(accountId, 'disconnected');
    },
  };
}
