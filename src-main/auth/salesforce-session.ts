// The Salesforce session Mailbridge holds: an access token refreshed once after a 401 (the
// org's session timeout is its own policy: Salesforce sends no expiry), the refreshed tokens
// handed to the caller to store, and the tokens as one string for the encrypted store.
import { createLogger } from '../platform/logger.ts';
import { AuthError } from './errors.ts';
import { refreshSalesforceTokens, type SalesforceOAuthConfig, type SalesforceTokens } from './salesforce-oauth.ts';

const log = createLogger('auth.salesforce');

export interface SalesforceTokenSourceOptions {
  /** Called with the merged tokens after every refresh; persist them. Errors thrown here are logged. */
  onTokens?(tokens: SalesforceTokens): void | Promise<void>;
}

/**
 * The connector's view of the tokens: the current access token, refreshed when the API
 * refused it. Salesforce's token response has no expires_in (sessions end by the org's
 * timeout policy), so a refresh happens after a 401, not on a clock: the connector calls
 * `invalidate(token)` and asks again. Concurrent callers share one refresh.
 */
export class SalesforceTokenSource {
  readonly #config: SalesforceOAuthConfig;
  readonly #options: SalesforceTokenSourceOptions;
  #tokens: SalesforceTokens;
  #stale = false;
  #refreshing: Promise<SalesforceTokens> | null = null;

  constructor(config: SalesforceOAuthConfig, tokens: SalesforceTokens, options: SalesforceTokenSourceOptions = {}) {
    this.#config = config;
    this.#tokens = tokens;
    this.#options = options;
  }

  get tokens(): SalesforceTokens {
    return this.#tokens;
  }

  get instanceUrl(): string {
    return this.#tokens.instanceUrl;
  }

  /**
   * The access token to send, refreshing first when it was invalidated. Throws
   * ReconnectRequiredError (invalid_grant) or SalesforceTokenRequestError from the refresh.
   */
  getAccessToken = async (): Promise<string> => {
    if (this.#stale) await this.refresh();
    return this.#tokens.accessToken;
  };

  /** The API refused `rejected` (401 INVALID_SESSION_ID): the next getAccessToken refreshes. A token already replaced is ignored. */
  invalidate = (rejected?: string): void => {
    if (rejected === undefined || rejected === this.#tokens.accessToken) this.#stale = true;
  };

  /** Refreshes now (one refresh at a time); resolves to the new tokens. */
  refresh(): Promise<SalesforceTokens> {
    this.#refreshing ??= refreshSalesforceTokens(this.#config, this.#tokens)
      .then((next) => {
        this.#tokens = next;
        this.#stale = false;
        Promise.resolve()
          .then(() => this.#options.onTokens?.(next))
          .catch((error: unknown) => log.error('onTokens failed', { error }));
        return next;
      })
      .finally(() => {
        this.#refreshing = null;
      });
    return this.#refreshing;
  }
}

/** SalesforceTokens as one string for the encrypted store (the CRM connection's secret). */
export function serializeSalesforceTokens(tokens: SalesforceTokens): string {
  return JSON.stringify({ v: 1, ...tokens });
}

/** The inverse of serializeSalesforceTokens. Throws AuthError('invalid_response') for anything else. */
export function parseSalesforceTokens(secret: string): SalesforceTokens {
  let value: Partial<SalesforceTokens> & { v?: unknown };
  try {
    value = JSON.parse(secret) as Partial<SalesforceTokens> & { v?: unknown };
  } catch {
    throw new AuthError('invalid_response', 'The stored Salesforce credentials are not readable');
  }
  const strings = ['accessToken', 'refreshToken', 'instanceUrl', 'idUrl', 'organizationId', 'userId', 'loginUrl'] as const;
  if (value?.v !== 1 || strings.some((k) => typeof value[k] !== 'string' || !value[k]) || typeof value.issuedAt !== 'number' || !Array.isArray(value.scopes)) {
    throw new AuthError('invalid_response', 'The stored Salesforce credentials are incomplete');
  }
  const { v: _version, ...tokens } = value;
  return tokens as SalesforceTokens;
}
