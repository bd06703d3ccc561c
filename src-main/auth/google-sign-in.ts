// Interactive Google sign-in for a desktop app: system browser, loopback redirect, PKCE S256
// and state (RFC 8252 §§6-8, RFC 7636), authorization code exchanged for tokens with
// google-auth-library (https://developers.google.com/identity/protocols/oauth2/native-app).
import { randomBytes } from 'node:crypto';
import { createLogger } from '../platform/logger.ts';
import { AuthError } from './errors.ts';
import {
  DEFAULT_GOOGLE_SCOPES,
  createOAuth2Client,
  toGoogleTokens,
  tokenRequestError,
  type GoogleOAuthConfig,
  type GoogleTokens,
} from './google-oauth.ts';
import { startLoopbackRedirect } from './loopback-redirect.ts';

const log = createLogger('auth.google');

export interface SignInOptions {
  /** Opens the authorization URL in the user's browser (Electron: shell.openExternal; CLI: openInSystemBrowser). */
  openBrowser(url: string): Promise<void>;
  /** How long to wait for the browser to come back, in ms (default 5 minutes). */
  timeoutMs?: number;
  /** Aborting cancels the sign-in and frees the loopback port. */
  signal?: AbortSignal;
  /** Sent as login_hint, e.g. when reconnecting a known account. */
  loginHint?: string;
}

/**
 * Runs the whole flow and resolves with tokens including a refresh token (access_type=offline,
 * prompt=consent). Rejects with AuthError: access_denied, authorization_error,
 * invalid_response, timeout, cancelled, browser_failed or token_exchange_failed. The loopback
 * listener is closed whatever the outcome.
 */
export async function signInWithGoogle(config: GoogleOAuthConfig, options: SignInOptions): Promise<GoogleTokens> {
  const state = randomBytes(32).toString('base64url');
  const redirect = await startLoopbackRedirect({
    expectedState: state,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    const client = createOAuth2Client(config, redirect.redirectUri);
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const url = client.generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      code_challenge_method: 'S256' as never, // the library types this as an enum; the value is the RFC 7636 string
      code_challenge: codeChallenge,
      state,
      scope: config.scopes ?? DEFAULT_GOOGLE_SCOPES,
      ...(options.loginHint ? { login_hint: options.loginHint } : {}),
    });
    log.info('sign-in started', { port: redirect.port });

    try {
      await options.openBrowser(url);
    } catch (error) {
      log.warn('openBrowser failed', { error });
      throw new AuthError('browser_failed', 'Could not open the browser for sign-in');
    }
    const { code } = await redirect.result;

    let tokens: GoogleTokens;
    try {
      const response = await client.getToken({ code, codeVerifier, redirect_uri: redirect.redirectUri });
      tokens = toGoogleTokens(response.tokens);
    } catch (err) {
      throw tokenRequestError(err, 'Code exchange');
    }
    log.info('sign-in complete', { scopes: tokens.scopes, expiresAt: new Date(tokens.expiresAt).toISOString() });
    return tokens;
  } catch (err) {
    log.warn('sign-in failed', { error: err instanceof AuthError ? err.code : 'unexpected' });
    throw err;
  } finally {
    await redirect.close();
  }
}
