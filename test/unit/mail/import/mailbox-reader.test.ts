import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readMailbox, splitMbox, type MailboxEntry, type SkippedFile } from '../../../../src-main/mail/import/mailbox-reader.ts';

const DATA = join(import.meta.dirname, '../../../../../shared/data');
const ENRON = join(DATA, 'enron/maildir/dasovich-j/inbox');
const NOTMUCH = join(DATA, 'notmuch-corpora/default');
const SPAMASSASSIN = join(DATA, 'spamassassin/easy_ham');
const skipData = existsSync(DATA) ? false : 'LOUD SKIP: ../shared/data is absent, real-mail tests not run';

async function all(path: string): Promise<MailboxEntry[]> {
  const out: MailboxEntry[] = [];
  for await (const entry of readMailbox(path)) out.push(entry);
  return out;
}

test('reads the Enron dasovich-j inbox (plain folder) in numeric order, byte-exact', { skip: skipData }, async () => {
  const entries = await all(ENRON);
  assert.equal(entries.length, 1393);
  assert.deepEqual(entries.slice(0, 3).map((e) => e.key), ['1', '2', '3']);
  const keys = entries.map((e) => Number(e.key));
  assert.deepEqual(keys, [...keys].sort((a, b) => a - b), 'numeric-aware order');
  const tenth = entries.find((e) => e.key === '10');
  assert.ok(tenth);
  assert.deepEqual(tenth.raw, readFileSync(join(ENRON, '10')));
  assert.match(tenth.raw.toString('latin1'), /^Message-ID: </);
});

test('reads the notmuch maildir: cur/new/nested folders, flags kept in keys', { skip: skipData }, async () => {
  const entries = await all(NOTMUCH);
  assert.equal(entries.length, 53);
  const keys = entries.map((e) => e.key);
  assert.equal(new Set(keys).size, keys.length, 'keys are unique');
  assert.ok(keys.includes('bar/baz/cur/26:2,'));
  assert.ok(keys.includes('new/04:2,'));
  assert.ok(keys.indexOf('bar/baz/05:2,') < keys.indexOf('bar/baz/23:2,'), 'numeric order within a folder');
  for (const e of entries) assert.match(e.raw.toString('latin1', 0, 2000), /^[\w-]+:/m);
});

