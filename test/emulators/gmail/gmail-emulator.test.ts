// The real @googleapis/gmail client against the Gmail emulator loaded with a real Enron
// inbox: paging, raw bytes, history after mutations, expired history and quota 429s.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import { OAuth2Client } from 'google-auth-library';
import { GmailEmulator } from './gmail-emulator.ts';

const DATA = join(import.meta.dirname, '../../../../shared/data');
const INBOX = join(DATA, 'enron/maildir/dasovich-j/inbox');
const skip = existsSync(INBOX) ? false : 'LOUD SKIP: ../shared/data is absent, Gmail emulator integration not run';

let emulator: GmailEmulator;
let api: gmail_v1.Gmail;
let rootUrl: string;

function client(token: string): gmail_v1.Gmail {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token });
  return gmail({ version: 'v1', rootUrl, auth });
}

async function statusOf(promise: Promise<unknown>): Promise<{ status: number; body: unknown; headers: Headers }> {
  try {
    await promise;
    return { status: 200, body: null, headers: new Headers() };
  } catch (error) {
    const e = error as { status?: number; response?: { status: number; data: unknown; headers: Headers } };
    assert.ok(e.response, `expected an HTTP error, got ${String(error)}`);
    return { status: e.response.status, body: e.response.data, headers: e.response.headers };
  }
}

before(async () => {
  if (skip) return;
  emulator = new GmailEmulator({ mailbox: INBOX, emailAddress: 'jeff.dasovich@enron.com' });
  const { url } = await emulator.start();
  rootUrl = url + '/';
  api = client('fake-access-token');
});

after(async () => {
  await emulator?.stop();
});

test('lists all 1,393 dasovich-j messages with paging, newest first, and gets raw bytes', { skip }, async () => {
  const ids: string[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const { data } = await api.users.messages.list({ userId: 'me', maxResults: 500, ...(pageToken ? { pageToken } : {}) });
    assert.equal(data.resultSizeEstimate, 1393);
    ids.push(...(data.messages ?? []).map((m) => m.id!));
    pageToken = data.nextPageToken ?? undefined;
    pages += 1;
  } while (pageToken);
  assert.equal(pages, 3);
  assert.equal(ids.length, 1393);
  assert.equal(new Set(ids).size, 1393);
  for (const id of ids) assert.match(id, /^[0-9a-f]{16}$/);

  const { data: first } = await api.users.messages.get({ userId: 'me', id: ids[0]!, format: 'raw' });
  const { data: last } = await api.users.messages.get({ userId: 'me', id: ids.at(-1)!, format: 'minimal' });
  assert.ok(Number(first.internalDate) >= Number(last.internalDate), 'newest first');
  assert.deepEqual(first.labelIds, ['INBOX', 'UNREAD']);
  const raw = Buffer.from(first.raw!, 'base64url');
  assert.equal(raw.length, first.sizeEstimate);
  const date = /^Date: (.+)$/m.exec(raw.toString('latin1'))?.[1];
  assert.equal(Number(first.internalDate), Date.parse(date!), 'internalDate comes from the Date header');
  // The bytes are exactly one of the inbox files.
  const messageId = /^Message-ID: (.+)$/m.exec(raw.toString('latin1'))?.[1];
  const file = readFileSync(join(INBOX, String(findFileByMessageId(messageId!))));
  assert.deepEqual(raw, file);

  const { data: profile } = await api.users.getProfile({ userId: 'me' });
  assert.equal(profile.emailAddress, 'jeff.dasovich@enron.com');
  assert.equal(profile.messagesTotal, 1393);
});

