// The HTTPS plumbing every emulator needs: a loopback server with the run's test CA
// certificate (so real clients verify TLS), JSON replies and bounded body reading.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { currentTestCa } from '../support/test-ca.ts';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface StartedServer {
  /** https://127.0.0.1:<port>, no trailing slash. */
  url: string;
  port: number;
  /** TLS connections accepted so far (a client without keep-alive shows one per request). */
  connections(): number;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 (`port` 0 = a random free port) over HTTPS with the test CA's
 * loopback certificate (`cert`/`key` default to currentTestCa()). A handler that throws
 * answers 500 with `internalError(message)` (default Google's error shape). `maxHeaderSize`
 * raises Node's 16 KiB request-head limit, for a vendor whose own limit is larger.
 * Errors: rejects when the port cannot be bound.
 */
export async function startHttpsServer(
  handler: Handler,
  options: { port?: number; cert?: string; key?: string; maxHeaderSize?: number; internalError?: (message: string) => unknown } = {},
): Promise<StartedServer> {
  const ca = options.cert && options.key ? null : currentTestCa();
  const internalError = options.internalError ?? ((message: string) => ({ error: { code: 500, message } }));
  const server: Server = createServer(
    {
      cert: options.cert ?? ca!.serverCert,
      key: options.key ?? ca!.serverKey,
      keepAliveTimeout: 30_000,
      ...(options.maxHeaderSize ? { maxHeaderSize: options.maxHeaderSize } : {}),
    },
    (req, res) => {
      Promise.resolve()
        .then(() => handler(req, res))
        .catch((error: unknown) => {
          if (!res.headersSent) sendJson(res, 500, internalError(String(error)));
          else res.destroy();
        });
    },
  );
  let connections = 0;
  server.on('secureConnection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Writes `body` as JSON (UTF-8) with `status` and extra headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Answers `status` with headers announcing the whole body, writes half of it, then drops the
 * connection: a transfer cut off mid-body, as a dropped Wi-Fi or a proxy restart leaves it.
 */
export function sendTruncated(res: ServerResponse, status: number, body: string | Uint8Array, headers: Record<string, string> = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers, 'content-length': bytes.length });
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
}

/** Reads the request body; rejects with an Error whose `status` is 413 past `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = 50 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
