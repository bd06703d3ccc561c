// Interactive Microsoft sign-in with msal-node: authorization code + PKCE S256 with our own
// state and nonce, the response delivered to mailbridge://auth/microsoft as a deep link
// (getAuthCodeUrl + acquireTokenByCode), or msal's loopback listener as a fallback where
// custom protocols are blocked (acquireTokenInteractive, form_post).
// Reference: https://learn.microsoft.com/entra/identity-platform/scenario-desktop-acquire-token-interactive
import { randomBytes } from 'node:crypto';
import { CryptoProvider, type AuthenticationResult } from '@azure/msal-node';
import { createLogger } from '../platform/logger.ts';
import { AuthError } from './errors.ts';
import {
  DEFAULT_MICROSOFT_SCOPES,
  MICROSOFT_REDIRECT_URI,
  accountEmail,
  createMicrosoftClient,
  memoryCacheStorage,
  microsoftAuthError,
  type MicrosoftOAuthConfig,
} from './microsoft-oauth.ts';
import { DEFAULT_SIGN_IN_TIMEOUT_MS } from './loopback-redirect.ts';
import type { DeepLinkBroker } from './microsoft-redirect.ts';

const log = createLogger('auth.microsoft');

export interface MicrosoftSignInOptions {
  /** Opens the authorization URL in the user's browser (Electron: shell.openExternal; CLI: openInSystemBrowser). */
  openBrowser(url: string): Promise<void>;
  /** Where the running app hands mailbridge:// links; required unless `loopback`. */
  deepLinks?: DeepLinkBroker;
  /** Use msal's loopback listener (http://localhost:<port>) instead of the custom protocol. */
  loopback?: boolean;
  /** How long to wait for the browser to come back, in ms (default 5 minutes). */
  timeoutMs?: number;
  signal?: AbortSignal;
  loginHint?: string;
}

/** A completed sign-in: what to persist (msal's cache holds the tokens) and who signed in. */
export interface MicrosoftSignInResult {
  email: string;
  homeAccountId: string;
  /** msal's serialised token cache after the code exchange. */
  msalCache: string;
  scopes: string[];
  /** Epoch ms when the access token expires. */
  expiresAt: number;
}

/**
 * Runs the whole flow. Rejects with AuthError: access_denied, authorization_error,
 * invalid_response, timeout, cancelled, browser_failed or token_exchange_failed. With the
 * deep-link flow, links carrying a wrong state are ignored (and logged) while waiting.
 */
export async function signInWithMicrosoft(config: MicrosoftOAuthConfig, options: MicrosoftSignInOptions): Promise<MicrosoftSignInResult> {
  if (options.signal?.aborted) throw new AuthError('cancelled', 'Sign-in was cancelled');
  const storage = memoryCacheStorage();
  const pca = createMicrosoftClient(config, storage);
  const scopes = config.scopes ?? DEFAULT_MICROSOFT_SCOPES;
  try {
    const result = options.loopback
      ? await interactiveLoopback(pca, scopes, options)
      : await deepLinkFlow(pca, scopes, options);
    const email = accountEmail(result);
    if (!email || !result.account) throw new AuthError('invalid_response', 'The sign-in response named no account');
    if (!storage.value) throw new AuthError('invalid_response', 'msal kept no tokens after the sign-in');
    log.info('sign-in complete', { flow: options.loopback ? 'loopback' : 'deep link', scopes: result.scopes });
    return {
      email,
      homeAccountId: result.account.homeAccountId,
      msalCache: storage.value,
      scopes: result.scopes,
      expiresAt: result.expiresOn?.getTime() ?? Date.now() + 3600_000,
    };
  } catch (err) {
    const mapped = err instanceof AuthError ? err : microsoftAuthError(err, 'Code exchange');
    log.warn('sign-in failed', { error: mapped.code });
    throw mapped;
  }
}

type Pca = ReturnType<typeof createMicrosoftClient>;

async function openBrowser(options: MicrosoftSignInOptions, url: string): Promise<void> {
  try {
    await options.openBrowser(url);
  } catch (error) {
    log.warn('openBrowser failed', { error });
    throw new AuthError('browser_failed', 'Could not open the browser for sign-in');
  }
}

/** getAuthCodeUrl with our PKCE pair, state and nonce; the code comes back as a deep link. */
async function deepLinkFlow(pca: Pca, scopes: string[], options: MicrosoftSignInOptions): Promise<AuthenticationResult> {
  const broker = options.deepLinks;
  if (!broker) throw new AuthError('browser_failed', 'No deep-link receiver: the app must be running to take the redirect');
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const state = randomBytes(32).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const url = await pca.getAuthCodeUrl({
    scopes,
    redirectUri: MICROSOFT_REDIRECT_URI,
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    state,
    nonce,
    prompt: 'select_account',
    ...(options.loginHint ? { loginHint: options.loginHint } : {}),
  });
  // Waiting starts before the browser opens, so a fast redirect cannot arrive unheard.
  const pending = broker.expect({
    redirectUri: MICROSOFT_REDIRECT_URI,
    state,
    timeoutMs: options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    log.info('sign-in started', { flow: 'deep link' });
    await openBrowser(options, url);
    const { code } = await pending.result;
    return await pca.acquireTokenByCode({ code, scopes, redirectUri: MICROSOFT_REDIRECT_URI, codeVerifier: verifier, nonce });
  } finally {
    pending.cancel();
  }
}

/**
 * acquireTokenInteractive: msal runs its own PKCE, state and loopback listener. msal has no
 * cancel, so timeout and abort end our wait; its listener closes when the browser returns.
 */
async function interactiveLoopback(pca: Pca, scopes: string[], options: MicrosoftSignInOptions): Promise<AuthenticationResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new AuthError('timeout', `No sign-in response within ${timeoutMs} ms`)), timeoutMs);
    onAbort = () => reject(new AuthError('cancelled', 'Sign-in was cancelled'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  stop.catch(() => {});
  log.info('sign-in started', { flow: 'loopback' });
  try {
    return await Promise.race([
      pca.acquireTokenInteractive({
        scopes,
        prompt: 'select_account',
        openBrowser: (url) => openBrowser(options, url),
        successTemplate: '<h1>Signed in</h1><p>You can close this window and return to Mailbridge.</p>',
        errorTemplate: '<h1>Sign-in did not complete</h1><p>You can close this window and try again in Mailbridge.</p>',
        ...(options.loginHint ? { loginHint: options.loginHint } : {}),
      }),
      stop,
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
}
