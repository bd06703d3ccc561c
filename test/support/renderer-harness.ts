// Serves the built renderer on loopback and stands in for Electron's IPC: the page's
// window.mailbridge posts {channel, input} to /ipc, which runs the same dispatch() the
// Electron shell uses against the real main-process services. Only the transport differs.
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { Page } from 'playwright-core';
import { dispatch, type Handlers } from '../../src-main/core/dispatch.ts';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

export interface RendererHarness {
  url: string;
  /** Installs window.mailbridge in `page` before any renderer script runs. */
  installBridge(page: Page): Promise<void>;
  close(): Promise<void>;
}

export async function startRendererHarness(rendererDir: string, handlers: Handlers): Promise<RendererHarness> {
  // The bridge proves it belongs to this run with a random token, as a loopback server must.
  const token = randomBytes(24).toString('base64url');
  const server: Server = createServer(async (request, response) => {
    try {
      if (request.method === 'POST' && request.url === '/ipc') {
        if (request.headers['x-mailbridge-token'] !== token) return void response.writeHead(403).end();
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        const { channel, input } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { channel: unknown; input: unknown };
        const result = await dispatch(handlers, channel, input);
        return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      }
      const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
      const file = join(rendererDir, path === '/' ? 'index.html' : path);
      if (!file.startsWith(rendererDir)) return void response.writeHead(404).end();
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      if (!response.headersSent) response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    installBridge: async (page) => {
      await page.addInitScript((secret: string) => {
        const bridge = {
          invoke: (channel: string, input: unknown) =>
            fetch('/ipc', {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-mailbridge-token': secret },
              body: JSON.stringify({ channel, input }),
            }).then((r) => r.json()),
          on: () => () => undefined,
        };
        Object.defineProperty(globalThis, 'mailbridge', { value: Object.freeze(bridge) });
      }, token);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
