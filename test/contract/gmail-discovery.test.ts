// The Gmail emulator's wire JSON, checked against the published Gmail discovery document
// (specs/gmail/gmail.v1.json) with a strict checker: an unknown field or a wrong type fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GmailEmulator } from '../emulators/gmail/gmail-emulator.ts';
import { check, loadDiscovery, responseSchema, type Discovery } from '../emulators/gmail/discovery-schema.ts';

const DATA = join(import.meta.dirname, '../../../shared/data');
const skip = existsSync(DATA) ? false : 'LOUD SKIP: ../shared/data is absent, Gmail contract not checked';

let discovery: Discovery;
let emulator: GmailEmulator;
let url: string;

async function call(method: string, path: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(`${url}/gmail/v1/users/me/${path}`, {
    ...init,
    headers: { authorization: 'Bearer contract-test', ...(init.headers as Record<string, string> | undefined) },
  });
  const body: unknown = await res.json();
  assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(body)}`);
  const problems = check(discovery, responseSchema(discovery, method), body);
  assert.deepEqual(problems, [], `${method} ${path} violates the discovery schema`);
  return body;
}

before(async () => {
  if (skip) return;
  discovery = loadDiscovery(join(DATA, 'specs/gmail/gmail.v1.json'));
  // notmuch's corpora: multipart, attachments, PGP/S-MIME, broken MIME — the hard payload trees.
  emulator = new GmailEmulator({ mailbox: join(DATA, 'notmuch-corpora') });
  ({ url } = await emulator.start());
});

after(async () => {
  await emulator?.stop();
});

test('the checker itself rejects unknown properties, wrong types and bad int64 strings', { skip }, () => {
  assert.deepEqual(check(discovery, 'Profile', { emailAddress: 'a@b', messagesTotal: 1, threadsTotal: 1, historyId: '12' }), []);
  assert.match(check(discovery, 'Profile', { emailAddress: 'a@b', extra: 1 }).join(), /extra: unknown property/);
  assert.match(check(discovery, 'Message', { id: 'x', sizeEstimate: '12' }).join(), /sizeEstimate: expected integer/);
  assert.match(check(discovery, 'Message', { id: 'x', historyId: 12 }).join(), /historyId: expected string/);
  assert.match(check(discovery, 'Message', { id: 'x', internalDate: 'soon' }).join(), /internalDate: expected int64/);
  assert.match(check(discovery, 'Message', { payload: { parts: [{ body: { size: 1, data: 'not base64!' } }] } }).join(), /base64/);
});

test('getProfile and labels.list match the discovery schemas', { skip }, async () => {
  const profile = (await call('gmail.users.getProfile', 'profile')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(profile).sort(), ['emailAddress', 'historyId', 'messagesTotal', 'threadsTotal']);
  assert.equal(profile.messagesTotal, emulator.mailbox.size);
  const labels = (await call('gmail.users.labels.list', 'labels')) as { labels: { id: string }[] };
  for (const id of ['INBOX', 'SENT', 'UNREAD', 'TRASH', 'SPAM', 'STARRED']) assert.ok(labels.labels.some((l) => l.id === id), id);
});

test('every message, in all four formats, and every thread match the discovery schemas', { skip }, async () => {
  const ids: string[] = [];
  let pageToken = '';
  do {
    const page = (await call('gmail.users.messages.list', `messages?maxResults=100${pageToken ? `&pageToken=${pageToken}` : ''}`)) as {
      messages?: { id: string; threadId: string }[]; nextPageToken?: string; resultSizeEstimate: number;
    };
    ids.push(...(page.messages ?? []).map((m) => m.id));
    pageToken = page.nextPageToken ?? '';
  } while (pageToken);
  assert.ok(ids.length > 300, `notmuch corpora hold ${ids.length} messages`);
  const threads = new Set<string>();
  let multipart = 0;
  for (const id of ids) {
    for (const format of ['minimal', 'metadata', 'full', 'raw']) {
      const m = (await call('gmail.users.messages.get', `messages/${id}?format=${format}`)) as Record<string, unknown>;
      assert.equal(m.id, id);
      assert.match(String(m.threadId), /^[0-9a-f]{16}$/);
      assert.equal('raw' in m, format === 'raw');
      assert.equal('payload' in m, format === 'metadata' || format === 'full');
      if (format === 'full' && (m.payload as { parts?: unknown[] }).parts) multipart += 1;
      threads.add(String(m.threadId));
    }
  }
  assert.ok(multipart > 20, `multipart payload trees checked: ${multipart}`);
  for (const id of threads) await call('gmail.users.threads.get', `threads/${id}?format=full`);
  await call('gmail.users.messages.get', `messages/${ids[0]}?format=metadata&metadataHeaders=Subject&metadataHeaders=from`);
});

test('messages.send, history.list and an attachment match the discovery schemas', { skip }, async () => {
  const start = emulator.historyId;
  const raw = Buffer.from('From: me@mailbridge.test\r\nTo: a@example.com\r\nSubject: contract\r\n\r\nhello\r\n').toString('base64url');
  const sent = (await call('gmail.users.messages.send', 'messages/send', {
    method: 'POST', body: JSON.stringify({ raw }), headers: { 'content-type': 'application/json' },
  })) as { id: string; labelIds: string[] };
  assert.deepEqual(sent.labelIds, ['SENT']);
  await call('gmail.users.messages.modify', `messages/${sent.id}/modify`, {
    method: 'POST', body: JSON.stringify({ addLabelIds: ['STARRED'], removeLabelIds: [] }), headers: { 'content-type': 'application/json' },
  });
  const history = (await call('gmail.users.history.list', `history?startHistoryId=${start}`)) as { history: unknown[] };
  assert.equal(history.history.length, 2);
  const withAttachment = findAttachment();
  assert.ok(withAttachment, 'the corpora contain an attachment');
  await call('gmail.users.messages.attachments.get', `messages/${withAttachment.messageId}/attachments/${withAttachment.attachmentId}`);
});

test('messages.list with rfc822msgid:, modify, trash, untrash match the discovery schemas; batchModify answers 204 empty', { skip }, async () => {
  const raw = Buffer.from('From: me@mailbridge.test\r\nTo: a@example.com\r\nSubject: act\r\nMessage-ID: <act-1@mailbridge.test>\r\n\r\nhi\r\n').toString('base64url');
  const json = { 'content-type': 'application/json' };
  const sent = (await call('gmail.users.messages.send', 'messages/send', { method: 'POST', body: JSON.stringify({ raw }), headers: json })) as { id: string };
  for (const q of ['rfc822msgid:act-1@mailbridge.test', 'rfc822msgid:%3Cact-1@mailbridge.test%3E', 'rfc822msgid:none@nowhere']) {
    await call('gmail.users.messages.list', `messages?q=${q}&includeSpamTrash=true`);
  }
  const trashed = (await call('gmail.users.messages.trash', `messages/${sent.id}/trash`, { method: 'POST' })) as { labelIds: string[] };
  assert.ok(trashed.labelIds.includes('TRASH'));
  await call('gmail.users.messages.untrash', `messages/${sent.id}/untrash`, { method: 'POST' });
  const batch = await fetch(`${url}/gmail/v1/users/me/messages/batchModify`, {
    method: 'POST', headers: { authorization: 'Bearer contract-test', ...json },
    body: JSON.stringify({ ids: [sent.id], addLabelIds: ['STARRED', 'UNREAD'], removeLabelIds: [] }),
  });
  assert.equal(batch.status, 204);
  assert.equal(await batch.text(), '');
  const modified = (await call('gmail.users.messages.modify', `messages/${sent.id}/modify`, {
    method: 'POST', body: JSON.stringify({ removeLabelIds: ['UNREAD'] }), headers: json,
  })) as { labelIds: string[] };
  assert.deepEqual(modified.labelIds, ['SENT', 'STARRED']);
});

function findAttachment(): { messageId: string; attachmentId: string } | null {
  let pageAfter: string | null = null;
  for (;;) {
    const page = emulator.mailbox.list(pageAfter, 100, [], true);
    for (const id of page.ids) {
      const stack = [emulator.mailbox.tree(emulator.mailbox.get(id)!).payload];
      while (stack.length) {
        const part = stack.pop()!;
        if (part.body.attachmentId) return { messageId: id, attachmentId: part.body.attachmentId };
        stack.push(...(part.parts ?? []));
      }
    }
    if (!page.more) return null;
    pageAfter = page.ids[page.ids.length - 1]!;
  }
}
