// What an import did not read as mail is in its result and in the store's stats, with the
// reason; importing the folder again after the rep fixed a file drops that skip.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importMailbox } from '../../../../src-main/mail/import/importer.ts';
import { openTestStore, type TestStore } from '../../store/store-fixtures.ts';

let t: TestStore;
let dir: string;
before(async () => {
  t = await openTestStore();
  dir = mkdtempSync(join(tmpdir(), 'mb-import-'));
  for (const d of ['cur', 'new', '.Sent/cur']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'cur', '1:2,S'), 'From: a@customer.example\nSubject: read\nMessage-ID: <1@x>\n\nbody\n');
  writeFileSync(join(dir, 'new', '2'), 'From: b@customer.example\nSubject: unread\nMessage-ID: <2@x>\n\nbody\n');
  writeFileSync(join(dir, '.Sent', 'cur', '3:2,S'), 'From: rep@example.com\nSubject: sent\nMessage-ID: <3@x>\n\nbody\n');
  writeFileSync(join(dir, 'notes.txt'), 'shopping list\n');
  writeFileSync(join(dir, 'empty'), '');
});
after(() => {
  t.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

test('the result and stats count the files not read as mail, with reasons', async () => {
  const result = await importMailbox(t.store, dir);
  assert.equal(result.read, 3);
  assert.equal(result.inserted, 3);
  assert.equal(result.skipped, 2);
  assert.deepEqual(result.skippedFiles.map((s) => [s.key, s.reason]).sort(), [['empty', 'not_mail'], ['notes.txt', 'not_mail']]);
  assert.equal(t.store.messages.stats().skippedFiles, 2);
  const listed = t.store.importSkips.list();
  assert.deepEqual(listed.map((s) => s.source), [dir, dir]);

  // The same import again adds no skip twice.
  await importMailbox(t.store, dir);
  assert.equal(t.store.messages.stats().skippedFiles, 2);
});

test('a Maildir++ folder becomes its label; new/ and flags without S are unread', async () => {
  const labels = (subject: string) => {
    const hit = t.store.search.search(`subject:${subject}`, { limit: 1 })[0]!;
    return t.store.messages.getMessage(hit.messageId)!.labels;
  };
  assert.deepEqual(labels('sent'), ['SENT']);
  assert.deepEqual(labels('unread').sort(), ['INBOX', 'UNREAD']);
  assert.deepEqual(labels('read'), ['INBOX']);
});

test('after the rep fixes a file, importing again reads it and drops its skip', async () => {
  writeFileSync(join(dir, 'notes.txt'), 'From: c@customer.example\nSubject: fixed\nMessage-ID: <4@x>\n\nbody\n');
  const result = await importMailbox(t.store, dir);
  assert.equal(result.inserted, 1);
  assert.deepEqual(result.skippedFiles.map((s) => s.key), ['empty']);
  assert.equal(t.store.messages.stats().skippedFiles, 1);
});
