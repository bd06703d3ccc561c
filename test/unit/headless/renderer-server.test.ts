// The loopback renderer server admits only the holder of a single-use sign-in address,
// refuses rebinding hosts and cross-site requests, answers malformed requests with 400,
// keeps to the renderer folder, and relays events.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { MAX_EVENT_STREAMS, startRendererServer, type RendererServer } from '../../../src-main/headless/renderer-server.ts';
import type { AppEvent } from '../../../src-main/platform/app-events.ts';
import type { Handlers } from '../../../src-main/ipc/dispatch.ts';

describe('headless renderer server', () => {
  let dir: string;
  let server: RendererServer;
  let cookie: string;
  const listeners = new Set<(event: AppEvent) => void>();
  const handlers = { 'mail:stats': () => ({ accounts: 1, messages: 2, threads: 1, warnings: 0, skippedFiles: 0 }) } as unknown as Handlers;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mb-renderer-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><title>x</title></head><body></body></html>');
    writeFileSync(join(dir, '..', `${dir.split('/').pop()}-secret.txt`), 'outside');
    server = await startRendererServer({
      rendererDir: dir,
      handlers,
      onEvent: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    });
    const entry = await fetch(server.signInUrl(), { redirect: 'manual' });
    assert.equal(entry.status, 303);
    cookie = entry.headers.get('set-cookie')!.split(';')[0]!;
    assert.match(entry.headers.get('set-cookie')!, /HttpOnly; SameSite=Strict/);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}-secret.txt`, { force: true });
  });

  const ipc = (headers: Record<string, string>, body: unknown = { channel: 'mail:stats' }) =>
    fetch(`${server.origin}/ipc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.origin, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  test('a sign-in address works once: a second use is refused and opens no session', async () => {
    const address = server.signInUrl();
    const first = await fetch(address, { redirect: 'manual' });
    assert.equal(first.status, 303);
    const replay = await fetch(address, { redirect: 'manual' });
    assert.equal(replay.status, 403);
    assert.equal(replay.headers.get('set-cookie'), null);
  });

  test('an /ipc body that is valid JSON but not an object is a 400, not a 500', async () => {
    for (const body of ['null', '42', '"mail:stats"', '[]', 'true']) {
      assert.equal((await ipc({ cookie, 'x-mailbridge': '1' }, body)).status, 400, body);
    }
    assert.equal((await ipc({ cookie, 'x-mailbridge': '1' }, '{"channel":')).status, 400);
  });

  test('/ipc from another origin, or with no Origin, is refused', async () => {
    assert.equal((await ipc({ cookie, 'x-mailbridge': '1', origin: 'http://evil.example' })).status, 403);
    const { port } = new URL(server.origin);
    assert.equal((await ipc({ cookie, 'x-mailbridge': '1', origin: `http://localhost:${port}` })).status, 403);
    const noOrigin = await rawRequest('/ipc', 'POST', { cookie, 'x-mailbridge': '1', 'content-type': 'application/json' }, '{"channel":"mail:stats"}');
    assert.equal(noOrigin, 403);
  });

  test('a malformed percent-escape in a path is a 400, not a 500', async () => {
    for (const path of ['/%E0%A4%A', '/%', '/assets/%zz.js']) {
      assert.equal(await rawGet(path, { cookie }), 400, path);
    }
  });

  test(`a session holds at most ${MAX_EVENT_STREAMS} event streams`, async () => {
    const controller = new AbortController();
    const opened = await Promise.all(
      Array.from({ length: MAX_EVENT_STREAMS }, () => fetch(`${server.origin}/events`, { headers: { cookie }, signal: controller.signal })),
    );
    assert.deepEqual(new Set(opened.map((r) => r.status)), new Set([200]));
    const over = await fetch(`${server.origin}/events`, { headers: { cookie } });
    assert.equal(over.status, 429);
    controller.abort();
    // Closed streams free their places.
    await waitFor(async () => (await fetch(`${server.origin}/events`, { headers: { cookie }, signal: AbortSignal.timeout(500) }).catch(() => null))?.status === 200);
  });

  test('a wrong token or no session is refused', async () => {
    assert.equal((await fetch(`${server.origin}/?token=guess`, { redirect: 'manual' })).status, 403);
    assert.equal((await fetch(`${server.origin}/`)).status, 403);
    assert.equal((await ipc({ 'x-mailbridge': '1' })).status, 403);
  });

  test('with the session, IPC dispatches through the contract; without the custom header it is refused', async () => {
    const response = await ipc({ cookie, 'x-mailbridge': '1' });
    assert.deepEqual(await response.json(), { ok: true, value: { accounts: 1, messages: 2, threads: 1, warnings: 0, skippedFiles: 0 } });
    assert.equal((await ipc({ cookie })).status, 403);
    const invalid = (await (await ipc({ cookie, 'x-mailbridge': '1' }, { channel: 'shell:exec' })).json()) as { error: { code: string } };
    assert.equal(invalid.error.code, 'invalid_input');
  });

  test('index.html gets the bridge and the CSP; paths outside the renderer are not served', async () => {
    const index = await fetch(`${server.origin}/`, { headers: { cookie } });
    assert.match(await index.text(), /<script src="\/bridge.js"><\/script>/);
    assert.match(index.headers.get('content-security-policy')!, /script-src 'self'/);
    const name = `${dir.split('/').pop()}-secret.txt`;
    for (const path of [`/../${name}`, `/%2e%2e/${name}`, `/..%2f${name}`]) {
      const status = await rawGet(path, { cookie });
      assert.notEqual(status, 200, path);
    }
  });

  test('a request for another Host (DNS rebinding) is refused', async () => {
    assert.equal(await rawGet('/', { cookie, host: 'evil.example:80' }), 421);
  });

  test('events reach the page as server-sent events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.origin}/events`, { headers: { cookie }, signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    for (const listener of listeners) listener({ name: 'mail:changed', payload: { accountId: 7 } });
    const { value } = await reader.read();
    assert.equal(new TextDecoder().decode(value), 'event: mail:changed\ndata: {"accountId":7}\n\n');
    controller.abort();
  });

  function rawGet(path: string, headers: Record<string, string>): Promise<number> {
    return rawRequest(path, 'GET', headers);
  }

  /** node:http, not fetch: fetch normalises paths and always sends Origin on POST. */
  function rawRequest(path: string, method: string, headers: Record<string, string>, body?: string): Promise<number> {
    const { port } = new URL(server.origin);
    return new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port, path, method, headers }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end(body);
    });
  }

  async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail('condition not met in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
});
