// Gmail accounts: the Google OAuth client from the profile config, sign-in in the system
// browser (loopback redirect, RFC 8252 §7.3) into an account row holding the tokens, the
// Gmail sync job for the mail worker, and disconnect (tokens revoked at Google, then forgotten).
import {
  ReconnectRequiredError,
  createGoogleClient,
  googleCanSend,
  revokeGoogleTokens,
  signInWithGoogle,
  type GoogleOAuthConfig,
  type GoogleTokens,
} from '../auth/index.ts';
import { GmailProvider } from '../mail/providers/gmail.ts';
import { GmailMailbox } from '../mail/remote/gmail-mailbox.ts';
import { AppError } from '../platform/app-error.ts';
import { createLogger } from '../platform/logger.ts';
import type { GoogleConfig } from '../platform/profile-config.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { ProviderAccounts } from './provider-account.ts';

const log = createLogger('accounts.gmail');

export interface GmailAccounts extends ProviderAccounts {
  /** Throws AppError('invalid_input') when no client id is configured. */
  oauthConfig(): GoogleOAuthConfig;
}

export function gmailAccounts(deps: { store: ProfileStore; config: GoogleConfig }): GmailAccounts {
  const { store, config } = deps;

  const oauthConfig = (): GoogleOAuthConfig => {
    if (!config.clientId) {
      throw new AppError('invalid_input', 'no Google OAuth client configured: set google.clientId in the profile config.json or pass --client-id');
    }
    return {
      clientId: config.clientId,
      clientSecret: config.clientSecret ?? '',
      endpoints: {
        ...(config.authUrl ? { authorizationUrl: config.authUrl } : {}),
        ...(config.tokenUrl ? { tokenUrl: config.tokenUrl } : {}),
        ...(config.revokeUrl ? { revocationUrl: config.revokeUrl } : {}),
        ...(config.tokenInfoUrl ? { tokenInfoUrl: config.tokenInfoUrl } : {}),
      },
    };
  };

  const providerOptions = () => ({
    ...(config.gmailUrl ? { rootUrl: config.gmailUrl } : {}),
    ...(config.quotaUnitsPerSecond !== undefined ? { unitsPerSecond: config.quotaUnitsPerSecond } : {}),
    ...(config.concurrency ? { concurrency: config.concurrency } : {}),
    ...(config.requestTimeoutMs ? { timeoutMs: config.requestTimeoutMs } : {}),
  });

  /** The ID token names the account; without one, ask Gmail whose mailbox this is (users.getProfile). */
  const mailboxAddress = async (tokens: GoogleTokens): Promise<string> => {
    if (tokens.email) return tokens.email;
    const provider = new GmailProvider({ auth: createGoogleClient(oauthConfig(), tokens, { onTokens: () => {} }), ...providerOptions() });
    try {
      return (await provider.getProfile()).emailAddress;
    } finally {
      await provider.close();
    }
  };

  return {
    provider: 'gmail',
    issuer: 'Google',
    oauthConfig,

    async connect(options) {
      const tokens = await signInWithGoogle(oauthConfig(), options);
      const email = await mailboxAddress(tokens);
      const account = store.accounts.findByEmail('gmail', email) ?? store.accounts.create({ provider: 'gmail', email });
      store.accounts.setTokens(account.id, tokens);
      store.accounts.setStatus(account.id, 'connected');
      log.info('gmail account connected', { accountId: account.id });
      return store.accounts.get(account.id)!;
    },

    mailbox(accountId) {
      const tokens = store.accounts.getTokens<GoogleTokens>(accountId);
      if (!tokens?.refreshToken) throw new ReconnectRequiredError('no stored credentials');
      return new GmailMailbox({
        auth: createGoogleClient(oauthConfig(), tokens, { onTokens: (next) => store.accounts.setTokens(accountId, next) }),
        ...(config.gmailUrl ? { rootUrl: config.gmailUrl } : {}),
        ...(config.requestTimeoutMs ? { timeoutMs: config.requestTimeoutMs } : {}),
      });
    },

    canSend: (accountId) => googleCanSend(store.accounts.getTokens<GoogleTokens>(accountId)?.scopes ?? []),

    syncJob: (accountId) => ({ kind: 'gmail-sync', accountId, oauth: oauthConfig(), provider: providerOptions() }),

    async disconnect(accountId) {
      const tokens = store.accounts.getTokens<GoogleTokens>(accountId);
      if (tokens?.refreshToken) await revokeGoogleTokens(oauthConfig(), tokens);
      store.accounts.setTokens(accountId, {});
      store.accounts.setStatus(accountId, 'disconnected');
    },
  };
}
