// Salesforce OAuth 2.0 for a desktop public client (an External Client App without a
// consumer secret: PKCE stands in for it): the token endpoint's answers, refresh and
// revocation against the configured login host (login, test or a My Domain). Nothing here
// stores tokens; refreshed tokens go to the caller, which owns the encrypted store.
// Sources: developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_understanding_web_server_oauth_flow.htm
// (web server flow, code_challenge/code_verifier), jsforce.github.io/jsforce/types/oauth2.TokenResponse.html
// (access_token, refresh_token, instance_url, id = …/id/<org>/<user>, issued_at, signature), and the
// forcedotcom/postman-salesforce-apis collection (auth/web_server_flow_2, refresh_token, revoke_token).
import { createLogger } from '../platform/logger.ts';
import type { SalesforceConfig } from '../platform/profile-config.ts';
import { AuthError, ReconnectRequiredError } from './errors.ts';

const log = createLogger('auth.salesforce');

export const DEFAULT_SALESFORCE_LOGIN_URL = 'https://login.salesforce.com';
/** `api` for the REST API, `refresh_token` for a refresh token (Salesforce's name for offline_access). */
export const DEFAULT_SALESFORCE_SCOPES = ['api', 'refresh_token'];
const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * The loopback port of the redirect URI, http://127.0.0.1:7717/oauth2/callback: Salesforce
 * compares callback URLs exactly, port included, so the External Client App registers this
 * one (the Salesforce CLI does the same with 1717: "Create a Connected App in Your Org",
 * https://developer.salesforce.com/docs/atlas.en-us.sfdx_dev.meta/sfdx_dev/sfdx_dev_auth_connected_app.htm).
 */
export const DEFAULT_SALESFORCE_REDIRECT_PORT = 7717;

export interface SalesforceOAuthConfig {
  /** The External Client App's consumer key. */
  clientId: string;
  /** Login host without a trailing slash; default https://login.salesforce.com. */
  loginUrl?: string;
  /** Requested scopes; default DEFAULT_SALESFORCE_SCOPES. The app's own scope list still applies. */
  scopes?: string[];
  /** Loopback port of the redirect URI; default DEFAULT_SALESFORCE_REDIRECT_PORT; 0: ephemeral (tests). */
  redirectPort?: number;
  /** Per-request deadline for token requests, ms (default 30,000). */
  timeoutMs?: number;
  /** Default: Node's global fetch (undici, which honours NODE_EXTRA_CA_CERTS). */
  fetch?: typeof globalThis.fetch;
}

/** Tokens as Mailbridge persists them (the caller encrypts them at rest). */
export interface SalesforceTokens {
  accessToken: string;
  refreshToken: string;
  /** The org's API host, e.g. https://acme.my.salesforce.com (no trailing slash). */
  instanceUrl: string;
  /** The identity URL, https://<login host>/id/<organization id>/<user id>. */
  idUrl: string;
  organizationId: string;
  userId: string;
  /** When the access token was issued, ms since the epoch (Salesforce sends no expiry: sessions time out by org policy). */
  issuedAt: number;
  /** Granted scopes, as the token endpoint reports them. */
  scopes: string[];
  /** The login host that issued the tokens: refresh and revocation go there. */
  loginUrl: string;
}

/**
 * A token request that failed. `status` is the HTTP status of the answer, or null when no
 * answer came (DNS, refused, reset, timeout); `oauthError` is the RFC 6749 §5.2 error code.
 * The message never carries the request (it holds the refresh token or the code).
 */
export class SalesforceTokenRequestError extends AuthError {
  readonly status: number | null;
  readonly oauthError: string | null;
  constructor(message: string, status: number | null, oauthError: string | null) {
    super('token_exchange_failed', message);
    this.name = 'SalesforceTokenRequestError';
    this.status = status;
    this.oauthError = oauthError;
  }
}

export interface SalesforceEndpoints {
  authorizationUrl: string;
  tokenUrl: string;
  revocationUrl: string;
}

/** <loginUrl>/services/oauth2/{authorize,token,revoke}. */
export function salesforceEndpoints(loginUrl = DEFAULT_SALESFORCE_LOGIN_URL): SalesforceEndpoints {
  const base = loginUrl.replace(/\/+$/, '');
  return {
    authorizationUrl: `${base}/services/oauth2/authorize`,
    tokenUrl: `${base}/services/oauth2/token`,
    revocationUrl: `${base}/services/oauth2/revoke`,
  };
}

/** The OAuth settings of a profile's `salesforce` section. Throws AuthError('invalid_response') without a clientId. */
export function salesforceOAuthConfig(config: SalesforceConfig): SalesforceOAuthConfig {
  if (!config.clientId) throw new AuthError('invalid_response', 'No Salesforce consumer key is configured (salesforce.clientId)');
  return {
    clientId: config.clientId,
    loginUrl: (config.loginUrl ?? DEFAULT_SALESFORCE_LOGIN_URL).replace(/\/+$/, ''),
    redirectPort: config.redirectPort ?? DEFAULT_SALESFORCE_REDIRECT_PORT,
    ...(config.requestTimeoutMs ? { timeoutMs: config.requestTimeoutMs } : {}),
  };
}

export function loginUrlOf(config: SalesforceOAuthConfig): string {
  return (config.loginUrl ?? DEFAULT_SALESFORCE_LOGIN_URL).replace(/\/+$/, '');
}

interface TokenResponseBody {
  access_token?: unknown;
  refresh_token?: unknown;
  instance_url?: unknown;
  id?: unknown;
  issued_at?: unknown;
  scope?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/**
 * POSTs a form to the token endpoint and returns the JSON answer. Throws
 * ReconnectRequiredError on invalid_grant (RFC 6749 §5.2: the grant is revoked or expired),
 * SalesforceTokenRequestError otherwise.
 */
export async function postTokenRequest(config: SalesforceOAuthConfig, form: Record<string, string>, what: string): Promise<TokenResponseBody> {
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let response: Response;
  let text: string;
  try {
    response = await (config.fetch ?? globalThis.fetch)(salesforceEndpoints(loginUrlOf(config)).tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const e = error as { name?: string; cause?: { code?: string } };
    const detail = e?.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `network error (${e?.cause?.code ?? e?.name ?? 'unknown'})`;
    throw new SalesforceTokenRequestError(`${what} failed: ${detail}`, null, null);
  }
  let body: TokenResponseBody = {};
  try {
    body = text ? (JSON.parse(text) as TokenResponseBody) : {};
  } catch {
    // not JSON: judged by the status below
  }
  if (response.ok) return body;
  const oauthError = typeof body.error === 'string' ? body.error.replace(/[^\w.-]/g, '').slice(0, 64) : null;
  if (oauthError === 'invalid_grant') {
    log.warn(`${what} rejected: reconnect required`, { error: 'invalid_grant' });
    throw new ReconnectRequiredError();
  }
  throw new SalesforceTokenRequestError(`${what} failed: ${oauthError ?? `HTTP ${response.status}`}`, response.status, oauthError);
}

/** Salesforce documents issued_at as epoch seconds but sends milliseconds; both are read. */
function readIssuedAt(value: unknown): number {
  const n = typeof value === 'string' || typeof value === 'number' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) return Date.now();
  return n < 1e11 ? n * 1000 : n;
}

/**
 * Converts a token response into SalesforceTokens. A refresh answer carries no refresh
 * token (unless the app rotates them), so `previous` supplies it. Throws
 * AuthError('invalid_response') when the access token, refresh token, an https instance_url
 * or the identity URL is missing.
 */
export function toSalesforceTokens(body: TokenResponseBody, loginUrl: string, previous?: SalesforceTokens): SalesforceTokens {
  const accessToken = typeof body.access_token === 'string' ? body.access_token : '';
  const refreshToken = typeof body.refresh_token === 'string' ? body.refresh_token : previous?.refreshToken ?? '';
  if (!accessToken) throw new AuthError('invalid_response', 'The token response carried no access token');
  if (!refreshToken) {
    throw new AuthError('invalid_response', 'The token response carried no refresh token (the app must allow the refresh_token scope)');
  }
  let instanceUrl: URL;
  try {
    instanceUrl = new URL(typeof body.instance_url === 'string' ? body.instance_url : previous?.instanceUrl ?? '');
  } catch {
    throw new AuthError('invalid_response', 'The token response carried no instance_url');
  }
  if (instanceUrl.protocol !== 'https:') throw new AuthError('invalid_response', 'The instance_url is not https');
  const idUrl = typeof body.id === 'string' ? body.id : previous?.idUrl ?? '';
  const [userId, organizationId] = idUrl.split('/').filter(Boolean).reverse();
  if (!userId || !organizationId) throw new AuthError('invalid_response', 'The token response carried no identity URL');
  return {
    accessToken,
    refreshToken,
    instanceUrl: instanceUrl.origin,
    idUrl,
    organizationId,
    userId,
    issuedAt: readIssuedAt(body.issued_at),
    scopes: typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : previous?.scopes ?? [],
    loginUrl,
  };
}

/**
 * grant_type=refresh_token at <loginUrl>/services/oauth2/token, client_id and no secret
 * (a public client). Resolves to the merged tokens (same refresh token unless rotated).
 * Throws ReconnectRequiredError on invalid_grant (revoked, expired, or the user's password
 * reset), SalesforceTokenRequestError on any other failure.
 */
export async function refreshSalesforceTokens(config: SalesforceOAuthConfig, tokens: SalesforceTokens): Promise<SalesforceTokens> {
  const body = await postTokenRequest(
    { ...config, loginUrl: tokens.loginUrl },
    { grant_type: 'refresh_token', client_id: config.clientId, refresh_token: tokens.refreshToken, format: 'json' },
    'Token refresh',
  );
  const next = toSalesforceTokens(body, tokens.loginUrl, tokens);
  log.info('access token refreshed', { rotated: next.refreshToken !== tokens.refreshToken });
  return next;
}

/**
 * POST <loginUrl>/services/oauth2/revoke token=…: a refresh token revokes the grant and its
 * access tokens, an access token only itself. A token the server no longer knows (400)
 * counts as revoked. Other failures throw SalesforceTokenRequestError.
 */
export async function revokeSalesforceToken(config: SalesforceOAuthConfig, token: string, loginUrl = loginUrlOf(config)): Promise<void> {
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let response: Response;
  try {
    response = await (config.fetch ?? globalThis.fetch)(salesforceEndpoints(loginUrl).revocationUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
  } catch (error) {
    const code = (error as { cause?: { code?: string }; name?: string })?.cause?.code ?? (error as { name?: string })?.name;
    throw new SalesforceTokenRequestError(`Revocation failed: network error (${code ?? 'unknown'})`, null, null);
  }
  if (response.ok || response.status === 400) {
    log.info('token revoked', { alreadyInvalid: response.status === 400 });
    return;
  }
  throw new SalesforceTokenRequestError(`Revocation failed: HTTP ${response.status}`, response.status, null);
}
