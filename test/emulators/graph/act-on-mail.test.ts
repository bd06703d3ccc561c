// Acting on mail through the real @microsoft/microsoft-graph-client: PATCH isRead and flag,
// move reported in both folders' deltas, MIME sendMail in Sent Items' delta and found again
// by internetMessageId, and the commit-then-drop fault on sendMail.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, GraphError, ResponseType } from '@microsoft/microsoft-graph-client';
import { GraphEmulator } from './graph-emulator.ts';

const OWNER = 'rep@mailbridge.test';
const IMMUTABLE = 'IdType="ImmutableId"';

let emulator: GraphEmulator;
let api: Client;

interface DeltaItem {
  id: string;
  '@removed'?: { reason: string };
  isRead?: boolean;
  flag?: { flagStatus: string };
  internetMessageId?: string;
  conversationId?: string;
}

interface DeltaPage {
  value: DeltaItem[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/** Every item of a delta round from `start` (a folder's delta path or a deltaLink). */
async function deltaRound(start: string, select?: string, prefer = ''): Promise<{ items: DeltaItem[]; deltaLink: string }> {
  const items: DeltaItem[] = [];
  let link = start;
  for (;;) {
    let request = api.api(link).header('Prefer', ['odata.maxpagesize=100', prefer].filter(Boolean).join(', '));
    if (select && !link.startsWith('https://')) request = request.select(select);
    const page = (await request.get()) as DeltaPage;
    items.push(...page.value);
    if (page['@odata.deltaLink']) return { items, deltaLink: page['@odata.deltaLink'] };
    link = page['@odata.nextLink']!;
  }
}

async function graphError(promise: Promise<unknown>): Promise<GraphError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof GraphError, `expected a GraphError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to fail');
}

const mime = (messageId: string, subject: string, extra = ''): string =>
  `From: Rep <${OWNER}>\r\nTo: Buyer <buyer@customer.example>\r\nSubject: ${subject}\r\nMessage-ID: <${messageId}>\r\n` +
  `Date: Tue, 3 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n${extra}\r\nThanks.\r\n`;

/** POST /me/sendMail in MIME form: the message base64 in a text/plain body. */
async function sendMime(text: string): Promise<Response> {
  return (await api.api('/me/sendMail').header('Content-Type', 'text/plain').responseType(ResponseType.RAW)
    .post(Buffer.from(text).toString('base64'))) as Response;
}

before(async () => {
  emulator = new GraphEmulator({ user: { mail: OWNER, displayName: 'Rep' } });
  const { url } = await emulator.start();
  api = Client.init({ authProvider: (done) => done(null, 'act-on-mail'), baseUrl: url + '/', defaultVersion: 'v1.0', customHosts: new Set(['127.0.0.1']) });
});

after(async () => {
  await emulator?.stop();
});

test('PATCH isRead and flag answers the message and the next delta round reports it updated', async () => {
  const m = emulator.addMessage(mime('patch-1@customer.example', 'Patch me'));
  const start = await deltaRound('/me/mailFolders/inbox/messages/delta', 'isRead,flag');
  assert.deepEqual(start.items.find((i) => i.id === m.id)?.flag, { flagStatus: 'notFlagged' }, 'flag defaults to notFlagged');
  const patched = await api.api(`/me/messages/${m.id}`).patch({ isRead: true, flag: { flagStatus: 'flagged' } });
  assert.equal(patched.isRead, true);
  assert.deepEqual(patched.flag, { flagStatus: 'flagged' });
  const changes = await deltaRound(start.deltaLink);
  assert.deepEqual(changes.items.map((i) => [i.id, i.isRead, i.flag]), [[m.id, true, { flagStatus: 'flagged' }]], 'one update, the $select kept');
  await api.api(`/me/messages/${m.id}`).patch({ flag: { flagStatus: 'complete' } });
  assert.deepEqual(emulator.messageState(m.id)?.flag, { flagStatus: 'complete' });
  assert.equal((await deltaRound(changes.deltaLink)).items.length, 1);
  const unchanged = await deltaRound((await deltaRound(changes.deltaLink)).deltaLink);
  assert.deepEqual(unchanged.items, []);
  const bad = await graphError(api.api(`/me/messages/${m.id}`).patch({ flag: { flagStatus: 'urgent' } }));
  assert.equal(bad.statusCode, 400);
  const unserved = await graphError(api.api(`/me/messages/${m.id}`).patch({ subject: 'x' }));
  assert.equal(unserved.statusCode, 400, 'a property the emulator does not change is refused, not ignored');
});

test('move answers 201: the source delta reports @removed, the destination delta the message; ImmutableId keeps the id', async () => {
  for (const name of ['archive', 'deleteditems', 'sentitems', 'inbox']) assert.equal((await api.api(`/me/mailFolders/${name}`).get()).id, emulator.folder(name)!.id);
  const a = emulator.addMessage(mime('move-a@customer.example', 'Move A'));
  const b = emulator.addMessage(mime('move-b@customer.example', 'Move B'));
  const inbox = await deltaRound('/me/mailFolders/inbox/messages/delta', undefined, IMMUTABLE);
  const archive = await deltaRound('/me/mailFolders/archive/messages/delta', undefined, IMMUTABLE);

  const moved = await api.api(`/me/messages/${a.immutableId}/move`).header('Prefer', IMMUTABLE).responseType(ResponseType.RAW)
    .post({ destinationId: 'archive' }) as Response;
  assert.equal(moved.status, 201);
  const body = (await moved.json()) as { id: string; parentFolderId: string };
  assert.equal(body.id, a.immutableId, 'ImmutableId: the id survives the move');
  assert.equal(body.parentFolderId, emulator.folder('archive')!.id);
  const plain = await api.api(`/me/messages/${b.id}/move`).post({ destinationId: emulator.folder('archive')!.id });
  assert.notEqual(plain.id, b.id, 'without the preference the REST id changes');

  const fromInbox = await deltaRound(inbox.deltaLink, undefined, IMMUTABLE);
  assert.deepEqual(fromInbox.items, [{ id: a.immutableId, '@removed': { reason: 'deleted' } }, { id: b.immutableId, '@removed': { reason: 'deleted' } }]);
  const intoArchive = await deltaRound(archive.deltaLink, undefined, IMMUTABLE);
  assert.deepEqual(intoArchive.items.map((i) => [i.id, i['@removed']]), [[a.immutableId, undefined], [b.immutableId, undefined]]);
  assert.equal(emulator.messageState(a.immutableId)?.folder, 'archive');
  const nowhere = await graphError(api.api(`/me/messages/${a.immutableId}/move`).post({ destinationId: 'nosuchfolder' }));
  assert.equal(nowhere.statusCode, 400);
});

test('MIME sendMail answers 202, keeps the Message-ID, joins the replied conversation and shows in Sent Items delta', async () => {
  const inbound = emulator.addMessage(mime('ask-1@customer.example', 'Question').replace(`From: Rep <${OWNER}>`, 'From: buyer@customer.example'));
  const sent = await deltaRound('/me/mailFolders/sentitems/messages/delta', 'internetMessageId,conversationId,isRead');
  const response = await sendMime(mime('answer-1@mailbridge.test', 'Re: Question', 'In-Reply-To: <ask-1@customer.example>\r\nReferences: <ask-1@customer.example>\r\n'));
  assert.equal(response.status, 202);
  assert.equal(await response.text(), '');
  const fresh = await sendMime(mime('fresh-1@mailbridge.test', 'Question'));
  assert.equal(fresh.status, 202);
  const changes = await deltaRound(sent.deltaLink);
  assert.deepEqual(changes.items.map((i) => i.internetMessageId), ['<answer-1@mailbridge.test>', '<fresh-1@mailbridge.test>']);
  assert.equal(changes.items[0]!.conversationId, inbound.conversationId, 'In-Reply-To names a message in the mailbox');
  assert.notEqual(changes.items[1]!.conversationId, inbound.conversationId, 'no reference: a new conversation, even with the same subject');
  assert.equal(changes.items[0]!.isRead, true);

  for (const path of ['/me/messages', '/me/mailFolders/sentitems/messages']) {
    const found = await api.api(path).filter("internetMessageId eq '<answer-1@mailbridge.test>'").select('internetMessageId,parentFolderId').get();
    assert.deepEqual(found.value.map((m: { id: string }) => m.id), [changes.items[0]!.id], path);
  }
  const elsewhere = await api.api('/me/mailFolders/inbox/messages').filter("internetMessageId eq '<answer-1@mailbridge.test>'").get();
  assert.deepEqual(elsewhere.value, []);
  const other = await graphError(api.api('/me/messages').filter('isRead eq false').get());
  assert.equal(other.statusCode, 400);
  const garbled = await graphError(api.api('/me/messages').filter('hello').get());
  assert.equal(garbled.statusCode, 400);

  const badBase64 = await graphError(api.api('/me/sendMail').header('Content-Type', 'text/plain').post('not base64 at all!'));
  assert.equal(badBase64.code, 'ErrorMimeContentInvalidBase64String');
  const noRecipient = await graphError(api.api('/me/sendMail').header('Content-Type', 'text/plain')
    .post(Buffer.from('From: rep@mailbridge.test\r\nSubject: x\r\n\r\ny\r\n').toString('base64')));
  assert.equal(noRecipient.code, 'ErrorInvalidRecipients');
  assert.equal(emulator.sendCount('answer-1@mailbridge.test'), 1);
});

test('commit-then-drop on sendMail: stored once, no answer, internetMessageId finds it', async () => {
  emulator.faults.commitThenDropNext(1);
  const id = '<dropped-1@mailbridge.test>';
  await assert.rejects(sendMime(mime('dropped-1@mailbridge.test', 'Lost answer')), (error: unknown) => !(error instanceof GraphError) || error.statusCode <= 0);
  assert.equal(emulator.sendCount(id), 1);
  const found = await api.api('/me/mailFolders/sentitems/messages').filter(`internetMessageId eq '${id}'`).get();
  assert.equal(found.value.length, 1, 'the client can learn it was sent, and not send again');
  const record = emulator.sentMessages().find((s) => s.internetMessageId === id)!;
  assert.equal(record.answerDropped, true);
  assert.equal(record.folder, 'sentitems');
  assert.equal(record.id, found.value[0].id);

  const admin = async (path: string, init?: RequestInit): Promise<unknown> => (await fetch(`${emulator.url}/__admin${path}`, init)).json();
  assert.deepEqual(await admin(`/sent/count?internetMessageId=${encodeURIComponent(id)}`), { internetMessageId: id, count: 1 });
  const listing = (await admin('/sent')) as { messages: { internetMessageId: string; raw: string; conversationId: string }[] };
  const entry = listing.messages.find((m) => m.internetMessageId === id)!;
  assert.match(Buffer.from(entry.raw, 'base64').toString(), /Message-ID: <dropped-1@mailbridge\.test>/);
  const state = (await admin(`/messages/${record.id}`)) as { folder: string; isRead: boolean; flag: unknown };
  assert.deepEqual([state.folder, state.isRead, state.flag], ['sentitems', true, { flagStatus: 'notFlagged' }]);
  const flagged = (await admin(`/messages/${record.id}/flag`, { method: 'POST', body: JSON.stringify({ flagStatus: 'flagged' }) })) as { flag: unknown };
  assert.deepEqual(flagged.flag, { flagStatus: 'flagged' });
});
