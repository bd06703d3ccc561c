// The Graph emulator's wire JSON, checked against Microsoft's published OpenAPI description
// of Graph v1.0 mail (specs/msgraph/v1.0: Mail.yml, Users.Functions.yml, Users.Actions.yml) with a strict
// checker: an unknown property, a wrong type or a malformed date-time fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GraphEmulator } from '../emulators/graph/graph-emulator.ts';
import { GraphContract, loadGraphSpec } from '../emulators/graph/openapi-schema.ts';

const DATA = join(import.meta.dirname, '../../../shared/data');
const SPECS = join(DATA, 'specs/msgraph/v1.0');
const skip = existsSync(DATA) ? false : 'LOUD SKIP: ../shared/data is absent, Graph contract not checked';

let contract: GraphContract;
let emulator: GraphEmulator;
let base: string;

interface Fetched {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function get(path: string, init: RequestInit = {}): Promise<Fetched> {
  const res = await fetch(path.startsWith('https://') ? path : `${base}${path}`, {
    ...init,
    headers: { authorization: 'Bearer contract-test', ...(init.headers as Record<string, string> | undefined) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** GET `path`, expect 200 and a body valid for `operationId`'s 2XX response (or a component schema). */
async function valid(path: string, schema: { op: string } | { type: string }, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const { status, body } = await get(path, init);
  assert.equal(status, 200, `${path}: ${JSON.stringify(body).slice(0, 300)}`);
  const problems = 'op' in schema ? contract.checkResponse(schema.op, '2XX', body) : contract.check(schema.type, body);
  assert.deepEqual(problems, [], `${path} violates the OpenAPI schema`);
  return body;
}

async function validError(path: string, status: number, code: string, init: RequestInit = {}): Promise<void> {
  const res = await get(path, init);
  assert.equal(res.status, status, `${path}: ${JSON.stringify(res.body)}`);
  assert.deepEqual(contract.checkResponse('user_GetMessage', 'default', res.body), [], `${path} error body`);
  assert.equal((res.body.error as { code: string }).code, code);
}

before(async () => {
  if (skip) return;
  contract = new GraphContract(loadGraphSpec([join(SPECS, 'Mail.yml'), join(SPECS, 'Users.Functions.yml'), join(SPECS, 'Users.Actions.yml')]));
  // notmuch's corpora (multipart, attachments, PGP/S-MIME, broken MIME) and the MIME edge cases
  // of five parser projects: the hardest inputs for the message resource.
  emulator = new GraphEmulator({
    mailbox: join(DATA, 'notmuch-corpora'),
    folders: [{ folder: 'Inbox/Fixtures', mailbox: join(DATA, 'mime-fixtures') }],
  });
  const { url } = await emulator.start();
  base = `${url}/v1.0`;
});

after(async () => {
  await emulator?.stop();
});

test('the checker itself rejects unknown properties, wrong types and bad dates', { skip }, () => {
  assert.deepEqual(contract.check('microsoft.graph.message', { id: 'x', '@odata.etag': 'W/"1"', subject: 's', isRead: null }), []);
  assert.match(contract.check('microsoft.graph.message', { id: 'x', subjekt: 's' }).join(), /subjekt/);
  assert.match(contract.check('microsoft.graph.message', { id: 'x', isRead: 'yes' }).join(), /isRead: must be boolean/);
  assert.match(contract.check('microsoft.graph.message', { receivedDateTime: '2001-05-14 16:39' }).join(), /receivedDateTime/);
  assert.match(contract.check('microsoft.graph.message', { from: { emailAddress: { adress: 'a@b' } } }).join(), /adress/);
  assert.match(contract.checkResponse('user.mailFolder.message_delta', '2XX', { value: [], extra: 1 }).join(), /extra/);
  assert.match(contract.checkResponse('user.mailFolder.message_delta', '2XX', { value: [{ id: 'x', isread: true }] }).join(), /isread/);
  assert.match(contract.checkResponse('user_GetMessage', '2XX', { id: 'x', body: { contentType: 'markdown' } }).join(), /contentType/);
  assert.match(contract.checkResponse('user_ListMailFolder', '2XX', { value: [{ id: 'x', totalItemCount: '3' }] }).join(), /totalItemCount/);
  assert.match(contract.check('microsoft.graph.ODataErrors.ODataError', { error: { code: 'x' } }).join(), /message/);
});

test('GET /me matches microsoft.graph.user', { skip }, async () => {
  const me = await valid('/me', { type: 'microsoft.graph.user' });
  assert.deepEqual(Object.keys(me).sort(), ['@odata.context', 'displayName', 'id', 'mail', 'userPrincipalName']);
});

test('mailFolders list, get and childFolders match the mailFolder schemas', { skip }, async () => {
  const list = await valid('/me/mailFolders?$top=100', { op: 'user_ListMailFolder' });
  assert.ok((list.value as unknown[]).length >= 7);
  const paged = await valid('/me/mailFolders?$top=2', { op: 'user_ListMailFolder' });
  assert.ok(paged['@odata.nextLink']);
  const inbox = await valid('/me/mailFolders/inbox', { op: 'user_GetMailFolder' });
  assert.equal(inbox.totalItemCount, emulator.folder('inbox')!.messages.size);
  const children = await valid(`/me/mailFolders/${String(inbox.id)}/childFolders`, { op: 'user.mailFolder_ListChildFolder' });
  assert.equal((children.value as { displayName: string }[])[0]!.displayName, 'Fixtures');
  await valid('/me/mailFolders/inbox?$select=displayName,totalItemCount', { op: 'user_GetMailFolder' });
});

test('every message (full and $select) and every list page match the message schemas', { skip }, async () => {
  let checked = 0;
  let withAttachments = 0;
  for (const folder of ['inbox', emulator.folder('Inbox/Fixtures')!.id]) {
    let link: string | undefined = `/me/mailFolders/${folder}/messages?$top=200`;
    while (link) {
      const page: Record<string, unknown> = await valid(link, { op: 'user.mailFolder_ListMessage' });
      for (const m of page.value as { id: string; hasAttachments: boolean }[]) {
        await valid(`/me/messages/${m.id}`, { op: 'user_GetMessage' });
        await valid(`/me/mailFolders/${folder}/messages/${m.id}?$select=subject,from,toRecipients,internetMessageHeaders,body`, { op: 'user.mailFolder_GetMessage' });
        if (m.hasAttachments) withAttachments += 1;
        checked += 1;
      }
      link = page['@odata.nextLink'] as string | undefined;
    }
  }
  assert.ok(checked > 600, `messages checked: ${checked}`);
  assert.ok(withAttachments > 20, `messages with attachments: ${withAttachments}`);
  await valid('/me/messages?$top=50&$skip=10', { op: 'user_ListMessage' });
});

test('delta pages (nextLink, then deltaLink with @removed entries) match the delta response schema', { skip }, async () => {
  const first = await get('/me/mailFolders/inbox/messages/delta', { headers: { prefer: 'odata.maxpagesize=100' } });
  assert.equal(first.headers.get('preference-applied'), 'odata.maxpagesize=100');
  assert.deepEqual(contract.checkResponse('user.mailFolder.message_delta', '2XX', first.body), []);
  assert.ok(first.body['@odata.nextLink'] && !first.body['@odata.deltaLink']);
  let page = first.body;
  while (page['@odata.nextLink']) {
    page = await valid(page['@odata.nextLink'] as string, { op: 'user.mailFolder.message_delta' }, { headers: { prefer: 'odata.maxpagesize=100' } });
  }
  assert.ok(page['@odata.deltaLink']);
  const [doomed, moved] = (first.body.value as { id: string }[]);
  emulator.deleteMessage(doomed!.id);
  emulator.moveMessage(moved!.id, 'deleteditems');
  emulator.addMessage('From: a@example.com\r\nTo: b@example.com\r\nSubject: new\r\n\r\nhi\r\n');
  const changes = await valid(page['@odata.deltaLink'] as string, { op: 'user.mailFolder.message_delta' });
  assert.ok(changes['@odata.deltaLink']);
  const removed = (changes.value as Record<string, unknown>[]).filter((m) => '@removed' in m);
  assert.deepEqual(removed.map((m) => Object.keys(m).sort()), [['@removed', 'id'], ['@removed', 'id']]);
  assert.deepEqual(removed.map((m) => m['@removed']), [{ reason: 'deleted' }, { reason: 'deleted' }]);
  const selected = await valid('/me/mailFolders/inbox/messages/delta?$select=subject,isRead,from', { op: 'user.mailFolder.message_delta' });
  assert.ok((selected.value as unknown[]).length > 0);
});

test('error bodies (400, 401, 404, 410, 429, 503) match ODataError', { skip }, async () => {
  await validError('/me/messages/not-an-id', 400, 'ErrorInvalidIdMalformed');
  await validError('/me/messages/AAMkADAwATM0MDAAMS1iNWUAAAAAAAAAAAAAAAAAAAAAAA', 404, 'ErrorItemNotFound');
  await validError('/me/nothing', 400, 'BadRequest');
  await validError('/me/mailFolders/inbox/messages?$select=subjekt', 400, 'BadRequest');
  await validError('/me', 401, 'InvalidAuthenticationToken', { headers: { authorization: '' } });
  await validError('/me/mailFolders/inbox/messages/delta?$deltatoken=forged', 400, 'ErrorInvalidSyncStateData');
  const round = await get('/me/mailFolders/drafts/messages/delta');
  emulator.expireDeltaTokens('drafts');
  await validError(round.body['@odata.deltaLink'] as string, 410, 'syncStateNotFound');
  emulator.throttleNext(1, 7);
  const throttled = await get('/me');
  assert.equal(throttled.status, 429);
  assert.equal(throttled.headers.get('retry-after'), '7');
  assert.deepEqual(contract.checkResponse('user_GetMessage', 'default', throttled.body), []);
  emulator.failNext(1, 503);
  await validError('/me', 503, 'ServiceNotAvailable');
});

test('PATCH, move, $filter=internetMessageId lists and delta with flag match the message schemas', { skip }, async () => {
  const json = { 'content-type': 'application/json' };
  const first = emulator.addMessage("From: a@example.com\r\nTo: me@mailbridge.test\r\nSubject: act\r\nMessage-ID: <o'act-1@mailbridge.test>\r\n\r\nhi\r\n");
  const round = await get('/me/mailFolders/inbox/messages/delta?$select=isRead,flag', { headers: { prefer: 'odata.maxpagesize=1000' } });
  let page = round.body;
  while (page['@odata.nextLink']) page = (await get(page['@odata.nextLink'] as string, { headers: { prefer: 'odata.maxpagesize=1000' } })).body;
  const patched = await get(`/me/messages/${first.id}`, { method: 'PATCH', headers: json, body: JSON.stringify({ isRead: true, flag: { flagStatus: 'flagged' } }) });
  assert.equal(patched.status, 200);
  assert.deepEqual(contract.checkResponse('user_UpdateMessage', '2XX', patched.body), []);
  const changes = await valid(page['@odata.deltaLink'] as string, { op: 'user.mailFolder.message_delta' });
  assert.deepEqual((changes.value as { flag: unknown }[]).map((m) => m.flag), [{ flagStatus: 'flagged' }]);

  const filter = encodeURIComponent("internetMessageId eq '<o''act-1@mailbridge.test>'");
  const found = await valid(`/me/messages?$filter=${filter}&$select=internetMessageId,flag`, { op: 'user_ListMessage' });
  assert.equal((found.value as unknown[]).length, 1);
  await valid(`/me/mailFolders/inbox/messages?$filter=${filter}`, { op: 'user.mailFolder_ListMessage' });
  const moved = await get(`/me/messages/${first.id}/move`, { method: 'POST', headers: { ...json, prefer: 'IdType="ImmutableId"' }, body: JSON.stringify({ destinationId: 'archive' }) });
  assert.equal(moved.status, 201);
  assert.deepEqual(contract.checkResponse('user.message_move', '2XX', moved.body), []);
  assert.equal(moved.body.parentFolderId, emulator.folder('archive')!.id);
});

test('sendMail answers 202 with no body; its errors and an unserved $filter match ODataError', { skip }, async () => {
  const post = (body: string, type: string): Promise<Response> => fetch(`${base}/me/sendMail`, {
    method: 'POST', headers: { authorization: 'Bearer contract-test', 'content-type': type }, body,
  });
  const accepted = await post(Buffer.from('To: a@example.com\r\nSubject: contract\r\nMessage-ID: <contract-1@mailbridge.test>\r\n\r\nhi\r\n').toString('base64'), 'text/plain');
  assert.equal(accepted.status, 202);
  assert.equal(await accepted.text(), '');
  const sent = await valid(`/me/mailFolders/sentitems/messages?$filter=${encodeURIComponent("internetMessageId eq '<contract-1@mailbridge.test>'")}`, { op: 'user.mailFolder_ListMessage' });
  assert.equal((sent.value as unknown[]).length, 1);
  for (const [body, code] of [['%%% not base64', 'ErrorMimeContentInvalidBase64String'], [Buffer.from('Subject: x\r\n\r\ny').toString('base64'), 'ErrorInvalidRecipients']]) {
    const res = await post(body!, 'text/plain');
    const error = (await res.json()) as Record<string, unknown>;
    assert.equal(res.status, 400);
    assert.deepEqual(contract.checkResponse('user_sendMail', 'default', error), []);
    assert.equal((error.error as { code: string }).code, code);
  }
  await validError(`/me/messages?$filter=${encodeURIComponent('isRead eq false')}`, 400, 'ErrorInvalidUrlQueryFilter');
  await validError(`/me/messages/${String((sent.value as { id: string }[])[0]!.id)}`, 400, 'BadRequest', {
    method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flag: { flagStatus: 'soon' } }),
  });
});

test('send later: the MIME draft (201), its PATCH with PR_DEFERRED_SEND_TIME (200) and the held message match the message schemas', { skip }, async () => {
  const prefer = { prefer: 'IdType="ImmutableId"' };
  const mime = Buffer.from('To: a@example.com\r\nSubject: later\r\nMessage-ID: <contract-later@mailbridge.test>\r\n\r\nhi\r\n').toString('base64');
  const created = await get('/me/messages', { method: 'POST', headers: { ...prefer, 'content-type': 'text/plain' }, body: mime });
  assert.equal(created.status, 201, JSON.stringify(created.body).slice(0, 300));
  assert.deepEqual(contract.checkResponse('user_CreateMessage', '2XX', created.body), []);
  assert.equal(created.body.isDraft, true);
  const id = created.body.id as string;
  const deferred = { singleValueExtendedProperties: [{ id: 'SystemTime 0x3FEF', value: new Date(Date.now() + 3_600_000).toISOString() }] };
  const patched = await get(`/me/messages/${id}`, { method: 'PATCH', headers: { ...prefer, 'content-type': 'application/json' }, body: JSON.stringify(deferred) });
  assert.equal(patched.status, 200);
  assert.deepEqual(contract.checkResponse('user_UpdateMessage', '2XX', patched.body), []);
  const sent = await fetch(`${base}/me/messages/${id}/send`, { method: 'POST', headers: { authorization: 'Bearer contract-test', ...prefer } });
  assert.equal(sent.status, 202);
  assert.equal(await sent.text(), '');
  const filter = encodeURIComponent("internetMessageId eq '<contract-later@mailbridge.test>'");
  const held = await valid(`/me/messages?$filter=${filter}&$select=id,isDraft`, { op: 'user_ListMessage' }, { headers: prefer });
  assert.deepEqual((held.value as { id: string; isDraft: boolean }[]).map((m) => [m.id, m.isDraft]), [[id, false]]);
  await valid(`/me/mailFolders/outbox/messages/${id}`, { op: 'user.mailFolder_GetMessage' }, { headers: prefer });
  const again = await get(`/me/messages/${id}/send`, { method: 'POST', headers: prefer });
  assert.equal(again.status, 404);
  assert.deepEqual(contract.checkResponse('user.message_send', 'default', again.body), []);
});
