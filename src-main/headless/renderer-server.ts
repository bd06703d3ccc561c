// Serves the built renderer on 127.0.0.1 where no Electron binary exists (the demo, the
// e2e tests): the same services and dispatch() as the desktop shell, with IPC carried over
// HTTP. Only the holder of a sign-in URL gets a session, and each URL works once.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { dispatch, type Handlers } from '../ipc/dispatch.ts';
import type { AppEvent } from '../platform/app-events.ts';
import { RENDERER_CSP } from '../platform/renderer-csp.ts';
import { createLogger } from '../platform/logger.ts';
import { bridgeScript } from '../../src-preload/headless-bridge.ts';

const log = createLogger('headless');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};
const SESSION_COOKIE = 'mailbridge_session';
const MAX_REQUEST_BYTES = 1 << 20;
/** Open /events streams a session may hold: a few tabs and reloads, not an exhaustion attack. */
export const MAX_EVENT_STREAMS = 16;

export interface RendererServerOptions {
  /** The built renderer (out/renderer). */
  rendererDir: string;
  handlers: Handlers;
  /** Subscribes to main-process events for the page (services.onEvent). */
  onEvent?: (listener: (event: AppEvent) => void) => () => void;
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface RendererServer {
  /**
   * Mints a single-use sign-in address, http://127.0.0.1:<port>/?token=…: the first request
   * with it is exchanged for the session cookie and the token is spent. Print it only to the rep.
   */
  signInUrl(): string;
  /** The origin without the token. */
  origin: string;
  close(): Promise<void>;
}

/**
 * Starts the server. Guards: the Host header must be the loopback origin (DNS rebinding),
 * a sign-in token is spent on its first use, every other request needs the HttpOnly
 * SameSite=Strict session cookie, /ipc also needs the same-origin `Origin` and the
 * `x-mailbridge` header (no cross-site form can send it), and a session holds at most
 * MAX_EVENT_STREAMS event streams. Malformed requests get 400, never 500.
 */
export async function startRendererServer(options: RendererServerOptions): Promise<RendererServer> {
  const rendererDir = resolve(options.rendererDir);
  const tokens = new Set<string>();
  const session = randomBytes(24).toString('base64url');
  const streams = new Set<ServerResponse>();
  let host = '';
  let origin = '';

  const sameSecret = (given: string | undefined | null, secret: string) =>
    typeof given === 'string' && given.length === secret.length && timingSafeEqual(Buffer.from(given), Buffer.from(secret));
  const hasSession = (request: IncomingMessage) =>
    sameSecret(
      (request.headers.cookie ?? '')
        .split(';')
        .map((c) => c.trim().split('='))
        .find(([name]) => name === SESSION_COOKIE)?.[1],
      session,
    );

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log.error('request failed', { error });
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.headers.host !== host) return void response.writeHead(421).end();
    const url = new URL(request.url ?? '/', `http://${host}`);
    if (url.searchParams.has('token')) {
      if (!spendToken(url.searchParams.get('token'))) {
        return void response.writeHead(403, { 'content-type': 'text/plain' }).end('This sign-in address was already used or is wrong.');
      }
      response.writeHead(303, {
        location: '/',
        'set-cookie': `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`,
      });
      return void response.end();
    }
    if (!hasSession(request)) {
      return void response.writeHead(403, { 'content-type': 'text/plain' }).end('Open the address Mailbridge printed.');
    }
    if (url.pathname === '/ipc' && request.method === 'POST') return ipc(request, response);
    if (url.pathname === '/events' && request.method === 'GET') return events(response);
    if (url.pathname === '/bridge.js') return send(response, 200, TYPES['.js']!, bridgeScript);
    if (request.method !== 'GET') return void response.writeHead(405).end();
    return file(url.pathname, response);
  }

  /** Constant-time check against every live token; a match is spent. */
  function spendToken(given: string | null): boolean {
    for (const token of tokens) {
      if (sameSecret(given, token)) return tokens.delete(token);
    }
    return false;
  }

  async function ipc(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (
      request.headers.origin !== origin ||
      request.headers['x-mailbridge'] !== '1' ||
      !request.headers['content-type']?.startsWith('application/json')
    ) {
      return void response.writeHead(403).end();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_REQUEST_BYTES) return void response.writeHead(413).end();
      chunks.push(chunk as Buffer);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return void response.writeHead(400).end();
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return void response.writeHead(400).end();
    const { channel, input } = body as { channel?: unknown; input?: unknown };
    const result = await dispatch(options.handlers, channel, input);
    send(response, 200, 'application/json', JSON.stringify(result));
  }

  function events(response: ServerResponse): void {
    if (streams.size >= MAX_EVENT_STREAMS) return void response.writeHead(429).end();
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    response.write(': connected\n\n');
    streams.add(response);
    response.on('close', () => streams.delete(response));
  }

  async function file(pathname: string, response: ServerResponse): Promise<void> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
    } catch {
      return void response.writeHead(400).end(); // a malformed percent-escape (URIError)
    }
    const path = resolve(rendererDir, `.${decoded}`);
    if (path !== rendererDir && !path.startsWith(rendererDir + sep)) return void response.writeHead(404).end();
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      return void response.writeHead(404).end();
    }
    if (path === join(rendererDir, 'index.html')) {
      // The preload's place: the bridge runs before the app's module script.
      const html = body.toString('utf8').replace('<head>', '<head>\n    <script src="/bridge.js"></script>');
      return send(response, 200, TYPES['.html']!, html);
    }
    send(response, 200, TYPES[extname(path)] ?? 'application/octet-stream', body);
  }

  function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
    response.writeHead(status, {
      'content-type': type,
      'content-security-policy': RENDERER_CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    response.end(body);
  }

  const unsubscribe = options.onEvent?.((event) => {
    const frame = `event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolveListen);
  });
  const { port } = server.address() as { port: number };
  host = `127.0.0.1:${port}`;
  origin = `http://${host}`;
  return {
    signInUrl: () => {
      const token = randomBytes(24).toString('base64url');
      tokens.add(token);
      return `${origin}/?token=${token}`;
    },
    origin,
    close: () =>
      new Promise<void>((resolveClose) => {
        unsubscribe?.();
        for (const stream of streams) stream.end();
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