test('history.list reports addMessage, modifyLabels and deleteMessage after getProfile historyId', { skip }, async () => {
  const { data: profile } = await api.users.getProfile({ userId: 'me' });
  const start = profile.historyId!;
  const added = emulator.addMessage('From: a@example.com\r\nTo: jeff.dasovich@enron.com\r\nSubject: New deal\r\n' +
    'Date: Tue, 4 Jun 2002 10:00:00 -0700\r\nMessage-ID: <new-deal@example.com>\r\n\r\nCall me.\r\n');
  const reply = emulator.addMessage('From: jeff.dasovich@enron.com\r\nTo: a@example.com\r\nSubject: Re: New deal\r\n' +
    'In-Reply-To: <new-deal@example.com>\r\nDate: Tue, 4 Jun 2002 11:00:00 -0700\r\n\r\nSure.\r\n', ['SENT']);
  assert.equal(reply.threadId, added.threadId, 'a reply joins its parent thread');
  emulator.modifyLabels(added.id, ['STARRED'], ['UNREAD']);
  emulator.deleteMessage(reply.id);

  const { data } = await api.users.history.list({ userId: 'me', startHistoryId: start });
  const records = data.history ?? [];
  assert.equal(records.length, 4);
  assert.equal(records[0]!.messagesAdded?.[0]?.message?.id, added.id);
  assert.deepEqual(records[0]!.messagesAdded?.[0]?.message?.labelIds, ['INBOX', 'UNREAD']);
  assert.deepEqual(records[2]!.labelsAdded?.[0]?.labelIds, ['STARRED']);
  assert.deepEqual(records[2]!.labelsRemoved?.[0]?.labelIds, ['UNREAD']);
  assert.equal(records[3]!.messagesDeleted?.[0]?.message?.id, reply.id);
  assert.equal(data.historyId, emulator.historyId);
  assert.ok(records.every((r, i) => i === 0 || Number(r.id) > Number(records[i - 1]!.id)), 'ids increase');

  const { data: onlyAdded } = await api.users.history.list({ userId: 'me', startHistoryId: start, historyTypes: ['messageAdded'], maxResults: 1 });
  assert.equal(onlyAdded.history?.length, 1);
  assert.ok(onlyAdded.nextPageToken);
  const { data: page2 } = await api.users.history.list({ userId: 'me', startHistoryId: start, historyTypes: ['messageAdded'], pageToken: onlyAdded.nextPageToken! });
  assert.equal(page2.history?.[0]?.messagesAdded?.[0]?.message?.id, reply.id);

  const { data: thread } = await api.users.threads.get({ userId: 'me', id: added.threadId, format: 'metadata', metadataHeaders: ['Subject'] });
  assert.deepEqual(thread.messages?.map((m) => m.id), [added.id]);
  assert.deepEqual(thread.messages?.[0]?.payload?.headers, [{ name: 'Subject', value: 'New deal' }]);
});

