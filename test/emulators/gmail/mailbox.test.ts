// The emulated mailbox's Gmail semantics without HTTP: thread grouping, deterministic ids,
// label filters with SPAM/TRASH hidden, and the history retention window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readMailbox } from '../../../src-main/mail/import/mailbox-reader.ts';
import { GmailMailbox } from './mailbox.ts';
import { normaliseSubject } from './threading.ts';

const DATA = join(import.meta.dirname, '../../../../shared/data');
const skipData = existsSync(DATA) ? false : 'LOUD SKIP: ../shared/data is absent';

const mail = (headers: Record<string, string>, body = 'text'): Buffer =>
  Buffer.from(Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') + `\r\n${body}\r\n`);

async function load(path: string): Promise<GmailMailbox> {
  const mailbox = new GmailMailbox();
  for await (const { raw } of readMailbox(path)) mailbox.add(raw, ['INBOX', 'UNREAD'], { record: false });
  return mailbox;
}

test('normaliseSubject strips reply and forward prefixes, repeated and localised', () => {
  assert.equal(normaliseSubject('RE: Fw: FWD:  Gas  prices '), 'gas prices');
  assert.equal(normaliseSubject('Re[2]: AW: budget'), 'budget');
  assert.equal(normaliseSubject('Review: plan'), 'review: plan');
});

test('threads by In-Reply-To/References, else by subject among messages sharing a participant', () => {
  const box = new GmailMailbox();
  const root = box.add(mail({ From: 'a@x.com', To: 'b@x.com', Subject: 'Plan', 'Message-ID': '<r@x>', Date: 'Mon, 1 Jan 2001 10:00:00 +0000' }), ['INBOX']);
  const byRef = box.add(mail({ From: 'c@y.com', To: 'd@y.com', Subject: 'Other words', References: '<q@x> <r@x>', Date: 'Mon, 1 Jan 2001 11:00:00 +0000' }), ['INBOX']);
  const bySubject = box.add(mail({ From: 'b@x.com', To: 'e@x.com', Subject: 'RE: plan', Date: 'Mon, 1 Jan 2001 12:00:00 +0000' }), ['INBOX']);
  const stranger = box.add(mail({ From: 'z@z.com', To: 'w@z.com', Subject: 'Re: Plan', Date: 'Mon, 1 Jan 2001 13:00:00 +0000' }), ['INBOX']);
  assert.equal(root.threadId, root.id, 'a thread id is its first message id');
  assert.equal(byRef.threadId, root.id);
  assert.equal(bySubject.threadId, root.id);
  assert.notEqual(stranger.threadId, root.id, 'same subject, no shared participant: a new thread');
  assert.deepEqual(box.thread(root.id), [root.id, byRef.id, bySubject.id], 'thread messages oldest first');
  assert.match(root.id, /^[0-9a-f]{16}$/);
  assert.equal(BigInt(`0x${root.id}`) >> 20n, BigInt(Date.parse('Mon, 1 Jan 2001 10:00:00 +0000')), 'id embeds internalDate');
});

test('loading the same inbox twice gives the same ids and threads; Enron threads by subject', { skip: skipData }, async () => {
  const inbox = join(DATA, 'enron/maildir/dasovich-j/inbox');
  const [a, b] = [await load(inbox), await load(inbox)];
  const pageA = a.list(null, 2000, [], true);
  assert.deepEqual(pageA.ids, b.list(null, 2000, [], true).ids);
  assert.deepEqual(pageA.ids.map((id) => a.get(id)!.threadId), pageA.ids.map((id) => b.get(id)!.threadId));
  assert.ok(a.threadCount < a.size && a.threadCount > a.size / 2, `${a.threadCount} threads for ${a.size} messages`);
});

test('SpamAssassin list mail threads by In-Reply-To/References', { skip: skipData }, async () => {
  const box = await load(join(DATA, 'spamassassin/easy_ham'));
  assert.equal(box.size, 2500);
  const multi = box.list(null, 3000, [], true).ids.filter((id) => box.get(id)!.threadId !== id).length;
  assert.ok(multi > 500, `${multi} messages joined an earlier thread`);
});

test('list filters by labels, hides SPAM/TRASH unless asked, and pages after a cursor', () => {
  const box = new GmailMailbox();
  const ids = Array.from({ length: 10 }, (_, i) =>
    box.add(mail({ From: `s${i}@x.com`, To: 'me@x.com', Subject: `m${i}`, Date: new Date(Date.UTC(2001, 0, 1 + i)).toUTCString() }), ['INBOX']).id);
  box.modify(ids[9]!, ['TRASH'], ['INBOX']);
  box.modify(ids[8]!, ['STARRED'], []);
  const all = box.list(null, 100, [], false);
  assert.equal(all.ids.length, 9);
  assert.equal(all.ids[0], ids[8], 'newest first, trashed hidden');
  assert.equal(box.list(null, 100, [], true).ids.length, 10);
  assert.deepEqual(box.list(null, 100, ['TRASH'], false).ids, [ids[9]]);
  assert.deepEqual(box.list(null, 100, ['INBOX', 'STARRED'], false).ids, [ids[8]]);
  const first = box.list(null, 4, ['INBOX'], false);
  const second = box.list(first.ids.at(-1)!, 100, ['INBOX'], false);
  assert.equal(first.more, true);
  assert.deepEqual([...first.ids, ...second.ids], all.ids);
  assert.equal(box.estimate(['INBOX'], false), 9);
  assert.equal(box.estimate([], false), 9);
});

test('history keeps a bounded window: older startHistoryIds are no longer covered', () => {
  const box = new GmailMailbox({ startHistoryId: 500, historyRecords: 3 });
  const m = box.add(mail({ From: 'a@x.com', To: 'b@x.com', Subject: 's' }), ['INBOX'], { record: false });
  assert.equal(box.history.current, 500);
  for (let i = 0; i < 5; i += 1) box.modify(m.id, i % 2 ? ['STARRED'] : [], i % 2 ? [] : ['STARRED']);
  // i=0 removes nothing (no change, no record); 4 changes → ids 501..504, window keeps 502..504.
  assert.equal(box.history.current, 504);
  assert.equal(box.history.covers(500), false);
  assert.equal(box.history.covers(501), true);
  assert.deepEqual(box.history.page(501, 10, null, null).records.map((r) => r.id), [502, 503, 504]);
  assert.deepEqual(box.history.page(501, 10, new Set(['labelRemoved']), null).records.map((r) => r.id), [502, 504]);
  assert.deepEqual(box.history.page(501, 10, null, 'STARRED').records.map((r) => r.id), [502, 503, 504]);
  assert.deepEqual(box.history.page(501, 10, null, 'SENT').records, []);
  const paged = box.history.page(501, 2, null, null);
  assert.deepEqual([paged.records.map((r) => r.id), paged.nextAfter], [[502, 503], 503]);
});
