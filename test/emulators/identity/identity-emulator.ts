// A Google-like identity provider for tests: a real OpenID Connect server (oidc-provider 9)
// on loopback HTTPS with the run's test CA, so google-auth-library and a real browser go
// through the genuine authorization-code + PKCE flow, refresh and revocation offline.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { createLogger } from '../../../src-main/platform/logger.ts';
import { currentTestCa } from '../../support/test-ca.ts';
import { MemoryStore, memoryAdapterFactory } from './memory-adapter.ts';
import { handleInteraction, type TestUser } from './interaction-pages.ts';
import { SALESFORCE_OAUTH_SCOPES, SalesforceIdentity, salesforceClientMetadata } from './salesforce-identity.ts';

export type { TestUser } from './interaction-pages.ts';
export { SALESFORCE_PUBLIC_CLIENT, SALESFORCE_TEST_ORG_ID, salesforceUserId } from './salesforce-identity.ts';

export const GMAIL_READONLY_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';
export const GMAIL_MODIFY_SCOPE = 'https://www.googleapis.com/auth/gmail.modify';
export const GMAIL_SEND_SCOPE = 'https://www.googleapis.com/auth/gmail.send';
/** Gmail over IMAP and SMTP with XOAUTH2 (https://developers.google.com/gmail/imap/xoauth2-protocol). */
export const GMAIL_IMAP_SCOPE = 'https://mail.google.com/';

export const DEFAULT_TEST_USER: TestUser = {
  sub: '108234567890123456789',
  email: 'dasovich-j@enron.test',
  password: 'correct horse battery staple',
  name: 'Jeff Dasovich',
};

/**
 * Microsoft Entra "Mobile and desktop" public client: no secret, PKCE required, redirects to
 * the app's custom scheme or to msal-node's loopback listener (http://localhost:<any port>).
 */
export const MICROSOFT_PUBLIC_CLIENT = {
  clientId: '5b1d3c2a-6f4e-4a8b-9c0d-mailbridge0001',
  redirectUri: 'mailbridge://auth/microsoft',
} as const;

/** Microsoft Graph delegated scopes the emulator grants (https://learn.microsoft.com/graph/permissions-reference). */
export const MICROSOFT_GRAPH_SCOPES = ['User.Read', 'Mail.Read', 'Mail.ReadWrite', 'Mail.Send'] as const;

/**
 * Microsoft 365 delegated scopes for IMAP and SMTP AUTH over XOAUTH2
 * (https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth).
 */
export const MICROSOFT_IMAP_SCOPES = ['https://outlook.office.com/IMAP.AccessAsUser.All', 'https://outlook.office.com/SMTP.Send'] as const;

/**
 * A resource server allowed to introspect access tokens (RFC 7662): the test mail server
 * (Dovecot's oauth2 passdb, `introspection_mode = post`) authenticates with HTTP Basic.
 */
export const INTROSPECTION_CLIENT = { clientId: 'mail-server', clientSecret: 'introspection-secret-for-tests' } as const;

/** Google "Desktop app" OAuth client: the client_secret is not secret, but the token endpoint requires it. */
export const GOOGLE_DESKTOP_CLIENT = {
  clientId: '407408718192-mailbridge.apps.googleusercontent.test',
  clientSecret: 'GOCSPX-emulator-not-a-secret',
} as const;

export interface IdentityEmulatorOptions {
  users?: TestUser[];
  /** Access-token lifetime in seconds (Google: 3599). Keep it short to exercise refresh. */
  accessTokenTtlSeconds?: number;
  /** Extra oidc-provider client metadata records (e.g. a Microsoft public client). */
  extraClients?: Record<string, unknown>[];
  /** The instance_url Salesforce token answers carry (a Salesforce emulator's URL); default the issuer. */
  salesforceInstanceUrl?: string;
}

export interface IdentityEndpoints {
  issuer: string;
  authorizationUrl: string;
  tokenUrl: string;
  /** Google-style revocation (https://developers.google.com/identity/protocols/oauth2/native-app#tokenrevoke). */
  revocationUrl: string;
  userinfoUrl: string;
  tokenInfoUrl: string;
  /** RFC 7662 token introspection; INTROSPECTION_CLIENT authenticates with client_secret_basic. */
  introspectionUrl: string;
  /** Salesforce's login host (configuration loginUrl): /services/oauth2/{authorize,token,revoke} live under it. */
  salesforceLoginUrl: string;
}