test('an expired startHistoryId answers 404 notFound', { skip }, async () => {
  const { data: profile } = await api.users.getProfile({ userId: 'me' });
  emulator.addMessage('From: b@example.com\r\nTo: jeff.dasovich@enron.com\r\nSubject: later\r\n\r\nx\r\n');
  emulator.expireHistory();
  const expired = await statusOf(api.users.history.list({ userId: 'me', startHistoryId: profile.historyId! }));
  assert.equal(expired.status, 404);
  assert.equal((expired.body as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason, 'notFound');
  const { data: fresh } = await api.users.history.list({ userId: 'me', startHistoryId: emulator.historyId });
  assert.equal(fresh.history, undefined);
});

test('quota on: a client going too fast gets 429 rateLimitExceeded with Retry-After', { skip }, async () => {
  emulator.resetStats();
  emulator.settings.quota = true;
  // A small bucket (25 units/s: 5 gets a second), so the burst overruns it even when a busy
  // machine takes seconds to send it (at Gmail's 250 units/s a slow burst could all fit).
  const quotaBefore = emulator.settings.quotaUnitsPerSecond;
  emulator.settings.quotaUnitsPerSecond = 25;
  try {
    const { data } = await api.users.messages.list({ userId: 'me', maxResults: 100 });
    const ids = data.messages!.map((m) => m.id!);
    // 100 gets × 5 units = 500 units at once, twenty times the bucket: the 4 or 5 that fit
    // (messages.list took 5 units), plus what the bucket refills (5 gets/s) meanwhile.
    const started = performance.now();
    const results = await Promise.all(ids.map((id) =>
      statusOf(api.users.messages.get({ userId: 'me', id, format: 'minimal' }, { retry: false }))));
    const elapsedSeconds = (performance.now() - started) / 1000;
    const limited = results.filter((r) => r.status === 429);
    const granted = results.filter((r) => r.status === 200).length;
    assert.equal(granted + limited.length, 100);
    assert.ok(granted >= 4 && granted <= 6 + Math.ceil(elapsedSeconds * 5), `granted ${granted} in ${elapsedSeconds}s`);
    assert.ok(limited.length > 0);
    const first = limited[0]!;
    assert.match(first.headers.get('retry-after') ?? '', /^\d+$/);
    const error = (first.body as { error: { code: number; status: string; errors: { reason: string; domain: string }[] } }).error;
    assert.equal(error.code, 429);
    assert.equal(error.status, 'RESOURCE_EXHAUSTED');
    assert.deepEqual([error.errors[0]?.reason, error.errors[0]?.domain], ['rateLimitExceeded', 'usageLimits']);
    assert.equal(emulator.stats().rateLimited, limited.length);
    assert.equal(emulator.stats().requests['gmail.users.messages.get'], 100);
  } finally {
    emulator.settings.quota = false;
    emulator.settings.quotaUnitsPerSecond = quotaBefore;
  }
});

test('auth: missing bearer → 401; verifyAccessToken decides; injected 5xx are counted', { skip }, async () => {
  const res = await fetch(`${rootUrl}gmail/v1/users/me/profile`);
  assert.equal(res.status, 401);
  assert.equal(((await res.json()) as { error: { status: string } }).error.status, 'UNAUTHENTICATED');

  const strict = new GmailEmulator({ verifyAccessToken: async (t) => (t === 'good' ? { email: 'rep@example.com' } : null) });
  const { url } = await strict.start();
  try {
    const good = gmail({ version: 'v1', rootUrl: url + '/', auth: withToken('good') });
    assert.equal((await good.users.getProfile({ userId: 'me' })).data.emailAddress, 'rep@example.com');
    const bad = gmail({ version: 'v1', rootUrl: url + '/', auth: withToken('bad') });
    assert.equal((await statusOf(bad.users.getProfile({ userId: 'me' }, { retry: false }))).status, 401);
  } finally {
    await strict.stop();
  }

  emulator.resetStats();
  emulator.failNext(2, 503);
  assert.equal((await statusOf(api.users.labels.list({ userId: 'me' }, { retry: false }))).status, 503);
  assert.equal((await statusOf(api.users.labels.list({ userId: 'me' }, { retry: false }))).status, 503);
  assert.equal((await statusOf(api.users.labels.list({ userId: 'me' }, { retry: false }))).status, 200);
  assert.equal(emulator.stats().serverErrors, 2);

  emulator.settings.errorRate = 0.5;
  emulator.settings.errorStatus = 500;
  try {
    const statuses = await Promise.all(Array.from({ length: 100 }, () =>
      statusOf(api.users.labels.list({ userId: 'me' }, { retry: false })).then((r) => r.status)));
    const failed = statuses.filter((s) => s === 500).length;
    assert.ok(failed >= 30 && failed <= 70, `${failed} of 100 failed at errorRate 0.5`);
    assert.equal(statuses.filter((s) => s === 200).length, 100 - failed);
    assert.equal(emulator.stats().serverErrors, 2 + failed);
  } finally {
    emulator.settings.errorRate = 0;
  }
});

test('messages.send through the media upload endpoint and as JSON raw', { skip }, async () => {
  const message = 'From: jeff.dasovich@enron.com\r\nTo: c@example.com\r\nSubject: Upload\r\n\r\nvia upload\r\n';
  // googleapis-common rewrites `url` to a global rootUrl but not `mediaUrl`: the upload
  // endpoint needs rootUrl again in the per-call options (else it goes to gmail.googleapis.com).
  const { data: viaUpload } = await api.users.messages.send(
    { userId: 'me', requestBody: {}, media: { mimeType: 'message/rfc822', body: message } }, { rootUrl });
  assert.deepEqual(viaUpload.labelIds, ['SENT']);
  assert.equal(emulator.mailbox.get(viaUpload.id!)?.raw.toString(), message);
  const { data: viaJson } = await api.users.messages.send({ userId: 'me', requestBody: { raw: Buffer.from(message).toString('base64url'), threadId: viaUpload.threadId! } });
  assert.equal(viaJson.threadId, viaUpload.threadId);
  const noRecipient = await statusOf(api.users.messages.send({ userId: 'me', requestBody: { raw: Buffer.from('Subject: x\r\n\r\ny').toString('base64url') } }));
  assert.equal(noRecipient.status, 400);
});

function withToken(token: string): OAuth2Client {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token });
  return auth;
}

function findFileByMessageId(messageId: string): string {
  for (let n = 1; n <= 2000; n += 1) {
    const path = join(INBOX, String(n));
    if (existsSync(path) && readFileSync(path, 'latin1').includes(`Message-ID: ${messageId}`)) return String(n);
  }
  throw new Error(`no file with ${messageId}`);
}
