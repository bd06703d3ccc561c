// Opening and saving attachments (issue 9 item 4) on a real encrypted store: the part is
// decoded from the stored source byte for byte, opened from a private folder (0700, files
// 0600) that is emptied on clear(), saved under a safe name where the desktop says, and a
// cancelled save writes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import { openTestStore, type TestStore } from '../../store/store-fixtures.ts';
import { parseMessage } from '../../../../src-main/mail/mime/index.ts';
import { messageToSave } from '../../../../src-main/mail/thread-key.ts';
import { AttachmentFiles, type DesktopFiles } from '../../../../src-main/mail/attachments/attachment-files.ts';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256))]);
let t: TestStore;
let messageId: number;
let downloads: string;
const opened: string[] = [];
let saveTo: string | null = null;
const desktop: DesktopFiles = {
  openPath: async (path) => {
    opened.push(path);
  },
  chooseSavePath: async (fileName) => (saveTo === null ? null : join(saveTo, fileName)),
};

before(async () => {
  t = await openTestStore();
  downloads = mkdtempSync(join(tmpdir(), 'mailbridge-downloads-'));
  const raw = await new MailComposer({
    from: 'ana@northwind.example',
    to: 'rep@example.com',
    subject: 'Signed contract',
    text: 'Attached.',
    attachments: [
      { filename: 'contract.pdf', content: PDF, contentType: 'application/pdf' },
      { filename: '../../CON.txt', content: 'not a device', contentType: 'text/plain' },
      { filename: 'invoice\u202Efdp.exe', content: 'MZ', contentType: 'application/octet-stream' },
    ],
  })
    .compile()
    .build();
  const accountId = t.store.accounts.create({ provider: 'import', email: 'rep@example.com' }).id;
  const parsed = await parseMessage(raw);
  t.store.messages.saveMessages(accountId, [
    messageToSave({ providerMessageId: 'a1', providerThreadId: null, labels: ['INBOX'], internalDate: 1_700_000_000_000, raw }, parsed),
  ]);
  messageId = t.store.search.search('contract')[0]!.messageId;
});
after(() => {
  t.cleanup();
  rmSync(downloads, { recursive: true, force: true });
});

test('open decodes the part byte for byte into a private folder and hands the path to the desktop', async () => {
  const directory = join(t.dir, 'open-attachments');
  const files = new AttachmentFiles({ store: t.store, directory, desktop });
  await files.open(messageId, 0);
  await files.open(messageId, 0);
  assert.equal(opened.length, 2);
  assert.notEqual(opened[0], opened[1], 'a second open never overwrites the first');
  for (const path of opened) {
    assert.ok(path.startsWith(directory));
    assert.equal(path.split('/').pop(), 'contract.pdf');
    assert.deepEqual(readFileSync(path), PDF);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(path)).mode & 0o777, 0o700);
  }
  assert.equal(statSync(directory).mode & 0o777, 0o700);
  files.clear();
  assert.deepEqual(readdirSync(directory), [], 'cleared on quit');
  assert.ok(!existsSync(opened[0]!));
});

test('save writes under a safe name where the desktop says; a cancel writes nothing', async () => {
  const files = new AttachmentFiles({ store: t.store, directory: join(t.dir, 'open-attachments'), desktop });
  saveTo = downloads;
  assert.equal(await files.save(messageId, 1), 'attachment-2.txt', 'a reserved Windows name behind ../../ is renamed');
  assert.equal(readFileSync(join(downloads, 'attachment-2.txt'), 'utf8'), 'not a device');
  saveTo = null;
  assert.equal(await files.save(messageId, 0), null);
  assert.deepEqual(readdirSync(downloads).sort(), ['attachment-2.txt']);
});

test('a program is never opened, only saved, and a right-to-left override cannot disguise it', async () => {
  const files = new AttachmentFiles({ store: t.store, directory: join(t.dir, 'open-attachments'), desktop });
  const before = opened.length;
  await assert.rejects(files.open(messageId, 2), { code: 'invalid_input', message: /invoicefdp\.exe is a program or script/ });
  assert.equal(opened.length, before, 'the desktop was never asked to open it');
  saveTo = downloads;
  assert.equal(await files.save(messageId, 2), 'invoicefdp.exe');
});

test('an attachment the message does not have is a clear not_found', async () => {
  const files = new AttachmentFiles({ store: t.store, directory: join(t.dir, 'open-attachments'), desktop });
  await assert.rejects(files.open(messageId, 5), { code: 'not_found', message: /no such attachment/ });
  await assert.rejects(files.open(9_999, 0), { code: 'not_found' });
});