/** One observed token-endpoint call, for assertions (and for leak checks in log tests). */
export interface TokenRequestRecord {
  grantType: string;
  /** The client that asked (after client authentication), when known. */
  clientId?: string;
  code?: string;
  codeVerifier?: string;
  refreshToken?: string;
  /** OAuth error code when the request was rejected (e.g. invalid_grant). */
  error?: string;
  errorDetail?: string;
}

export interface VerifiedAccessToken {
  email: string;
  sub: string;
  clientId: string;
  scopes: string[];
  /** Epoch seconds. */
  expiresAt: number;
}

type ProviderContext = { oidc?: { params?: Record<string, unknown>; client?: { clientId: string } } };

const param = (ctx: ProviderContext, name: string): string | undefined => {
  const value = ctx.oidc?.params?.[name];
  return typeof value === 'string' ? value : undefined;
};

export class IdentityEmulator {
  readonly users: TestUser[];
  readonly client = GOOGLE_DESKTOP_CLIENT;
  readonly tokenRequests: TokenRequestRecord[] = [];
  readonly #accessTokenTtlSeconds: number;
  readonly #extraClients: Record<string, unknown>[];
  readonly #store = new MemoryStore();
  readonly #log = createLogger('emulator.identity');
  #server: Server | undefined;
  #provider: Provider | undefined;
  #providerCallback: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  #endpoints: IdentityEndpoints | undefined;
  /** The instance_url handed to the Salesforce client; set it once the Salesforce emulator listens. */
  salesforceInstanceUrl: string | undefined;
  readonly #salesforce: SalesforceIdentity;

