// The standalone emulator process (main.ts) serves the real client fast enough for the sync
// benchmark (target ≥ 1,000 messages.get/s with quota off), and its admin endpoints work.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import { OAuth2Client } from 'google-auth-library';

const DATA = join(import.meta.dirname, '../../../../shared/data');
const INBOX = join(DATA, 'enron/maildir/dasovich-j/inbox');
const skip = existsSync(INBOX) ? false : 'LOUD SKIP: ../shared/data is absent, Gmail emulator throughput not measured';
const CONCURRENCY = 16;

let child: ChildProcess;
let url: string;
let api: gmail_v1.Gmail;

before(async () => {
  if (skip) return;
  child = spawn(process.execPath, [join(import.meta.dirname, 'main.ts'), '--mailbox', INBOX, '--quota', 'off'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  const started = JSON.parse(line) as { url: string; messages: number };
  assert.equal(started.messages, 1393);
  url = started.url;
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'bench-token' });
  api = gmail({ version: 'v1', rootUrl: url + '/', auth });
});

after(() => {
  child?.kill('SIGTERM');
});

async function listAll(): Promise<string[]> {
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const { data } = await api.users.messages.list({ userId: 'me', maxResults: 500, ...(pageToken ? { pageToken } : {}) });
    ids.push(...(data.messages ?? []).map((m) => m.id!));
    pageToken = data.nextPageToken ?? undefined;
  } while (pageToken);
  return ids;
}

async function getAll(ids: string[]): Promise<number> {
  let next = 0;
  let bytes = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const { data } = await api.users.messages.get({ userId: 'me', id, format: 'raw' });
      bytes += data.sizeEstimate ?? 0;
    }
  }));
  return bytes;
}

test(`messages.get format=raw throughput with the real client, concurrency ${CONCURRENCY}`, { skip }, async () => {
  const ids = await listAll();
  assert.equal(ids.length, 1393);
  // First pass = a full sync (each message once, client JIT still cold); second pass warm.
  const coldStarted = performance.now();
  await getAll(ids);
  const coldRate = ids.length / ((performance.now() - coldStarted) / 1000);
  const started = performance.now();
  const bytes = await getAll(ids);
  const seconds = (performance.now() - started) / 1000;
  const rate = ids.length / seconds;
  console.log(`gmail emulator: ${Math.round(coldRate)} messages.get/s first pass, ${Math.round(rate)}/s warm ` +
    `(format=raw, real client, concurrency ${CONCURRENCY}, ${(bytes / 1e6).toFixed(1)} MB per pass)`);
  assert.ok(bytes > 1_000_000);
  // The target is 1,000/s on 2 idle cores (measured ~1,000 cold, ~1,400 warm); the bound only
  // catches gross regressions: under `npm test` other files share the 2 cores (seen: 360/s).
  assert.ok(rate >= 100, `${Math.round(rate)} messages.get/s`);
});

test('admin endpoints: stats, settings, expire-history and message mutations', { skip }, async () => {
  const admin = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(`${url}/__admin/${path}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, json: res.status === 204 ? null : await res.json() };
  };
  const stats = (await admin('GET', 'stats')).json as { requests: Record<string, number> };
  assert.ok((stats.requests['gmail.users.messages.get'] ?? 0) >= 2786);
  assert.equal((await admin('POST', 'settings', { latencyMs: 20 })).status, 200);
  assert.equal((await admin('POST', 'settings', { latencyMs: 'slow' })).status, 400);
  const t0 = performance.now();
  await api.users.labels.list({ userId: 'me' });
  assert.ok(performance.now() - t0 >= 19, 'latency applied');
  await admin('POST', 'settings', { latencyMs: 0 });

  const { data: profile } = await api.users.getProfile({ userId: 'me' });
  const raw = Buffer.from('From: x@example.com\r\nTo: jeff.dasovich@enron.com\r\nSubject: admin\r\n\r\nhi\r\n').toString('base64url');
  const added = (await admin('POST', 'messages', { raw, labelIds: ['INBOX', 'Deals'] })).json as { id: string; historyId: string };
  const modified = await admin('POST', `messages/${added.id}/modify`, { addLabelIds: ['STARRED'] });
  assert.equal(modified.status, 200);
  assert.equal((await admin('DELETE', `messages/${added.id}`)).status, 204);
  const { data: history } = await api.users.history.list({ userId: 'me', startHistoryId: profile.historyId! });
  assert.deepEqual(history.history?.map((h) => Object.keys(h).filter((k) => k !== 'id' && k !== 'messages')),
    [['messagesAdded'], ['labelsAdded'], ['messagesDeleted']]);
  const { data: labels } = await api.users.labels.list({ userId: 'me' });
  assert.ok(labels.labels?.some((l) => l.name === 'Deals' && l.type === 'user' && /^Label_\d+$/.test(l.id!)));

  assert.equal((await admin('POST', 'expire-history')).status, 200);
  await assert.rejects(api.users.history.list({ userId: 'me', startHistoryId: profile.historyId! }, { retry: false }), { status: 404 });
  assert.equal((await admin('POST', 'fail-next', { count: 1, status: 500 })).status, 204);
  await assert.rejects(api.users.getProfile({ userId: 'me' }, { retry: false }), { status: 500 });
  assert.equal(((await admin('GET', 'stats')).json as { serverErrors: number }).serverErrors, 1);
});