test('skips maildir tmp/ and dot-files, reads .eml files and skips non-mail files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mbx-'));
  try {
    for (const d of ['cur', 'new', 'tmp', '.notmuch']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'cur', '2:2,S'), 'Subject: two\r\n\r\nbody\r\n');
    writeFileSync(join(dir, 'cur', '10:2,'), 'Subject: ten\n\nbody\n');
    writeFileSync(join(dir, 'new', '1'), 'Subject: one\n\nbody\n');
    writeFileSync(join(dir, 'tmp', '3'), 'Subject: half-delivered\n\n');
    writeFileSync(join(dir, '.notmuch', 'x'), 'Subject: index\n\n');
    writeFileSync(join(dir, 'README'), 'This folder holds test mail.\n');
    writeFileSync(join(dir, 'a.eml'), 'From: a@example.com\r\nSubject: eml\r\n\r\nhi\r\n');
    const entries = await all(dir);
    assert.deepEqual(entries.map((e) => e.key), ['a.eml', 'cur/2:2,S', 'cur/10:2,', 'new/1']);
    assert.equal(entries[1]?.raw.toString(), 'Subject: two\r\n\r\nbody\r\n', 'CRLF kept');
    const single = await all(join(dir, 'a.eml'));
    assert.deepEqual(single.map((e) => e.key), ['a.eml']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('splits a generated mbox, unescapes >From, keeps body From lines that follow text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mbx-'));
  try {
    const messages: string[] = [];
    let mbox = '';
    for (let i = 1; i <= 500; i += 1) {
      const body = `Line one of ${i}\nFrom here on, not a separator\n\n>From the archive\n>>From deeper\n`;
      messages.push(`Subject: message ${i}\nMessage-ID: <m${i}@example.com>\n\n` +
        body.replace('>From the', 'From the').replace('>>From', '>From'));
      mbox += `From sender${i}@example.com Thu Aug 22 12:36:23 2002\nSubject: message ${i}\n` +
        `Message-ID: <m${i}@example.com>\n\n${body}\n`;
    }
    const file = join(dir, 'archive.mbox');
    writeFileSync(file, mbox);
    const entries = await all(file);
    assert.equal(entries.length, 500);
    assert.equal(entries[0]?.key, 'archive.mbox#1');
    assert.equal(entries[499]?.key, 'archive.mbox#500');
    entries.forEach((e, i) => assert.equal(e.raw.toString(), messages[i]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('splitMbox handles separators split across chunks and CRLF mboxes', async () => {
  const mbox = 'From a@b Mon Jan  1 00:00:00 2024\r\nSubject: 1\r\n\r\nx\r\n\r\n' +
    'From c@d Mon Jan  1 00:00:01 2024\r\nSubject: 2\r\n\r\ny\r\n';
  const chunks = mbox.match(/[\s\S]{1,3}/g)!.map((s) => Buffer.from(s));
  const out: string[] = [];
  for await (const m of splitMbox(Readable.from(chunks))) out.push(m.toString());
  assert.deepEqual(out, ['Subject: 1\r\n\r\nx\r\n', 'Subject: 2\r\n\r\ny\r\n']);
});

test('reads SpamAssassin one-message mbox files, dropping the envelope line', { skip: skipData }, async () => {
  // 2,365 files open with an mbox envelope line, 135 are bare messages.
  let n = 0;
  let mbox = 0;
  for await (const e of readMailbox(SPAMASSASSIN)) {
    n += 1;
    if (e.key.endsWith('#1')) mbox += 1;
    assert.doesNotMatch(e.key, /#[2-9]/);
    assert.doesNotMatch(e.raw.toString('latin1', 0, 5), /^From /);
  }
  assert.equal(n, 2500);
  assert.equal(mbox, 2365);
});

test('every file not read as mail is reported with its reason; Maildir++ folders and maildir names anywhere are read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mbx-'));
  try {
    for (const d of ['cur', 'new', 'tmp', '.Sent/cur', '.notmuch', 'loose']) mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, 'cur', '1:2,S'), 'Subject: one\n\nbody\n');
    writeFileSync(join(dir, '.Sent', 'cur', '2:2,S'), 'Subject: sent\n\nbody\n');
    writeFileSync(join(dir, '.notmuch', 'index'), 'Subject: an index, hidden by convention\n\n');
    writeFileSync(join(dir, 'loose', '1700000000.M1P2.host:2,FS'), 'From: a@example.com\nSubject: loose\n\nbody\n');
    writeFileSync(join(dir, 'README'), 'This folder holds test mail.\n');
    writeFileSync(join(dir, 'empty.eml'), '');
    writeFileSync(join(dir, 'big.eml'), `Subject: big\n\n${'x'.repeat(5000)}\n`);
    writeFileSync(join(dir, 'linked-target'), 'Subject: via a link\n\nbody\n');
    symlinkSync(join(dir, 'linked-target'), join(dir, 'link.eml'));
    symlinkSync(join(dir, 'gone'), join(dir, 'dangling.eml'));
    symlinkSync(join(dir, 'loose'), join(dir, 'folder-link'));
    const skipped: SkippedFile[] = [];
    const keys: string[] = [];
    for await (const entry of readMailbox(dir, { onSkip: (s) => skipped.push(s), maxMessageBytes: 1000 })) keys.push(entry.key);
    assert.deepEqual(keys, ['.Sent/cur/2:2,S', 'cur/1:2,S', 'link.eml', 'linked-target', 'loose/1700000000.M1P2.host:2,FS']);
    assert.deepEqual(
      skipped.map(({ key, reason }) => [key, reason]).sort(),
      [
        ['README', 'not_mail'],
        ['big.eml', 'too_large'],
        ['dangling.eml', 'unreadable'],
        ['empty.eml', 'not_mail'],
        ['folder-link', 'not_mail'],
      ],
    );
    assert.match(skipped.find((s) => s.key === 'empty.eml')!.detail, /empty/);
    assert.match(skipped.find((s) => s.key === 'dangling.eml')!.detail, /ENOENT/);
    assert.match(skipped.find((s) => s.key === 'big.eml')!.detail, /over the .* limit/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an mbox message over the size limit is reported and the next one still read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mbx-'));
  try {
    const file = join(dir, 'archive.mbox');
    writeFileSync(file, `From a@b Mon Jan  1 00:00:00 2024\nSubject: 1\n\n${'y'.repeat(3000)}\n\nFrom c@d Mon Jan  1 00:00:01 2024\nSubject: 2\n\nsmall\n`);
    const skipped: SkippedFile[] = [];
    const keys: string[] = [];
    for await (const entry of readMailbox(file, { onSkip: (s) => skipped.push(s), maxMessageBytes: 1000 })) keys.push(entry.key);
    assert.deepEqual(keys, ['archive.mbox#2']);
    assert.deepEqual(skipped.map((s) => [s.key, s.reason]), [['archive.mbox#1', 'too_large']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
