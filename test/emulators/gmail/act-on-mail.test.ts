// Acting on mail through the real @googleapis/gmail client: messages.send seen by history.list
// and found again by rfc822msgid:, batchModify/modify/trash/untrash in history, and the
// commit-then-drop fault that leaves a client unsure whether its mail went out.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import { OAuth2Client } from 'google-auth-library';
import { GmailEmulator } from './gmail-emulator.ts';
import { QUOTA_COST } from './quota.ts';

let emulator: GmailEmulator;
let api: gmail_v1.Gmail;

const OWNER = 'rep@mailbridge.test';

const mail = (messageId: string, subject: string, extra = ''): string =>
  `From: ${OWNER}\r\nTo: buyer@customer.example\r\nSubject: ${subject}\r\nMessage-ID: <${messageId}>\r\n` +
  `Date: Tue, 3 Nov 2026 10:00:00 +0000\r\n${extra}\r\nHello.\r\n`;

const raw = (text: string): string => Buffer.from(text).toString('base64url');

async function failure(promise: Promise<unknown>): Promise<{ status?: number; body: unknown; error: Error }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { response?: { status: number; data: unknown } };
    return { status: e.response?.status, body: e.response?.data, error: e };
  }
  assert.fail('expected the call to fail');
}

before(async () => {
  emulator = new GmailEmulator({ emailAddress: OWNER });
  const { url } = await emulator.start();
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'act-on-mail' });
  api = gmail({ version: 'v1', rootUrl: url + '/', auth });
});

after(async () => {
  await emulator?.stop();
});

test('messages.send stores a SENT message that history.list and rfc822msgid: return', async () => {
  const inbound = emulator.addMessage(mail('deal-1@customer.example', 'Deal').replace(`From: ${OWNER}`, 'From: buyer@customer.example')
    .replace('To: buyer@customer.example', `To: ${OWNER}`));
  const { data: profile } = await api.users.getProfile({ userId: 'me' });
  const before = Date.now();
  const { data: sent } = await api.users.messages.send({
    userId: 'me', requestBody: { raw: raw(mail('reply-1@mailbridge.test', 'Re: Deal', 'In-Reply-To: <deal-1@customer.example>\r\n')), threadId: inbound.threadId },
  });
  assert.deepEqual(Object.keys(sent).sort(), ['id', 'labelIds', 'threadId']);
  assert.deepEqual(sent.labelIds, ['SENT']);
  assert.equal(sent.threadId, inbound.threadId, 'the named existing thread');
  assert.ok(emulator.mailbox.get(sent.id!)!.internalDate >= before, 'internalDate is now');

  const { data: history } = await api.users.history.list({ userId: 'me', startHistoryId: profile.historyId!, historyTypes: ['messageAdded'] });
  assert.deepEqual(history.history?.map((h) => h.messagesAdded?.[0]?.message?.id), [sent.id]);

  for (const q of ['rfc822msgid:reply-1@mailbridge.test', 'rfc822msgid:<reply-1@mailbridge.test>']) {
    const { data } = await api.users.messages.list({ userId: 'me', q });
    assert.deepEqual(data.messages, [{ id: sent.id, threadId: sent.threadId }], q);
    assert.equal(data.resultSizeEstimate, 1);
  }
  const { data: none } = await api.users.messages.list({ userId: 'me', q: 'rfc822msgid:nobody@nowhere' });
  assert.equal(none.messages, undefined);
  assert.equal(none.resultSizeEstimate, 0);
  const other = await failure(api.users.messages.list({ userId: 'me', q: 'from:buyer@customer.example' }));
  assert.equal(other.status, 400, 'an unserved operator is refused, not ignored');

  const { data: unknownThread } = await api.users.messages.send({ userId: 'me', requestBody: { raw: raw(mail('new-1@mailbridge.test', 'Fresh')), threadId: 'ffffffffffffffff' } });
  assert.equal(unknownThread.threadId, unknownThread.id, 'an unknown threadId falls back to threading: a thread of its own');
});

test('messages.send answers 400 for no recipient and for raw that is not base64url', async () => {
  const noRecipient = await failure(api.users.messages.send({ userId: 'me', requestBody: { raw: raw('From: a@b.example\r\nSubject: x\r\n\r\ny\r\n') } }));
  assert.equal(noRecipient.status, 400);
  assert.equal((noRecipient.body as { error: { status: string } }).error.status, 'INVALID_ARGUMENT');
  const notBase64 = await failure(api.users.messages.send({ userId: 'me', requestBody: { raw: 'not base64!' } }));
  assert.equal(notBase64.status, 400);
  assert.match((notBase64.body as { error: { message: string } }).error.message, /Base64 decoding failed/);
});

