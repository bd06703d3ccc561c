// The redirect target of a desktop OAuth sign-in: a one-shot HTTP listener on the loopback
// interface (RFC 8252 §7.3, §8.3), which is what Google accepts for desktop clients. It
// takes exactly one authorization response carrying this sign-in's state, answers the
// browser, and always closes. A request with another state (any local process can send
// one) is answered and ignored, so it cannot abort the rep's sign-in.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../platform/logger.ts';
import { AuthError } from './errors.ts';

const log = createLogger('auth.loopback');

export const DEFAULT_REDIRECT_PATH = '/oauth2/callback';
export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

export interface LoopbackRedirectOptions {
  /** The `state` sent in the authorization request; only a request echoing it ends the wait. */
  expectedState: string;
  /** Path of the redirect URI; other paths get 404 and do not end the wait, nor do other states. */
  path?: string;
  /**
   * Port to listen on; 0 or absent: an ephemeral one (RFC 8252 §7.3, what Google accepts).
   * A fixed port is for authorization servers that compare the redirect URI exactly, port
   * included (Salesforce). Taken already: AuthError('browser_failed') naming the port.
   */
  port?: number;
  /** Give up after this many ms (default 5 minutes) with AuthError('timeout'). */
  timeoutMs?: number;
  /** Aborting ends the wait with AuthError('cancelled'). */
  signal?: AbortSignal;
}

export interface AuthorizationResponse {
  code: string;
  /** RFC 9207 issuer identifier, when the server sends one. */
  iss?: string;
}

export interface LoopbackRedirect {
  /** `http://127.0.0.1:<port><path>`: put it in the authorization request as redirect_uri. */
  redirectUri: string;
  port: number;
  /**
   * Settles once: the code, or an AuthError with code access_denied, authorization_error,
   * invalid_response, timeout or cancelled. The listener is closed
   * before it settles.
   */
  result: Promise<AuthorizationResponse>;
  /** Stops listening; idempotent. A pending `result` rejects with AuthError('cancelled'). */
  close(): Promise<void>;
}

/** Constant-time comparison of two state strings (hashing first equalises the lengths). */
export function stateMatches(received: string | null, expected: string): boolean {
  if (received === null) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(received), digest(expected));
}

const PAGE_STYLE = 'body{font-family:sans-serif;max-width:32rem;margin:4rem auto;text-align:center}';

function answer(res: ServerResponse, status: number, title: string, text: string): Promise<void> {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>`
    + `<style>${PAGE_STYLE}</style></head><body><h1>${title}</h1><p>${text}</p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  return new Promise((resolve) => res.end(html, () => resolve()));
}

export type AuthorizationOutcome = { ok: true; value: AuthorizationResponse } | { ok: false; error: AuthError };

/**
 * Reads an authorization response (RFC 6749 §4.1.2, §4.1.2.1) from a redirect's query once
 * its state has been checked: the code (and RFC 9207 `iss`), or the provider's refusal with
 * its error code sanitised for display.
 */
export function readAuthorizationResponse(query: URLSearchParams): AuthorizationOutcome {
  const error = query.get('error');
  if (error === 'access_denied') {
    return { ok: false, error: new AuthError('access_denied', 'Access was not granted') };
  }
  if (error) {
    const safe = error.replace(/[^\w.-]/g, '').slice(0, 64);
    return { ok: false, error: new AuthError('authorization_error', `The provider refused the sign-in: ${safe}`) };
  }
  const code = query.get('code');
  if (!code) return { ok: false, error: new AuthError('invalid_response', 'The sign-in response carried no code') };
  const iss = query.get('iss');
  return { ok: true, value: iss ? { code, iss } : { code } };
}

/**
 * Starts listening on 127.0.0.1 (never `localhost`, RFC 8252 §8.3), on `options.port` or an
 * ephemeral port. Rejects with AuthError('cancelled') when `signal` is already aborted, and
 * with AuthError('browser_failed') when the fixed port is taken.
 */
export async function startLoopbackRedirect(options: LoopbackRedirectOptions): Promise<LoopbackRedirect> {
  const path = options.path ?? DEFAULT_REDIRECT_PATH;
  const timeoutMs = options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS;
  const { signal, expectedState } = options;
  if (signal?.aborted) throw new AuthError('cancelled', 'Sign-in was cancelled');

  let settle: (outcome: AuthorizationOutcome) => void = () => {};
  const onAbort = () => settle({ ok: false, error: new AuthError('cancelled', 'Sign-in was cancelled') });
  const timer = setTimeout(
    () => settle({ ok: false, error: new AuthError('timeout', `No sign-in response within ${timeoutMs} ms`) }),
    timeoutMs,
  );
  const result = new Promise<AuthorizationResponse>((resolve, reject) => {
    let settled = false;
    settle = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      void closeServer().then(() => (outcome.ok ? resolve(outcome.value) : reject(outcome.error)));
    };
  });
  // A rejection may come before the caller awaits `result` (e.g. timeout while the browser opens).
  result.catch(() => {});

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== path) {
      res.writeHead(404, { 'content-type': 'text/plain', connection: 'close' }).end('Not found');
      return;
    }
    if (!stateMatches(url.searchParams.get('state'), expectedState)) {
      // Not this sign-in's response: no values logged, the wait goes on (RFC 6749 §10.12).
      log.warn('authorization response with another state ignored');
      void answer(res, 400, 'Sign-in did not complete', 'This response does not belong to a sign-in Mailbridge started.');
      return;
    }
    const outcome = readAuthorizationResponse(url.searchParams);
    log.info('authorization response received', { outcome: outcome.ok ? 'code' : outcome.error.code });
    const page = outcome.ok
      ? answer(res, 200, 'Signed in', 'You can close this window and return to Mailbridge.')
      : answer(res, 400, 'Sign-in did not complete', 'You can close this window and try again in Mailbridge.');
    void page.then(() => settle(outcome));
  });

  let closing: Promise<void> | undefined;
  const closeServer = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    clearTimeout(timer);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new AuthError('browser_failed', `Port ${options.port} on this computer is in use by another program, so the sign-in cannot receive its answer: close that program and try again`);
    }
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  // Settled (timeout) while listen() was still pending: that close() found nothing to close.
  if (closing) await new Promise<void>((resolve) => server.close(() => resolve()));

  signal?.addEventListener('abort', onAbort, { once: true });

  log.debug('loopback redirect listening', { port });
  return {
    redirectUri: `http://127.0.0.1:${port}${path}`,
    port,
    result,
    close: async () => {
      onAbort();
      await closeServer();
    },
  };
}