  constructor(options: IdentityEmulatorOptions = {}) {
    this.users = options.users ?? [DEFAULT_TEST_USER];
    this.#accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? 3599;
    this.#extraClients = options.extraClients ?? [];
    this.salesforceInstanceUrl = options.salesforceInstanceUrl;
    this.#salesforce = new SalesforceIdentity({
      issuer: () => this.endpoints.issuer,
      users: () => this.users,
      store: this.#store,
      provider: () => this.#providerOrThrow(),
      instanceUrl: () => this.salesforceInstanceUrl,
    });
  }

  get endpoints(): IdentityEndpoints {
    if (!this.#endpoints) throw new Error('IdentityEmulator is not started');
    return this.#endpoints;
  }

  /** Listens on https://127.0.0.1:<random port>; the certificate is the run's test CA server cert. */
  async start(): Promise<IdentityEndpoints> {
    const ca = currentTestCa();
    const server = createServer({ cert: ca.serverCert, key: ca.serverKey }, (req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        this.#log.error('request failed', { error });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.#provider = this.#createProvider(issuer);
    this.#providerCallback = this.#provider.callback();
    this.#endpoints = {
      issuer,
      authorizationUrl: `${issuer}/auth`,
      tokenUrl: `${issuer}/token`,
      revocationUrl: `${issuer}/revoke`,
      userinfoUrl: `${issuer}/me`,
      tokenInfoUrl: `${issuer}/tokeninfo`,
      introspectionUrl: `${issuer}/token/introspection`,
      salesforceLoginUrl: issuer,
    };
    this.#log.debug('identity emulator listening', { issuer });
    return this.#endpoints;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /**
   * Resolves a bearer token the way a Google API would: `null` when unknown, expired or
   * revoked. Pass it as the Gmail emulator's `verifyAccessToken` option.
   */
  verifyAccessToken = async (token: string): Promise<VerifiedAccessToken | null> => {
    const accessToken = await this.#providerOrThrow().AccessToken.find(token);
    if (!accessToken || accessToken.isExpired) return null;
    const user = this.users.find((u) => u.sub === accessToken.accountId);
    if (!user) return null;
    return {
      email: user.email,
      sub: user.sub,
      clientId: accessToken.clientId,
      scopes: (accessToken.scope ?? '').split(' ').filter(Boolean),
      expiresAt: accessToken.exp,
    };
  };

  /** Revokes every grant of one user: their next refresh answers invalid_grant. Returns how many. */
  revokeUser(email: string): number {
    const user = this.users.find((u) => u.email === email.toLowerCase());
    if (!user) return 0;
    const ids = this.#store.grantIds(user.sub);
    for (const id of ids) this.#store.revokeGrant(id);
    return ids.length;
  }

  /**
   * Forgets every access token of one user while keeping the grant and its refresh token: the
   * tokens a client holds are refused from now on (as an expired or rotated-out token is),
   * and a refresh gets a new one. Returns how many were dropped.
   */
  expireAccessTokens(email: string): number {
    const user = this.users.find((u) => u.email === email.toLowerCase());
    return user ? this.#store.deleteWhere('AccessToken', (p) => p.accountId === user.sub) : 0;
  }

  /** Revokes every grant of every user (a password change or an admin "sign out everywhere"). */
  revokeAllGrants(): number {
    const ids = this.#store.grantIds();
    for (const id of ids) this.#store.revokeGrant(id);
    return ids.length;
  }

  #providerOrThrow(): Provider {
    if (!this.#provider) throw new Error('IdentityEmulator is not started');
    return this.#provider;
  }

  #createProvider(issuer: string): Provider {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const users = this.users;
    const clients = [
      {
        client_id: this.client.clientId,
        client_secret: this.client.clientSecret,
        client_name: 'Mailbridge',
        application_type: 'native',
        // Google desktop clients send the (non-secret) secret in the form body.
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        // RFC 8252 §7.3: for loopback IP redirects any port is accepted (oidc-provider
        // ignores the port for native clients); path and host must match.
        redirect_uris: [
          'http://127.0.0.1/',
          'http://127.0.0.1/oauth2/callback',
          'http://[::1]/oauth2/callback',
          'mailbridge://auth/microsoft',
        ],
      },
      {
        client_id: MICROSOFT_PUBLIC_CLIENT.clientId,
        client_name: 'Mailbridge',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        // msal-node's loopback listener answers on http://localhost:<port> with form_post.
        redirect_uris: [MICROSOFT_PUBLIC_CLIENT.redirectUri, 'http://localhost'],
      },
      {
        client_id: INTROSPECTION_CLIENT.clientId,
        client_secret: INTROSPECTION_CLIENT.clientSecret,
        client_name: 'Test mail server',
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
      salesforceClientMetadata(),
      ...this.#extraClients,
    ];
    const provider = new Provider(issuer, {
      adapter: memoryAdapterFactory(this.#store),
      clients,
      jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'emulator-rs256', use: 'sig', alg: 'RS256' }] },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      scopes: ['openid', 'offline_access', 'email', 'profile', GMAIL_READONLY_SCOPE, GMAIL_MODIFY_SCOPE, GMAIL_SEND_SCOPE, GMAIL_IMAP_SCOPE, ...MICROSOFT_GRAPH_SCOPES, ...MICROSOFT_IMAP_SCOPES, ...SALESFORCE_OAUTH_SCOPES],
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
      // Google puts email/name into the ID token of the code flow too.
      conformIdTokenClaims: false,
      responseTypes: ['code'],
      pkce: { required: () => true },
      // Google does not rotate refresh tokens; the client keeps the first one.
      rotateRefreshToken: false,
      // oidc-provider's rule (offline_access granted), plus Salesforce's refresh_token scope.
      issueRefreshToken: async (_ctx: unknown, client: { clientId: string; grantTypeAllowed(type: string): boolean }, code: { scopes: Set<string> }) =>
        client.grantTypeAllowed('refresh_token') && (code.scopes.has('offline_access') || this.#salesforce.issueRefreshToken(client.clientId, code.scopes)),
      features: {
        devInteractions: { enabled: false },
        revocation: { enabled: true },
        userinfo: { enabled: true },
        // Only the mail server may ask what a token is worth (RFC 7662 §4: the caller is authorized).
        introspection: { enabled: true, allowedPolicy: async (_ctx: unknown, client: { clientId: string }) => client.clientId === INTROSPECTION_CLIENT.clientId },
      },
      // The mailbox address travels in the token's introspection answer, as mail servers
      // match it against the SASL user (Dovecot's username_attribute).
      extraTokenClaims: async (_ctx: unknown, token: { kind: string; accountId?: string }) => {
        const user = token.kind === 'AccessToken' ? users.find((u) => u.sub === token.accountId) : undefined;
        return user ? { email: user.email } : undefined;
      },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      ttl: {
        AccessToken: this.#accessTokenTtlSeconds,
        AuthorizationCode: 60,
        IdToken: 3600,
        Interaction: 600,
        Session: 3600,
        Grant: 14 * 24 * 3600,
        RefreshToken: 14 * 24 * 3600,
      },
      clientBasedCORS: () => false,
      findAccount: async (_ctx: unknown, sub: string) => {
        const user = users.find((u) => u.sub === sub);
        if (!user) return undefined;
        return {
          accountId: sub,
          // preferred_username is what Microsoft's v2 ID token names the account with (profile scope).
          claims: async () => ({ sub, email: user.email, email_verified: true, name: user.name, preferred_username: user.email }),
        };
      },
      renderError: async (ctx: { type: string; body: string }, out: Record<string, string>) => {
        ctx.type = 'html';
        ctx.body = `<!doctype html><title>Error</title><h1>${out.error ?? 'error'}</h1>`;
      },
    });
    provider.use(this.#salesforce.middleware);
    provider.on('grant.success', (ctx: ProviderContext) => this.#recordTokenRequest(ctx));
    provider.on('grant.error', (ctx: ProviderContext, error: { error?: string; error_detail?: string }) => {
      this.#recordTokenRequest(ctx, error);
      this.#log.info('token request rejected', { error: error.error, detail: error.error_detail });
    });
    provider.on('server_error', (_ctx: unknown, error: unknown) => this.#log.error('oidc-provider error', { error }));
    return provider;
  }

  #recordTokenRequest(ctx: ProviderContext, error?: { error?: string; error_detail?: string }): void {
    this.tokenRequests.push({
      grantType: param(ctx, 'grant_type') ?? '',
      clientId: ctx.oidc?.client?.clientId ?? param(ctx, 'client_id'),
      code: param(ctx, 'code'),
      codeVerifier: param(ctx, 'code_verifier'),
      refreshToken: param(ctx, 'refresh_token'),
      error: error?.error,
      errorDetail: error?.error_detail,
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const provider = this.#providerOrThrow();
    const url = new URL(req.url ?? '/', this.endpoints.issuer);
    if (url.pathname.startsWith('/interaction/')) {
      return handleInteraction({ provider, users: this.users, clientName: () => 'Mailbridge' }, req, res);
    }
    if (url.pathname.startsWith('/services/oauth2/') && (await this.#salesforce.route(req, res, url))) return;
    if (url.pathname === '/revoke') return this.#googleRevoke(req, res, url);
    if (url.pathname === '/tokeninfo') return this.#tokenInfo(res, url);
    if (url.pathname === '/auth' && url.searchParams.get('access_type') === 'offline') {
      // Google's access_type=offline asks for a refresh token; oidc-provider's equivalent
      // is the offline_access scope (kept only with prompt=consent, OIDC Core §11).
      const scopes = new Set((url.searchParams.get('scope') ?? '').split(' ').filter(Boolean));
      scopes.add('offline_access');
      url.searchParams.set('scope', [...scopes].join(' '));
      req.url = `${url.pathname}${url.search}`;
    }
    if (url.pathname === '/auth' && url.searchParams.get('client_id') === MICROSOFT_PUBLIC_CLIENT.clientId) {
      // Entra ID issues a refresh token for offline_access whatever the prompt; oidc-provider
      // keeps offline_access only with prompt=consent (OIDC Core §11), so ask for it.
      const scopes = (url.searchParams.get('scope') ?? '').split(' ');
      if (scopes.includes('offline_access')) {
        url.searchParams.set('prompt', 'consent');
        req.url = `${url.pathname}${url.search}`;
      }
    }
    this.#providerCallback?.(req, res);
  }

  /** POST /revoke?token=… or form token=…: revokes the whole grant, no client authentication (as Google). */
  async #googleRevoke(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    let token = url.searchParams.get('token');
    if (!token && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      token = new URLSearchParams(body).get('token');
    }
    const provider = this.#providerOrThrow();
    const found = token
      ? ((await provider.AccessToken.find(token)) ?? (await provider.RefreshToken.find(token)))
      : undefined;
    res.setHeader('content-type', 'application/json');
    if (req.method !== 'POST' || !found) {
      res.writeHead(400).end(JSON.stringify({ error: 'invalid_token', error_description: 'Token expired or revoked' }));
      return;
    }
    this.#store.revokeGrant(found.grantId);
    res.writeHead(200).end('{}');
  }

  /** GET /tokeninfo?access_token=… (https://oauth2.googleapis.com/tokeninfo). */
  async #tokenInfo(res: ServerResponse, url: URL): Promise<void> {
    const info = await this.verifyAccessToken(url.searchParams.get('access_token') ?? '');
    res.setHeader('content-type', 'application/json');
    if (!info) {
      res.writeHead(400).end(JSON.stringify({ error: 'invalid_token', error_description: 'Invalid Value' }));
      return;
    }
    const expiresIn = Math.max(0, info.expiresAt - Math.floor(Date.now() / 1000));
    res.writeHead(200).end(
      JSON.stringify({
        aud: info.clientId,
        azp: info.clientId,
        sub: info.sub,
        email: info.email,
        email_verified: 'true',
        scope: info.scopes.join(' '),
        exp: String(info.expiresAt),
        expires_in: String(expiresIn),
      }),
    );
  }
}