test('batchModify answers 204 and writes one history record per changed message; modify answers the Message', async () => {
  const a = emulator.addMessage(mail('bm-a@customer.example', 'A'));
  const b = emulator.addMessage(mail('bm-b@customer.example', 'B'));
  const start = emulator.historyId;
  const res = await api.users.messages.batchModify({ userId: 'me', requestBody: { ids: [a.id, b.id], addLabelIds: ['STARRED'], removeLabelIds: ['UNREAD'] } });
  assert.equal(res.status, 204);
  assert.equal(res.data, '');
  const again = await api.users.messages.batchModify({ userId: 'me', requestBody: { ids: [a.id, '00000000000000aa'], addLabelIds: ['STARRED'] } });
  assert.equal(again.status, 204, 'no change and an unknown id: nothing recorded');
  const { data } = await api.users.history.list({ userId: 'me', startHistoryId: start });
  assert.deepEqual(data.history?.map((h) => [h.labelsAdded?.[0]?.message?.id, h.labelsAdded?.[0]?.labelIds, h.labelsRemoved?.[0]?.labelIds]),
    [[a.id, ['STARRED'], ['UNREAD']], [b.id, ['STARRED'], ['UNREAD']]]);
  assert.deepEqual(emulator.messageState(a.id)?.labelIds, ['INBOX', 'STARRED']);

  const badLabel = await failure(api.users.messages.batchModify({ userId: 'me', requestBody: { ids: [a.id], addLabelIds: ['Label_404'] } }));
  assert.equal(badLabel.status, 400);
  const tooMany = await failure(api.users.messages.batchModify({ userId: 'me', requestBody: { ids: Array.from({ length: 1001 }, () => a.id) } }));
  assert.equal(tooMany.status, 400);
  assert.deepEqual(emulator.messageState(a.id)?.labelIds, ['INBOX', 'STARRED'], 'a refused batch changes nothing');

  const { data: modified } = await api.users.messages.modify({ userId: 'me', id: a.id, requestBody: { removeLabelIds: ['STARRED'] } });
  assert.deepEqual(modified, { id: a.id, threadId: a.threadId, labelIds: ['INBOX'] });
});

test('trash and untrash answer the Message, show in history, and trash leaves messages.list', async () => {
  const m = emulator.addMessage(mail('trash-1@customer.example', 'Trash me'));
  const start = emulator.historyId;
  const { data: trashed } = await api.users.messages.trash({ userId: 'me', id: m.id });
  assert.deepEqual(trashed.labelIds, ['INBOX', 'UNREAD', 'TRASH']);
  const q = 'rfc822msgid:trash-1@customer.example';
  assert.equal((await api.users.messages.list({ userId: 'me', q })).data.messages, undefined, 'TRASH is left out');
  assert.equal((await api.users.messages.list({ userId: 'me', q, includeSpamTrash: true })).data.messages?.[0]?.id, m.id);
  const { data: listed } = await api.users.messages.list({ userId: 'me', maxResults: 500 });
  assert.ok(!listed.messages?.some((x) => x.id === m.id));
  const { data: untrashed } = await api.users.messages.untrash({ userId: 'me', id: m.id });
  assert.deepEqual(untrashed.labelIds, ['INBOX', 'UNREAD']);
  const { data } = await api.users.history.list({ userId: 'me', startHistoryId: start });
  assert.deepEqual(data.history?.map((h) => [h.labelsAdded?.[0]?.labelIds, h.labelsRemoved?.[0]?.labelIds]), [[['TRASH'], undefined], [undefined, ['TRASH']]]);
  const { data: labels } = await api.users.labels.list({ userId: 'me' });
  for (const id of ['STARRED', 'TRASH', 'SENT', 'INBOX', 'UNREAD']) assert.ok(labels.labels?.some((l) => l.id === id && l.type === 'system'), id);
});

test('commit-then-drop: the send is stored once, the client gets no answer, rfc822msgid: finds it', async () => {
  emulator.faults.commitThenDropNext(1);
  const messageId = 'dropped-1@mailbridge.test';
  const lost = await failure(api.users.messages.send({ userId: 'me', requestBody: { raw: raw(mail(messageId, 'Lost answer')) } }));
  assert.equal(lost.status, undefined, `a transport error, not an HTTP answer: ${lost.error.message}`);
  assert.equal(emulator.sendCount(messageId), 1);
  assert.equal(emulator.sendCount(`<${messageId}>`), 1);
  assert.equal(emulator.faults.droppedSendAnswers, 1);
  const { data } = await api.users.messages.list({ userId: 'me', q: `rfc822msgid:${messageId}` });
  assert.equal(data.messages?.length, 1, 'the client can learn it was sent, and not send again');
  const sent = emulator.sentMessages().find((s) => s.messageId === messageId)!;
  assert.equal(sent.answerDropped, true);
  assert.deepEqual(sent.labelIds, ['SENT']);
  assert.equal(sent.id, data.messages![0]!.id);

  const admin = async (path: string, init?: RequestInit): Promise<Response> => fetch(`${emulator.url}/__admin${path}`, init);
  assert.equal((await admin('/faults/commit-then-drop', { method: 'POST', body: JSON.stringify({ count: 1 }) })).status, 204);
  assert.deepEqual(await (await admin('/faults')).json(), { commitThenDropPending: 1, droppedSendAnswers: 1, abandonedStalls: 0 });
  await failure(api.users.messages.send({ userId: 'me', requestBody: { raw: raw(mail('dropped-2@mailbridge.test', 'Lost again')) } }));
  const count = (await (await admin('/sent/count?messageId=%3Cdropped-2%40mailbridge.test%3E')).json()) as { count: number };
  assert.equal(count.count, 1);
  const listing = (await (await admin('/sent')).json()) as { messages: { messageId: string; raw: string; labelIds: string[] }[]; counts: Record<string, number> };
  const entry = listing.messages.find((s) => s.messageId === 'dropped-2@mailbridge.test')!;
  assert.match(Buffer.from(entry.raw, 'base64url').toString(), /^From: rep@mailbridge\.test/);
  assert.equal(listing.counts['dropped-2@mailbridge.test'], 1);
  const state = (await (await admin(`/messages/${sent.id}`)).json()) as { labelIds: string[] };
  assert.deepEqual(state.labelIds, ['SENT']);
});

test('quota units of the new methods follow the quota reference', () => {
  assert.deepEqual(['send', 'batchModify', 'modify', 'trash', 'untrash'].map((m) => QUOTA_COST[`gmail.users.messages.${m}`]), [100, 50, 5, 5, 5]);
});
