// Google OAuth configuration, token shape and the authorised client the Gmail adapter uses.
// Endpoints are configuration, so the same code talks to Google and to the test emulator.
// Nothing here stores tokens: refreshed tokens go to the caller, which owns the encrypted store.
import { OAuth2Client, type Credentials } from 'google-auth-library';
import { createLogger } from '../platform/logger.ts';
import { AuthError, ReconnectRequiredError, isInvalidGrant, oauthErrorCode } from './errors.ts';

const log = createLogger('auth.google');

export interface GoogleOAuthEndpoints {
  authorizationUrl: string;
  tokenUrl: string;
  revocationUrl: string;
  tokenInfoUrl: string;
}

/** https://developers.google.com/identity/protocols/oauth2/native-app */
export const GOOGLE_ENDPOINTS: GoogleOAuthEndpoints = {
  authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  revocationUrl: 'https://oauth2.googleapis.com/revoke',
  tokenInfoUrl: 'https://oauth2.googleapis.com/tokeninfo',
};

export const GMAIL_READONLY_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';
/** Read, label, archive and trash (never delete for good): https://developers.google.com/gmail/api/auth/scopes */
export const GMAIL_MODIFY_SCOPE = 'https://www.googleapis.com/auth/gmail.modify';
export const GMAIL_SEND_SCOPE = 'https://www.googleapis.com/auth/gmail.send';
export const DEFAULT_GOOGLE_SCOPES = ['openid', 'email', 'profile', GMAIL_MODIFY_SCOPE, GMAIL_SEND_SCOPE];
/** The one scope Gmail's IMAP and SMTP servers take over XOAUTH2: https://developers.google.com/gmail/imap/xoauth2-protocol */
export const GMAIL_IMAP_SCOPE = 'https://mail.google.com/';
/** A Google sign-in for a mailbox over IMAP and SMTP: the address from the ID token, and full mail access. */
export const GOOGLE_IMAP_SCOPES = ['openid', 'email', 'profile', GMAIL_IMAP_SCOPE];

/** Whether granted scopes allow acting on mail and sending; accounts signed in read-only before stay read-only. */
export function googleCanSend(scopes: readonly string[]): boolean {
  return scopes.includes(GMAIL_SEND_SCOPE) && scopes.includes(GMAIL_MODIFY_SCOPE);
}

export interface GoogleOAuthConfig {
  clientId: string;
  /** A desktop client's secret is not confidential (RFC 8252 §8.5) but Google's token endpoint requires it. */
  clientSecret: string;
  /** Missing entries default to Google's own endpoints. */
  endpoints?: Partial<GoogleOAuthEndpoints>;
  scopes?: string[];
}

/** Tokens as Mailbridge persists them (the caller encrypts them at rest). */
export interface GoogleTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
  scopes: string[];
  idToken?: string;
  /** From the ID token, which came straight from the token endpoint over TLS (OIDC Core §3.1.3.7). */
  email?: string;
}

export function resolveEndpoints(config: GoogleOAuthConfig): GoogleOAuthEndpoints {
  return { ...GOOGLE_ENDPOINTS, ...config.endpoints };
}

/**
 * An OAuth2Client whose failed refreshes answering invalid_grant throw ReconnectRequiredError,
 * including when the refresh happens inside a googleapis request.
 */
class MailbridgeOAuth2Client extends OAuth2Client {
  protected override async refreshTokenNoCache(refreshToken?: string | null) {
    try {
      return await super.refreshTokenNoCache(refreshToken);
    } catch (err) {
      if (isInvalidGrant(err)) {
        log.warn('refresh rejected: reconnect required', { error: 'invalid_grant' });
        throw new ReconnectRequiredError();
      }
      throw err;
    }
  }
}

/** The library client for `config` (google-auth-library ≥ 9.6 accepts `endpoints`). */
export function createOAuth2Client(config: GoogleOAuthConfig, redirectUri?: string): OAuth2Client {
  const endpoints = resolveEndpoints(config);
  return new MailbridgeOAuth2Client({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    ...(redirectUri ? { redirectUri } : {}),
    endpoints: {
      oauth2AuthBaseUrl: endpoints.authorizationUrl,
      oauth2TokenUrl: endpoints.tokenUrl,
      oauth2RevokeUrl: endpoints.revocationUrl,
      tokenInfoUrl: endpoints.tokenInfoUrl,
    },
  });
}

