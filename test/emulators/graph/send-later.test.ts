// "Send later" held by Outlook, through the real @microsoft/microsoft-graph-client: a draft
// made from MIME, PR_DEFERRED_SEND_TIME set by PATCH, send → the Outbox until that time, then
// Sent Items and the send ledger; at once without a deferred time; the lost-answer fault on send.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, GraphError, ResponseType } from '@microsoft/microsoft-graph-client';
import { GraphEmulator } from './graph-emulator.ts';

const OWNER = 'rep@mailbridge.test';
const IMMUTABLE = 'IdType="ImmutableId"';
const DEFERRED_SEND_TIME = 'SystemTime 0x3FEF';

let emulator: GraphEmulator;
let api: Client;

interface Found {
  id: string;
  isDraft: boolean;
}

const mime = (messageId: string, subject: string): string =>
  `From: Rep <${OWNER}>\r\nTo: Buyer <buyer@customer.example>\r\nSubject: ${subject}\r\nMessage-ID: <${messageId}>\r\n` +
  'Date: Tue, 3 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLater.\r\n';

async function graphError(promise: Promise<unknown>): Promise<GraphError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GraphError, `expected a GraphError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to fail');
}

/** POST /me/messages in MIME form, as the client does; the raw answer. */
async function createDraft(text: string): Promise<Response> {
  return (await api.api('/me/messages').header('Prefer', IMMUTABLE).header('Content-Type', 'text/plain').responseType(ResponseType.RAW)
    .post(Buffer.from(text).toString('base64'))) as Response;
}

async function draftFor(messageId: string, subject: string): Promise<string> {
  const created = await createDraft(mime(messageId, subject));
  assert.equal(created.status, 201);
  return ((await created.json()) as { id: string }).id;
}

const deferBy = (id: string, ms: number): Promise<{ isDraft: boolean }> => api.api(`/me/messages/${id}`).header('Prefer', IMMUTABLE)
  .patch({ singleValueExtendedProperties: [{ id: DEFERRED_SEND_TIME, value: new Date(Date.now() + ms).toISOString() }] });

/** POST /messages/{id}/send; the raw answer (a raw answer never throws for an error status). */
const send = async (id: string): Promise<Response> =>
  (await api.api(`/me/messages/${id}/send`).header('Prefer', IMMUTABLE).responseType(ResponseType.RAW).post(null)) as Response;

/** POST /messages/{id}/send as the client makes it: an error status throws a GraphError. */
const sendOrThrow = (id: string): Promise<unknown> => api.api(`/me/messages/${id}/send`).header('Prefer', IMMUTABLE).post(null);

/** $filter=internetMessageId on /me/messages (or a folder), $select=id,isDraft: what the client looks up. */
async function lookup(internetMessageId: string, path = '/me/messages'): Promise<Found[]> {
  const page = await api.api(path).header('Prefer', IMMUTABLE).filter(`internetMessageId eq '${internetMessageId}'`).select('id,isDraft').top(10).get();
  return page.value as Found[];
}

async function deltaLink(folder: string): Promise<string> {
  return ((await api.api(`/me/mailFolders/${folder}/messages/delta`).query({ $deltatoken: 'latest' }).get()) as { '@odata.deltaLink': string })['@odata.deltaLink'];
}

async function deltaIds(link: string): Promise<string[]> {
  const page = (await api.api(link).header('Prefer', IMMUTABLE).get()) as { value: { id: string; '@removed'?: unknown }[] };
  return page.value.filter((m) => !m['@removed']).map((m) => m.id);
}

before(async () => {
  emulator = new GraphEmulator({ user: { mail: OWNER, displayName: 'Rep' } });
  const { url } = await emulator.start();
  api = Client.init({ authProvider: (done) => done(null, 'send-later'), baseUrl: url + '/', defaultVersion: 'v1.0', customHosts: new Set(['127.0.0.1']) });
});

after(async () => {
  await emulator?.stop();
});

test('a MIME draft waits in the Outbox until its deferred send time, then reaches Sent Items and counts once', async () => {
  const internetMessageId = '<later-1@mailbridge.test>';
  const created = await createDraft(mime('later-1@mailbridge.test', 'Send later'));
  assert.equal(created.status, 201);
  const draft = (await created.json()) as { id: string; isDraft: boolean; internetMessageId: string; parentFolderId: string; isRead: boolean };
  assert.deepEqual([draft.isDraft, draft.internetMessageId, draft.parentFolderId, draft.isRead], [true, internetMessageId, emulator.folder('drafts')!.id, true]);
  const found = await lookup(internetMessageId);
  assert.deepEqual(found.map((m) => [m.id, m.isDraft]), [[draft.id, true]]);
  assert.deepEqual(Object.keys(found[0]!).sort(), ['@odata.etag', 'id', 'isDraft'], '$select=id,isDraft');
  assert.equal((await lookup(internetMessageId, '/me/mailFolders/drafts/messages')).length, 1);
  assert.equal(emulator.sendCount(internetMessageId), 0, 'a draft is not a send');
  assert.deepEqual([emulator.messageState(draft.id)?.isDraft, emulator.messageState(draft.id)?.deferredUntil], [true, null]);

  const patched = await deferBy(draft.id, 2_000);
  assert.equal(patched.isDraft, true);
  const until = emulator.messageState(draft.id)!.deferredUntil!;
  assert.ok(until > Date.now() + 1_000, `deferredUntil ${until}`);
  assert.deepEqual(emulator.deferredMessages().map((m) => [m.immutableId, m.folder, m.deferredUntil]), [[draft.id, 'drafts', until]]);

  const sentItems = await deltaLink('sentitems');
  const sent = await send(draft.id);
  assert.equal(sent.status, 202);
  assert.equal(await sent.text(), '');
  const held = emulator.messageState(draft.id)!;
  assert.deepEqual([held.folder, held.isDraft, held.deferredUntil], ['outbox', false, until]);
  assert.deepEqual((await lookup(internetMessageId)).map((m) => [m.id, m.isDraft]), [[draft.id, false]], 'held: no longer a draft');
  assert.equal((await lookup(internetMessageId, '/me/mailFolders/outbox/messages')).length, 1);
  assert.deepEqual(await lookup(internetMessageId, '/me/mailFolders/sentitems/messages'), []);
  assert.equal(emulator.sendCount(internetMessageId), 0, 'not sent before its time');
  assert.deepEqual(emulator.deferredMessages().map((m) => m.folder), ['outbox']);
  const again = await graphError(sendOrThrow(draft.id));
  assert.deepEqual([again.statusCode, again.code], [404, 'ErrorItemNotFound'], 'only a draft can be sent');

  // The timer delivers it: the mailbox is read directly, so nothing here triggers a lazy delivery.
  await sleep(until - Date.now() + 200);
  assert.equal(emulator.mailbox.get(draft.id)?.folderId, emulator.folder('sentitems')!.id);
  assert.deepEqual(await deltaIds(sentItems), [draft.id]);
  assert.equal(emulator.sendCount(internetMessageId), 1);
  assert.deepEqual(emulator.deferredMessages(), []);
  const record = emulator.sentMessages().find((r) => r.internetMessageId === internetMessageId)!;
  assert.deepEqual([record.folder, record.immutableId, record.answerDropped], ['sentitems', draft.id, false]);
  assert.ok(record.sentAt >= until);
});

test('send without a deferred time (or one already past) goes to Sent Items at once', async () => {
  const now = await draftFor('now-1@mailbridge.test', 'Now');
  const past = await draftFor('past-1@mailbridge.test', 'Past');
  await deferBy(past, -60_000);
  const sentItems = await deltaLink('sentitems');
  assert.equal((await send(now)).status, 202);
  assert.equal((await send(past)).status, 202);
  assert.deepEqual(await deltaIds(sentItems), [now, past]);
  for (const [id, internetMessageId] of [[now, '<now-1@mailbridge.test>'], [past, '<past-1@mailbridge.test>']] as const) {
    assert.deepEqual([emulator.messageState(id)?.folder, emulator.messageState(id)?.isDraft], ['sentitems', false]);
    assert.equal(emulator.sendCount(internetMessageId), 1);
  }
});

test('commit-then-drop on send: held (or sent) once, the answer lost, the lookup tells it is no draft', async () => {
  const held = await draftFor('dropped-later@mailbridge.test', 'Lost answer, later');
  await deferBy(held, 60_000);
  emulator.faults.commitThenDropNext(1);
  await assert.rejects(sendOrThrow(held), (error: unknown) => !(error instanceof GraphError) || error.statusCode <= 0);
  assert.equal(emulator.messageState(held)?.folder, 'outbox');
  assert.deepEqual((await lookup('<dropped-later@mailbridge.test>')).map((m) => m.isDraft), [false]);
  assert.equal((await graphError(sendOrThrow(held))).statusCode, 404, 'a blind retry does not send twice');
  assert.deepEqual(emulator.deliverDue(Date.now() + 61_000).map((m) => m.immutableId), [held]);
  assert.equal(emulator.sendCount('dropped-later@mailbridge.test'), 1);
  assert.equal(emulator.sentMessages().find((r) => r.immutableId === held)?.answerDropped, true);

  const atOnce = await draftFor('dropped-now@mailbridge.test', 'Lost answer, now');
  emulator.faults.commitThenDropNext(1);
  await assert.rejects(sendOrThrow(atOnce));
  assert.equal(emulator.messageState(atOnce)?.folder, 'sentitems');
  assert.equal(emulator.sentMessages().find((r) => r.immutableId === atOnce)?.answerDropped, true);
  assert.equal(emulator.sendCount('dropped-now@mailbridge.test'), 1);
});

test('a held message deleted from the Outbox is never delivered; the admin endpoints list and deliver', async () => {
  const cancelled = await draftFor('cancel-1@mailbridge.test', 'Cancelled');
  await deferBy(cancelled, 60_000);
  await send(cancelled);
  await api.api(`/me/messages/${cancelled}`).delete();
  const kept = await draftFor('admin-1@mailbridge.test', 'Admin');
  await deferBy(kept, 60_000);
  await send(kept);

  const admin = async (path: string, init?: RequestInit): Promise<unknown> => (await fetch(`${emulator.url}/__admin${path}`, init)).json();
  const listed = (await admin('/deferred')) as { messages: { immutableId: string; folder: string; internetMessageId: string }[] };
  const mine = listed.messages.filter((m) => m.immutableId === kept || m.immutableId === cancelled);
  assert.deepEqual(mine.map((m) => [m.immutableId, m.folder, m.internetMessageId]), [[kept, 'outbox', '<admin-1@mailbridge.test>']]);
  const state = (await admin(`/messages/${kept}`)) as { isDraft: boolean; deferredUntil: number; folder: string };
  assert.deepEqual([state.isDraft, state.folder, typeof state.deferredUntil], [false, 'outbox', 'number']);
  const none = (await admin('/deferred/deliver', { method: 'POST', body: '{}' })) as { delivered: unknown[] };
  assert.deepEqual(none.delivered, []);
  const due = (await admin('/deferred/deliver', { method: 'POST', body: JSON.stringify({ now: Date.now() + 61_000 }) })) as { delivered: { immutableId: string }[] };
  assert.deepEqual(due.delivered.map((m) => m.immutableId), [kept]);
  assert.equal(emulator.sendCount('cancel-1@mailbridge.test'), 0);
  assert.equal(emulator.messageState(cancelled)?.folder, 'deleteditems');
});

test('POST /messages and PATCH of extended properties refuse what Graph refuses', async () => {
  const badBase64 = await graphError(api.api('/me/messages').header('Content-Type', 'text/plain').post('not base64 at all!'));
  assert.equal(badBase64.code, 'ErrorMimeContentInvalidBase64String');
  const noRecipient = await graphError(api.api('/me/messages').header('Content-Type', 'text/plain')
    .post(Buffer.from('From: rep@mailbridge.test\r\nSubject: x\r\n\r\ny\r\n').toString('base64')));
  assert.equal(noRecipient.code, 'ErrorInvalidRecipients');
  assert.equal((await graphError(api.api('/me/messages').post({ subject: 'json' }))).statusCode, 501);

  const id = await draftFor('props-1@mailbridge.test', 'Properties');
  const patch = (body: unknown): Promise<unknown> => api.api(`/me/messages/${id}`).header('Prefer', IMMUTABLE).patch(body);
  assert.equal((await graphError(patch({ singleValueExtendedProperties: [{ id: DEFERRED_SEND_TIME, value: 'tomorrow' }] }))).statusCode, 400);
  assert.equal((await graphError(patch({ singleValueExtendedProperties: { id: DEFERRED_SEND_TIME } }))).statusCode, 400);
  assert.equal((await graphError(patch({ singleValueExtendedProperties: [{ id: 'String 0x0070', value: 'x', extra: 1 }] }))).statusCode, 400);
  await patch({ singleValueExtendedProperties: [{ id: 'String {00020386-0000-0000-C000-000000000046} Name X-Campaign', value: 'q4' }] });
  assert.equal(emulator.mailbox.get(id)?.extendedProperties.get('string {00020386-0000-0000-c000-000000000046} name x-campaign')?.value, 'q4');
  assert.equal(emulator.messageState(id)?.deferredUntil, null);
  const inbound = emulator.addMessage(mime('inbound-1@customer.example', 'Received'));
  assert.equal((await graphError(sendOrThrow(inbound.immutableId))).code, 'ErrorItemNotFound', 'a received message is no draft');
  assert.equal(emulator.sendCount('props-1@mailbridge.test'), 0);
});
