import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTakeoutMetadata } from '../../../../src-main/mail/import/takeout.ts';
import { importMailbox } from '../../../../src-main/mail/import/importer.ts';
import { openProfileStore, databaseOf } from '../../../../src-main/store/profile-store.ts';
import { createMemorySecretStore } from '../../../../src-main/platform/keychain.ts';

const message = (thrid: string, labels: string, subject: string, id: string) =>
  `From 1781234567890123456@xxx Thu Oct 01 10:00:00 +0000 2026\n` +
  `X-GM-THRID: ${thrid}\nX-Gmail-Labels: ${labels}\n` +
  `From: Ana Trujillo <ana@northwind.example>\nTo: rep@example.test\nSubject: ${subject}\n` +
  `Message-ID: <${id}@northwind.example>\nDate: Thu, 01 Oct 2026 10:00:00 +0000\n\nHello.\n\n`;

test('Takeout headers give the Gmail thread id (hex) and API label ids', () => {
  const meta = readTakeoutMetadata(
    Buffer.from(message('1781234567890123456', 'Inbox,Unread,Opened,Category Updates,"Customers, EMEA",Starred', 'Hi', 'a')),
  );
  assert.equal(meta.threadId, BigInt('1781234567890123456').toString(16));
  assert.deepEqual(meta.labels, ['INBOX', 'UNREAD', 'CATEGORY_UPDATES', 'Customers, EMEA', 'STARRED']);
  assert.deepEqual(readTakeoutMetadata(Buffer.from('Subject: plain\n\nbody')), { threadId: null, labels: null });
  assert.equal(readTakeoutMetadata(Buffer.from('X-GM-THRID: not-a-number\n\n')).threadId, null);
});

const dir = mkdtempSync(join(tmpdir(), 'mailbridge-takeout-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a Takeout mbox imports with Gmail’s threads and labels', async () => {
  const mbox = join(dir, 'All mail Including Spam and Trash.mbox');
  writeFileSync(
    mbox,
    message('1001', 'Inbox,Unread', 'Pricing', 'p1') +
      message('1001', 'Inbox', 'Re: Pricing (revised)', 'p2') +
      message('2002', 'Sent,Customers', 'Pricing', 'p3'),
  );
  const store = await openProfileStore({ path: join(dir, 'db'), secrets: createMemorySecretStore() });
  try {
    const result = await importMailbox(store, mbox);
    assert.equal(result.inserted, 3);
    assert.equal(store.messages.stats().threads, 2, 'X-GM-THRID decides, not the subject');
    const labels = databaseOf(store)
      .prepare(`SELECT m.message_id_header AS id, group_concat(l.provider_label_id) AS labels FROM messages m
                JOIN message_labels ml ON ml.message_id = m.id JOIN labels l ON l.id = ml.label_id GROUP BY m.id ORDER BY m.id`)
      .all() as Array<{ id: string; labels: string }>;
    assert.deepEqual(labels.map((r) => [r.id, r.labels.split(',').sort().join(',')]), [
      ['p1@northwind.example', 'INBOX,UNREAD'],
      ['p2@northwind.example', 'INBOX'],
      ['p3@northwind.example', 'Customers,SENT'],
    ]);
  } finally {
    store.close();
  }
});
