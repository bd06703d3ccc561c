// How an IMAP account signs in to its IMAP and SMTP servers: a password, or an OAuth 2.0
// access token (SASL XOAUTH2, which Microsoft 365 and Gmail take; RFC 7628 OAUTHBEARER is
// the standard form of the same) from the account's Microsoft or Google sign-in, refreshed
// silently. A server that refuses a token gets one fresh token and one more try before the
// account is marked to sign in again; a refused password is the rep's to fix at once.
// References: https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth
// https://developers.google.com/gmail/imap/xoauth2-protocol
import {
  MicrosoftTokenSource,
  credentialCacheStorage,
  type CredentialRecords,
  type MicrosoftOAuthConfig,
} from '../../auth/microsoft-oauth.ts';
import { GoogleTokenSource, type GoogleOAuthConfig } from '../../auth/google-oauth.ts';
import { ReconnectRequiredError } from '../../auth/errors.ts';
import type { ImapCredentials } from './imap.ts';

/** Microsoft 365 delegated scopes for IMAP and SMTP AUTH (msal adds openid, profile, offline_access). */
export const MICROSOFT_IMAP_SCOPES = ['https://outlook.office.com/IMAP.AccessAsUser.All', 'https://outlook.office.com/SMTP.Send'];

/** Who issues an IMAP account's tokens. */
export type ImapOAuthIssuer = 'microsoft' | 'google';

/** The OAuth client an account's sign-in refreshes its tokens with, by issuer (structured-clone data, for the mail worker). */
export type ImapOAuthClient = { issuer: 'microsoft'; config: MicrosoftOAuthConfig } | { issuer: 'google'; config: GoogleOAuthConfig };

/** What imapflow and nodemailer sign in with. */
export type ImapSecret = { password: string } | { accessToken: string };

export interface ImapSignIn {
  /** 'password' or the OAuth issuer; names the method in logs and messages, never the secret. */
  readonly method: 'password' | ImapOAuthIssuer;
  /** The secret for the next sign-in; ReconnectRequiredError when the grant is gone. */
  secret(): Promise<ImapSecret>;
  /**
   * The server refused the last secret. True when asking again is worth it (a cached token
   * the server no longer takes is forgotten and the next secret() refreshes it); false for
   * a password, which would only be refused again.
   */
  refused(): boolean;
}

/** An access-token source: MicrosoftTokenSource or GoogleTokenSource. */
export interface AccessTokens {
  getAccessToken(): Promise<string>;
  /** Forgets the cached access token, so the next getAccessToken gets a fresh one. */
  invalidate(): void;
}

export function passwordSignIn(password: string): ImapSignIn {
  return { method: 'password', secret: async () => ({ password }), refused: () => false };
}

export function tokenSignIn(tokens: AccessTokens, method: ImapOAuthIssuer = 'microsoft'): ImapSignIn {
  return {
    method,
    secret: async () => ({ accessToken: await tokens.getAccessToken() }),
    refused: () => {
      tokens.invalidate();
      return true;
    },
  };
}

/** The issuer whose tokens `credentials` sign in with; undefined for a password (or nothing stored). */
export function imapOAuthIssuer(credentials: ImapCredentials | null): ImapOAuthIssuer | undefined {
  return credentials?.auth === 'microsoft' || credentials?.auth === 'google' ? credentials.auth : undefined;
}

/** Whether the stored credentials can sign in at all (a password, or a token grant). */
export function hasImapSecret(credentials: ImapCredentials | null): boolean {
  return Boolean(credentials?.password || credentials?.msalCache || credentials?.google?.refreshToken);
}

/**
 * The sign-in stored for an IMAP account: its password, or its Microsoft token cache or Google
 * tokens (kept in the same encrypted credentials row, refreshed tokens written back there).
 * `client` is the issuer's OAuth client; ReconnectRequiredError when credentials or the client
 * are missing.
 */
export function imapSignInFor(credentials: ImapCredentials | null, records: CredentialRecords, accountId: number, client?: ImapOAuthClient): ImapSignIn {
  if (credentials?.password) return passwordSignIn(credentials.password);
  const issuer = imapOAuthIssuer(credentials);
  if (issuer && client?.issuer !== issuer) throw new ReconnectRequiredError(`no ${issuer === 'google' ? 'Google' : 'Microsoft'} client configured for this mailbox`);
  if (client?.issuer === 'microsoft' && credentials?.homeAccountId && credentials.msalCache) {
    return tokenSignIn(
      new MicrosoftTokenSource({
        config: { ...client.config, scopes: MICROSOFT_IMAP_SCOPES },
        homeAccountId: credentials.homeAccountId,
        storage: credentialCacheStorage(records, accountId),
        scopes: credentials.scopes ?? MICROSOFT_IMAP_SCOPES,
      }),
      'microsoft',
    );
  }
  if (client?.issuer === 'google' && credentials?.google?.refreshToken) {
    const onTokens = (google: NonNullable<ImapCredentials['google']>) => {
      // Written back unless the account was disconnected meanwhile.
      const current = records.getTokens<ImapCredentials>(accountId);
      if (current?.auth === 'google') records.setTokens(accountId, { ...current, google });
    };
    return tokenSignIn(new GoogleTokenSource(client.config, credentials.google, onTokens), 'google');
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
