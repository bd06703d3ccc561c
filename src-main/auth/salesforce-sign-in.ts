// Interactive Salesforce sign-in for the desktop app: system browser, loopback redirect,
// authorization code with PKCE S256 and state (RFC 8252 §§6-8, RFC 7636), exchanged at
// <loginUrl>/services/oauth2/token as a public client: client_id and code_verifier, no secret.
import { createHash, randomBytes } from 'node:crypto';
import { createLogger } from '../platform/logger.ts';
import { AuthError, ReconnectRequiredError } from './errors.ts';
import { startLoopbackRedirect } from './loopback-redirect.ts';
import {
  DEFAULT_SALESFORCE_REDIRECT_PORT,
  DEFAULT_SALESFORCE_SCOPES,
  loginUrlOf,
  postTokenRequest,
  salesforceEndpoints,
  SalesforceTokenRequestError,
  toSalesforceTokens,
  type SalesforceOAuthConfig,
  type SalesforceTokens,
} from './salesforce-oauth.ts';

const log = createLogger('auth.salesforce');

export interface SalesforceSignInOptions {
  /** Opens the authorization URL in the user's browser (Electron: shell.openExternal; CLI: openInSystemBrowser). */
  openBrowser(url: string): Promise<void>;
  /** How long to wait for the browser to come back, in ms (default 5 minutes). */
  timeoutMs?: number;
  /** Aborting cancels the sign-in and frees the loopback port. */
  signal?: AbortSignal;
  /** Sent as login_hint (the Salesforce username), e.g. when reconnecting a known account. */
  loginHint?: string;
  /** Salesforce `prompt`: 'login' asks for credentials again (switching accounts), 'consent' re-asks approval. */
  prompt?: 'login' | 'consent' | 'select_account';
}

/** An RFC 7636 §4.1 code_verifier (43 characters of base64url) and its S256 code_challenge. */
export function createPkcePair(): { codeVerifier: string; codeChallenge: string } {
  const codeVerifier = randomBytes(32).toString('base64url');
  return { codeVerifier, codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url') };
}

/**
 * Runs the whole flow and resolves with tokens including a refresh token and the org's
 * instance_url. Rejects with AuthError: access_denied, authorization_error,
 * invalid_response (no refresh token: the app lacks the refresh_token scope), timeout,
 * cancelled, browser_failed or token_exchange_failed. The loopback listener is closed
 * whatever the outcome.
 *
 * The redirect URI is http://127.0.0.1:<config.redirectPort>/oauth2/callback (default
 * port 7717, the one the External Client App registers: Salesforce compares callback URLs
 * exactly, port included); a port another program holds fails with browser_failed.
 */
export async function signInWithSalesforce(config: SalesforceOAuthConfig, options: SalesforceSignInOptions): Promise<SalesforceTokens> {
  const loginUrl = loginUrlOf(config);
  const state = randomBytes(32).toString('base64url');
  const redirect = await startLoopbackRedirect({
    expectedState: state,
    port: config.redirectPort ?? DEFAULT_SALESFORCE_REDIRECT_PORT,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    const { codeVerifier, codeChallenge } = createPkcePair();
    const url = new URL(salesforceEndpoints(loginUrl).authorizationUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: redirect.redirectUri,
      scope: (config.scopes ?? DEFAULT_SALESFORCE_SCOPES).join(' '),
      state,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      ...(options.loginHint ? { login_hint: options.loginHint } : {}),
      ...(options.prompt ? { prompt: options.prompt } : {}),
    }).toString();
    log.info('sign-in started', { port: redirect.port, loginHost: new URL(loginUrl).host });

    try {
      await options.openBrowser(url.href);
    } catch (error) {
      log.warn('openBrowser failed', { error });
      throw new AuthError('browser_failed', 'Could not open the browser for sign-in');
    }
    const { code } = await redirect.result;

    const body = await postTokenRequest(
      config,
      { grant_type: 'authorization_code', code, client_id: config.clientId, redirect_uri: redirect.redirectUri, code_verifier: codeVerifier, format: 'json' },
      'Code exchange',
    ).catch((error: unknown) => {
      // invalid_grant here means a code or verifier refused, not a grant to reconnect.
      throw error instanceof ReconnectRequiredError ? new SalesforceTokenRequestError('Code exchange failed: invalid_grant', 400, 'invalid_grant') : error;
    });
    const tokens = toSalesforceTokens(body, loginUrl);
    log.info('sign-in complete', { instanceHost: new URL(tokens.instanceUrl).host, scopes: tokens.scopes });
    return tokens;
  } catch (err) {
    log.warn('sign-in failed', { error: err instanceof AuthError ? err.code : 'unexpected' });
    throw err;
  } finally {
    await redirect.close();
  }
}
