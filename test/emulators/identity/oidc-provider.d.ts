// oidc-provider 9 ships no type declarations; this covers only the surface the identity
// emulator uses (https://github.com/panva/node-oidc-provider/blob/v9.x/docs/README.md).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface AdapterPayload {
    [key: string]: unknown;
    jti?: string;
    grantId?: string;
    accountId?: string;
    clientId?: string;
    uid?: string;
    userCode?: string;
    consumed?: number;
  }

  /** The storage interface oidc-provider calls for every model (Session, Grant, tokens, …). */
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId: string };
    grantId?: string;
  }

  export interface Grant {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(indicator: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface GrantClass {
    new (init: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  export interface Token {
    jti: string;
    accountId: string;
    clientId: string;
    grantId: string;
    scope?: string;
    exp: number;
    readonly isExpired: boolean;
  }

  export interface TokenClass {
    find(value: string, opts?: { ignoreExpiration?: boolean }): Promise<Token | undefined>;
  }

  export interface OidcContext {
    oidc?: { params?: Record<string, unknown> };
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      opts?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: string, listener: (...args: any[]) => void): this;
    /** Koa middleware around every route (oidc-provider extends Koa). */
    use(middleware: (ctx: any, next: () => Promise<void>) => Promise<void>): this;
    readonly Grant: GrantClass;
    readonly AccessToken: TokenClass;
    readonly RefreshToken: TokenClass;
  }

  export default Provider;
}
