// Salesforce's login host on top of the identity emulator: /services/oauth2/{authorize,
// token,revoke} for an External Client App registered as a public client (no secret, PKCE
// required, loopback redirect), and the token response Salesforce sends — instance_url, id,
// issued_at, signature, token_type, no expires_in. The OAuth itself is oidc-provider's.
// Sources: developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_understanding_web_server_oauth_flow.htm,
// jsforce.github.io/jsforce/types/oauth2.TokenResponse.html, and the Postman collection's
// auth/web_server_flow_2 test script (reads access_token, refresh_token, instance_url, id = …/<org>/<user>).
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { MemoryStore } from './memory-adapter.ts';
import type { TestUser } from './interaction-pages.ts';
import { to18 } from '../salesforce/salesforce-ids.ts';

/** The External Client App: a public client (token_endpoint_auth_method none), PKCE required. */
export const SALESFORCE_PUBLIC_CLIENT = {
  clientId: '3MVG9mailbridge.emulator.ExternalClientApp.public',
  redirectUri: 'http://127.0.0.1/oauth2/callback',
} as const;

/** OAuth scopes of a Salesforce app (help.salesforce.com "OAuth Tokens and Scopes"); refresh_token is offline_access. */
export const SALESFORCE_OAUTH_SCOPES = ['api', 'refresh_token', 'id', 'web', 'full'] as const;

/** The emulated org's 18-character id (prefix 00D). */
export const SALESFORCE_TEST_ORG_ID = to18('00D5g000004Mbrg')!;

/** A stable 18-character User id (prefix 005) for a test user. */
export function salesforceUserId(sub: string): string {
  const digest = createHash('sha256').update(sub).digest('hex').slice(0, 10).toUpperCase();
  return to18(`0055g${digest}`)!;
}

export function salesforceClientMetadata(): Record<string, unknown> {
  return {
    client_id: SALESFORCE_PUBLIC_CLIENT.clientId,
    client_name: 'Mailbridge for Salesforce',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [SALESFORCE_PUBLIC_CLIENT.redirectUri],
  };
}

interface KoaContext {
  path: string;
  method: string;
  status: number;
  body: unknown;
  oidc?: { client?: { clientId: string }; params?: Record<string, unknown> };
}

export interface SalesforceIdentityOptions {
  issuer: () => string;
  users: () => readonly TestUser[];
  store: MemoryStore;
  provider: () => Provider;
  /** The instance_url to hand out; default the emulator's own origin. */
  instanceUrl: () => string | undefined;
}

export class SalesforceIdentity {
  readonly #o: SalesforceIdentityOptions;
  /** Salesforce signs id + issued_at with the app's consumer secret; the emulator uses its own key. */
  readonly #signingKey = randomBytes(32);

  constructor(options: SalesforceIdentityOptions) {
    this.#o = options;
  }

  /** Whether to hand a Salesforce client a refresh token: it asked for the refresh_token scope. */
  issueRefreshToken(clientId: string, scopes: Set<string>): boolean {
    return clientId === SALESFORCE_PUBLIC_CLIENT.clientId && (scopes.has('refresh_token') || scopes.has('offline_access'));
  }

  /**
   * Maps /services/oauth2/authorize and /token onto oidc-provider's /auth and /token
   * (rewriting req.url); answers /services/oauth2/revoke itself. Resolves true when answered.
   */
  async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname === '/services/oauth2/authorize') {
      req.url = `/auth${url.search}`;
      return false;
    }
    if (url.pathname === '/services/oauth2/token') {
      req.url = `/token${url.search}`;
      return false;
    }
    if (url.pathname === '/services/oauth2/revoke') {
      await this.#revoke(req, res, url);
      return true;
    }
    return false;
  }

  /** Koa middleware (provider.use): rewrites the Salesforce client's token answers into Salesforce's shape. */
  middleware = async (ctx: KoaContext, next: () => Promise<void>): Promise<void> => {
    await next();
    if (ctx.path !== '/token' || ctx.method !== 'POST' || ctx.oidc?.client?.clientId !== SALESFORCE_PUBLIC_CLIENT.clientId) return;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') return;
    if (ctx.status !== 200) {
      // Salesforce's wording for a refused refresh (the error code is RFC 6749's).
      if (body.error === 'invalid_grant' && ctx.oidc?.params?.grant_type === 'refresh_token') {
        ctx.body = { error: 'invalid_grant', error_description: 'expired access/refresh token' };
      }
      return;
    }
    const accessToken = String(body.access_token ?? '');
    const found = accessToken ? await this.#o.provider().AccessToken.find(accessToken) : undefined;
    const user = this.#o.users().find((u) => u.sub === found?.accountId);
    const id = `${this.#o.issuer()}/id/${SALESFORCE_TEST_ORG_ID}/${salesforceUserId(user?.sub ?? 'unknown')}`;
    const issuedAt = String(Date.now());
    ctx.body = {
      access_token: accessToken,
      ...(typeof body.refresh_token === 'string' ? { refresh_token: body.refresh_token } : {}),
      signature: createHmac('sha256', this.#signingKey).update(id + issuedAt).digest('base64'),
      scope: String(body.scope ?? '').split(' ').map((s) => (s === 'offline_access' ? 'refresh_token' : s)).join(' '),
      ...(typeof body.id_token === 'string' ? { id_token: body.id_token } : {}),
      instance_url: this.#o.instanceUrl() ?? this.#o.issuer(),
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
  };

  /**
   * POST /services/oauth2/revoke, form or query token=…: a refresh token revokes the grant
   * with its access tokens, an access token only itself (the Postman collection's
   * revoke_token description). 200 with an empty body; an unknown token 400 unsupported_token_type.
   */
  async #revoke(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    let token = url.searchParams.get('token');
    if (!token && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      token = new URLSearchParams(body).get('token');
    }
    const provider = this.#o.provider();
    const refresh = token ? await provider.RefreshToken.find(token) : undefined;
    const access = token && !refresh ? await provider.AccessToken.find(token) : undefined;
    if (req.method !== 'POST' || !token || (!refresh && !access)) {
      res.writeHead(400, { 'content-type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify({ error: 'unsupported_token_type', error_description: 'this token type is not supported' }));
      return;
    }
    if (refresh) this.#o.store.revokeGrant(refresh.grantId);
    else this.#o.store.delete('AccessToken', token);
    res.writeHead(200, { 'content-length': '0' });
    res.end();
  }
}