function emailFromIdToken(idToken: string | null | undefined): string | undefined {
  const payload = idToken?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { email?: unknown };
    return typeof claims.email === 'string' ? claims.email.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Converts a token response (google-auth-library `Credentials`) into GoogleTokens. Google
 * omits refresh_token on refresh responses, so `previous` supplies it. Throws
 * AuthError('invalid_response') when no access token or no refresh token is available.
 */
export function toGoogleTokens(credentials: Credentials, previous?: GoogleTokens): GoogleTokens {
  const accessToken = credentials.access_token;
  const refreshToken = credentials.refresh_token ?? previous?.refreshToken;
  if (!accessToken) throw new AuthError('invalid_response', 'The token response carried no access token');
  if (!refreshToken) throw new AuthError('invalid_response', 'The token response carried no refresh token');
  const idToken = credentials.id_token ?? previous?.idToken;
  const email = emailFromIdToken(credentials.id_token) ?? previous?.email;
  return {
    accessToken,
    refreshToken,
    expiresAt: credentials.expiry_date ?? Date.now() + 3600_000,
    scopes: credentials.scope ? credentials.scope.split(' ').filter(Boolean) : (previous?.scopes ?? []),
    ...(idToken ? { idToken } : {}),
    ...(email ? { email } : {}),
  };
}

/** Maps a failed token request to an AuthError without carrying the request (it holds secrets). */
export function tokenRequestError(err: unknown, what: string): AuthError {
  if (err instanceof AuthError) return err;
  const oauthError = oauthErrorCode(err);
  const status = (err as { response?: { status?: unknown } } | null)?.response?.status;
  const detail = oauthError ?? (typeof status === 'number' ? `HTTP ${status}` : 'network error');
  return new AuthError('token_exchange_failed', `${what} failed: ${detail}`);
}

export interface GoogleClientOptions {
  /** Called with the merged tokens after every refresh; persist them. Errors thrown here are logged. */
  onTokens(tokens: GoogleTokens): void | Promise<void>;
  /** Refresh this many ms before expiry (google-auth-library's default is 5 minutes). */
  eagerRefreshThresholdMillis?: number;
}

/**
 * An authorised OAuth2Client for googleapis (`auth:` option) that refreshes on its own.
 * Refreshes are reported through the library's 'tokens' event to `onTokens`; a refresh
 * answering invalid_grant throws ReconnectRequiredError (RFC 6749 §5.2).
 */
export function createGoogleClient(config: GoogleOAuthConfig, tokens: GoogleTokens, options: GoogleClientOptions): OAuth2Client {
  const client = createOAuth2Client(config);
  if (options.eagerRefreshThresholdMillis !== undefined) {
    client.eagerRefreshThresholdMillis = options.eagerRefreshThresholdMillis;
  }
  client.setCredentials({
    access_token: tokens.accessToken,
    refresh_token: tokens.refreshToken,
    expiry_date: tokens.expiresAt,
    scope: tokens.scopes.join(' '),
    token_type: 'Bearer',
    ...(tokens.idToken ? { id_token: tokens.idToken } : {}),
  });
  let current = tokens;
  client.on('tokens', (credentials: Credentials) => {
    try {
      current = toGoogleTokens(credentials, current);
    } catch (error) {
      log.warn('ignoring incomplete token response', { error });
      return;
    }
    log.info('access token refreshed', { expiresAt: new Date(current.expiresAt).toISOString() });
    Promise.resolve()
      .then(() => options.onTokens(current))
      .catch((error: unknown) => log.error('onTokens failed', { error }));
  });
  return client;
}

/**
 * A valid access token from `client`, refreshing if needed. Throws ReconnectRequiredError on
 * invalid_grant, AuthError('token_exchange_failed') on other token-endpoint failures.
 */
export async function getFreshAccessToken(client: OAuth2Client): Promise<string> {
  try {
    const { token } = await client.getAccessToken();
    if (!token) throw new AuthError('invalid_response', 'No access token after refresh');
    return token;
  } catch (err) {
    throw tokenRequestError(err, 'Token refresh');
  }
}

/**
 * Access tokens for something other than googleapis (IMAP and SMTP over XOAUTH2), shaped like
 * MicrosoftTokenSource: refreshed when near expiry, each refresh handed to `onTokens` to
 * persist. getAccessToken rejects with ReconnectRequiredError on invalid_grant, AuthError
 * otherwise.
 */
export class GoogleTokenSource {
  readonly #client: OAuth2Client;

  constructor(config: GoogleOAuthConfig, tokens: GoogleTokens, onTokens: GoogleClientOptions['onTokens']) {
    this.#client = createGoogleClient(config, tokens, { onTokens });
  }

  getAccessToken(): Promise<string> {
    return getFreshAccessToken(this.#client);
  }

  /** Forgets the access token a server refused, so the next getAccessToken refreshes it. */
  invalidate(): void {
    this.#client.setCredentials({ ...this.#client.credentials, access_token: null });
  }
}

/**
 * Revokes the grant behind `tokens` (Google revokes the refresh token and its access tokens
 * together: https://developers.google.com/identity/protocols/oauth2/native-app#tokenrevoke).
 * A token the server already considers invalid counts as revoked. Other failures throw AuthError.
 */
export async function revokeGoogleTokens(config: GoogleOAuthConfig, tokens: Pick<GoogleTokens, 'refreshToken'>): Promise<void> {
  try {
    await createOAuth2Client(config).revokeToken(tokens.refreshToken);
    log.info('grant revoked');
  } catch (err) {
    const code = oauthErrorCode(err);
    if (code === 'invalid_token' || code === 'invalid_grant') {
      log.info('grant was already revoked');
      return;
    }
    throw tokenRequestError(err, 'Token revocation');
  }
}
