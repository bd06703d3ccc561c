// How an IMAP account signs in to its IMAP and SMTP servers: a password, or an OAuth 2.0
// access token (SASL XOAUTH2, which Microsoft 365 and Gmail take; RFC 7628 OAUTHBEARER is
// the standard form of the same) from the account's Microsoft sign-in, refreshed silently.
// A server that refuses a token gets one fresh token and one more try before the account is
// marked to sign in again; a refused password is the rep's to fix at once.
// References: https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth
// https://developers.google.com/gmail/imap/xoauth2-protocol
import {
  MicrosoftTokenSource,
  credentialCacheStorage,
  type CredentialRecords,
  type MicrosoftOAuthConfig,
} from '../../auth/microsoft-oauth.ts';
import { ReconnectRequiredError } from '../../auth/errors.ts';
import type { ImapCredentials } from './imap.ts';

/** Microsoft 365 delegated scopes for IMAP and SMTP AUTH (msal adds openid, profile, offline_access). */
export const MICROSOFT_IMAP_SCOPES = ['https://outlook.office.com/IMAP.AccessAsUser.All', 'https://outlook.office.com/SMTP.Send'];

/** What imapflow and nodemailer sign in with. */
export type ImapSecret = { password: string } | { accessToken: string };

export interface ImapSignIn {
  /** 'password' or the OAuth issuer; names the method in logs and messages, never the secret. */
  readonly method: 'password' | 'microsoft';
  /** The secret for the next sign-in; ReconnectRequiredError when the grant is gone. */
  secret(): Promise<ImapSecret>;
  /**
   * The server refused the last secret. True when asking again is worth it (a cached token
   * the server no longer takes is forgotten and the next secret() refreshes it); false for
   * a password, which would only be refused again.
   */
  refused(): boolean;
}

export function passwordSignIn(password: string): ImapSignIn {
  return { method: 'password', secret: async () => ({ password }), refused: () => false };
}

export function tokenSignIn(tokens: Pick<MicrosoftTokenSource, 'getAccessToken' | 'invalidate'>): ImapSignIn {
  return {
    method: 'microsoft',
    secret: async () => ({ accessToken: await tokens.getAccessToken() }),
    refused: () => {
      tokens.invalidate();
      return true;
    },
  };
}

/**
 * The sign-in stored for an IMAP account: its password, or its Microsoft token cache (kept in
 * the same encrypted credentials row, refreshed tokens written back there). `oauth` is the
 * Microsoft client configuration; ReconnectRequiredError when credentials or configuration
 * are missing.
 */
export function imapSignInFor(credentials: ImapCredentials | null, records: CredentialRecords, accountId: number, oauth?: MicrosoftOAuthConfig): ImapSignIn {
  if (credentials?.password) return passwordSignIn(credentials.password);
  if (credentials?.auth === 'microsoft' && credentials.homeAccountId && credentials.msalCache) {
    if (!oauth) throw new ReconnectRequiredError('no Microsoft client configured for this mailbox');
    return tokenSignIn(
      new MicrosoftTokenSource({
        config: { ...oauth, scopes: MICROSOFT_IMAP_SCOPES },
        homeAccountId: credentials.homeAccountId,
        storage: credentialCacheStorage(records, accountId),
        scopes: credentials.scopes ?? MICROSOFT_IMAP_SCOPES,
      }),
    );
  }
  throw new ReconnectRequiredError('no stored credentials');
}

/** imapflow and nodemailer mark a refused LOGIN / AUTHENTICATE / AUTH this way. */
export function isAuthenticationRefused(error: unknown): boolean {
  const e = error as { authenticationFailed?: unknown; code?: unknown; responseCode?: unknown } | null;
  return e?.authenticationFailed === true || e?.code === 'EAUTH' || e?.responseCode === 535;
}

/**
 * Opens something that signs in (an imapflow client, an SMTP transport) with `signIn`'s
 * secret; when the server refuses a token, once more with a fresh one. Rejects with the
 * failure (a refused password keeps authenticationFailed set), or ReconnectRequiredError:
 * from the token source, or when the server refuses a freshly issued token too — the grant
 * no longer carries the mail scopes the server wants (revoked consent, a disabled
 * protocol), so only signing in again can help, not the server's bare 535.
 */
export async function signedIn<T>(signIn: ImapSignIn, open: (secret: ImapSecret) => Promise<T>): Promise<T> {
  try {
    return await open(await signIn.secret());
  } catch (error) {
    if (!isAuthenticationRefused(error) || !signIn.refused()) throw error;
    try {
      return await open(await signIn.secret());
    } catch (again) {
      if (!isAuthenticationRefused(again)) throw again;
      const reconnect = new ReconnectRequiredError('the mail server refused a freshly issued sign-in token: sign in to this mailbox again');
      (reconnect as Error & { cause?: unknown }).cause = again;
      throw reconnect;
    }
  }
}
